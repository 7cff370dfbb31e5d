//! Moving whole things between places: image upload and export (unified tarballs and split
//! multipart images), image copy between servers, images from a URL or a simplestreams server,
//! publishing instances and snapshots as images, and copying or migrating instances within one
//! server or between two. Everything here is data and small state machines; the transport streams
//! the bytes and drives the flows.
//!
//! Multi-server flows ([`InstanceCopyFlow`], [`ImageCopyFlow`]) are [`crate::flow::Flow`]s that talk
//! to two servers: each [`crate::flow::Step`] says which [`Side`] to send to, or which operation to
//! wait on. On any failure the driver sends the flow's [`crate::flow::Flow::cleanup`] requests
//! (best effort) so nothing is left waiting.
//!
//! Layout: `multipart` (split image framing and parsing), `options` (the caller's JSON options),
//! `images` (upload, export, secrets, URL, simplestreams, publish), `copy` (instance copy and
//! migration requests), `two_server` (the two-server flows).

mod copy;
mod images;
mod multipart;
mod options;
mod two_server;

pub use copy::*;
pub use images::*;
pub use multipart::*;
pub use options::AliasSpec;
pub use two_server::*;

#[cfg(test)]
mod test_support {
    use crate::request::Request;
    use crate::response::Response;
    use serde_json::{json, Value};

    pub(super) fn sync(meta: Value) -> Response {
        Response::new(200, vec![], serde_json::to_vec(&json!({"type":"sync","status_code":200,"metadata":meta})).unwrap())
    }
    pub(super) fn async_op(id: &str, meta: Value) -> Response {
        Response::new(202, vec![], serde_json::to_vec(&json!({"type":"async","status_code":100,"operation":format!("/1.0/operations/{id}"),"metadata":{"id":id,"status_code":103,"metadata":meta}})).unwrap())
    }
    pub(super) fn body(r: &Request) -> Value {
        serde_json::from_slice(r.body_bytes()).unwrap()
    }
    pub(super) const PEM: &str = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
}
