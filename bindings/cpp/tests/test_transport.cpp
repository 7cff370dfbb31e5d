// Transport behaviour a real LXD cannot show: what goes on the wire (multipart boundaries), seen
// by a small stand-in LXD on a unix socket.
#include "common.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

/// A stand-in LXD on a unix socket: records each request head, drains the body, answers every
/// request with LXD's error envelope (400 "recorded") and closes the connection.
class FakeLxd {
public:
    FakeLxd() {
        dir_ = fs::temp_directory_path() / ("lxdcpp-fake-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::create_directories(dir_);
        path_ = (dir_ / "fake.socket").string();
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0)
            throw std::runtime_error("fake LXD: cannot listen on " + path_);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeLxd() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        if (thread_.joinable()) thread_.join();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    const std::string& socket() const { return path_; }
    std::vector<std::string> heads() const {
        std::lock_guard<std::mutex> g(mu_);
        return heads_;
    }

private:
    static std::atomic<int>& counter() {
        static std::atomic<int> n{0};
        return n;
    }
    void serve() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string buf;
            char tmp[4096];
            size_t end;
            while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
                ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
                if (n <= 0) break;
                buf.append(tmp, static_cast<size_t>(n));
            }
            if (end != std::string::npos) {
                std::string head = buf.substr(0, end);
                {
                    std::lock_guard<std::mutex> g(mu_);
                    heads_.push_back(head);
                }
                size_t len = 0;
                std::string lower = head;
                for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                auto at = lower.find("content-length:");
                if (at != std::string::npos) len = std::stoul(head.substr(at + 15));
                size_t have = buf.size() - end - 4;
                while (have < len) {
                    ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
                    if (n <= 0) break;
                    have += static_cast<size_t>(n);
                }
                const std::string body = R"({"type":"error","error":"recorded","error_code":400,"metadata":null})";
                const std::string out = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body;
                ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            }
            ::close(c);
        }
    }

    fs::path dir_;
    std::string path_;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<std::string> heads_;
};

std::string boundary_of(const std::string& head) {
    auto at = head.find("boundary=");
    if (at == std::string::npos) return {};
    auto end = head.find("\r\n", at);
    return head.substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9);
}

} // namespace

