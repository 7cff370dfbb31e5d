//! Background operations and the wait flow.

use crate::error::{Error, Result};
use crate::request::{Request, Scope};
use crate::response::{parse_sync, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// LXD status codes (shared by operations and instances).
pub mod status {
    /// Operation created.
    pub const CREATED: u16 = 100;
    /// Started.
    pub const STARTED: u16 = 101;
    /// Stopped.
    pub const STOPPED: u16 = 102;
    /// Running.
    pub const RUNNING: u16 = 103;
    /// Cancelling.
    pub const CANCELLING: u16 = 104;
    /// Pending.
    pub const PENDING: u16 = 105;
    /// Starting.
    pub const STARTING: u16 = 106;
    /// Stopping.
    pub const STOPPING: u16 = 107;
    /// Aborting.
    pub const ABORTING: u16 = 108;
    /// Freezing.
    pub const FREEZING: u16 = 109;
    /// Frozen.
    pub const FROZEN: u16 = 110;
    /// Thawed.
    pub const THAWED: u16 = 111;
    /// Error.
    pub const ERROR: u16 = 112;
    /// Ready.
    pub const READY: u16 = 113;
    /// Success.
    pub const SUCCESS: u16 = 200;
    /// Failure.
    pub const FAILURE: u16 = 400;
    /// Cancelled.
    pub const CANCELLED: u16 = 401;
}

/// A background operation, in LXD's schema (unknown fields kept in `extra`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// UUID.
    #[serde(default)]
    pub id: String,
    /// `task`, `websocket` or `token`.
    #[serde(default)]
    pub class: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Creation time.
    #[serde(default)]
    pub created_at: String,
    /// Last update.
    #[serde(default)]
    pub updated_at: String,
    /// Status text.
    #[serde(default)]
    pub status: String,
    /// Numeric status (see [`status`]).
    #[serde(default)]
    pub status_code: u16,
    /// Affected resources.
    #[serde(default)]
    pub resources: Value,
    /// Operation metadata (exec: `fds`, `return`; image upload: `fingerprint`; ...).
    #[serde(default)]
    pub metadata: Value,
    /// Whether it can be cancelled.
    #[serde(default)]
    pub may_cancel: bool,
    /// Error text when it failed.
    #[serde(default)]
    pub err: String,
    /// Cluster member it runs on.
    #[serde(default)]
    pub location: String,
    /// Fields this version does not know, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Operation {
    /// True once the operation reached a final state (success, failure or cancelled).
    pub fn is_final(&self) -> bool {
        self.status_code >= 200
    }
    /// True if it finished successfully.
    pub fn is_success(&self) -> bool {
        self.status_code == status::SUCCESS
    }
    /// A final operation as a result: success gives itself back, a failure is
    /// [`Error::OperationFailed`] carrying the metadata (exec keeps the exit code there).
    pub fn into_result(self) -> Result<Operation> {
        if !self.is_final() {
            return Err(Error::protocol(format!("operation {} is not finished (status {})", self.id, self.status_code)));
        }
        if self.is_success() {
            Ok(self)
        } else {
            let message = if self.err.is_empty() { self.status.clone() } else { self.err.clone() };
            Err(Error::OperationFailed {
                status_code: self.status_code,
                message,
                metadata: serde_json::to_string(&self.metadata).unwrap_or_default(),
            })
        }
    }
    /// The websocket secret for a channel (`"0"`, `"1"`, `"2"`, `"control"`), from `metadata.fds`.
    pub fn fd_secret(&self, channel: &str) -> Option<&str> {
        self.metadata.get("fds")?.get(channel)?.as_str()
    }
    /// Parse one operation reply (`GET /1.0/operations/<id>` or `.../wait`).
    pub fn parse(resp: &Response) -> Result<Operation> {
        let op: Operation = parse_sync(resp)?;
        if op.id.is_empty() {
            return Err(Error::protocol("operation without id"));
        }
        check_server_id(&op.id)?;
        Ok(op)
    }
}

