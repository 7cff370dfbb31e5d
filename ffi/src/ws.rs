//! Websockets to LXD (exec channels, events) over the client's own connections.
//!
//! The connection comes from [`Endpoint::dial`] (the unix socket, or TLS with the client
//! certificate), and the upgrade is tungstenite's client handshake on that stream. No `Origin`
//! header is ever sent (LXD answers a mismatched one with 403). The handshake stream hands
//! tungstenite exactly the response head and nothing more, so bytes LXD sends right after the
//! `101` (a keep-alive ping, the first output) stay ours.
//!
//! After the upgrade the socket is split into a [`WsReader`] and a [`WsWriter`] that work from
//! different threads at once (exec's interactive pty reads and writes one socket; a pong is
//! written while another thread sends stdin). The frame layer is small and allocation-free per
//! frame: payloads are handed out as slices of one read buffer, and outgoing frames are masked
//! into one reused buffer. Pings are answered whenever the socket is read.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use lxd_core::Request;

use crate::client::{Canceller, Client};
use crate::error::{Error, Result};
use crate::transport::{Endpoint, SocketShutdown, Stream};

const OP_CONT: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

/// Size of the read buffer: many of LXD's 4 KiB frames per read call.
const READ_BUF: usize = 64 * 1024;
/// Largest data frame accepted (LXD sends 4 KiB frames; a header announcing more than this is a
/// protocol error at once, not a wait for bytes that will never come).
pub const MAX_FRAME: u64 = 16 * 1024 * 1024;
/// Largest response head accepted in the handshake.
const MAX_HEAD: usize = 64 * 1024;
/// Largest error body read after a refused upgrade.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Lock a mutex, taking it over when a panicking thread poisoned it (the data stays usable: every
/// holder leaves it consistent between statements). Shared by the stream modules.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether a socket error is a read timeout (set with [`WsReader::set_read_timeout`]).
pub(crate) fn timeout_err(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (UTF-8 by the protocol; LXD uses it for JSON and for the end-of-stream barrier).
    Text,
    /// Binary (exec data).
    Binary,
}

/// One step of reading.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// Part of a data message; `end_of_message` on its last part (an empty message is one empty,
    /// final chunk).
    Data {
        /// Text or binary.
        kind: Kind,
        /// The bytes (borrowed from the reader's buffer until the next call).
        bytes: &'a [u8],
        /// True on the message's last chunk.
        end_of_message: bool,
    },
    /// The peer sent a close frame (its status code, if any). It has been answered.
    Close(Option<u16>),
    /// The connection ended without a close frame (LXD's usual way).
    Eof,
}

// ------------------------------------------------------------------------------------------
// Split transport

/// A TLS connection shared by the two halves: the rustls state behind a lock, the socket free
/// for a blocking read on one thread while another writes.
struct TlsShared {
    conn: Mutex<rustls::ClientConnection>,
    sock: TcpStream,
}

fn send_all(fd: &impl AsRawFd, mut buf: &[u8]) -> io::Result<()> {
    // MSG_NOSIGNAL: a peer that went away is an EPIPE error, never a SIGPIPE that would kill the
    // C program we are loaded into.
    while !buf.is_empty() {
        let n = crate::transport::send_nosignal(fd.as_raw_fd(), buf)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
    }
    Ok(())
}

/// `Write` for a socket through send(2) with MSG_NOSIGNAL (rustls writes its records with it).
struct NoSigPipe<'a>(&'a TcpStream);

