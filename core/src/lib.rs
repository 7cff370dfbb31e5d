//! # lxd-core: the sans-IO core of liblxdclient
//!
//! Builds LXD REST requests, parses LXD's replies, and drives multi-step flows — without any I/O,
//! threads or clock, so it runs anywhere (including `wasm32-unknown-unknown`). A transport sends a
//! [`Request`] and feeds back a [`Response`]:
//!
//! ```
//! use lxd_core::{api, Response};
//! let call = api::instances::collection().list_names();
//! assert_eq!(call.request.path_and_query(), "/1.0/instances");
//! // ... send call.request with any HTTP stack, then:
//! let reply = Response::new(200, vec![], br#"{"type":"sync","metadata":["/1.0/instances/c1"]}"#.to_vec());
//! assert_eq!(call.parse(&reply).unwrap(), vec!["c1".to_string()]);
//! ```
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod check;
pub mod error;
pub mod models;
pub mod flow;
pub mod operation;
pub mod progress;
pub mod request;
pub mod response;
pub mod exec;
pub mod events;
pub mod files;
pub mod flavour;
pub mod transfer;
pub mod spec;

pub use api::{Call, Collection, WithEtag};
pub use error::{Error, Result};
pub use flavour::Flavour;
pub use flow::{Flow, Step};
pub use operation::{Operation, WaitFlow};
pub use request::{Body, Method, Request, Scope};
pub use response::{Envelope, Response};
