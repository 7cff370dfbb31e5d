// Shared helpers for the C++ binding tests. Every test runs against the real LXD daemons the
// harness started (tests/harness/with-lxd.sh --second); a missing LXD_TEST_* variable is a failure.
#pragma once

#include <lxdclient.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LXD_TEST_HAVE_LSAN 1
#else
#define LXD_TEST_HAVE_LSAN 0
#endif

namespace lxdtest {

/// An LXD_TEST_* variable; throws (so the test fails) when the harness did not set it.
inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0')
        throw std::runtime_error(std::string("environment variable ") + name +
                                 " is not set: run the tests under tests/harness/with-lxd.sh --second");
    return v;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A short random hex suffix: names must be unique per run (cgroups are shared between daemons).
inline std::string suffix(std::size_t n = 8) {
    static std::mt19937_64 rng(std::random_device{}() ^
                               static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += hex[rng() % 16];
    return s;
}

/// A unique instance-safe name: letters, digits and hyphens.
inline std::string unique(const std::string& prefix) { return "cpp-" + prefix + "-" + suffix(); }

/// A client on daemon "a"'s unix socket.
inline lxd::Client local() { return lxd::Client::local(env("LXD_TEST_SOCKET")); }

/// The harness runs Incus (LXD_TEST_DAEMON=incus), not LXD: tests assert each daemon's own
/// behaviour where they differ.
inline bool is_incus() {
    const char* d = std::getenv("LXD_TEST_DAEMON");
    return d != nullptr && std::string(d) == "incus";
}

/// A secret that makes a daemon trust a new client. `which`: "" (daemon a), "2" (b) or
/// "CLUSTER". LXD: its trust password (LXD_TEST_TRUST_PASSWORD, ...2,
/// LXD_TEST_CLUSTER_TRUST_PASSWORD). Incus 6.0 has no trust password: a fresh single-use trust
/// token, made over the daemon's unix socket.
inline std::string trust_secret(const std::string& which = "") {
    if (!is_incus()) {
        if (which == "CLUSTER") return env("LXD_TEST_CLUSTER_TRUST_PASSWORD");
        return env(("LXD_TEST_TRUST_PASSWORD" + which).c_str());
    }
    const char* sock = which == "CLUSTER" ? "LXD_TEST_CLUSTER_SOCKET1" : which == "2" ? "LXD_TEST_SOCKET2" : "LXD_TEST_SOCKET";
    auto c = lxd::Client::local(env(sock));
    return c.certificates().create_token("cpp-token-" + suffix()).secret;
}

/// LXD's InstancesPost for a busybox container.
inline nlohmann::json busybox(const std::string& name) {
    return {{"name", name}, {"type", "container"}, {"source", {{"type", "image"}, {"alias", env("LXD_TEST_IMAGE_ALIAS")}}}};
}

/// Runs a cleanup at scope exit, swallowing errors (the test body asserts what matters).
class Cleanup {
public:
    explicit Cleanup(std::function<void()> fn) : fn_(std::move(fn)) {}
    Cleanup(const Cleanup&) = delete;
    Cleanup& operator=(const Cleanup&) = delete;
    ~Cleanup() {
        if (!fn_) return;
        try {
            fn_();
        } catch (...) {
        }
    }
    void dismiss() { fn_ = nullptr; }

private:
    std::function<void()> fn_;
};

/// Force-stop and delete an instance through the C ABI (never throws).
inline void destroy_instance(lxd_client* c, const std::string& name) {
    lxd_instance_stop(c, name.c_str(), 0, true, nullptr, nullptr);
    lxd_instance_delete(c, name.c_str(), nullptr, nullptr);
}

/// Compare PEM certificates ignoring line breaks and trailing whitespace.
inline std::string pem_body(const std::string& pem) {
    std::string out;
    for (char ch : pem)
        if (ch != '\n' && ch != '\r' && ch != ' ') out += ch;
    return out;
}

/// The base64 DER body of a PEM certificate (what LXD's CertificatesPost `certificate` wants).
inline std::string pem_to_base64_der(const std::string& pem) {
    const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
    auto b = pem.find(begin), e = pem.find(end);
    if (b == std::string::npos || e == std::string::npos) throw std::runtime_error("not a PEM certificate");
    std::string out;
    for (char ch : pem.substr(b + begin.size(), e - b - begin.size()))
        if (ch != '\n' && ch != '\r' && ch != ' ') out += ch;
    return out;
}

/// The fingerprint of `pem` if the server trusts it, else "".
inline std::string trusted_fingerprint(const lxd::Client& c, const std::string& pem) {
    const std::string fp = lxd::certificate_fingerprint(pem);
    for (const auto& name : c.certificates().names())
        if (name == fp) return fp;
    return {};
}

/// Whether LeakSanitizer finds leaks right now (always false without ASan).
inline bool leaks_now() {
#if LXD_TEST_HAVE_LSAN
    return __lsan_do_recoverable_leak_check() != 0;
#else
    return false;
#endif
}

template <class F>
inline double seconds(F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Run `f` and return the lxd::Error it throws; a test failure (and an Ok error) when it throws
/// none.
template <class F>
inline lxd::Error error_of(F&& f) {
    try {
        f();
    } catch (const lxd::Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected an lxd::Error";
    return lxd::Error(lxd::ErrorCode::Ok, 0, "no error");
}

/// A fresh private temporary directory (removed with its files by the destructor).
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/cpp-lxd-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        const std::string cmd = "rm -rf '" + path_ + "'";
        if (std::system(cmd.c_str()) != 0) {
        }
    }
    const std::string& path() const noexcept { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// An HTTPS client on daemon "a" pinned to its certificate, with the client certificate in
/// the variables `cert_var`/`key_var` (nullptr: none, an anonymous client).
inline lxd::Client https_client(const char* cert_var = nullptr, const char* key_var = nullptr) {
    auto b = lxd::ClientBuilder::https(env("LXD_TEST_HTTPS_URL"));
    b.pin_server_cert_file(env("LXD_TEST_SERVER_CERT"));
    if (cert_var) b.set_client_cert_files(env(cert_var), env(key_var));
    return b.build();
}

} // namespace lxdtest
