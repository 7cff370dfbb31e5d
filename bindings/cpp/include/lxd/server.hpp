// lxd/server.hpp: the server document, operations, and raw replies.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_SERVER_HPP
#define LXDCLIENT_LXD_SERVER_HPP

#include <lxd/object.hpp>

namespace lxd {

/// `client.operations()`.
class Operations {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Operations(lxd_client* client) noexcept : client_(client) {}
    /// Every operation the server knows, as LXD's operation objects.
    std::vector<nlohmann::json> all() const {
        detail::OwnedString s;
        detail::call(lxd_operation_list, client_, s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// A handle on an existing operation (`GET /1.0/operations/<id>`). Missing: `NotFound`.
    Operation get(const std::string& id) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_operation_open, client_, detail::cstr(id), &op);
        return Operation(op);
    }
    /// The ids of every operation the server knows (all statuses).
    std::vector<std::string> ids() const {
        detail::OwnedString s;
        detail::call(lxd_operation_list_ids, client_, s.out());
        return detail::names_from(s.str());
    }
    /// As an untrusted client holding the operation's `secret`: wait until operation `id` is
    /// final or `timeout` passed (negative: no limit but the client's timeout) and return its
    /// JSON. A wrong secret: `Error` (Forbidden).
    nlohmann::json wait_untrusted(const std::string& id, const std::string& secret,
                                  std::chrono::seconds timeout = std::chrono::seconds(-1)) const {
        detail::OwnedString s;
        detail::call(lxd_operation_wait_untrusted, client_, detail::cstr(id), detail::cstr(secret),
                     static_cast<std::int64_t>(timeout.count() < 0 ? -1 : timeout.count()), s.out());
        return detail::parse(s.str());
    }
    /// pylxd's `wait_for_operation`.
    Operation wait_for(const std::string& id) const {
        Operation op = get(id);
        op.wait();
        return op;
    }

private:
    lxd_client* client_;
};

/// The server (`GET /1.0`): config, environment, extensions; `save()` PUTs `{"config": ...}`.
class Server : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Server(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)) {}
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `environment` map, as last read (read-only view).
    const nlohmann::json& environment() const { return detail::const_object_at(local_, "environment"); }
    /// LXD's `api_extensions` field, as last read.
    std::vector<std::string> api_extensions() const { return detail::strings_at(local_, "api_extensions"); }
    /// LXD's `api_version` field, as last read.
    std::string api_version() const { return detail::str_at(local_, "api_version"); }
    /// "trusted" or "untrusted".
    std::string auth() const { return detail::str_at(local_, "auth"); }
    /// The LXD version (`environment.server_version`).
    std::string server_version() const { return detail::str_at(environment(), "server_version"); }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_server_patch, client_, body.c_str(), etag);
        });
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_server_get, client_, j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_server_update, client_, body.c_str(), etag);
    }
};

/// What `Client::raw` got back: any HTTP status is a success here.
struct RawResponse {
    std::uint16_t status = 0;
    std::string body;
    std::optional<std::string> etag;
    /// The body parsed as JSON (LXD's envelope); throws `Error` (Protocol) when it is not JSON.
    nlohmann::json json() const { return detail::parse(body); }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_SERVER_HPP
