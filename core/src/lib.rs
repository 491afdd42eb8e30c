//! # autokaggle-core
//!
//! What a run is made of, as data: the phases in order with everything that differs between them
//! (work, tools, gates, offline behaviour), and the families of gates that judge them. The agents
//! and the orchestrator both read it, so neither owns the other's vocabulary.
#![deny(missing_docs)]

pub mod phase;

pub use phase::{GateFamily, PHASE_SPECS, PHASES, Phase, PhaseSpec, WorkKind};
