//! Just enough HTTP/1.1 server to read the library's requests and write whatever a scenario wants.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use crate::scenarios;
use crate::Config;

/// A connection: unix socket, TCP, or TLS over TCP.
pub trait Conn: Read + Write + Send {
    /// Set the read timeout of the underlying socket.
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    /// Abort the connection at once (TCP: a reset; unix: a close).
    fn abort(&mut self);
}

impl Conn for UnixStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        UnixStream::set_read_timeout(self, t)
    }
    fn abort(&mut self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

impl Conn for TcpStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, t)
    }
    fn abort(&mut self) {
        // SO_LINGER 0 makes the close send a RST instead of a FIN.
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: setsockopt on our own open socket with a correctly sized struct.
        unsafe {
            libc::setsockopt(
                std::os::fd::AsRawFd::as_raw_fd(self),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
        // The close itself (when the connection is dropped) then resets it.
    }
}

impl Conn for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(t)
    }
    fn abort(&mut self) {
        self.sock.abort();
    }
}

/// One parsed request.
#[derive(Debug, Default)]
pub struct Req {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path without the query, percent-encoded as received.
    pub path: String,
    /// Query pairs, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Req {
    /// A query parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// A header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The path after `/1.0`, split into segments (still percent-encoded).
    pub fn segments(&self) -> Vec<&str> {
        self.path.strip_prefix("/1.0").unwrap_or(&self.path).split('/').filter(|s| !s.is_empty()).collect()
    }
}

