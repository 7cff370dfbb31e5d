// Projects and warnings: create, fetch (fields), save with the ETag, a stale ETag is 412, patch,
// state, rename, remove, 404 afterwards; warnings listed, acknowledged, updated and deleted. NUL
// bytes in names throw InvalidArgument before anything is sent.
#include "common.hpp"

#include <algorithm>

using namespace lxdtest;

static bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(Projects, Lifecycle) {
    auto c = local();
    const std::string name = unique("proj"), renamed = unique("projr");
    Cleanup gone([&] {
        lxd_project_delete(c.native_handle(), name.c_str(), nullptr);
        lxd_project_delete(c.native_handle(), renamed.c_str(), nullptr);
    });
    const nlohmann::json body = {{"name", name},
                                 {"description", "first"},
                                 {"config", {{"features.images", "false"}, {"features.profiles", "false"}}}};
    auto p = c.projects().create(body);
    EXPECT_EQ(p.name(), name);
    EXPECT_EQ(p.description(), "first");
    EXPECT_EQ(p.config().at("features.images"), "false");
    ASSERT_TRUE(p.etag().has_value());
    // A duplicate: LXD 5.0 checks first (409); Incus 6.0 fails in its database (500).
    EXPECT_EQ(error_of([&] { c.projects().create(body); }).code(), is_incus() ? lxd::ErrorCode::Api : lxd::ErrorCode::Conflict);
    EXPECT_TRUE(c.projects().exists(name));
    EXPECT_TRUE(contains(c.projects().names(), name));
    EXPECT_TRUE(contains(c.projects().names(), "default"));
    bool listed = false;
    for (const auto& q : c.projects().all())
        if (q.name() == name) listed = q.config().value("features.profiles", "") == "false";
    EXPECT_TRUE(listed);

    // save() with the ETag; a copy read before is stale afterwards.
    auto stale = c.projects().get(name);
    p.set_description("second");
    p.set_config("user.cpp", "1");
    p.save();
    EXPECT_FALSE(p.dirty());
    EXPECT_EQ(c.projects().get(name).description(), "second");
    stale.set_description("stale");
    try {
        stale.save();
        FAIL() << "a stale ETag must give 412";
    } catch (const lxd::PreconditionFailed& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::PreconditionFailed);
        EXPECT_EQ(e.http_status(), 412);
    }
    EXPECT_EQ(error_of([&] { stale.patch({{"description", "stale"}}); }).http_status(), 412);
    stale.sync(true);
    stale.patch({{"description", "third"}});
    EXPECT_EQ(stale.description(), "third");
    EXPECT_EQ(stale.config().at("user.cpp"), "1"); // PATCH keeps what it does not name
    EXPECT_TRUE(p.state().at("resources").contains("instances"));

    // Work inside it through with_project: it starts empty.
    auto pc = c.with_project(name);
    EXPECT_TRUE(pc.instances().names().empty());

    p.rename(renamed);
    EXPECT_EQ(p.name(), renamed);
    EXPECT_EQ(p.json().at("name"), renamed);
    EXPECT_FALSE(c.projects().exists(name));
    p.remove();
    EXPECT_EQ(error_of([&] { c.projects().get(renamed); }).http_status(), 404);
    EXPECT_THROW(c.projects().get(renamed), lxd::NotFound);
    // The default project cannot go.
    auto e = error_of([&] { c.projects().get("default").remove(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
    EXPECT_EQ(e.http_status(), 403);
}

TEST(Projects, RenameAsync) {
    auto c = local();
    const std::string name = unique("proja"), renamed = unique("projb");
    Cleanup gone([&] {
        lxd_project_delete(c.native_handle(), name.c_str(), nullptr);
        lxd_project_delete(c.native_handle(), renamed.c_str(), nullptr);
    });
    auto p = c.projects().create({{"name", name}});
    p.rename_async(renamed).wait();
    EXPECT_EQ(p.name(), name); // the object keeps the old name
    EXPECT_TRUE(c.projects().exists(renamed));
    c.projects().get(renamed).remove();
    EXPECT_FALSE(c.projects().exists(renamed));
}

TEST(Warnings, ListAcknowledgeUpdateDelete) {
    auto c = local();
    // This machine kind has no KVM, vsock or AppArmor: LXD 5.0.2 always records warnings.
    auto all = c.warnings().all();
    ASSERT_FALSE(all.empty());
    auto w = c.warnings().get(all.front().uuid());
    EXPECT_EQ(w.uuid(), all.front().uuid());
    EXPECT_FALSE(w.type().empty());
    EXPECT_FALSE(w.last_message().empty());
    EXPECT_GE(w.count(), 1);
    // LXD 5.0.2 sends no ETag for warnings: save() is unconditional.
    EXPECT_FALSE(w.etag().has_value());
    EXPECT_TRUE(contains(c.warnings().names(), w.uuid()));

    w.set_status("acknowledged");
    EXPECT_EQ(w.status(), "acknowledged");
    EXPECT_EQ(c.warnings().get(w.uuid()).status(), "acknowledged");
    EXPECT_EQ(error_of([&] { w.set_status("ignored"); }).code(), lxd::ErrorCode::InvalidArgument);
    // save() PUTs the status with the ETag.
    w.set_status_local("new");
    w.save();
    EXPECT_EQ(c.warnings().get(w.uuid()).status(), "new");
    // Only LXD itself resolves warnings.
    w.set_status_local("resolved");
    auto e = error_of([&] { w.save(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_NE(std::string(e.what()).find("Status may only be set"), std::string::npos) << e.what();
    w.rollback();
    w.patch({{"status", "acknowledged"}});
    EXPECT_EQ(w.status(), "acknowledged");
    w.remove();
    EXPECT_THROW(c.warnings().get(w.uuid()), lxd::NotFound);
}

TEST(FullApiErrors, NulBytesInNamesAreInvalidArguments) {
    auto c = local();
    const std::string bad = std::string("cpp-nul") + '\0' + "x";
    auto expect_invalid = [](const char* what, auto&& f) {
        try {
            f();
            ADD_FAILURE() << what << ": expected InvalidArgument";
        } catch (const lxd::Error& e) {
            EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << what << ": " << e.what();
            EXPECT_EQ(e.http_status(), 0) << what;
        }
    };
    expect_invalid("project", [&] { c.projects().get(bad); });
    expect_invalid("project exists", [&] { c.projects().exists(bad); });
    expect_invalid("volume", [&] { c.storage_pools().get(env("LXD_TEST_POOL")).volumes().get(bad); });
    expect_invalid("volume pool", [&] { lxd::StorageVolumes(c.native_handle(), bad).names(); });
    expect_invalid("volume type", [&] { c.storage_volumes(env("LXD_TEST_POOL")).names(std::string("cus\0tom", 7)); });
    expect_invalid("network acl", [&] { c.network_acls().get(bad); });
    expect_invalid("network zone", [&] { c.network_zones().exists(bad); });
    expect_invalid("zone record", [&] { lxd::NetworkZoneRecords(c.native_handle(), bad).names(); });
    expect_invalid("forward", [&] { lxd::NetworkForwards(c.native_handle(), bad).names(); });
    expect_invalid("peer", [&] { lxd::NetworkPeers(c.native_handle(), "lxdbr0").get(bad); });
    expect_invalid("warning", [&] { c.warnings().get(bad); });
    expect_invalid("cluster member", [&] { c.cluster().members().get(bad); });
    expect_invalid("cluster group", [&] { c.cluster().groups().get(bad); });
    expect_invalid("instance backups", [&] { lxd::InstanceBackups(c.native_handle(), bad).names(); });
    expect_invalid("instance logs", [&] { lxd::InstanceLogs(c.native_handle(), "x").get(bad); });
    expect_invalid("instance templates", [&] { lxd::InstanceTemplates(c.native_handle(), bad).names(); });
    expect_invalid("instance", [&] { c.instances().get(bad); });
    expect_invalid("instance from image", [&] { c.instances().create_from_image(bad, env("LXD_TEST_IMAGE_ALIAS")); });
    expect_invalid("filter", [&] { c.instances().names_filtered(std::string("status eq\0Running", 17)); });
    expect_invalid("image public", [&] { c.images().get_public(bad); });
    expect_invalid("image secret arg", [&] { c.images().get_public(env("LXD_TEST_IMAGE_FINGERPRINT"), bad); });
    expect_invalid("trust token", [&] { c.certificates().create_token(bad); });
    expect_invalid("operation wait", [&] { c.operations().wait_untrusted(bad, "secret"); });
    expect_invalid("profile", [&] { c.profiles().get(bad); });
    expect_invalid("file path", [&] { c.instances().get(bad).files(); });
    // Nothing was created along the way.
    EXPECT_FALSE(c.instances().exists("cpp-nul"));
}