impl Write for NoSigPipe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::transport::send_nosignal(self.0.as_raw_fd(), buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Send every TLS record rustls has queued.
fn write_records(c: &mut rustls::ClientConnection, sock: &TcpStream) -> io::Result<()> {
    let mut w = NoSigPipe(sock);
    while c.wants_write() {
        if c.write_tls(&mut w)? == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
    }
    Ok(())
}

enum ReadIo {
    Unix(UnixStream),
    Tls { shared: Arc<TlsShared>, cipher: Box<[u8]>, start: usize, end: usize },
}

impl ReadIo {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            ReadIo::Unix(s) => s.set_read_timeout(t),
            ReadIo::Tls { shared, .. } => shared.sock.set_read_timeout(t),
        }
    }

    /// Read plaintext. Ok(0) is the end of the connection.
    fn read(&mut self, out: &mut [u8], writer: &WsWriter) -> io::Result<usize> {
        match self {
            ReadIo::Unix(s) => loop {
                match s.read(out) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => return r,
                }
            },
            ReadIo::Tls { shared, cipher, start, end } => loop {
                let mut fed = false;
                let mut flush = false;
                {
                    let mut c = lock(&shared.conn);
                    match c.reader().read(out) {
                        Ok(n) => return Ok(n),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        // The peer closed without close_notify: LXD does that; it is the end.
                        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
                        Err(e) => return Err(e),
                    }
                    if *start < *end {
                        // Feed ciphertext only while no plaintext is pending, so rustls's
                        // plaintext buffer never overflows.
                        let mut rd = &cipher[*start..*end];
                        let n = c.read_tls(&mut rd)?;
                        if n == 0 {
                            // After close_notify rustls takes nothing more: drop the rest.
                            *start = *end;
                        }
                        *start += n;
                        if let Err(e) = c.process_new_packets() {
                            drop(c);
                            let _ = writer.flush_tls();
                            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
                        }
                        flush = c.wants_write();
                        fed = true;
                    }
                }
                if flush {
                    writer.flush_tls()?;
                }
                if fed {
                    // Hand out what was just decrypted before blocking on the socket again:
                    // the server may send nothing more but its close.
                    continue;
                }
                let n = loop {
                    match (&shared.sock).read(cipher) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r?,
                    }
                };
                if n == 0 {
                    return Ok(0);
                }
                *start = 0;
                *end = n;
            },
        }
    }
}

enum WriteIo {
    Unix(UnixStream),
    Tls(Arc<TlsShared>),
}

struct WriteState {
    /// The frame being sent (header + masked payload); reused.
    frame: Vec<u8>,
    /// xorshift64* state for masking keys.
    rng: u64,
    /// A close frame was sent: nothing more may follow.
    close_sent: bool,
}

struct WriterInner {
    io: WriteIo,
    state: Mutex<WriteState>,
}

/// The sending half. Cheap to clone; every clone sends on the same socket, whole frames at a time
/// (safe from many threads).
#[derive(Clone)]
pub struct WsWriter {
    inner: Arc<WriterInner>,
}

impl std::fmt::Debug for WsWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WsWriter")
    }
}

fn seed() -> u64 {
    let mut b = [0u8; 8];
    // SAFETY: writes at most 8 bytes into `b`.
    let n = unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
    let mut s = u64::from_ne_bytes(b);
    if n != 8 {
        // Fallback: time and an address; masking keys only need to be unpredictable to
        // intermediaries, and there are none on these connections.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        s ^= t ^ (&b as *const _ as u64).rotate_left(32);
    }
    s | 1
}

/// XOR `src` with the 4-byte mask into `dst` (same length), 8 bytes at a time.
fn mask_into(dst: &mut [u8], src: &[u8], key: [u8; 4]) {
    let k8 = u64::from_ne_bytes([key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]]);
    let mut d = dst.chunks_exact_mut(8);
    let mut s = src.chunks_exact(8);
    for (dc, sc) in (&mut d).zip(&mut s) {
        let mut w = [0u8; 8];
        w.copy_from_slice(sc);
        dc.copy_from_slice(&(u64::from_ne_bytes(w) ^ k8).to_ne_bytes());
    }
    for (i, (dc, sc)) in d.into_remainder().iter_mut().zip(s.remainder()).enumerate() {
        *dc = sc ^ key[i % 4];
    }
}

impl WsWriter {
    fn new(io: WriteIo) -> WsWriter {
        WsWriter {
            inner: Arc::new(WriterInner {
                io,
                state: Mutex::new(WriteState { frame: Vec::new(), rng: seed(), close_sent: false }),
            }),
        }
    }

