//! DHCP leases of a managed network.

use std::ffi::c_char;

use lxd_core::api;

use super::calls::json_out_of;
use super::client::lxd_client;
use super::{arg_str, guard, lxd_error, lxd_result};

/// The DHCP leases of a managed network (`GET /1.0/networks/<name>/leases`): a JSON array of
/// `{hostname, hw_address, address, type, location, project}` in `*json_out` (yours, freed with
/// `lxd_string_free`). Unmanaged networks: `LXD_RESULT_API`.
#[no_mangle]
pub unsafe extern "C" fn lxd_network_leases(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let name = arg_str(name, "name")?;
        json_out_of(client, json_out, |c| c.call(api::network_leases::leases(name)?))
    })
}
