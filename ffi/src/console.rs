//! The instance console, attached: `POST /1.0/instances/<name>/console` gives a websocket
//! operation with two secrets; the data socket carries the terminal both ways (what the instance
//! writes to its console, and keystrokes to it), the control socket takes `window-resize`.
//! Connected control first, then data, as LXD's own client does. Closing the session (or
//! dropping it) shuts both sockets, and LXD ends the operation.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use lxd_core::api::instance_console;
use lxd_core::exec::Control;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::SocketShutdown;
use crate::ws::{self, lock, timeout_err, Chunk, Kind, WsReader, WsWriter};

/// LXD gives up on a console whose sockets do not connect within 5 s.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

struct DataReader {
    r: WsReader,
    ended: bool,
}

/// An attached text console. Safe to share between threads: one reads while others write,
/// resize or close.
pub struct ConsoleSession {
    operation_id: String,
    reader: Mutex<DataReader>,
    writer: WsWriter,
    control: WsWriter,
    shutdown: Vec<SocketShutdown>,
    closed: AtomicBool,
    control_thread: Mutex<Option<thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for ConsoleSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleSession").field("operation", &self.operation_id).finish()
    }
}

impl Client {
    /// Attach to the text console of a running instance (`width`/`height` 0: LXD's default
    /// size). Returns once both websockets are connected.
    pub fn console_attach(&self, instance: &str, width: u32, height: u32) -> Result<ConsoleSession> {
        let op = self.call(instance_console::attach(instance, width, height, "console")?)?;
        let socks = instance_console::sockets(&op)?;
        let control = ws::connect(self, socks.control, Some(CONNECT_TIMEOUT), None)?;
        let control_stop = control.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the websocket: {e}")))?;
        let data = match ws::connect(self, socks.data, Some(CONNECT_TIMEOUT), None) {
            Ok(d) => d,
            Err(e) => {
                control_stop.shutdown_now();
                return Err(e);
            }
        };
        let data_stop = data.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the websocket: {e}")))?;
        let (mut control_r, control_w) = control.split();
        let control_thread = thread::Builder::new()
            .name("lxd-console-control".into())
            .spawn(move || while let Ok(c) = control_r.next_chunk(usize::MAX) {
                if matches!(c, Chunk::Close(_) | Chunk::Eof) {
                    break;
                }
            })
            .map_err(|e| {
                control_stop.shutdown_now();
                data_stop.shutdown_now();
                Error::Io(format!("cannot start a thread: {e}"))
            })?;
        let (r, w) = data.split();
        Ok(ConsoleSession {
            operation_id: op.id,
            reader: Mutex::new(DataReader { r, ended: false }),
            writer: w,
            control: control_w,
            shutdown: vec![control_stop, data_stop],
            closed: AtomicBool::new(false),
            control_thread: Mutex::new(Some(control_thread)),
        })
    }
}

impl ConsoleSession {
    /// The console operation's id.
    pub fn operation_id(&self) -> &str {
        &self.operation_id
    }

    fn check_open(&self) -> Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    fn net(&self, what: &str, e: io::Error) -> Error {
        if self.closed.load(Ordering::SeqCst) {
            return Error::Cancelled;
        }
        match Error::from_net_io(&e) {
            Error::Connect(m) => Error::Connect(format!("console {what}: {m}")),
            other => other,
        }
    }

    /// Send bytes to the console (keystrokes).
    pub fn write(&self, data: &[u8]) -> Result<()> {
        self.check_open()?;
        if data.is_empty() {
            return Ok(());
        }
        self.writer.send_binary(data).map_err(|e| self.net("input", e))
    }

    /// Read console output into `buf`: the number of bytes, 0 once LXD ended the console.
    /// `timeout` None blocks; past it [`Error::Timeout`] (nothing is lost). After
    /// [`ConsoleSession::close`]: [`Error::Cancelled`], also for a read blocked in another thread.
    pub fn read(&self, buf: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
        self.check_open()?;
        if buf.is_empty() {
            return Ok(0);
        }
        let mut d = lock(&self.reader);
        if d.ended {
            return Ok(0);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let t = deadline.map(|dl| dl.saturating_duration_since(Instant::now()));
            d.r.set_read_timeout(t).map_err(|e| Error::Io(format!("socket timeout: {e}")))?;
            let chunk = match d.r.next_chunk(buf.len()) {
                Ok(c) => c,
                Err(e) if timeout_err(&e) && !self.closed.load(Ordering::SeqCst) => {
                    return Err(Error::Timeout("no console output within the timeout".into()))
                }
                Err(e) => return Err(self.net("output", e)),
            };
            match chunk {
                Chunk::Data { kind: Kind::Binary | Kind::Text, bytes, .. } => {
                    if bytes.is_empty() {
                        continue;
                    }
                    let n = bytes.len();
                    buf[..n].copy_from_slice(bytes);
                    return Ok(n);
                }
                Chunk::Close(_) | Chunk::Eof => {
                    if self.closed.load(Ordering::SeqCst) {
                        return Err(Error::Cancelled);
                    }
                    d.ended = true;
                    return Ok(0);
                }
            }
        }
    }

    /// Resize the console's terminal.
    pub fn resize(&self, width: u32, height: u32) -> Result<()> {
        let msg = Control::WindowResize { width, height };
        msg.validate()?;
        self.check_open()?;
        self.control.send_text(msg.to_json().as_bytes()).map_err(|e| self.net("control channel", e))
    }

    /// Detach: shut both sockets (LXD ends the console operation). A read blocked in another
    /// thread returns [`Error::Cancelled`]. Any thread, any number of times.
    pub fn close(&self) {
        if !self.closed.swap(true, Ordering::SeqCst) {
            let _ = self.writer.send_close(1000);
            for s in &self.shutdown {
                s.shutdown_now();
            }
        }
    }
}

impl Drop for ConsoleSession {
    fn drop(&mut self) {
        self.close();
        if let Some(h) = lock(&self.control_thread).take() {
            let _ = h.join();
        }
    }
}
