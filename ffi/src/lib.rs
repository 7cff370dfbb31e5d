//! # lxdclient: liblxdclient's blocking transport and C ABI
//!
//! [`Client`] talks to LXD over its unix socket or HTTPS (rustls), with one HTTP stack (ureq) and
//! websockets (tungstenite) over the same connections. The `lxd_*` functions are the C ABI over it.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod client;
pub mod error;
pub mod tls;
pub mod transport;

pub use client::{Canceller, Client, ClientBuilder};
pub use error::{Error, Result};
pub use lxd_core as core;
pub mod capi;
pub mod lxcconfig;
pub mod log;
pub mod proxy;
pub mod ws;
pub mod exec;
pub mod console;
pub mod events;
pub mod progress;
pub mod stream;
pub mod files;
pub mod images;
pub mod migrate;
pub mod flow;

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
