// Images and image aliases: listing, lookup by fingerprint / prefix / alias, create (publish an
// instance), lifecycle with ETag, aliases, remove.
#include "common.hpp"

#include <algorithm>

using namespace lxdtest;

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

/// Publish a fresh stopped busybox container as a new image (unique: the metadata carries the
/// creation time and our properties).
lxd::Image publish(const lxd::Client& c, const std::string& tag) {
    const std::string name = unique("pub");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    c.instances().create(busybox(name));
    return c.images().create({{"source", {{"type", "instance"}, {"name", name}}},
                              {"properties", {{"cpp.tag", tag}, {"description", "published by the C++ tests " + tag}}}});
}
} // namespace

TEST(Images, ListAndLookup) {
    auto c = local();
    const std::string fp = env("LXD_TEST_IMAGE_FINGERPRINT");
    EXPECT_TRUE(contains(c.images().names(), fp));
    bool listed = false;
    for (const auto& img : c.images().all())
        if (img.fingerprint() == fp) {
            listed = true;
            EXPECT_FALSE(img.etag().has_value());
        }
    EXPECT_TRUE(listed);

    auto img = c.images().get(fp);
    EXPECT_EQ(img.fingerprint(), fp);
    EXPECT_TRUE(img.etag().has_value());
    EXPECT_GT(img.size(), 0);
    EXPECT_FALSE(img.filename().empty());
    EXPECT_FALSE(img.architecture().empty());
    EXPECT_EQ(img.type(), "container");
    EXPECT_FALSE(img.cached());
    EXPECT_TRUE(img.properties().is_object());
    EXPECT_TRUE(contains(img.aliases(), env("LXD_TEST_IMAGE_ALIAS")));

    EXPECT_EQ(c.images().get(fp.substr(0, 12)).fingerprint(), fp); // a unique prefix works
    EXPECT_TRUE(c.images().exists(fp));
    EXPECT_EQ(c.images().get_by_alias(env("LXD_TEST_IMAGE_ALIAS")).fingerprint(), fp);
}

TEST(Images, CreateLifecycleAliasesRemove) {
    auto c = local();
    auto img = publish(c, suffix());
    Cleanup drop([&] { lxd_image_delete(c.native_handle(), img.fingerprint().c_str(), nullptr, nullptr); });
    EXPECT_EQ(img.fingerprint().size(), 64u);
    EXPECT_TRUE(c.images().exists(img.fingerprint()));
    EXPECT_FALSE(img.is_public());
    EXPECT_FALSE(img.properties().at("cpp.tag").get<std::string>().empty());

    // Lifecycle: public flag, properties, auto_update; rollback; save with the ETag.
    img.set_public(true);
    EXPECT_TRUE(img.dirty());
    img.rollback();
    EXPECT_FALSE(img.dirty());
    img.set_public(true);
    img.set_auto_update(false);
    img.properties()["cpp.saved"] = "yes";
    img.save();
    EXPECT_FALSE(img.dirty());
    auto fresh = c.images().get(img.fingerprint());
    EXPECT_TRUE(fresh.is_public());
    EXPECT_FALSE(fresh.auto_update());
    EXPECT_EQ(fresh.properties().at("cpp.saved"), "yes");

    // Stale save and patch: 412.
    auto stale = c.images().get(img.fingerprint());
    fresh.properties()["cpp.saved"] = "again";
    fresh.save();
    stale.set_public(false);
    try {
        stale.save();
        FAIL() << "a stale save must fail";
    } catch (const lxd::PreconditionFailed& e) {
        EXPECT_EQ(e.http_status(), 412);
    }
    EXPECT_THROW(stale.patch({{"public", false}}), lxd::PreconditionFailed);
    fresh.patch({{"public", false}});
    EXPECT_FALSE(fresh.is_public());
    EXPECT_FALSE(c.images().get(img.fingerprint()).is_public());

    // pylxd's add_alias / delete_alias.
    const std::string alias = unique("alias");
    fresh.add_alias(alias, "added from C++");
    EXPECT_TRUE(contains(fresh.aliases(), alias));
    EXPECT_EQ(c.images().get_by_alias(alias).fingerprint(), img.fingerprint());
    fresh.delete_alias(alias);
    EXPECT_FALSE(contains(fresh.aliases(), alias));
    EXPECT_FALSE(c.image_aliases().exists(alias));

    fresh.remove();
    EXPECT_FALSE(c.images().exists(img.fingerprint()));
    EXPECT_THROW(c.images().get(img.fingerprint()), lxd::NotFound);
}

