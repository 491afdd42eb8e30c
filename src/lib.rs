//! AutoKaggle-rs: carries a tabular Kaggle competition phase by phase to a valid submission.
//! The binary is glue over this library, the toolkit crate and the agents crate.

pub mod apply;
pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod gates;
pub mod inspect;
pub mod kaggle;
pub mod mcp;
pub mod model;
pub mod orchestrator;
pub mod report;
pub mod roles;
pub mod steer;
pub mod store;
pub mod tui;

pub use error::{RunError, SetupError};
pub use model::Model;
