//! Tokens to a tree, by precedence climbing; only allow-listed functions and row-wise operations.

use super::lex::{Tok, lex};
use super::{Expr, FUNCTIONS, MAX_DEPTH, MAX_LEN, NOT_ROW_WISE, err};
use crate::error::Result;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }
    fn is_op(&self, ops: &[&str]) -> Option<String> {
        match self.peek() {
            Some(Tok::Op(o)) if ops.contains(&o.as_str()) => Some(o.clone()),
            _ => None,
        }
    }
    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err("expression nests too deeply"));
        }
        Ok(())
    }
    fn or(&mut self) -> Result<Expr> {
        self.deeper()?;
        let mut l = self.and()?;
        while self.is_kw("or") {
            self.pos += 1;
            l = Expr::Bin("or".into(), Box::new(l), Box::new(self.and()?));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr> {
        let mut l = self.not()?;
        while self.is_kw("and") {
            self.pos += 1;
            l = Expr::Bin("and".into(), Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr> {
        if self.is_kw("not") {
            self.pos += 1;
            self.deeper()?;
            let e = Expr::Unary('!', Box::new(self.not()?));
            self.depth -= 1;
            return Ok(e);
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr> {
        let l = self.add()?;
        if let Some(op) = self.is_op(&["<", "<=", ">", ">=", "=", "!="]) {
            self.pos += 1;
            return Ok(Expr::Bin(op, Box::new(l), Box::new(self.add()?)));
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<Expr> {
        let mut l = self.mul()?;
        while let Some(op) = self.is_op(&["+", "-"]) {
            self.pos += 1;
            l = Expr::Bin(op, Box::new(l), Box::new(self.mul()?));
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<Expr> {
        let mut l = self.unary()?;
        while let Some(op) = self.is_op(&["*", "/", "%"]) {
            self.pos += 1;
            l = Expr::Bin(op, Box::new(l), Box::new(self.unary()?));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr> {
        if self.is_op(&["-"]).is_some() {
            self.pos += 1;
            self.deeper()?;
            let e = Expr::Unary('-', Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        let base = self.atom()?;
        if self.is_op(&["^"]).is_some() {
            self.pos += 1;
            self.deeper()?;
            let e = Expr::Bin("^".into(), Box::new(base), Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        Ok(base)
    }
    fn atom(&mut self) -> Result<Expr> {
        match self.next() {
            Some(Tok::Num(x)) => Ok(Expr::Num(x)),
            Some(Tok::Str(s)) => Ok(Expr::Str(s)),
            Some(Tok::Quoted(s)) => Ok(Expr::Col(s)),
            Some(Tok::LParen) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err(err("missing `)`")),
                }
            }
            Some(Tok::Ident(name)) => {
                if self.peek() != Some(&Tok::LParen) {
                    return Ok(Expr::Col(name));
                }
                let lower = name.to_lowercase();
                if NOT_ROW_WISE.contains(&lower.as_str()) {
                    return Err(err(format!(
                        "`{name}` aggregates or looks across rows; custom features are row-wise only (use group_aggregate for per-group statistics)"
                    )));
                }
                let Some(&(_, arity)) = FUNCTIONS.iter().find(|f| f.0 == lower) else {
                    let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
                    return Err(err(format!(
                        "function `{name}` is not allowed; allowed: {}",
                        names.join(", ")
                    )));
                };
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() != Some(&Tok::RParen) {
                    loop {
                        args.push(self.or()?);
                        match self.next() {
                            Some(Tok::Comma) => continue,
                            Some(Tok::RParen) => break,
                            _ => {
                                return Err(err(format!(
                                    "expected `,` or `)` in the call to `{name}`"
                                )));
                            }
                        }
                    }
                } else {
                    self.pos += 1;
                }
                if args.len() != arity {
                    return Err(err(format!(
                        "`{lower}` takes {arity} argument(s), got {}",
                        args.len()
                    )));
                }
                Ok(Expr::Call(lower, args))
            }
            Some(t) => Err(err(format!("unexpected {t:?}"))),
            None => Err(err("the expression ends too early")),
        }
    }
}

/// Parses `expr` or `SELECT expr [AS name]`; returns the tree and the `AS` name if given.
pub fn parse(text: &str) -> Result<(Expr, Option<String>)> {
    if text.len() > MAX_LEN {
        return Err(err(format!("expression longer than {MAX_LEN} bytes")));
    }
    let mut toks = lex(text)?;
    let kw = |t: &Tok, k: &str| matches!(t, Tok::Ident(s) if s.eq_ignore_ascii_case(k));
    for forbidden in [
        "from", "where", "join", "group", "order", "limit", "having", "union", "into", "insert",
        "update", "delete", "drop", "create",
    ] {
        if toks.iter().any(|t| kw(t, forbidden)) {
            return Err(err(format!(
                "`{}` is not allowed: write one row-wise SELECT expression over the frame's columns, e.g. `SELECT a / b AS ratio`",
                forbidden.to_uppercase()
            )));
        }
    }
    if toks.first().is_some_and(|t| kw(t, "select")) {
        toks.remove(0);
    }
    let mut name = None;
    if toks.len() >= 2
        && kw(&toks[toks.len() - 2], "as")
        && let Some(Tok::Ident(n) | Tok::Quoted(n)) = toks.last()
    {
        name = Some(n.clone());
        toks.truncate(toks.len() - 2);
    }
    if toks.contains(&Tok::Comma) && !toks.contains(&Tok::LParen) {
        return Err(err(
            "one expression per custom feature: add a step for each",
        ));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(err(format!(
            "unexpected {:?} after the expression",
            p.toks[p.pos]
        )));
    }
    Ok((e, name))
}