/// `GET /1.0/operations/<id>`.
pub fn get(id: &str) -> Result<Request> {
    check_id(id)?;
    Ok(Request::get(&["operations", id]).scope(Scope::PROJECT))
}

/// `GET /1.0/operations/<id>/wait?timeout=N` (N whole seconds; -1 waits without limit).
pub fn wait(id: &str, timeout_secs: i64) -> Result<Request> {
    check_id(id)?;
    Ok(Request::get(&["operations", id, "wait"]).query("timeout", timeout_secs.max(-1).to_string()).scope(Scope::PROJECT))
}

/// What to send after a `/wait` reply that is an error (HTTP status 400 or more, or an `error`
/// envelope under any status: Incus sends them under HTTP 200), when the
/// reply may hide the operation's outcome: `GET /1.0/operations/<id>`. LXD answers a wait with
/// the operation, finished or not (an error only when the operation is gone: 404). Incus answers
/// a wait on an operation that failed with the operation's own error instead (its `err` text,
/// under the HTTP status that error carries: 400 "Command not found", 404 "Image source not
/// found", 500 ...; the operation's metadata, an exec's exit code, are not in it), and a wait
/// whose timeout passed with 500 "context deadline exceeded". The operation itself, which both
/// answer in full while they keep it, tells which: feed its reply to the same handler as the
/// wait's (`WaitFlow::handle`, `ExecFlow::handle_wait`). `None`: the reply is the operation.
pub fn wait_follow_up(id: &str, resp: &Response) -> Option<Request> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type", default)]
        kind: String,
    }
    // Incus sends these error envelopes under HTTP 200.
    let error_envelope = || serde_json::from_slice::<Kind>(&resp.body).map(|k| k.kind == "error").unwrap_or(false);
    if resp.status >= 400 || error_envelope() {
        get(id).ok()
    } else {
        None
    }
}

/// Whether an error is Incus's answer to a `/wait` whose timeout passed before the operation
/// ended (HTTP 500 "context deadline exceeded"; LXD answers the running operation instead).
pub fn is_wait_deadline(e: &Error) -> bool {
    matches!(e, Error::Api { status: 500, message } if message.contains("context deadline exceeded"))
}

/// `DELETE /1.0/operations/<id>`: cancel it on the server.
pub fn cancel(id: &str) -> Result<Request> {
    check_id(id)?;
    Ok(Request::delete(&["operations", id]).scope(Scope::PROJECT))
}

/// `GET /1.0/operations?recursion=1`: every operation, grouped by status (`{"running": [...]}`).
pub fn list() -> Request {
    Request::get(&["operations"]).query("recursion", "1").scope(Scope::PROJECT)
}

/// Flatten the grouped operation list into one vector.
pub fn parse_list(resp: &Response) -> Result<Vec<Operation>> {
    let groups: Option<std::collections::BTreeMap<String, Vec<Operation>>> = parse_sync(resp)?;
    Ok(groups.unwrap_or_default().into_values().flatten().collect())
}

fn check_id(id: &str) -> Result<()> {
    crate::request::check_name("operation", id)
}

/// An operation id from the server must be usable as one path segment (and as a C string): one
/// that is not (NUL or control characters, `/`, `.`, `..`) is a malformed reply, not the
/// caller's mistake.
pub(crate) fn check_server_id(id: &str) -> Result<()> {
    check_id(id).map_err(|_| Error::protocol(format!("server sent an unusable operation id {id:?}")))
}

/// What the wait flow wants next.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitStep {
    /// Send this request and feed the response back with [`WaitFlow::handle`].
    Send(Request),
    /// Finished successfully.
    Done(Operation),
}

/// The wait flow as a small state machine: it asks LXD to wait in slices of `slice_secs`, so the
/// caller (who owns the clock) can stop between slices; a final failure is an error. A 404 on an
/// operation already being waited on means LXD dropped it (it keeps finished ones ~5 s): that is
/// reported as an error, never as success.
#[derive(Debug, Clone)]
pub struct WaitFlow {
    id: String,
    slice_secs: i64,
}

