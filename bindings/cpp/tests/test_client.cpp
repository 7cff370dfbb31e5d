// Client, ClientBuilder: unix socket and HTTPS, settings, projects, trust, move semantics.
#include "common.hpp"

#include <cstdlib>

using namespace lxdtest;

TEST(Version, MatchesHeader) {
    EXPECT_EQ(lxd::version(), LXDCLIENT_VERSION);
    EXPECT_STREQ(lxd::to_string(lxd::ErrorCode::NotFound), "LXD_RESULT_NOT_FOUND");
    EXPECT_STREQ(lxd::to_string(lxd::ErrorCode::Tls), "LXD_RESULT_TLS");
}

TEST(Client, LocalSocketIsTrusted) {
    auto c = local();
    ASSERT_TRUE(c);
    EXPECT_NE(c.native_handle(), nullptr);
    EXPECT_TRUE(c.trusted());
    auto s = c.server();
    EXPECT_EQ(s.auth(), "trusted");
    EXPECT_EQ(s.api_version(), "1.0");
    EXPECT_EQ(s.server_version().substr(0, 2), is_incus() ? "6." : "5."); // LXD 5.0 or Incus 6.0
}

TEST(Client, DiscoversSocketFromEnvironment) {
    const std::string sock = env("LXD_TEST_SOCKET");
    const char* old = std::getenv("LXD_SOCKET");
    std::string saved = old ? old : "";
    ASSERT_EQ(setenv("LXD_SOCKET", sock.c_str(), 1), 0);
    Cleanup restore([&] {
        if (old) setenv("LXD_SOCKET", saved.c_str(), 1);
        else unsetenv("LXD_SOCKET");
    });
    auto c = lxd::Client::local();
    EXPECT_TRUE(c.trusted());
    auto b = lxd::ClientBuilder::unix_socket();
    EXPECT_TRUE(b.build().trusted());
}

TEST(Client, MissingSocketIsConnectionError) {
    auto c = lxd::Client::local("/nonexistent/cpp-test/unix.socket");
    try {
        c.trusted();
        FAIL() << "expected an error";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Connection) << e.what();
        EXPECT_EQ(e.http_status(), 0);
    }
}

TEST(ClientBuilder, SettingsAndReuse) {
    auto b = lxd::ClientBuilder::unix_socket(env("LXD_TEST_SOCKET"));
    b.set_timeout(std::chrono::seconds(20)).set_user_agent("lxdclient-cpp-tests/1").set_project("default").set_target("");
    auto c1 = b.build();
    auto c2 = b.build(); // the builder stays usable
    EXPECT_NE(c1.native_handle(), c2.native_handle());
    EXPECT_TRUE(c1.trusted());
    EXPECT_TRUE(c2.trusted());
    b.set_user_agent("").set_project("").set_timeout(std::chrono::milliseconds(0));
    EXPECT_TRUE(b.build().trusted());
}

