//! The receiving half: frames parsed from one read buffer and handed out as slices; pings and
//! close frames answered as they are read; text checked for UTF-8 across frames and chunks.

use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;
use super::{OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, READ_BUF, MAX_FRAME, Kind, Chunk};
use super::split_io::{ReadIo, WriteIo};
use super::writer::WsWriter;



/// The receiving half: one thread reads at a time. Answers pings and close frames itself.
pub struct WsReader {
    pub(super) io: ReadIo,
    pub(super) writer: WsWriter,
    pub(super) buf: Box<[u8]>,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Payload bytes left in the current data frame.
    pub(super) remaining: u64,
    /// The current data frame is the message's last.
    pub(super) frame_fin: bool,
    /// The kind of the message being read (None between messages).
    pub(super) message: Option<Kind>,
    pub(super) closed: bool,
    /// Answer pings (the default).
    pub(super) pongs: bool,
    /// UTF-8 check of the text message being read: the bytes of a character that a chunk
    /// boundary cut (at most 3), carried to the next chunk.
    pub(super) utf8_carry: [u8; 4],
    pub(super) utf8_carry_len: u8,
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

pub(super) fn protocol(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, ProtocolError(msg.to_string()))
}

/// Whether a read error is a websocket protocol error (a bad frame), not a network failure.
pub fn is_protocol(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<ProtocolError>())
}

/// Check one chunk of a text message for UTF-8, carrying a character cut by the chunk boundary
/// in `carry`. `last`: the message ends with this chunk (a cut character is then an error).
pub(super) fn check_utf8(carry: &mut [u8; 4], carry_len: &mut u8, mut bytes: &[u8], last: bool) -> io::Result<()> {
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
    pub(super) fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Read more into the buffer; Ok(0) at the end of the connection.
    pub(super) fn fill(&mut self) -> io::Result<usize> {
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
    pub(super) fn need(&mut self, k: usize) -> io::Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;

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
}
