//! Instances beyond the basics: console (log, clear, attach), log files, image metadata and
//! templates, typed creation, filtered lists, the full view, the bulk state change, moves between
//! cluster members, and snapshot patches.
//!
//! Objects cross as JSON text in LXD's schema; returned strings are freed with `lxd_string_free`.

use std::ffi::c_char;

use lxd_core::api::{self, instances};
use serde_json::{Map, Value};

use super::calls::{arg_opt_nonempty, call_with_body, json_out_of, write_text};
use super::client::{client_ref, lxd_client};
use super::operation::{finish_op, lxd_operation};
use super::{arg_opt_str, arg_str, check_out, guard, lxd_error, lxd_result, write_opt_string, write_string};
use crate::error::Error;

/// A container's console log (`GET /1.0/instances/<name>/console`) as text in `*text_out` (yours,
/// freed with `lxd_string_free`; bytes that are not UTF-8, and NULs, become U+FFFD). An empty
/// console buffer gives "" (LXD 5.0.2 reports it as an error; the library does not). VMs:
/// `LXD_RESULT_API` (400).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_console_log(client: *const lxd_client, name: *const c_char, text_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(text_out, "text_out")?;
        let c = client_ref(client)?;
        let bytes = c.call(api::instance_console::log(arg_str(name, "name")?)?)?;
        write_text(text_out, &bytes)
    })
}

/// Clear a container's console log (`DELETE /1.0/instances/<name>/console`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_console_log_clear(client: *const lxd_client, name: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::instance_console::clear_log(arg_str(name, "name")?)?)
    })
}

/// Open a console session (`POST /1.0/instances/<name>/console` with `{"width", "height",
/// "type"}`): `kind` is `"console"` (text) or `"vga"` (VMs; SPICE); `width`/`height` 0: LXD's
/// default. `*op_out` (required) gets the websocket operation, whose JSON (`lxd_operation_json`)
/// holds the secrets of the data (`"0"`) and control sockets in `metadata.fds`; LXD waits for
/// both to connect (LXD 5.0.2 cannot cancel it: one nobody connects to stays until the daemon is
/// killed, and holds up its shutdown). Free it with `lxd_operation_free`. For a text console,
/// `lxd_console_attach` makes this request and connects.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_console_create(client: *const lxd_client, name: *const c_char, width: u32, height: u32, kind: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(op_out, "op_out")?;
        let c = client_ref(client)?;
        let op = c.call(api::instance_console::attach(arg_str(name, "name")?, width, height, arg_str(kind, "kind")?)?)?;
        finish_op(c, Some(op), op_out)
    })
}

/// An instance's log files (`GET /1.0/instances/<name>/logs`): a JSON array of file names
/// (`"lxc.log"`, `"lxc.conf"`, ...) in `*json_out` (yours, freed with `lxd_string_free`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_log_list(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let name = arg_str(name, "name")?;
        json_out_of(client, json_out, |c| c.call(api::instance_logs::list(name)?))
    })
}

/// One log file of an instance (`GET /1.0/instances/<name>/logs/<file>`) as text in `*text_out`
/// (yours, freed with `lxd_string_free`; invalid UTF-8 and NULs become U+FFFD).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_log_get(client: *const lxd_client, name: *const c_char, file: *const c_char, text_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(text_out, "text_out")?;
        let c = client_ref(client)?;
        let bytes = c.call(api::instance_logs::get(arg_str(name, "name")?, arg_str(file, "file")?)?)?;
        write_text(text_out, &bytes)
    })
}

/// Delete a log file of an instance (`DELETE /1.0/instances/<name>/logs/<file>`). LXD refuses
/// the logs a running instance writes (`lxc.log`): `LXD_RESULT_API`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_log_delete(client: *const lxd_client, name: *const c_char, file: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::instance_logs::delete(arg_str(name, "name")?, arg_str(file, "file")?)?)
    })
}

/// An instance's image metadata (`GET /1.0/instances/<name>/metadata`: `architecture`,
/// `creation_date`, `properties`, `templates`) as JSON in `*json_out`; `etag_out` may be NULL,
/// else gets the ETag for an update. Both strings are yours, freed with `lxd_string_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_metadata_get(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(json_out, "json_out")?;
        let c = client_ref(client)?;
        let got = c.call(api::instance_metadata::get(arg_str(name, "name")?)?)?;
        let json = super::to_json(&got.value)?;
        write_opt_string(etag_out, got.etag)?;
        write_string(json_out, json)
    })
}