    fn send_frame(&self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut st = lock(&self.inner.state);
        if st.close_sent {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "websocket: close already sent"));
        }
        if opcode == OP_CLOSE {
            st.close_sent = true;
        }
        // xorshift64*
        let mut x = st.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        st.rng = x;
        let key = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32;
        let key = key.to_ne_bytes();
        let frame = &mut st.frame;
        frame.clear();
        frame.push(0x80 | opcode);
        let n = payload.len();
        if n < 126 {
            frame.push(0x80 | n as u8);
        } else if n <= 0xFFFF {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
        frame.extend_from_slice(&key);
        let at = frame.len();
        frame.resize(at + n, 0);
        mask_into(&mut frame[at..], payload, key);
        match &self.inner.io {
            WriteIo::Unix(s) => send_all(s, frame),
            WriteIo::Tls(shared) => {
                // Under the connection lock: the peers of these sockets keep reading, and the
                // reader never blocks on the socket while holding it.
                let mut c = lock(&shared.conn);
                c.writer().write_all(frame)?;
                write_records(&mut c, &shared.sock)
            }
        }
    }

    /// Send pending TLS records (alerts, key updates) that reading produced.
    fn flush_tls(&self) -> io::Result<()> {
        let WriteIo::Tls(shared) = &self.inner.io else { return Ok(()) };
        let _order = lock(&self.inner.state);
        let mut c = lock(&shared.conn);
        write_records(&mut c, &shared.sock)
    }

    /// Send one binary message.
    pub fn send_binary(&self, data: &[u8]) -> io::Result<()> {
        self.send_frame(OP_BINARY, data)
    }

    /// Send one text message (exec control JSON; the empty end-of-stdin barrier).
    pub fn send_text(&self, text: &[u8]) -> io::Result<()> {
        self.send_frame(OP_TEXT, text)
    }

    /// Send a close frame with a status code (1000: normal). Nothing can be sent after it.
    pub fn send_close(&self, code: u16) -> io::Result<()> {
        self.send_frame(OP_CLOSE, &code.to_be_bytes())
    }

    fn send_pong(&self, payload: &[u8]) -> io::Result<()> {
        self.send_frame(OP_PONG, payload)
    }

    fn close_sent(&self) -> bool {
        lock(&self.inner.state).close_sent
    }
}

// ------------------------------------------------------------------------------------------
// Reader

/// The receiving half: one thread reads at a time. Answers pings and close frames itself.
pub struct WsReader {
    io: ReadIo,
    writer: WsWriter,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// Payload bytes left in the current data frame.
    remaining: u64,
    /// The current data frame is the message's last.
    frame_fin: bool,
    /// The kind of the message being read (None between messages).
    message: Option<Kind>,
    closed: bool,
    /// Answer pings (the default).
    pongs: bool,
    /// UTF-8 check of the text message being read: the bytes of a character that a chunk
    /// boundary cut (at most 3), carried to the next chunk.
    utf8_carry: [u8; 4],
    utf8_carry_len: u8,
}

impl std::fmt::Debug for WsReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsReader").field("buffered", &(self.end - self.start)).field("closed", &self.closed).finish()
    }
}

/// A frame that breaks RFC 6455 (or LXD's use of it): the peer is not a websocket server we
/// can trust to go on. Carried inside an `io::Error` of kind `InvalidData`; see [`is_protocol`].
#[derive(Debug)]
pub struct ProtocolError(String);

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "websocket protocol error: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}

fn protocol(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, ProtocolError(msg.to_string()))
}

/// Whether a read error is a websocket protocol error (a bad frame), not a network failure.
pub fn is_protocol(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<ProtocolError>())
}

/// Check one chunk of a text message for UTF-8, carrying a character cut by the chunk boundary
/// in `carry`. `last`: the message ends with this chunk (a cut character is then an error).
fn check_utf8(carry: &mut [u8; 4], carry_len: &mut u8, mut bytes: &[u8], last: bool) -> io::Result<()> {
    let bad = || protocol("text message is not UTF-8");
    if *carry_len > 0 {
        // Complete the cut character from the start of this chunk.
        let have = *carry_len as usize;
        let take = bytes.len().min(4 - have);
        let mut tmp = [0u8; 4];
        tmp[..have].copy_from_slice(&carry[..have]);
        tmp[have..have + take].copy_from_slice(&bytes[..take]);
        match std::str::from_utf8(&tmp[..have + take]) {
            Ok(_) => bytes = &bytes[take..],
            Err(e) if e.valid_up_to() > 0 => {
                // The character ended inside `take`: skip exactly its bytes.
                bytes = &bytes[e.valid_up_to() - have..];
            }
            Err(e) if e.error_len().is_some() => return Err(bad()),
            Err(_) => {
                // Still incomplete: this chunk was too short to finish it.
                carry[have..have + take].copy_from_slice(&bytes[..take]);
                *carry_len = (have + take) as u8;
                return if last { Err(bad()) } else { Ok(()) };
            }
        }
        *carry_len = 0;
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(e) if e.error_len().is_some() => Err(bad()),
        Err(e) => {
            let tail = &bytes[e.valid_up_to()..];
            if last {
                return Err(bad());
            }
            carry[..tail.len()].copy_from_slice(tail);
            *carry_len = tail.len() as u8;
            Ok(())
        }
    }
}

