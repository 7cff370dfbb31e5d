//! The upgrade: tungstenite's client handshake on the client's own connection, the refused
//! upgrade's error body, and [`connect`] / [`connect_endpoint`] that return an open [`WebSocket`].

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lxd_core::Request;

use crate::client::{Canceller, Client};
use crate::error::{Error, Result};
use crate::transport::{Endpoint, Stream};
use super::{READ_BUF, MAX_HEAD, MAX_ERROR_BODY, timeout_err, WebSocket, SocketFd};
use super::split_io::{ReadIo, WriteIo, TlsShared};
use super::writer::WsWriter;
use super::reader::WsReader;

/// The stream tungstenite's handshake runs on: it hands out the response head and not one byte
/// more; whatever follows stays in `buf[head_end..]` for the frame reader.
pub(super) struct HandshakeIo {
    pub(super) stream: Stream,
    pub(super) buf: Vec<u8>,
    pub(super) given: usize,
    pub(super) head_end: Option<usize>,
}

impl Read for HandshakeIo {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let limit = self.head_end.unwrap_or(self.buf.len());
            if self.given < limit {
                let n = out.len().min(limit - self.given);
                out[..n].copy_from_slice(&self.buf[self.given..self.given + n]);
                self.given += n;
                return Ok(n);
            }
            if self.head_end.is_some() {
                // tungstenite has the whole head; it never asks for more.
                return Err(io::ErrorKind::WouldBlock.into());
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "websocket handshake: response head too large"));
            }
            let mut tmp = [0u8; 4096];
            let n = self.stream.read(&mut tmp)?;
            if n == 0 {
                return Ok(0);
            }
            let from = self.buf.len().saturating_sub(3);
            self.buf.extend_from_slice(&tmp[..n]);
            if let Some(p) = self.buf[from..].windows(4).position(|w| w == b"\r\n\r\n") {
                self.head_end = Some(from + p + 4);
            }
        }
    }
}

impl Write for HandshakeIo {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.stream.write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// How the body of a refused upgrade is delimited.
pub(super) enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

impl HandshakeIo {
    /// After a refused upgrade (HTTP `status`): the whole error body, delimited as its headers
    /// say (Content-Length, chunked, or the connection's end), read by `deadline`. A body that
    /// does not arrive whole is an error of its own (stalled: [`Error::Timeout`]; cut short or
    /// reset: [`Error::Connect`]), never taken for LXD's answer; one over [`MAX_ERROR_BODY`] is a
    /// protocol error.
    pub(super) fn error_body(&mut self, status: u16, framing: Framing, limit: Option<Duration>, deadline: Option<Instant>) -> Result<Vec<u8>> {
        let what = format!("the error reply to the websocket upgrade (HTTP {status})");
        let too_big = || Error::protocol(format!("{what} has a body larger than {MAX_ERROR_BODY} bytes"));
        if let Framing::Length(n) = framing {
            if n > MAX_ERROR_BODY {
                return Err(too_big());
            }
        }
        let head_end = self.head_end.unwrap_or(self.buf.len()).min(self.buf.len());
        let mut raw = self.buf[head_end..].to_vec();
        let mut tmp = [0u8; 4096];
        loop {
            // Whole yet?
            match framing {
                Framing::Length(n) if raw.len() >= n => {
                    raw.truncate(n);
                    return Ok(raw);
                }
                Framing::Chunked => {
                    if let Some(body) = dechunk(&raw).map_err(|m| Error::protocol(format!("{what}: {m}")))? {
                        return Ok(body);
                    }
                }
                _ => {}
            }
            if raw.len() > MAX_ERROR_BODY + 1024 {
                return Err(too_big());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Error::Timeout(format!("{what} did not arrive whole{}", within(limit))));
            }
            match self.stream.read(&mut tmp) {
                Ok(0) => match framing {
                    Framing::UntilClose => return Ok(raw),
                    Framing::Length(n) => return Err(Error::Connect(format!("{what} was cut short: {} of {n} bytes, then the connection closed", raw.len()))),
                    Framing::Chunked => return Err(Error::Connect(format!("{what} was cut short: the connection closed before its last chunk"))),
                },
                Ok(n) => raw.extend_from_slice(&tmp[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if timeout_err(&e) => return Err(Error::Timeout(format!("{what} did not arrive whole{}", within(limit)))),
                Err(e) => {
                    return Err(match Error::from_net_io(&e) {
                        Error::Connect(m) => Error::Connect(format!("{what} was cut short: {m}")),
                        other => other,
                    })
                }
            }
        }
    }
}

/// " within 2 s (client timeout)" (nothing without a limit).
pub(super) fn within(limit: Option<Duration>) -> String {
    limit.map(|d| format!(" within {} (client timeout)", crate::error::human_duration(d))).unwrap_or_default()
}

/// Decode a chunked body: `Ok(None)` while incomplete (the last chunk not yet in).
pub(super) fn dechunk(mut raw: &[u8]) -> std::result::Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else { return Ok(None) };
        let line = std::str::from_utf8(&raw[..eol]).map_err(|_| "a chunk size is not text".to_string())?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size > MAX_ERROR_BODY {
            return Err(format!("a chunk of {size} bytes is larger than {MAX_ERROR_BODY} bytes"));
        }
        let rest = &raw[eol + 2..];
        if size == 0 {
            // The last chunk: trailers, if any, are not waited for.
            return Ok(Some(out));
        }
        if rest.len() < size + 2 {
            return Ok(None);
        }
        if &rest[size..size + 2] != b"\r\n" {
            return Err("chunk data not followed by CRLF".to_string());
        }
        out.extend_from_slice(&rest[..size]);
        raw = &rest[size + 2..];
    }
}

