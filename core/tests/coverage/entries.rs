//! Every operation of LXD 5.0.2's and Incus 6.0.4's specs mapped to the typed builders that make its request, and
//! the C functions that expose them. `core/tests/coverage.rs` holds each sample request to its spec
//! row (method, path, fixed query, scope); `tools/gen_coverage_table.py` turns [`ENTRIES`] into
//! the README's coverage table.
//!
//! Sample arguments are the same for every builder: see [`SAMPLE_PARAMS`].

#![allow(dead_code)]

use lxd_core::api::*;
use lxd_core::models::*;
use lxd_core::{Request, Result};
use serde_json::Value;

/// The value every builder gets for a path parameter of the spec's templates (`{name}` → `n1`).
pub const SAMPLE_PARAMS: &[(&str, &str)] = &[
    ("name", "n1"),
    ("fingerprint", "abcd"),
    ("backup", "b1"),
    ("snapshot", "s1"),
    ("filename", "lxc.log"),
    ("type", "custom"),
    ("volume", "v1"),
    ("zone", "z1"),
    ("networkName", "net1"),
    ("listenAddress", "10.0.0.1"),
    ("peerName", "peer1"),
    ("id", "op1"),
    ("uuid", "w1"),
    // Incus 6.0.4's spec names some parameters differently (the values are the same).
    ("poolName", "n1"),
    ("volumeName", "v1"),
    ("backupName", "b1"),
    ("snapshotName", "s1"),
    ("bucketName", "bk1"),
    ("keyName", "k1"),
    ("integration", "i1"),
];

const N: &str = "n1";
const FP: &str = "abcd";
const B: &str = "b1";
const S: &str = "s1";
const T: &str = "custom";
const V: &str = "v1";
const Z: &str = "z1";
const NET: &str = "net1";
const ID: &str = "op1";
const U: &str = "w1";
const J: &str = "{}";
const F: &str = "lxc.log";
const BK: &str = "bk1";
const K: &str = "k1";
const I: &str = "i1";
const LA: &str = "10.0.0.1";

/// One operation: the builder(s) that make its request and the C function(s) over them.
#[derive(Clone, Copy)]
pub struct Entry {
    /// The spec's `operationId`.
    pub op: &'static str,
    /// The core builder(s), as Rust paths from `lxd_core::api` (`instances::collection().get`).
    pub builder: &'static str,
    /// The C function(s) (`lxd_instance_get`), or a note when there is none.
    pub c_function: &'static str,
    samples: fn() -> Vec<Option<Request>>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("op", &self.op).field("builder", &self.builder).field("c_function", &self.c_function).finish()
    }
}

impl Entry {
    /// The request each builder makes with the sample arguments, in the order of [`Entry::builder`]
    /// (`None` where a builder refused the sample: a bug the coverage test reports).
    pub fn samples(&self) -> Vec<Option<Request>> {
        (self.samples)()
    }
}

fn r<T>(c: Result<Call<T>>) -> Option<Request> {
    c.ok().map(|c| c.request)
}

macro_rules! e {
    ($op:literal, $builder:literal, $c:literal, $samples:expr) => {
        Entry { op: $op, builder: $builder, c_function: $c, samples: $samples }
    };
}

