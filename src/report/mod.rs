//! What a run shows a person: the modeling charts and the self-contained `report.html`.

pub mod charts;
pub mod html;
