//! Exec: running a command in an instance (`POST /1.0/instances/<name>/exec`), sans-IO.
//!
//! Two modes, as LXD has them:
//! - **websocket** (the default): `wait-for-websocket: true`. LXD answers with an operation whose
//!   `metadata.fds` holds one secret per channel: `"0"`, `"1"`, `"2"` and `"control"`, or `"0"`
//!   (the pty, both directions) and `"control"` when interactive. The command starts only once
//!   every data socket is connected, and LXD gives the client 5 s to connect them. The exit code
//!   is the final operation's `metadata.return`.
//! - **record-output**: `wait-for-websocket: false, record-output: true`. No sockets and no stdin;
//!   LXD writes stdout and stderr to log files whose paths come back in `metadata.output`
//!   (`{"1": "/1.0/instances/c1/logs/exec_<id>.stdout", "2": ...}`).
//!
//! [`ExecFlow`] is the start as a small state machine (a [`Flow`]): it yields the POST and is done
//! with the websocket requests to open (or none); [`ExecFlow::waiter`] then yields the wait
//! requests and is done with an [`ExecResult`]. A command
//! that is not found (127) or not executable (126) makes LXD fail the operation while
//! `metadata.return` still holds the code: that is a result with that exit code, not an error.
//!
//! ```
//! use lxd_core::exec::{ExecFlow, ExecRequest};
//! use lxd_core::{Flow, Step};
//! let req = ExecRequest::new(["sh", "-c", "echo hi"]).unwrap().env("FOO", "bar").unwrap().cwd("/tmp").unwrap();
//! let mut flow = ExecFlow::new("c1", &req).unwrap();
//! let Ok(Step::Send((), post)) = flow.start() else { panic!() };
//! assert_eq!(post.path, "/1.0/instances/c1/exec");
//! ```

use crate::spec::Op;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::api::Call;
use crate::error::{Error, Result};
use crate::flow::{Flow, Step};
use crate::operation::{self, Operation, WaitFlow};
use crate::request::{check_instance_name, Request, Scope};
use crate::response::{parse_async, Response};

/// What to run and how: LXD's `InstanceExecPost`, built and checked before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    command: Vec<String>,
    environment: BTreeMap<String, String>,
    cwd: Option<String>,
    user: Option<u32>,
    group: Option<u32>,
    interactive: bool,
    width: Option<u32>,
    height: Option<u32>,
    record_output: bool,
}

fn check_text(what: &str, s: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(Error::invalid(format!("{what} contains a NUL character")));
    }
    Ok(())
}