TEST(Images, CreateAsyncAndRemoveAsync) {
    auto c = local();
    const std::string name = unique("pubasync");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    c.instances().create(busybox(name));
    auto op = c.images().create_async({{"source", {{"type", "instance"}, {"name", name}}}, {"properties", {{"cpp.tag", suffix()}}}});
    ASSERT_TRUE(op);
    op.wait();
    const std::string fp = op.json().at("metadata").at("fingerprint");
    Cleanup drop([&] { lxd_image_delete(c.native_handle(), fp.c_str(), nullptr, nullptr); });
    EXPECT_TRUE(c.images().exists(fp));
    auto del = c.images().get(fp).remove_async();
    ASSERT_TRUE(del);
    del.wait();
    EXPECT_FALSE(c.images().exists(fp));

    // The waiting form that does not fetch the result: find the new image by its unique tag.
    const std::string tag = suffix();
    c.images().create_and_wait({{"source", {{"type", "instance"}, {"name", name}}}, {"properties", {{"cpp.tag", tag}}}});
    std::vector<std::string> made;
    for (const auto& img : c.images().all())
        if (img.properties().value("cpp.tag", "") == tag) made.push_back(img.fingerprint());
    ASSERT_EQ(made.size(), 1u);
    c.images().get(made[0]).remove();
    EXPECT_FALSE(c.images().exists(made[0]));
}

TEST(ImageAliases, Lifecycle) {
    auto c = local();
    const std::string fp = env("LXD_TEST_IMAGE_FINGERPRINT");
    const std::string name = unique("al");
    auto a = c.image_aliases().create(name, fp, "first");
    Cleanup drop([&] { lxd_image_alias_delete(c.native_handle(), a.name().c_str(), nullptr); });
    EXPECT_EQ(a.name(), name);
    EXPECT_EQ(a.target(), fp);
    EXPECT_EQ(a.description(), "first");
    EXPECT_EQ(a.type(), "container");
    EXPECT_TRUE(c.image_aliases().exists(name));
    EXPECT_TRUE(contains(c.image_aliases().names(), name));
    EXPECT_TRUE(contains(c.images().aliases().names(), name));
    bool listed = false;
    for (const auto& each : c.image_aliases().all()) listed = listed || (each.name() == name && each.target() == fp);
    EXPECT_TRUE(listed);
    EXPECT_THROW(c.image_aliases().create(name, fp), lxd::Conflict);

    auto got = c.image_aliases().get(name);
    EXPECT_TRUE(got.etag().has_value());
    got.set_description("second");
    got.set_target(fp);
    got.save();
    EXPECT_EQ(c.image_aliases().get(name).description(), "second");
    // PATCH: LXD 5.0.2 checks the ETag first (412 below), but a PATCH with a current ETag hangs in
    // LXD for 20 s and fails with 500 "context deadline exceeded" (a server bug, also with curl),
    // so only the stale case is exercised here.
    auto stale = c.image_aliases().get(name);
    got.set_description("third");
    got.save();
    EXPECT_EQ(got.description(), "third");
    stale.set_description("stale");
    EXPECT_THROW(stale.save(), lxd::PreconditionFailed);
    EXPECT_THROW(stale.patch({{"description", "stale"}}), lxd::PreconditionFailed);

    const std::string renamed = unique("al2");
    got.rename(renamed);
    EXPECT_EQ(got.name(), renamed);
    EXPECT_FALSE(c.image_aliases().exists(name));
    EXPECT_EQ(c.images().get_by_alias(renamed).fingerprint(), fp);
    got.remove();
    EXPECT_FALSE(c.image_aliases().exists(renamed));
    drop.dismiss();
}