impl WsReader {
    /// Whether pings are answered (default: yes). Turn it off on a channel the server never
    /// reads (exec's stdout and stderr): an unread pong left in the server's receive buffer makes
    /// its close a TCP reset, and a reset can discard the last output before it is read. LXD's
    /// keep-alive does not need pongs (its liveness check is TCP keep-alive).
    pub fn set_answer_pings(&mut self, on: bool) {
        self.pongs = on;
    }

    /// Read timeout for the following calls (None: block). A call that times out fails with
    /// `WouldBlock`/`TimedOut` and loses nothing: the next call resumes where it stopped.
    pub fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        // A zero timeout would be refused by the socket; the shortest wait is 1 ms.
        self.io.set_read_timeout(t.map(|d| d.max(Duration::from_millis(1))))
    }

    /// Bytes received but not yet handed out.
    fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Read more into the buffer; Ok(0) at the end of the connection.
    fn fill(&mut self) -> io::Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let n = self.io.read(&mut self.buf[self.end..], &self.writer)?;
        self.end += n;
        Ok(n)
    }

    /// Make `k` bytes contiguous in the buffer. Ok(false): the connection ended first (with
    /// `buffered()` bytes of an incomplete frame, or none).
    fn need(&mut self, k: usize) -> io::Result<bool> {
        while self.buffered() < k {
            if self.buf.len() - self.start < k {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.fill()? == 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The next piece of input, at most `max` (≥ 1) payload bytes. Control frames are handled
    /// in between: pings answered, pongs dropped, a close frame answered and reported.
    pub fn next_chunk(&mut self, max: usize) -> io::Result<Chunk<'_>> {
        let max = max.max(1);
        if self.closed {
            return Ok(Chunk::Eof);
        }
        let (s, n, kind, eom) = loop {
            if self.remaining > 0 {
                if self.buffered() == 0 && self.fill()? == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "websocket: connection closed inside a frame"));
                }
                let n = (self.buffered() as u64).min(self.remaining).min(max as u64) as usize;
                let s = self.start;
                self.start += n;
                self.remaining -= n as u64;
                let kind = self.message.unwrap_or(Kind::Binary);
                let eom = self.remaining == 0 && self.frame_fin;
                if kind == Kind::Text {
                    check_utf8(&mut self.utf8_carry, &mut self.utf8_carry_len, &self.buf[s..s + n], eom)?;
                }
                if eom {
                    self.message = None;
                }
                break (s, n, kind, eom);
            }
            if !self.need(2)? {
                if self.buffered() == 0 && self.message.is_none() {
                    self.closed = true;
                    return Ok(Chunk::Eof);
                }
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "websocket: connection closed inside a frame"));
            }
            let b0 = self.buf[self.start];
            let b1 = self.buf[self.start + 1];
            if b0 & 0x70 != 0 {
                return Err(protocol("reserved bits set"));
            }
            if b1 & 0x80 != 0 {
                return Err(protocol("masked frame from the server"));
            }
            let fin = b0 & 0x80 != 0;
            let opcode = b0 & 0x0F;
            let hlen = match b1 & 0x7F {
                126 => 4,
                127 => 10,
                _ => 2,
            };
            if !self.need(hlen)? {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "websocket: connection closed inside a frame header"));
            }
            let h = &self.buf[self.start..self.start + hlen];
            let len: u64 = match b1 & 0x7F {
                126 => u64::from(u16::from_be_bytes([h[2], h[3]])),
                127 => {
                    let v = u64::from_be_bytes([h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9]]);
                    if v >> 63 != 0 {
                        return Err(protocol("frame length out of range"));
                    }
                    v
                }
                l => u64::from(l),
            };
            match opcode {
                OP_CLOSE | OP_PING | OP_PONG => {
                    if len > 125 || !fin {
                        return Err(protocol("bad control frame"));
                    }
                    let total = hlen + len as usize;
                    if !self.need(total)? {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "websocket: connection closed inside a control frame"));
                    }
                    let mut payload = [0u8; 125];
                    let p = &mut payload[..len as usize];
                    p.copy_from_slice(&self.buf[self.start + hlen..self.start + total]);
                    self.start += total;
                    match opcode {
                        OP_PING if self.pongs => {
                            // A failed pong means the socket is gone; the next read says so.
                            let _ = self.writer.send_pong(p);
                        }
                        OP_CLOSE => {
                            let code = (p.len() >= 2).then(|| u16::from_be_bytes([p[0], p[1]]));
                            if !self.writer.close_sent() {
                                let _ = self.writer.send_close(code.filter(|c| *c != 1005 && *c != 1006).unwrap_or(1000));
                            }
                            self.closed = true;
                            return Ok(Chunk::Close(code));
                        }
                        _ => {}
                    }
                }
                OP_TEXT | OP_BINARY | OP_CONT => {
                    if len > MAX_FRAME {
                        return Err(protocol(&format!("a frame of {len} bytes (the limit is {MAX_FRAME})")));
                    }
                    if opcode == OP_CONT {
                        if self.message.is_none() {
                            return Err(protocol("continuation frame outside a message"));
                        }
                    } else {
                        if self.message.is_some() {
                            return Err(protocol("new message inside a fragmented message"));
                        }
                        self.message = Some(if opcode == OP_TEXT { Kind::Text } else { Kind::Binary });
                        self.utf8_carry_len = 0;
                    }
                    self.start += hlen;
                    self.remaining = len;
                    self.frame_fin = fin;
                    if len == 0 && fin {
                        let kind = self.message.take().unwrap_or(Kind::Binary);
                        if kind == Kind::Text {
                            check_utf8(&mut self.utf8_carry, &mut self.utf8_carry_len, &[], true)?;
                        }
                        break (self.start, 0, kind, true);
                    }
                }
                _ => return Err(protocol("unknown opcode")),
            }
        };
        Ok(Chunk::Data { kind, bytes: &self.buf[s..s + n], end_of_message: eom })
    }

    /// Read one whole message into `out` (appended), at most `limit` bytes. Ok(None) when the
    /// connection ended or was closed. A timeout (see [`WsReader::set_read_timeout`]) may leave
    /// part of the message appended: call again with the same `out` to finish it.
    pub fn read_message(&mut self, out: &mut Vec<u8>, limit: usize) -> io::Result<Option<Kind>> {
        loop {
            let (kind, end_of_message) = match self.next_chunk(READ_BUF)? {
                Chunk::Data { kind, bytes, end_of_message } => {
                    if out.len() + bytes.len() > limit {
                        return Err(protocol(&format!("message larger than {limit} bytes")));
                    }
                    out.extend_from_slice(bytes);
                    (kind, end_of_message)
                }
                Chunk::Close(_) | Chunk::Eof => return Ok(None),
            };
            // A frame that announces more than the limit is refused at its header, not after
            // waiting for (and buffering) up to `limit` bytes of it.
            if (out.len() as u64).saturating_add(self.remaining) > limit as u64 {
                return Err(protocol(&format!("message larger than {limit} bytes")));
            }
            if end_of_message {
                return Ok(Some(kind));
            }
        }
    }
}

