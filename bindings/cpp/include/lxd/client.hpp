// lxd/client.hpp: the client, its builder, and the members of other classes that need the client.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_CLIENT_HPP
#define LXDCLIENT_LXD_CLIENT_HPP

#include <lxd/certificates.hpp>
#include <lxd/cluster.hpp>
#include <lxd/images.hpp>
#include <lxd/instances.hpp>
#include <lxd/networks.hpp>
#include <lxd/profiles.hpp>
#include <lxd/projects.hpp>
#include <lxd/server.hpp>
#include <lxd/storage.hpp>

namespace lxd {

// ---------------------------------------------------------------------------------------------
// Client and builder
// ---------------------------------------------------------------------------------------------

/// Which server a client talks to (`lxd_server_flavour`).
enum class ServerFlavour { Lxd = LXD_SERVER_FLAVOUR_LXD, Incus = LXD_SERVER_FLAVOUR_INCUS };

/// A connection to one LXD server (move-only; safe to use from many threads at once).
class Client {
public:
    /// An empty client.
    Client() noexcept = default;
    /// Adopt a handle from the C API (this object frees it).
    explicit Client(lxd_client* adopt) noexcept : h_(adopt) {}

    /// The local unix socket (`socket_path` "": discover it as lxc does).
    static Client local(const std::string& socket_path = {});

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_client* native_handle() const noexcept { return h_.get(); }
    /// Give up ownership of the C handle (free it with the C `_free` function).
    lxd_client* release() noexcept { return h_.release(); }

