// lxd/storage.hpp: storage pools and volumes, volume snapshots and backups: what the registry
// does not say (volumes of any type in one pool, moves and copies, backup import and export).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_STORAGE_HPP
#define LXDCLIENT_LXD_STORAGE_HPP

#include <lxd/resources.hpp>
#include <lxd/streams.hpp>

namespace lxd {

/// Where a storage volume lives: pool, volume type ("custom", "container", "virtual-machine",
/// "image") and name.
struct VolumeRef {
    std::string pool;
    std::string type;
    std::string name;
};

namespace detail {
inline std::array<std::string, 3> volume_path(VolumeRef v) { return {std::move(v.pool), std::move(v.type), std::move(v.name)}; }
inline VolumeRef volume_ref(const std::array<std::string, 3>& p) { return VolumeRef{p[0], p[1], p[2]}; }
/// LXD names volume snapshots and backups "<volume>/<name>" in their JSON, and the C API passes
/// that through: the member's key is the part after the volume's name.
inline std::string volume_child_key(const std::string& name) {
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}
} // namespace detail

/// A snapshot of a storage volume
/// (`/1.0/storage-pools/<pool>/volumes/<type>/<volume>/snapshots/<name>`).
class StorageVolumeSnapshot : public gen::StorageVolumeSnapshotBase {
public:
    /// Wrap `json` read from the snapshots of the volume at `path` (with `etag`, if any).
    StorageVolumeSnapshot(lxd_client* client, Path path, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : StorageVolumeSnapshotBase(client, std::move(path), std::move(json), std::move(etag)) { key_ = detail::volume_child_key(key_); }
    /// Wrap `json` read from the snapshots of `volume` (with `etag`, if any).
    StorageVolumeSnapshot(lxd_client* client, VolumeRef volume, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : StorageVolumeSnapshot(client, detail::volume_path(std::move(volume)), std::move(json), std::move(etag)) {}
    /// The volume it belongs to.
    VolumeRef volume() const { return detail::volume_ref(parents_); }
};

/// The snapshots of one storage volume (`volume.snapshots()`).
class StorageVolumeSnapshots : public gen::StorageVolumeSnapshotsBase {
public:
    using StorageVolumeSnapshotsBase::StorageVolumeSnapshotsBase;
    /// The snapshots of `volume` (borrowing `client`).
    StorageVolumeSnapshots(lxd_client* client, VolumeRef volume) : StorageVolumeSnapshotsBase(client, detail::volume_path(std::move(volume))) {}

    /// Take snapshot `name` ("": LXD picks `snap0`, ...), expiring at RFC 3339 `expires_at` ("":
    /// never); wait, and return it.
    StorageVolumeSnapshot create(const std::string& name = {}, const std::string& expires_at = {}) const {
        if (!name.empty()) {
            create_async_or_wait(name, expires_at, true);
            return get(name);
        }
        const auto post = [&](const char*) { create_async_or_wait(name, expires_at, true); };
        return detail::create_listed(*this, nullptr, post);
    }
    /// As `create`, returning the operation.
    Operation create_async(const std::string& name = {}, const std::string& expires_at = {}) const {
        return create_async_or_wait(name, expires_at, false);
    }

private:
    Operation create_async_or_wait(const std::string& name, const std::string& expires_at, bool wait) const {
        lxd_operation* op = nullptr;
        detail::call_path(lxd_storage_volume_snapshot_create, client_, parents_, detail::opt_cstr(name), detail::opt_cstr(expires_at),
                          wait ? static_cast<lxd_operation**>(nullptr) : &op);
        return Operation(op);
    }
};

/// A backup of a custom storage volume. LXD has no PUT for backups: read (`json()`, `sync()`),
/// rename, export or remove it.
class StorageVolumeBackup : public gen::StorageVolumeBackupBase {
public:
    /// Wrap `json` read from the backups of the volume at `path`.
    StorageVolumeBackup(lxd_client* client, Path path, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : StorageVolumeBackupBase(client, std::move(path), std::move(json), std::move(etag)) { key_ = detail::volume_child_key(key_); }
    /// Wrap `json` read from the backups of `volume`.
    StorageVolumeBackup(lxd_client* client, VolumeRef volume, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : StorageVolumeBackup(client, detail::volume_path(std::move(volume)), std::move(json), std::move(etag)) {}
    /// The volume it belongs to.
    VolumeRef volume() const { return detail::volume_ref(parents_); }

    /// Re-read it (`sync(true)`).
    void refresh() { sync(true); }
    /// Download the tarball to the file `path`, streamed and atomic.
    void export_to(const std::string& path, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_export_path(client_, detail::cstr(parents_[0]), detail::cstr(parents_[1]),
                                                         detail::cstr(parents_[2]), detail::cstr(key_), detail::cstr(path), cb, user, err);
        });
    }
    /// Download the tarball into descriptor `fd` (not closed).
    void export_fd(int fd, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_export_fd(client_, detail::cstr(parents_[0]), detail::cstr(parents_[1]),
                                                       detail::cstr(parents_[2]), detail::cstr(key_), fd, cb, user, err);
        });
    }
};

/// The backups of one custom storage volume (`volume.backups()`).
class StorageVolumeBackups : public gen::StorageVolumeBackupsBase {
public:
    using StorageVolumeBackupsBase::StorageVolumeBackupsBase;
    /// The backups of `volume` (borrowing `client`).
    StorageVolumeBackups(lxd_client* client, VolumeRef volume) : StorageVolumeBackupsBase(client, detail::volume_path(std::move(volume))) {}

