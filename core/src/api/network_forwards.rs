//! Network forwards (`/1.0/networks/<network>/forwards`, keyed by listen address).

pub use super::collections::network_forwards as collection;

