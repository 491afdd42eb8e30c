//! AutoKaggle-rs: carries a tabular Kaggle competition phase by phase to a valid submission.
//! The binary is glue over this library, the toolkit crate and the agents crate.

pub mod bench;
pub mod cli;
pub mod demo;
pub mod gates;
pub mod inspect;
pub mod kaggle;
pub mod llm_setup;
pub mod pipeline;
pub mod report;
pub mod steer;
pub mod store;
pub mod tui;
