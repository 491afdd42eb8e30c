//! Models: gradient boosting now; the CV, metrics and ensembles build on it.

pub mod gbm;