impl ExecRequest {
    /// A command and its arguments (`argv[0]` is looked up in the instance's `PATH`). At least one
    /// element; no NUL characters.
    pub fn new<I, S>(argv: I) -> Result<ExecRequest>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let command: Vec<String> = argv.into_iter().map(Into::into).collect();
        if command.is_empty() {
            return Err(Error::invalid("exec: the command (argv) is empty"));
        }
        if command[0].is_empty() {
            return Err(Error::invalid("exec: argv[0] is empty"));
        }
        for (i, a) in command.iter().enumerate() {
            check_text(&format!("exec: argv[{i}]"), a)?;
        }
        Ok(ExecRequest {
            command,
            environment: BTreeMap::new(),
            cwd: None,
            user: None,
            group: None,
            interactive: false,
            width: None,
            height: None,
            record_output: false,
        })
    }

    /// Set one environment variable (LXD adds `PATH`, `HOME`, `USER`, `LANG` defaults for names
    /// not given). The name must be non-empty and contain no `=`.
    pub fn env(mut self, name: &str, value: &str) -> Result<ExecRequest> {
        if name.is_empty() || name.contains('=') {
            return Err(Error::invalid(format!("exec: environment name {name:?} is empty or contains '='")));
        }
        check_text("exec: environment name", name)?;
        check_text(&format!("exec: environment value of {name}"), value)?;
        self.environment.insert(name.to_string(), value.to_string());
        Ok(self)
    }

    /// Working directory inside the instance.
    pub fn cwd(mut self, dir: &str) -> Result<ExecRequest> {
        if dir.is_empty() {
            return Err(Error::invalid("exec: cwd is empty"));
        }
        check_text("exec: cwd", dir)?;
        self.cwd = Some(dir.to_string());
        Ok(self)
    }

    /// Run as this uid (default: 0, root).
    pub fn user(mut self, uid: u32) -> ExecRequest {
        self.user = Some(uid);
        self
    }

    /// Run with this gid (default: 0).
    pub fn group(mut self, gid: u32) -> ExecRequest {
        self.group = Some(gid);
        self
    }

    /// Interactive: one pty for stdin, stdout and stderr (channel `"0"`), of `width` x `height`
    /// characters (0: LXD's default size).
    pub fn interactive(mut self, width: u32, height: u32) -> ExecRequest {
        self.interactive = true;
        self.width = (width > 0).then_some(width);
        self.height = (height > 0).then_some(height);
        self
    }

    /// Record stdout and stderr into log files on the server instead of streaming them
    /// (`record-output: true`, `wait-for-websocket: false`): no stdin, no websockets.
    pub fn record_output(mut self, on: bool) -> ExecRequest {
        self.record_output = on;
        self
    }

    /// The command.
    pub fn command(&self) -> &[String] {
        &self.command
    }
    /// Whether the command runs on a pty.
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }
    /// Whether output is recorded to log files (no websockets).
    pub fn is_record_output(&self) -> bool {
        self.record_output
    }

    /// Build from `argv` and an options object in LXD's own `InstanceExecPost` names:
    /// `environment` (object of strings), `cwd` (string), `user`, `group` (uids), `interactive`
    /// (bool), `width`, `height` (numbers), `record-output` (bool). `command` and
    /// `wait-for-websocket` are not accepted (argv is given apart; the mode decides the other).
    /// Keys listed in `extra_keys` are skipped here (the caller's own options); any other key is an
    /// error, so a typo is not silently ignored.
    pub fn from_options(argv: Vec<String>, options: &Value, extra_keys: &[&str]) -> Result<ExecRequest> {
        let mut req = ExecRequest::new(argv)?;
        let obj = match options {
            Value::Null => return Ok(req),
            Value::Object(o) => o,
            _ => return Err(Error::invalid("exec options must be a JSON object")),
        };
        let (mut interactive, mut width, mut height) = (false, 0u32, 0u32);
        for (k, v) in obj {
            match k.as_str() {
                "environment" => {
                    let env = v.as_object().ok_or_else(|| Error::invalid("exec option \"environment\" must be an object of strings"))?;
                    for (name, value) in env {
                        let value = value.as_str().ok_or_else(|| Error::invalid(format!("exec option \"environment\": {name:?} is not a string")))?;
                        req = req.env(name, value)?;
                    }
                }
                "cwd" => req = req.cwd(v.as_str().ok_or_else(|| Error::invalid("exec option \"cwd\" must be a string"))?)?,
                "user" => req = req.user(as_u32(k, v)?),
                "group" => req = req.group(as_u32(k, v)?),
                "record-output" => req = req.record_output(as_bool(k, v)?),
                "interactive" => interactive = as_bool(k, v)?,
                "width" => width = as_u32(k, v)?,
                "height" => height = as_u32(k, v)?,
                "command" | "wait-for-websocket" => {
                    return Err(Error::invalid(format!("exec option {k:?} is set by the library, not by options")))
                }
                other if extra_keys.contains(&other) => {}
                other => {
                    return Err(Error::invalid(format!(
                        "unknown exec option {other:?} (known: environment, cwd, user, group, record-output, interactive, width, height)"
                    )))
                }
            }
        }
        if interactive {
            req = req.interactive(width, height);
        } else if width != 0 || height != 0 {
            return Err(Error::invalid("exec options \"width\"/\"height\" need \"interactive\": true"));
        }
        Ok(req)
    }

    /// Check the combination (LXD refuses record-output with websockets or a pty).
    pub fn validate(&self) -> Result<()> {
        if self.record_output && self.interactive {
            return Err(Error::invalid("exec: record-output cannot be combined with interactive"));
        }
        Ok(())
    }

    /// The JSON body LXD receives.
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("command".into(), json!(self.command));
        b.insert("environment".into(), json!(self.environment));
        b.insert("interactive".into(), json!(self.interactive));
        b.insert("wait-for-websocket".into(), json!(!self.record_output));
        b.insert("record-output".into(), json!(self.record_output));
        if let Some(c) = &self.cwd {
            b.insert("cwd".into(), json!(c));
        }
        if let Some(u) = self.user {
            b.insert("user".into(), json!(u));
        }
        if let Some(g) = self.group {
            b.insert("group".into(), json!(g));
        }
        if let Some(w) = self.width {
            b.insert("width".into(), json!(w));
        }
        if let Some(h) = self.height {
            b.insert("height".into(), json!(h));
        }
        Value::Object(b)
    }
}

