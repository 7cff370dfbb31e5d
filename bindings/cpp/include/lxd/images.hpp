// lxd/images.hpp: images and their aliases: what the registry does not say (aliases of an
// image, export, refresh, secrets, push and copy, uploads, public views).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_IMAGES_HPP
#define LXDCLIENT_LXD_IMAGES_HPP

#include <lxd/resources.hpp>
#include <lxd/streams.hpp>

namespace lxd {

/// `client.images().aliases()`.
class ImageAliases : public gen::ImageAliasesBase {
public:
    using ImageAliasesBase::ImageAliasesBase;

    /// An alias of a public image as an untrusted client sees it (`?public`), as JSON. An alias
    /// of a private image: `NotFound`.
    nlohmann::json get_public(const std::string& name) const {
        detail::OwnedString s;
        detail::call(lxd_image_alias_get_public, client_, detail::cstr(name), s.out());
        return detail::parse(s.str());
    }
    /// Create alias `name` for image `target_fingerprint` and return it. Taken: `Conflict`.
    ImageAlias create(const std::string& name, const std::string& target_fingerprint, const std::string& description = {}) const {
        detail::call(lxd_image_alias_create, client_, detail::cstr(name), detail::cstr(target_fingerprint), detail::opt_cstr(description));
        return get(name);
    }

};

/// An image (`/1.0/images/<fingerprint>`).
class Image : public gen::ImageBase {
public:
    using ImageBase::ImageBase;

    /// Alias names as last read.
    std::vector<std::string> aliases() const {
        std::vector<std::string> out;
        auto it = local_.find("aliases");
        if (it != local_.end() && it->is_array())
            for (const auto& a : *it) out.push_back(detail::str_at(a, "name"));
        return out;
    }

    /// pylxd's `add_alias`: create alias `name` pointing here, then re-read.
    void add_alias(const std::string& name, const std::string& description = {}) {
        detail::call(lxd_image_alias_create, client_, detail::cstr(name), detail::cstr(key_), detail::opt_cstr(description));
        sync();
    }
    /// pylxd's `delete_alias`.
    void delete_alias(const std::string& name) {
        detail::call(lxd_image_alias_delete, client_, detail::cstr(name));
        sync();
    }
    /// Export it to files, atomically and checked against the fingerprint: a unified image
    /// becomes `path`; a split one `path` (metadata) and `rootfs_path`. Returns whether it was split.
    bool export_to(const std::string& path, const std::string& rootfs_path = {}, const Progress& progress = nullptr) const {
        bool split = false;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_export_path(client_, detail::cstr(key_), detail::cstr(path), detail::opt_cstr(rootfs_path), cb, user, &split, err);
        });
        return split;
    }
    /// Export it to descriptors (`rootfs_fd` -1: none, then a split image is `Error` InvalidArgument).
    bool export_fd(int fd, int rootfs_fd = -1, const Progress& progress = nullptr) const {
        bool split = false;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_export_fd(client_, detail::cstr(key_), fd, rootfs_fd, cb, user, &split, err);
        });
        return split;
    }
    /// Refresh it from its source now (only images with a source can be), waiting. Returns
    /// whether a newer image arrived (`metadata.refreshed` of the operation).
    bool refresh() const {
        Operation op = refresh_async();
        op.wait();
        if (!op) return false;
        const nlohmann::json j = op.json();
        return j.contains("metadata") && detail::bool_at(j.at("metadata"), "refreshed");
    }
    /// As `refresh`, returning the operation.
    Operation refresh_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_refresh, client_, detail::cstr(key_), &op);
        return Operation(op);
    }
    /// A one-time secret that lets an untrusted client fetch this private image
    /// (`Images::get_public(fingerprint, secret)`); cancel its operation to revoke it.
    Token secret() const {
        return detail::token(lxd_image_secret, client_, detail::cstr(key_));
    }
    /// Make this server push the image to another LXD (`POST .../export` with LXD's
    /// ImageExportPost: `target` URL, `secret` and `certificate` of the receiving server,
    /// `aliases`, `project`), waiting. The receiving server hands out the secret for a request
    /// `{"source": {"type": "image", "mode": "push", "fingerprint": ...}, "aliases": [...]}`
    /// (`Images::create_async`, `metadata.secret` of its operation); LXD 5.0.2 gives the image the
    /// aliases of that request.
    void push_to(const nlohmann::json& request) const {
        detail::call(lxd_image_push_to, client_, detail::cstr(key_), request.dump().c_str(), static_cast<lxd_operation**>(nullptr));
    }
    /// As `push_to`, returning the operation.
    Operation push_to_async(const nlohmann::json& request) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_push_to, client_, detail::cstr(key_), request.dump().c_str(), &op);
        return Operation(op);
    }
    /// Copy it to the server of `target` (which downloads it from this one over HTTPS). `options`:
    /// `public`, `auto_update`, `aliases`, `source_url`. Returns the copy (borrowing `target`).
    Image copy_to(const Client& target, const nlohmann::json& options = nullptr) const;
};

/// `client.images()`. Images are keyed by fingerprint (or a unique prefix of it).
class Images : public gen::ImagesBase {
public:
    using ImagesBase::ImagesBase;

