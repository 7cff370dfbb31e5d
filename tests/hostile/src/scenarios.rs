//! The misbehaviours, one per scenario name. `ok` is a small well-behaved LXD (sync and async
//! replies shaped as LXD 5.0.2 sends them), used between hostile cases and by the ABI walk.

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use crate::http::{hold_until_client_leaves, raw, reply, sleep_unless_client_leaves, Conn, Next, Req};
use crate::Config;

/// Every scenario: name and what it does.
pub const ALL: &[(&str, &str)] = &[
    ("ok", "a well-behaved LXD: GET /1.0, empty collections, 404 for named objects, async operations that succeed"),
    ("invalid-json", "200 with a JSON envelope cut in the middle"),
    ("weird-type", "envelope with \"type\":\"weird\""),
    ("type-not-string", "envelope with \"type\":5"),
    ("missing-type", "envelope without \"type\""),
    ("null-body", "the body is JSON null"),
    ("empty-body", "200 with an empty body"),
    ("array-body", "the body is a JSON array"),
    ("wrong-field-types", "envelope with \"status_code\":\"200\" (a string)"),
    ("wrong-metadata-types", "GET /1.0 metadata with api_extensions a string, auth a number, config an array"),
    ("missing-metadata", "sync envelope without metadata"),
    ("sync-for-async", "a sync reply where an operation is expected"),
    ("async-for-sync", "an operation where a sync reply is expected"),
    ("async-no-id", "202 async envelope whose operation has no id and no operation URL"),
    ("async-bad-metadata", "202 async envelope whose metadata is a string"),
    ("async-url-only", "202 async envelope with an operation URL but empty metadata (valid: id from the URL)"),
    ("async-nul-id", "operation ids with a NUL (\\u0000) in them, in async replies and GET /1.0/operations/<id>"),
    ("async-dotdot-id", "202 async envelope whose operation id is \"..\" (and whose URL ends in /..)"),
    ("accepted-no-op", "202 with an empty body"),
    ("accepted-sync", "202 with a sync envelope"),
    ("huge-length", "Content-Length 300 MiB, then streams it until the client leaves"),
    ("huge-chunked", "300 MiB chunked body, streamed until the client leaves"),
    ("truncated-length", "Content-Length 5000, sends 100 bytes, closes"),
    ("truncated-chunked", "chunked body: one chunk, then close without the last chunk"),
    ("reset-mid-body", "Content-Length 5000, sends 100 bytes, resets the connection (RST over TCP)"),
    ("close-before-reply", "reads the request, closes without a reply"),
    ("stall-headers", "reads the request, never answers"),
    ("stall-body", "sends headers (Content-Length 100), then nothing"),
    ("slow-drip", "sends the body one byte every 100 ms"),
    ("chunked-bad-size", "chunked body with chunk size \"zz\""),
    ("chunked-overflow", "chunked body with a chunk size that overflows 64 bits"),
    ("chunked-no-crlf", "chunked body whose chunk data is not followed by CRLF"),
    ("content-length-conflict", "two different Content-Length headers"),
    ("content-length-bad", "Content-Length: -5"),
    ("bad-status-line", "status line \"HTTP/1.1 abc OK\""),
    ("not-http", "answers with an SSH banner"),
    ("huge-headers", "one 200 KiB header"),
    ("many-headers", "10000 headers"),
    ("nul-in-header", "a header value containing a NUL byte"),
    ("redirect", "302 to another URL, no body"),
    ("redirect-with-body", "301 to another URL with a valid-looking sync envelope"),
    ("interim-100", "100 Continue, then a valid reply"),
    ("http10", "HTTP/1.0 reply without Content-Length, body delimited by close (valid)"),
    ("no-length-11", "HTTP/1.1 reply without Content-Length or chunking, delimited by close (valid)"),
    ("bad-utf8", "a JSON string with invalid UTF-8 bytes"),
    ("nul-escaped", "a JSON string containing \\u0000 (valid JSON)"),
    ("nul-raw", "a literal NUL byte inside a JSON string, with an ETag"),
    ("error-html", "500 with an HTML page"),
    ("error-envelope", "404 with LXD's error envelope"),
    ("error-in-200", "HTTP 200 carrying an error envelope with error_code 403"),
    ("error-code-huge", "HTTP 200 carrying an error envelope with error_code 99999"),
    ("deep-nesting", "metadata nested 100000 arrays deep"),
    ("huge-number", "status_code 1e400"),
    ("list-not-array", "a collection listing whose metadata is an object"),
    ("list-bad-url", "a collection listing with a URL that is not UTF-8 once decoded"),
    ("list-null", "a collection listing with null metadata (valid: empty)"),
    ("list-no-metadata", "every GET answered with a sync envelope that has no metadata key (lists, objects, states)"),
    ("model-missing-fields", "objects and listings whose objects lack the fields LXD 5.0.2 always sends (an instance without name, an image without fingerprint)"),
    ("big-length", "a valid 48 MiB sync reply (GET /1.0 padded with spaces) with Content-Length; sizes by ?project=big-length-<MiB>"),
    ("big-chunked", "the same 48 MiB reply, chunked (no declared length); sizes by ?project=big-chunked-<MiB>"),
    ("ws-refused-stall", "websocket upgrade answered 404 with Content-Length 400, 40 bytes of an error envelope, then nothing"),
    ("ws-refused-truncated", "websocket upgrade answered 404 with Content-Length 400, 40 bytes, then close"),
    ("ws-refused-reset", "websocket upgrade answered 404 with Content-Length 400, 40 bytes, then a reset (RST over TCP)"),
    ("ws-refused-chunked-cut", "websocket upgrade answered 403, chunked, one chunk of an envelope, then close"),
    ("ws-refused-envelope", "websocket upgrade answered 404 with LXD's whole error envelope (valid: NOT_FOUND, its message)"),
    ("ws-refused-chunked", "websocket upgrade answered 403 with LXD's error envelope, chunked (valid: FORBIDDEN, its message)"),
    ("ws-garbage-event", "event websocket: a text message that is not JSON"),
    ("ws-close", "event websocket: upgraded, then closed without a close frame"),
    ("ws-bad-frame", "event websocket: a frame with a reserved opcode"),
    ("ws-huge-frame", "event websocket: a frame header announcing 2^62 bytes"),
    ("ws-refused", "event websocket: the upgrade answered with 200 and a JSON body"),
    ("file-truncated", "file download: X-LXD-type file, Content-Length 100000, 10 bytes, close"),
    ("file-bad-headers", "file download: X-LXD-mode \"rwx\", X-LXD-uid -1, X-LXD-type \"pipe\""),
    ("op-never", "operations start and never finish; wait returns running after its timeout; cancel is refused"),
    ("op-stall", "operations start; a wait on them never gets an answer"),
    ("op-vanish", "operations start; waiting on them gives 404"),
    ("op-fail", "operations start and fail (status 400, err \"boom\", metadata {\"return\":127})"),
    ("op-cancelled", "operations start and end Cancelled (401)"),
    ("op-garbage", "operations start; waiting on them gives invalid JSON"),
    ("op-huge-status", "operations start; wait gives status_code 70000"),
    ("op-no-id", "operations start; wait gives a finished operation without id"),
    ("op-slow", "operations start; the first wait says running, the second success (valid)"),
    ("op-progress", "no event stream (GET /1.0/events is not a websocket); each wait on an operation moves its download_progress: 10%, an unreadable text, 70% (with a progress map), then success at 100%"),
    ("exec-ok", "exec: stdout \"hello\\n\", stderr empty, both ended by LXD's empty text frame; exit code 0 (valid)"),
    ("exec-text", "exec: stdout sends a non-empty text frame (not LXD's empty end marker); the operation never ends"),
    ("exec-bad-utf8", "exec: stdout sends a text frame that is not UTF-8; the operation never ends"),
    ("exec-rsv", "exec: stdout sends a frame with RSV1 set; the operation never ends"),
    ("exec-opcode", "exec: stdout sends a frame with reserved opcode 0x3; the operation never ends"),
    ("exec-huge", "exec: stdout sends a frame header announcing 2^62 bytes, then 1 KiB; the operation never ends"),
    ("exec-never", "exec: stdout sends a byte every 200 ms and never ends; the operation never ends"),
];

