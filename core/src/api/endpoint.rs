//! Building a request for one operation of [`crate::spec`]: the method and path are written at the
//! call site (so a reader sees them), the scope comes from the spec row.

use crate::request::{Method, Request};
use crate::spec::Op;

/// `method /1.0/<segments>` for the spec operation `op`, with the scope the
/// spec gives it (`project=` / `target=` only where LXD lists them).
pub fn request(method: Method, op: Op, segments: &[&str]) -> Request {
    Request::new(method, segments).scope(op.scope())
}

/// `GET` for the spec operation `op`.
pub fn get(op: Op, segments: &[&str]) -> Request {
    request(Method::GET, op, segments)
}
/// `POST` for the spec operation `op`.
pub fn post(op: Op, segments: &[&str]) -> Request {
    request(Method::POST, op, segments)
}
/// `PUT` for the spec operation `op`.
pub fn put(op: Op, segments: &[&str]) -> Request {
    request(Method::PUT, op, segments)
}
/// `PATCH` for the spec operation `op`.
pub fn patch(op: Op, segments: &[&str]) -> Request {
    request(Method::PATCH, op, segments)
}
/// `DELETE` for the spec operation `op`.
pub fn delete(op: Op, segments: &[&str]) -> Request {
    request(Method::DELETE, op, segments)
}