fn as_u32(k: &str, v: &Value) -> Result<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| Error::invalid(format!("exec option {k:?} must be a number from 0 to 4294967295")))
}

fn as_bool(k: &str, v: &Value) -> Result<bool> {
    v.as_bool().ok_or_else(|| Error::invalid(format!("exec option {k:?} must be true or false")))
}

/// `POST /1.0/instances/<name>/exec`: start the command; the reply is the operation.
pub fn start(instance: &str, req: &ExecRequest) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    req.validate()?;
    let r = Request::post(&["instances", instance, "exec"]).scope(Scope::PROJECT).json(&req.body())?;
    Ok(Call::new(r, parse_async))
}

/// `GET /1.0/operations/<id>/websocket?secret=<secret>`: the websocket of one exec channel.
pub fn websocket(operation_id: &str, secret: &str) -> Result<Request> {
    crate::request::check_name("operation", operation_id)?;
    if secret.is_empty() {
        return Err(Error::protocol("exec: empty websocket secret"));
    }
    Ok(Request::get(&["operations", operation_id, "websocket"]).query("secret", secret).scope(Op::OperationWebsocketGet.scope()))
}

/// One exec channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// stdin (non-interactive), or the pty in both directions (interactive): `"0"`.
    Stdin,
    /// stdout: `"1"` (non-interactive only).
    Stdout,
    /// stderr: `"2"` (non-interactive only).
    Stderr,
    /// Out-of-band messages (window size, signals): `"control"`.
    Control,
}

impl Channel {
    /// The key in `metadata.fds`.
    pub fn key(self) -> &'static str {
        match self {
            Channel::Stdin => "0",
            Channel::Stdout => "1",
            Channel::Stderr => "2",
            Channel::Control => "control",
        }
    }
}

/// The websocket requests of an exec operation, one per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecSockets {
    /// The operation id.
    pub operation_id: String,
    /// `"control"`, first: connect it before the data channels, so it is registered before the
    /// command starts (LXD starts the command once the data channels are all connected).
    pub control: Request,
    /// `"0"`: stdin, or the pty when interactive.
    pub stdin: Request,
    /// `"1"` (None when interactive).
    pub stdout: Option<Request>,
    /// `"2"` (None when interactive).
    pub stderr: Option<Request>,
}

/// The websocket requests for every channel in an exec operation's `metadata.fds`.
pub fn sockets(op: &Operation, interactive: bool) -> Result<ExecSockets> {
    let secret = |c: Channel| -> Result<&str> {
        op.fd_secret(c.key())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::protocol(format!("exec operation {} has no websocket secret for channel {:?} in metadata.fds", op.id, c.key())))
    };
    let control = websocket(&op.id, secret(Channel::Control)?)?;
    let stdin = websocket(&op.id, secret(Channel::Stdin)?)?;
    let (stdout, stderr) = if interactive {
        (None, None)
    } else {
        (Some(websocket(&op.id, secret(Channel::Stdout)?)?), Some(websocket(&op.id, secret(Channel::Stderr)?)?))
    };
    Ok(ExecSockets { operation_id: op.id.clone(), control, stdin, stdout, stderr })
}

/// A message on the control channel (LXD's `InstanceExecControl`), sent as a text frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Resize the pty (interactive only; LXD ignores it otherwise).
    WindowResize {
        /// Columns.
        width: u32,
        /// Rows.
        height: u32,
    },
    /// Send a signal to the command (e.g. 15 for SIGTERM).
    Signal(i32),
}

#[derive(Serialize)]
struct ControlMsg<'a> {
    command: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<BTreeMap<&'a str, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signal: Option<i32>,
}

