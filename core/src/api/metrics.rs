//! Server metrics (`GET /1.0/metrics`): OpenMetrics text, not JSON.

use crate::spec::Op;
use super::replies::parse_text;
use super::Call;

/// `GET /1.0/metrics`: the metrics of the client's project (or every project on the unix
/// socket / for an admin), in OpenMetrics text format, ending with `# EOF`. Over HTTPS LXD 5.0.2
/// serves them to trusted clients and to certificates of type `metrics`; the `target` member's.
pub fn get() -> Call<String> {
    Call::new(super::endpoint::get(Op::MetricsGet, &["metrics"]), parse_text)
}