    /// A new client on the same server and connections with another project ("": default).
    Client with_project(const std::string& project) const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_with_project, h_.get(), detail::opt_cstr(project), &c);
        return Client(c);
    }
    /// A new client with another default cluster member ("": none).
    Client with_target(const std::string& target) const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_with_target, h_.get(), detail::opt_cstr(target), &c);
        return Client(c);
    }
    /// Whether the server trusts this client (`GET /1.0`).
    bool trusted() const {
        bool out = false;
        detail::call(lxd_client_trusted, h_.get(), &out);
        return out;
    }
    /// Ask the server to trust this client's certificate with its trust password or a token. A
    /// client the server trusts already succeeds without sending it (as pylxd's authenticate).
    void authenticate(const std::string& password) const { detail::call(lxd_client_authenticate, h_.get(), detail::cstr(password)); }

    /// The server object (`GET /1.0`) with its ETag.
    Server server() const {
        detail::OwnedString j, e;
        detail::call(lxd_server_get, h_.get(), j.out(), e.out());
        return Server(h_.get(), detail::parse(j.str()), e.opt());
    }
    /// Whether the server is LXD or Incus (learnt from `GET /1.0` once, then remembered).
    ServerFlavour server_flavour() const {
        lxd_server_flavour f = LXD_SERVER_FLAVOUR_LXD;
        detail::call(lxd_client_server_flavour, h_.get(), &f);
        return static_cast<ServerFlavour>(f);
    }
    /// What every configuration key of the server means (Incus 6.0 only; `GET
    /// /1.0/metadata/configuration`): `{"configs": {...}, "entities": {...}}`. LXD 5.0: `Error` NotFound.
    nlohmann::json metadata_configuration() const {
        detail::OwnedString s;
        detail::call(lxd_server_metadata_configuration, h_.get(), s.out());
        return detail::parse(s.str());
    }
    /// The addresses in use on the managed networks (Incus 6.0 only; `GET
    /// /1.0/network-allocations`): `[{"address", "used_by", "type", "nat", "hwaddr"}, ...]` of the
    /// client's project, or of every project with `all_projects`. LXD 5.0: `Error` NotFound.
    std::vector<nlohmann::json> network_allocations(bool all_projects = false) const {
        detail::OwnedString s;
        detail::call(lxd_network_allocations, h_.get(), all_projects, s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// Whether the server has API extension `name`.
    bool has_extension(const std::string& name) const {
        bool out = false;
        detail::call(lxd_server_has_extension, h_.get(), detail::cstr(name), &out);
        return out;
    }
    /// The host's hardware (`GET /1.0/resources`).
    nlohmann::json resources() const {
        detail::OwnedString s;
        detail::call(lxd_server_resources, h_.get(), s.out());
        return detail::parse(s.str());
    }
    /// Any request: `path` with its query, percent-encoded (`"/1.0/instances?recursion=1"`). The
    /// client's project and target are not added. Whatever LXD answers is returned, not thrown.
    RawResponse raw(const std::string& method, const std::string& path) const { return raw_impl(method, path, nullptr); }
    /// As `raw(method, path)`, sending `body` as JSON.
    RawResponse raw(const std::string& method, const std::string& path, const nlohmann::json& body) const {
        const std::string text = body.dump();
        return raw_impl(method, path, text.c_str());
    }

    /// Any request, with LXD's reply read as every typed call reads it (`lxd_call`): an error
    /// reply throws `lxd::Error` (code by status, LXD's message); a sync reply gives its metadata;
    /// an async reply is waited for (within the client's operation deadline) and gives the
    /// finished operation's metadata. `path` with its query, percent-encoded; the client's
    /// project and target are not added.
    nlohmann::json call(const std::string& method, const std::string& path) const { return call_impl(method, path, nullptr); }
    /// As `call(method, path)`, sending `body` as JSON.
    nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body) const {
        const std::string text = body.dump();
        return call_impl(method, path, text.c_str());
    }
    /// As `call`, but an async reply is not waited for: the Operation comes back (an empty one,
    /// false as a bool, for a sync reply) next to the JSON (the metadata, or the operation object).
    std::pair<nlohmann::json, Operation> call_async(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) const {
        const std::string text = body.is_null() ? std::string() : body.dump();
        detail::OwnedString s;
        lxd_operation* op = nullptr;
        detail::call(lxd_call, h_.get(), detail::cstr(method), detail::cstr(path), body.is_null() ? nullptr : text.c_str(), s.out(), &op);
        return {detail::parse(s.str()), Operation(op)};
    }

    /// The Instances manager.
    Instances instances() const noexcept { return Instances(h_.get()); }
    /// The Images manager.
    Images images() const noexcept { return Images(h_.get()); }
    /// The ImageAliases manager.
    ImageAliases image_aliases() const noexcept { return ImageAliases(h_.get()); }
    /// The Profiles manager.
    Profiles profiles() const noexcept { return Profiles(h_.get()); }
    /// The Networks manager.
    Networks networks() const noexcept { return Networks(h_.get()); }
    /// The StoragePools manager.
    StoragePools storage_pools() const noexcept { return StoragePools(h_.get()); }
    /// The Certificates manager.
    Certificates certificates() const noexcept { return Certificates(h_.get()); }
    /// The Operations manager.
    Operations operations() const noexcept { return Operations(h_.get()); }
    /// Projects (`/1.0/projects`).
    Projects projects() const noexcept { return Projects(h_.get()); }
    /// Network ACLs of the client's project (`/1.0/network-acls`).
    NetworkAcls network_acls() const noexcept { return NetworkAcls(h_.get()); }
    /// Network zones of the client's project (`/1.0/network-zones`).
    NetworkZones network_zones() const noexcept { return NetworkZones(h_.get()); }
    /// Network integrations (Incus only; `/1.0/network-integrations`; LXD 5.0: `Error` NotFound).
    NetworkIntegrations network_integrations() const noexcept { return NetworkIntegrations(h_.get()); }
    /// Warnings (`/1.0/warnings`).
    Warnings warnings() const noexcept { return Warnings(h_.get()); }
    /// The cluster, its members and groups (`/1.0/cluster`).
    ClusterManager cluster() const noexcept { return ClusterManager(h_.get()); }
    /// The custom (and other) volumes of storage pool `pool`.
    StorageVolumes storage_volumes(const std::string& pool) const { return StorageVolumes(h_.get(), pool); }

    /// The server's metrics in OpenMetrics text (ending with "# EOF"); the client's project
    /// selects the instances. Over HTTPS: trusted or `metrics` certificates, else `Error` Forbidden.
    std::string metrics() const {
        detail::OwnedString s;
        detail::call(lxd_metrics_get, h_.get(), s.out());
        return s.str();
    }
    /// The API versions the server offers (`GET /`, e.g. {"/1.0"}); works untrusted.
    std::vector<std::string> api_versions() const {
        detail::OwnedString s;
        detail::call(lxd_server_api_versions, h_.get(), s.out());
        return detail::names_from(s.str());
    }
    /// The server as an untrusted client sees it (`GET /1.0?public`; a trusted client gets the
    /// full view), as JSON.
    nlohmann::json server_public() const {
        detail::OwnedString s;
        detail::call(lxd_server_get_public, h_.get(), s.out());
        return detail::parse(s.str());
    }

    /// Subscribe to events: `types` a comma-separated list of `lifecycle`, `operation`, `logging`
    /// ("": all); events of every project when `all_projects`. Events after this returns arrive.
    EventListener events(const std::string& types = {}, bool all_projects = false) const {
        lxd_event_listener* l = nullptr;
        detail::call(lxd_event_listener_open, h_.get(), detail::opt_cstr(types), all_projects, &l);
        return EventListener(l);
    }

private:
    nlohmann::json call_impl(const std::string& method, const std::string& path, const char* body) const {
        detail::OwnedString s;
        detail::call(lxd_call, h_.get(), detail::cstr(method), detail::cstr(path), body, s.out(), static_cast<lxd_operation**>(nullptr));
        return detail::parse(s.str());
    }
    RawResponse raw_impl(const std::string& method, const std::string& path, const char* body) const {
        RawResponse r;
        detail::OwnedString b, e;
        detail::call(lxd_raw_request, h_.get(), detail::cstr(method), detail::cstr(path), body, &r.status, b.out(), e.out());
        r.body = b.str();
        r.etag = e.opt();
        return r;
    }
    std::unique_ptr<lxd_client, detail::ClientFree> h_;
};

