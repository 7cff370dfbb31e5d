// lxd/instances.hpp: instances, their snapshots, backups, logs, metadata and templates: what the
// registry does not say (state actions, exec, files, publish, copy, backup import and export).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_INSTANCES_HPP
#define LXDCLIENT_LXD_INSTANCES_HPP

#include <lxd/resources.hpp>
#include <lxd/streams.hpp>

namespace lxd {

/// An instance snapshot (`/1.0/instances/<instance>/snapshots/<name>`).
class Snapshot : public gen::SnapshotBase {
public:
    using SnapshotBase::SnapshotBase;

    /// Restore the instance to this snapshot, waiting for the operation.
    void restore(bool stateful = false) const { invoke(lxd_snapshot_restore, stateful, static_cast<lxd_operation**>(nullptr)); }
    /// As `restore`, returning the operation instead of waiting.
    Operation restore_async(bool stateful = false) const { return act_async(lxd_snapshot_restore, stateful); }
    /// Publish it as an image (`POST /1.0/images`, source snapshot), wait, return the image.
    /// `options`: ImagesPost fields (`public`, `properties`, `aliases`, ...).
    Image publish(const nlohmann::json& options = nullptr) const;
    /// As `publish`, returning the operation instead of waiting.
    Operation publish_async(const nlohmann::json& options = nullptr) const {
        lxd_operation* op = nullptr;
        const std::string o = detail::options_text(options);
        invoke(lxd_snapshot_publish, detail::opt_cstr(o), &op, static_cast<char**>(nullptr));
        return Operation(op);
    }
};

/// The snapshots of one instance (pylxd's `instance.snapshots`).
class Snapshots : public gen::SnapshotsBase {
public:
    using SnapshotsBase::SnapshotsBase;

    /// Take snapshot `name` (`POST .../snapshots`; "": LXD picks the next free `snapN`, as `lxc
    /// snapshot` does, found here as the name that was not listed before), wait, and return it.
    /// `stateful` also saves the running state (needs CRIU).
    Snapshot create(const std::string& name = {}, bool stateful = false) const {
        if (!name.empty()) {
            create_async_or_wait(name, stateful, true);
            return get(name);
        }
        const auto post = [&](const char*) { create_async_or_wait(name, stateful, true); };
        return detail::create_listed(*this, nullptr, post);
    }
    /// As `create`, returning the operation instead of waiting ("": LXD picks the name; LXD 5.0.2's
    /// operation names only the instance, so list the snapshots to learn it).
    Operation create_async(const std::string& name = {}, bool stateful = false) const { return create_async_or_wait(name, stateful, false); }

private:
    Operation create_async_or_wait(const std::string& name, bool stateful, bool wait) const {
        lxd_operation* op = nullptr;
        detail::call_path(lxd_snapshot_create, client_, parents_, detail::opt_cstr(name), stateful,
                          wait ? static_cast<lxd_operation**>(nullptr) : &op);
        return Operation(op);
    }
};

/// A backup of an instance (`/1.0/instances/<instance>/backups/<name>`). LXD has no PUT for
/// backups: read it (`json()`, `sync()`), rename, export or remove it.
class InstanceBackup : public gen::InstanceBackupBase {
public:
    using InstanceBackupBase::InstanceBackupBase;

    /// Re-read it from the server (`sync(true)`).
    void refresh() { sync(true); }
    /// Download the backup tarball to the file `path`, streamed and atomic (a cancelled or failed
    /// download leaves nothing behind). `progress` may cancel it (`Cancelled`).
    void export_to(const std::string& path, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_export_path(client_, detail::cstr(parents_[0]), detail::cstr(key_), detail::cstr(path), cb, user, err);
        });
    }
    /// Download the backup tarball into descriptor `fd` (not closed; on failure part of it may
    /// have been written).
    void export_fd(int fd, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_export_fd(client_, detail::cstr(parents_[0]), detail::cstr(key_), fd, cb, user, err);
        });
    }
};

/// The backups of one instance (`instance.backups()`).
class InstanceBackups : public gen::InstanceBackupsBase {
public:
    using InstanceBackupsBase::InstanceBackupsBase;