impl Control {
    /// The JSON text of the message.
    pub fn to_json(&self) -> String {
        let msg = match *self {
            Control::WindowResize { width, height } => ControlMsg {
                command: "window-resize",
                args: Some(BTreeMap::from([("width", width.to_string()), ("height", height.to_string())])),
                signal: None,
            },
            Control::Signal(n) => ControlMsg { command: "signal", args: None, signal: Some(n) },
        };
        serde_json::to_string(&msg).unwrap_or_default()
    }
    /// Check the values (a signal 1..=64, a size of at least 1x1).
    pub fn validate(&self) -> Result<()> {
        match *self {
            Control::WindowResize { width, height } if width == 0 || height == 0 => Err(Error::invalid("window size must be at least 1x1")),
            Control::Signal(n) if !(1..=64).contains(&n) => Err(Error::invalid(format!("{n} is not a signal number (1 to 64)"))),
            _ => Ok(()),
        }
    }
}

/// Where record-output put the output (`metadata.output`): API paths of the two log files, to
/// fetch with `GET` (raw bytes) and remove with `DELETE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedOutput {
    /// stdout log (`"1"`).
    pub stdout: Option<String>,
    /// stderr log (`"2"`).
    pub stderr: Option<String>,
}

impl RecordedOutput {
    /// `GET` of a log path from `metadata.output` (its body is the raw bytes).
    pub fn fetch(path: &str) -> Result<Request> {
        Self::log_request(crate::request::Method::GET, path)
    }
    /// `DELETE` of a log path from `metadata.output`.
    pub fn delete(path: &str) -> Result<Request> {
        Self::log_request(crate::request::Method::DELETE, path)
    }
    fn log_request(method: crate::request::Method, path: &str) -> Result<Request> {
        if !path.starts_with("/1.0/instances/") || path.contains("/../") || path.ends_with("/..") {
            return Err(Error::invalid(format!("{path:?} is not an exec output log path")));
        }
        Ok(Request::raw(method, path)?.scope(Scope::PROJECT))
    }
}

/// How an exec ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecResult {
    /// The command's exit status (`metadata.return`): 0 success, 126 not executable, 127 not
    /// found, 128+N killed by signal N, -1 when LXD could not run it.
    pub exit_code: i32,
    /// LXD's error text when it marked the operation a failure while still reporting the code
    /// (e.g. "Command not found").
    pub failure: Option<String>,
    /// Log paths (record-output mode).
    pub output: Option<RecordedOutput>,
    /// The final operation.
    pub operation: Operation,
}

/// The exit code and outputs from an exec operation that reached a final state. A failure that
/// still carries `metadata.return` (126, 127, ...) is a result, not an error; a failure without
/// it (e.g. "Timed out waiting for websockets to connect") or a cancelled operation is
/// [`Error::OperationFailed`].
pub fn result(op: Operation) -> Result<ExecResult> {
    if !op.is_final() {
        return Err(Error::protocol(format!("exec operation {} is not finished (status {})", op.id, op.status_code)));
    }
    let code = match op.metadata.get("return") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| Error::protocol(format!("exec operation {}: metadata.return {v} is not an exit code", op.id)))?,
        ),
    };
    let output = op.metadata.get("output").and_then(Value::as_object).map(|o| RecordedOutput {
        stdout: o.get("1").and_then(Value::as_str).map(str::to_string),
        stderr: o.get("2").and_then(Value::as_str).map(str::to_string),
    });
    match code {
        Some(exit_code) if op.status_code != operation::status::CANCELLED => {
            let failure = (!op.is_success()).then(|| if op.err.is_empty() { op.status.clone() } else { op.err.clone() });
            Ok(ExecResult { exit_code, failure, output, operation: op })
        }
        _ if op.is_success() => Err(Error::protocol(format!("exec operation {} succeeded without metadata.return", op.id))),
        _ => op.into_result().and_then(|op| Err(Error::protocol(format!("exec operation {} has no exit code", op.id)))),
    }
}

/// What the exec flow is done with: what the transport does before waiting for the result.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecStep {
    /// Open these websockets (control first), run the I/O, and meanwhile wait for the result with
    /// [`ExecFlow::waiter`].
    Connect(Box<ExecSockets>),
    /// Nothing to connect (record-output): wait for the result with [`ExecFlow::waiter`].
    Wait,
}

