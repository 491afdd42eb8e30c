//! A small row-wise expression language for custom features: arithmetic, comparisons, logic and an
//! allow-list of functions over the frame's columns. It is parsed into a tree and evaluated column-wise
//! by this module alone, so it cannot read files, call anything outside the allow-list, or aggregate
//! across rows; evaluation stops at a deadline.

mod eval;
mod lex;
mod parse;

use std::time::{Duration, Instant};

use crate::error::{Result, ToolkitError};
use crate::frame::DataFrame;

pub use parse::parse;

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

fn err(msg: impl Into<String>) -> ToolkitError {
    ToolkitError::params("custom_feature", msg)
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

/// Evaluates a parsed expression over every row of `df`, within `limit`.
pub fn eval(e: &Expr, df: &DataFrame, limit: Duration) -> Result<Value> {
    eval::Eval {
        df,
        n: df.height(),
        deadline: Instant::now() + limit,
    }
    .eval(e)
}
