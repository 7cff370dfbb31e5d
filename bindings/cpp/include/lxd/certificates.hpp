// lxd/certificates.hpp: trusted certificates: adding one by PEM or password, trust tokens.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_CERTIFICATES_HPP
#define LXDCLIENT_LXD_CERTIFICATES_HPP

#include <lxd/resources.hpp>
#include <lxd/streams.hpp>

namespace lxd {

/// `client.certificates()`.
class Certificates : public gen::CertificatesBase {
public:
    using CertificatesBase::CertificatesBase;

    /// Create from LXD's CertificatesPost object (`certificate` is base64 DER, i.e. the PEM body).
    void create(const nlohmann::json& request) const { detail::call(lxd_certificate_create, client_, request.dump().c_str()); }
    /// Trust `cert_pem` ("": this client's own certificate, which needs `password`), named `name`
    /// (may be ""), with the trust password or a token (`password`, "" when already trusted).
    void add(const std::string& cert_pem, const std::string& name = {}, const std::string& password = {}) const {
        detail::call(lxd_certificate_add, client_, detail::opt_cstr(cert_pem), detail::opt_cstr(name), detail::opt_cstr(password));
    }
    /// Make a one-use trust token for a new client called `name` (`lxc config trust add`): the
    /// new client passes `secret` as its trust password (`Client::authenticate`). Cancel the
    /// token's operation to revoke it.
    Token create_token(const std::string& name) const {
        return detail::token(lxd_certificate_token_create, client_, detail::cstr(name));
    }
    /// From an untrusted client: have the server trust this client's own certificate, with the
    /// trust `password` or a token, named `name` (""). Wrong password: `Error` (Forbidden);
    /// already trusted: `Error` (Api, 400).
    void add_untrusted(const std::string& password, const std::string& name = {}) const {
        detail::call(lxd_certificate_add_untrusted, client_, detail::cstr(password), detail::opt_cstr(name));
    }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_CERTIFICATES_HPP
