// Snapshots: instance.snapshots() accessor, create (wait / async), lifecycle, rename, restore,
// remove; names with dots and unicode go through percent-encoded.
#include "common.hpp"

#include <algorithm>

using namespace lxdtest;

TEST(Snapshots, Lifecycle) {
    auto c = local();
    const std::string name = unique("snap");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto inst = c.instances().create(busybox(name));
    inst.set_config("user.version", "1");
    inst.save();

    auto snaps = inst.snapshots();
    EXPECT_TRUE(snaps.names().empty());
    const std::string first = "v1.ü-" + suffix(4); // dots and unicode are allowed in snapshot names
    auto s = snaps.create(first);
    EXPECT_EQ(s.name(), first);
    EXPECT_EQ(s.instance(), name);
    EXPECT_FALSE(s.created_at().empty());
    EXPECT_FALSE(s.stateful());
    EXPECT_EQ(snaps.names(), std::vector<std::string>{first});
    auto all = snaps.all();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].name(), first);
    EXPECT_EQ(all[0].instance(), name);

    // Lifecycle: expires_at is the writable field.
    auto got = snaps.get(first);
    EXPECT_FALSE(got.dirty());
    got.set_expires_at("2099-01-01T00:00:00Z");
    EXPECT_TRUE(got.dirty());
    got.rollback();
    EXPECT_FALSE(got.dirty());
    got.set_expires_at("2099-01-01T00:00:00Z");
    got.save();
    EXPECT_FALSE(got.dirty());
    EXPECT_EQ(snaps.get(first).expires_at().substr(0, 4), "2099");
    got.sync();
    EXPECT_EQ(got.expires_at().substr(0, 4), "2099");

    // Restore brings back the config captured by the snapshot.
    inst.set_config("user.version", "2");
    inst.save();
    got.restore();
    EXPECT_EQ(c.instances().get(name).config().at("user.version"), "1");
    inst.sync(true); // the restore changed it on the server: take the new state and ETag
    inst.set_config("user.version", "3");
    inst.save();
    inst.restore(first);
    EXPECT_EQ(inst.config().at("user.version"), "1"); // restore() re-reads the instance
    inst.set_config("user.version", "4");
    inst.save();
    got.restore_async().wait();
    EXPECT_EQ(c.instances().get(name).config().at("user.version"), "1");

    // Rename (waiting, then async), remove (waiting, then async).
    const std::string second = "second-" + suffix(4);
    got.rename(second);
    EXPECT_EQ(got.name(), second);
    EXPECT_EQ(got.json().at("name"), second);
    EXPECT_EQ(snaps.names(), std::vector<std::string>{second});
    const std::string third = "third." + suffix(4);
    got.rename_async(third).wait();
    EXPECT_EQ(snaps.names(), std::vector<std::string>{third});
    EXPECT_THROW(snaps.get(second), lxd::NotFound);
    snaps.get(third).remove();
    EXPECT_TRUE(snaps.names().empty());

    auto op = snaps.create_async("async-" + suffix(4));
    ASSERT_TRUE(op);
    op.wait();
    EXPECT_EQ(op.status_code(), 200);
    auto names = snaps.names();
    ASSERT_EQ(names.size(), 1u);
    auto del = snaps.get(names[0]).remove_async();
    del.wait();
    EXPECT_TRUE(snaps.names().empty());
    EXPECT_THROW(snaps.get(names[0]), lxd::NotFound);
}

TEST(Snapshots, DuplicateNameConflicts) {
    auto c = local();
    const std::string name = unique("snapdup");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto inst = c.instances().create(busybox(name));
    inst.snapshots().create("once");
    try {
        inst.snapshots().create("once");
        FAIL() << "a duplicate snapshot name must fail";
    } catch (const lxd::Error& e) {
        // LXD accepts the request and fails inside the operation.
        EXPECT_EQ(e.code(), lxd::ErrorCode::OperationFailed) << e.what();
        EXPECT_EQ(e.http_status(), 0);
        // (Incus 6.0 fails it in its database.)
        EXPECT_NE(e.message().find(is_incus() ? "UNIQUE constraint failed" : "already exists"), std::string::npos) << e.what();
    }
}