/// Replace an instance's image metadata (`PUT /1.0/instances/<name>/metadata`) with `json`;
/// `etag` (may be NULL) is sent as `If-Match` (LXD 5.0.2 does not check it on this PUT; its
/// PATCH, `lxd_instance_metadata_patch`, refuses a stale one with `LXD_RESULT_PRECONDITION_FAILED`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_metadata_update(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::instance_metadata::put(arg_str(name, "name")?, arg_str(json, "json")?, arg_opt_str(etag, "etag")?)?)
    })
}

/// Merge changes into an instance's image metadata (`PATCH /1.0/instances/<name>/metadata`);
/// `etag` as in `lxd_instance_metadata_update`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_metadata_patch(client: *const lxd_client, name: *const c_char, json: *const c_char, etag: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::instance_metadata::patch(arg_str(name, "name")?, arg_str(json, "json")?, arg_opt_str(etag, "etag")?)?)
    })
}

/// An instance's template files (`GET /1.0/instances/<name>/metadata/templates`): a JSON array
/// of names in `*json_out` (yours, freed with `lxd_string_free`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_template_list(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let name = arg_str(name, "name")?;
        json_out_of(client, json_out, |c| c.call(api::instance_metadata::templates(name)?))
    })
}

/// One template's content (`GET /1.0/instances/<name>/metadata/templates?path=<template>`) as
/// text in `*text_out` (yours, freed with `lxd_string_free`). Missing: `LXD_RESULT_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_template_get(client: *const lxd_client, name: *const c_char, template: *const c_char, text_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(text_out, "text_out")?;
        let c = client_ref(client)?;
        let bytes = c.call(api::instance_metadata::template_get(arg_str(name, "name")?, arg_str(template, "template")?)?)?;
        write_text(text_out, &bytes)
    })
}

/// Create or replace a template file (`POST /1.0/instances/<name>/metadata/templates?path=<template>`
/// with `content` as the body). `template` is a plain file name (`"hostname.tpl"`); reference it
/// from the metadata's `templates` (`lxd_instance_metadata_patch`) for LXD to render it.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_template_put(client: *const lxd_client, name: *const c_char, template: *const c_char, content: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let call = api::instance_metadata::template_put(arg_str(name, "name")?, arg_str(template, "template")?)?;
        let content = arg_str(content, "content")?;
        call_with_body(c, call, content.as_bytes())
    })
}

/// Delete a template file (`DELETE /1.0/instances/<name>/metadata/templates?path=<template>`).
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_template_delete(client: *const lxd_client, name: *const c_char, template: *const c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        c.call(api::instance_metadata::template_delete(arg_str(name, "name")?, arg_str(template, "template")?)?)
    })
}

/// Change the state of every instance of the client's project at once (`PUT /1.0/instances` with
/// `{"state": {"action", "timeout", "force", "stateful"}}`): `action` is `"start"`, `"stop"`,
/// `"restart"`, `"freeze"` or `"unfreeze"`. `op_out` NULL: wait until done (its failure is this
/// call's error); else `*op_out` gets the operation handle, freed with `lxd_operation_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_set_state_all(client: *const lxd_client, action: *const c_char, timeout: i32, force: bool, stateful: bool, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let op = c.call(instances::set_state_all(arg_str(action, "action")?, timeout, force, stateful)?)?;
        finish_op(c, Some(op), op_out)
    })
}

/// An instance with its state, snapshots and backups (`GET /1.0/instances/<name>?recursion=1`) as
/// JSON in `*json_out`; `etag_out` as in `lxd_instance_get`. Both strings are yours.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_get_full(client: *const lxd_client, name: *const c_char, json_out: *mut *mut c_char, etag_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        check_out(json_out, "json_out")?;
        let c = client_ref(client)?;
        let got = c.call(instances::get_full(arg_str(name, "name")?)?)?;
        let json = super::to_json(&got.value)?;
        write_opt_string(etag_out, got.etag)?;
        write_string(json_out, json)
    })
}

