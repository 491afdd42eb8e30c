//! The model search: its space (each family's defaults and seeded draws around them), the
//! budget's forecasts of what a fit costs, and the budgeted run that cross-validates candidates,
//! chooses the ensemble and refits it. A caller (the orchestrator, or a library user) gives a
//! [`Problem`](crate::models::problem::Problem), folds, candidates, a clock and a seed, hears
//! [`run::Event`]s, and takes a [`run::Outcome`] back as a value.

pub mod budget;
pub mod run;
mod space;

pub use space::*;