pub(super) fn handshake_error(e: tungstenite::Error) -> Error {
    match e {
        tungstenite::Error::Io(io) => Error::from_net_io(&io),
        tungstenite::Error::Tls(t) => Error::Tls(t.to_string()),
        other => Error::protocol(format!("websocket handshake failed: {other}")),
    }
}

/// Open a websocket on `endpoint` at `path_and_query` (already encoded). `timeout` bounds the
/// connect and the handshake; afterwards the socket blocks without limit (use
/// [`WsReader::set_read_timeout`] or a [`Canceller`]).
pub fn connect_endpoint(endpoint: &Endpoint, path_and_query: &str, user_agent: &str, timeout: Option<Duration>) -> Result<WebSocket> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let stream = endpoint.dial(timeout).map_err(|e| match Error::from_net_io(&e) {
        Error::Timeout(_) => Error::Timeout(format!("could not connect to LXD{}", within(timeout))),
        other => other,
    })?;
    stream.set_timeouts(timeout, timeout).map_err(|e| Error::from_net_io(&e))?;
    let (scheme, host) = match endpoint {
        Endpoint::Unix(_) => ("ws", endpoint.host()),
        Endpoint::Https { .. } => ("wss", endpoint.host()),
    };
    let uri = format!("{scheme}://{host}{path_and_query}");
    // Exactly the headers the handshake needs, plus User-Agent. No Origin.
    let request = http::Request::builder()
        .method("GET")
        .uri(uri.as_str())
        .header("Host", host.as_str())
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", tungstenite::handshake::client::generate_key())
        .header("User-Agent", user_agent)
        .body(())
        .map_err(|e| Error::invalid(format!("websocket request for {path_and_query:?}: {e}")))?;
    let mut io = HandshakeIo { stream, buf: Vec::new(), given: 0, head_end: None };
    match tungstenite::client::client(request, &mut io) {
        Ok((_ws, _resp)) => {}
        Err(tungstenite::HandshakeError::Interrupted(_)) => {
            return Err(Error::Timeout(format!("no reply to the websocket upgrade for {path_and_query}{}", within(timeout))))
        }
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(resp))) => {
            let status = resp.status().as_u16();
            let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
            let framing = if header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
                Framing::Chunked
            } else {
                match header("Content-Length") {
                    Some(v) => Framing::Length(v.parse().map_err(|_| Error::protocol(format!("websocket upgrade refused with HTTP {status} and a bad Content-Length {v:?}")))?),
                    None => Framing::UntilClose,
                }
            };
            // Only a whole body is LXD's answer: its envelope's status and `error`.
            let body = io.error_body(status, framing, timeout, deadline)?;
            let r = lxd_core::Response::new(status, vec![], body);
            return Err(match lxd_core::response::parse_envelope(&r) {
                Err(e) => Error::Core(e),
                Ok(_) => Error::protocol(format!("websocket upgrade refused with HTTP {status}")),
            });
        }
        Err(tungstenite::HandshakeError::Failure(e)) => return Err(handshake_error(e)),
    }
    let HandshakeIo { stream, buf, head_end, .. } = io;
    let leftover = &buf[head_end.unwrap_or(buf.len()).min(buf.len())..];
    stream.set_timeouts(None, None).map_err(|e| Error::from_net_io(&e))?;
    let io_err = |e: io::Error| Error::from_net_io(&e);
    let (read_io, write_io, fd) = match stream {
        Stream::Unix(s) => {
            let w = s.try_clone().map_err(io_err)?;
            let fd = s.try_clone().map_err(io_err)?;
            (ReadIo::Unix(s), WriteIo::Unix(w), SocketFd::Unix(fd))
        }
        Stream::Tls(b) => {
            let rustls::StreamOwned { mut conn, sock } = *b;
            let sock = sock.0;
            // Whole frames go into rustls at once; their records are sent right after.
            conn.set_buffer_limit(None);
            let fd = sock.try_clone().map_err(io_err)?;
            let shared = Arc::new(TlsShared { conn: Mutex::new(conn), sock });
            (
                ReadIo::Tls { shared: shared.clone(), cipher: vec![0u8; 18 * 1024].into_boxed_slice(), start: 0, end: 0 },
                WriteIo::Tls(shared),
                SocketFd::Tcp(fd),
            )
        }
    };
    let writer = WsWriter::new(write_io);
    let mut rbuf = vec![0u8; READ_BUF.max(leftover.len())].into_boxed_slice();
    rbuf[..leftover.len()].copy_from_slice(leftover);
    let reader = WsReader {
        io: read_io,
        writer: writer.clone(),
        buf: rbuf,
        start: 0,
        end: leftover.len(),
        remaining: 0,
        frame_fin: false,
        message: None,
        closed: false,
        pongs: true,
        utf8_carry: [0; 4],
        utf8_carry_len: 0,
    };
    Ok(WebSocket { reader, writer, fd })
}

