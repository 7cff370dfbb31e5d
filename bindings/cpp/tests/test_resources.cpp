// Profiles, networks and storage pools: manager calls and pylxd's lifecycle on each.
#include "common.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

using namespace lxdtest;

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
} // namespace

TEST(Profiles, Lifecycle) {
    auto c = local();
    const std::string name = unique("prof");
    auto p = c.profiles().create(name, {{"user.created", "yes"}}, {{"tmp", {{"type", "disk"}, {"path", "/srv"}, {"source", "/tmp"}}}});
    Cleanup drop([&] { lxd_profile_delete(c.native_handle(), p.name().c_str(), nullptr); });
    EXPECT_EQ(p.name(), name);
    EXPECT_EQ(p.config().at("user.created"), "yes");
    EXPECT_TRUE(p.devices().contains("tmp"));
    EXPECT_TRUE(p.used_by().empty());
    EXPECT_TRUE(p.etag().has_value());
    EXPECT_TRUE(c.profiles().exists(name));
    EXPECT_TRUE(contains(c.profiles().names(), name));
    bool listed = false;
    for (const auto& each : c.profiles().all()) listed = listed || each.name() == name;
    EXPECT_TRUE(listed);

    // pylxd's documented example: update the config, then save (a PUT).
    p.config().update({{"security.nesting", "true"}});
    EXPECT_TRUE(p.dirty());
    p.rollback();
    EXPECT_FALSE(p.config().contains("security.nesting"));
    p.set_config("security.nesting", "true");
    p.unset_config("user.created");
    p.devices().erase("tmp");
    p.set_description("saved from C++");
    p.save();
    auto fresh = c.profiles().get(name);
    EXPECT_EQ(fresh.config().at("security.nesting"), "true");
    EXPECT_FALSE(fresh.config().contains("user.created"));
    EXPECT_FALSE(fresh.devices().contains("tmp"));
    EXPECT_EQ(fresh.description(), "saved from C++");

    // Someone else changes it: the old copy's save is refused with 412.
    fresh.set_config("user.other", "1");
    fresh.save();
    p.set_description("stale");
    try {
        p.save();
        FAIL() << "a stale save must fail";
    } catch (const lxd::PreconditionFailed& e) {
        EXPECT_EQ(e.http_status(), 412);
        EXPECT_EQ(e.code(), lxd::ErrorCode::PreconditionFailed);
    }
    EXPECT_THROW(p.patch({{"config", {{"user.x", "1"}}}}), lxd::PreconditionFailed);
    p.sync(true);
    EXPECT_EQ(p.config().at("user.other"), "1");
    p.patch({{"config", {{"user.patched", "1"}}}});
    EXPECT_EQ(p.config().at("user.patched"), "1");
    EXPECT_EQ(c.profiles().get(name).config().at("user.other"), "1"); // PATCH merged

    // Used by an instance: used_by lists it, delete is refused.
    const std::string inst = unique("profuser");
    Cleanup gone([&] { destroy_instance(c.native_handle(), inst); });
    auto cfg = busybox(inst);
    cfg["profiles"] = {"default", name};
    c.instances().create(cfg);
    p.sync();
    ASSERT_EQ(p.used_by().size(), 1u);
    EXPECT_NE(p.used_by()[0].find(inst), std::string::npos);
    EXPECT_THROW(p.remove(), lxd::Error);
    c.instances().get(inst).remove();

    const std::string renamed = unique("prof2");
    p.rename(renamed);
    EXPECT_EQ(p.name(), renamed);
    EXPECT_FALSE(c.profiles().exists(name));
    EXPECT_TRUE(c.profiles().exists(renamed));
    p.remove();
    EXPECT_FALSE(c.profiles().exists(renamed));
    EXPECT_THROW(c.profiles().get(renamed), lxd::NotFound);
}

TEST(Profiles, CreateFromJsonAndDefault) {
    auto c = local();
    const std::string name = unique("profj");
    auto p = c.profiles().create(nlohmann::json{{"name", name}, {"description", "from json"}});
    Cleanup drop([&] { p.remove(); });
    EXPECT_EQ(p.description(), "from json");
    EXPECT_TRUE(p.config().empty());
    auto def = c.profiles().get("default");
    EXPECT_TRUE(def.devices().contains("root"));
}

