// Instances: manager calls, pylxd's object lifecycle (dirty / rollback / sync / save with ETag),
// state actions (waiting and async), rename, remove.
#include "common.hpp"

#include <algorithm>
#include <thread>

using namespace lxdtest;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

/// A fresh busybox container per test, destroyed at the end whatever happens.
class InstanceTest : public ::testing::Test {
protected:
    void SetUp() override {
        client = local();
        name = unique("inst");
        instance = std::make_unique<lxd::Instance>(client.instances().create(busybox(name)));
    }
    void TearDown() override { destroy_instance(client.native_handle(), name); }

    lxd::Client client;
    std::string name;
    std::unique_ptr<lxd::Instance> instance;
};

} // namespace

TEST_F(InstanceTest, ManagerCalls) {
    auto& i = *instance;
    EXPECT_EQ(i.name(), name);
    EXPECT_EQ(i.status(), "Stopped");
    EXPECT_EQ(i.status_code(), 102);
    EXPECT_EQ(i.type(), "container");
    EXPECT_FALSE(i.architecture().empty());
    EXPECT_FALSE(i.created_at().empty());
    EXPECT_FALSE(i.last_used_at().empty());
    EXPECT_FALSE(i.stateful());
    EXPECT_FALSE(i.ephemeral());
    EXPECT_EQ(i.profiles(), std::vector<std::string>{"default"});
    EXPECT_TRUE(i.etag().has_value());
    EXPECT_FALSE(i.dirty());
    EXPECT_EQ(i.client_handle(), client.native_handle());
    EXPECT_TRUE(i.expanded_devices().contains("root"));
    EXPECT_TRUE(i.expanded_config().is_object());
    EXPECT_TRUE(i.devices().is_object());
    EXPECT_EQ(i.location(), "none");

    EXPECT_TRUE(client.instances().exists(name));
    EXPECT_TRUE(contains(client.instances().names(), name));
    bool listed = false;
    for (const auto& each : client.instances().all()) {
        if (each.name() != name) continue;
        listed = true;
        EXPECT_FALSE(each.etag().has_value()); // listings carry no ETag
        EXPECT_EQ(each.status(), "Stopped");
    }
    EXPECT_TRUE(listed);
    bool with_state = false;
    for (const auto& each : client.instances().all(2))
        if (each.name() == name) with_state = each.json().contains("state");
    EXPECT_TRUE(with_state);

    i.remove();
    EXPECT_FALSE(client.instances().exists(name));
    EXPECT_THROW(client.instances().get(name), lxd::NotFound);
}

TEST_F(InstanceTest, DirtyRollbackSave) {
    auto& i = *instance;
    EXPECT_FALSE(i.config().contains("user.cpp"));
    i.set_config("user.cpp", "1");
    EXPECT_TRUE(i.dirty());
    i.rollback();
    EXPECT_FALSE(i.dirty());
    EXPECT_FALSE(i.config().contains("user.cpp"));

    const auto etag_before = i.etag();
    i.set_config("user.cpp", "2");
    i.set_description("set from C++");
    i.devices()["extra"] = {{"type", "none"}};
    i.set_ephemeral(false);
    i.set_profiles({"default"});
    i.save();
    EXPECT_FALSE(i.dirty());
    EXPECT_NE(i.etag(), etag_before);
    auto again = client.instances().get(name);
    EXPECT_EQ(again.config().at("user.cpp"), "2");
    EXPECT_EQ(again.description(), "set from C++");
    EXPECT_TRUE(again.devices().contains("extra"));

    i.unset_config("user.cpp");
    i.json()["devices"].erase("extra");
    EXPECT_TRUE(i.dirty());
    i.save();
    EXPECT_FALSE(client.instances().get(name).config().contains("user.cpp"));
    EXPECT_FALSE(client.instances().get(name).devices().contains("extra"));
}

TEST_F(InstanceTest, StaleSaveIsPreconditionFailed) {
    auto a = client.instances().get(name);
    auto b = client.instances().get(name);
    b.set_config("user.writer", "b");
    b.save();

    a.set_config("user.writer", "a");
    try {
        a.save();
        FAIL() << "a stale save must fail";
    } catch (const lxd::PreconditionFailed& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::PreconditionFailed);
        EXPECT_EQ(e.http_status(), 412);
    }
    EXPECT_TRUE(a.dirty()); // local changes survive the failed save
    EXPECT_EQ(client.instances().get(name).config().at("user.writer"), "b");

    // sync() takes the new ETag and keeps the local change; now the save goes through.
    a.sync();
    EXPECT_TRUE(a.dirty());
    EXPECT_EQ(a.config().at("user.writer"), "a");
    a.save();
    EXPECT_EQ(client.instances().get(name).config().at("user.writer"), "a");
}

