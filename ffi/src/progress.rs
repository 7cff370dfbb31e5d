//! Waiting on an operation while following its server-side progress (image downloads,
//! unpacking, migrations), as LXD's own client does for `lxc`'s "Retrieving image: 45%".
//!
//! The wait listens to the operation's events (`GET /1.0/events?type=operation`, subscribed
//! before the operation's state is first read, so no change in between is lost) and reads the
//! operation's state (`GET /1.0/operations/<id>`) after every quiet second, which catches an end
//! whose event was missed. A client that may not listen to events (or whose event stream ends)
//! polls instead: `GET /1.0/operations/<id>/wait?timeout=1`, which still returns as soon as the
//! operation ends. What the metadata means is read in one place, `lxd_core::progress`.

use std::time::{Duration, Instant};

use lxd_core::progress::{self, Progress, ProgressTracker};
use lxd_core::{operation as ops, Operation, WaitFlow};

use crate::client::{Canceller, Client, DEFAULT_TIMEOUT};
use crate::error::{human_duration, Error, Result};

/// How long the wait goes without news before it reads the operation's state itself.
const QUIET: Duration = Duration::from_secs(1);

/// Called with the operation's state and its progress: whenever the progress changes, and once
/// more when the operation ends (its final state and the last progress seen: every number -1 and
/// an empty stage when there was none). Return false to stop waiting ([`Error::Cancelled`]; the
/// operation keeps running).
pub type ProgressReport<'a> = dyn FnMut(&Operation, &Progress) -> bool + 'a;

/// A progress handler for every wait of a client ([`crate::ClientBuilder::progress_hook`]): the
/// waits inside calls that wait for their operation (create an instance from an image, copy an
/// image, ...) and those on operation handles that have no handler of their own. Called from the
/// thread that waits, so with one client used from several threads from several at once; false
/// stops that wait ([`Error::Cancelled`]).
#[derive(Clone)]
pub struct ProgressHook(std::sync::Arc<HookFn>);

/// The function a [`ProgressHook`] wraps.
type HookFn = dyn Fn(&Operation, &Progress) -> bool + Send + Sync;

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

impl ProgressHook {
    /// Wrap a handler.
    pub fn new(f: impl Fn(&Operation, &Progress) -> bool + Send + Sync + 'static) -> ProgressHook {
        ProgressHook(std::sync::Arc::new(f))
    }
    /// Report one state: true to go on waiting.
    pub fn report(&self, op: &Operation, p: &Progress) -> bool {
        (self.0)(op, p)
    }
}

impl Client {
    /// [`Client::wait_operation`], reporting the operation's progress to `report` on the calling
    /// thread as it changes (see the module's documentation for how it is followed).
    pub fn wait_operation_progress(&self, id: &str, timeout: Option<Duration>, canceller: Option<&Canceller>, report: &mut ProgressReport<'_>) -> Result<Operation> {
        let (timeout, why) = match timeout {
            Some(t) => (Some(t), "wait timeout"),
            None => (self.operation_deadline(), "the client's operation deadline"),
        };
        let timed_out = || Error::Timeout(format!("operation {id} still running after {} ({why})", human_duration(timeout.unwrap_or_default())));
        let local;
        let canceller = match canceller {
            Some(c) => c,
            None => {
                local = Canceller::new();
                &local
            }
        };
        let deadline = timeout.map(|t| Instant::now() + t);
        let flow = WaitFlow::new(&Operation { id: id.to_string(), ..Default::default() }, 1);
        flow.request()?; // the id is checked before anything is sent
        // Subscribe first, then read the state: nothing between the two is missed.
        let mut listener = match self.events_cancellable(&["operation"], false, Some(canceller)) {
            Ok(l) => Some(l),
            Err(_) if canceller.is_cancelled() => return Err(Error::Cancelled),
            // Not allowed to listen (a restricted or untrusted client) or no event stream: poll.
            Err(_) => None,
        };
        let scoped = self.scoped_cancellable_agent(canceller);
        let mut tracker = ProgressTracker::new();
        let mut read_state = true;
        let mut heard = Instant::now(); // when the operation's state last came
        loop {
            canceller.check()?;
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                return Err(timed_out());
            }
            // A quiet second for this operation (the events of others do not count): read its
            // state, which catches an end whose event was missed.
            read_state |= heard.elapsed() >= QUIET;
            let state = if read_state || listener.is_none() {
                read_state = false;
                // With a listener, the state now; without, the state when it ends or after 1 s.
                let req = if listener.is_some() { ops::get(id)? } else { flow.request()? };
                let limit = QUIET + self.timeout().unwrap_or(DEFAULT_TIMEOUT);
                let resp = match self.send_wait_on(&scoped.agent, id, req, Some(left.map_or(limit, |l| l.min(limit)))) {
                    Ok(r) => r,
                    Err(_) if canceller.is_cancelled() => return Err(Error::Cancelled),
                    Err(Error::Timeout(_)) if deadline.is_some_and(|d| Instant::now() >= d) => return Err(timed_out()),
                    Err(e) => return Err(e),
                };
                match flow.state(&resp) {
                    // Incus: the wait slice passed before the operation ended.
                    Err(e) if ops::is_wait_deadline(&e) => None,
                    other => Some(other?),
                }
            } else if let Some(l) = &listener {
                match l.next(Some(left.map_or(QUIET, |l| l.min(QUIET)))) {
                    Ok(Some(msg)) => progress::operation_event(&msg.event, id),
                    Ok(None) => None,
                    Err(_) if canceller.is_cancelled() => return Err(Error::Cancelled),
                    Err(_) => {
                        // The event stream ended or broke: poll from now on.
                        listener = None;
                        None
                    }
                }
            } else {
                None
            };
            let Some(op) = state else { continue };
            heard = Instant::now();
            let news = tracker.update_op(&op);
            if op.is_final() {
                let last = tracker.last().cloned().unwrap_or(Progress { stage: String::new(), percent: -1, processed: -1, speed: -1, text: String::new() });
                // The wait is over: what the handler answers no longer matters.
                let _ = report(&op, &last);
                return op.into_result().map_err(Error::from);
            }
            if let Some(p) = news {
                if !report(&op, &p) {
                    return Err(Error::Cancelled);
                }
            }
        }
    }
}
