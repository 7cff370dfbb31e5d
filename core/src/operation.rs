//! Background operations and the wait flow.

use crate::error::{Error, Result};
use crate::flow::{Flow, Step};
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
/// answer in full while they keep it, tells which: feed its reply to the same flow as the
/// wait's (`Flow::on_response` of a [`WaitFlow`]). `None`: the reply is the operation.
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

/// The wait flow: it asks LXD to wait in slices of `slice_secs` (each `Send` is one `GET
/// /1.0/operations/<id>/wait?timeout=<slice>`), so the caller (who owns the clock) can stop
/// between slices; a driver that changes the slice (to end at a deadline) makes a new flow per
/// slice, as the flow holds nothing but the id. It is done with the final operation read by
/// `read`: [`WaitFlow::new`] makes a failure an error; exec reads its exit code even from a
/// failed operation ([`crate::exec::ExecFlow::waiter`]). A 404 on an operation already being
/// waited on means LXD dropped it (it keeps finished ones ~5 s): that is reported as an error,
/// never as success.
#[derive(Debug, Clone)]
pub struct WaitFlow<T = Operation> {
    id: String,
    slice_secs: i64,
    read: fn(Operation) -> Result<T>,
    /// How the 404 error names the operation and what is lost ("operation", "its result").
    words: (&'static str, &'static str),
}

impl WaitFlow<Operation> {
    /// Wait on `op` until it succeeds (a failure is an error).
    pub fn new(op: &Operation, slice_secs: i64) -> WaitFlow {
        WaitFlow { id: op.id.clone(), slice_secs, read: Operation::into_result, words: ("operation", "its result") }
    }
}

impl<T> WaitFlow<T> {
    /// Wait on the operation `id`, reading the final one with `read`; `words` name the operation
    /// and what is unknown when it vanished (`("exec operation", "its exit code")`).
    pub(crate) fn reading(id: &str, slice_secs: i64, read: fn(Operation) -> Result<T>, words: (&'static str, &'static str)) -> WaitFlow<T> {
        WaitFlow { id: id.to_string(), slice_secs, read, words }
    }
    /// The operation id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// One wait slice's request (`GET /1.0/operations/<id>/wait?timeout=<slice>`), for a caller
    /// that follows the operation's progress between slices.
    pub fn request(&self) -> Result<Request> {
        wait(&self.id, self.slice_secs)
    }
    /// Read a wait (or `GET /1.0/operations/<id>`) reply as the operation's state, final or not
    /// (for a caller that follows its progress); a vanished operation is an error, as in
    /// [`Flow::on_response`].
    pub fn state(&self, resp: &Response) -> Result<Operation> {
        match Operation::parse(resp) {
            Err(Error::Api { status: 404, message }) => {
                let (noun, unknown) = self.words;
                Err(Error::Api {
                    status: 404,
                    message: format!("{noun} {} vanished while waiting (LXD keeps finished operations ~5 s); {unknown} is unknown: {message}", self.id),
                })
            }
            other => other,
        }
    }
}

impl<T> Flow for WaitFlow<T> {
    type Output = T;
    type Side = ();

    /// `Send` the first wait slice.
    fn start(&mut self) -> Result<Step<T>> {
        Ok(Step::Send((), wait(&self.id, self.slice_secs)?))
    }

    /// Feed a wait reply: `Done` when the operation is final, else `Send` the next slice. Incus
    /// answers a wait whose timeout passed before the operation ended with HTTP 500 "context
    /// deadline exceeded" (LXD answers the running operation): not final yet.
    fn on_response(&mut self, resp: &Response) -> Result<Step<T>> {
        let op = match self.state(resp) {
            Err(e) if is_wait_deadline(&e) => return self.start(),
            other => other?,
        };
        if op.is_final() {
            (self.read)(op).map(Step::Done)
        } else {
            self.start()
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
        let mut f = WaitFlow::new(&op, 5);
        let Step::Send((), first) = f.start().unwrap() else { panic!("not a Send") };
        assert_eq!(first.path_and_query(), "/1.0/operations/abc/wait?timeout=5");
        let Step::Done(ok) = f.on_response(&Response::new(200, vec![], op_body(200, ""))).unwrap() else { panic!("not Done") };
        assert_eq!(ok.extra.get("new_field"), Some(&Value::from(1)));
        assert_eq!(f.on_response(&Response::new(200, vec![], op_body(103, ""))).unwrap(), Step::Send((), first));
        match f.on_response(&Response::new(200, vec![], op_body(400, "not found"))).unwrap_err() {
            Error::OperationFailed { status_code: 400, message, metadata } => {
                assert_eq!(message, "not found");
                assert_eq!(metadata, r#"{"return":127}"#);
            }
            e => panic!("{e:?}"),
        }
        let incus_slice_over = Response::new(500, vec![], br#"{"type":"error","error":"context deadline exceeded","error_code":500}"#.to_vec());
        assert!(matches!(f.on_response(&incus_slice_over).unwrap(), Step::Send((), _)));
        let other_500 = Response::new(500, vec![], br#"{"type":"error","error":"boom","error_code":500}"#.to_vec());
        assert!(matches!(f.on_response(&other_500), Err(Error::Api { status: 500, .. })));
        let gone = Response::new(404, vec![], br#"{"type":"error","error":"not found","error_code":404}"#.to_vec());
        assert!(matches!(f.on_response(&gone), Err(Error::Api { status: 404, message }) if message.starts_with("operation abc vanished") && message.contains("its result is unknown")));
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
