//! A small row-wise expression language for custom features: arithmetic, comparisons, logic and an
//! allow-list of functions over the frame's columns. It is parsed into a tree and evaluated column-wise
//! by this module alone, so it cannot read files, call anything outside the allow-list, or aggregate
//! across rows; evaluation stops at a deadline.

use std::time::{Duration, Instant};

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame, Kind};

/// Longest accepted expression, in bytes.
pub const MAX_LEN: usize = 2000;
const MAX_DEPTH: usize = 64;

/// Functions an expression may call, with their arity.
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("abs", 1),
    ("sqrt", 1),
    ("log", 1),
    ("log1p", 1),
    ("exp", 1),
    ("round", 1),
    ("floor", 1),
    ("ceil", 1),
    ("pow", 2),
    ("min", 2),
    ("max", 2),
    ("if", 3),
    ("coalesce", 2),
    ("is_null", 1),
    ("len", 1),
    ("lower", 1),
    ("upper", 1),
    ("contains", 2),
    ("starts_with", 2),
];

/// Names that would aggregate or look across rows: rejected with a clear message.
const NOT_ROW_WISE: &[&str] = &[
    "sum", "mean", "avg", "count", "std", "stddev", "var", "median", "over", "lag", "lead",
    "shift", "rank", "first", "last", "cumsum", "quantile",
];

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A string literal.
    Str(String),
    /// A column reference.
    Col(String),
    /// A unary minus or `not`.
    Unary(char, Box<Expr>),
    /// A binary operator: + - * / % ^ < <= > >= = != and or.
    Bin(String, Box<Expr>, Box<Expr>),
    /// An allow-listed function call.
    Call(String, Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Quoted(String),
    Op(String),
    LParen,
    RParen,
    Comma,
}

fn err(msg: impl Into<String>) -> ToolkitError {
    ToolkitError::params("custom_feature", msg)
}

fn lex(s: &str) -> Result<Vec<Tok>> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let st = i;
            while i < c.len()
                && (c[i].is_ascii_digit()
                    || c[i] == '.'
                    || c[i] == 'e'
                    || c[i] == 'E'
                    || ((c[i] == '-' || c[i] == '+') && matches!(c[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let t: String = c[st..i].iter().collect();
            out.push(Tok::Num(
                t.parse()
                    .map_err(|_| err(format!("`{t}` is not a number")))?,
            ));
        } else if ch.is_alphabetic() || ch == '_' {
            let st = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[st..i].iter().collect()));
        } else if ch == '\'' || ch == '"' || ch == '`' {
            let st = i + 1;
            i += 1;
            while i < c.len() && c[i] != ch {
                i += 1;
            }
            if i >= c.len() {
                return Err(err(format!("unterminated {ch}-quote")));
            }
            let t: String = c[st..i].iter().collect();
            i += 1;
            out.push(if ch == '\'' {
                Tok::Str(t)
            } else {
                Tok::Quoted(t)
            });
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["<=", ">=", "!=", "<>", "==", "**"].contains(&two.as_str()) {
                out.push(Tok::Op(match two.as_str() {
                    "<>" => "!=".into(),
                    "==" => "=".into(),
                    "**" => "^".into(),
                    t => t.into(),
                }));
                i += 2;
            } else {
                i += 1;
                out.push(match ch {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' => Tok::Op(ch.to_string()),
                    ';' => return Err(err("`;` is not allowed: one expression only")),
                    _ => return Err(err(format!("unexpected character `{ch}`"))),
                });
            }
        }
    }
    Ok(out)
}

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
    if toks.len() >= 2 && kw(&toks[toks.len() - 2], "as") {
        if let Some(Tok::Ident(n) | Tok::Quoted(n)) = toks.last() {
            name = Some(n.clone());
            toks.truncate(toks.len() - 2);
        }
    }
    if toks.iter().any(|t| *t == Tok::Comma) && !toks.iter().any(|t| *t == Tok::LParen) {
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

impl Expr {
    /// Every column the expression reads.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Col(c) = e
                && !out.contains(c)
            {
                out.push(c.clone());
            }
        });
        out
    }
    fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Unary(_, a) => a.walk(f),
            Expr::Bin(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            _ => {}
        }
    }
}

