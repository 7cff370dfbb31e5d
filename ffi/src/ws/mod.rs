//! Websockets to LXD (exec channels, events) over the client's own connections.
//!
//! The connection comes from [`Endpoint::dial`](crate::transport::Endpoint::dial) (the unix socket, or TLS with the client
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
//!
//! Layout: this file holds the frame vocabulary shared by both halves (opcodes, limits, [`Kind`],
//! [`Chunk`]) and the open [`WebSocket`]; `split_io` the socket or TLS connection under the two
//! halves; `writer` the sending half; `reader` the receiving half (frame parsing, UTF-8 checks);
//! `handshake` the upgrade and [`connect`].

mod handshake;
mod reader;
mod split_io;
mod writer;

pub use handshake::{connect, connect_endpoint};
pub use reader::{is_protocol, reader_for_bytes, ProtocolError, WsReader};
pub use writer::WsWriter;

use std::io;
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, MutexGuard};

use crate::transport::SocketShutdown;

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

#[cfg(test)]
mod test_support {
    use super::split_io::{ReadIo, WriteIo};
    use super::*;
    use std::io::Read;
    use std::os::unix::net::UnixStream;

    /// A websocket over a socketpair; the other end plays the server with raw frames.
    pub(super) fn pair() -> (WsReader, WsWriter, UnixStream) {
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

    pub(super) fn frame(fin: bool, op: u8, payload: &[u8]) -> Vec<u8> {
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
    pub(super) fn read_client_frame(s: &mut UnixStream) -> (u8, Vec<u8>) {
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
}
