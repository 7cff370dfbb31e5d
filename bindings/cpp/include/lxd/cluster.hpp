// lxd/cluster.hpp: the cluster document, members (evacuate, restore, join tokens) and the cluster manager.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_CLUSTER_HPP
#define LXDCLIENT_LXD_CLUSTER_HPP

#include <lxd/resources.hpp>
#include <lxd/streams.hpp>

namespace lxd {

/// A cluster member (`/1.0/cluster/members/<name>`). LXD 5.0.2 fills what a member PATCH leaves
/// out with defaults and may refuse them: send `roles`, `groups`, `failure_domain` too.
class ClusterMember : public gen::ClusterMemberBase {
public:
    using ClusterMemberBase::ClusterMemberBase;

    /// Evacuate it (LXD's default mode), waiting, then re-read.
    void evacuate() { act(lxd_cluster_member_evacuate); }
    /// As `evacuate`, returning the operation.
    Operation evacuate_async() const { return act_async(lxd_cluster_member_evacuate); }
    /// Restore it after an evacuation, waiting, then re-read.
    void restore() { act(lxd_cluster_member_restore); }
    /// As `restore`, returning the operation.
    Operation restore_async() const { return act_async(lxd_cluster_member_restore); }
    /// `action` "evacuate" or "restore" (else `Error` InvalidArgument), with evacuation `mode`
    /// ("auto", "stop", "migrate", "live-migrate"; "": LXD's default); wait, re-read.
    void set_state(const std::string& action, const std::string& mode = {}) { act(lxd_cluster_member_set_state, detail::cstr(action), detail::opt_cstr(mode)); }
    /// As `set_state`, returning the operation.
    Operation set_state_async(const std::string& action, const std::string& mode = {}) const {
        return act_async(lxd_cluster_member_set_state, detail::cstr(action), detail::opt_cstr(mode));
    }
    /// Its state (Incus 6.0 only; `GET .../state`): `sysinfo` and `storage_pools`. A server that
    /// is not clustered answers for the name "none". LXD 5.0.2 answers 501: `Error` Api.
    nlohmann::json state() const { return read_json(lxd_cluster_member_state); }
};

/// `client.cluster().members()`.
class ClusterMembers : public gen::ClusterMembersBase {
public:
    using ClusterMembersBase::ClusterMembersBase;

    /// A join token for a new member called `server_name` (`lxc cluster add`); cancel its
    /// operation to revoke it.
    Token join_token(const std::string& server_name) const {
        return detail::token(lxd_cluster_member_join_token, client_, detail::cstr(server_name));
    }
};

/// The cluster document (`GET /1.0/cluster`: `server_name`, `enabled`, `member_config`). `save()`
/// PUTs it back (ClusterPut: enable clustering, join, leave), waiting for the operation.
class Cluster : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    Cluster(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)) {}
    /// LXD's `server_name` field, as last read.
    std::string server_name() const { return detail::str_at(local_, "server_name"); }
    /// LXD's `enabled` field, as last read.
    bool enabled() const { return detail::bool_at(local_, "enabled"); }
    /// Per-member configuration keys a joining server must provide.
    nlohmann::json member_config() const {
        return local_.is_object() && local_.contains("member_config") ? local_.at("member_config") : nlohmann::json::array();
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_get, client_, j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_cluster_update, client_, body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }
};

/// `client.cluster()`: the cluster, its members and groups.
class ClusterManager {
public:
    /// The cluster of the client's server.
    explicit ClusterManager(lxd_client* client) noexcept : client_(client) {}
    /// The cluster document with its ETag.
    Cluster get() const {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_get, client_, j.out(), e.out());
        return Cluster(client_, detail::parse(j.str()), e.opt());
    }
    /// PUT LXD's ClusterPut `request` (enable clustering, join, leave) with `etag` ("": none),
    /// returning the operation (empty when LXD finished synchronously).
    Operation update_async(const nlohmann::json& request, const std::string& etag = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_update, client_, request.dump().c_str(), detail::opt_cstr(etag), &op);
        return Operation(op);
    }
    /// Replace the certificate every member serves (PEM certificate and key; `etag` "": none).
    /// The key never appears in an error message.
    void update_certificate(const std::string& cert_pem, const std::string& key_pem, const std::string& etag = {}) const {
        detail::call(lxd_cluster_update_certificate, client_, detail::cstr(cert_pem), detail::cstr(key_pem), detail::opt_cstr(etag));
    }
    /// The members.
    ClusterMembers members() const noexcept { return ClusterMembers(client_); }
    /// The groups.
    ClusterGroups groups() const noexcept { return ClusterGroups(client_); }

private:
    lxd_client* client_;
};

} // namespace lxd

#endif // LXDCLIENT_LXD_CLUSTER_HPP