    /// pylxd's `get_by_alias`.
    Image get_by_alias(const std::string& alias) const {
        detail::OwnedString j, e;
        detail::call(lxd_image_get_by_alias, client_, detail::cstr(alias), j.out(), e.out());
        return Image(client_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's ImagesPost object (e.g. publish: `{"source": {"type": "instance",
    /// "name": ...}}`), wait, and return the new image (its fingerprint is in the operation's
    /// metadata).
    Image create(const nlohmann::json& request) const {
        Operation op = create_async(request);
        op.wait();
        nlohmann::json done = op.json();
        std::string fp;
        if (done.contains("metadata")) fp = detail::str_at(done["metadata"], "fingerprint");
        if (fp.empty()) throw Error(ErrorCode::Protocol, 0, "image created, but the operation did not report its fingerprint");
        return get(fp);
    }
    /// Create from LXD's ImagesPost object and wait, without fetching the result.
    void create_and_wait(const nlohmann::json& request) const {
        detail::call(lxd_image_create, client_, request.dump().c_str(), static_cast<lxd_operation**>(nullptr));
    }
    /// Fingerprints of the images matching LXD's collection `filter` (e.g. "properties.os eq
    /// busybox"; "": all).
    std::vector<std::string> names_filtered(const std::string& filter) const {
        detail::OwnedString s;
        detail::call(lxd_image_list_filtered, client_, std::int32_t{0}, detail::opt_cstr(filter), s.out());
        return detail::names_from(s.str());
    }
    /// The images matching `filter` (no ETags until `sync()`).
    std::vector<Image> all_filtered(const std::string& filter) const {
        detail::OwnedString s;
        detail::call(lxd_image_list_filtered, client_, std::int32_t{1}, detail::opt_cstr(filter), s.out());
        return detail::objects_from<Image>(s.str(), [&](nlohmann::json j) { return Image(client_, std::move(j)); });
    }
    /// Fingerprints of the public images (`?public`, what an untrusted client may list).
    std::vector<std::string> public_names() const {
        detail::OwnedString s;
        detail::call(lxd_image_list_public, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// The public images as LXD's JSON objects (plain JSON: an untrusted client cannot save them).
    std::vector<nlohmann::json> public_all() const {
        detail::OwnedString s;
        detail::call(lxd_image_list_public, client_, std::int32_t{1}, s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// An image as an untrusted client sees it: a public one, or a private one with the `secret`
    /// of `Image::secret()` ("": none). Private without a valid secret: `NotFound`.
    nlohmann::json get_public(const std::string& fingerprint, const std::string& secret = {}) const {
        detail::OwnedString s;
        detail::call(lxd_image_get_public, client_, detail::cstr(fingerprint), detail::opt_cstr(secret), s.out());
        return detail::parse(s.str());
    }
    /// The image aliases manager.
    ImageAliases aliases() const { return ImageAliases(client_); }

    /// Upload a unified image tarball from `path`, streamed, and return the image. `options`:
    /// `public`, `filename`, `properties`, `aliases`. The same image again: `Error` OperationFailed.
    Image upload(const std::string& path, const nlohmann::json& options = nullptr, const Progress& progress = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_upload_path(client_, detail::cstr(path), detail::opt_cstr(o), cb, user, fp.out(), err);
        });
        return get(fp.str());
    }
    /// Upload a split image (metadata tarball and root filesystem).
    Image upload_split(const std::string& meta_path, const std::string& rootfs_path, const nlohmann::json& options = nullptr,
                       const Progress& progress = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_upload_split(client_, detail::cstr(meta_path), detail::cstr(rootfs_path), detail::opt_cstr(o), cb, user, fp.out(), err);
        });
        return get(fp.str());
    }
    /// Have LXD download the image at `url` (LXD's `LXD-Image-URL` protocol), wait, return it.
    Image create_from_url(const std::string& url, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::call(lxd_image_create_from_url, client_, detail::cstr(url), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
        return get(fp.str());
    }
    /// As `create_from_url`, returning the operation instead of waiting.
    Operation create_from_url_async(const std::string& url, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_image_create_from_url, client_, detail::cstr(url), detail::opt_cstr(o), &op, static_cast<char**>(nullptr));
        return Operation(op);
    }
    /// Have LXD download `alias` from the simplestreams server `server`, wait, return it.
    Image create_from_simplestreams(const std::string& server, const std::string& alias, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::call(lxd_image_create_from_simplestreams, client_, detail::cstr(server), detail::cstr(alias), detail::opt_cstr(o),
                     static_cast<lxd_operation**>(nullptr), fp.out());
        return get(fp.str());
    }
    /// As `create_from_simplestreams`, returning the operation instead of waiting.
    Operation create_from_simplestreams_async(const std::string& server, const std::string& alias,
                                              const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_image_create_from_simplestreams, client_, detail::cstr(server), detail::cstr(alias), detail::opt_cstr(o), &op,
                     static_cast<char**>(nullptr));
        return Operation(op);
    }

};

} // namespace lxd

#endif // LXDCLIENT_LXD_IMAGES_HPP
