// Untrusted views and tokens: API versions and the public server view, filtered image lists,
// image refresh (no source here: LXD's exact error), image secrets read back by an anonymous
// client and its wait on the secret's operation, operation ids, trust tokens (used, revoked)
// with the untrusted self-add, and an image pushed from daemon a to daemon b.
#include "common.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

using namespace lxdtest;
namespace fs = std::filesystem;

static bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(Public, ServerViewsAndFilteredImages) {
    auto c = local();
    EXPECT_TRUE(contains(c.api_versions(), "/1.0"));
    EXPECT_TRUE(c.server_public().contains("api_extensions"));
    const std::string fp = env("LXD_TEST_IMAGE_FINGERPRINT");
    EXPECT_TRUE(contains(c.images().names_filtered("properties.os eq busybox"), fp));
    EXPECT_TRUE(c.images().names_filtered("properties.os eq nothing-like-this").empty());
    bool found = false;
    for (const auto& img : c.images().all_filtered("properties.os eq busybox")) found = found || img.fingerprint() == fp;
    EXPECT_TRUE(found);
    EXPECT_TRUE(c.images().all_filtered("properties.os eq nothing-like-this").empty());
    // The harness image was imported from a file: there is no source to refresh from.
    auto e = error_of([&] { c.images().get(fp).refresh(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::OperationFailed) << e.what();
    EXPECT_NE(std::string(e.what()).find("Image source not found"), std::string::npos) << e.what();
    auto op = c.images().get(fp).refresh_async();
    EXPECT_THROW(op.wait(), lxd::Error);

    auto anon = https_client();
    EXPECT_TRUE(contains(anon.api_versions(), "/1.0"));
    EXPECT_EQ(anon.server_public().value("auth", ""), "untrusted");
    EXPECT_FALSE(contains(anon.images().public_names(), fp));
    for (const auto& j : anon.images().public_all()) EXPECT_NE(j.value("fingerprint", ""), fp);
    EXPECT_THROW(anon.images().get_public(fp), lxd::NotFound);
    EXPECT_THROW(anon.image_aliases().get_public(env("LXD_TEST_IMAGE_ALIAS")), lxd::NotFound);
}

TEST(Public, ImageSecretAndUntrustedWait) {
    auto c = local();
    auto anon = https_client();
    const std::string fp = env("LXD_TEST_IMAGE_FINGERPRINT");
    lxd::Token t = c.images().get(fp).secret();
    ASSERT_GT(t.secret.size(), 10u);
    ASSERT_TRUE(t.operation);
    Cleanup revoke([&] { t.operation.cancel(); });
    EXPECT_EQ(anon.images().get_public(fp, t.secret).value("fingerprint", ""), fp);
    EXPECT_THROW(anon.images().get_public(fp, "not-the-secret"), lxd::NotFound);
    const std::string id = t.operation.id();
    // LXD keeps the token operation running and answers it at once; Incus ends it once its
    // secret was used (a wait on a running one whose timeout passes is a timeout there).
    auto j = anon.operations().wait_untrusted(id, t.secret, std::chrono::seconds(is_incus() ? 10 : 0));
    EXPECT_EQ(j.value("id", ""), id);
    auto e = error_of([&] { anon.operations().wait_untrusted(id, "wrong-secret", std::chrono::seconds(0)); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
    EXPECT_TRUE(contains(c.operations().ids(), id));
}

TEST(Public, TrustTokensAndUntrustedSelfAdd) {
    auto c = local();
    auto hc = https_client("LXD_TEST_CLIENT2_CERT", "LXD_TEST_CLIENT2_KEY");
    auto untrust = [&] {
        const std::string fp = trusted_fingerprint(c, read_file(env("LXD_TEST_CLIENT2_CERT")));
        if (!fp.empty()) c.certificates().get(fp).remove();
    };
    untrust();
    Cleanup cleanup(untrust);
    ASSERT_FALSE(hc.trusted());
    auto e = error_of([&] { hc.certificates().add_untrusted("wrong-password"); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
    EXPECT_EQ(e.http_status(), 403);

    const std::string tname = unique("tok");
    lxd::Token t = c.certificates().create_token(tname);
    EXPECT_GT(t.secret.size(), 40u);
    EXPECT_EQ(t.operation.json().value("class", ""), "token");
    hc.certificates().add_untrusted(t.secret, tname);
    EXPECT_TRUE(hc.trusted());
    bool named = false;
    for (const auto& cert : c.certificates().all()) named = named || cert.name() == tname;
    EXPECT_TRUE(named);
    // Already trusted: LXD says 400.
    e = error_of([&] { hc.certificates().add_untrusted(trust_secret()); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Api) << e.what();
    EXPECT_EQ(e.http_status(), 400);
    untrust();
    EXPECT_FALSE(hc.trusted());
    // A used token does not work twice; a revoked one not at all.
    EXPECT_EQ(error_of([&] { hc.certificates().add_untrusted(t.secret); }).code(), lxd::ErrorCode::Forbidden);
    lxd::Token t2 = c.certificates().create_token(unique("tok"));
    t2.operation.cancel();
    EXPECT_EQ(error_of([&] { hc.certificates().add_untrusted(t2.secret); }).code(), lxd::ErrorCode::Forbidden);
    EXPECT_FALSE(hc.trusted());
}

TEST(Public, ImagePushToSecondDaemon) {
    auto a = local();
    auto b = lxd::Client::local(env("LXD_TEST_SOCKET2"));
    // A fresh image on a that b lacks.
    const fs::path dir = fs::temp_directory_path() / ("cpp-push-" + suffix());
    Cleanup rm([&] {
        std::error_code ec;
        fs::remove_all(dir, ec);
    });
    const std::string cmd = "\"" + env("LXD_TEST_HARNESS") + "\" make-image \"" + env("LXD_TEST_STATEDIR") + "\" \"" + dir.string() +
                            "\" cpppush" + suffix(4) + " >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto img = a.images().upload((dir / "unified.tar.gz").string());
    const std::string fp = img.fingerprint();
    Cleanup drop([&] {
        lxd_image_delete(a.native_handle(), fp.c_str(), nullptr, nullptr);
        lxd_image_delete(b.native_handle(), fp.c_str(), nullptr, nullptr);
    });
    ASSERT_FALSE(b.images().exists(fp));
    // b waits for a push: a "push" image request gives a token operation with the secret. The
    // aliases the pushed image gets on b are the ones of this request (LXD 5.0.2 applies those,
    // not the `aliases` of the ImageExportPost sent to a).
    const std::string alias = "cpp-pushed-" + suffix();
    auto wait = b.images().create_async(
        {{"source", {{"type", "image"}, {"mode", "push"}, {"fingerprint", fp}}}, {"aliases", {{{"name", alias}}}}});
    ASSERT_TRUE(wait);
    const nlohmann::json wj = wait.json();
    const std::string secret = wj.at("metadata").value("secret", "");
    ASSERT_FALSE(secret.empty()) << wj.dump();
    img.push_to({{"target", env("LXD_TEST_HTTPS_URL2")}, {"secret", secret}, {"certificate", read_file(env("LXD_TEST_SERVER_CERT2"))}});
    EXPECT_TRUE(b.images().exists(fp));
    EXPECT_EQ(b.images().get_by_alias(alias).fingerprint(), fp);
    // The token was used: its operation is gone from b's running ones.
    EXPECT_THROW(wait.wait(std::chrono::milliseconds(5000)), lxd::Error);
    // A target that is not there: LXD 5.0.2 answers the export request itself with a 500.
    auto e = error_of([&] { img.push_to_async({{"target", "https://127.0.0.1:1"}, {"secret", "x"}}).wait(); });
    EXPECT_EQ(e.code(), lxd::ErrorCode::Api) << e.what();
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
}
