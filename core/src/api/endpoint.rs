//! Building a request for one operation of [`crate::spec`]: the method and path are written at the
//! call site (so a reader sees them), the scope comes from the spec row.

use crate::request::{Method, Request};

/// `method /1.0/<segments>` for the spec operation `op` (its `operationId`), with the scope the
/// spec gives it (`project=` / `target=` only where LXD lists them).
pub fn request(method: Method, op: &'static str, segments: &[&str]) -> Request {
    Request::new(method, segments).scope(crate::spec::scope(op))
}

/// `GET` for the spec operation `op`.
pub fn get(op: &'static str, segments: &[&str]) -> Request {
    request(Method::GET, op, segments)
}
/// `POST` for the spec operation `op`.
pub fn post(op: &'static str, segments: &[&str]) -> Request {
    request(Method::POST, op, segments)
}
/// `PUT` for the spec operation `op`.
pub fn put(op: &'static str, segments: &[&str]) -> Request {
    request(Method::PUT, op, segments)
}
/// `PATCH` for the spec operation `op`.
pub fn patch(op: &'static str, segments: &[&str]) -> Request {
    request(Method::PATCH, op, segments)
}
/// `DELETE` for the spec operation `op`.
pub fn delete(op: &'static str, segments: &[&str]) -> Request {
    request(Method::DELETE, op, segments)
}