TEST_F(InstanceTest, SyncKeepsOrDiscardsLocalChanges) {
    auto a = client.instances().get(name);
    auto other = client.instances().get(name);
    a.set_description("local only");
    other.set_config("user.remote", "x");
    other.save();

    a.sync(); // description kept (dirty), config refreshed from the server
    EXPECT_EQ(a.description(), "local only");
    EXPECT_EQ(a.config().at("user.remote"), "x");
    EXPECT_TRUE(a.dirty());
    EXPECT_EQ(a.server_json().at("config").at("user.remote"), "x");

    a.sync(true);
    EXPECT_FALSE(a.dirty());
    EXPECT_EQ(a.description(), "");

    // Objects from a listing have no ETag until sync(); then save is conditional again.
    for (auto& each : client.instances().all()) {
        if (each.name() != name) continue;
        EXPECT_FALSE(each.etag().has_value());
        each.sync();
        EXPECT_TRUE(each.etag().has_value());
    }
}

TEST_F(InstanceTest, Patch) {
    auto& i = *instance;
    i.set_config("user.keep", "1");
    i.save();
    i.set_description("local edit");
    i.patch({{"config", {{"user.patched", "yes"}}}});
    EXPECT_EQ(i.config().at("user.patched"), "yes"); // refreshed from the server
    EXPECT_EQ(i.description(), "local edit");        // unrelated local change kept
    auto fresh = client.instances().get(name);
    EXPECT_EQ(fresh.config().at("user.patched"), "yes");
    EXPECT_EQ(fresh.config().at("user.keep"), "1");

    auto stale = client.instances().get(name);
    fresh.patch({{"config", {{"user.bump", "1"}}}});
    EXPECT_THROW(stale.patch({{"config", {{"user.late", "1"}}}}), lxd::PreconditionFailed);
}

TEST_F(InstanceTest, StateActions) {
    auto& i = *instance;
    i.start();
    EXPECT_EQ(i.status(), "Running");
    auto st = i.state();
    EXPECT_EQ(st.at("status"), "Running");
    EXPECT_GT(st.at("pid").get<long>(), 0);
    i.freeze();
    EXPECT_EQ(i.status(), "Frozen");
    i.unfreeze();
    EXPECT_EQ(i.status(), "Running");
    i.restart(-1, true);
    EXPECT_EQ(i.status(), "Running");
    i.stop(-1, true);
    EXPECT_EQ(i.status(), "Stopped");
    i.set_state("start");
    EXPECT_EQ(i.status(), "Running");
    i.set_state("stop", -1, true, false);
    EXPECT_EQ(i.status(), "Stopped");

    // Starting a running instance: LXD refuses inside the operation.
    i.start();
    try {
        i.start();
        FAIL() << "starting twice must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::OperationFailed) << e.what();
        EXPECT_NE(e.message().find("already running"), std::string::npos) << e.what();
    }
    i.stop(-1, true);
}

TEST_F(InstanceTest, AsyncStateActions) {
    auto& i = *instance;
    auto op = i.start_async();
    ASSERT_TRUE(op);
    EXPECT_EQ(op.id().size(), 36u);
    op.wait();
    EXPECT_EQ(op.status_code(), 200);
    EXPECT_EQ(op.json().at("status"), "Success");
    EXPECT_EQ(i.status(), "Stopped"); // async forms do not re-read the object
    i.sync();
    EXPECT_EQ(i.status(), "Running");

    i.freeze_async().wait();
    EXPECT_EQ(client.instances().get(name).status(), "Frozen");
    i.unfreeze_async().wait();
    i.restart_async(-1, true).wait();
    EXPECT_EQ(client.instances().get(name).status(), "Running");
    i.set_state_async("freeze").wait();
    i.set_state_async("unfreeze").wait();
    i.stop_async(-1, true).wait(std::chrono::seconds(60));
    i.sync();
    EXPECT_EQ(i.status(), "Stopped");

    // A failing operation: the failure comes from wait().
    i.start();
    auto again = i.start_async();
    try {
        again.wait();
        FAIL() << "expected the operation to fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::OperationFailed) << e.what();
        EXPECT_EQ(e.http_status(), 0);
        auto metadata = e.operation_metadata(); // the failed operation's metadata: null for a start
        ASSERT_TRUE(metadata.has_value());
        EXPECT_TRUE(metadata->is_null()) << metadata->dump();
    }
    EXPECT_EQ(again.status_code(), 400);
    EXPECT_NE(again.json().at("err").get<std::string>().find("already running"), std::string::npos);
    i.stop(-1, true);
}