    /// Back the volume up, wait, return the backup. `options`: LXD's
    /// StoragePoolVolumeBackupsPost (`name`, `expires_at`, `volume_only`, `optimized_storage`,
    /// `compression_algorithm`); without a `name`, the one LXD picked (newly listed).
    StorageVolumeBackup create(const nlohmann::json& options = nullptr) const {
        const auto post = [&](const char* o) { detail::call_path(lxd_storage_volume_backup_create, client_, parents_, o, static_cast<lxd_operation**>(nullptr)); };
        return detail::create_listed(*this, options, post);
    }
    /// As `create`, returning the operation.
    Operation create_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call_path(lxd_storage_volume_backup_create, client_, parents_, detail::opt_cstr(o), &op);
        return Operation(op);
    }
};

/// A backup of a bucket (`/1.0/storage-pools/<pool>/buckets/<bucket>/backups/<name>`; Incus
/// only). There is no PUT for backups: read, rename, export or remove it.
class StorageBucketBackup : public gen::StorageBucketBackupBase {
public:
    using StorageBucketBackupBase::StorageBucketBackupBase;

    /// Re-read it (`sync(true)`).
    void refresh() { sync(true); }
    /// Download the tarball to the file `path`, streamed and atomic.
    void export_to(const std::string& path, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_bucket_backup_export_path(client_, detail::cstr(parents_[0]), detail::cstr(parents_[1]),
                                                         detail::cstr(key_), detail::cstr(path), cb, user, err);
        });
    }
    /// Download the tarball into descriptor `fd` (not closed).
    void export_fd(int fd, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_bucket_backup_export_fd(client_, detail::cstr(parents_[0]), detail::cstr(parents_[1]),
                                                       detail::cstr(key_), fd, cb, user, err);
        });
    }
};

