//! The drivers of the core's sans-IO flows ([`lxd_core::flow`]): they carry out each
//! [`Step`] on a real connection and feed back what came of it.
//!
//! - [`drive`] runs a two-server flow (instance and image copies) to its end, with cleanup;
//! - [`run`] runs a single-server flow to its end (the exec start);
//! - [`poll_once`] runs one round of a polling flow (one wait slice), so the caller can check its
//!   clock and cancellation between slices (operation waits, exec results).

use lxd_core::flow::{Flow, Step};
use lxd_core::transfer::Side;
use lxd_core::{Request, Response};

use crate::error::{Error, Result};
use crate::Client;

/// Run a two-server flow to its end: send each request to its server, wait for each operation,
/// and on any failure send the flow's cleanup requests (best effort) before returning the error.
pub fn drive<F: Flow<Output = String, Side = Side> + ?Sized>(flow: &mut F, source: &Client, target: &Client) -> Result<String> {
    let client = |side: Side| match side {
        Side::Source => source,
        Side::Target => target,
    };
    let mut step = flow.start().map_err(Error::from);
    let outcome = loop {
        let next: Result<Step<String, Side>> = match step {
            Ok(Step::Done(v)) => break Ok(v),
            Ok(Step::Send(side, req)) => client(side).send(req).and_then(|resp| Ok(flow.on_response(&resp)?)),
            Ok(Step::Wait(side, id)) => client(side).wait_operation(&id, None, None).and_then(|op| Ok(flow.on_waited(&op)?)),
            Err(e) => break Err(e),
        };
        step = next;
    };
    if outcome.is_err() {
        for (side, req) in flow.cleanup() {
            let _ = client(side).send(req);
        }
    }
    outcome
}

/// Run a single-server flow to its end, each request through `send`. A single-server flow that
/// asks to wait is refused (none does: waiting is [`poll_once`]'s).
pub fn run<F: Flow<Side = ()> + ?Sized>(flow: &mut F, mut send: impl FnMut(Request) -> Result<Response>) -> Result<F::Output> {
    let mut step = flow.start()?;
    loop {
        step = match step {
            Step::Done(v) => return Ok(v),
            Step::Send((), req) => flow.on_response(&send(req)?)?,
            Step::Wait((), id) => return Err(Error::protocol(format!("single-server flow asked to wait for operation {id}"))),
        };
    }
}

/// One round of a polling flow (a wait slice): its first request through `send`, the reply fed
/// back. `Some` with the flow's value once it is done, `None` to poll again (with a new flow,
/// whose slice may differ).
pub fn poll_once<F: Flow<Side = ()> + ?Sized>(flow: &mut F, send: impl FnOnce(Request) -> Result<Response>) -> Result<Option<F::Output>> {
    let req = match flow.start()? {
        Step::Done(v) => return Ok(Some(v)),
        Step::Send((), req) => req,
        Step::Wait((), id) => return Err(Error::protocol(format!("polling flow asked to wait for operation {id}"))),
    };
    match flow.on_response(&send(req)?)? {
        Step::Done(v) => Ok(Some(v)),
        _ => Ok(None),
    }
}
