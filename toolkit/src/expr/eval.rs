//! A tree evaluated column-wise over a frame, checking the deadline as it goes.

use std::time::Instant;

use super::{Expr, Value, err};
use crate::error::Result;
use crate::frame::{self, DataFrame, Kind};

pub(super) struct Eval<'a> {
    pub(super) df: &'a DataFrame,
    pub(super) n: usize,
    pub(super) deadline: Instant,
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
    pub(super) fn eval(&self, e: &Expr) -> Result<Value> {
        if Instant::now() > self.deadline {
            return Err(err("the expression ran past its time limit"));
        }
        let n = self.n;
        match e {
            Expr::Num(x) => Ok(Value::Num(vec![Some(*x); n])),
            Expr::Str(s) => Ok(Value::Text(vec![Some(s.clone()); n])),
            Expr::Col(c) => self.column(c),
            Expr::Unary(op, a) => self.unary(*op, a),
            Expr::Bin(op, a, b) => match (self.eval(a)?, self.eval(b)?) {
                (Value::Text(a), Value::Text(b)) => compare_text(op, &a, &b),
                (a, b) => Ok(Value::Num(binary(op, self.num(a, op)?, self.num(b, op)?))),
            },
            Expr::Call(f, args) => self.call(f, args),
        }
    }
    fn column(&self, c: &str) -> Result<Value> {
        if !frame::has(self.df, c) {
            return Err(err(format!("column `{c}` is not in the frame")));
        }
        Ok(if frame::kind(self.df, c)? == Kind::Text {
            Value::Text(frame::strs(self.df, c)?)
        } else {
            Value::Num(frame::f64s(self.df, c)?)
        })
    }
    fn unary(&self, op: char, a: &Expr) -> Result<Value> {
        let a = self.num(self.eval(a)?, if op == '-' { "unary -" } else { "not" })?;
        Ok(Value::Num(
            a.into_iter()
                .map(|x| {
                    x.map(|x| {
                        if op == '-' {
                            -x
                        } else {
                            f64::from(u8::from(x == 0.0))
                        }
                    })
                })
                .collect(),
        ))
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
                Value::Num(binary(f, a, b))
            }
            "if" => {
                let c = self.num(arg(), "if's condition")?;
                choose(&c, arg(), arg())?
            }
            "coalesce" => coalesce(arg(), arg())?,
            "is_null" => is_null(arg()),
            "len" | "lower" | "upper" => text_map(f, self.text(arg(), f)?),
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

/// `a op b` row by row on text: the comparisons, as 1/0; a missing side is missing.
fn compare_text(op: &str, a: &[Option<String>], b: &[Option<String>]) -> Result<Value> {
    let f = |x: &str, y: &str| match op {
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
    Ok(Value::Num(
        a.iter()
            .zip(b)
            .map(|(x, y)| Some(f64::from(u8::from(f(x.as_deref()?, y.as_deref()?)?))))
            .collect(),
    ))
}

/// `a op b` row by row on numbers (the operators, and the two-argument functions pow, min and
/// max); a missing side, a division by zero or a result that is not finite is missing.
fn binary(op: &str, a: Vec<Option<f64>>, b: Vec<Option<f64>>) -> Vec<Option<f64>> {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| {
            let (x, y) = (x?, y?);
            let t = |c: bool| f64::from(u8::from(c));
            let r = match op {
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
                "^" | "pow" => x.powf(y),
                "min" => x.min(y),
                "max" => x.max(y),
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
        .collect()
}

/// `if(c, a, b)`: `a` where `c` is non-zero, `b` where it is zero, missing where it is missing.
fn choose(c: &[Option<f64>], a: Value, b: Value) -> Result<Value> {
    fn pick<T>(c: &[Option<f64>], a: Vec<Option<T>>, b: Vec<Option<T>>) -> Vec<Option<T>> {
        c.iter()
            .zip(a)
            .zip(b)
            .map(|((c, a), b)| if (*c)? != 0.0 { a } else { b })
            .collect()
    }
    match (a, b) {
        (Value::Num(a), Value::Num(b)) => Ok(Value::Num(pick(c, a, b))),
        (Value::Text(a), Value::Text(b)) => Ok(Value::Text(pick(c, a, b))),
        _ => Err(err(
            "if's two branches must both be numbers or both be text",
        )),
    }
}

/// `coalesce(a, b)`: `a` where present, else `b`.
fn coalesce(a: Value, b: Value) -> Result<Value> {
    match (a, b) {
        (Value::Num(a), Value::Num(b)) => Ok(Value::Num(
            a.into_iter().zip(b).map(|(a, b)| a.or(b)).collect(),
        )),
        (Value::Text(a), Value::Text(b)) => Ok(Value::Text(
            a.into_iter().zip(b).map(|(a, b)| a.or(b)).collect(),
        )),
        _ => Err(err(
            "coalesce's arguments must both be numbers or both be text",
        )),
    }
}

/// `is_null(a)`: 1 where `a` is missing (or NaN), else 0.
fn is_null(a: Value) -> Value {
    Value::Num(match a {
        Value::Num(a) => a
            .into_iter()
            .map(|x| Some(f64::from(u8::from(x.is_none_or(f64::is_nan)))))
            .collect(),
        Value::Text(a) => a
            .into_iter()
            .map(|x| Some(f64::from(u8::from(x.is_none()))))
            .collect(),
    })
}

/// `len`, `lower` and `upper` on text.
fn text_map(f: &str, a: Vec<Option<String>>) -> Value {
    match f {
        "len" => Value::Num(
            a.into_iter()
                .map(|s| s.map(|s| s.chars().count() as f64))
                .collect(),
        ),
        "lower" => Value::Text(a.into_iter().map(|s| s.map(|s| s.to_lowercase())).collect()),
        _ => Value::Text(a.into_iter().map(|s| s.map(|s| s.to_uppercase())).collect()),
    }
}