const SERVER: &str = r#"{"config":{},"api_extensions":["file_delete","instances"],"api_status":"stable","api_version":"1.0","auth":"trusted","public":false,"auth_methods":["tls"],"environment":{"server_name":"lxd-hostile","server_version":"5.0.2","project":"default"}}"#;

fn sync(metadata: &str) -> Vec<u8> {
    format!(r#"{{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{metadata}}}"#).into_bytes()
}

fn op(id: &str, status_code: u16, err: &str, metadata: &str) -> String {
    let status = match status_code {
        103 => "Running",
        200 => "Success",
        401 => "Cancelled",
        _ => "Failure",
    };
    format!(
        r#"{{"id":"{id}","class":"task","description":"hostile","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","status":"{status}","status_code":{status_code},"resources":{{}},"metadata":{metadata},"may_cancel":false,"err":"{err}","location":"none"}}"#
    )
}

fn async_reply(c: &mut dyn Conn, id: &str) -> io::Result<Next> {
    let body = format!(
        r#"{{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/{id}","error_code":0,"error":"","metadata":{}}}"#,
        op(id, 103, "", "{}")
    );
    reply(c, 202, &[("Location", &format!("/1.0/operations/{id}"))], body.as_bytes())
}

fn error_reply(c: &mut dyn Conn, status: u16, msg: &str) -> io::Result<Next> {
    let body = format!(r#"{{"type":"error","error":"{msg}","error_code":{status},"metadata":null}}"#);
    reply(c, status, &[], body.as_bytes())
}

/// Whether LXD answers this request with an operation (instances, images, snapshots: create,
/// delete, state changes, restore) rather than synchronously.
fn is_async(req: &Req) -> bool {
    let s = req.segments();
    let root_async = matches!(s.first(), Some(&"instances") | Some(&"images")) && s.get(1) != Some(&"aliases");
    match req.method.as_str() {
        "POST" => root_async,
        "DELETE" => root_async && s.len() >= 2,
        "PUT" | "PATCH" => root_async && s.len() >= 2 && s[0] == "instances",
        _ => false,
    }
}

fn is_operation_path(req: &Req) -> bool {
    req.segments().first() == Some(&"operations")
}

/// The well-behaved server.
fn ok(req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    let s = req.segments();
    if req.header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return crate::http::websocket_idle(c, req);
    }
    if req.method == "GET" {
        return match s.as_slice() {
            [] => reply(c, 200, &[("ETag", "\"hostile-etag\"")], &sync(SERVER)),
            ["operations"] => reply(c, 200, &[], &sync(&format!(r#"{{"success":[{}]}}"#, op("op-ok", 200, "", "{}")))),
            ["operations", id] | ["operations", id, "wait"] => reply(c, 200, &[], &sync(&op(id, 200, "", "{}"))),
            ["resources"] => reply(c, 200, &[], &sync(r#"{"cpu":{},"memory":{}}"#)),
            [_] | ["images", "aliases"] | ["instances", _, "snapshots"] => reply(c, 200, &[], &sync("[]")),
            [_, _, "state"] | ["storage-pools", _, "resources"] => reply(c, 200, &[], &sync("{}")),
            _ => error_reply(c, 404, "Not found"),
        };
    }
    if is_operation_path(req) {
        return reply(c, 200, &[], &sync("{}"));
    }
    if req.method == "POST" && matches!(s.as_slice(), ["instances", _, "console"]) {
        // A console: a websocket operation with its two secrets (the upgrades are accepted above).
        let body = format!(
            r#"{{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/op-console","error_code":0,"error":"","metadata":{}}}"#,
            op("op-console", 103, "", r#"{"fds":{"0":"s0","control":"sc"}}"#)
        );
        return reply(c, 202, &[("Location", "/1.0/operations/op-console")], body.as_bytes());
    }
    if is_async(req) {
        return async_reply(c, "op-ok");
    }
    reply(c, if req.method == "POST" { 201 } else { 200 }, &[], &sync("{}"))
}

static WAITS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

/// Scenarios about operations: anything outside /1.0/operations starts one (`<scenario>-op`);
/// the misbehaviour is in what the operation endpoints answer.
fn operation(scenario: &str, req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    let id = format!("{scenario}-op");
    let s = req.segments();
    if !is_operation_path(req) {
        if req.method == "GET" {
            return ok(req, c);
        }
        return async_reply(c, &id);
    }
    let running = || sync(&op(&id, 103, "", "{}"));
    let is_wait = s.last() == Some(&"wait");
    match (scenario, req.method.as_str(), is_wait) {
        (_, "GET", false) if s.len() == 1 => reply(c, 200, &[], &sync(&format!(r#"{{"running":[{}]}}"#, op(&id, 103, "", "{}")))),
        ("op-never", "DELETE", _) => error_reply(c, 403, "This operation can't be cancelled"),
        ("op-never", "GET", true) => {
            // LXD waits `timeout` seconds (-1: forever) and then answers with the running operation.
            let secs = req.param("timeout").and_then(|t| t.parse::<i64>().ok()).unwrap_or(-1);
            let secs = if secs < 0 { 120 } else { secs.min(120) } as u64;
            if !sleep_unless_client_leaves(c, Duration::from_secs(secs)) {
                return Ok(Next::Close);
            }
            reply(c, 200, &[], &running())
        }
        ("op-stall", "GET", true) => hold_until_client_leaves(c, Duration::from_secs(300)),
        ("op-vanish", "GET", _) => error_reply(c, 404, "Operation not found"),
        ("op-fail", "GET", true) => reply(c, 200, &[], &sync(&op(&id, 400, "boom", r#"{"return":127}"#))),
        ("op-cancelled", "GET", true) => reply(c, 200, &[], &sync(&op(&id, 401, "", "{}"))),
        ("op-garbage", "GET", true) => reply(c, 200, &[], b"{\"type\":\"sync\",\"metadata\":{\"id\":"),
        ("op-huge-status", "GET", true) => reply(c, 200, &[], &sync(&op(&id, 200, "", "{}").replace("\"status_code\":200", "\"status_code\":70000"))),
        ("op-no-id", "GET", true) => reply(c, 200, &[], &sync(&op("", 200, "", "{}"))),
        ("op-slow", "GET", true) => {
            let n = {
                let mut g = WAITS.lock().unwrap_or_else(|p| p.into_inner());
                let m = g.get_or_insert_with(HashMap::new);
                let n = m.entry(id.clone()).or_insert(0);
                *n += 1;
                *n
            };
            if n % 2 == 1 {
                sleep_unless_client_leaves(c, Duration::from_millis(300));
                reply(c, 200, &[], &running())
            } else {
                reply(c, 200, &[], &sync(&op(&id, 200, "", r#"{"done":true}"#)))
            }
        }
        ("op-progress", "GET", _) => {
            let n = {
                let mut g = WAITS.lock().unwrap_or_else(|p| p.into_inner());
                let m = g.get_or_insert_with(HashMap::new);
                let n = m.entry(id.clone()).or_insert(0);
                *n += 1;
                *n
            };
            let body = match n {
                1 => op(&id, 103, "", r#"{"download_progress":"10% (1.00MB/s)"}"#),
                2 => op(&id, 103, "", r#"{"download_progress":"not a progress text"}"#),
                3 => op(&id, 103, "", r#"{"download_progress":"70% (5B/s)","progress":{"stage":"download","percent":"70","speed":"5"}}"#),
                _ => op(&id, 200, "", r#"{"download_progress":"100% (5B/s)"}"#),
            };
            reply(c, 200, &[], &sync(&body))
        }
        (_, "GET", _) => reply(c, 200, &[], &running()),
        _ => reply(c, 200, &[], &sync("{}")),
    }
}

/// Stream a 300 MiB body (declared up front, or chunked) until the client hangs up; record how
/// many bytes were written in `DIR/sent-<scenario>`.
fn huge(cfg: &Config, scenario: &str, c: &mut dyn Conn, chunked: bool) -> io::Result<Next> {
    padded(cfg, scenario, c, chunked, 300 << 20, br#"{"type":"sync","status_code":200,"metadata":"#, b"null}")
}

/// A reply of exactly `total` body bytes: `prefix`, spaces, `suffix` (declared up front or
/// chunked), streamed until the client hangs up; the byte count goes to `DIR/sent-<scenario>`.
fn padded(cfg: &Config, scenario: &str, c: &mut dyn Conn, chunked: bool, total: u64, prefix: &[u8], suffix: &[u8]) -> io::Result<Next> {
    #[allow(non_snake_case)]
    let TOTAL = total;
    let head = if chunked {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_string()
    } else {
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {TOTAL}\r\n\r\n")
    };
    let block = vec![b' '; 64 * 1024];
    let mut sent: u64 = 0;
    let write = |c: &mut dyn Conn, data: &[u8], sent: &mut u64| -> io::Result<()> {
        if chunked {
            c.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
        }
        c.write_all(data)?;
        if chunked {
            c.write_all(b"\r\n")?;
        }
        *sent += data.len() as u64;
        Ok(())
    };
    let result = (|| -> io::Result<()> {
        c.write_all(head.as_bytes())?;
        let prefix: &[u8] = prefix;
        write(c, prefix, &mut sent)?;
        let spaces = TOTAL - prefix.len() as u64 - suffix.len() as u64;
        let mut left = spaces;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            write(c, &block[..n], &mut sent)?;
            left -= n as u64;
        }
        write(c, suffix, &mut sent)?;
        if chunked {
            c.write_all(b"0\r\n\r\n")?;
        }
        c.flush()
    })();
    let _ = std::fs::write(cfg.dir.join(format!("sent-{scenario}")), format!("{sent}\n"));
    result.map(|_| Next::Close)
}

/// A valid GET /1.0 reply of `mib` MiB (the server object, padded with spaces): `?project=big-length`
/// is 48 MiB, `?project=big-length-<N>` N MiB.
fn big(cfg: &Config, scenario: &str, c: &mut dyn Conn, chunked: bool) -> io::Result<Next> {
    let mib: u64 = scenario.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(48);
    let prefix = format!(r#"{{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{SERVER}"#);
    padded(cfg, scenario, c, chunked, mib << 20, prefix.as_bytes(), b"}")
}

/// A sync envelope without its `metadata` key.
const NO_METADATA: &[u8] = br#"{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":""}"#;

/// Objects without the fields LXD 5.0.2 always sends.
fn missing_fields(req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    if req.method != "GET" {
        return ok(req, c);
    }
    let no_name = r#"{"architecture":"x86_64","config":{},"devices":{},"ephemeral":false,"profiles":[],"stateful":false,"description":"","created_at":"2024-01-01T00:00:00Z","expanded_config":{},"expanded_devices":{},"status":"Running","status_code":103,"last_used_at":"2024-01-01T00:00:00Z","location":"none","type":"container","project":"default"}"#;
    match req.segments().as_slice() {
        [] => reply(c, 200, &[], &sync(r#"{"config":{},"api_extensions":[],"api_status":"stable","auth":"trusted","public":false}"#)),
        ["instances"] if req.param("recursion").is_some() => reply(c, 200, &[], &sync(&format!("[{no_name}]"))),
        ["instances", _] => reply(c, 200, &[], &sync(no_name)),
        ["images"] if req.param("recursion").is_some() => reply(c, 200, &[], &sync(r#"[{"aliases":[],"architecture":"x86_64","size":1}]"#)),
        ["profiles", _] => reply(c, 200, &[], &sync(r#"{"config":{},"devices":{}}"#)),
        _ => ok(req, c),
    }
}

/// A refused websocket upgrade whose error body is cut short (stalled, closed, reset), or whole.
fn ws_refused(scenario: &str, c: &mut dyn Conn) -> io::Result<Next> {
    let envelope = |status: u16, msg: &str| format!(r#"{{"type":"error","status":"","status_code":0,"operation":"","error_code":{status},"error":"{msg}","metadata":null}}"#);
    let cut = &envelope(404, "Instance not found").into_bytes()[..40];
    let head404 = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n";
    match scenario {
        "ws-refused-stall" => {
            c.write_all(&[head404.as_bytes(), cut].concat())?;
            c.flush()?;
            hold_until_client_leaves(c, Duration::from_secs(300))
        }
        "ws-refused-truncated" => raw(c, &[head404.as_bytes(), cut].concat()),
        "ws-refused-reset" => {
            c.write_all(&[head404.as_bytes(), cut].concat())?;
            c.flush()?;
            // Let the bytes leave before the reset (a RST may discard data not yet read).
            std::thread::sleep(Duration::from_millis(100));
            c.abort();
            Ok(Next::Close)
        }
        "ws-refused-chunked-cut" => {
            let head = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            raw(c, format!("{head}{:x}\r\n{}\r\n", 30, &envelope(403, "not authorized")[..30]).as_bytes())
        }
        "ws-refused-chunked" => {
            let body = envelope(403, "not authorized");
            let (a, b) = body.split_at(25);
            let head = "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            raw(c, format!("{head}{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n", a.len(), b.len()).as_bytes())
        }
        _ => error_reply(c, 404, "Instance not found").map(|_| Next::Close), // ws-refused-envelope
    }
}

fn slow_drip(c: &mut dyn Conn) -> io::Result<Next> {
    c.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")?;
    c.flush()?;
    for _ in 0..1200 {
        c.write_all(b" ")?;
        c.flush()?;
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(Next::Close)
}

fn close_delimited(c: &mut dyn Conn, status_line: &str) -> io::Result<Next> {
    let mut out = format!("{status_line}\r\nContent-Type: application/json\r\nETag: \"hostile-etag\"\r\n\r\n").into_bytes();
    out.extend_from_slice(&sync(SERVER));
    raw(c, &out)
}

/// Websocket scenarios: upgrade, then misbehave.
fn websocket(scenario: &str, req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    if scenario == "ws-refused" || !req.header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return reply(c, 200, &[], &sync("{}"));
    }
    crate::http::websocket_accept(c, req)?;
    match scenario {
        "ws-garbage-event" => {
            let msg = b"this is not an event";
            c.write_all(&[0x81, msg.len() as u8])?;
            c.write_all(msg)?;
        }
        "ws-bad-frame" => c.write_all(&[0x83, 0x02, b'h', b'i'])?,
        "ws-huge-frame" => {
            c.write_all(&[0x82, 127])?;
            c.write_all(&(1u64 << 62).to_be_bytes())?;
            c.write_all(&[0u8; 1024])?;
        }
        _ => return Ok(Next::Close), // ws-close
    }
    c.flush()?;
    hold_until_client_leaves(c, Duration::from_secs(300))
}

fn file(scenario: &str, c: &mut dyn Conn) -> io::Result<Next> {
    if scenario == "file-bad-headers" {
        return raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-LXD-type: pipe\r\nX-LXD-mode: rwx\r\nX-LXD-uid: -1\r\nContent-Length: 2\r\n\r\nhi");
    }
    raw(c, &[b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-LXD-type: file\r\nX-LXD-mode: 0644\r\nX-LXD-uid: 0\r\nX-LXD-gid: 0\r\nContent-Length: 100000\r\n\r\n".as_slice(), b"0123456789"].concat())
}

/// Exec scenarios: `POST /1.0/instances/<name>/exec` starts `<scenario>-op` with the four
/// websocket secrets; stdin and control are accepted and left idle, stderr stays silent (no end
/// marker), and stdout misbehaves as the scenario says. The operation never ends (waits answer
/// "running" after their timeout), except in `exec-ok`, where everything is as LXD does it.
fn exec(scenario: &str, req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    let id = format!("{scenario}-op");
    let s = req.segments();
    let valid = scenario == "exec-ok";
    if req.header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        crate::http::websocket_accept(c, req)?;
        let secret = req.param("secret").unwrap_or("");
        match (secret, scenario) {
            ("s1", "exec-ok") => c.write_all(&[&[0x82u8, 6][..], b"hello\n", &[0x81, 0]].concat())?,
            ("s2", "exec-ok") => c.write_all(&[0x81, 0])?,
            ("s1", "exec-text") => c.write_all(&[&[0x82u8, 3][..], b"out", &[0x81, 5], b"hello"].concat())?,
            ("s1", "exec-bad-utf8") => c.write_all(&[0x81, 4, b'a', 0xff, 0xfe, b'b'])?,
            ("s1", "exec-rsv") => c.write_all(&[0xC2, 2, b'h', b'i'])?,
            ("s1", "exec-opcode") => c.write_all(&[0x83, 2, b'h', b'i'])?,
            ("s1", "exec-huge") => {
                c.write_all(&[0x82, 127])?;
                c.write_all(&(1u64 << 62).to_be_bytes())?;
                c.write_all(&[0u8; 1024])?;
            }
            ("s1", "exec-never") => {
                c.flush()?;
                loop {
                    c.write_all(&[0x82, 1, b'.'])?;
                    c.flush()?;
                    if !sleep_unless_client_leaves(c, Duration::from_millis(200)) {
                        return Ok(Next::Close);
                    }
                }
            }
            _ => {}
        }
        c.flush()?;
        if valid && (secret == "s1" || secret == "s2") {
            // LXD closes an ended output without a close frame.
            return Ok(Next::Close);
        }
        return hold_until_client_leaves(c, Duration::from_secs(300));
    }
    if req.method == "POST" && matches!(s.as_slice(), ["instances", _, "exec"]) {
        let body = format!(
            r#"{{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/{id}","error_code":0,"error":"","metadata":{}}}"#,
            op(&id, 103, "", r#"{"fds":{"0":"s0","1":"s1","2":"s2","control":"sc"}}"#)
        );
        return reply(c, 202, &[("Location", &format!("/1.0/operations/{id}"))], body.as_bytes());
    }
    if is_operation_path(req) && s.last() == Some(&"wait") && req.method == "GET" {
        if valid {
            return reply(c, 200, &[], &sync(&op(&id, 200, "", r#"{"return":0}"#)));
        }
        let secs = req.param("timeout").and_then(|t| t.parse::<i64>().ok()).unwrap_or(-1);
        let secs = if secs < 0 { 120 } else { secs.min(120) } as u64;
        if !sleep_unless_client_leaves(c, Duration::from_secs(secs)) {
            return Ok(Next::Close);
        }
        return reply(c, 200, &[], &sync(&op(&id, 103, "", "{}")));
    }
    ok(req, c)
}

/// Answer one request as `scenario` says.
pub fn respond(cfg: &Config, scenario: &str, req: &Req, c: &mut dyn Conn) -> io::Result<Next> {
    if scenario.starts_with("op-") {
        return operation(scenario, req, c);
    }
    if scenario.starts_with("ws-refused-") {
        if !req.header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
            return ok(req, c);
        }
        return ws_refused(scenario, c);
    }
    if scenario.starts_with("big-length") || scenario.starts_with("big-chunked") {
        if req.method != "GET" || !req.segments().is_empty() {
            return ok(req, c);
        }
        return big(cfg, scenario, c, scenario.starts_with("big-chunked"));
    }
    if scenario.starts_with("ws-") {
        return websocket(scenario, req, c);
    }
    if scenario.starts_with("exec-") {
        return exec(scenario, req, c);
    }
    if scenario.starts_with("file-") {
        return file(scenario, c);
    }
    match scenario {
        "invalid-json" => reply(c, 200, &[], b"{\"type\":\"sync\",\"metadata\":{\"a\":"),
        "weird-type" => reply(c, 200, &[], br#"{"type":"weird","status_code":200,"metadata":{}}"#),
        "type-not-string" => reply(c, 200, &[], br#"{"type":5,"status_code":200,"metadata":{}}"#),
        "missing-type" => reply(c, 200, &[], br#"{"status_code":200,"metadata":{}}"#),
        "null-body" => reply(c, 200, &[], b"null"),
        "empty-body" => reply(c, 200, &[], b""),
        "array-body" => reply(c, 200, &[], b"[]"),
        "wrong-field-types" => reply(c, 200, &[], br#"{"type":"sync","status_code":"200","metadata":{}}"#),
        "wrong-metadata-types" => reply(c, 200, &[], &sync(r#"{"api_extensions":"x","auth":5,"config":[]}"#)),
        "missing-metadata" => reply(c, 200, &[], br#"{"type":"sync","status":"Success","status_code":200}"#),
        "sync-for-async" => reply(c, 200, &[], &sync("null")),
        "async-for-sync" => async_reply(c, "async-for-sync-op"),
        "async-no-id" => reply(c, 202, &[], br#"{"type":"async","status_code":100,"metadata":{}}"#),
        "async-bad-metadata" => reply(c, 202, &[], br#"{"type":"async","status_code":100,"operation":"/1.0/operations/x","metadata":"x"}"#),
        "async-url-only" => {
            if is_operation_path(req) {
                reply(c, 200, &[], &sync(&op("from-url", 200, "", "{}")))
            } else if req.method == "GET" {
                ok(req, c)
            } else {
                reply(c, 202, &[], br#"{"type":"async","status_code":100,"operation":"/1.0/operations/from-url","metadata":{}}"#)
            }
        }
        "async-nul-id" => {
            let id = "op\\u0000nul";
            if is_operation_path(req) {
                reply(c, 200, &[], &sync(&op(id, 200, "", "{}")))
            } else {
                let body = format!(r#"{{"type":"async","status_code":100,"operation":"/1.0/operations/{id}","metadata":{}}}"#, op(id, 103, "", "{}"));
                reply(c, 202, &[], body.as_bytes())
            }
        }
        "async-dotdot-id" => reply(c, 202, &[], br#"{"type":"async","status_code":100,"operation":"/1.0/operations/..","metadata":{"id":"..","status_code":103}}"#),
        "accepted-no-op" => reply(c, 202, &[], b""),
        "accepted-sync" => reply(c, 202, &[], &sync("null")),
        "huge-length" => huge(cfg, scenario, c, false),
        "huge-chunked" => huge(cfg, scenario, c, true),
        "truncated-length" => raw(c, &[b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n".as_slice(), &[b' '; 100]].concat()),
        "truncated-chunked" => raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"type\":\"sync\", \r\n"),
        "reset-mid-body" => {
            c.write_all(&[b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n".as_slice(), &[b' '; 100]].concat())?;
            c.flush()?;
            c.abort();
            Ok(Next::Close)
        }
        "close-before-reply" => Ok(Next::Close),
        "stall-headers" => hold_until_client_leaves(c, Duration::from_secs(300)),
        "stall-body" => {
            c.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")?;
            c.flush()?;
            hold_until_client_leaves(c, Duration::from_secs(300))
        }
        "slow-drip" => slow_drip(c),
        "chunked-bad-size" => raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        "chunked-overflow" => raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffffff1\r\nabc\r\n0\r\n\r\n"),
        "chunked-no-crlf" => raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"),
        "content-length-conflict" => {
            let body = sync(SERVER);
            let mut out = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nContent-Length: 5\r\n\r\n", body.len()).into_bytes();
            out.extend_from_slice(&body);
            raw(c, &out)
        }
        "content-length-bad" => raw(c, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"),
        "bad-status-line" => raw(c, b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\n{}"),
        "not-http" => raw(c, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
        "huge-headers" => {
            let big = "x".repeat(200 * 1024);
            reply(c, 200, &[("X-Big", &big)], &sync(SERVER))
        }
        "many-headers" => {
            let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec();
            for i in 0..10000 {
                out.extend_from_slice(format!("X-H{i}: {i}\r\n").as_bytes());
            }
            let body = sync(SERVER);
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(&body);
            raw(c, &out)
        }
        "nul-in-header" => {
            let body = sync(SERVER);
            let mut out = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"a\0b\"\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            out.extend_from_slice(&body);
            raw(c, &out)
        }
        "redirect" => raw(c, b"HTTP/1.1 302 Found\r\nLocation: http://unix.socket/1.0?project=ok\r\nContent-Length: 0\r\n\r\n"),
        "redirect-with-body" => {
            let body = sync(SERVER);
            let mut out = format!("HTTP/1.1 301 Moved Permanently\r\nLocation: http://unix.socket/1.0?project=ok\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            out.extend_from_slice(&body);
            raw(c, &out)
        }
        "interim-100" => {
            c.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            ok(req, c)
        }
        "http10" => close_delimited(c, "HTTP/1.0 200 OK"),
        "no-length-11" => close_delimited(c, "HTTP/1.1 200 OK\r\nConnection: close"),
        "bad-utf8" => reply(c, 200, &[], &[br#"{"type":"sync","status_code":200,"metadata":{"config":{},"api_status":"#.as_slice(), b"\"\xff\xfe\xc3\x28\"", b"}}"].concat()),
        "nul-escaped" => reply(c, 200, &[("ETag", "\"e\"")], &sync(&SERVER.replace("\"server_name\":\"lxd-hostile\"", "\"server_name\":\"before\\u0000after\""))),
        "nul-raw" => reply(c, 200, &[("ETag", "\"nul-etag\"")], &sync(&SERVER.replace("\"server_name\":\"lxd-hostile\"", "\"server_name\":\"before\0after\""))),
        "error-html" => reply(c, 500, &[], b"<html><body>502 Bad Gateway</body></html>"),
        "error-envelope" => error_reply(c, 404, "Instance not found"),
        "error-in-200" => reply(c, 200, &[], br#"{"type":"error","error":"not authorized","error_code":403,"metadata":null}"#),
        "error-code-huge" => reply(c, 200, &[], br#"{"type":"error","error":"huge","error_code":99999,"metadata":null}"#),
        "deep-nesting" => {
            let depth = 100_000;
            let mut body = br#"{"type":"sync","status_code":200,"metadata":"#.to_vec();
            body.extend(std::iter::repeat_n(b'[', depth));
            body.extend(std::iter::repeat_n(b']', depth));
            body.push(b'}');
            reply(c, 200, &[], &body)
        }
        "huge-number" => reply(c, 200, &[], br#"{"type":"sync","status_code":1e400,"metadata":{}}"#),
        "list-not-array" => reply(c, 200, &[], &sync(r#"{"a":1}"#)),
        "list-bad-url" => reply(c, 200, &[], &sync(r#"["/1.0/instances/%ff"]"#)),
        "list-null" => reply(c, 200, &[], &sync("null")),
        "list-no-metadata" if req.method == "GET" => reply(c, 200, &[], NO_METADATA),
        "model-missing-fields" => missing_fields(req, c),
        _ => ok(req, c),
    }
}
