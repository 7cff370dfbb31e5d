// lxd/profiles.hpp: profiles: pylxd's `create(name, config, devices)` on top of the generated class.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_PROFILES_HPP
#define LXDCLIENT_LXD_PROFILES_HPP

#include <lxd/resources.hpp>

namespace lxd {

/// `client.profiles()`.
class Profiles : public gen::ProfilesBase {
public:
    using ProfilesBase::ProfilesBase;
    using ProfilesBase::create;

    /// pylxd's `create(name, config, devices)`.
    Profile create(const std::string& name, const nlohmann::json& config, const nlohmann::json& devices = nlohmann::json::object()) const {
        return create(nlohmann::json{{"name", name}, {"config", config}, {"devices", devices}});
    }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_PROFILES_HPP