/// For the fuzz targets (fuzz/): a reader whose peer already sent `wire` (at most 64 KiB) and
/// then ended the connection, with a read buffer of `buf_size` bytes (at least 256; small sizes
/// cut frames across reads). Replies it writes (pongs, close) are dropped once the socket
/// buffer is full. Not part of the library's API.
#[doc(hidden)]
pub fn reader_for_bytes(wire: &[u8], buf_size: usize) -> io::Result<WsReader> {
    let (a, mut b) = UnixStream::pair()?;
    b.write_all(&wire[..wire.len().min(64 * 1024)])?;
    b.shutdown(std::net::Shutdown::Write)?;
    // Non-blocking: a pong into a full buffer fails (and is ignored) instead of blocking; reads
    // never wait, as everything was sent before.
    a.set_nonblocking(true)?;
    let writer = WsWriter::new(WriteIo::Unix(a.try_clone()?));
    Ok(WsReader {
        io: ReadIo::Unix(a),
        writer,
        buf: vec![0u8; buf_size.max(256)].into_boxed_slice(),
        start: 0,
        end: 0,
        remaining: 0,
        frame_fin: false,
        message: None,
        closed: false,
        pongs: true,
        utf8_carry: [0; 4],
        utf8_carry_len: 0,
    })
}

