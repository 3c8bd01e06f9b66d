//! Case lifecycle beyond single fields: merging cases into one, and splitting them again.

pub mod merge;