// The reply size limit: LXD's GET /1.0 (several KiB: the API extensions alone) is refused under a
// 1 KiB limit, before the client buffers it, and passes with the default and a raised limit.
TEST(ClientBuilder, MaxReplyBytes) {
    auto b = lxd::ClientBuilder::unix_socket(env("LXD_TEST_SOCKET"));
    b.set_max_reply_bytes(1024);
    auto tight = b.build();
    try {
        tight.server();
        FAIL() << "expected a protocol error";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Protocol) << e.what();
        EXPECT_NE(std::string(e.what()).find("larger than"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(b.set_max_reply_bytes(64u << 20).build().server());
    EXPECT_NO_THROW(b.set_max_reply_bytes(0).build().server()); // back to the default
}

TEST(ClientBuilder, HttpsRejectsNonHttpsUrl) {
    try {
        lxd::ClientBuilder::https("http://127.0.0.1:1");
        FAIL() << "expected InvalidArgument";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }
}

TEST(Client, ProjectsAndTargets) {
    auto c = local();
    const std::string project = "cppp" + suffix(6);
    auto created = c.raw("POST", "/1.0/projects",
                         {{"name", project}, {"config", {{"features.images", "false"}, {"features.profiles", "false"}}}});
    ASSERT_TRUE(created.status == 200 || created.status == 201) << created.body;
    Cleanup drop([&] { c.raw("DELETE", "/1.0/projects/" + project); });

    const std::string name = unique("proj");
    auto in_project = c.with_project(project);
    ASSERT_TRUE(in_project);
    Cleanup gone([&] { destroy_instance(in_project.native_handle(), name); });
    in_project.instances().create(busybox(name));
    EXPECT_TRUE(in_project.instances().exists(name));
    EXPECT_FALSE(c.instances().exists(name)); // not in the default project
    auto names = in_project.instances().names();
    ASSERT_EQ(names.size(), 1u);
    EXPECT_EQ(names[0], name);

    auto built = lxd::ClientBuilder::unix_socket(env("LXD_TEST_SOCKET")).set_project(project).build();
    EXPECT_TRUE(built.instances().exists(name));
    EXPECT_FALSE(built.with_project("").instances().exists(name));

    auto targeted = c.with_target("");
    EXPECT_TRUE(targeted.trusted());
    in_project.instances().get(name).remove();
    EXPECT_FALSE(in_project.instances().exists(name));
}

TEST(Client, MoveSemantics) {
    auto a = local();
    lxd_client* h = a.native_handle();
    lxd::Client b(std::move(a));
    EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_EQ(a.native_handle(), nullptr);
    EXPECT_EQ(b.native_handle(), h);
    EXPECT_TRUE(b.trusted());
    try {
        a.trusted();
        FAIL() << "an empty client must throw";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }

    lxd::Client c;
    EXPECT_FALSE(c);
    c = std::move(b);
    EXPECT_EQ(c.native_handle(), h);
    EXPECT_FALSE(b);
    c = local(); // move-assign over a live handle frees the old one (ASan would see a leak or double free)
    EXPECT_TRUE(c.trusted());

    lxd_client* raw = c.release();
    EXPECT_FALSE(c);
    lxd::Client adopted(raw);
    EXPECT_TRUE(adopted.trusted());

    static_assert(!std::is_copy_constructible_v<lxd::Client>);
    static_assert(!std::is_copy_assignable_v<lxd::Client>);
    static_assert(std::is_nothrow_move_constructible_v<lxd::Client>);
    static_assert(std::is_nothrow_move_assignable_v<lxd::Client>);
    static_assert(std::is_nothrow_destructible_v<lxd::Client>);
}

TEST(ClientBuilder, MoveSemantics) {
    auto a = lxd::ClientBuilder::unix_socket(env("LXD_TEST_SOCKET"));
    auto* h = a.native_handle();
    auto b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(b.native_handle(), h);
    EXPECT_TRUE(b.build().trusted());
    try {
        a.build();
        FAIL() << "an empty builder must throw";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }
    lxd::ClientBuilder c;
    c = std::move(b);
    lxd_client_builder* raw = c.release();
    lxd::ClientBuilder adopted(raw);
    EXPECT_TRUE(adopted.build().trusted());
    static_assert(!std::is_copy_constructible_v<lxd::ClientBuilder>);
    static_assert(std::is_nothrow_move_constructible_v<lxd::ClientBuilder>);
}

// ------------------------------------------------------------------------------------------
// HTTPS
// ------------------------------------------------------------------------------------------

static lxd::ClientBuilder https_builder(const char* cert_var = "LXD_TEST_CLIENT_CERT", const char* key_var = "LXD_TEST_CLIENT_KEY") {
    auto b = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"));
    b.set_client_cert_files(env(cert_var), env(key_var)).pin_server_cert_file(env("LXD_TEST_SERVER_CERT"));
    return b;
}

/// Make sure the harness's first client certificate is not trusted, whatever ran before.
static void untrust_client_cert() {
    auto c = local();
    const std::string fp = trusted_fingerprint(c, read_file(env("LXD_TEST_CLIENT_CERT")));
    if (!fp.empty()) c.certificates().get(fp).remove();
}

TEST(Https, AuthenticateFlow) {
    untrust_client_cert();
    auto c = https_builder().build();
    EXPECT_FALSE(c.trusted());
    EXPECT_EQ(c.server().auth(), "untrusted");
    try {
        c.instances().names();
        FAIL() << "an untrusted client must not list instances";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
        EXPECT_EQ(e.http_status(), 403);
    }
    try {
        c.authenticate("not-the-password");
        FAIL() << "a wrong trust password must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Forbidden) << e.what();
        EXPECT_EQ(e.http_status(), 403);
    }
    EXPECT_FALSE(c.trusted());

    c.authenticate(trust_secret());
    EXPECT_TRUE(c.trusted());
    EXPECT_EQ(c.server().auth(), "trusted");
    EXPECT_NO_THROW(c.instances().names());
    // Trusted now: authenticating again succeeds without sending the password (as pylxd's
    // authenticate does); the raw trust call is refused by LXD.
    EXPECT_NO_THROW(c.authenticate("not-the-password"));
    try {
        c.certificates().add_untrusted(trust_secret());
        FAIL() << "the raw trust call twice must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Api);
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_NE(std::string(e.what()).find("already trusted"), std::string::npos) << e.what();
    }
    // The same identity over PEM text, with the server's CA instead of a pin (its certificate names
    // 127.0.0.1), and with verification off: all three see the now-trusted client.
    auto pem = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                   .set_client_cert_pem(read_file(env("LXD_TEST_CLIENT_CERT")), read_file(env("LXD_TEST_CLIENT_KEY")))
                   .pin_server_cert_pem(read_file(env("LXD_TEST_SERVER_CERT")))
                   .build();
    EXPECT_TRUE(pem.trusted());
    auto ca = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                  .set_client_cert_files(env("LXD_TEST_CLIENT_CERT"), env("LXD_TEST_CLIENT_KEY"))
                  .set_ca_pem(read_file(env("LXD_TEST_SERVER_CERT")))
                  .build();
    EXPECT_TRUE(ca.trusted());
    auto insecure = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                        .set_client_cert_files(env("LXD_TEST_CLIENT_CERT"), env("LXD_TEST_CLIENT_KEY"))
                        .danger_accept_invalid_certs()
                        .build();
    EXPECT_TRUE(insecure.trusted());
}

TEST(Https, WrongPinIsTlsError) {
    auto c = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                 .set_client_cert_files(env("LXD_TEST_CLIENT_CERT"), env("LXD_TEST_CLIENT_KEY"))
                 .pin_server_cert_file(env("LXD_TEST_SERVER_CERT2")) // daemon b's certificate
                 .build();
    try {
        c.trusted();
        FAIL() << "a wrong pin must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Tls) << e.what();
        EXPECT_EQ(e.http_status(), 0);
    }
    // Public roots do not know LXD's self-signed certificate either.
    auto roots = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"))
                     .set_client_cert_files(env("LXD_TEST_CLIENT_CERT"), env("LXD_TEST_CLIENT_KEY"))
                     .build();
    try {
        roots.trusted();
        FAIL() << "an unverifiable server must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Tls) << e.what();
    }
}

TEST(Https, BadClientKeyIsInvalidArgument) {
    auto b = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"));
    try {
        b.set_client_cert_pem("not a certificate", "not a key");
        FAIL() << "expected an error";
    } catch (const lxd::Error& e) {
        EXPECT_NE(e.code(), lxd::ErrorCode::Ok);
        EXPECT_EQ(e.http_status(), 0);
    }
    try {
        b.set_client_cert_files("/nonexistent/c.crt", "/nonexistent/c.key");
        FAIL() << "expected an error";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Io) << e.what();
    }
}

TEST(Https, SecondDaemonTrustsAfterAuthenticate) {
    // Daemon b: the client2 identity, authenticated with b's own password.
    auto b = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL2"))
                 .set_client_cert_files(env("LXD_TEST_CLIENT2_CERT"), env("LXD_TEST_CLIENT2_KEY"))
                 .pin_server_cert_file(env("LXD_TEST_SERVER_CERT2"))
                 .build();
    if (!b.trusted()) b.authenticate(trust_secret("2"));
    EXPECT_TRUE(b.trusted());
    EXPECT_EQ(b.server().auth(), "trusted");
    // Clean up b's trust store so every run starts the same way.
    auto local_b = lxd::Client::local(env("LXD_TEST_SOCKET2"));
    const std::string fp = trusted_fingerprint(local_b, read_file(env("LXD_TEST_CLIENT2_CERT")));
    ASSERT_FALSE(fp.empty());
    local_b.certificates().get(fp).remove();
    EXPECT_FALSE(b.trusted());
}
