// Errors: every C failure becomes the right exception type, with code, HTTP status and message;
// nothing leaks when one is thrown.
#include "common.hpp"

#include <type_traits>

using namespace lxdtest;

static_assert(std::is_base_of_v<std::runtime_error, lxd::Error>);
static_assert(std::is_base_of_v<lxd::Error, lxd::NotFound>);
static_assert(std::is_base_of_v<lxd::Error, lxd::Conflict>);
static_assert(std::is_base_of_v<lxd::Error, lxd::PreconditionFailed>);
static_assert(std::is_base_of_v<lxd::Error, lxd::Cancelled>);
static_assert(std::is_base_of_v<lxd::Error, lxd::Timeout>);
static_assert(std::is_nothrow_copy_constructible_v<lxd::Error>);

template <class F>
static void expect_not_found(F&& f, const char* what) {
    try {
        f();
        ADD_FAILURE() << what << ": expected lxd::NotFound";
    } catch (const lxd::NotFound& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::NotFound) << what;
        EXPECT_EQ(e.http_status(), 404) << what;
        EXPECT_STREQ(e.code_name(), "LXD_RESULT_NOT_FOUND");
        EXPECT_NE(e.message().find("not found"), std::string::npos) << what << ": " << e.what();
        EXPECT_EQ(e.message(), e.what());
        EXPECT_FALSE(e.operation_metadata().has_value());
    }
}

TEST(Errors, NotFoundEverywhere) {
    auto c = local();
    const std::string missing = unique("missing");
    expect_not_found([&] { c.instances().get(missing); }, "instance");
    expect_not_found([&] { c.profiles().get(missing); }, "profile");
    expect_not_found([&] { c.networks().get("cppnx" + suffix(6)); }, "network");
    expect_not_found([&] { c.storage_pools().get(missing); }, "storage pool");
    expect_not_found([&] { c.images().get("0123456789abcdef0123"); }, "image");
    expect_not_found([&] { c.images().get_by_alias(missing); }, "image by alias");
    expect_not_found([&] { c.image_aliases().get(missing); }, "image alias");
    expect_not_found([&] { c.certificates().get(std::string(64, 'a')); }, "certificate");
    expect_not_found([&] { c.operations().get("00000000-0000-0000-0000-000000000000"); }, "operation");
    expect_not_found([&] { lxd::Instance(c.native_handle(), {{"name", missing}}).state(); }, "instance state");
    if (is_incus()) // Incus 6.0 lists no snapshots of a missing instance (LXD 5.0: 404)
        EXPECT_TRUE(lxd::Snapshots(c.native_handle(), missing).names().empty());
    else
        expect_not_found([&] { lxd::Snapshots(c.native_handle(), missing).names(); }, "snapshots of a missing instance");
    // exists() turns the 404 into false instead.
    EXPECT_FALSE(c.instances().exists(missing));
    EXPECT_FALSE(c.profiles().exists(missing));
    EXPECT_FALSE(c.networks().exists("cppnx" + suffix(6)));
    EXPECT_FALSE(c.storage_pools().exists(missing));
    EXPECT_FALSE(c.images().exists("0123456789abcdef0123"));
    EXPECT_FALSE(c.image_aliases().exists(missing));
}

TEST(Errors, NotFoundIsCatchableAsBaseTypes) {
    auto c = local();
    EXPECT_THROW(c.profiles().get(unique("missing")), lxd::Error);
    EXPECT_THROW(c.profiles().get(unique("missing")), std::runtime_error);
}

TEST(Errors, ConflictOnDuplicateCreate) {
    auto c = local();
    const std::string name = unique("dup");
    c.image_aliases().create(name, env("LXD_TEST_IMAGE_FINGERPRINT"));
    Cleanup drop([&] { c.image_aliases().get(name).remove(); });
    try {
        c.image_aliases().create(name, env("LXD_TEST_IMAGE_FINGERPRINT"));
        FAIL() << "expected lxd::Conflict";
    } catch (const lxd::Conflict& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Conflict);
        EXPECT_EQ(e.http_status(), 409);
        EXPECT_NE(e.message().find("already exists"), std::string::npos) << e.what();
    }
}