/// One request, as a log callback sees it (`ClientBuilder::set_log_callback`).
struct LogRecord {
    std::string method;                 ///< "GET", "POST", ...
    std::string path;                   ///< path and query; secret query values are "REDACTED"
    std::uint16_t status = 0;           ///< HTTP status (101: websocket accepted; 0: no reply)
    std::chrono::microseconds duration; ///< from sending the request to the reply's headers
    std::string error;                  ///< why there was no reply ("" when there was one)
    std::string line;                   ///< all of it as one line: "GET /1.0 -> 200 (1.234 ms)"
};

/// Receives a `LogRecord` for every request and websocket upgrade.
using LogCallback = std::function<void(const LogRecord&)>;

namespace detail {
extern "C" inline void log_trampoline(void* user, const char* method, const char* path, std::uint16_t status, std::uint64_t duration_us,
                                      const char* error, const char* line) noexcept {
    try {
        LogRecord r{method ? method : "", path ? path : "", status, std::chrono::microseconds(duration_us), error ? error : "", line ? line : ""};
        (*static_cast<LogCallback*>(user))(r);
    } catch (...) {
        // An exception must not cross into C: the record is dropped, the request goes on.
    }
}
extern "C" inline void log_free(void* user) noexcept { delete static_cast<LogCallback*>(user); }
} // namespace detail

/// Connection settings (move-only); `build()` any number of clients from it.
///
///     auto client = lxd::ClientBuilder::https("https://127.0.0.1:8443")
///                       .set_client_cert_files("client.crt", "client.key")
///                       .pin_server_cert_file("server.crt")
///                       .build();
class ClientBuilder {
public:
    /// An empty builder, or one adopting a C handle.
    ClientBuilder() noexcept = default;
    /// An empty builder, or one adopting a C handle.
    explicit ClientBuilder(lxd_client_builder* adopt) noexcept : h_(adopt) {}

