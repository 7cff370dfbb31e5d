//! Connect like `lxc`: remotes from the user's lxc configuration, and `lxc remote add`.

use std::ffi::c_char;
use std::path::PathBuf;

use super::client::lxd_client_builder;
use super::{arg_opt_str, arg_str, check_out, guard, lxd_error, lxd_result, write_json, write_opt_string, write_string};
use crate::lxcconfig::{self, LxcConfig};

fn config_dir(dir: Option<&str>) -> PathBuf {
    dir.map(PathBuf::from).unwrap_or_else(lxcconfig::default_config_dir)
}

/// A builder for a remote of the lxc configuration in `config_dir` (NULL: `LXD_CONF`, else
/// `~/.config/lxc`, else the snap's `~/snap/lxd/common/config`). `remote` NULL: the default
/// remote. `local` (or any `unix://` remote) is the unix socket; an HTTPS remote uses the
/// directory's `client.crt`/`client.key` and pins `servercerts/<remote>.crt`, as `lxc` does; the
/// remote's project becomes the default project. A `simplestreams` remote: `LXD_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn lxd_client_builder_new_remote(config_dir: *const c_char, remote: *const c_char, builder_out: *mut *mut lxd_client_builder, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(builder_out, "builder_out")?;
        let dir = self::config_dir(unsafe { arg_opt_str(config_dir, "config_dir") }?);
        let remote = unsafe { arg_opt_str(remote, "remote") }?;
        let b = LxcConfig::load(&dir)?.builder(remote)?;
        // SAFETY: checked non-NULL.
        unsafe { *builder_out = Box::into_raw(Box::new(lxd_client_builder { inner: b })) };
        Ok(())
    })
}

/// The remotes of the lxc configuration in `config_dir` (NULL as in
/// `lxd_client_builder_new_remote`) as a JSON object: `{"default": name, "remotes": [{"name",
/// "addr", "protocol", "project"}...]}`.
#[no_mangle]
pub unsafe extern "C" fn lxd_config_remotes(config_dir: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(json_out, "json_out")?;
        let dir = self::config_dir(unsafe { arg_opt_str(config_dir, "config_dir") }?);
        let c = LxcConfig::load(&dir)?;
        let remotes: Vec<serde_json::Value> = c
            .remote_names()
            .iter()
            .filter_map(|n| c.remote(n).ok())
            .map(|r| serde_json::json!({"name": r.name, "addr": r.addr, "protocol": r.protocol, "project": r.project}))
            .collect();
        unsafe { write_json(json_out, &serde_json::json!({"default": c.default_remote(), "remotes": remotes})) }
    })
}

/// Create `client.crt` and `client.key` in `config_dir` (NULL as above) unless both exist, as lxc
/// does on first use (ECDSA P-384, self-signed). `generated_out` (may be NULL) tells whether new
/// ones were made.
#[no_mangle]
pub unsafe extern "C" fn lxd_config_ensure_client_cert(config_dir: *const c_char, generated_out: *mut bool, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let dir = self::config_dir(unsafe { arg_opt_str(config_dir, "config_dir") }?);
        let made = lxcconfig::ensure_client_cert(&dir)?;
        if !generated_out.is_null() {
            // SAFETY: non-NULL, writable by contract.
            unsafe { *generated_out = made };
        }
        Ok(())
    })
}

/// `lxc remote add NAME URL` in the lxc configuration directory `config_dir` (NULL: found as for
/// `lxd_client_builder_new_remote`): fetch the server's certificate from `url` (`https://host:port`),
/// compare its SHA-256 fingerprint with `expected_fingerprint` (the full fingerprint: 64 hex
/// digits, any case, `:` separators allowed; anything else, a prefix included, is
/// `LXD_RESULT_INVALID_ARGUMENT` before any connection; a different certificate is
/// `LXD_RESULT_TLS`; NULL accepts it on first use like `lxc remote add --accept-certificate` —
/// only do that on a network you trust), store it in `servercerts/NAME.crt`, generate a client certificate if needed,
/// authenticate with `password` (trust password or token; NULL if the client is already trusted),
/// and add the remote to `config.yml` (other settings kept). Nothing is written when a step fails.
/// `fingerprint_out` (may be NULL) receives the server certificate's fingerprint.
#[no_mangle]
pub unsafe extern "C" fn lxd_config_add_remote(config_dir: *const c_char, name: *const c_char, url: *const c_char, password: *const c_char, expected_fingerprint: *const c_char, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        let dir = self::config_dir(unsafe { arg_opt_str(config_dir, "config_dir") }?);
        let name = unsafe { arg_str(name, "name") }?;
        let url = unsafe { arg_str(url, "url") }?;
        let pw = unsafe { arg_opt_str(password, "password") }?;
        let want = unsafe { arg_opt_str(expected_fingerprint, "expected_fingerprint") }?;
        let fp = lxcconfig::add_remote(&dir, name, url, pw, want)?;
        if fingerprint_out.is_null() {
            return Ok(());
        }
        unsafe { write_opt_string(fingerprint_out, Some(fp)) }
    })
}

/// The SHA-256 fingerprint of the first certificate in `cert_pem` (as `lxc` and LXD show it).
#[no_mangle]
pub unsafe extern "C" fn lxd_certificate_fingerprint(cert_pem: *const c_char, fingerprint_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || {
        check_out(fingerprint_out, "fingerprint_out")?;
        let pem = unsafe { arg_str(cert_pem, "cert_pem") }?;
        let cert = crate::tls::parse_certs(pem.as_bytes(), "cert_pem")?.remove(0);
        unsafe { write_string(fingerprint_out, lxcconfig::fingerprint(cert.as_ref())) }
    })
}