/// What to do with the connection after a reply.
pub enum Next {
    /// Read the next request.
    KeepAlive,
    /// Close it.
    Close,
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Fill `buf` until it holds `want` bytes; false on EOF first.
fn fill(c: &mut dyn Conn, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let mut tmp = [0u8; 16384];
    while buf.len() < want {
        let n = c.read(&mut tmp)?;
        if n == 0 {
            return Ok(false);
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    Ok(true)
}

/// Read one request; `None` when the client closed the connection between requests.
fn read_request(c: &mut dyn Conn, buf: &mut Vec<u8>) -> io::Result<Option<Req>> {
    let mut tmp = [0u8; 16384];
    let head_end = loop {
        if let Some(p) = find(buf, b"\r\n\r\n") {
            break p;
        }
        if buf.len() > 1 << 20 {
            return Err(io::Error::other("request head too large"));
        }
        let n = c.read(&mut tmp)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/");
    // Absolute-form targets (`http://unix.socket/1.0`) keep only their path.
    let target = match target.find("://") {
        Some(p) => target[p + 3..].find('/').map(|q| &target[p + 3 + q..]).unwrap_or("/"),
        None => target,
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut req = Req { method, path: path.to_string(), query, headers, body: Vec::new() };
    if req.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let line_end = loop {
                if let Some(p) = find(buf, b"\r\n") {
                    break p;
                }
                let n = c.read(&mut tmp)?;
                if n == 0 {
                    return Err(io::Error::other("EOF in chunked request body"));
                }
                buf.extend_from_slice(&tmp[..n]);
            };
            let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::other("bad chunk size in request"))?;
            buf.drain(..line_end + 2);
            if !fill(c, buf, size + 2)? {
                return Err(io::Error::other("EOF in chunked request body"));
            }
            req.body.extend_from_slice(&buf[..size]);
            buf.drain(..size + 2);
            if size == 0 {
                break;
            }
        }
    } else {
        let len: usize = req.header("Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0);
        if len > 64 << 20 {
            return Err(io::Error::other("request body too large"));
        }
        if !fill(c, buf, len)? {
            return Err(io::Error::other("EOF in request body"));
        }
        req.body = buf.drain(..len).collect();
    }
    Ok(Some(req))
}

/// Serve one connection until it closes or a scenario closes it.
pub fn serve(cfg: &Config, mut c: Box<dyn Conn>) {
    let mut buf = Vec::new();
    loop {
        let _ = c.set_read_timeout(Some(Duration::from_secs(300)));
        let req = match read_request(c.as_mut(), &mut buf) {
            Ok(Some(r)) => r,
            Ok(None) | Err(_) => return,
        };
        // Every multipart body's Content-Type goes to DIR/multipart.log, one a line: the tests
        // check that each upload has a boundary of its own.
        if let Some(ct) = req.header("Content-Type").filter(|ct| ct.to_ascii_lowercase().starts_with("multipart/")) {
            use std::io::Write as _;
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(cfg.dir.join("multipart.log")) {
                let _ = writeln!(f, "{ct}");
            }
        }
        // Operation websockets carry no project: their scenario is in the operation id
        // (`<scenario>-op`), as the operations a scenario starts are named.
        let from_op = match req.segments().as_slice() {
            ["operations", id, "websocket"] => id.strip_suffix("-op").filter(|s| scenarios::ALL.iter().any(|(n, _)| n == s)),
            _ => None,
        };
        let scenario = req.param("project").or(from_op).unwrap_or(&cfg.default_scenario).to_string();
        match scenarios::respond(cfg, &scenario, &req, c.as_mut()) {
            Ok(Next::KeepAlive) => continue,
            Ok(Next::Close) | Err(_) => {
                let _ = c.flush();
                return;
            }
        }
    }
}

/// Write a complete response with a Content-Length.
pub fn reply(c: &mut dyn Conn, status: u16, headers: &[(&str, &str)], body: &[u8]) -> io::Result<Next> {
    let mut head = format!("HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", reason(status), body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    c.write_all(&out)?;
    c.flush()?;
    Ok(Next::KeepAlive)
}

/// Write raw bytes as they are (for malformed responses) and close.
pub fn raw(c: &mut dyn Conn, bytes: &[u8]) -> io::Result<Next> {
    c.write_all(bytes)?;
    c.flush()?;
    Ok(Next::Close)
}

/// Hold the connection open, writing nothing, until the client hangs up (or `limit` passes).
pub fn hold_until_client_leaves(c: &mut dyn Conn, limit: Duration) -> io::Result<Next> {
    let start = Instant::now();
    let _ = c.set_read_timeout(Some(Duration::from_millis(100)));
    let mut tmp = [0u8; 4096];
    while start.elapsed() < limit {
        match c.read(&mut tmp) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {}
            Err(_) => break,
        }
    }
    Ok(Next::Close)
}

/// Sleep up to `d`, returning early (false) when the client hangs up.
pub fn sleep_unless_client_leaves(c: &mut dyn Conn, d: Duration) -> bool {
    let start = Instant::now();
    let _ = c.set_read_timeout(Some(Duration::from_millis(50)));
    let mut tmp = [0u8; 1];
    while start.elapsed() < d {
        match c.read(&mut tmp) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {}
            Err(_) => return false,
        }
    }
    true
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}

/// SHA-1 (for the websocket handshake only).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let (mut a, mut b, mut c, mut d, mut e) = (h[0], h[1], h[2], h[3], h[4]);
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Accept a websocket upgrade (RFC 6455 handshake), then send nothing until the client leaves:
/// an event stream with no events, for handles that need one to exist.
pub fn websocket_idle(c: &mut dyn Conn, req: &Req) -> io::Result<Next> {
    websocket_accept(c, req)?;
    hold_until_client_leaves(c, Duration::from_secs(300))
}

/// Answer a websocket upgrade with 101 (RFC 6455 handshake).
pub fn websocket_accept(c: &mut dyn Conn, req: &Req) -> io::Result<()> {
    let key = req.header("Sec-WebSocket-Key").unwrap_or("");
    let accept = base64(&sha1(format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11").as_bytes()));
    c.write_all(format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").as_bytes())?;
    c.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn websocket_accept_matches_rfc6455() {
        // The example of RFC 6455 section 1.3.
        let accept = super::base64(&super::sha1(b"dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
        assert_eq!(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