    /// The local unix socket (`socket_path` "": discover LXD_SOCKET, LXD_DIR/unix.socket, the
    /// snap's, /var/lib/lxd/unix.socket).
    static ClientBuilder unix_socket(const std::string& socket_path = {}) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_unix, detail::opt_cstr(socket_path), &b);
        return ClientBuilder(b);
    }
    /// LXD over HTTPS, e.g. "https://127.0.0.1:8443".
    static ClientBuilder https(const std::string& url) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_https, detail::cstr(url), &b);
        return ClientBuilder(b);
    }
    /// A remote of an lxc configuration directory, as `lxc` connects to it (`remote` "": the
    /// default remote; `config_dir` "": $LXD_CONF, ~/.config/lxc, the snap's). See `LxcConfig`.
    static ClientBuilder remote(const std::string& remote = {}, const std::string& config_dir = {}) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_remote, detail::opt_cstr(config_dir), detail::opt_cstr(remote), &b);
        return ClientBuilder(b);
    }

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_client_builder* native_handle() const noexcept { return h_.get(); }
    /// Give up ownership of the C handle (free it with the C `_free` function).
    lxd_client_builder* release() noexcept { return h_.release(); }

    /// Client certificate and key, PEM text.
    ClientBuilder& set_client_cert_pem(const std::string& cert_pem, const std::string& key_pem) {
        detail::call(lxd_client_builder_set_client_cert_pem, h_.get(), detail::cstr(cert_pem), detail::cstr(key_pem));
        return *this;
    }
    /// Client certificate and key, PEM files.
    ClientBuilder& set_client_cert_files(const std::string& cert_path, const std::string& key_path) {
        detail::call(lxd_client_builder_set_client_cert_files, h_.get(), detail::cstr(cert_path), detail::cstr(key_path));
        return *this;
    }
    /// Accept exactly this server certificate (PEM), as `lxc remote add` does.
    ClientBuilder& pin_server_cert_pem(const std::string& cert_pem) {
        detail::call(lxd_client_builder_pin_server_cert_pem, h_.get(), detail::cstr(cert_pem));
        return *this;
    }
    /// Accept exactly the server certificate in this PEM file.
    ClientBuilder& pin_server_cert_file(const std::string& cert_path) {
        detail::call(lxd_client_builder_pin_server_cert_file, h_.get(), detail::cstr(cert_path));
        return *this;
    }
    /// Verify the server against these CAs (PEM) instead of public roots; its name must match.
    ClientBuilder& set_ca_pem(const std::string& ca_pem) {
        detail::call(lxd_client_builder_set_ca_pem, h_.get(), detail::cstr(ca_pem));
        return *this;
    }
    /// DANGER: no server verification at all. Throwaway test setups only.
    ClientBuilder& danger_accept_invalid_certs() {
        detail::call(lxd_client_builder_danger_accept_invalid_certs, h_.get());
        return *this;
    }
    /// Per-request timeout (0: none; default 30 s).
    ClientBuilder& set_timeout(std::chrono::milliseconds timeout) {
        detail::call(lxd_client_builder_set_timeout_ms, h_.get(), static_cast<std::uint64_t>(timeout.count() < 0 ? 0 : timeout.count()));
        return *this;
    }
    /// Operation deadline: the longest any call waits on an operation or an exec stream without a
    /// timeout of its own (`wait()` without argument, the plain instance/image/snapshot calls that
    /// wait, `Exec::run` without `timeout_ms`); past it `Timeout`. 0: no limit; default 10 minutes.
    ClientBuilder& set_operation_deadline(std::chrono::milliseconds deadline) {
        detail::call(lxd_client_builder_set_operation_deadline_ms, h_.get(), static_cast<std::uint64_t>(deadline.count() < 0 ? 0 : deadline.count()));
        return *this;
    }
    /// Largest JSON reply buffered, in bytes (0: the default, 32 MiB). A bigger reply throws
    /// `lxd::Error` with `ErrorCode::Protocol` as soon as it is known to be bigger (declared
    /// length, or once that many bytes arrived); downloads stream and are not limited by it.
    ClientBuilder& set_max_reply_bytes(std::uint64_t max_bytes) {
        detail::call(lxd_client_builder_set_max_reply_bytes, h_.get(), max_bytes);
        return *this;
    }
    /// Default project ("": the server's default).
    ClientBuilder& set_project(const std::string& project) {
        detail::call(lxd_client_builder_set_project, h_.get(), detail::opt_cstr(project));
        return *this;
    }
    /// Default cluster member ("": none).
    ClientBuilder& set_target(const std::string& target) {
        detail::call(lxd_client_builder_set_target, h_.get(), detail::opt_cstr(target));
        return *this;
    }
    /// User-Agent ("": `liblxdclient/` followed by `lxd::version()`).
    ClientBuilder& set_user_agent(const std::string& user_agent) {
        detail::call(lxd_client_builder_set_user_agent, h_.get(), detail::opt_cstr(user_agent));
        return *this;
    }
    /// How HTTPS connections reach the server. Not called: from the environment at `build()`
    /// (`HTTPS_PROXY`/`https_proxy` unless `NO_PROXY`/`no_proxy` matches the host; loopback is
    /// proxied unless listed, as curl does). `""`: never a proxy. `"http://[user:pass@]host[:port]"`:
    /// always that proxy (NO_PROXY not consulted). Requests and websockets are tunnelled with
    /// CONNECT; a refused tunnel throws `Error` (Connection) from the call.
    ClientBuilder& set_proxy(const std::string& proxy_url) {
        detail::call(lxd_client_builder_set_proxy, h_.get(), detail::cstr(proxy_url));
        return *this;
    }
    /// Back to the default: the proxy from the environment.
    ClientBuilder& set_proxy_from_environment() {
        detail::call(lxd_client_builder_set_proxy, h_.get(), static_cast<const char*>(nullptr));
        return *this;
    }
    /// Log every request of the clients built from now on (method, redacted path, status, time
    /// to the reply's headers; never bodies, so never a trust password or token). `callback` is
    /// called on whichever thread makes the request — several at once when a client is shared —
    /// so it must be thread-safe; an exception it throws is swallowed. It is kept (moved into the
    /// library) until the builder and every client built with it are gone. An empty function
    /// turns logging off.
    ClientBuilder& set_log_callback(LogCallback callback) {
        if (!callback) {
            detail::call(lxd_client_builder_set_log_callback, h_.get(), static_cast<lxd_log_cb>(nullptr), static_cast<void*>(nullptr),
                         static_cast<lxd_user_data_free_cb>(nullptr));
            return *this;
        }
        auto* held = new LogCallback(std::move(callback));
        lxd_error* err = nullptr;
        const lxd_result r = lxd_client_builder_set_log_callback(h_.get(), &detail::log_trampoline, held, &detail::log_free, &err);
        if (r != LXD_RESULT_OK) {
            delete held; // not taken: the library calls user_data_free only on success
            detail::throw_error(r, err);
        }
        return *this;
    }
    /// Report the server-side progress of every operation the clients built from this builder
    /// wait for (`Operation::on_progress` says what is reported): the waits inside calls that
    /// wait for their operation (`Image::copy_to`, `Instances::create_from_image`, ...) and
    /// `Operation::wait()` on operations without a handler of their own. `handler` runs on the
    /// waiting thread — with one client shared by threads, on several at once. An exception from
    /// it stops that wait (which throws `lxd::Cancelled`). An empty function removes it.
    ClientBuilder& set_progress_handler(std::function<void(const OperationProgress&)> handler) {
        using Handler = std::function<void(const OperationProgress&)>;
        struct Trampoline {
            static int call(void* user, const lxd_operation_progress* p) noexcept {
                try {
                    (*static_cast<Handler*>(user))(OperationProgress{p->operation_id, p->status_code, p->stage, p->percent, p->processed, p->speed, p->text});
                    return 0;
                } catch (...) {
                    return 1; // an exception must not cross into C: stop the wait
                }
            }
            static void release(void* user) noexcept { delete static_cast<Handler*>(user); }
        };
        if (!handler) {
            detail::call(lxd_client_builder_set_progress_handler, h_.get(), static_cast<lxd_operation_progress_cb>(nullptr),
                         static_cast<void*>(nullptr), static_cast<lxd_user_data_free_cb>(nullptr));
            return *this;
        }
        auto* held = new Handler(std::move(handler));
        lxd_error* err = nullptr;
        const lxd_result r = lxd_client_builder_set_progress_handler(h_.get(), &Trampoline::call, held, &Trampoline::release, &err);
        if (r != LXD_RESULT_OK) {
            delete held; // not taken: the library calls user_data_free only on success
            detail::throw_error(r, err);
        }
        return *this;
    }
    /// A new client (nothing is sent yet; the builder stays usable).
    Client build() const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_builder_build, h_.get(), &c);
        return Client(c);
    }

