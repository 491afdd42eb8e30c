//! Modeling, metric-first: the problem in the model's space, gradient boosting, K-fold CV with
//! out-of-fold predictions, a greedy blend, and a submission in the sample's exact format.

pub mod cv;
pub mod forest;
pub mod gbm;
pub mod metrics;
pub mod problem;
pub mod submission;
