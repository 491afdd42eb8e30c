//! Text to tokens.

use super::err;
use crate::error::Result;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Quoted(String),
    Op(String),
    LParen,
    RParen,
    Comma,
}

pub(super) fn lex(s: &str) -> Result<Vec<Tok>> {
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