private:
    std::unique_ptr<lxd_client_builder, detail::BuilderFree> h_;
};

inline Client Client::local(const std::string& socket_path) { return ClientBuilder::unix_socket(socket_path).build(); }

// Members that need classes defined after theirs.

inline Image Snapshot::publish(const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    invoke(lxd_snapshot_publish, detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
    return Images(client_).get(fp.str());
}
inline Image Instance::publish(const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    invoke(lxd_instance_publish, detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
    return Images(client_).get(fp.str());
}
inline Instance Instance::copy_local(const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    invoke(lxd_instance_copy_local, detail::cstr(target_name), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
    return Instances(client_).get(target_name);
}
inline Instance Instance::copy_to(const Client& target, const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    invoke(lxd_instance_copy_to, target.native_handle(), detail::opt_cstr(target_name), detail::opt_cstr(o));
    return target.instances().get(target_name.empty() ? key_ : target_name);
}
inline Instance Instance::migrate_to(const Client& target, const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    invoke(lxd_instance_migrate_to, target.native_handle(), detail::opt_cstr(target_name), detail::opt_cstr(o));
    return target.instances().get(target_name.empty() ? key_ : target_name);
}
inline Image Image::copy_to(const Client& target, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    invoke(lxd_image_copy_to, target.native_handle(), detail::opt_cstr(o), fp.out());
    return target.images().get(fp.str());
}

/// The SHA-256 fingerprint of the first certificate in `cert_pem`, as lxc and LXD show it.
inline std::string certificate_fingerprint(const std::string& cert_pem) {
    detail::OwnedString fp;
    detail::call(lxd_certificate_fingerprint, detail::cstr(cert_pem), fp.out());
    return fp.str();
}

/// An lxc configuration directory (`config.yml`, `client.crt`/`client.key`, `servercerts/`), shared
/// with the `lxc` command line tool.

} // namespace lxd

#endif // LXDCLIENT_LXD_CLIENT_HPP
