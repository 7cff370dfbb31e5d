// Network ACLs (CRUD, ETags, rename, log), zones and their records, and the forwards, leases and
// peers of an isolated managed bridge (documentation addresses, no NAT, DHCP or DNS). Peering
// needs OVN, which this machine lacks: the exact error LXD gives is asserted.
#include "common.hpp"

#include <algorithm>
#include <unistd.h>

using namespace lxdtest;

static bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(NetworkAcls, Lifecycle) {
    auto c = local();
    const std::string name = unique("acl"), renamed = unique("aclr");
    Cleanup gone([&] {
        lxd_network_acl_delete(c.native_handle(), name.c_str(), nullptr);
        lxd_network_acl_delete(c.native_handle(), renamed.c_str(), nullptr);
    });
    const nlohmann::json body = {
        {"name", name},
        {"description", "a1"},
        {"egress", {{{"action", "allow"}, {"destination", "192.0.2.0/24"}, {"state", "enabled"}}}}};
    auto acl = c.network_acls().create(body);
    EXPECT_EQ(acl.name(), name);
    EXPECT_EQ(acl.description(), "a1");
    ASSERT_EQ(acl.egress().size(), 1u);
    EXPECT_EQ(acl.egress()[0].at("destination"), "192.0.2.0/24");
    ASSERT_TRUE(acl.etag().has_value());
    // LXD 5.0.2 reports an existing ACL as a 400, not a 409.
    auto dup = error_of([&] { c.network_acls().create(body); });
    EXPECT_EQ(dup.code(), lxd::ErrorCode::Api) << dup.what();
    EXPECT_EQ(dup.http_status(), 400);
    EXPECT_NE(std::string(dup.what()).find("already exists"), std::string::npos) << dup.what();
    EXPECT_TRUE(c.network_acls().exists(name));
    EXPECT_TRUE(contains(c.network_acls().names(), name));
    EXPECT_FALSE(c.network_acls().all().empty());

    auto stale = c.network_acls().get(name);
    acl.ingress().push_back({{"action", "drop"}, {"source", "198.51.100.0/24"}, {"state", "enabled"}});
    acl.set_description("a2");
    acl.save();
    EXPECT_FALSE(acl.dirty());
    auto fresh = c.network_acls().get(name);
    ASSERT_EQ(fresh.ingress().size(), 1u);
    EXPECT_EQ(fresh.ingress()[0].at("source"), "198.51.100.0/24");
    stale.set_description("stale");
    auto e = error_of([&] { stale.save(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::PreconditionFailed) << e.what();
    EXPECT_EQ(e.http_status(), 412);
    // LXD 5.0.2 merges only `config` on PATCH; rules sent are replaced.
    acl.patch({{"description", "a3"}, {"config", {{"user.cpp", "1"}}}, {"ingress", acl.ingress()}, {"egress", acl.egress()}});
    EXPECT_EQ(acl.description(), "a3");
    EXPECT_EQ(acl.config().at("user.cpp"), "1");
    // Only OVN networks log ACL hits; LXD 5.0.2 says so with a 500.
    e = error_of([&] { acl.log(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Api);
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_NE(std::string(e.what()).find("OVN"), std::string::npos) << e.what();

    acl.rename(renamed);
    EXPECT_EQ(acl.name(), renamed);
    EXPECT_FALSE(c.network_acls().exists(name));
    acl.remove();
    EXPECT_THROW(c.network_acls().get(renamed), lxd::NotFound);
}

TEST(NetworkZones, ZonesAndRecords) {
    auto c = local();
    const std::string zone = "cpp" + suffix(8) + ".example.test";
    Cleanup gone([&] { lxd_network_zone_delete(c.native_handle(), zone.c_str(), nullptr); });
    auto z = c.network_zones().create({{"name", zone}, {"description", "z1"}, {"config", nlohmann::json::object()}});
    EXPECT_EQ(z.name(), zone);
    EXPECT_EQ(z.description(), "z1");
    ASSERT_TRUE(z.etag().has_value());
    EXPECT_TRUE(c.network_zones().exists(zone));
    EXPECT_TRUE(contains(c.network_zones().names(), zone));
    EXPECT_FALSE(c.network_zones().all().empty());
    // LXD 5.0.2 reports an existing zone as a 400, not a 409.
    auto dup = error_of([&] { c.network_zones().create({{"name", zone}}); });
    EXPECT_EQ(dup.code(), lxd::ErrorCode::Api) << dup.what();
    EXPECT_EQ(dup.http_status(), 400);
    EXPECT_NE(std::string(dup.what()).find("already exists"), std::string::npos) << dup.what();

    auto stale = c.network_zones().get(zone);
    z.set_description("z2");
    z.set_config("user.cpp", "1");
    z.save();
    EXPECT_EQ(c.network_zones().get(zone).description(), "z2");
    stale.set_description("stale");
    EXPECT_EQ(error_of([&] { stale.save(); }).code(), lxd::ErrorCode::PreconditionFailed);
    // LXD 5.0.2 drops the connection on a zone PATCH without `config` once the zone has config
    // (its handler merges into a nil map and panics); with `config` it merges.
    auto e = error_of([&] { z.patch({{"description", "z3"}}); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Connection) << e.what();
    z.patch({{"description", "z3"}, {"config", nlohmann::json::object()}});
    EXPECT_EQ(z.description(), "z3");
    EXPECT_EQ(z.config().at("user.cpp"), "1");

    auto records = z.records();
    auto r = records.create({{"name", "www"}, {"description", "r1"}, {"entries", {{{"type", "A"}, {"value", "192.0.2.7"}}}}});
    EXPECT_EQ(r.name(), "www");
    EXPECT_EQ(r.zone(), zone);
    ASSERT_EQ(r.entries().size(), 1u);
    EXPECT_EQ(r.entries()[0].at("value"), "192.0.2.7");
    EXPECT_EQ(records.names(), std::vector<std::string>{"www"});
    EXPECT_EQ(records.all().size(), 1u);
    auto rstale = records.get("www");
    r.entries() = nlohmann::json::array({{{"type", "AAAA"}, {"value", "2001:db8::7"}}});
    r.set_description("r2");
    r.save();
    EXPECT_EQ(records.get("www").entries()[0].at("value"), "2001:db8::7");
    rstale.set_description("stale");
    EXPECT_EQ(error_of([&] { rstale.save(); }).code(), lxd::ErrorCode::PreconditionFailed);
    // The same LXD 5.0.2 panic for a record PATCH without `config` after a PUT.
    e = error_of([&] { r.patch({{"description", "r3"}}); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Connection) << e.what();
    r.patch({{"description", "r3"}, {"config", nlohmann::json::object()}, {"entries", {{{"type", "A"}, {"value", "192.0.2.8"}}}}});
    EXPECT_EQ(r.description(), "r3");
    EXPECT_EQ(r.entries()[0].at("value"), "192.0.2.8");
    r.remove();
    EXPECT_THROW(records.get("www"), lxd::NotFound);
    z.remove();
    EXPECT_THROW(c.network_zones().get(zone), lxd::NotFound);
    EXPECT_FALSE(c.network_zones().exists(zone));
}

TEST(NetworkForwards, OnAnIsolatedBridgeAndPeersNeedOvn) {
    auto c = local();
    char br[16];
    std::snprintf(br, sizeof br, "cpf%x", static_cast<unsigned>(getpid()) & 0xffffffu);
    const std::string bridge = br;
    const unsigned octet = static_cast<unsigned>(getpid()) % 250 + 1;
    const std::string net = "198.18." + std::to_string(octet);
    Cleanup gone([&] { lxd_network_delete(c.native_handle(), bridge.c_str(), nullptr); });
    c.networks().create({{"name", bridge},
                         {"type", "bridge"},
                         {"config",
                          {{"ipv4.address", net + ".1/24"},
                           {"ipv4.nat", "false"},
                           {"ipv4.dhcp", "false"},
                           {"ipv6.address", "none"},
                           {"dns.mode", "none"}}}});
    auto network = c.networks().get(bridge);
    auto forwards = network.forwards();
    const std::string listen = "198.19." + std::to_string(octet) + ".10";
    auto f = forwards.create({{"listen_address", listen}, {"description", "f1"}, {"config", {{"target_address", net + ".5"}}}});
    EXPECT_EQ(f.listen_address(), listen);
    EXPECT_EQ(f.network(), bridge);
    EXPECT_EQ(f.description(), "f1");
    EXPECT_EQ(f.config().at("target_address"), net + ".5");
    ASSERT_TRUE(f.etag().has_value());
    EXPECT_EQ(forwards.names(), std::vector<std::string>{listen});
    EXPECT_EQ(forwards.all().size(), 1u);
    EXPECT_EQ(error_of([&] { forwards.create({{"listen_address", listen}}); }).code(), lxd::ErrorCode::Conflict);

    auto stale = forwards.get(listen);
    f.set_description("f2");
    f.config()["target_address"] = net + ".6";
    f.json()["ports"] = {{{"protocol", "tcp"}, {"listen_port", "80"}, {"target_port", "8080"}, {"target_address", net + ".9"}}};
    f.save();
    auto fresh = forwards.get(listen);
    EXPECT_EQ(fresh.description(), "f2");
    EXPECT_EQ(fresh.config().at("target_address"), net + ".6");
    ASSERT_EQ(fresh.ports().size(), 1u);
    EXPECT_EQ(fresh.ports()[0].at("target_port"), "8080");
    // LXD 5.0.2 sends an ETag for forwards but ignores If-Match on their PUT and PATCH: a stale
    // save goes through (and overwrites).
    stale.set_description("stale");
    EXPECT_NO_THROW(stale.save());
    EXPECT_EQ(forwards.get(listen).description(), "stale");
    EXPECT_TRUE(forwards.get(listen).ports().empty());
    // LXD 5.0.2 drops the connection on a forward PATCH without `config`: send it.
    f.patch({{"description", "f3"}, {"config", nlohmann::json::object()}});
    EXPECT_EQ(f.description(), "f3");
    f.remove();
    EXPECT_THROW(forwards.get(listen), lxd::NotFound);

    // The bridge's own address is its only "lease" (DHCP is off).
    auto leases = network.leases();
    ASSERT_FALSE(leases.empty());
    EXPECT_EQ(leases[0].value("type", ""), "gateway");

    // Peering needs OVN: a bridge refuses it with 400.
    auto e = error_of([&] { network.peers().create({{"name", "p1"}, {"target_network", "x"}}); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Api) << e.what();
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_NE(std::string(e.what()).find("peering"), std::string::npos) << e.what();
    e = error_of([&] { network.peers().names(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Api) << e.what();
    EXPECT_EQ(e.http_status(), 400);
    e = error_of([&] { network.peers().all(); });
    EXPECT_EQ(e.http_status(), 400);
    e = error_of([&] { network.peers().get("p1"); });
    EXPECT_EQ(e.http_status(), 400) << e.what();
    // The typed peer object reaches the same API (PUT, PATCH, DELETE), refused the same way.
    lxd::NetworkPeer peer(c.native_handle(), bridge, {{"name", "p1"}, {"target_network", "x"}});
    EXPECT_EQ(error_of([&] { peer.save(); }).http_status(), 400);
    EXPECT_EQ(error_of([&] { peer.patch({{"description", "x"}}); }).http_status(), 400);
    EXPECT_EQ(error_of([&] { peer.remove(); }).http_status(), 400);
    network.remove();
    EXPECT_FALSE(c.networks().exists(bridge));
}