/// The exec flow (a [`Flow`]): it sends the `POST` and is done with the [`ExecStep`]; the result
/// is then waited for with [`ExecFlow::waiter`], a [`WaitFlow`] done with the [`ExecResult`].
#[derive(Debug, Clone)]
pub struct ExecFlow {
    post: Request,
    interactive: bool,
    record_output: bool,
    operation_id: Option<String>,
}

impl ExecFlow {
    /// The flow of running `req` in `instance` (the request is checked here; nothing is sent).
    pub fn new(instance: &str, req: &ExecRequest) -> Result<ExecFlow> {
        let call = start(instance, req)?;
        Ok(ExecFlow { post: call.request, interactive: req.interactive, record_output: req.record_output, operation_id: None })
    }

    /// The operation id (once the reply to the `POST` was fed back).
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// The wait for the result, in slices of `slice_secs`: done with the [`ExecResult`] once the
    /// operation is final, also when LXD failed it with an exit code (126, 127). A 404 means LXD
    /// already dropped the finished operation: an error, never a guessed success.
    pub fn waiter(&self, slice_secs: i64) -> Result<WaitFlow<ExecResult>> {
        let id = self.operation_id.as_deref().ok_or_else(|| Error::invalid("exec: wait before the operation started"))?;
        Ok(WaitFlow::reading(id, slice_secs, result, ("exec operation", "its exit code")))
    }
}

impl Flow for ExecFlow {
    type Output = ExecStep;
    type Side = ();

    /// `Send` the `POST /1.0/instances/<name>/exec`.
    fn start(&mut self) -> Result<Step<ExecStep>> {
        Ok(Step::Send((), self.post.clone()))
    }