/// Open a websocket for an LXD request (its project is filled in from the client), and register
/// it with `canceller` (when given) so another thread can shut it down.
pub fn connect(client: &Client, mut req: Request, timeout: Option<Duration>, canceller: Option<&Canceller>) -> Result<WebSocket> {
    req.apply_scope(client.project(), client.target());
    if let Some(c) = canceller {
        c.check()?;
    }
    let path = req.path_and_query();
    let start = std::time::Instant::now();
    let ws = connect_endpoint(client.endpoint(), &path, client.user_agent(), timeout);
    if let Some(l) = client.logger() {
        match &ws {
            Ok(_) => l.log("GET", &path, 101, start.elapsed(), None),
            Err(e) => l.log("GET", &path, e.http_status().unwrap_or(0), start.elapsed(), Some(&e.to_string())),
        }
    }
    let ws = ws?;
    if let Some(c) = canceller {
        c.register_socket(ws.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the websocket: {e}")))?);
        c.check()?;
    }
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn handshake_keeps_bytes_after_the_head() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let mut io = HandshakeIo { stream: Stream::Unix(a), buf: Vec::new(), given: 0, head_end: None };
        b.write_all(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x89\x00").unwrap();
        let mut out = [0u8; 4096];
        let mut head = Vec::new();
        loop {
            match io.read(&mut out) {
                Ok(n) => head.extend_from_slice(&out[..n]),
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
                    break;
                }
            }
        }
        assert!(head.ends_with(b"\r\n\r\n"));
        assert_eq!(&io.buf[io.head_end.unwrap()..], b"\x89\x00");
    }

    #[test]
    fn refused_upgrade_body_counts_only_whole() {
        let run = |head_and_body: &[u8], framing: fn() -> Framing, close: bool| -> Result<Vec<u8>> {
            let (a, b) = UnixStream::pair().unwrap();
            a.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            let mut io = HandshakeIo { stream: Stream::Unix(a), buf: head_and_body.to_vec(), given: 0, head_end: Some(0) };
            if close {
                b.shutdown(std::net::Shutdown::Both).unwrap();
            }
            let r = io.error_body(404, framing(), Some(Duration::from_millis(200)), Some(Instant::now() + Duration::from_secs(5)));
            drop(b);
            r
        };
        let env = br#"{"type":"error","error":"Instance not found","error_code":404}"#;
        // Whole: by length (extra bytes after it ignored), chunked, until close.
        assert_eq!(run(env, || Framing::Length(62), false).unwrap(), env.to_vec());
        assert_eq!(run(b"5\r\nhello\r\n6\r\n world\r\n0\r\n", || Framing::Chunked, false).unwrap(), b"hello world".to_vec());
        assert_eq!(run(b"anything", || Framing::UntilClose, true).unwrap(), b"anything".to_vec());
        // Cut short: closed early is CONNECTION, stalled is TIMEOUT (with the limit in the words).
        assert!(matches!(run(&env[..20], || Framing::Length(62), true), Err(Error::Connect(m)) if m.contains("20 of 62")));
        assert!(matches!(run(b"5\r\nhello\r\n", || Framing::Chunked, true), Err(Error::Connect(_))));
        assert!(matches!(run(&env[..20], || Framing::Length(62), false), Err(Error::Timeout(m)) if m.contains("within 200 ms (client timeout)")));
        // Malformed or too big: a protocol error, never the status.
        assert!(matches!(run(b"zz\r\nhello\r\n", || Framing::Chunked, false), Err(Error::Core(lxd_core::Error::Protocol(_)))));
        assert!(matches!(run(b"", || Framing::Length(1 << 20), false), Err(Error::Core(lxd_core::Error::Protocol(_)))));
    }
}
