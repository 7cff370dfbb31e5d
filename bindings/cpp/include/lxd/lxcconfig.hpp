// lxd/lxcconfig.hpp: the lxc tool's configuration directory (remotes, client certificate).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_LXCCONFIG_HPP
#define LXDCLIENT_LXD_LXCCONFIG_HPP

#include <lxd/client.hpp>

namespace lxd {

class LxcConfig {
public:
    /// `dir` "": $LXD_CONF, else ~/.config/lxc, else the snap's ~/snap/lxd/common/config.
    explicit LxcConfig(std::string dir = {}) : dir_(std::move(dir)) {}
    /// The dir.
    const std::string& dir() const noexcept { return dir_; }

    /// The remotes: `{"default": name, "remotes": [{"name", "addr", "protocol", "project"}, ...]}`.
    nlohmann::json remotes() const {
        detail::OwnedString s;
        detail::call(lxd_config_remotes, detail::opt_cstr(dir_), s.out());
        return detail::parse(s.str());
    }
    /// Create client.crt / client.key unless both exist (as lxc does on first use); true when
    /// new ones were made.
    bool ensure_client_cert() const {
        bool generated = false;
        detail::call(lxd_config_ensure_client_cert, detail::opt_cstr(dir_), &generated);
        return generated;
    }
    /// `lxc remote add NAME URL`: fetch the server certificate, check it against
    /// `expected_fingerprint` (the full SHA-256: 64 hex digits, any case, ':' allowed; a prefix
    /// throws `Error` (InvalidArgument) before any connection; "" accepts it on first use — only
    /// on a network you trust), store it, make a client certificate if needed, authenticate with
    /// `password` (trust password or token; "" when already trusted) and add the remote. Returns
    /// the server certificate's fingerprint. A mismatch throws `Error` (Tls) and writes nothing.
    std::string add_remote(const std::string& name, const std::string& url, const std::string& expected_fingerprint,
                           const std::string& password = {}) const {
        detail::OwnedString fp;
        detail::call(lxd_config_add_remote, detail::opt_cstr(dir_), detail::cstr(name), detail::cstr(url), detail::opt_cstr(password),
                     detail::opt_cstr(expected_fingerprint), fp.out());
        return fp.str();
    }
    /// A builder for `remote` ("": the default remote), to adjust before `build()`.
    ClientBuilder builder(const std::string& remote = {}) const { return ClientBuilder::remote(remote, dir_); }
    /// A client for `remote` ("": the default remote).
    Client connect(const std::string& remote = {}) const { return builder(remote).build(); }

private:
    std::string dir_;
};

} // namespace lxd

#endif // LXDCLIENT_LXD_LXCCONFIG_HPP