/// Every operation of the spec, sorted by `operationId`.
pub const ENTRIES: &[Entry] = &[
    e!("api_get", "root::api_versions", "lxd_server_api_versions", || vec![Some(root::api_versions().request)]),
    e!("certificate_delete", "certificates::collection().delete", "lxd_certificate_delete", || vec![r(certificates::collection().delete("abcd"))]),
    e!("certificate_get", "certificates::collection().get", "lxd_certificate_get", || vec![r(certificates::collection().get::<Value>("abcd"))]),
    e!("certificate_patch", "certificates::collection().patch", "lxd_certificate_patch", || vec![r(certificates::collection().patch("abcd", J, None))]),
    e!("certificate_put", "certificates::collection().put", "lxd_certificate_update", || vec![r(certificates::collection().put("abcd", J, None))]),
    e!("certificates_get", "certificates::collection().list_names", "lxd_certificate_list (recursion 0)", || vec![Some(certificates::collection().list_names().request)]),
    e!("certificates_get_recursion1", "certificates::collection().list(1)", "lxd_certificate_list (recursion 1)", || vec![Some(certificates::collection().list::<Value>(1).request)]),
    e!("certificates_post", "certificates::add, trust::add_json, trust::token_create", "lxd_certificate_add, lxd_certificate_create, lxd_certificate_token_create, lxd_client_authenticate", || vec![r(certificates::add(None, Some("n"), Some("pw"), "client")), r(trust::add_json(r#"{"type":"client","password":"pw"}"#)), r(trust::token_create("bob", false, &[]))]),
    e!("certificates_post_untrusted", "trust::add_untrusted", "lxd_certificate_add_untrusted", || vec![r(trust::add_untrusted("pw", Some("me")))]),
    e!("cluster_get", "cluster::get", "lxd_cluster_get", || vec![Some(cluster::get().request)]),
    e!("cluster_group_delete", "cluster::groups().delete", "lxd_cluster_group_delete", || vec![r(cluster::groups().delete(N))]),
    e!("cluster_group_get", "cluster::groups().get", "lxd_cluster_group_get", || vec![r(cluster::groups().get::<Value>(N))]),
    e!("cluster_group_patch", "cluster::groups().patch", "lxd_cluster_group_patch", || vec![r(cluster::groups().patch(N, J, None))]),
    e!("cluster_group_post", "cluster::groups().rename", "lxd_cluster_group_rename", || vec![r(cluster::groups().rename(N, "n2"))]),
    e!("cluster_group_put", "cluster::groups().put", "lxd_cluster_group_update", || vec![r(cluster::groups().put(N, J, None))]),
    e!("cluster_groups_get", "cluster::groups().list_names", "lxd_cluster_group_list (recursion 0)", || vec![Some(cluster::groups().list_names().request)]),
    e!("cluster_groups_get_recursion1", "cluster::groups().list(1)", "lxd_cluster_group_list (recursion 1)", || vec![Some(cluster::groups().list::<Value>(1).request)]),
    e!("cluster_groups_post", "cluster::groups().create_sync", "lxd_cluster_group_create", || vec![r(cluster::groups().create_sync(r#"{"name":"g1"}"#))]),
    e!("cluster_member_delete", "cluster::members().delete", "lxd_cluster_member_delete", || vec![r(cluster::members().delete(N))]),
    e!("cluster_member_get", "cluster::members().get", "lxd_cluster_member_get", || vec![r(cluster::members().get::<Value>(N))]),
    e!("cluster_member_patch", "cluster::members().patch", "lxd_cluster_member_patch", || vec![r(cluster::members().patch(N, J, None))]),
    e!("cluster_member_post", "cluster::members().rename", "lxd_cluster_member_rename", || vec![r(cluster::members().rename(N, "n2"))]),
    e!("cluster_member_put", "cluster::members().put", "lxd_cluster_member_update", || vec![r(cluster::members().put(N, J, None))]),
    e!("cluster_member_state_get", "cluster::member_state_get", "lxd_cluster_member_state", || vec![r(cluster::member_state_get(N))]),
    e!("cluster_member_state_post", "cluster::member_state", "lxd_cluster_member_set_state, lxd_cluster_member_evacuate, lxd_cluster_member_restore", || vec![r(cluster::member_state(N, cluster::MemberAction::Evacuate, None))]),
    e!("cluster_members_get", "cluster::members().list_names", "lxd_cluster_member_list (recursion 0)", || vec![Some(cluster::members().list_names().request)]),
    e!("cluster_members_get_recursion1", "cluster::members().list(1)", "lxd_cluster_member_list (recursion 1)", || vec![Some(cluster::members().list::<Value>(1).request)]),
    e!("cluster_members_post", "cluster::join_token", "lxd_cluster_member_join_token", || vec![r(cluster::join_token("new1"))]),
    e!("cluster_put", "cluster::put", "lxd_cluster_update", || vec![r(cluster::put(J, None))]),
    e!("clustering_update_cert", "cluster::update_certificate", "lxd_cluster_update_certificate", || vec![r(cluster::update_certificate("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n", None))]),
    e!("events_get", "lxd_core::events::listen", "lxd_event_listener_open", || vec![lxd_core::events::listen(&["lifecycle", "operation"], false).ok(), lxd_core::events::listen(&[], true).ok()]),
    e!("image_alias_delete", "images::aliases().delete", "lxd_image_alias_delete", || vec![r(images::aliases().delete(N))]),
    e!("image_alias_get", "images::aliases().get", "lxd_image_alias_get", || vec![r(images::aliases().get::<ImageAlias>(N))]),
    e!("image_alias_get_untrusted", "images::alias_get_untrusted", "lxd_image_alias_get_public", || vec![r(images::alias_get_untrusted(N))]),
    e!("image_delete", "images::collection().delete", "lxd_image_delete", || vec![r(images::collection().delete(FP))]),
    e!("image_export_get", "lxd_core::transfer::image_export", "lxd_image_export_path, lxd_image_export_fd", || vec![lxd_core::transfer::image_export(FP).ok()]),
    e!("image_export_get_untrusted", "images::export_untrusted", "— (request only: a streamed download for untrusted clients)", || vec![images::export_untrusted(FP, Some("sec")).ok()]),
    e!("image_get", "images::collection().get", "lxd_image_get", || vec![r(images::collection().get::<Image>(FP))]),
    e!("image_get_untrusted", "images::get_untrusted", "lxd_image_get_public", || vec![r(images::get_untrusted(FP, Some("sec")))]),
    e!("image_patch", "images::collection().patch", "lxd_image_patch", || vec![r(images::collection().patch(FP, J, None))]),
    e!("image_put", "images::collection().put", "lxd_image_update", || vec![r(images::collection().put(FP, J, None))]),
    e!("images_alias_patch", "images::aliases().patch", "lxd_image_alias_patch", || vec![r(images::aliases().patch(N, J, None))]),
    e!("images_alias_post", "images::aliases().rename", "lxd_image_alias_rename", || vec![r(images::aliases().rename(N, "n2"))]),
    e!("images_aliases_get", "images::aliases().list_names", "lxd_image_alias_list (recursion 0)", || vec![Some(images::aliases().list_names().request)]),
    e!("images_aliases_get_recursion1", "images::aliases().list(1)", "lxd_image_alias_list (recursion 1)", || vec![Some(images::aliases().list::<ImageAlias>(1).request)]),
    e!("images_aliases_post", "images::alias_create", "lxd_image_alias_create", || vec![r(images::alias_create(N, FP, "d"))]),
    e!("images_aliases_put", "images::aliases().put", "lxd_image_alias_update", || vec![r(images::aliases().put(N, J, None))]),
    e!("images_export_post", "images::push_to", "lxd_image_push_to", || vec![r(images::push_to(FP, r#"{"target":"https://127.0.0.1:8443"}"#))]),
    e!("images_get", "images::collection().list_names, images::list_names_filtered", "lxd_image_list (recursion 0), lxd_image_list_filtered", || vec![Some(images::collection().list_names().request), Some(images::list_names_filtered(Some("properties.os eq busybox")).request)]),
    e!("images_get_recursion1", "images::collection().list(1), images::list_filtered", "lxd_image_list (recursion 1), lxd_image_list_filtered", || vec![Some(images::collection().list::<Image>(1).request), Some(images::list_filtered::<Image>(None).request)]),
    e!("images_get_recursion1_untrusted", "images::list_untrusted", "lxd_image_list_public (recursion 1)", || vec![Some(images::list_untrusted().request)]),
    e!("images_get_untrusted", "images::list_names_untrusted", "lxd_image_list_public (recursion 0)", || vec![Some(images::list_names_untrusted().request)]),
    e!("images_post", "images::collection().create_async, lxd_core::transfer::image_upload, lxd_core::transfer::image_from_url, lxd_core::transfer::image_from_simplestreams", "lxd_image_create, lxd_image_upload_path, lxd_image_upload_split, lxd_image_create_from_url, lxd_image_create_from_simplestreams, lxd_image_copy_to", || vec![
        r(images::collection().create_async(r#"{"source":{"type":"url","url":"https://example.invalid"}}"#)),
        lxd_core::transfer::ImageUploadOptions::from_json(None).ok().and_then(|o| r(lxd_core::transfer::image_upload(&o, "application/octet-stream"))),
        r(lxd_core::transfer::image_from_url("https://example.invalid/img", None)),
        r(lxd_core::transfer::image_from_simplestreams("https://example.invalid", "busybox", None)),
    ]),
    e!("images_post_untrusted", "images::receive_untrusted", "— (request only: the receiving end of an LXD-to-LXD push)", || vec![r(images::receive_untrusted("sec", FP))]),
    e!("images_refresh_post", "images::refresh", "lxd_image_refresh", || vec![r(images::refresh(FP))]),
    e!("images_secret_post", "images::secret, lxd_core::transfer::image_secret", "lxd_image_secret, lxd_image_copy_to", || vec![r(images::secret(FP)), r(lxd_core::transfer::image_secret(FP))]),
    e!("instance_access", "instances::access", "lxd_instance_access", || vec![r(instances::access(N))]),
    e!("instance_backup_delete", "instance_backups::collection(i).delete", "lxd_instance_backup_delete", || vec![instance_backups::collection(N).ok().and_then(|c| r(c.delete(B)))]),
    e!("instance_backup_export", "instance_backups::export", "lxd_instance_backup_export_path, lxd_instance_backup_export_fd", || vec![instance_backups::export(N, B).ok()]),
    e!("instance_backup_get", "instance_backups::collection(i).get", "lxd_instance_backup_get", || vec![instance_backups::collection(N).ok().and_then(|c| r(c.get::<Value>(B)))]),
    e!("instance_backup_post", "instance_backups::collection(i).rename", "lxd_instance_backup_rename", || vec![instance_backups::collection(N).ok().and_then(|c| r(c.rename(B, "b2")))]),
    e!("instance_backups_get", "instance_backups::collection(i).list_names", "lxd_instance_backup_list (recursion 0)", || vec![instance_backups::collection(N).ok().map(|c| c.list_names().request)]),
    e!("instance_backups_get_recursion1", "instance_backups::collection(i).list(1)", "lxd_instance_backup_list (recursion 1)", || vec![instance_backups::collection(N).ok().map(|c| c.list::<Value>(1).request)]),
    e!("instance_backups_post", "instance_backups::create", "lxd_instance_backup_create", || vec![r(instance_backups::create(N, &instance_backups::BackupOptions::default()))]),
    e!("instance_console_delete", "instance_console::clear_log", "lxd_instance_console_log_clear", || vec![r(instance_console::clear_log(N))]),
    e!("instance_console_get", "instance_console::log", "lxd_instance_console_log", || vec![r(instance_console::log(N))]),
    e!("instance_console_post", "instance_console::attach, instance_console::sockets", "lxd_console_attach (the console stream: read, write, resize), lxd_instance_console_create (the operation and its websocket secrets only)", || vec![r(instance_console::attach(N, 80, 24, "console"))]),
    e!("instance_debug_memory_get", "instances::debug_memory", "lxd_instance_debug_memory_path, lxd_instance_debug_memory_fd", || vec![instances::debug_memory(N, None).ok(), instances::debug_memory(N, Some("elf")).ok()]),
    e!("instance_delete", "instances::collection().delete", "lxd_instance_delete", || vec![r(instances::collection().delete(N))]),
    e!("instance_exec-output_delete", "instance_logs::exec_output_delete", "lxd_instance_exec_output_delete", || vec![r(instance_logs::exec_output_delete(N, F))]),
    e!("instance_exec-output_get", "instance_logs::exec_output_get", "lxd_instance_exec_output_get", || vec![r(instance_logs::exec_output_get(N, F))]),
    e!("instance_exec-outputs_get", "instance_logs::exec_outputs", "lxd_instance_exec_output_list", || vec![r(instance_logs::exec_outputs(N))]),
    e!("instance_exec_post", "lxd_core::exec::start, lxd_core::exec::ExecFlow", "lxd_instance_exec, lxd_instance_exec_fds, lxd_exec_start, lxd_exec_run", || vec![lxd_core::exec::ExecRequest::new(["true"]).ok().and_then(|x| r(lxd_core::exec::start(N, &x)))]),
    e!("instance_files_delete", "lxd_core::files::delete", "lxd_file_delete", || vec![r(lxd_core::files::delete(N, "/tmp/x"))]),
    e!("instance_files_get", "lxd_core::files::pull", "lxd_file_pull_path, lxd_file_pull_fd, lxd_file_pull_bytes, lxd_file_pull_tree, lxd_file_list", || vec![lxd_core::files::pull(N, "/etc/hostname").ok()]),
    e!("instance_files_head", "lxd_core::files::stat", "lxd_file_stat", || vec![r(lxd_core::files::stat(N, "/etc"))]),
    e!("instance_files_post", "lxd_core::files::push, lxd_core::files::mkdir, lxd_core::files::symlink", "lxd_file_push_path, lxd_file_push_fd, lxd_file_push_bytes, lxd_file_push_tree, lxd_file_mkdir, lxd_file_symlink", || {
        let o = lxd_core::files::FileOptions::default();
        vec![r(lxd_core::files::push(N, "/tmp/a b", &o)), r(lxd_core::files::mkdir(N, "/tmp/d", &o)), r(lxd_core::files::symlink(N, "/tmp/l", "/etc", &o))]
    }),
    e!("instance_get", "instances::collection().get, lxd_core::transfer::copy_local_source", "lxd_instance_get, lxd_instance_exists", || vec![r(instances::collection().get::<Instance>(N)), lxd_core::transfer::copy_local_source(N).ok()]),
    e!("instance_get_recursion1", "instances::get_full", "lxd_instance_get_full", || vec![r(instances::get_full(N))]),
    e!("instance_log_delete", "instance_logs::delete", "lxd_instance_log_delete", || vec![r(instance_logs::delete(N, "lxc.log"))]),
    e!("instance_log_get", "instance_logs::get", "lxd_instance_log_get", || vec![r(instance_logs::get(N, "lxc.log"))]),
    e!("instance_logs_get", "instance_logs::list", "lxd_instance_log_list", || vec![r(instance_logs::list(N))]),
    e!("instance_metadata_get", "instance_metadata::get", "lxd_instance_metadata_get", || vec![r(instance_metadata::get(N))]),
    e!("instance_metadata_patch", "instance_metadata::patch", "lxd_instance_metadata_patch", || vec![r(instance_metadata::patch(N, J, None))]),
    e!("instance_metadata_put", "instance_metadata::put", "lxd_instance_metadata_update", || vec![r(instance_metadata::put(N, J, None))]),
    e!("instance_metadata_templates_delete", "instance_metadata::template_delete", "lxd_instance_template_delete", || vec![r(instance_metadata::template_delete(N, "t.tpl"))]),
    e!("instance_metadata_templates_get", "instance_metadata::templates, instance_metadata::template_get", "lxd_instance_template_list, lxd_instance_template_get", || vec![r(instance_metadata::templates(N)), r(instance_metadata::template_get(N, "t.tpl"))]),
    e!("instance_metadata_templates_post", "instance_metadata::template_put", "lxd_instance_template_put", || vec![r(instance_metadata::template_put(N, "t.tpl"))]),
    e!("instance_patch", "instances::collection().patch", "lxd_instance_patch", || vec![r(instances::collection().patch(N, J, None))]),
    e!("instance_post", "instances::collection().rename, instances::move_to_member, lxd_core::transfer::migration_source", "lxd_instance_rename, lxd_instance_move_to_member, lxd_instance_migrate_to, lxd_instance_copy_to", || vec![r(instances::collection().rename(N, "n2")), r(instances::move_to_member(N, "m3")), r(lxd_core::transfer::migration_source(N, false, true))]),
    e!("instance_put", "instances::collection().put, snapshots::restore", "lxd_instance_update, lxd_snapshot_restore", || vec![r(instances::collection().put(N, J, None)), r(snapshots::restore(N, S, false))]),
    e!("instance_rebuild_post", "instances::rebuild", "lxd_instance_rebuild", || vec![r(instances::rebuild(N, r#"{"source":{"type":"none"}}"#))]),
    e!("instance_sftp", "instances::sftp", "— (request only: the upgraded connection needs an SFTP client)", || vec![instances::sftp(N).ok()]),
    e!("instance_snapshot_delete", "snapshots::collection(i).delete", "lxd_snapshot_delete", || vec![snapshots::collection(N).ok().and_then(|c| r(c.delete(S)))]),
    e!("instance_snapshot_get", "snapshots::collection(i).get, lxd_core::transfer::copy_local_source", "lxd_snapshot_get", || vec![snapshots::collection(N).ok().and_then(|c| r(c.get::<Snapshot>(S))), lxd_core::transfer::copy_local_source("n1/s1").ok()]),
    e!("instance_snapshot_patch", "snapshots::collection(i).patch", "lxd_snapshot_patch", || vec![snapshots::collection(N).ok().and_then(|c| r(c.patch(S, J, None)))]),
    e!("instance_snapshot_post", "snapshots::collection(i).rename", "lxd_snapshot_rename", || vec![snapshots::collection(N).ok().and_then(|c| r(c.rename(S, "s2")))]),
    e!("instance_snapshot_put", "snapshots::collection(i).put", "lxd_snapshot_update", || vec![snapshots::collection(N).ok().and_then(|c| r(c.put(S, J, None)))]),
    e!("instance_snapshots_get", "snapshots::collection(i).list_names", "lxd_snapshot_list (recursion 0)", || vec![snapshots::collection(N).ok().map(|c| c.list_names().request)]),
    e!("instance_snapshots_get_recursion1", "snapshots::collection(i).list(1)", "lxd_snapshot_list (recursion 1)", || vec![snapshots::collection(N).ok().map(|c| c.list::<Snapshot>(1).request)]),
    e!("instance_snapshots_post", "snapshots::create", "lxd_snapshot_create", || vec![r(snapshots::create(N, Some(S), false))]),
    e!("instance_state_get", "instances::state", "lxd_instance_state", || vec![r(instances::state(N))]),
    e!("instance_state_put", "instances::set_state", "lxd_instance_set_state (start, stop, restart, freeze, unfreeze)", || vec![r(instances::set_state(N, "start", -1, false, false))]),
    e!("instances_get", "instances::collection().list_names, instances::list_names", "lxd_instance_list (recursion 0), lxd_instance_list_filtered", || vec![Some(instances::collection().list_names().request), Some(instances::list_names(&instances::ListOptions { instance_type: Some(instances::InstanceType::Container), filter: Some("status eq Running".into()), all_projects: true }).request)]),
    e!("instances_get_recursion1", "instances::collection().list(1), instances::list(1, ..)", "lxd_instance_list (recursion 1), lxd_instance_list_filtered", || vec![Some(instances::collection().list::<Instance>(1).request), Some(instances::list::<Value>(1, &instances::ListOptions::default()).request)]),
    e!("instances_get_recursion2", "instances::collection().list(2), instances::list(2, ..)", "lxd_instance_list (recursion 2), lxd_instance_list_filtered", || vec![Some(instances::collection().list::<Instance>(2).request), Some(instances::list::<Value>(2, &instances::ListOptions::default()).request)]),
    e!("instances_post", "instances::collection().create_async, instances::create, instances::import_backup, lxd_core::transfer::copy_local", "lxd_instance_create, lxd_instance_create_from_image, lxd_instance_backup_import_path, lxd_instance_backup_import_fd, lxd_instance_copy_local, lxd_instance_copy_to", || vec![
        r(instances::collection().create_async(r#"{"name":"n1","source":{"type":"none"}}"#)),
        r(instances::create(&instances::InstanceCreate::container(N, "busybox"))),
        r(instances::import_backup(Some(N), None)),
        lxd_core::transfer::CopyOptions::from_json(None).ok().and_then(|o| r(lxd_core::transfer::copy_local("src1", N, &o, &Instance::default()))),
    ]),
    e!("instances_put", "instances::set_state_all", "lxd_instance_set_state_all", || vec![r(instances::set_state_all("stop", 5, true, false))]),
    e!("metadata_configuration_get", "server::metadata_configuration", "lxd_server_metadata_configuration", || vec![Some(server::metadata_configuration().request)]),
    e!("metrics_get", "metrics::get", "lxd_metrics_get", || vec![Some(metrics::get().request)]),
    e!("network_acl_delete", "network_acls::collection().delete", "lxd_network_acl_delete", || vec![r(network_acls::collection().delete(N))]),
    e!("network_acl_get", "network_acls::collection().get", "lxd_network_acl_get", || vec![r(network_acls::collection().get::<Value>(N))]),
    e!("network_acl_log_get", "network_acls::log", "lxd_network_acl_log", || vec![r(network_acls::log(N))]),
    e!("network_acl_patch", "network_acls::collection().patch", "lxd_network_acl_patch", || vec![r(network_acls::collection().patch(N, J, None))]),
    e!("network_acl_post", "network_acls::collection().rename", "lxd_network_acl_rename", || vec![r(network_acls::collection().rename(N, "n2"))]),
    e!("network_acl_put", "network_acls::collection().put", "lxd_network_acl_update", || vec![r(network_acls::collection().put(N, J, None))]),
    e!("network_acls_get", "network_acls::collection().list_names", "lxd_network_acl_list (recursion 0)", || vec![Some(network_acls::collection().list_names().request)]),
    e!("network_acls_get_recursion1", "network_acls::collection().list(1)", "lxd_network_acl_list (recursion 1)", || vec![Some(network_acls::collection().list::<Value>(1).request)]),
    e!("network_acls_post", "network_acls::collection().create_sync", "lxd_network_acl_create", || vec![r(network_acls::collection().create_sync(r#"{"name":"a1"}"#))]),
    e!("network_allocations_get", "networks::allocations", "lxd_network_allocations", || vec![Some(networks::allocations(false).request), Some(networks::allocations(true).request)]),
    e!("network_delete", "networks::collection().delete", "lxd_network_delete", || vec![r(networks::collection().delete(N))]),
    e!("network_forward_delete", "network_forwards::collection(n).delete", "lxd_network_forward_delete", || vec![network_forwards::collection(NET).ok().and_then(|c| r(c.delete("10.0.0.1")))]),
    e!("network_forward_get", "network_forwards::collection(n).get", "lxd_network_forward_get", || vec![network_forwards::collection(NET).ok().and_then(|c| r(c.get::<Value>("10.0.0.1")))]),
    e!("network_forward_get_recursion1", "network_forwards::collection(n).list(1)", "lxd_network_forward_list (recursion 1)", || vec![network_forwards::collection(NET).ok().map(|c| c.list::<Value>(1).request)]),
    e!("network_forward_patch", "network_forwards::collection(n).patch", "lxd_network_forward_patch", || vec![network_forwards::collection(NET).ok().and_then(|c| r(c.patch("10.0.0.1", J, None)))]),
    e!("network_forward_put", "network_forwards::collection(n).put", "lxd_network_forward_update", || vec![network_forwards::collection(NET).ok().and_then(|c| r(c.put("10.0.0.1", J, None)))]),
    e!("network_forwards_get", "network_forwards::collection(n).list_names", "lxd_network_forward_list (recursion 0)", || vec![network_forwards::collection(NET).ok().map(|c| c.list_names().request)]),
    e!("network_forwards_post", "network_forwards::collection(n).create_sync", "lxd_network_forward_create", || vec![network_forwards::collection(NET).ok().and_then(|c| r(c.create_sync(r#"{"listen_address":"10.0.0.1"}"#)))]),
    e!("network_get", "networks::collection().get", "lxd_network_get", || vec![r(networks::collection().get::<Network>(N))]),
    e!("network_integration_delete", "network_integrations::collection().delete", "lxd_network_integration_delete", || vec![r(network_integrations::collection().delete(I))]),
    e!("network_integration_get", "network_integrations::collection().get", "lxd_network_integration_get, lxd_network_integration_exists", || vec![r(network_integrations::collection().get::<Value>(I))]),
    e!("network_integration_patch", "network_integrations::collection().patch", "lxd_network_integration_patch", || vec![r(network_integrations::collection().patch(I, J, None))]),
    e!("network_integration_post", "network_integrations::collection().rename", "lxd_network_integration_rename", || vec![r(network_integrations::collection().rename(I, "i2"))]),
    e!("network_integration_put", "network_integrations::collection().put", "lxd_network_integration_update", || vec![r(network_integrations::collection().put(I, J, None))]),
    e!("network_integrations_get", "network_integrations::collection().list_names", "lxd_network_integration_list (recursion 0)", || vec![Some(network_integrations::collection().list_names().request)]),
    e!("network_integrations_get_recursion1", "network_integrations::collection().list(1)", "lxd_network_integration_list (recursion 1)", || vec![Some(network_integrations::collection().list::<Value>(1).request)]),
    e!("network_integrations_post", "network_integrations::collection().create_sync", "lxd_network_integration_create", || vec![r(network_integrations::collection().create_sync(r#"{"name":"i1","type":"ovn"}"#))]),
    e!("network_load_balancer_delete", "network_load_balancers::collection(n).delete", "lxd_network_load_balancer_delete", || vec![network_load_balancers::collection(NET).ok().and_then(|c| r(c.delete(LA)))]),
    e!("network_load_balancer_get", "network_load_balancers::collection(n).get", "lxd_network_load_balancer_get", || vec![network_load_balancers::collection(NET).ok().and_then(|c| r(c.get::<Value>(LA)))]),
    e!("network_load_balancer_get_recursion1", "network_load_balancers::collection(n).list(1)", "lxd_network_load_balancer_list (recursion 1)", || vec![network_load_balancers::collection(NET).ok().map(|c| c.list::<Value>(1).request)]),
    e!("network_load_balancer_patch", "network_load_balancers::collection(n).patch", "lxd_network_load_balancer_patch", || vec![network_load_balancers::collection(NET).ok().and_then(|c| r(c.patch(LA, J, None)))]),
    e!("network_load_balancer_put", "network_load_balancers::collection(n).put", "lxd_network_load_balancer_update", || vec![network_load_balancers::collection(NET).ok().and_then(|c| r(c.put(LA, J, None)))]),
    e!("network_load_balancer_state_get", "network_load_balancers::state", "lxd_network_load_balancer_state", || vec![r(network_load_balancers::state(NET, LA))]),
    e!("network_load_balancers_get", "network_load_balancers::collection(n).list_names", "lxd_network_load_balancer_list (recursion 0)", || vec![network_load_balancers::collection(NET).ok().map(|c| c.list_names().request)]),
    e!("network_load_balancers_post", "network_load_balancers::collection(n).create_sync", "lxd_network_load_balancer_create", || vec![network_load_balancers::collection(NET).ok().and_then(|c| r(c.create_sync(r#"{"listen_address":"10.0.0.1"}"#)))]),
    e!("network_patch", "networks::collection().patch", "lxd_network_patch", || vec![r(networks::collection().patch(N, J, None))]),
    e!("network_peer_delete", "network_peers::collection(n).delete", "lxd_network_peer_delete", || vec![network_peers::collection(NET).ok().and_then(|c| r(c.delete("peer1")))]),
    e!("network_peer_get", "network_peers::collection(n).get", "lxd_network_peer_get", || vec![network_peers::collection(NET).ok().and_then(|c| r(c.get::<Value>("peer1")))]),
    e!("network_peer_get_recursion1", "network_peers::collection(n).list(1)", "lxd_network_peer_list (recursion 1)", || vec![network_peers::collection(NET).ok().map(|c| c.list::<Value>(1).request)]),
    e!("network_peer_patch", "network_peers::collection(n).patch", "lxd_network_peer_patch", || vec![network_peers::collection(NET).ok().and_then(|c| r(c.patch("peer1", J, None)))]),
    e!("network_peer_put", "network_peers::collection(n).put", "lxd_network_peer_update", || vec![network_peers::collection(NET).ok().and_then(|c| r(c.put("peer1", J, None)))]),
    e!("network_peers_get", "network_peers::collection(n).list_names", "lxd_network_peer_list (recursion 0)", || vec![network_peers::collection(NET).ok().map(|c| c.list_names().request)]),
    e!("network_peers_post", "network_peers::collection(n).create_sync", "lxd_network_peer_create", || vec![network_peers::collection(NET).ok().and_then(|c| r(c.create_sync(r#"{"name":"peer1"}"#)))]),
    e!("network_post", "networks::collection().rename", "lxd_network_rename", || vec![r(networks::collection().rename(N, "n2"))]),
    e!("network_put", "networks::collection().put", "lxd_network_update", || vec![r(networks::collection().put(N, J, None))]),
    e!("network_zone_delete", "network_zones::collection().delete", "lxd_network_zone_delete", || vec![r(network_zones::collection().delete(N))]),
    e!("network_zone_get", "network_zones::collection().get", "lxd_network_zone_get", || vec![r(network_zones::collection().get::<Value>(N))]),
    e!("network_zone_patch", "network_zones::collection().patch", "lxd_network_zone_patch", || vec![r(network_zones::collection().patch(N, J, None))]),
    e!("network_zone_put", "network_zones::collection().put", "lxd_network_zone_update", || vec![r(network_zones::collection().put(N, J, None))]),
    e!("network_zone_record_delete", "network_zones::records(z).delete", "lxd_network_zone_record_delete", || vec![network_zones::records(Z).ok().and_then(|c| r(c.delete(N)))]),
    e!("network_zone_record_get", "network_zones::records(z).get", "lxd_network_zone_record_get", || vec![network_zones::records(Z).ok().and_then(|c| r(c.get::<Value>(N)))]),
    e!("network_zone_record_patch", "network_zones::records(z).patch", "lxd_network_zone_record_patch", || vec![network_zones::records(Z).ok().and_then(|c| r(c.patch(N, J, None)))]),
    e!("network_zone_record_put", "network_zones::records(z).put", "lxd_network_zone_record_update", || vec![network_zones::records(Z).ok().and_then(|c| r(c.put(N, J, None)))]),
    e!("network_zone_records_get", "network_zones::records(z).list_names", "lxd_network_zone_record_list (recursion 0)", || vec![network_zones::records(Z).ok().map(|c| c.list_names().request)]),
    e!("network_zone_records_get_recursion1", "network_zones::records(z).list(1)", "lxd_network_zone_record_list (recursion 1)", || vec![network_zones::records(Z).ok().map(|c| c.list::<Value>(1).request)]),
    e!("network_zone_records_post", "network_zones::records(z).create_sync", "lxd_network_zone_record_create", || vec![network_zones::records(Z).ok().and_then(|c| r(c.create_sync(r#"{"name":"r1"}"#)))]),
    e!("network_zones_get", "network_zones::collection().list_names", "lxd_network_zone_list (recursion 0)", || vec![Some(network_zones::collection().list_names().request)]),
    e!("network_zones_get_recursion1", "network_zones::collection().list(1)", "lxd_network_zone_list (recursion 1)", || vec![Some(network_zones::collection().list::<Value>(1).request)]),
    e!("network_zones_post", "network_zones::collection().create_sync", "lxd_network_zone_create", || vec![r(network_zones::collection().create_sync(r#"{"name":"z1.example"}"#))]),
    e!("networks_get", "networks::collection().list_names", "lxd_network_list (recursion 0)", || vec![Some(networks::collection().list_names().request)]),
    e!("networks_get_recursion1", "networks::collection().list(1)", "lxd_network_list (recursion 1)", || vec![Some(networks::collection().list::<Network>(1).request)]),
    e!("networks_leases_get", "network_leases::leases", "lxd_network_leases", || vec![r(network_leases::leases(N))]),
    e!("networks_post", "networks::collection().create_sync", "lxd_network_create", || vec![r(networks::collection().create_sync(r#"{"name":"br1"}"#))]),
    e!("networks_state_get", "networks::state", "lxd_network_state", || vec![r(networks::state(N))]),
    e!("operation_delete", "operations::cancel (operation::cancel)", "lxd_operation_cancel", || vec![r(operations::cancel(ID))]),
    e!("operation_get", "operations::get (operation::get)", "lxd_operation_open, lxd_operation_refresh", || vec![r(operations::get(ID))]),
    e!("operation_wait_get", "operations::wait (operation::WaitFlow)", "lxd_operation_wait", || vec![r(operations::wait(ID, 5))]),
    e!("operation_wait_get_untrusted", "operations::wait_untrusted", "lxd_operation_wait_untrusted", || vec![r(operations::wait_untrusted(ID, "sec", 5))]),
    e!("operation_websocket_get", "operations::websocket, lxd_core::exec::websocket", "used inside lxd_exec_start, lxd_instance_exec, lxd_console_attach and lxd_instance_migrate_to", || vec![operations::websocket(ID, "sec").ok(), lxd_core::exec::websocket(ID, "sec").ok()]),
    e!("operation_websocket_get_untrusted", "operations::websocket_untrusted", "— (request only: in a migration the other LXD, not the client, connects to it)", || vec![operations::websocket_untrusted(ID, "sec").ok()]),
    e!("operations_get", "operations::list_ids", "lxd_operation_list_ids", || vec![Some(operations::list_ids().request)]),
    e!("operations_get_recursion1", "operations::list (operation::list)", "lxd_operation_list", || vec![Some(operations::list().request)]),
    e!("profile_delete", "profiles::collection().delete", "lxd_profile_delete", || vec![r(profiles::collection().delete(N))]),
    e!("profile_get", "profiles::collection().get", "lxd_profile_get", || vec![r(profiles::collection().get::<Profile>(N))]),
    e!("profile_patch", "profiles::collection().patch", "lxd_profile_patch", || vec![r(profiles::collection().patch(N, J, None))]),
    e!("profile_post", "profiles::collection().rename", "lxd_profile_rename", || vec![r(profiles::collection().rename(N, "n2"))]),
    e!("profile_put", "profiles::collection().put", "lxd_profile_update", || vec![r(profiles::collection().put(N, J, None))]),
    e!("profiles_get", "profiles::collection().list_names", "lxd_profile_list (recursion 0)", || vec![Some(profiles::collection().list_names().request)]),
    e!("profiles_get_recursion1", "profiles::collection().list(1)", "lxd_profile_list (recursion 1)", || vec![Some(profiles::collection().list::<Profile>(1).request)]),
    e!("profiles_post", "profiles::collection().create_sync", "lxd_profile_create", || vec![r(profiles::collection().create_sync(r#"{"name":"p1"}"#))]),
    e!("project_access", "projects::access", "lxd_project_access", || vec![r(projects::access(N))]),
    e!("project_delete", "projects::collection().delete", "lxd_project_delete", || vec![r(projects::collection().delete(N))]),
    e!("project_get", "projects::collection().get", "lxd_project_get", || vec![r(projects::collection().get::<Value>(N))]),
    e!("project_patch", "projects::collection().patch", "lxd_project_patch", || vec![r(projects::collection().patch(N, J, None))]),
    e!("project_post", "projects::collection().rename", "lxd_project_rename", || vec![r(projects::collection().rename(N, "n2"))]),
    e!("project_put", "projects::collection().put", "lxd_project_update", || vec![r(projects::collection().put(N, J, None))]),
    e!("project_state_get", "projects::state", "lxd_project_state", || vec![r(projects::state(N))]),
    e!("projects_get", "projects::collection().list_names", "lxd_project_list (recursion 0)", || vec![Some(projects::collection().list_names().request)]),
    e!("projects_get_recursion1", "projects::collection().list(1)", "lxd_project_list (recursion 1)", || vec![Some(projects::collection().list::<Value>(1).request)]),
    e!("projects_post", "projects::collection().create_sync", "lxd_project_create", || vec![r(projects::collection().create_sync(r#"{"name":"p1"}"#))]),
    e!("resources_get", "server::resources", "lxd_server_resources", || vec![Some(server::resources().request)]),
    e!("server_get", "server::get", "lxd_server_get, lxd_server_has_extension", || vec![Some(server::get().request)]),
    e!("server_get_untrusted", "root::server_public", "lxd_server_get_public", || vec![Some(root::server_public().request)]),
    e!("server_patch", "server::patch", "lxd_server_patch", || vec![r(server::patch(J, None))]),
    e!("server_put", "server::put", "lxd_server_update", || vec![r(server::put(J, None))]),
    e!("storage_pool_bucket_delete", "storage_buckets::collection(p).delete", "lxd_storage_bucket_delete", || vec![storage_buckets::collection(N).ok().and_then(|c| r(c.delete(BK)))]),
    e!("storage_pool_bucket_get", "storage_buckets::collection(p).get", "lxd_storage_bucket_get, lxd_storage_bucket_exists", || vec![storage_buckets::collection(N).ok().and_then(|c| r(c.get::<Value>(BK)))]),
    e!("storage_pool_bucket_key_delete", "storage_buckets::keys(p, b).delete", "lxd_storage_bucket_key_delete", || vec![storage_buckets::keys(N, BK).ok().and_then(|c| r(c.delete(K)))]),
    e!("storage_pool_bucket_key_get", "storage_buckets::keys(p, b).get", "lxd_storage_bucket_key_get", || vec![storage_buckets::keys(N, BK).ok().and_then(|c| r(c.get::<Value>(K)))]),
    e!("storage_pool_bucket_key_post", "storage_buckets::keys(p, b).create_sync", "lxd_storage_bucket_key_create", || vec![storage_buckets::keys(N, BK).ok().and_then(|c| r(c.create_sync(r#"{"name":"k1","role":"read-only"}"#)))]),
    e!("storage_pool_bucket_key_put", "storage_buckets::keys(p, b).put", "lxd_storage_bucket_key_update", || vec![storage_buckets::keys(N, BK).ok().and_then(|c| r(c.put(K, J, None)))]),
    e!("storage_pool_bucket_keys_get", "storage_buckets::keys(p, b).list_names", "lxd_storage_bucket_key_list (recursion 0)", || vec![storage_buckets::keys(N, BK).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_bucket_keys_get_recursion1", "storage_buckets::keys(p, b).list(1)", "lxd_storage_bucket_key_list (recursion 1)", || vec![storage_buckets::keys(N, BK).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_bucket_patch", "storage_buckets::collection(p).patch", "lxd_storage_bucket_patch", || vec![storage_buckets::collection(N).ok().and_then(|c| r(c.patch(BK, J, None)))]),
    e!("storage_pool_bucket_post", "storage_buckets::collection(p).create_sync", "lxd_storage_bucket_create", || vec![storage_buckets::collection(N).ok().and_then(|c| r(c.create_sync(r#"{"name":"bk1"}"#)))]),
    e!("storage_pool_bucket_put", "storage_buckets::collection(p).put", "lxd_storage_bucket_update", || vec![storage_buckets::collection(N).ok().and_then(|c| r(c.put(BK, J, None)))]),
    e!("storage_pool_buckets_backup_delete", "storage_buckets::backups(p, b).delete", "lxd_storage_bucket_backup_delete", || vec![storage_buckets::backups(N, BK).ok().and_then(|c| r(c.delete(B)))]),
    e!("storage_pool_buckets_backup_export_get", "storage_buckets::backup_export", "lxd_storage_bucket_backup_export_path, lxd_storage_bucket_backup_export_fd", || vec![storage_buckets::backup_export(N, BK, B).ok()]),
    e!("storage_pool_buckets_backup_get", "storage_buckets::backups(p, b).get", "lxd_storage_bucket_backup_get", || vec![storage_buckets::backups(N, BK).ok().and_then(|c| r(c.get::<Value>(B)))]),
    e!("storage_pool_buckets_backup_post", "storage_buckets::backups(p, b).rename", "lxd_storage_bucket_backup_rename", || vec![storage_buckets::backups(N, BK).ok().and_then(|c| r(c.rename(B, "b2")))]),
    e!("storage_pool_buckets_backups_get", "storage_buckets::backups(p, b).list_names", "lxd_storage_bucket_backup_list (recursion 0)", || vec![storage_buckets::backups(N, BK).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_buckets_backups_get_recursion1", "storage_buckets::backups(p, b).list(1)", "lxd_storage_bucket_backup_list (recursion 1)", || vec![storage_buckets::backups(N, BK).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_buckets_backups_post", "storage_buckets::backups(p, b).create_async", "lxd_storage_bucket_backup_create", || vec![storage_buckets::backups(N, BK).ok().and_then(|c| r(c.create_async(r#"{"name":"b1"}"#)))]),
    e!("storage_pool_buckets_get", "storage_buckets::collection(p).list_names", "lxd_storage_bucket_list (recursion 0)", || vec![storage_buckets::collection(N).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_buckets_get_recursion1", "storage_buckets::collection(p).list(1)", "lxd_storage_bucket_list (recursion 1)", || vec![storage_buckets::collection(N).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_get", "storage_pools::collection().get", "lxd_storage_pool_get", || vec![r(storage_pools::collection().get::<StoragePool>(N))]),
    e!("storage_pool_patch", "storage_pools::collection().patch", "lxd_storage_pool_patch", || vec![r(storage_pools::collection().patch(N, J, None))]),
    e!("storage_pool_put", "storage_pools::collection().put", "lxd_storage_pool_update", || vec![r(storage_pools::collection().put(N, J, None))]),
    e!("storage_pool_resources", "storage_pools::resources", "lxd_storage_pool_resources", || vec![r(storage_pools::resources(N))]),
    e!("storage_pool_volume_type_delete", "storage_volumes::collection(p, t).delete", "lxd_storage_volume_delete", || vec![storage_volumes::collection(N, T).ok().and_then(|c| r(c.delete(V)))]),
    e!("storage_pool_volume_type_get", "storage_volumes::collection(p, t).get", "lxd_storage_volume_get, lxd_storage_volume_exists", || vec![storage_volumes::collection(N, T).ok().and_then(|c| r(c.get::<Value>(V)))]),
    e!("storage_pool_volume_type_patch", "storage_volumes::collection(p, t).patch", "lxd_storage_volume_patch", || vec![storage_volumes::collection(N, T).ok().and_then(|c| r(c.patch(V, J, None)))]),
    e!("storage_pool_volume_type_post", "storage_volumes::collection(p, t).rename, storage_volumes::move_to_pool", "lxd_storage_volume_rename, lxd_storage_volume_move", || vec![storage_volumes::collection(N, T).ok().and_then(|c| r(c.rename(V, "v2"))), r(storage_volumes::move_to_pool(N, T, V, "p2", V))]),
    e!("storage_pool_volume_type_put", "storage_volumes::collection(p, t).put", "lxd_storage_volume_update", || vec![storage_volumes::collection(N, T).ok().and_then(|c| r(c.put(V, J, None)))]),
    e!("storage_pool_volume_type_state_get", "storage_volumes::state", "lxd_storage_volume_state", || vec![r(storage_volumes::state(N, T, V))]),
    e!("storage_pool_volumes_get", "storage_volumes::list_all_names", "lxd_storage_volume_list_all (recursion 0)", || vec![r(storage_volumes::list_all_names(N, None))]),
    e!("storage_pool_volumes_get_recursion1", "storage_volumes::list_all", "lxd_storage_volume_list_all (recursion 1)", || vec![r(storage_volumes::list_all::<Value>(N, Some("type eq custom")))]),
    e!("storage_pool_volumes_post", "storage_volumes::create", "lxd_storage_volume_create (type NULL)", || vec![r(storage_volumes::create(N, r#"{"name":"v1","type":"custom"}"#))]),
    e!("storage_pool_volumes_type_backup_delete", "storage_volumes::backups(p, t, v).delete", "lxd_storage_volume_backup_delete", || vec![storage_volumes::backups(N, T, V).ok().and_then(|c| r(c.delete(B)))]),
    e!("storage_pool_volumes_type_backup_export_get", "storage_volumes::backup_export", "lxd_storage_volume_backup_export_path, lxd_storage_volume_backup_export_fd", || vec![storage_volumes::backup_export(N, T, V, B).ok()]),
    e!("storage_pool_volumes_type_backup_get", "storage_volumes::backups(p, t, v).get", "lxd_storage_volume_backup_get", || vec![storage_volumes::backups(N, T, V).ok().and_then(|c| r(c.get::<Value>(B)))]),
    e!("storage_pool_volumes_type_backup_post", "storage_volumes::backups(p, t, v).rename", "lxd_storage_volume_backup_rename", || vec![storage_volumes::backups(N, T, V).ok().and_then(|c| r(c.rename(B, "b2")))]),
    e!("storage_pool_volumes_type_backups_get", "storage_volumes::backups(p, t, v).list_names", "lxd_storage_volume_backup_list (recursion 0)", || vec![storage_volumes::backups(N, T, V).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_volumes_type_backups_get_recursion1", "storage_volumes::backups(p, t, v).list(1)", "lxd_storage_volume_backup_list (recursion 1)", || vec![storage_volumes::backups(N, T, V).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_volumes_type_backups_post", "storage_volumes::backup_create", "lxd_storage_volume_backup_create", || vec![r(storage_volumes::backup_create(N, T, V, J))]),
    e!("storage_pool_volumes_type_get", "storage_volumes::collection(p, t).list_names", "lxd_storage_volume_list (recursion 0)", || vec![storage_volumes::collection(N, T).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_volumes_type_get_recursion1", "storage_volumes::collection(p, t).list(1)", "lxd_storage_volume_list (recursion 1)", || vec![storage_volumes::collection(N, T).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_volumes_type_post", "storage_volumes::create_typed, storage_volumes::copy, storage_volumes::import_backup", "lxd_storage_volume_create (type given), lxd_storage_volume_copy, lxd_storage_volume_backup_import_path, lxd_storage_volume_backup_import_fd", || vec![r(storage_volumes::create_typed(N, T, r#"{"name":"v1"}"#)), r(storage_volumes::copy(N, V, N, "v2", false)), r(storage_volumes::import_backup(N, Some(V)))]),
    e!("storage_pool_volumes_type_snapshot_delete", "storage_volumes::snapshots(p, t, v).delete", "lxd_storage_volume_snapshot_delete", || vec![storage_volumes::snapshots(N, T, V).ok().and_then(|c| r(c.delete(S)))]),
    e!("storage_pool_volumes_type_snapshot_get", "storage_volumes::snapshots(p, t, v).get", "lxd_storage_volume_snapshot_get", || vec![storage_volumes::snapshots(N, T, V).ok().and_then(|c| r(c.get::<Value>(S)))]),
    e!("storage_pool_volumes_type_snapshot_patch", "storage_volumes::snapshots(p, t, v).patch", "lxd_storage_volume_snapshot_patch", || vec![storage_volumes::snapshots(N, T, V).ok().and_then(|c| r(c.patch(S, J, None)))]),
    e!("storage_pool_volumes_type_snapshot_post", "storage_volumes::snapshots(p, t, v).rename", "lxd_storage_volume_snapshot_rename", || vec![storage_volumes::snapshots(N, T, V).ok().and_then(|c| r(c.rename(S, "s2")))]),
    e!("storage_pool_volumes_type_snapshot_put", "storage_volumes::snapshots(p, t, v).put", "lxd_storage_volume_snapshot_update", || vec![storage_volumes::snapshots(N, T, V).ok().and_then(|c| r(c.put(S, J, None)))]),
    e!("storage_pool_volumes_type_snapshots_get", "storage_volumes::snapshots(p, t, v).list_names", "lxd_storage_volume_snapshot_list (recursion 0)", || vec![storage_volumes::snapshots(N, T, V).ok().map(|c| c.list_names().request)]),
    e!("storage_pool_volumes_type_snapshots_get_recursion1", "storage_volumes::snapshots(p, t, v).list(1)", "lxd_storage_volume_snapshot_list (recursion 1)", || vec![storage_volumes::snapshots(N, T, V).ok().map(|c| c.list::<Value>(1).request)]),
    e!("storage_pool_volumes_type_snapshots_post", "storage_volumes::snapshot_create", "lxd_storage_volume_snapshot_create", || vec![r(storage_volumes::snapshot_create(N, T, V, Some(S), None))]),
    e!("storage_pools_delete", "storage_pools::collection().delete", "lxd_storage_pool_delete", || vec![r(storage_pools::collection().delete(N))]),
    e!("storage_pools_get", "storage_pools::collection().list_names", "lxd_storage_pool_list (recursion 0)", || vec![Some(storage_pools::collection().list_names().request)]),
    e!("storage_pools_get_recursion1", "storage_pools::collection().list(1)", "lxd_storage_pool_list (recursion 1)", || vec![Some(storage_pools::collection().list::<StoragePool>(1).request)]),
    e!("storage_pools_post", "storage_pools::collection().create_sync", "lxd_storage_pool_create", || vec![r(storage_pools::collection().create_sync(r#"{"name":"p1","driver":"dir"}"#))]),
    e!("warning_delete", "warnings::collection().delete", "lxd_warning_delete", || vec![r(warnings::collection().delete(U))]),
    e!("warning_get", "warnings::collection().get", "lxd_warning_get", || vec![r(warnings::collection().get::<Value>(U))]),
    e!("warning_patch", "warnings::collection().patch", "lxd_warning_patch", || vec![r(warnings::collection().patch(U, J, None))]),
    e!("warning_put", "warnings::collection().put, warnings::set_status", "lxd_warning_update, lxd_warning_set_status", || vec![r(warnings::collection().put(U, J, None)), r(warnings::set_status(U, "acknowledged"))]),
    e!("warnings_get", "warnings::collection().list_names", "lxd_warning_list (recursion 0)", || vec![Some(warnings::collection().list_names().request)]),
    e!("warnings_get_recursion1", "warnings::collection().list(1)", "lxd_warning_list (recursion 1)", || vec![Some(warnings::collection().list::<Value>(1).request)]),
];

/// The entry of one operation.
pub fn entry(op: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.op == op)
}

/// The request the (first) typed builder of `operation_id` makes with the sample arguments; `None`
/// for an unknown operation.
pub fn build_sample(operation_id: &str) -> Option<Request> {
    entry(operation_id).and_then(|e| e.samples().into_iter().next().flatten())
}

/// The spec path of an operation with [`SAMPLE_PARAMS`] substituted (`/1.0/instances/{name}` →
/// `/1.0/instances/n1`), each value percent-encoded as a builder would.
pub fn sample_path(template: &str) -> String {
    let mut out = template.to_string();
    for (k, v) in SAMPLE_PARAMS {
        out = out.replace(&format!("{{{k}}}"), &lxd_core::request::encode_component(v));
    }
    out
}

/// The fixed query of a spec path key (`public&recursion=1`) as pairs (`public` → `("public", "")`).
pub fn fixed_query_pairs(fixed: &str) -> Vec<(String, String)> {
    fixed
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Query keys a builder may send although the spec does not list them, and why.
pub const QUERY_BEYOND_SPEC: &[(&str, &str, &str)] = &[
    ("instances_get", "instance-type", "LXD's own client filters by type with it; the server reads it"),
    ("instances_get_recursion1", "instance-type", "as for instances_get"),
    ("instances_get_recursion2", "instance-type", "as for instances_get"),
    ("instance_post", "target", "the destination member of a cluster move; LXD 5.0.2 reads it"),
];