    /// Back the instance up (`POST .../backups`), wait, and return the backup. `options`: LXD's
    /// InstanceBackupsPost (`name`, `expires_at`, `instance_only`, `optimized_storage`,
    /// `compression_algorithm`); without a `name` LXD picks one (`backup0`, ...), found here as
    /// the name that was not listed before.
    InstanceBackup create(const nlohmann::json& options = nullptr) const {
        const auto post = [&](const char* o) { detail::call_path(lxd_instance_backup_create, client_, parents_, o, static_cast<lxd_operation**>(nullptr)); };
        return detail::create_listed(*this, options, post);
    }
    /// As `create`, returning the operation.
    Operation create_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call_path(lxd_instance_backup_create, client_, parents_, detail::opt_cstr(o), &op);
        return Operation(op);
    }
};

class InstanceLogs {
public:
    /// The logs of `instance` (borrowing `client`).
    InstanceLogs(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}
    /// File names (`lxc.log`, `lxc.conf`, ...).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_log_list, client_, detail::cstr(instance_), s.out());
        return detail::names_from(s.str());
    }
    /// One log file's text (invalid UTF-8 and NULs become U+FFFD). Missing: `NotFound`; a name
    /// with a path in it: `Error` (InvalidArgument).
    std::string get(const std::string& file) const {
        detail::OwnedString s;
        detail::call(lxd_instance_log_get, client_, detail::cstr(instance_), detail::cstr(file), s.out());
        return s.str();
    }
    /// Delete a log file. LXD refuses the ones a running instance writes (`Error` Api, 400).
    void remove(const std::string& file) const { detail::call(lxd_instance_log_delete, client_, detail::cstr(instance_), detail::cstr(file)); }

private:
    lxd_client* client_;
    std::string instance_;
};

/// An instance's image metadata (`/1.0/instances/<name>/metadata`: `architecture`,
/// `creation_date`, `properties`, `templates`), with the object lifecycle (`save()` PUTs it with
/// its ETag). LXD 5.0.2 checks the ETag on PATCH only: a stale `save()` overwrites.
class InstanceMetadata : public Object {
public:
    /// Wrap `json` read from `instance` (with `etag`, if any).
    InstanceMetadata(lxd_client* client, std::string instance, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), instance_(std::move(instance)) {}
    /// The instance it belongs to.
    const std::string& instance() const noexcept { return instance_; }
    /// LXD's `architecture` field, as last read.
    std::string architecture() const { return detail::str_at(local_, "architecture"); }
    /// LXD's `creation_date` field, as last read.
    std::int64_t creation_date() const { return detail::int_at(local_, "creation_date"); }
    /// Image properties (`os`, `description`, ...).
    const nlohmann::json& properties() const { return detail::const_object_at(local_, "properties"); }
    /// LXD's `properties` map, mutable: changes are local until `save()`.
    nlohmann::json& properties() { return detail::object_at(local_, "properties"); }
    /// Target path → `{"when": [...], "template": "<file>", ...}`.
    const nlohmann::json& templates() const { return detail::const_object_at(local_, "templates"); }
    /// Target path → template settings, mutable: changes are local until `save()`.
    nlohmann::json& templates() { return detail::object_at(local_, "templates"); }

    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_instance_metadata_patch, client_, detail::cstr(instance_), body.c_str(), etag);
        });
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_instance_metadata_get, client_, detail::cstr(instance_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_instance_metadata_update, client_, detail::cstr(instance_), body.c_str(), etag);
    }

private:
    std::string instance_;
};

/// The template files of one instance (`instance.templates()`,
/// `/1.0/instances/<name>/metadata/templates`). Reference one from the metadata's `templates`
/// for LXD to render it.
class InstanceTemplates {
public:
    /// The templates of `instance` (borrowing `client`).
    InstanceTemplates(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}
    /// Template file names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_template_list, client_, detail::cstr(instance_), s.out());
        return detail::names_from(s.str());
    }
    /// A template's content. Missing: `NotFound`.
    std::string get(const std::string& file) const {
        detail::OwnedString s;
        detail::call(lxd_instance_template_get, client_, detail::cstr(instance_), detail::cstr(file), s.out());
        return s.str();
    }
    /// Create or replace template `file` (a plain file name, e.g. "hostname.tpl") with `content`.
    void put(const std::string& file, const std::string& content) const {
        detail::call(lxd_instance_template_put, client_, detail::cstr(instance_), detail::cstr(file), detail::cstr(content));
    }
    /// Delete template `file`.
    void remove(const std::string& file) const { detail::call(lxd_instance_template_delete, client_, detail::cstr(instance_), detail::cstr(file)); }

