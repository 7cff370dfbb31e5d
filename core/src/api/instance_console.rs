//! The instance console: attach (`POST …/console` gives websocket secrets), read and clear the
//! console log (containers).

use crate::spec::Op;
use super::replies::parse_bytes;
use super::{Call, Error, Result};
use crate::operation::Operation;
use crate::request::check_instance_name;
use crate::response::{parse_async, parse_empty, Response};
use serde_json::json;

/// `POST /1.0/instances/<name>/console {"width", "height", "type"}`: open a console. LXD answers
/// with a websocket operation whose `metadata.fds` holds the secrets of the data (`"0"`) and
/// control (`"control"`) sockets. `kind` is `"console"` (text; containers and VMs) or `"vga"`
/// (SPICE; VMs). `width`/`height` 0: LXD's default.
pub fn attach(instance: &str, width: u32, height: u32, kind: &str) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    if !matches!(kind, "console" | "vga") {
        return Err(Error::invalid(format!("unknown console type {kind:?} (console, vga)")));
    }
    let body = json!({ "width": width, "height": height, "type": kind });
    Ok(Call::new(super::endpoint::post(Op::InstanceConsolePost, &["instances", instance, "console"]).json(&body)?, parse_async))
}

/// The two websockets of an attached console: `data` carries the terminal both ways (binary
/// frames), `control` takes `window-resize` messages ([`crate::exec::Control`]).
#[derive(Debug, Clone)]
pub struct ConsoleSockets {
    /// `GET /1.0/operations/<id>/websocket?secret=<fds["0"]>`.
    pub data: crate::Request,
    /// `GET /1.0/operations/<id>/websocket?secret=<fds["control"]>`.
    pub control: crate::Request,
}

/// The websocket requests of the console operation that [`attach`] returned, from its
/// `metadata.fds`. A reply without both secrets is a protocol error.
pub fn sockets(op: &Operation) -> Result<ConsoleSockets> {
    let fds = op.metadata.get("fds").and_then(|v| v.as_object()).ok_or_else(|| Error::protocol("console operation without metadata.fds"))?;
    let secret = |k: &str| fds.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).ok_or_else(|| Error::protocol(format!("console operation without the {k:?} secret")));
    Ok(ConsoleSockets { data: super::operations::websocket(&op.id, secret("0")?)?, control: super::operations::websocket(&op.id, secret("control")?)? })
}

/// `GET /1.0/instances/<name>/console`: the console log of a container (raw bytes). An empty
/// console buffer is an empty log: LXD 5.0.2 reports it as a 500 "open : no such file or
/// directory" (it serves a file entry without a path), which this parser turns into `[]`.
pub fn log(instance: &str) -> Result<Call<Vec<u8>>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceConsoleGet, &["instances", instance, "console"]), parse_console_log))
}

fn parse_console_log(resp: &Response) -> Result<Vec<u8>> {
    match parse_bytes(resp) {
        Err(Error::Api { status: 500, message }) if message == "open : no such file or directory" => Ok(Vec::new()),
        other => other,
    }
}

/// `DELETE /1.0/instances/<name>/console`: clear the console log.
pub fn clear_log(instance: &str) -> Result<Call<()>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::delete(Op::InstanceConsoleDelete, &["instances", instance, "console"]), parse_empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console() {
        let a = attach("c1", 80, 24, "console").unwrap();
        assert_eq!(a.request.body_bytes(), br#"{"height":24,"type":"console","width":80}"#);
        assert!(attach("c1", 0, 0, "tty").is_err());
        // VMs also have a VGA console (SPICE); only the request shape can be tested without KVM.
        assert_eq!(attach("vm1", 0, 0, "vga").unwrap().request.body_bytes(), br#"{"height":0,"type":"vga","width":0}"#);
        let l = log("c1").unwrap();
        assert_eq!(l.parse(&Response::new(200, vec![], b"hello\n".to_vec())).unwrap(), b"hello\n");
        let empty = Response::new(500, vec![], br#"{"type":"error","error":"open : no such file or directory","error_code":500}"#.to_vec());
        assert_eq!(l.parse(&empty).unwrap(), b"");
        let other = Response::new(400, vec![], br#"{"type":"error","error":"Instance is not container type","error_code":400}"#.to_vec());
        assert_eq!(l.parse(&other).unwrap_err().http_status(), Some(400));
        assert_eq!(clear_log("c1").unwrap().request.method.as_str(), "DELETE");
    }

    #[test]
    fn console_sockets() {
        let op: Operation = serde_json::from_value(serde_json::json!({
            "id": "6916c8a6-9b7d-4abd-90b3-aedfec7ec7da", "class": "websocket", "status_code": 103,
            "metadata": {"fds": {"0": "s0", "control": "sc"}}
        }))
        .unwrap();
        let s = sockets(&op).unwrap();
        assert_eq!(s.data.path_and_query(), "/1.0/operations/6916c8a6-9b7d-4abd-90b3-aedfec7ec7da/websocket?secret=s0");
        assert_eq!(s.control.path_and_query(), "/1.0/operations/6916c8a6-9b7d-4abd-90b3-aedfec7ec7da/websocket?secret=sc");
        let mut bad = op.clone();
        bad.metadata = serde_json::json!({"fds": {"0": "s0"}});
        assert!(matches!(sockets(&bad), Err(Error::Protocol(_))));
        bad.metadata = serde_json::json!({});
        assert!(matches!(sockets(&bad), Err(Error::Protocol(_))));
        bad = op.clone();
        bad.id = "../x".into();
        assert!(sockets(&bad).is_err());
    }
}
