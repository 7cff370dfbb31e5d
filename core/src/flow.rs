//! The one vocabulary of the sans-IO flows: every multi-request exchange in the core (waiting on
//! an operation, starting an exec, copying an instance or an image between two servers) is a
//! [`Flow`], a small state machine that never does I/O. It yields a [`Step`], the driver (the
//! transport, in `ffi/`) carries it out and feeds back what came of it:
//!
//! | step                   | the driver                                      | then calls              |
//! |------------------------|-------------------------------------------------|-------------------------|
//! | [`Step::Send`]`(s, r)` | sends request `r` to server `s`                 | [`Flow::on_response`]   |
//! | [`Step::Wait`]`(s, id)`| waits for operation `id` on `s` to succeed      | [`Flow::on_waited`]     |
//! | [`Step::Done`]`(v)`    | returns `v`                                     |                         |
//!
//! The first step comes from [`Flow::start`]. On any error (from the flow, the transport or a
//! failed operation) the driver sends the flow's [`Flow::cleanup`] requests, best effort, so
//! nothing is left waiting on a server. Single-server flows use `()` as their side; the
//! two-server flows use [`crate::transfer::Side`].
//!
//! The flows: [`crate::operation::WaitFlow`] (polls an operation in slices of a chosen length
//! until it is final: the primitive a driver realises a `Wait` step with; exec's final result is
//! one too, [`crate::exec::ExecFlow::waiter`]), [`crate::exec::ExecFlow`] (the exec `POST`, done
//! with the websockets to open), [`crate::transfer::InstanceCopyFlow`] and
//! [`crate::transfer::ImageCopyFlow`] (two servers).

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::Request;
use crate::response::Response;

/// What a flow wants next. `S` says which server a step talks to (`()` when there is one).
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T, S = ()> {
    /// Send this request to that server and feed the reply to [`Flow::on_response`].
    Send(S, Request),
    /// Wait for this operation on that server to succeed, then feed it to [`Flow::on_waited`].
    Wait(S, String),
    /// Finished with this value.
    Done(T),
}

/// A sans-IO flow: see the [module documentation](self) for how a driver runs one.
pub trait Flow {
    /// The value the flow finishes with.
    type Output;
    /// Which server a step talks to: `()` for single-server flows.
    type Side;
    /// The first step.
    fn start(&mut self) -> Result<Step<Self::Output, Self::Side>>;
    /// Feed the reply to the last `Send`.
    fn on_response(&mut self, resp: &Response) -> Result<Step<Self::Output, Self::Side>>;
    /// Feed the operation the last `Wait` waited for (it succeeded). Flows that never wait refuse.
    fn on_waited(&mut self, op: &Operation) -> Result<Step<Self::Output, Self::Side>> {
        Err(Error::protocol(format!("flow got operation {} it did not wait for", op.id)))
    }
    /// Best-effort requests to send after a failure (none by default).
    fn cleanup(&self) -> Vec<(Self::Side, Request)> {
        Vec::new()
    }
}
