//! Modeling, metric-first: the problem in the model's space, gradient boosting, random forests, linear models
//! and nearest neighbours, K-fold CV with out-of-fold predictions, a greedy blend or a stack, the
//! budgeted search over all of it (`search`), and a submission in the sample's exact format.

pub mod blend;
pub mod choice;
pub mod cv;
pub mod decision;
pub mod family;
pub mod fitted;
pub mod forest;
pub mod gbm;
pub mod knn;
pub mod linear;

pub mod problem;
pub mod search;
pub mod stack;
pub mod submission;
pub mod validation;