TEST(Transport, SplitUploadsHaveTheirOwnRandomBoundary) {
    FakeLxd fake;
    auto c = lxd::ClientBuilder::unix_socket(fake.socket()).set_timeout(std::chrono::seconds(5)).build();
    const fs::path dir = fs::temp_directory_path() / ("lxdcpp-split-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    { std::ofstream(dir / "meta.tar") << "metadata"; }
    { std::ofstream(dir / "rootfs.tar") << "rootfs"; }
    for (int i = 0; i < 2; i++) {
        try {
            c.images().upload_split((dir / "meta.tar").string(), (dir / "rootfs.tar").string());
            ADD_FAILURE() << "the fake server refuses every upload";
        } catch (const lxd::Error& e) {
            EXPECT_EQ(e.http_status(), 400) << e.what();
        }
    }
    std::vector<std::string> boundaries;
    for (const auto& h : fake.heads())
        if (h.rfind("POST /1.0/images", 0) == 0) boundaries.push_back(boundary_of(h));
    ASSERT_EQ(boundaries.size(), 2u);
    EXPECT_GE(boundaries[0].size(), 32u) << boundaries[0];
    EXPECT_GE(boundaries[1].size(), 32u) << boundaries[1];
    EXPECT_NE(boundaries[0], boundaries[1]);
    fs::remove_all(dir);
}

namespace {
struct Collected {
    std::mutex mu;
    std::vector<lxd::LogRecord> records;
    std::string all() {
        std::lock_guard<std::mutex> g(mu);
        std::string s;
        for (const auto& r : records) s += r.line + " | status=" + std::to_string(r.status) + " error=" + r.error + "\n";
        return s;
    }
};
} // namespace

TEST(Transport, LogCallbackSeesEveryRequest) {
    auto got = std::make_shared<Collected>();
    {
        auto b = lxd::ClientBuilder::unix_socket(lxdtest::env("LXD_TEST_SOCKET"));
        b.set_log_callback([got](const lxd::LogRecord& r) {
            std::lock_guard<std::mutex> g(got->mu);
            got->records.push_back(r);
        });
        auto c = b.build();
        EXPECT_NO_THROW(c.instances().names());
        EXPECT_THROW(c.instances().get("no-such-instance-cpp-log"), lxd::NotFound);
        auto ev = c.events();
        ev.close();
        // Several threads share one client and log at once.
        std::vector<std::thread> ts;
        for (int i = 0; i < 4; i++) ts.emplace_back([&c] { c.instances().names(); });
        for (auto& t : ts) t.join();
    }
    // Builder and client are gone: the library has released the callback (and its copy of `got`).
    EXPECT_EQ(got.use_count(), 1);
    const std::string all = got->all();
    EXPECT_NE(all.find("GET /1.0/instances -> 200 ("), std::string::npos) << all;
    EXPECT_NE(all.find("GET /1.0/instances/no-such-instance-cpp-log -> 404 ("), std::string::npos) << all;
    EXPECT_NE(all.find("GET /1.0/events -> 101 ("), std::string::npos) << all;
    for (const auto& r : got->records) {
        EXPECT_FALSE(r.method.empty());
        EXPECT_EQ(r.path.rfind("/1.0", 0), 0u) << r.path;
        EXPECT_GT(r.duration.count(), 0) << r.line;
        EXPECT_LT(r.duration, std::chrono::minutes(1)) << r.line;
    }
}

TEST(Transport, LogCallbackNeverSeesThePasswordAndMayThrow) {
    const fs::path dir = fs::temp_directory_path() / ("lxdcpp-log-" + std::to_string(::getpid()));
    lxd::LxcConfig(dir.string()).ensure_client_cert();
    auto got = std::make_shared<Collected>();
    std::string secret;
    {
        auto c = lxd::ClientBuilder::https(lxdtest::env("LXD_TEST_HTTPS_URL"))
                     .pin_server_cert_file(lxdtest::env("LXD_TEST_SERVER_CERT"))
                     .set_client_cert_files((dir / "client.crt").string(), (dir / "client.key").string())
                     .set_log_callback([got](const lxd::LogRecord& r) {
                         {
                             std::lock_guard<std::mutex> g(got->mu);
                             got->records.push_back(r);
                         }
                         throw std::runtime_error("a throwing log callback must not break the request");
                     })
                     .build();
        EXPECT_THROW(c.authenticate("wrong-Cpp-passw0rd-never-logged"), lxd::Error);
        secret = lxdtest::trust_secret();
        c.authenticate(secret);
        EXPECT_TRUE(c.trusted());
    }
    lxdtest::local().certificates().get(lxd::certificate_fingerprint(lxdtest::read_file((dir / "client.crt").string()))).remove();
    fs::remove_all(dir);
    const std::string all = got->all();
    EXPECT_NE(all.find("POST /1.0/certificates -> 403 ("), std::string::npos) << all;
    EXPECT_NE(all.find("POST /1.0/certificates -> 201 ("), std::string::npos) << all;
    EXPECT_EQ(all.find("wrong-Cpp-passw0rd-never-logged"), std::string::npos) << all;
    EXPECT_EQ(all.find(secret), std::string::npos) << all;
}

TEST(Transport, ProxySettings) {
    const std::string url = lxdtest::env("LXD_TEST_HTTPS_URL");
    const std::string cert = lxdtest::env("LXD_TEST_SERVER_CERT");
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    unsetenv("https_proxy");
    // Nothing listens on port 1: an explicit proxy there fails the call with a connection error.
    setenv("HTTPS_PROXY", "http://127.0.0.1:1", 1);
    try {
        lxd::ClientBuilder::https(url).pin_server_cert_file(cert).set_proxy_from_environment().build().server().auth();
        ADD_FAILURE() << "HTTPS_PROXY pointing nowhere must fail";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Connection) << e.what();
        EXPECT_NE(std::string(e.what()).find("proxy"), std::string::npos) << e.what();
    }
    // "" overrides the environment: direct.
    EXPECT_EQ(lxd::ClientBuilder::https(url).pin_server_cert_file(cert).set_proxy("").build().server().auth(), "untrusted");
    // NO_PROXY=127.0.0.1 bypasses it.
    setenv("NO_PROXY", "127.0.0.1", 1);
    EXPECT_EQ(lxd::ClientBuilder::https(url).pin_server_cert_file(cert).build().server().auth(), "untrusted");
    // An explicit proxy ignores NO_PROXY.
    try {
        lxd::ClientBuilder::https(url).pin_server_cert_file(cert).set_proxy("127.0.0.1:1").build().server().auth();
        ADD_FAILURE() << "an explicit proxy must be used";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Connection) << e.what();
    }
    unsetenv("NO_PROXY");
    unsetenv("HTTPS_PROXY");
    try {
        lxd::ClientBuilder::https(url).set_proxy("socks5://127.0.0.1:1080");
        ADD_FAILURE() << "socks5 is not supported";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument) << e.what();
    }
}