private:
    lxd_client* client_;
    std::string instance_;
};

/// A container or virtual machine (`/1.0/instances/<name>`).
class Instance : public gen::InstanceBase {
public:
    using InstanceBase::InstanceBase;

    /// The name (its key, as read; change it with `rename`).
    const std::string& name() const noexcept { return key_; }
    /// LXD's `status_code` field (103 Running, 102 Stopped, ...), as last read.
    int status_code() const { return static_cast<int>(detail::int_at(local_, "status_code")); }
    /// Runtime state (`GET /1.0/instances/<name>/state`: status, pid, processes, memory, network).
    nlohmann::json state() const { return read_json(lxd_instance_state); }
    /// Start it, wait, and re-read it (local changes kept).
    void start() { act(lxd_instance_start); }
    /// Stop it: `timeout` seconds for a clean shutdown (-1: no limit), `force` kills at once.
    void stop(int timeout = -1, bool force = false) {
        act(lxd_instance_stop, std::int32_t{timeout}, force);
    }
    /// Restart it (`timeout` seconds for a clean stop, -1: none; `force` kills), wait, re-read.
    void restart(int timeout = -1, bool force = false) {
        act(lxd_instance_restart, std::int32_t{timeout}, force);
    }
    /// Freeze it, wait, and re-read it (local changes kept).
    void freeze() { act(lxd_instance_freeze); }
    /// Unfreeze it, wait, and re-read it (local changes kept).
    void unfreeze() { act(lxd_instance_unfreeze); }
    /// Any state change (`PUT .../state`): "start", "stop", "restart", "freeze", "unfreeze".
    void set_state(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) {
        act(lxd_instance_set_state, detail::cstr(action), std::int32_t{timeout}, force, stateful);
    }
    /// The `_async` forms return the operation instead of waiting (and do not re-read the object).
    Operation start_async() const { return act_async(lxd_instance_start); }
    /// As `stop`, returning the operation instead of waiting.
    Operation stop_async(int timeout = -1, bool force = false) const {
        return act_async(lxd_instance_stop, std::int32_t{timeout}, force);
    }
    /// As `restart`, returning the operation instead of waiting.
    Operation restart_async(int timeout = -1, bool force = false) const {
        return act_async(lxd_instance_restart, std::int32_t{timeout}, force);
    }
    /// As `freeze`, returning the operation instead of waiting.
    Operation freeze_async() const { return act_async(lxd_instance_freeze); }
    /// As `unfreeze`, returning the operation instead of waiting.
    Operation unfreeze_async() const { return act_async(lxd_instance_unfreeze); }
    /// As `set_state`, returning the operation instead of waiting.
    Operation set_state_async(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        return act_async(lxd_instance_set_state, detail::cstr(action), std::int32_t{timeout}, force, stateful);
    }