impl WaitFlow {
    /// Start waiting on `op`.
    pub fn new(op: &Operation, slice_secs: i64) -> WaitFlow {
        WaitFlow { id: op.id.clone(), slice_secs }
    }
    /// The operation id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The first step (also used after a slice passed without completion).
    pub fn next_request(&self) -> Result<Request> {
        wait(&self.id, self.slice_secs)
    }
    /// Feed a wait response: `Ok(Some(op))` when final success, `Ok(None)` to wait again.
    pub fn handle(&self, resp: &Response) -> Result<Option<Operation>> {
        let op = match Operation::parse(resp) {
            Err(Error::Api { status: 404, message }) => {
                return Err(Error::Api {
                    status: 404,
                    message: format!("operation {} vanished while waiting (LXD keeps finished operations ~5 s); its result is unknown: {message}", self.id),
                })
            }
            // Incus answers a wait whose timeout passed before the operation ended with HTTP 500
            // "context deadline exceeded" (LXD answers the running operation): not final yet.
            Err(e) if is_wait_deadline(&e) => return Ok(None),
            other => other?,
        };
        if op.is_final() {
            op.into_result().map(Some)
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op_body(code: u16, err: &str) -> Vec<u8> {
        format!(r#"{{"type":"sync","status":"Success","status_code":200,"metadata":{{"id":"abc","class":"task","status_code":{code},"err":"{err}","metadata":{{"return":127}},"may_cancel":false,"new_field":1}}}}"#).into_bytes()
    }

    #[test]
    fn wait_flow() {
        let op = Operation { id: "abc".into(), ..Default::default() };
        let f = WaitFlow::new(&op, 5);
        assert_eq!(f.next_request().unwrap().path_and_query(), "/1.0/operations/abc/wait?timeout=5");
        let ok = f.handle(&Response::new(200, vec![], op_body(200, ""))).unwrap().unwrap();
        assert_eq!(ok.extra.get("new_field"), Some(&Value::from(1)));
        assert_eq!(f.handle(&Response::new(200, vec![], op_body(103, ""))).unwrap(), None);
        match f.handle(&Response::new(200, vec![], op_body(400, "not found"))).unwrap_err() {
            Error::OperationFailed { status_code: 400, message, metadata } => {
                assert_eq!(message, "not found");
                assert_eq!(metadata, r#"{"return":127}"#);
            }
            e => panic!("{e:?}"),
        }
        let incus_slice_over = Response::new(500, vec![], br#"{"type":"error","error":"context deadline exceeded","error_code":500}"#.to_vec());
        assert_eq!(f.handle(&incus_slice_over).unwrap(), None);
        let other_500 = Response::new(500, vec![], br#"{"type":"error","error":"boom","error_code":500}"#.to_vec());
        assert!(matches!(f.handle(&other_500), Err(Error::Api { status: 500, .. })));
        let gone = Response::new(404, vec![], br#"{"type":"error","error":"not found","error_code":404}"#.to_vec());
        assert!(matches!(f.handle(&gone), Err(Error::Api { status: 404, .. })));
    }

    #[test]
    fn follow_up_only_after_error_replies() {
        let failed = Response::new(400, vec![], br#"{"type":"error","error":"Command not found","error_code":400}"#.to_vec());
        assert_eq!(wait_follow_up("abc", &failed).unwrap().path_and_query(), "/1.0/operations/abc");
        assert!(wait_follow_up("abc", &Response::new(200, vec![], op_body(103, ""))).is_none());
        let incus_deadline = Response::new(200, vec![], br#"{"type":"error","error":"context deadline exceeded","error_code":500}"#.to_vec());
        assert!(wait_follow_up("abc", &incus_deadline).is_some());
    }

    #[test]
    fn list_flattens() {
        let r = Response::new(200, vec![], br#"{"type":"sync","metadata":{"running":[{"id":"a"}],"success":[{"id":"b"}]}}"#.to_vec());
        assert_eq!(parse_list(&r).unwrap().len(), 2);
        let empty = Response::new(200, vec![], br#"{"type":"sync","metadata":{}}"#.to_vec());
        assert!(parse_list(&empty).unwrap().is_empty());
    }
}
