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