    /// Feed the reply to the `POST`: done with the websockets to open, or none (record-output).
    fn on_response(&mut self, resp: &Response) -> Result<Step<ExecStep>> {
        let op = parse_async(resp)?;
        self.operation_id = Some(op.id.clone());
        if self.record_output {
            return Ok(Step::Done(ExecStep::Wait));
        }
        Ok(Step::Done(ExecStep::Connect(Box::new(sockets(&op, self.interactive)?))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(r: &Request) -> Value {
        serde_json::from_slice(r.body_bytes()).unwrap()
    }

    fn op_reply(code: u16, metadata: &str, err: &str) -> Response {
        Response::new(
            200,
            vec![],
            format!(r#"{{"type":"sync","status_code":200,"metadata":{{"id":"op1","class":"websocket","status":"x","status_code":{code},"err":"{err}","metadata":{metadata}}}}}"#).into_bytes(),
        )
    }

    #[test]
    fn exact_post_request() {
        let req = ExecRequest::new(["sh", "-c", "echo $FOO"]).unwrap().env("FOO", "bar baz").unwrap().cwd("/tmp").unwrap().user(1000).group(1001);
        let call = start("c1", &req).unwrap();
        let mut r = call.request.clone();
        assert_eq!(r.method.as_str(), "POST");
        r.apply_scope(Some("p1"), Some("member1"));
        assert_eq!(r.path_and_query(), "/1.0/instances/c1/exec?project=p1", "exec takes project, not target");
        assert_eq!(
            body_of(&r),
            json!({"command":["sh","-c","echo $FOO"],"environment":{"FOO":"bar baz"},"interactive":false,
                   "wait-for-websocket":true,"record-output":false,"cwd":"/tmp","user":1000,"group":1001})
        );
        let i = ExecRequest::new(["sh"]).unwrap().interactive(80, 24);
        assert_eq!(
            body_of(&start("c1", &i).unwrap().request),
            json!({"command":["sh"],"environment":{},"interactive":true,"wait-for-websocket":true,"record-output":false,"width":80,"height":24})
        );
        let rec = ExecRequest::new(["ls"]).unwrap().record_output(true);
        assert_eq!(
            body_of(&start("c1", &rec).unwrap().request),
            json!({"command":["ls"],"environment":{},"interactive":false,"wait-for-websocket":false,"record-output":true})
        );
    }

    #[test]
    fn invalid_requests() {
        assert!(ExecRequest::new(Vec::<String>::new()).is_err());
        assert!(ExecRequest::new([""]).is_err());
        assert!(ExecRequest::new(["a\0b"]).is_err());
        let r = ExecRequest::new(["true"]).unwrap();
        assert!(r.clone().env("", "x").is_err());
        assert!(r.clone().env("A=B", "x").is_err());
        assert!(r.clone().env("A", "x\0").is_err());
        assert!(r.clone().cwd("").is_err());
        assert!(start("bad_name", &r).is_err());
        assert!(start("c1", &r.clone().record_output(true).interactive(0, 0)).is_err());
    }

    #[test]
    fn options_json() {
        let o: Value = serde_json::from_str(r#"{"environment":{"A":"1"},"cwd":"/root","user":1000,"group":1000,"record-output":true,"timeout_ms":5}"#).unwrap();
        let r = ExecRequest::from_options(vec!["id".into()], &o, &["timeout_ms"]).unwrap();
        assert_eq!(
            r.body(),
            json!({"command":["id"],"environment":{"A":"1"},"interactive":false,"wait-for-websocket":false,"record-output":true,"cwd":"/root","user":1000,"group":1000})
        );
        let i: Value = serde_json::from_str(r#"{"interactive":true,"width":100,"height":30}"#).unwrap();
        assert!(ExecRequest::from_options(vec!["sh".into()], &i, &[]).unwrap().is_interactive());
        for bad in [r#"{"env":{}}"#, r#"{"user":-1}"#, r#"{"user":"0"}"#, r#"{"environment":{"A":1}}"#, r#"{"command":["x"]}"#, r#"{"width":80}"#, r#"[1]"#, r#"{"timeout_ms":1}"#] {
            let v: Value = serde_json::from_str(bad).unwrap();
            assert!(matches!(ExecRequest::from_options(vec!["x".into()], &v, &[]), Err(Error::InvalidArgument(_))), "{bad}");
        }
        assert!(ExecRequest::from_options(vec!["x".into()], &Value::Null, &[]).is_ok());
    }

    #[test]
    fn sockets_from_fds() {
        let op: Operation = serde_json::from_str(
            r#"{"id":"6f1c-op","class":"websocket","status_code":103,"metadata":{"fds":{"0":"s0","1":"s1","2":"s2","control":"sc"},"interactive":false}}"#,
        )
        .unwrap();
        let s = sockets(&op, false).unwrap();
        assert_eq!(s.control.path_and_query(), "/1.0/operations/6f1c-op/websocket?secret=sc");
        assert_eq!(s.stdin.path_and_query(), "/1.0/operations/6f1c-op/websocket?secret=s0");
        assert_eq!(s.stdout.as_ref().unwrap().path_and_query(), "/1.0/operations/6f1c-op/websocket?secret=s1");
        assert_eq!(s.stderr.as_ref().unwrap().path_and_query(), "/1.0/operations/6f1c-op/websocket?secret=s2");
        assert_eq!(s.stdin.method.as_str(), "GET");
        let inter: Operation = serde_json::from_str(r#"{"id":"op2","metadata":{"fds":{"0":"p","control":"c"}}}"#).unwrap();
        let s = sockets(&inter, true).unwrap();
        assert!(s.stdout.is_none() && s.stderr.is_none());
        assert!(matches!(sockets(&inter, false), Err(Error::Protocol(_))), "non-interactive needs 1 and 2");
        let none: Operation = serde_json::from_str(r#"{"id":"op3","metadata":null}"#).unwrap();
        assert!(matches!(sockets(&none, true), Err(Error::Protocol(_))));
    }

    #[test]
    fn control_messages() {
        assert_eq!(Control::WindowResize { width: 120, height: 40 }.to_json(), r#"{"command":"window-resize","args":{"height":"40","width":"120"}}"#);
        assert_eq!(Control::Signal(15).to_json(), r#"{"command":"signal","signal":15}"#);
        assert!(Control::Signal(0).validate().is_err());
        assert!(Control::Signal(65).validate().is_err());
        assert!(Control::WindowResize { width: 0, height: 1 }.validate().is_err());
        assert!(Control::Signal(9).validate().is_ok());
    }

    #[test]
    fn exit_codes_including_failures() {
        let mut flow = ExecFlow::new("c1", &ExecRequest::new(["x"]).unwrap()).unwrap();
        assert!(matches!(flow.waiter(5), Err(Error::InvalidArgument(_))), "no waiting before the POST's reply");
        let post = Response::new(202, vec![], br#"{"type":"async","metadata":{"id":"op1","status_code":103,"metadata":{"fds":{"0":"a","1":"b","2":"c","control":"d"}}}}"#.to_vec());
        assert!(matches!(flow.on_response(&post).unwrap(), Step::Done(ExecStep::Connect(_))));
        let mut wait = flow.waiter(5).unwrap();
        let Step::Send((), first) = wait.start().unwrap() else { panic!("not a Send") };
        assert_eq!(first.path_and_query(), "/1.0/operations/op1/wait?timeout=5");
        assert_eq!(wait.on_response(&op_reply(103, "{}", "")).unwrap(), Step::Send((), first));
        let mut handle_wait = |r: &Response| wait.on_response(r).map(|s| match s {
            Step::Done(r) => Some(r),
            _ => None,
        });
        let ok = handle_wait(&op_reply(200, r#"{"return":0}"#, "")).unwrap().unwrap();
        assert_eq!((ok.exit_code, ok.failure.as_deref()), (0, None));
        let killed = handle_wait(&op_reply(200, r#"{"return":137}"#, "")).unwrap().unwrap();
        assert_eq!(killed.exit_code, 137);
        let nf = handle_wait(&op_reply(400, r#"{"return":127}"#, "Command not found")).unwrap().unwrap();
        assert_eq!((nf.exit_code, nf.failure.as_deref()), (127, Some("Command not found")));
        let nx = handle_wait(&op_reply(400, r#"{"return":126}"#, "Command not executable")).unwrap().unwrap();
        assert_eq!(nx.exit_code, 126);
        match handle_wait(&op_reply(400, "{}", "Timed out waiting for websockets to connect")) {
            Err(Error::OperationFailed { status_code: 400, message, .. }) => assert!(message.contains("Timed out")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(handle_wait(&op_reply(401, r#"{"return":-1}"#, "cancelled")), Err(Error::OperationFailed { status_code: 401, .. })));
        assert!(matches!(handle_wait(&op_reply(200, "{}", "")), Err(Error::Protocol(_))));
        assert!(matches!(handle_wait(&op_reply(200, r#"{"return":"x"}"#, "")), Err(Error::Protocol(_))));
        let gone = Response::new(404, vec![], br#"{"type":"error","error":"not found","error_code":404}"#.to_vec());
        assert!(matches!(handle_wait(&gone), Err(Error::Api { status: 404, message }) if message.starts_with("exec operation op1 vanished") && message.contains("its exit code is unknown")));
    }

    #[test]
    fn record_output_flow() {
        let req = ExecRequest::new(["sh", "-c", "echo out"]).unwrap().record_output(true);
        let mut flow = ExecFlow::new("c1", &req).unwrap();
        let Step::Send((), post) = flow.start().unwrap() else { panic!("not a Send") };
        assert_eq!(body_of(&post)["wait-for-websocket"], json!(false));
        let reply = Response::new(202, vec![], br#"{"type":"async","metadata":{"id":"op9","class":"task","status_code":103,"metadata":null}}"#.to_vec());
        assert_eq!(flow.on_response(&reply).unwrap(), Step::Done(ExecStep::Wait));
        let done = op_reply(200, r#"{"output":{"1":"/1.0/instances/c1/logs/exec_op9.stdout","2":"/1.0/instances/c1/logs/exec_op9.stderr"},"return":3}"#, "");
        let Step::Done(r) = flow.waiter(60).unwrap().on_response(&done).unwrap() else { panic!("not Done") };
        assert_eq!(r.exit_code, 3);
        let out = r.output.unwrap();
        assert_eq!(out.stdout.as_deref(), Some("/1.0/instances/c1/logs/exec_op9.stdout"));
        let mut get = RecordedOutput::fetch(out.stderr.as_deref().unwrap()).unwrap();
        get.apply_scope(Some("p"), None);
        assert_eq!((get.method.as_str(), get.path_and_query().as_str()), ("GET", "/1.0/instances/c1/logs/exec_op9.stderr?project=p"));
        assert_eq!(RecordedOutput::delete("/1.0/instances/c1/logs/x").unwrap().method.as_str(), "DELETE");
        assert!(RecordedOutput::fetch("/1.0/images").is_err());
        assert!(RecordedOutput::fetch("/1.0/instances/../x").is_err());
    }
}