/// List instances with filters (`GET /1.0/instances`): `instance_type` `"container"`,
/// `"virtual-machine"` or NULL (both); `filter` LXD's collection filter (`"status eq Running"`) or
/// NULL; `all_projects` lists every project instead of the client's. `recursion` 0: a JSON array
/// of names; 1: objects; 2: objects with state, snapshots and backups. `*json_out` is yours.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_list_filtered(client: *const lxd_client, recursion: i32, instance_type: *const c_char, filter: *const c_char, all_projects: bool, json_out: *mut *mut c_char, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let opts = instances::ListOptions {
            instance_type: arg_opt_nonempty(instance_type, "instance_type")?.map(instances::InstanceType::parse).transpose()?,
            filter: arg_opt_nonempty(filter, "filter")?.map(str::to_string),
            all_projects,
        };
        json_out_of(client, json_out, |c| {
            if recursion <= 0 {
                Ok(serde_json::to_value(c.call(instances::list_names(&opts))?).unwrap_or_default())
            } else {
                Ok(Value::Array(c.call(instances::list::<Value>(recursion.min(2) as u8, &opts))?))
            }
        })
    })
}

/// Create an instance from a local image (`POST /1.0/instances`): `name`; `instance_type`
/// `"container"`, `"virtual-machine"` or NULL (container); `image` a local image alias, or
/// `"fingerprint:<hex>"` for an image by fingerprint (or a unique prefix of it); `options_json`
/// (may be NULL) more `InstancesPost` fields
/// (`profiles`, `config`, `devices`, `ephemeral`, `description`). The client's `target` picks the
/// cluster member. `op_out` NULL: wait until created; else `*op_out` gets the operation handle.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_create_from_image(client: *const lxd_client, name: *const c_char, instance_type: *const c_char, image: *const c_char, options_json: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let name = arg_str(name, "name")?;
        let image = arg_str(image, "image")?;
        let mut spec = instances::InstanceCreate::container(name, image);
        if let Some(fp) = image.strip_prefix("fingerprint:") {
            spec.source = instances::Source::ImageFingerprint(fp.to_string());
        }
        if let Some(t) = arg_opt_nonempty(instance_type, "instance_type")? {
            spec.instance_type = instances::InstanceType::parse(t)?;
        }
        if let Some(opts) = arg_opt_str(options_json, "options_json")? {
            let v: Map<String, Value> = serde_json::from_str(opts).map_err(|e| Error::invalid(format!("options_json is not a JSON object: {e}")))?;
            for (k, v) in v {
                match k.as_str() {
                    "profiles" => spec.profiles = Some(serde_json::from_value(v).map_err(|e| Error::invalid(format!("profiles: {e}")))?),
                    "config" => spec.config = serde_json::from_value(v).map_err(|e| Error::invalid(format!("config: {e}")))?,
                    "devices" => spec.devices = serde_json::from_value(v).map_err(|e| Error::invalid(format!("devices: {e}")))?,
                    "ephemeral" => spec.ephemeral = v.as_bool().ok_or_else(|| Error::invalid("ephemeral must be a boolean"))?,
                    "name" | "type" | "source" => return Err(Error::invalid(format!("option {k:?} is set by this call's arguments"))),
                    _ => {
                        spec.extra.insert(k, v);
                    }
                }
            }
        }
        let op = c.call(instances::create(&spec)?)?;
        finish_op(c, Some(op), op_out)
    })
}

/// Move a stopped instance to another cluster member (`POST /1.0/instances/<name>?target=<member>`
/// with `{"name", "migration": true}`). `op_out` NULL: wait until moved; else `*op_out` gets the
/// operation handle, freed with `lxd_operation_free`.
#[no_mangle]
pub unsafe extern "C" fn lxd_instance_move_to_member(client: *const lxd_client, name: *const c_char, member: *const c_char, op_out: *mut *mut lxd_operation, err_out: *mut *mut lxd_error) -> lxd_result {
    guard(err_out, || unsafe {
        let c = client_ref(client)?;
        let op = c.call(instances::move_to_member(arg_str(name, "name")?, arg_str(member, "member")?)?)?;
        finish_op(c, Some(op), op_out)
    })
}
