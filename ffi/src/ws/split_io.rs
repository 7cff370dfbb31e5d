//! The split transport under the two halves: a unix socket, or a TLS connection whose rustls
//! state is shared behind a lock while the socket stays free for a blocking read.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use super::lock;
use super::writer::WsWriter;




/// A TLS connection shared by the two halves: the rustls state behind a lock, the socket free
/// for a blocking read on one thread while another writes.
pub(super) struct TlsShared {
    pub(super) conn: Mutex<rustls::ClientConnection>,
    pub(super) sock: TcpStream,
}

pub(super) fn send_all(fd: &impl AsRawFd, mut buf: &[u8]) -> io::Result<()> {
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
pub(super) struct NoSigPipe<'a>(&'a TcpStream);

impl Write for NoSigPipe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::transport::send_nosignal(self.0.as_raw_fd(), buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Send every TLS record rustls has queued.
pub(super) fn write_records(c: &mut rustls::ClientConnection, sock: &TcpStream) -> io::Result<()> {
    let mut w = NoSigPipe(sock);
    while c.wants_write() {
        if c.write_tls(&mut w)? == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
    }
    Ok(())
}

pub(super) enum ReadIo {
    Unix(UnixStream),
    Tls { shared: Arc<TlsShared>, cipher: Box<[u8]>, start: usize, end: usize },
}

impl ReadIo {
    pub(super) fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            ReadIo::Unix(s) => s.set_read_timeout(t),
            ReadIo::Tls { shared, .. } => shared.sock.set_read_timeout(t),
        }
    }

    /// Read plaintext. Ok(0) is the end of the connection.
    pub(super) fn read(&mut self, out: &mut [u8], writer: &WsWriter) -> io::Result<usize> {
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

pub(super) enum WriteIo {
    Unix(UnixStream),
    Tls(Arc<TlsShared>),
}
