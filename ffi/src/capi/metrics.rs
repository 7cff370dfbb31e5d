//! Server metrics (`GET /1.0/metrics`, OpenMetrics text).

use std::ffi::c_char;

use lxd_core::api;

use super::client::{client_ref, lxd_client};
use super::{check_out, guard, lxd_error, lxd_result, write_string};

/// The server's metrics (`GET /1.0/metrics`) in OpenMetrics text format, ending with `# EOF`, in
/// `*text_out` (yours, freed with `lxd_string_free`). The client's project selects the instances
/// reported, its target the cluster member. Over HTTPS LXD serves them to trusted clients and to
/// certificates of type `metrics`; others: `LXD_RESULT_FORBIDDEN`.
#[no_mangle]
pub unsafe extern "C" fn lxd_metrics_get(client: *const lxd_client, text_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(text_out, "text_out")?;
        let c = client_ref(client)?;
        let text = c.call(api::metrics::get())?;
        write_string(text_out, super::calls::c_text(text.as_bytes()))
    })
}