TEST_F(InstanceTest, OperationTimeoutInterruptAndHandles) {
    auto& i = *instance;
    i.start();
    // A clean stop of busybox takes seconds: long enough to time out and interrupt a wait.
    auto op = i.stop_async(30, false);
    ASSERT_TRUE(op);
    try {
        op.wait(std::chrono::milliseconds(1));
        FAIL() << "expected lxd::Timeout";
    } catch (const lxd::Timeout& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Timeout);
    }
    op.refresh();
    EXPECT_EQ(op.status_code(), 103);
    EXPECT_EQ(op.json().at("may_cancel"), false);

    // The server knows it; a second handle on the same operation.
    bool listed = false;
    for (const auto& each : client.operations().all()) listed = listed || each.at("id") == op.id();
    EXPECT_TRUE(listed);
    auto second = client.operations().get(op.id());
    EXPECT_EQ(second.id(), op.id());

    // Not cancellable on the server: LXD refuses.
    try {
        op.cancel();
        FAIL() << "a stop operation cannot be cancelled";
    } catch (const lxd::Error& e) {
        EXPECT_NE(e.code(), lxd::ErrorCode::Ok);
        EXPECT_NE(e.http_status(), 0) << e.what();
    }

    // interrupt() from another thread makes a blocked wait() throw Cancelled promptly.
    std::thread t([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        op.interrupt();
    });
    double took = 0;
    try {
        took = seconds([&] { op.wait(); });
        ADD_FAILURE() << "expected lxd::Cancelled";
    } catch (const lxd::Cancelled& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Cancelled);
    }
    t.join();
    (void)took;
    EXPECT_THROW(op.wait(), lxd::Cancelled); // every later wait on this handle too

    // The other handle still waits for the real end.
    auto done = client.operations().wait_for(second.id());
    EXPECT_EQ(done.status_code(), 200);
    EXPECT_EQ(client.instances().get(name).status(), "Stopped");
}

TEST_F(InstanceTest, RenameAndRemoveAsync) {
    auto& i = *instance;
    const std::string renamed = unique("renamed");
    Cleanup gone([&] { destroy_instance(client.native_handle(), renamed); });
    i.rename(renamed);
    EXPECT_EQ(i.name(), renamed);
    EXPECT_EQ(i.json().at("name"), renamed);
    EXPECT_FALSE(i.dirty());
    EXPECT_FALSE(client.instances().exists(name));
    EXPECT_TRUE(client.instances().exists(renamed));

    i.rename_async(name).wait();
    EXPECT_TRUE(client.instances().exists(name));
    auto back = client.instances().get(name);
    auto op = back.remove_async();
    op.wait();
    EXPECT_EQ(op.status_code(), 200);
    EXPECT_FALSE(client.instances().exists(name));
}

TEST(Instances, CreateAsync) {
    auto c = local();
    const std::string name = unique("async");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto op = c.instances().create_async(busybox(name));
    ASSERT_TRUE(op);
    EXPECT_FALSE(op.id().empty());
    const int early = op.status_code();
    EXPECT_TRUE(early == 103 || early == 200) << early;
    op.wait();
    EXPECT_EQ(op.status_code(), 200);
    auto j = op.json();
    EXPECT_EQ(j.at("id"), op.id());
    EXPECT_EQ(j.at("class"), "task");
    EXPECT_TRUE(c.instances().exists(name));
    EXPECT_EQ(c.operations().get(op.id()).id(), op.id()); // still known right after
}

TEST(Instances, CreateFailureIsOperationError) {
    auto c = local();
    const std::string name = unique("bad");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto cfg = nlohmann::json{{"name", name}, {"source", {{"type", "image"}, {"alias", "cpp-no-such-alias"}}}};
    try {
        c.instances().create(cfg);
        FAIL() << "creating from a missing alias must fail";
    } catch (const lxd::Error& e) {
        EXPECT_NE(e.code(), lxd::ErrorCode::Ok) << e.what();
        EXPECT_FALSE(e.message().empty());
    }
}

TEST(Operation, EmptyAndMoved) {
    lxd::Operation empty;
    EXPECT_FALSE(empty);
    EXPECT_EQ(empty.id(), "");
    EXPECT_EQ(empty.status_code(), -1);
    EXPECT_NO_THROW(empty.wait()); // empty = finished synchronously
    EXPECT_NO_THROW(empty.wait(std::chrono::milliseconds(5)));
    EXPECT_NO_THROW(empty.interrupt());
    try {
        empty.refresh();
        FAIL() << "refresh on an empty operation must throw";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }
    EXPECT_THROW(empty.json(), lxd::Error);
    EXPECT_THROW(empty.cancel(), lxd::Error);

    auto c = local();
    const std::string name = unique("opmove");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto op = c.instances().create_async(busybox(name));
    lxd_operation* h = op.native_handle();
    lxd::Operation moved(std::move(op));
    EXPECT_FALSE(op); // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(op.native_handle(), nullptr);
    EXPECT_EQ(moved.native_handle(), h);
    lxd::Operation assigned;
    assigned = std::move(moved);
    EXPECT_FALSE(moved);
    assigned.wait();
    EXPECT_EQ(assigned.status_code(), 200);
    lxd::Operation adopted(assigned.release());
    EXPECT_FALSE(assigned);
    EXPECT_EQ(adopted.status_code(), 200);
    static_assert(!std::is_copy_constructible_v<lxd::Operation>);
    static_assert(std::is_nothrow_move_assignable_v<lxd::Operation>);
}
