// Server object, certificates, operations listing and raw requests.
#include "common.hpp"

#include <algorithm>

using namespace lxdtest;

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
} // namespace

TEST(Server, InfoExtensionsResources) {
    auto c = local();
    auto s = c.server();
    EXPECT_EQ(s.api_version(), "1.0");
    EXPECT_EQ(s.auth(), "trusted");
    EXPECT_TRUE(contains(s.api_extensions(), "file_delete"));
    EXPECT_FALSE(s.environment().empty());
    EXPECT_EQ(s.server_version(), s.environment().at("server_version"));
    EXPECT_TRUE(s.etag().has_value());
    EXPECT_TRUE(c.has_extension("file_delete"));
    EXPECT_FALSE(c.has_extension("cpp_no_such_extension"));
    auto r = c.resources();
    EXPECT_GT(r.at("cpu").at("total").get<int>(), 0);
    EXPECT_GT(r.at("memory").at("total").get<std::uint64_t>(), 0u);
}

TEST(Server, ConfigLifecycle) {
    auto c = local();
    auto s = c.server();
    const std::string key = "images.remote_cache_expiry";
    const std::string original = s.config().value(key, "");
    Cleanup restore([&] { c.server().patch({{"config", {{key, original}}}}); });

    s.set_config(key, "11");
    EXPECT_TRUE(s.dirty());
    s.rollback();
    EXPECT_FALSE(s.dirty());
    s.set_config(key, "11");
    s.save(); // the PUT carries "core.trust_password": true, which LXD keeps unchanged
    EXPECT_FALSE(s.dirty());
    EXPECT_EQ(c.server().config().at(key), "11");
    // The trust password still works after the round trip (checked by authenticating below).

    auto stale = c.server();
    s.patch({{"config", {{key, "12"}}}});
    EXPECT_EQ(s.config().at(key), "12");
    stale.set_config(key, "13");
    try {
        stale.save();
        FAIL() << "a stale server save must fail";
    } catch (const lxd::PreconditionFailed& e) {
        EXPECT_EQ(e.http_status(), 412);
    }
    EXPECT_THROW(stale.patch({{"config", {{key, "14"}}}}), lxd::PreconditionFailed);
    s.unset_config(key);
    s.save();
    EXPECT_FALSE(c.server().config().contains(key));
    // LXD shows its trust password as `true`; Incus 6.0 has none.
    if (is_incus())
        EXPECT_FALSE(c.server().config().contains("core.trust_password"));
    else
        EXPECT_EQ(c.server().config().at("core.trust_password"), true);
}

TEST(Certificates, CreateLifecycleRemove) {
    auto c = local();
    const std::string pem = read_file(env("LXD_TEST_CLIENT2_CERT"));
    // Start clean: another suite may have left client2 trusted.
    if (auto fp = trusted_fingerprint(c, pem); !fp.empty()) c.certificates().get(fp).remove();

    const std::string name = unique("cert");
    c.certificates().create({{"type", "client"}, {"name", name}, {"certificate", pem_to_base64_der(pem)}});
    const std::string fp = trusted_fingerprint(c, pem);
    ASSERT_EQ(fp.size(), 64u);
    Cleanup drop([&] { lxd_certificate_delete(c.native_handle(), fp.c_str(), nullptr); });
    EXPECT_TRUE(contains(c.certificates().names(), fp));

    auto cert = c.certificates().get(fp);
    EXPECT_EQ(cert.fingerprint(), fp);
    EXPECT_EQ(cert.name(), name);
    EXPECT_EQ(cert.type(), "client");
    EXPECT_FALSE(cert.restricted());
    EXPECT_TRUE(cert.projects().empty());
    EXPECT_EQ(pem_body(cert.certificate()), pem_body(pem));

    // The HTTPS client with that certificate is now trusted.
    auto https = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                     .set_client_cert_files(env("LXD_TEST_CLIENT2_CERT"), env("LXD_TEST_CLIENT2_KEY"))
                     .pin_server_cert_file(env("LXD_TEST_SERVER_CERT"))
                     .build();
    EXPECT_TRUE(https.trusted());

    cert.set_name(name + "-renamed");
    EXPECT_TRUE(cert.dirty());
    cert.save();
    EXPECT_FALSE(cert.dirty());
    EXPECT_EQ(c.certificates().get(fp).name(), name + "-renamed");
    auto stale = c.certificates().get(fp);
    cert.patch({{"name", name + "-patched"}});
    EXPECT_EQ(cert.name(), name + "-patched");
    stale.set_name("stale");
    EXPECT_THROW(stale.save(), lxd::PreconditionFailed);

    cert.remove();
    EXPECT_FALSE(contains(c.certificates().names(), fp));
    EXPECT_THROW(c.certificates().get(fp), lxd::NotFound);
    EXPECT_FALSE(https.trusted());

    // add(): the PEM as is; adding it twice conflicts.
    c.certificates().add(pem, name + "-added");
    EXPECT_EQ(trusted_fingerprint(c, pem), fp);
    EXPECT_EQ(c.certificates().get(fp).name(), name + "-added");
    try {
        c.certificates().add(pem);
        FAIL() << "adding a known certificate must fail";
    } catch (const lxd::Conflict& e) {
        EXPECT_EQ(e.http_status(), 409);
    }
    EXPECT_TRUE(https.trusted());
    c.certificates().get(fp).remove();
    EXPECT_FALSE(https.trusted());
    drop.dismiss();
}