TEST(Networks, Lifecycle) {
    auto c = local();
    const std::string name = "cppn" + suffix(6); // interface names: at most 15 characters
    auto n = c.networks().create({{"name", name}, {"type", "bridge"}, {"config", {{"ipv4.address", "none"}, {"ipv6.address", "none"}}}});
    Cleanup drop([&] { lxd_network_delete(c.native_handle(), n.name().c_str(), nullptr); });
    EXPECT_EQ(n.name(), name);
    EXPECT_EQ(n.type(), "bridge");
    EXPECT_TRUE(n.managed());
    EXPECT_EQ(n.status(), "Created");
    EXPECT_EQ(n.config().at("ipv4.address"), "none");
    EXPECT_TRUE(n.used_by().empty());
    EXPECT_TRUE(n.etag().has_value());
    EXPECT_TRUE(c.networks().exists(name));
    EXPECT_TRUE(contains(c.networks().names(), name));
    bool listed = false;
    for (const auto& each : c.networks().all()) listed = listed || (each.name() == name && each.managed());
    EXPECT_TRUE(listed);

    auto st = n.state();
    EXPECT_EQ(st.at("type"), "broadcast");
    EXPECT_GT(st.at("mtu").get<int>(), 0);

    n.set_description("saved from C++");
    n.set_config("user.cpp", "1");
    EXPECT_TRUE(n.dirty());
    n.save();
    EXPECT_FALSE(n.dirty());
    auto fresh = c.networks().get(name);
    EXPECT_EQ(fresh.description(), "saved from C++");
    EXPECT_EQ(fresh.config().at("user.cpp"), "1");
    EXPECT_EQ(fresh.config().at("ipv4.address"), "none"); // the PUT kept the rest

    fresh.unset_config("user.cpp");
    fresh.save();
    n.set_description("stale");
    EXPECT_THROW(n.save(), lxd::PreconditionFailed);
    n.rollback();
    n.sync();
    EXPECT_FALSE(n.config().contains("user.cpp"));
    n.patch({{"config", {{"user.patched", "1"}}}});
    EXPECT_EQ(n.config().at("user.patched"), "1");
    EXPECT_EQ(c.networks().get(name).config().at("ipv4.address"), "none");

    const std::string renamed = "cppm" + suffix(6);
    n.rename(renamed);
    EXPECT_EQ(n.name(), renamed);
    EXPECT_FALSE(c.networks().exists(name));
    EXPECT_TRUE(c.networks().exists(renamed));
    n.remove();
    EXPECT_FALSE(c.networks().exists(renamed));
    EXPECT_THROW(c.networks().get(renamed), lxd::NotFound);
}

TEST(StoragePools, Lifecycle) {
    auto c = local();
    const std::string name = unique("pool");
    char tmpl[] = "/tmp/cpp-pool-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl; // an existing, empty directory
    Cleanup rmdir([&] { std::filesystem::remove_all(tmpl); });
    auto p = c.storage_pools().create({{"name", name}, {"driver", "dir"}, {"config", {{"source", dir}}}});
    Cleanup drop([&] { lxd_storage_pool_delete(c.native_handle(), name.c_str(), nullptr); });
    EXPECT_EQ(p.name(), name);
    EXPECT_EQ(p.driver(), "dir");
    EXPECT_EQ(p.status(), "Created");
    EXPECT_EQ(p.config().at("source"), dir);
    EXPECT_TRUE(p.used_by().empty());
    // LXD 5.0.2 sends no ETag for storage pools (checked with curl): saves are unconditional.
    // Incus 6.0 sends one.
    EXPECT_EQ(p.etag().has_value(), is_incus());
    EXPECT_TRUE(c.storage_pools().exists(name));
    EXPECT_TRUE(contains(c.storage_pools().names(), name));
    EXPECT_TRUE(contains(c.storage_pools().names(), env("LXD_TEST_POOL")));
    bool listed = false;
    for (const auto& each : c.storage_pools().all()) listed = listed || (each.name() == name && each.driver() == "dir");
    EXPECT_TRUE(listed);

    auto res = p.resources();
    EXPECT_GT(res.at("space").at("total").get<std::uint64_t>(), 0u);

    p.set_description("saved from C++");
    p.set_config("user.cpp", "1");
    p.set_config("rsync.bwlimit", "10MiB");
    EXPECT_TRUE(p.dirty());
    p.save();
    EXPECT_FALSE(p.dirty());
    auto fresh = c.storage_pools().get(name);
    EXPECT_EQ(fresh.description(), "saved from C++");
    EXPECT_EQ(fresh.config().at("user.cpp"), "1");
    EXPECT_EQ(fresh.config().at("source"), dir);
    p.unset_config("rsync.bwlimit");
    p.save();
    EXPECT_FALSE(c.storage_pools().get(name).config().contains("rsync.bwlimit"));

    auto other = c.storage_pools().get(name);
    p.patch({{"config", {{"user.patched", "1"}}}, {"description", "patched"}});
    EXPECT_EQ(p.description(), "patched");
    EXPECT_EQ(p.config().at("user.patched"), "1");
    EXPECT_EQ(p.config().at("user.cpp"), "1"); // PATCH merged
    // Without an ETag from LXD there is nothing to send as If-Match: the older copy's save wins.
    // Incus sends one: the older copy's save is refused.
    other.set_description("last writer");
    if (is_incus()) {
        EXPECT_THROW(other.save(), lxd::PreconditionFailed);
        other.sync(true);
        other.set_description("last writer");
        other.set_config("user.patched", "");
        other.unset_config("user.patched");
    }
    other.save();
    EXPECT_EQ(other.description(), "last writer");
    EXPECT_FALSE(other.config().contains("user.patched"));
    p.sync(true);
    EXPECT_EQ(p.description(), "last writer");

    p.remove();
    EXPECT_FALSE(c.storage_pools().exists(name));
    EXPECT_THROW(c.storage_pools().get(name), lxd::NotFound);
}