TEST(Errors, DuplicateProfileIsLxdsOwn500) {
    // LXD 5.0.2 answers a duplicate profile with 500 "... already exists", not 409: the binding
    // reports what LXD said (code Api), it does not reinterpret it.
    auto c = local();
    const std::string name = unique("dupp");
    auto p = c.profiles().create(nlohmann::json{{"name", name}});
    Cleanup drop([&] { p.remove(); });
    try {
        c.profiles().create(nlohmann::json{{"name", name}});
        FAIL() << "a duplicate profile must fail";
    } catch (const lxd::Conflict&) {
        FAIL() << "LXD 5.0.2 does not send 409 here";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Api);
        EXPECT_EQ(e.http_status(), 500);
        EXPECT_NE(e.message().find("already exists"), std::string::npos) << e.what();
    }
}

TEST(Errors, InvalidArgumentsNeverReachLxd) {
    auto c = local();
    try {
        c.instances().get("bad_name"); // underscores are not allowed in instance names
        FAIL() << "expected InvalidArgument";
    } catch (const lxd::NotFound&) {
        FAIL() << "must be refused before sending";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << e.what();
        EXPECT_EQ(e.http_status(), 0);
    }
    try {
        c.images().get("not-hex!");
        FAIL() << "expected InvalidArgument";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << e.what();
    }
    try {
        c.instances().get(unique("x")).set_state("explode");
        FAIL() << "expected an error";
    } catch (const lxd::Error& e) {
        // The instance does not exist: either check may come first, but nothing succeeds.
        EXPECT_TRUE(e.code() == lxd::ErrorCode::InvalidArgument || e.code() == lxd::ErrorCode::NotFound) << e.what();
    }
}

TEST(Errors, LxdRefusalIsApiError) {
    auto c = local();
    // Deleting a pool that is in use: LXD says 400.
    try {
        c.storage_pools().get(env("LXD_TEST_POOL")).remove();
        FAIL() << "deleting the in-use pool must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Api) << e.what();
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_FALSE(e.message().empty());
    }
}

TEST(Errors, NoLeakWhenThrowing) {
    auto c = local();
    ASSERT_FALSE(leaks_now()) << "leaks before the test started";
    int caught = 0;
    for (int i = 0; i < 200; ++i) {
        try {
            c.instances().get("cpp-never-there");
        } catch (const lxd::NotFound&) {
            ++caught;
        }
        try {
            c.images().get("zz"); // invalid argument, thrown before any I/O
        } catch (const lxd::Error&) {
            ++caught;
        }
    }
    EXPECT_EQ(caught, 400);
    // Exceptions thrown from inside an object method that holds several owned strings.
    auto p = c.profiles().create(nlohmann::json{{"name", unique("leak")}});
    Cleanup drop([&] { p.remove(); });
    auto stale = c.profiles().get(p.name());
    p.set_description("changed");
    p.save();
    for (int i = 0; i < 20; ++i) {
        stale.set_description("stale " + std::to_string(i));
        EXPECT_THROW(stale.save(), lxd::PreconditionFailed);
    }
    EXPECT_FALSE(leaks_now()) << "LeakSanitizer found leaks after throwing";
}

TEST(Errors, ErrorOwnsCopiesOfEverything) {
    // The C error is freed before the exception propagates: the exception must stay valid.
    lxd::Error copy(lxd::ErrorCode::Ok, 0, "");
    {
        auto c = local();
        try {
            c.profiles().get(unique("gone"));
        } catch (const lxd::Error& e) {
            copy = e;
        }
    }
    EXPECT_EQ(copy.code(), lxd::ErrorCode::NotFound);
    EXPECT_EQ(copy.http_status(), 404);
    EXPECT_FALSE(std::string(copy.what()).empty());
}