TEST(Certificates, AddOwnCertificateWithPassword) {
    // certificates().add("" , name, password) trusts the certificate this client connects with.
    auto c = local();
    const std::string pem = read_file(env("LXD_TEST_CLIENT2_CERT"));
    if (auto fp = trusted_fingerprint(c, pem); !fp.empty()) c.certificates().get(fp).remove();
    auto https = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                     .set_client_cert_files(env("LXD_TEST_CLIENT2_CERT"), env("LXD_TEST_CLIENT2_KEY"))
                     .pin_server_cert_file(env("LXD_TEST_SERVER_CERT"))
                     .build();
    EXPECT_FALSE(https.trusted());
    const std::string name = unique("self");
    https.certificates().add("", name, trust_secret());
    EXPECT_TRUE(https.trusted());
    const std::string fp = trusted_fingerprint(c, pem);
    ASSERT_FALSE(fp.empty());
    // LXD names it as asked; Incus after the trust token (lxdtest::trust_secret's "cpp-token-...").
    if (is_incus())
        EXPECT_EQ(c.certificates().get(fp).name().rfind("cpp-token-", 0), 0u);
    else
        EXPECT_EQ(c.certificates().get(fp).name(), name);
    c.certificates().get(fp).remove();
    EXPECT_FALSE(https.trusted());
}

TEST(Raw, AnyStatusIsReturned) {
    auto c = local();
    auto r = c.raw("GET", "/1.0");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.etag.has_value());
    auto j = r.json();
    EXPECT_EQ(j.at("type"), "sync");
    EXPECT_EQ(j.at("metadata").at("api_version"), "1.0");

    auto missing = c.raw("GET", "/1.0/instances/" + unique("nope"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json().at("type"), "error");
    EXPECT_EQ(missing.json().at("error_code"), 404);

    // With a body: create and delete a profile by hand.
    const std::string name = unique("raw");
    auto created = c.raw("POST", "/1.0/profiles", {{"name", name}});
    EXPECT_TRUE(created.status == 200 || created.status == 201) << created.body;
    EXPECT_TRUE(c.profiles().exists(name));
    auto deleted = c.raw("DELETE", "/1.0/profiles/" + name);
    EXPECT_EQ(deleted.status, 200);
    EXPECT_FALSE(c.profiles().exists(name));

    EXPECT_THROW(c.raw("GET", "no-leading-slash"), lxd::Error);
    lxd::RawResponse not_json;
    not_json.body = "<html>";
    EXPECT_THROW(not_json.json(), lxd::Error);
}

TEST(Call, EnvelopeReadOnceInTheLibrary) {
    auto c = local();
    // sync: the metadata, not the envelope
    auto server = c.call("GET", "/1.0");
    EXPECT_EQ(server.at("api_version"), "1.0");
    EXPECT_FALSE(server.contains("type"));
    // error replies throw by class
    EXPECT_THROW(c.call("GET", "/1.0/instances/" + unique("nope")), lxd::NotFound);
    try {
        c.call("POST", "/1.0/profiles", nlohmann::json::array({1, 2}));
        ADD_FAILURE() << "a bad body was accepted";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.http_status(), 400);
    }
    // async: waited for (a volume snapshot), or handed back
    const std::string vol = unique("cppcall");
    c.call("POST", "/1.0/storage-pools/default/volumes/custom", {{"name", vol}, {"type", "custom"}});
    const std::string snaps = "/1.0/storage-pools/default/volumes/custom/" + vol + "/snapshots";
    c.call("POST", snaps, {{"name", "s1"}});
    auto [op_json, op] = c.call_async("POST", snaps, {{"name", "s2"}});
    ASSERT_TRUE(static_cast<bool>(op));
    EXPECT_EQ(op_json.at("class"), "task");
    op.wait();
    auto [sync_json, none] = c.call_async("GET", snaps);
    EXPECT_FALSE(static_cast<bool>(none));
    EXPECT_EQ(sync_json.size(), 2u) << sync_json.dump();
    // a taken name: LXD's 409 throws Conflict
    EXPECT_THROW(c.call("POST", snaps, {{"name", "s1"}}), lxd::Conflict);
    c.call("DELETE", snaps + "/s1");
    c.call("DELETE", snaps + "/s2");
    c.call("DELETE", "/1.0/storage-pools/default/volumes/custom/" + vol);
    EXPECT_THROW(c.call("GET", "/1.0/storage-pools/default/volumes/custom/" + vol), lxd::NotFound);
}

TEST(Operations, ListIsJson) {
    auto c = local();
    auto ops = c.operations().all();
    for (const auto& op : ops) {
        EXPECT_TRUE(op.contains("id"));
        EXPECT_TRUE(op.contains("status_code"));
    }
}