/// A column of values during evaluation.
#[derive(Clone, Debug)]
pub enum Value {
    /// Numbers (booleans are 1/0).
    Num(Vec<Option<f64>>),
    /// Text.
    Text(Vec<Option<String>>),
}

struct Eval<'a> {
    df: &'a DataFrame,
    n: usize,
    deadline: Instant,
}

impl Eval<'_> {
    fn num(&self, v: Value, what: &str) -> Result<Vec<Option<f64>>> {
        match v {
            Value::Num(x) => Ok(x),
            Value::Text(_) => Err(err(format!(
                "{what} needs numbers but got text (compare text with = or use len())"
            ))),
        }
    }
    fn text(&self, v: Value, what: &str) -> Result<Vec<Option<String>>> {
        match v {
            Value::Text(x) => Ok(x),
            Value::Num(_) => Err(err(format!("{what} needs text but got numbers"))),
        }
    }
    fn eval(&self, e: &Expr) -> Result<Value> {
        if Instant::now() > self.deadline {
            return Err(err("the expression ran past its time limit"));
        }
        let n = self.n;
        Ok(match e {
            Expr::Num(x) => Value::Num(vec![Some(*x); n]),
            Expr::Str(s) => Value::Text(vec![Some(s.clone()); n]),
            Expr::Col(c) => {
                if !frame::has(self.df, c) {
                    return Err(err(format!("column `{c}` is not in the frame")));
                }
                if frame::kind(self.df, c)? == Kind::Text {
                    Value::Text(frame::strs(self.df, c)?)
                } else {
                    Value::Num(frame::f64s(self.df, c)?)
                }
            }
            Expr::Unary(op, a) => {
                let a = self.num(self.eval(a)?, if *op == '-' { "unary -" } else { "not" })?;
                Value::Num(
                    a.into_iter()
                        .map(|x| {
                            x.map(|x| {
                                if *op == '-' {
                                    -x
                                } else {
                                    f64::from(u8::from(x == 0.0))
                                }
                            })
                        })
                        .collect(),
                )
            }
            Expr::Bin(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                if let (Value::Text(a), Value::Text(b)) = (&a, &b) {
                    let f = |x: &str, y: &str| match op.as_str() {
                        "=" => Some(x == y),
                        "!=" => Some(x != y),
                        "<" => Some(x < y),
                        "<=" => Some(x <= y),
                        ">" => Some(x > y),
                        ">=" => Some(x >= y),
                        _ => None,
                    };
                    if f("", "").is_none() {
                        return Err(err(format!("`{op}` is not defined for text")));
                    }
                    return Ok(Value::Num(
                        a.iter()
                            .zip(b)
                            .map(|(x, y)| {
                                Some(f64::from(u8::from(f(x.as_deref()?, y.as_deref()?)?)))
                            })
                            .collect(),
                    ));
                }
                let (a, b) = (self.num(a, op)?, self.num(b, op)?);
                Value::Num(
                    a.into_iter()
                        .zip(b)
                        .map(|(x, y)| {
                            let (x, y) = (x?, y?);
                            let t = |c: bool| f64::from(u8::from(c));
                            let r = match op.as_str() {
                                "+" => x + y,
                                "-" => x - y,
                                "*" => x * y,
                                "/" => {
                                    if y == 0.0 {
                                        return None;
                                    }
                                    x / y
                                }
                                "%" => x % y,
                                "^" => x.powf(y),
                                "<" => t(x < y),
                                "<=" => t(x <= y),
                                ">" => t(x > y),
                                ">=" => t(x >= y),
                                "=" => t(x == y),
                                "!=" => t(x != y),
                                "and" => t(x != 0.0 && y != 0.0),
                                "or" => t(x != 0.0 || y != 0.0),
                                _ => return None,
                            };
                            r.is_finite().then_some(r)
                        })
                        .collect(),
                )
            }
            Expr::Call(f, args) => self.call(f, args)?,
        })
    }
    fn call(&self, f: &str, args: &[Expr]) -> Result<Value> {
        let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect::<Result<_>>()?;
        let mut it = vals.into_iter();
        let mut arg = || it.next().expect("arity checked at parse time");
        let unary = |v: Vec<Option<f64>>, g: fn(f64) -> f64| {
            Value::Num(
                v.into_iter()
                    .map(|x| x.map(g).filter(|r| r.is_finite()))
                    .collect(),
            )
        };
        Ok(match f {
            "abs" => unary(self.num(arg(), f)?, f64::abs),
            "sqrt" => unary(self.num(arg(), f)?, f64::sqrt),
            "log" => unary(self.num(arg(), f)?, f64::ln),
            "log1p" => unary(self.num(arg(), f)?, f64::ln_1p),
            "exp" => unary(self.num(arg(), f)?, f64::exp),
            "round" => unary(self.num(arg(), f)?, f64::round),
            "floor" => unary(self.num(arg(), f)?, f64::floor),
            "ceil" => unary(self.num(arg(), f)?, f64::ceil),
            "pow" | "min" | "max" => {
                let (a, b) = (self.num(arg(), f)?, self.num(arg(), f)?);
                Value::Num(
                    a.into_iter()
                        .zip(b)
                        .map(|(x, y)| {
                            let (x, y) = (x?, y?);
                            let r = match f {
                                "pow" => x.powf(y),
                                "min" => x.min(y),
                                _ => x.max(y),
                            };
                            r.is_finite().then_some(r)
                        })
                        .collect(),
                )
            }
            "if" => {
                let c = self.num(arg(), "if's condition")?;
                match (arg(), arg()) {
                    (Value::Num(a), Value::Num(b)) => Value::Num(
                        c.iter()
                            .zip(a)
                            .zip(b)
                            .map(|((c, a), b)| if (*c)? != 0.0 { a } else { b })
                            .collect(),
                    ),
                    (Value::Text(a), Value::Text(b)) => Value::Text(
                        c.iter()
                            .zip(a)
                            .zip(b)
                            .map(|((c, a), b)| if (*c)? != 0.0 { a } else { b })
                            .collect(),
                    ),
                    _ => {
                        return Err(err(
                            "if's two branches must both be numbers or both be text",
                        ));
                    }
                }
            }
            "coalesce" => match (arg(), arg()) {
                (Value::Num(a), Value::Num(b)) => {
                    Value::Num(a.into_iter().zip(b).map(|(a, b)| a.or(b)).collect())
                }
                (Value::Text(a), Value::Text(b)) => {
                    Value::Text(a.into_iter().zip(b).map(|(a, b)| a.or(b)).collect())
                }
                _ => {
                    return Err(err(
                        "coalesce's arguments must both be numbers or both be text",
                    ));
                }
            },
            "is_null" => match arg() {
                Value::Num(a) => Value::Num(
                    a.into_iter()
                        .map(|x| Some(f64::from(u8::from(x.is_none_or(f64::is_nan)))))
                        .collect(),
                ),
                Value::Text(a) => Value::Num(
                    a.into_iter()
                        .map(|x| Some(f64::from(u8::from(x.is_none()))))
                        .collect(),
                ),
            },
            "len" => Value::Num(
                self.text(arg(), f)?
                    .into_iter()
                    .map(|s| s.map(|s| s.chars().count() as f64))
                    .collect(),
            ),
            "lower" | "upper" => Value::Text(
                self.text(arg(), f)?
                    .into_iter()
                    .map(|s| {
                        s.map(|s| {
                            if f == "lower" {
                                s.to_lowercase()
                            } else {
                                s.to_uppercase()
                            }
                        })
                    })
                    .collect(),
            ),
            "contains" | "starts_with" => {
                let (a, b) = (self.text(arg(), f)?, self.text(arg(), f)?);
                Value::Num(
                    a.into_iter()
                        .zip(b)
                        .map(|(x, y)| {
                            let (x, y) = (x?, y?);
                            Some(f64::from(u8::from(if f == "contains" {
                                x.contains(&y)
                            } else {
                                x.starts_with(&y)
                            })))
                        })
                        .collect(),
                )
            }
            other => return Err(err(format!("function `{other}` is not allowed"))),
        })
    }
}

/// Evaluates a parsed expression over every row of `df`, within `limit`.
pub fn eval(e: &Expr, df: &DataFrame, limit: Duration) -> Result<Value> {
    Eval {
        df,
        n: df.height(),
        deadline: Instant::now() + limit,
    }
    .eval(e)
}