/// A storage volume (`/1.0/storage-pools/<pool>/volumes/<type>/<name>`). LXD's ETag of a volume
/// covers its name, type and config (not its description).
class StorageVolume : public gen::StorageVolumeBase {
public:
    using StorageVolumeBase::StorageVolumeBase;
    /// Wrap `json` read from `pool` (with `etag`, if any); the type comes from the JSON ("custom"
    /// when missing).
    StorageVolume(lxd_client* client, std::string pool, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : StorageVolumeBase(client, Path{std::move(pool), type_of(json)}, std::move(json), std::move(etag)) {}
    /// Pool, type and name.
    VolumeRef ref() const { return VolumeRef{parents_[0], parents_[1], key_}; }

    /// Usage (`.../state`: `{"usage": {"used", "total"}}`). Not every driver reports it (`dir`
    /// without quotas: `Error` Api).
    nlohmann::json state() const { return read_json(lxd_storage_volume_state); }
    /// Move it (not in use) to pool `new_pool` as `new_name` ("": the same name), waiting; the
    /// object follows.
    void move_to(const std::string& new_pool, const std::string& new_name = {}) {
        const std::string target = new_name.empty() ? key_ : new_name;
        invoke(lxd_storage_volume_move, detail::cstr(new_pool), detail::cstr(target), static_cast<lxd_operation**>(nullptr));
        parents_[0] = new_pool;
        key_ = target;
        sync();
    }
    /// As `move_to`, returning the operation; this object keeps the old place.
    Operation move_to_async(const std::string& new_pool, const std::string& new_name = {}) const {
        return act_async(lxd_storage_volume_move, detail::cstr(new_pool), detail::cstr(new_name.empty() ? key_ : new_name));
    }
    /// Copy this custom volume to `new_name` in `target_pool` ("": this pool), with its snapshots
    /// unless `volume_only`; wait, return the copy.
    StorageVolume copy_to(const std::string& new_name, const std::string& target_pool = {}, bool volume_only = false) const {
        const std::string pool = target_pool.empty() ? parents_[0] : target_pool;
        detail::call(lxd_storage_volume_copy, client_, detail::cstr(parents_[0]), detail::cstr(key_), detail::cstr(pool),
                     detail::cstr(new_name), volume_only, static_cast<lxd_operation**>(nullptr));
        return Collection<traits::StorageVolume>(client_, {pool, "custom"}).get(new_name);
    }

private:
    static std::string type_of(const nlohmann::json& j) {
        const std::string t = detail::str_at(j, "type");
        return t.empty() ? "custom" : t;
    }
};

/// The volumes of one storage pool, of every type (`client.storage_pools().get(name).volumes()`,
/// or `StorageVolumes(client.native_handle(), pool)`): the registry's volume collections
/// (`/1.0/storage-pools/<pool>/volumes/<type>`), one per `type` argument ("custom" by default;
/// "container", "virtual-machine", "image"; anything else: `Error` InvalidArgument).
class StorageVolumes {
public:
    /// The volumes of `pool` (borrowing `client`).
    StorageVolumes(lxd_client* client, std::string pool) : client_(client), pool_(std::move(pool)) {}
    /// The pool.
    const std::string& pool() const noexcept { return pool_; }
    /// The volumes of one type.
    Collection<traits::StorageVolume> of_type(const std::string& type) const { return Collection<traits::StorageVolume>(client_, {pool_, type}); }
    /// Names of the volumes of `type`.
    std::vector<std::string> names(const std::string& type = "custom") const { return of_type(type).names(); }
    /// The volumes of `type` (no ETags until `sync()`).
    std::vector<StorageVolume> all(const std::string& type = "custom") const { return of_type(type).all(); }
    /// Every volume of the pool as "type/name" ("custom/vol1", "container/c1"), filtered by LXD's
    /// collection `filter` ("type eq custom"; "": all).
    std::vector<std::string> typed_names(const std::string& filter = {}) const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list_all, client_, detail::cstr(pool_), std::int32_t{0}, detail::opt_cstr(filter), s.out());
        return detail::names_from(s.str());
    }
    /// Every volume of the pool, of all types, filtered by `filter` ("": all).
    std::vector<StorageVolume> all_types(const std::string& filter = {}) const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list_all, client_, detail::cstr(pool_), std::int32_t{1}, detail::opt_cstr(filter), s.out());
        return detail::objects_from<StorageVolume>(s.str(), [&](nlohmann::json j) { return StorageVolume(client_, pool_, std::move(j)); });
    }
    /// One volume with its ETag. Missing: `NotFound`.
    StorageVolume get(const std::string& name, const std::string& type = "custom") const { return of_type(type).get(name); }
    /// Whether volume `name` of `type` exists.
    bool exists(const std::string& name, const std::string& type = "custom") const { return of_type(type).exists(name); }
    /// Create from LXD's StorageVolumesPost (`{"name", "type": "custom", "config", "description",
    /// "content_type", "source"}`), wait, return it. Exists: `Conflict`.
    StorageVolume create(const nlohmann::json& volume) const {
        create_async(volume).wait();
        const std::string type = detail::str_at(volume, "type");
        return get(detail::str_at(volume, "name"), type.empty() ? "custom" : type);
    }
    /// As `create`, posting to `.../volumes/<type>` (`type` "": `.../volumes`), returning the
    /// operation (empty when LXD finished synchronously, as a plain create does).
    Operation create_async(const nlohmann::json& volume, const std::string& type = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_create, client_, detail::cstr(pool_), detail::opt_cstr(type), volume.dump().c_str(), &op);
        return Operation(op);
    }
    /// Create a custom volume from the backup tarball at `path` (streamed), named `name` ("": the
    /// backup's); wait. Returns the new volume when `name` is given, else nullopt (LXD does not
    /// report the name).
    std::optional<StorageVolume> import_backup(const std::string& path, const std::string& name = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_path(client_, detail::cstr(pool_), detail::cstr(path), detail::opt_cstr(name), cb, user,
                                                         static_cast<lxd_operation**>(nullptr), err);
        });
        if (name.empty()) return std::nullopt;
        return get(name);
    }
    /// As `import_backup`, reading the tarball from descriptor `fd` to its end (not closed).
    std::optional<StorageVolume> import_backup_fd(int fd, const std::string& name = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_fd(client_, detail::cstr(pool_), fd, detail::opt_cstr(name), cb, user,
                                                       static_cast<lxd_operation**>(nullptr), err);
        });
        if (name.empty()) return std::nullopt;
        return get(name);
    }
    /// As `import_backup`, returning the operation once the upload is done.
    Operation import_backup_async(const std::string& path, const std::string& name = {}, const Progress& progress = nullptr) const {
        lxd_operation* op = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_path(client_, detail::cstr(pool_), detail::cstr(path), detail::opt_cstr(name), cb, user, &op, err);
        });
        return Operation(op);
    }


private:
    lxd_client* client_;
    std::string pool_;
};

/// A storage pool (`/1.0/storage-pools/<name>`). LXD 5.0.2 sends no ETag for pools: `save()` is
/// unconditional.
class StoragePool : public gen::StoragePoolBase {
public:
    using StoragePoolBase::StoragePoolBase;

    /// Its volumes.
    StorageVolumes volumes() const { return StorageVolumes(client_, key_); }
    /// Usage (`GET /1.0/storage-pools/<name>/resources`: space and inodes).
    nlohmann::json resources() const { return read_json(lxd_storage_pool_resources); }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_STORAGE_HPP