    /// Restore it to snapshot `snapshot` (`PUT {"restore": ...}`), wait, re-read.
    void restore(const std::string& snapshot, bool stateful = false) {
        act(lxd_snapshot_restore, detail::cstr(snapshot), stateful);
    }
    /// Its log files.
    InstanceLogs logs() const { return InstanceLogs(client_, key_); }
    /// Its template files.
    InstanceTemplates templates() const { return InstanceTemplates(client_, key_); }
    /// Its image metadata (`GET .../metadata`), with its ETag.
    InstanceMetadata metadata() const {
        detail::OwnedString j, e;
        detail::call(lxd_instance_metadata_get, client_, detail::cstr(key_), j.out(), e.out());
        return InstanceMetadata(client_, key_, detail::parse(j.str()), e.opt());
    }
    /// A container's console log (invalid UTF-8 and NULs become U+FFFD; empty: ""). VMs: `Error` (Api).
    std::string console_log() const { return read_text(lxd_instance_console_log); }
    /// Clear a container's console log.
    void clear_console_log() const { detail::call(lxd_instance_console_log_clear, client_, detail::cstr(key_)); }
    /// Attach to its text console (it must be running); `width`/`height` 0: LXD's default.
    Console attach_console(std::uint32_t width = 0, std::uint32_t height = 0) const {
        lxd_console* h = nullptr;
        detail::call(lxd_console_attach, client_, detail::cstr(key_), width, height, &h);
        return Console(h);
    }
    /// Open a console session without connecting to it: `kind` "console" (text) or "vga" (VMs);
    /// `width`/`height` 0: LXD's default. Returns the websocket operation, whose `json()` holds the
    /// secrets of the data (`"0"`) and `"control"` sockets in `metadata.fds`. LXD 5.0.2 cannot
    /// cancel it: one nobody connects to stays until the daemon is killed. For a text console use
    /// `attach_console()`.
    Operation console(std::uint32_t width = 0, std::uint32_t height = 0, const std::string& kind = "console") const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_console_create, client_, detail::cstr(key_), width, height, detail::cstr(kind), &op);
        return Operation(op);
    }
    /// It with its state, snapshots and backups (`GET ?recursion=1`) as LXD's JSON.
    nlohmann::json full() const {
        detail::OwnedString j;
        detail::call(lxd_instance_get_full, client_, detail::cstr(key_), j.out(), static_cast<char**>(nullptr));
        return detail::parse(j.str());
    }
    /// Move it (stopped) to cluster member `member`, wait, re-read.
    void move_to_member(const std::string& member) {
        act(lxd_instance_move_to_member, detail::cstr(member));
    }
    /// As `move_to_member`, returning the operation.
    Operation move_to_member_async(const std::string& member) const {
        return act_async(lxd_instance_move_to_member, detail::cstr(member));
    }

    /// Rebuild it (Incus 6.0 only; `POST .../rebuild`): replace its root file system, keeping its
    /// configuration, devices and snapshots; wait, re-read. `request` is Incus's
    /// InstanceRebuildPost: `{"source": {"type": "image", "alias": "busybox"}}` or
    /// `{"source": {"type": "none"}}`. It must be stopped (else `Error` Api). LXD 5.0: `Error` NotFound.
    void rebuild(const nlohmann::json& request) {
        const std::string o = request.dump();
        act(lxd_instance_rebuild, detail::cstr(o));
    }
    /// As `rebuild`, returning the operation.
    Operation rebuild_async(const nlohmann::json& request) const {
        const std::string o = request.dump();
        return act_async(lxd_instance_rebuild, detail::cstr(o));
    }
    /// Who may reach it (Incus 6.0 only; `GET .../access`): `[{"name", "identifier", "role",
    /// "provider"}, ...]`. LXD 5.0: `Error` NotFound.
    nlohmann::json access() const { return read_json(lxd_instance_access); }
    /// The file names of its recorded exec outputs (Incus 6.0 only; commands run with
    /// `record-output`): `exec_<uuid>.stdout`, `exec_<uuid>.stderr`. Before the first recorded
    /// command Incus answers `Error` NotFound; LXD 5.0.2 refuses the name: `Error` Api (400).
    std::vector<std::string> exec_outputs() const { return detail::names_from(read_text(lxd_instance_exec_output_list)); }
    /// One recorded exec output (`file` from `exec_outputs()`), the bytes the command wrote.
    std::string exec_output(const std::string& file) const {
        detail::OwnedBytes b;
        detail::call(lxd_instance_exec_output_get, client_, detail::cstr(key_), detail::cstr(file), b.data_out(), b.len_out());
        return b.str();
    }
    /// Delete one recorded exec output.
    void delete_exec_output(const std::string& file) const {
        detail::call(lxd_instance_exec_output_delete, client_, detail::cstr(key_), detail::cstr(file));
    }
    /// Dump a running VM's memory (Incus 6.0 only; `GET .../debug/memory`) to the file `path`,
    /// streamed and atomic; `format` "" is Incus's default ("elf"). Containers: `Error` Api;
    /// LXD 5.0: `Error` NotFound.
    void dump_memory(const std::string& path, const std::string& format = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_debug_memory_path(client_, detail::cstr(key_), detail::opt_cstr(format), detail::cstr(path), cb, user, err);
        });
    }
    /// As `dump_memory`, writing into descriptor `fd` (not closed).
    void dump_memory_fd(int fd, const std::string& format = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_debug_memory_fd(client_, detail::cstr(key_), detail::opt_cstr(format), fd, cb, user, err);
        });
    }

    /// pylxd's `execute`: run `argv` with `stdin_data` as stdin and collect the exit code, stdout
    /// and stderr. `options` as for `exec()`. A non-zero exit code is not an error.
    ExecResult execute(const std::vector<std::string>& argv, const nlohmann::json& options = nullptr,
                       const std::string& stdin_data = {}) const {
        const auto args = detail::c_argv(argv);
        const std::string o = detail::options_text(options);
        std::int32_t code = -1;
        detail::OwnedBytes out, err;
        detail::call(lxd_instance_exec, client_, detail::cstr(key_), args.data(), args.size(), detail::opt_cstr(o),
                     reinterpret_cast<const std::uint8_t*>(stdin_data.data()), stdin_data.size(), &code,
                     out.data_out(), out.len_out(), err.data_out(), err.len_out());
        return ExecResult{code, out.str(), err.str()};
    }
    /// Run `argv` streaming between descriptors (-1: no input / output dropped); the exit code.
    int execute_fds(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd,
                    const nlohmann::json& options = nullptr) const {
        const auto args = detail::c_argv(argv);
        const std::string o = detail::options_text(options);
        std::int32_t code = -1;
        detail::call(lxd_instance_exec_fds, client_, detail::cstr(key_), args.data(), args.size(), detail::opt_cstr(o),
                     stdin_fd, stdout_fd, stderr_fd, &code);
        return code;
    }
    /// A command to configure and run (callbacks, descriptors, interactive sessions, cancel).
    /// `options` in LXD's names (`environment`, `cwd`, `user`, `group`, `record-output`,
    /// `interactive`, `width`, `height`) plus `timeout_ms`.
    ExecSession exec(const std::vector<std::string>& argv, const nlohmann::json& options = nullptr) const {
        return ExecSession(client_, key_, argv, options);
    }
    /// pylxd's `instance.files`.
    Files files() const { return Files(client_, key_); }

    /// Publish it as an image (a container must be stopped), wait, return the image. `options`:
    /// ImagesPost fields (`public`, `properties`, `aliases`, `compression_algorithm`, ...).
    Image publish(const nlohmann::json& options = nullptr) const;
    /// As `publish`, returning the operation instead of waiting.
    Operation publish_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        invoke(lxd_instance_publish, detail::opt_cstr(o), &op, static_cast<char**>(nullptr));
        return Operation(op);
    }
    /// Copy it on the same server as `target_name` (snapshots too, unless `{"instance_only":
    /// true}`), wait, return the copy.
    Instance copy_local(const std::string& target_name, const nlohmann::json& options = nullptr) const;
    /// As `copy_local`, returning the operation instead of waiting.
    Operation copy_local_async(const std::string& target_name, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        return act_async(lxd_instance_copy_local, detail::cstr(target_name), detail::opt_cstr(o));
    }
    /// Copy it to the server of `target` (as `target_name`, "": the same name), pulled by the
    /// target over HTTPS (this server must listen on the network; `{"source_url": ...}`), and
    /// return the copy (borrowing `target`).
    Instance copy_to(const Client& target, const std::string& target_name = {}, const nlohmann::json& options = nullptr) const;
    /// Move it to the server of `target` (stopped, unless `{"live": true}`): copy, then delete here.
    Instance migrate_to(const Client& target, const std::string& target_name = {}, const nlohmann::json& options = nullptr) const;

};

