//! Event listener: `GET /1.0/events` as a websocket of JSON messages.
//!
//! [`EventListener::next`] waits for the next event, with a timeout; [`EventListener::close`]
//! from any thread shuts the socket, which wakes a blocked `next` at once.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lxd_core::events::{self, MAX_EVENT_BYTES};
use lxd_core::models::Event;

use crate::client::{Canceller, Client};
use crate::error::{Error, Result};
use crate::transport::SocketShutdown;
use crate::ws::{self, lock, Kind, WsReader, WsWriter};

/// One event: parsed, and the message text exactly as LXD sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMessage {
    /// The parsed event.
    pub event: Event,
    /// The JSON text as received.
    pub json: String,
}

struct ReadState {
    reader: WsReader,
    /// A message read in part when a timeout struck.
    partial: Vec<u8>,
    ended: bool,
}

/// A subscription to LXD's events. `next` from one thread at a time; `close` from any.
pub struct EventListener {
    state: Mutex<ReadState>,
    writer: WsWriter,
    shutdown: SocketShutdown,
    closed: AtomicBool,
    /// The canceller that also closes it, and its registration there.
    watched: Option<(Canceller, u64)>,
}

impl std::fmt::Debug for EventListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventListener").field("closed", &self.closed.load(Ordering::Relaxed)).finish()
    }
}

impl Client {
    /// Listen to events (`GET /1.0/events?type=...`): `types` among `lifecycle`, `operation`,
    /// `logging` (empty: all; an unknown name is [`Error`] InvalidArgument and nothing is sent);
    /// the client's project, or every project with `all_projects`. Events that happen after
    /// this returns are delivered.
    pub fn events(&self, types: &[&str], all_projects: bool) -> Result<EventListener> {
        self.events_cancellable(types, all_projects, None)
    }

    /// [`Client::events`], and `canceller` (when given) shuts the listener's socket too: a
    /// blocked [`EventListener::next`] then fails with [`Error::Cancelled`].
    pub(crate) fn events_cancellable(&self, types: &[&str], all_projects: bool, canceller: Option<&Canceller>) -> Result<EventListener> {
        let req = events::listen(types, all_projects)?;
        if let Some(c) = canceller {
            c.check()?;
        }
        let ws = ws::connect(self, req, self.timeout().or(Some(Duration::from_secs(30))), None)?;
        let shutdown = ws.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the event socket: {e}")))?;
        let watched = match canceller {
            Some(c) => {
                let watch = ws.shutdown_handle().map_err(|e| Error::Io(format!("cannot watch the event socket: {e}")))?;
                Some((c.clone(), c.register_socket_scoped(watch)))
            }
            None => None,
        };
        let (reader, writer) = ws.split();
        let listener = EventListener {
            state: Mutex::new(ReadState { reader, partial: Vec::new(), ended: false }),
            writer,
            shutdown,
            closed: AtomicBool::new(false),
            watched,
        };
        if let Some(c) = canceller {
            c.check()?;
        }
        Ok(listener)
    }
}

impl EventListener {
    /// The next event. `timeout` None waits without limit; `Ok(None)` when it passed with no
    /// event. After [`EventListener::close`]: [`Error::Cancelled`]. When LXD ends the stream:
    /// [`Error::Connect`].
    pub fn next(&self, timeout: Option<Duration>) -> Result<Option<EventMessage>> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = lock(&self.state);
        if st.ended {
            return Err(Error::Connect("the event stream was closed by the server".into()));
        }
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                return Ok(None);
            }
            st.reader.set_read_timeout(left).map_err(|e| Error::Io(format!("socket timeout: {e}")))?;
            let ReadState { reader, partial, ended } = &mut *st;
            match reader.read_message(partial, MAX_EVENT_BYTES) {
                Ok(Some(Kind::Text)) | Ok(Some(Kind::Binary)) => {
                    let bytes = std::mem::take(partial);
                    let event = events::parse_event(&bytes)?;
                    let json = String::from_utf8(bytes).map_err(|_| Error::protocol("event is not UTF-8"))?;
                    return Ok(Some(EventMessage { event, json }));
                }
                Ok(None) => {
                    *ended = true;
                    if self.closed.load(Ordering::SeqCst) {
                        return Err(Error::Cancelled);
                    }
                    return Err(Error::Connect("the event stream was closed by the server".into()));
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) && !self.closed.load(Ordering::SeqCst) => {
                    continue;
                }
                Err(e) => {
                    *ended = true;
                    if self.closed.load(Ordering::SeqCst) {
                        return Err(Error::Cancelled);
                    }
                    return Err(match e.kind() {
                        io::ErrorKind::InvalidData => Error::protocol(e.to_string()),
                        _ => Error::from_net_io(&e),
                    });
                }
            }
        }
    }

    /// Stop listening: a `next` blocked in another thread returns [`Error::Cancelled`] at once,
    /// and so does every later one. Any thread, any number of times.
    pub fn close(&self) {
        if !self.closed.swap(true, Ordering::SeqCst) {
            // A polite close frame, then the socket goes down whatever the server does.
            let _ = self.writer.send_close(1000);
            self.shutdown.shutdown_now();
        }
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        if let Some((c, id)) = self.watched.take() {
            c.unregister_socket(id);
        }
        self.close();
    }
}
