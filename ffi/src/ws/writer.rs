//! The sending half: whole frames, masked into one reused buffer, from any thread.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use super::{OP_TEXT, OP_BINARY, OP_CLOSE, OP_PONG, lock};
use super::split_io::{WriteIo, send_all, write_records};



pub(super) struct WriteState {
    /// The frame being sent (header + masked payload); reused.
    pub(super) frame: Vec<u8>,
    /// xorshift64* state for masking keys.
    pub(super) rng: u64,
    /// A close frame was sent: nothing more may follow.
    pub(super) close_sent: bool,
}

pub(super) struct WriterInner {
    pub(super) io: WriteIo,
    pub(super) state: Mutex<WriteState>,
}

/// The sending half. Cheap to clone; every clone sends on the same socket, whole frames at a time
/// (safe from many threads).
#[derive(Clone)]
pub struct WsWriter {
    pub(super) inner: Arc<WriterInner>,
}

impl std::fmt::Debug for WsWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WsWriter")
    }
}

pub(super) fn seed() -> u64 {
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
pub(super) fn mask_into(dst: &mut [u8], src: &[u8], key: [u8; 4]) {
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
    pub(super) fn new(io: WriteIo) -> WsWriter {
        WsWriter {
            inner: Arc::new(WriterInner {
                io,
                state: Mutex::new(WriteState { frame: Vec::new(), rng: seed(), close_sent: false }),
            }),
        }
    }

    pub(super) fn send_frame(&self, opcode: u8, payload: &[u8]) -> io::Result<()> {
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
    pub(super) fn flush_tls(&self) -> io::Result<()> {
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

    pub(super) fn send_pong(&self, payload: &[u8]) -> io::Result<()> {
        self.send_frame(OP_PONG, payload)
    }

    pub(super) fn close_sent(&self) -> bool {
        lock(&self.inner.state).close_sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;

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
}