/// `client.instances()`: `create(InstancesPost)` waits and returns the instance; without a
/// `name`, LXD picks one and the instance comes back under it.
class Instances : public gen::InstancesBase {
public:
    using InstancesBase::InstancesBase;

    /// Every instance (`recursion` 1; 2 adds each one's state). No ETags until `sync()`.
    std::vector<Instance> all(int recursion = 1) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list, client_, std::int32_t{recursion < 1 ? 1 : recursion}, s.out());
        return detail::objects_from<Instance>(s.str(), [&](nlohmann::json j) { return Instance(client_, std::move(j)); });
    }
    /// Create `name` from the local image `image` (an alias, or "fingerprint:<hex>"), of
    /// `type` "container" or "virtual-machine" ("": container), with more InstancesPost fields in
    /// `options` (`profiles`, `config`, `devices`, `ephemeral`, `description`); wait, return it.
    Instance create_from_image(const std::string& name, const std::string& image, const std::string& type = {},
                               const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::call(lxd_instance_create_from_image, client_, detail::cstr(name), detail::opt_cstr(type), detail::cstr(image),
                     detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
        return get(name);
    }
    /// As `create_from_image`, returning the operation.
    Operation create_from_image_async(const std::string& name, const std::string& image, const std::string& type = {},
                                      const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_create_from_image, client_, detail::cstr(name), detail::opt_cstr(type), detail::cstr(image),
                     detail::opt_cstr(o), &op);
        return Operation(op);
    }
    /// Names of the instances matching LXD's collection `filter` (e.g. "status eq Running"; "":
    /// all) of `type` ("container", "virtual-machine"; "": both), in every project when
    /// `all_projects`.
    std::vector<std::string> names_filtered(const std::string& filter, const std::string& type = {}, bool all_projects = false) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list_filtered, client_, std::int32_t{0}, detail::opt_cstr(type), detail::opt_cstr(filter), all_projects, s.out());
        return detail::names_from(s.str());
    }
    /// As `names_filtered`, the instances themselves (`recursion` 1; 2 adds state, snapshots and
    /// backups). No ETags until `sync()`.
    std::vector<Instance> all_filtered(const std::string& filter, const std::string& type = {}, bool all_projects = false,
                                       int recursion = 1) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list_filtered, client_, std::int32_t{recursion < 1 ? 1 : recursion}, detail::opt_cstr(type),
                     detail::opt_cstr(filter), all_projects, s.out());
        return detail::objects_from<Instance>(s.str(), [&](nlohmann::json j) { return Instance(client_, std::move(j)); });
    }
    /// One instance with its state, snapshots and backups (`recursion=1`) and its ETag.
    Instance get_full(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_instance_get_full, client_, detail::cstr(name), j.out(), e.out());
        return Instance(client_, detail::parse(j.str()), e.opt());
    }
    /// Change the state of every instance of the client's project (`PUT /1.0/instances`):
    /// `action` "start", "stop", "restart", "freeze", "unfreeze"; wait.
    void set_state_all(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        detail::call(lxd_instance_set_state_all, client_, detail::cstr(action), std::int32_t{timeout}, force, stateful,
                     static_cast<lxd_operation**>(nullptr));
    }
    /// As `set_state_all`, returning the operation.
    Operation set_state_all_async(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_set_state_all, client_, detail::cstr(action), std::int32_t{timeout}, force, stateful, &op);
        return Operation(op);
    }
    /// Create an instance from the backup tarball at `path` (streamed), named `name` ("": the
    /// backup's) in `pool` ("": the backup's); wait and return it.
    Instance import_backup(const std::string& path, const std::string& name = {}, const std::string& pool = {},
                           const Progress& progress = nullptr) const {
        Operation op = import_backup_async(path, name, pool, progress);
        return imported(op, name);
    }
    /// As `import_backup`, returning the operation once the upload is done.
    Operation import_backup_async(const std::string& path, const std::string& name = {}, const std::string& pool = {},
                                  const Progress& progress = nullptr) const {
        lxd_operation* op = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_import_path(client_, detail::cstr(path), detail::opt_cstr(name), detail::opt_cstr(pool), cb, user, &op, err);
        });
        return Operation(op);
    }
    /// As `import_backup`, reading the tarball from descriptor `fd` to its end (not closed).
    Instance import_backup_fd(int fd, const std::string& name = {}, const std::string& pool = {}, const Progress& progress = nullptr) const {
        lxd_operation* raw = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_import_fd(client_, fd, detail::opt_cstr(name), detail::opt_cstr(pool), cb, user, &raw, err);
        });
        Operation op(raw);
        return imported(op, name);
    }

private:
    Instance imported(Operation& op, const std::string& name) const {
        op.wait();
        std::string n = name;
        if (n.empty() && op) n = detail::resource_name(op.json(), "instances");
        if (n.empty()) throw Error(ErrorCode::Protocol, 0, "backup imported, but the operation did not name the instance");
        return get(n);
    }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_INSTANCES_HPP
