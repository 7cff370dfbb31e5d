//! Operations as the spec lists them (no `project=`: an operation is found by its id). The wait
//! flow itself lives in [`crate::operation`].

use crate::spec::Op;
use super::replies::parse_grouped_names;
use super::{Call, Result};
use crate::operation::{parse_list, Operation};
use crate::request::{check_name, Request};
use crate::response::{parse_empty, Response};

fn check_id(id: &str) -> Result<()> {
    check_name("operation", id)
}

fn parse_operation(resp: &Response) -> Result<Operation> {
    Operation::parse(resp)
}

/// `GET /1.0/operations`: the ids of every operation (all statuses).
pub fn list_ids() -> Call<Vec<String>> {
    Call::new(super::endpoint::get(Op::OperationsGet, &["operations"]), parse_grouped_names)
}

/// `GET /1.0/operations?recursion=1`: every operation as an object.
pub fn list() -> Call<Vec<Operation>> {
    Call::new(super::endpoint::get(Op::OperationsGetRecursion1, &["operations"]).query("recursion", "1"), parse_list)
}

/// `GET /1.0/operations/<id>`.
pub fn get(id: &str) -> Result<Call<Operation>> {
    check_id(id)?;
    Ok(Call::new(super::endpoint::get(Op::OperationGet, &["operations", id]), parse_operation))
}

/// `DELETE /1.0/operations/<id>`: cancel it (only operations with `may_cancel`; revokes tokens).
pub fn cancel(id: &str) -> Result<Call<()>> {
    check_id(id)?;
    Ok(Call::new(super::endpoint::delete(Op::OperationDelete, &["operations", id]), parse_empty))
}

/// `GET /1.0/operations/<id>/wait?timeout=N`: the operation once final, or after N seconds
/// (-1: no limit).
pub fn wait(id: &str, timeout_secs: i64) -> Result<Call<Operation>> {
    check_id(id)?;
    let r = super::endpoint::get(Op::OperationWaitGet, &["operations", id, "wait"]).query("timeout", timeout_secs.max(-1).to_string());
    Ok(Call::new(r, parse_operation))
}

/// `GET /1.0/operations/<id>/wait?public&secret=…&timeout=N`: an untrusted client waits on an
/// operation it holds a secret for (image downloads between servers).
pub fn wait_untrusted(id: &str, secret: &str, timeout_secs: i64) -> Result<Call<Operation>> {
    check_id(id)?;
    let r = super::endpoint::get(Op::OperationWaitGetUntrusted, &["operations", id, "wait"])
        .query("public", "")
        .query("secret", secret)
        .query("timeout", timeout_secs.max(-1).to_string());
    Ok(Call::new(r, parse_operation))
}

/// `GET /1.0/operations/<id>/websocket?secret=…`: the websocket of one channel of an operation
/// (exec, console, migration). The transport performs the upgrade with this request.
pub fn websocket(id: &str, secret: &str) -> Result<Request> {
    check_id(id)?;
    Ok(super::endpoint::get(Op::OperationWebsocketGet, &["operations", id, "websocket"]).query("secret", secret))
}

/// `GET /1.0/operations/<id>/websocket?public&secret=…`: the same for an untrusted client
/// (migration between servers, where the secret is the credential).
pub fn websocket_untrusted(id: &str, secret: &str) -> Result<Request> {
    check_id(id)?;
    Ok(super::endpoint::get(Op::OperationWebsocketGetUntrusted, &["operations", id, "websocket"]).query("public", "").query("secret", secret))
}