/// An open websocket: split it to read and write from different threads.
pub struct WebSocket {
    reader: WsReader,
    writer: WsWriter,
    fd: SocketFd,
}

enum SocketFd {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl std::fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocket").field("reader", &self.reader).finish()
    }
}

impl WebSocket {
    /// A handle that shuts the socket down from any thread (a blocked read or write returns).
    pub fn shutdown_handle(&self) -> io::Result<SocketShutdown> {
        Ok(match &self.fd {
            SocketFd::Unix(s) => SocketShutdown::Unix(s.try_clone()?),
            SocketFd::Tcp(s) => SocketShutdown::Tcp(s.try_clone()?),
        })
    }
    /// The two halves.
    pub fn split(self) -> (WsReader, WsWriter) {
        (self.reader, self.writer)
    }
}

// ------------------------------------------------------------------------------------------
// Handshake

/// The stream tungstenite's handshake runs on: it hands out the response head and not one byte
/// more; whatever follows stays in `buf[head_end..]` for the frame reader.
struct HandshakeIo {
    stream: Stream,
    buf: Vec<u8>,
    given: usize,
    head_end: Option<usize>,
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
enum Framing {
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
    fn error_body(&mut self, status: u16, framing: Framing, limit: Option<Duration>, deadline: Option<Instant>) -> Result<Vec<u8>> {
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
fn within(limit: Option<Duration>) -> String {
    limit.map(|d| format!(" within {} (client timeout)", crate::error::human_duration(d))).unwrap_or_default()
}

/// Decode a chunked body: `Ok(None)` while incomplete (the last chunk not yet in).
fn dechunk(mut raw: &[u8]) -> std::result::Result<Option<Vec<u8>>, String> {
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

fn handshake_error(e: tungstenite::Error) -> Error {
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

    /// A websocket over a socketpair; the other end plays the server with raw frames.
    fn pair() -> (WsReader, WsWriter, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        let writer = WsWriter::new(WriteIo::Unix(a.try_clone().unwrap()));
        let reader = WsReader {
            io: ReadIo::Unix(a),
            writer: writer.clone(),
            buf: vec![0u8; 64].into_boxed_slice(),
            start: 0,
            end: 0,
            remaining: 0,
            frame_fin: false,
            message: None,
            closed: false,
            pongs: true,
            utf8_carry: [0; 4],
            utf8_carry_len: 0,
        };
        (reader, writer, b)
    }

    fn frame(fin: bool, op: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![(if fin { 0x80 } else { 0 }) | op];
        let n = payload.len();
        if n < 126 {
            f.push(n as u8);
        } else if n <= 0xFFFF {
            f.push(126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            f.push(127);
            f.extend_from_slice(&(n as u64).to_be_bytes());
        }
        f.extend_from_slice(payload);
        f
    }

    /// Read one client frame from the server side and unmask it.
    fn read_client_frame(s: &mut UnixStream) -> (u8, Vec<u8>) {
        let mut h = [0u8; 2];
        s.read_exact(&mut h).unwrap();
        assert_eq!(h[0] & 0x80, 0x80, "fin");
        assert_eq!(h[1] & 0x80, 0x80, "client frames are masked");
        let len = match h[1] & 0x7F {
            126 => {
                let mut b = [0u8; 2];
                s.read_exact(&mut b).unwrap();
                u16::from_be_bytes(b) as usize
            }
            127 => {
                let mut b = [0u8; 8];
                s.read_exact(&mut b).unwrap();
                u64::from_be_bytes(b) as usize
            }
            l => l as usize,
        };
        let mut key = [0u8; 4];
        s.read_exact(&mut key).unwrap();
        let mut p = vec![0u8; len];
        s.read_exact(&mut p).unwrap();
        for (i, b) in p.iter_mut().enumerate() {
            *b ^= key[i % 4];
        }
        (h[0] & 0x0F, p)
    }

    #[test]
    fn frames_in_pieces_pings_and_eof() {
        let (mut r, _w, mut srv) = pair();
        let big: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
        let mut wire = frame(true, OP_BINARY, b"hello");
        wire.extend(frame(true, OP_PING, b"keepalive"));
        wire.extend(frame(false, OP_BINARY, &big[..100]));
        wire.extend(frame(true, OP_CONT, &big[100..]));
        wire.extend(frame(true, OP_TEXT, b""));
        srv.write_all(&wire).unwrap();
        drop(srv.try_clone().unwrap());
        let mut got = Vec::new();
        let mut messages = Vec::new();
        loop {
            match r.next_chunk(7).unwrap() {
                Chunk::Data { kind, bytes, end_of_message } => {
                    got.extend_from_slice(bytes);
                    if end_of_message {
                        messages.push((kind, std::mem::take(&mut got)));
                    }
                    if kind == Kind::Text {
                        break;
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(messages[0], (Kind::Binary, b"hello".to_vec()));
        assert_eq!(messages[1], (Kind::Binary, big));
        assert_eq!(messages[2], (Kind::Text, vec![]));
        // The ping was answered with the same payload.
        assert_eq!(read_client_frame(&mut srv), (OP_PONG, b"keepalive".to_vec()));
        srv.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(r.next_chunk(10).unwrap(), Chunk::Eof);
    }

    #[test]
    fn client_frames_are_masked_and_sized() {
        let (_r, w, mut srv) = pair();
        let sizes = [0usize, 1, 125, 126, 65535, 65536, 100_003];
        let t = std::thread::spawn(move || {
            for n in sizes {
                let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
                w.send_binary(&data).unwrap();
            }
            w.send_text(b"").unwrap();
            w.send_close(1000).unwrap();
            assert!(w.send_text(b"x").is_err(), "nothing after close");
        });
        for n in sizes {
            let (op, p) = read_client_frame(&mut srv);
            assert_eq!(op, OP_BINARY);
            assert_eq!(p, (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
        }
        assert_eq!(read_client_frame(&mut srv), (OP_TEXT, vec![]));
        assert_eq!(read_client_frame(&mut srv), (OP_CLOSE, 1000u16.to_be_bytes().to_vec()));
        t.join().unwrap();
    }

    #[test]
    fn close_is_answered_and_reported() {
        let (mut r, _w, mut srv) = pair();
        srv.write_all(&frame(true, OP_CLOSE, &1001u16.to_be_bytes())).unwrap();
        assert_eq!(r.next_chunk(10).unwrap(), Chunk::Close(Some(1001)));
        assert_eq!(read_client_frame(&mut srv), (OP_CLOSE, 1001u16.to_be_bytes().to_vec()));
        assert_eq!(r.next_chunk(10).unwrap(), Chunk::Eof);
    }

    #[test]
    fn timeouts_resume_without_loss() {
        let (mut r, _w, mut srv) = pair();
        r.set_read_timeout(Some(Duration::from_millis(30))).unwrap();
        let f = frame(true, OP_TEXT, b"{\"type\":\"lifecycle\"}");
        srv.write_all(&f[..1]).unwrap();
        let mut out = Vec::new();
        let e = r.read_message(&mut out, 1024).unwrap_err();
        assert!(matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut), "{e:?}");
        srv.write_all(&f[1..8]).unwrap();
        assert!(r.read_message(&mut out, 1024).is_err());
        srv.write_all(&f[8..]).unwrap();
        assert_eq!(r.read_message(&mut out, 1024).unwrap(), Some(Kind::Text));
        assert_eq!(out, b"{\"type\":\"lifecycle\"}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for wire in [
            vec![0x82u8, 0x85, 1, 2, 3, 4, 5],            // masked server frame
            vec![0xC2, 0x01, 0],                          // RSV1
            vec![0x83, 0x00],                             // unknown opcode
            vec![0x09, 0x00],                             // fragmented ping
            vec![0x89, 126, 0, 200],                      // ping too long
            vec![0x80, 0x01, 0],                          // continuation outside message
            vec![0x02, 0x01, b'a', 0x82, 0x01, b'b'],     // new message inside a fragmented one
            vec![0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0],   // length with the top bit set
            vec![0x82, 0x05, b'a'],                       // truncated
        ] {
            let (mut r, _w, mut srv) = pair();
            srv.write_all(&wire).unwrap();
            srv.shutdown(std::net::Shutdown::Write).unwrap();
            let mut res = Ok(());
            for _ in 0..4 {
                match r.next_chunk(100) {
                    Ok(Chunk::Eof) => break,
                    Ok(_) => {}
                    Err(e) => {
                        res = Err(e);
                        break;
                    }
                }
            }
            assert!(res.is_err(), "{wire:?}");
        }
    }

    /// Read everything (chunks of at most `max` bytes): the messages, and how it ended.
    fn read_all(r: &mut WsReader, max: usize) -> (Vec<(Kind, Vec<u8>)>, io::Result<()>) {
        let mut msgs = Vec::new();
        let mut cur = Vec::new();
        loop {
            match r.next_chunk(max) {
                Ok(Chunk::Data { kind, bytes, end_of_message }) => {
                    assert!(bytes.len() <= max);
                    cur.extend_from_slice(bytes);
                    if end_of_message {
                        msgs.push((kind, std::mem::take(&mut cur)));
                    }
                }
                Ok(Chunk::Close(_)) | Ok(Chunk::Eof) => return (msgs, Ok(())),
                Err(e) => return (msgs, Err(e)),
            }
        }
    }

    #[test]
    fn text_is_checked_for_utf8_across_frames_and_chunks() {
        let text = "héllo wörld – ✓ 😀".as_bytes();
        // Split inside multi-byte characters, over fragments, read 1..4 bytes at a time.
        let mut wire = frame(false, OP_TEXT, &text[..2]);
        wire.extend(frame(false, OP_CONT, &text[2..13]));
        wire.extend(frame(true, OP_CONT, &text[13..]));
        wire.extend(frame(true, OP_TEXT, b""));
        for max in 1..5 {
            let mut r = reader_for_bytes(&wire, 256).unwrap();
            let (msgs, end) = read_all(&mut r, max);
            assert!(end.is_ok(), "max {max}: {end:?}");
            assert_eq!(msgs, vec![(Kind::Text, text.to_vec()), (Kind::Text, vec![])]);
        }
        for bad in [&b"a\xffb"[..], b"\xc3\x28", b"\xe2\x82", b"ok\xf0\x9f\x98", b"\xed\xa0\x80"] {
            for max in [1, 2, 100] {
                let mut r = reader_for_bytes(&frame(true, OP_TEXT, bad), 256).unwrap();
                let (_, end) = read_all(&mut r, max);
                let e = end.unwrap_err();
                assert!(is_protocol(&e) && e.to_string().contains("UTF-8"), "{bad:?} max {max}: {e}");
            }
        }
        // A character cut at the end of a fragmented message is an error too.
        let mut wire = frame(false, OP_TEXT, b"x\xe2\x82");
        wire.extend(frame(true, OP_CONT, b""));
        let (_, end) = read_all(&mut reader_for_bytes(&wire, 256).unwrap(), 100);
        assert!(end.is_err_and(|e| is_protocol(&e)));
        // Binary messages are bytes, never checked.
        let (msgs, end) = read_all(&mut reader_for_bytes(&frame(true, OP_BINARY, b"\xff\xfe"), 256).unwrap(), 100);
        assert!(end.is_ok());
        assert_eq!(msgs, vec![(Kind::Binary, b"\xff\xfe".to_vec())]);
    }

    #[test]
    fn absurd_frame_lengths_fail_at_the_header() {
        for len in [MAX_FRAME + 1, 1 << 32, 1 << 62] {
            let mut wire = vec![0x82u8, 127];
            wire.extend_from_slice(&len.to_be_bytes());
            wire.extend_from_slice(&[0u8; 64]);
            // The peer keeps the connection open: the error must not wait for the payload.
            let (mut r, _w, mut srv) = pair();
            srv.write_all(&wire).unwrap();
            r.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let e = r.next_chunk(100).unwrap_err();
            assert!(is_protocol(&e) && e.to_string().contains("limit"), "{len}: {e}");
        }
        // Up to the limit is fine (a 300000-byte frame, 64-bit length).
        let big = vec![7u8; 300_000];
        let (mut r, _w, mut srv) = pair();
        let wire = frame(true, OP_BINARY, &big);
        let t = std::thread::spawn(move || {
            srv.write_all(&wire).unwrap();
            srv.shutdown(std::net::Shutdown::Write).unwrap();
            srv
        });
        let (msgs, end) = read_all(&mut r, 1 << 20);
        drop(t.join().unwrap());
        assert!(end.is_ok(), "{end:?}");
        assert_eq!(msgs, vec![(Kind::Binary, big)]);
    }

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
