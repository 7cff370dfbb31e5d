// LxcConfig: the lxc tool's configuration directory (remotes, client certificate, `remote add`),
// certificate fingerprints, and ClientBuilder::remote, against the harness daemons over HTTPS.
#include "common.hpp"

#include <filesystem>

using namespace lxdtest;
namespace fs = std::filesystem;

namespace {
class LxcConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/cpp-lxcconf-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override {
        // Untrust the certificate this test generated, then drop the directory.
        try {
            const fs::path crt = fs::path(dir) / "client.crt";
            if (fs::exists(crt)) {
                auto c = local();
                const std::string fp = trusted_fingerprint(c, read_file(crt));
                if (!fp.empty()) c.certificates().get(fp).remove();
            }
        } catch (...) {
        }
        fs::remove_all(dir);
    }
    std::string dir;
};

bool has_remote(const nlohmann::json& remotes, const std::string& name) {
    for (const auto& r : remotes.at("remotes"))
        if (r.at("name") == name) return true;
    return false;
}
} // namespace

TEST(CertificateFingerprint, MatchesWhatLxdReports) {
    const std::string fp = lxd::certificate_fingerprint(read_file(env("LXD_TEST_SERVER_CERT")));
    EXPECT_EQ(fp.size(), 64u);
    EXPECT_EQ(fp, local().server().environment().at("certificate_fingerprint"));
    try {
        lxd::certificate_fingerprint("not a certificate");
        FAIL() << "expected InvalidArgument";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }
}

TEST_F(LxcConfigTest, RemoteAddConnectAndLocal) {
    lxd::LxcConfig conf(dir);
    EXPECT_EQ(conf.dir(), dir);
    auto remotes = conf.remotes();
    EXPECT_EQ(remotes.at("default"), "local");
    EXPECT_TRUE(has_remote(remotes, "local"));

    EXPECT_TRUE(conf.ensure_client_cert());
    EXPECT_FALSE(conf.ensure_client_cert()); // both files exist now
    EXPECT_TRUE(fs::exists(fs::path(dir) / "client.crt"));
    EXPECT_TRUE(fs::exists(fs::path(dir) / "client.key"));

    // A wrong fingerprint: TLS error, nothing written.
    try {
        conf.add_remote("wrong", env("LXD_TEST_HTTPS_URL"), std::string(64, '0'), trust_secret());
        FAIL() << "a wrong fingerprint must be refused";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Tls) << e.what();
    }
    EXPECT_FALSE(fs::exists(fs::path(dir) / "servercerts" / "wrong.crt"));
    EXPECT_FALSE(has_remote(conf.remotes(), "wrong"));

    const std::string expected = lxd::certificate_fingerprint(read_file(env("LXD_TEST_SERVER_CERT")));
    // Only the whole SHA-256 is accepted: a prefix (even a matching one) is refused up front.
    for (const std::string& shortfp : {expected.substr(0, 1), expected.substr(0, 16), expected.substr(0, 63), expected + "0"}) {
        try {
            conf.add_remote("short", env("LXD_TEST_HTTPS_URL"), shortfp, trust_secret());
            ADD_FAILURE() << shortfp << ": a partial fingerprint must be refused";
        } catch (const lxd::Error& e) {
            EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << e.what();
            EXPECT_NE(std::string(e.what()).find("64 hex digits"), std::string::npos) << e.what();
        }
    }
    EXPECT_FALSE(fs::exists(fs::path(dir) / "servercerts" / "short.crt"));
    std::string with_colons;
    for (size_t i = 0; i < expected.size(); i += 2) with_colons += (i ? ":" : "") + expected.substr(i, 2);
    const std::string got = conf.add_remote("cppharness", env("LXD_TEST_HTTPS_URL"), with_colons, trust_secret());
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(fs::exists(fs::path(dir) / "servercerts" / "cppharness.crt"));
    EXPECT_TRUE(has_remote(conf.remotes(), "cppharness"));

    auto remote = conf.connect("cppharness");
    EXPECT_TRUE(remote.trusted());
    EXPECT_NO_THROW(remote.instances().names());
    auto built = lxd::ClientBuilder::remote("cppharness", dir).set_timeout(std::chrono::seconds(10)).build();
    EXPECT_EQ(built.server().auth(), "trusted");
    EXPECT_TRUE(conf.builder("cppharness").build().trusted());

    // The local remote is the unix socket (found through LXD_DIR, as the harness sets it).
    EXPECT_TRUE(conf.connect("local").trusted());
    EXPECT_TRUE(conf.connect().trusted()); // "" = the default remote, which is local

    for (const char* bad : {"no-such-remote", "images"}) { // unknown; simplestreams
        try {
            conf.builder(bad);
            ADD_FAILURE() << bad << ": expected InvalidArgument";
        } catch (const lxd::Error& e) {
            EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << bad << ": " << e.what();
        }
    }
}
