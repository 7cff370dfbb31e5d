//! Trust tokens and the untrusted self-add.

use std::ffi::c_char;

use lxd_core::api;

use super::calls::hand_out_token;
use super::client::{client_ref, lxd_client};
use super::operation::lxd_operation;
use super::{arg_opt_str, arg_str, check_out, guard, lxd_error, lxd_result, write_string};

/// Make a trust token for a new client called `name` (`POST /1.0/certificates` with `{"type":
/// "client", "name", "token": true}`). `*token_out` gets the token string `lxc config trust add`
/// prints (yours, freed with `lxd_string_free`): the new client passes it as its trust password
/// (`lxd_client_authenticate`); it works once. Until used it can be revoked: `op_out` (may be
/// NULL) gets the token operation's handle, whose `lxd_operation_cancel` revokes it (free it with
/// `lxd_operation_free`). The call does not wait.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_token_create(client: *const lxd_client, name: *const c_char, token_out: *mut *mut c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(token_out, "token_out")?;
        let c = client_ref(client)?;
        let op = c.call(api::trust::token_create(arg_str(name, "name")?, false, &[])?)?;
        write_string(token_out, api::trust::token_from_operation(&op)?)?;
        hand_out_token(c, op, op_out);
        Ok(())
    })
}

/// Trust this client's own certificate (`POST /1.0/certificates?public` with `{"type": "client",
/// "password", "name"}`): `password` is the server's trust password or a token from
/// `lxd_certificate_token_create`; `name` may be NULL. Already trusted: `LXD_RESULT_API` (400).
/// Wrong password: `LXD_RESULT_FORBIDDEN`.
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_add_untrusted(client: *const lxd_client, password: *const c_char, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::trust::add_untrusted(arg_str(password, "password")?, arg_opt_str(name, "name")?)?)
    })
}
