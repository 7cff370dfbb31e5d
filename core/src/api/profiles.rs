//! `/1.0/profiles`.


pub use super::collections::profiles as collection;

