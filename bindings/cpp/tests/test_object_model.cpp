// The one object model of the generated resource classes (lxd/object.hpp, lxd/resources.hpp):
// the same lifecycle on resources that used to have their own shapes (backups: sync, rename,
// remove; `save()` without a PUT is refused), sub-collections built from an object's path, the
// `_async` forms everywhere, and "no name: LXD chooses" where LXD allows it.
#include "common.hpp"

#include <algorithm>

using namespace lxdtest;

static bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(ObjectModel, InstanceWithoutNameGetsLxdsName) {
    auto c = local();
    nlohmann::json body = busybox("");
    body.erase("name");
    auto inst = c.instances().create(body);
    Cleanup gone([&] { destroy_instance(c.native_handle(), inst.name()); });
    EXPECT_FALSE(inst.name().empty());
    EXPECT_EQ(inst.name(), inst.json().at("name"));
    EXPECT_TRUE(c.instances().exists(inst.name()));
    EXPECT_TRUE(inst.etag().has_value());
    inst.remove();
    EXPECT_FALSE(c.instances().exists(inst.name()));
}

TEST(ObjectModel, BackupIsALiveObject) {
    auto c = local();
    const std::string name = unique("om");
    auto inst = c.instances().create(busybox(name));
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto backups = inst.backups();
    EXPECT_EQ(backups.path()[0], name);
    auto b = backups.create(); // no name: LXD picks one
    EXPECT_FALSE(b.name().empty());
    EXPECT_EQ(b.instance(), name);
    EXPECT_TRUE(contains(backups.names(), b.name()));

    // No PUT for backups: save() refuses without sending anything.
    const auto e = error_of([&] { b.save(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << e.what();

    // sync re-reads; rename follows the new name; remove_async returns LXD's operation.
    b.json()["expires_at"] = "local change";
    b.sync(true);
    EXPECT_FALSE(b.dirty());
    const std::string renamed = b.name() + "-r";
    b.rename(renamed);
    EXPECT_EQ(b.name(), renamed);
    EXPECT_EQ(b.json().at("name"), renamed);
    EXPECT_TRUE(contains(backups.names(), renamed));
    auto op = b.remove_async();
    EXPECT_TRUE(static_cast<bool>(op));
    op.wait();
    EXPECT_FALSE(contains(backups.names(), renamed));
    EXPECT_EQ(error_of([&] { backups.get(renamed); }).code(), lxd::ErrorCode::NotFound);
}

TEST(ObjectModel, VolumeSnapshotWithoutNameAndShortKeys) {
    auto c = local();
    const std::string pool = env("LXD_TEST_POOL");
    const std::string vol = unique("omv");
    auto vols = c.storage_volumes(pool);
    auto v = vols.create({{"name", vol}, {"type", "custom"}});
    Cleanup gone([&] { lxd_storage_volume_delete(c.native_handle(), pool.c_str(), "custom", vol.c_str(), nullptr, nullptr); });
    auto snaps = v.snapshots();
    EXPECT_EQ(snaps.path()[2], vol);
    auto s = snaps.create(); // no name: LXD picks snap0
    EXPECT_EQ(s.name(), "snap0");
    EXPECT_EQ(s.volume().name, vol);
    // Listed objects carry LXD's "<volume>/<snapshot>" names; their keys are the snapshot's.
    auto all = snaps.all();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].name(), "snap0");
    all[0].sync(); // a request by that key
    EXPECT_EQ(all[0].name(), "snap0");
    all[0].remove();
    EXPECT_TRUE(snaps.names().empty());
    v.remove();
    EXPECT_FALSE(vols.exists(vol));
}

TEST(ObjectModel, SynchronousVerbsGiveEmptyOperations) {
    auto c = local();
    const std::string name = unique("omp");
    auto p = c.profiles().create({{"name", name}});
    Cleanup gone([&] { lxd_profile_delete(c.native_handle(), name.c_str(), nullptr); });
    EXPECT_EQ(p.name(), name);
    // Profiles answer at once: the _async forms give an empty operation, whose wait returns.
    auto op = p.rename_async(name + "-r");
    EXPECT_FALSE(static_cast<bool>(op));
    op.wait();
    EXPECT_TRUE(c.profiles().exists(name + "-r"));
    EXPECT_EQ(error_of([&] { p.sync(); }).code(), lxd::ErrorCode::NotFound); // it kept the old name
    auto r = c.profiles().get(name + "-r");
    auto gone_op = r.remove_async();
    EXPECT_FALSE(static_cast<bool>(gone_op));
    EXPECT_FALSE(c.profiles().exists(name + "-r"));
}

TEST(ObjectModel, InstanceSnapshotWithoutNameGetsLxdsName) {
    auto c = local();
    const std::string name = unique("oms");
    auto inst = c.instances().create(busybox(name));
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto snaps = inst.snapshots();
    auto s0 = snaps.create(); // no name: LXD picks snap0 (lxd_snapshot_create with NULL)
    EXPECT_EQ(s0.name(), "snap0");
    auto s1 = snaps.create(""); // "" is no name too: the next free one
    EXPECT_EQ(s1.name(), "snap1");
    EXPECT_TRUE(contains(snaps.names(), "snap0"));
    EXPECT_TRUE(contains(snaps.names(), "snap1"));
    // The async form sends no name as well; LXD names it snap2 once the operation is done.
    auto op = snaps.create_async();
    op.wait();
    EXPECT_TRUE(contains(snaps.names(), "snap2"));
    EXPECT_EQ(snaps.names().size(), 3u);
}
