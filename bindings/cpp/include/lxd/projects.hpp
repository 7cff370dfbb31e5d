// lxd/projects.hpp: projects and warnings: what the registry does not say (project state, warning status).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_PROJECTS_HPP
#define LXDCLIENT_LXD_PROJECTS_HPP

#include <lxd/resources.hpp>

namespace lxd {

/// A project (`/1.0/projects/<name>`). Work in it with `client.with_project(name)`.
class Project : public gen::ProjectBase {
public:
    using ProjectBase::ProjectBase;

    /// Resource usage and limits (`.../state`: `{"resources": {"instances": {"Limit", "Usage"}, ...}}`).
    nlohmann::json state() const { return read_json(lxd_project_state); }
    /// Who may use it (Incus 6.0 only; `GET .../access`): `[{"name", "identifier", "role",
    /// "provider"}, ...]`. LXD 5.0: `Error` NotFound.
    nlohmann::json access() const { return read_json(lxd_project_access); }
};

/// A warning the server recorded (`/1.0/warnings/<uuid>`); only its `status` is writable, to
/// "new" or "acknowledged" (LXD resolves them itself: "resolved" is `Error` Forbidden). LXD 5.0.2
/// sends no ETag for warnings, so `save()` is unconditional.
class Warning : public gen::WarningBase {
public:
    using WarningBase::WarningBase;

    /// Set `status` locally (`save()` writes it).
    void set_status_local(const std::string& s) { local_["status"] = s; }
    /// Set its status on the server ("new", "acknowledged", "resolved"; anything else: `Error`
    /// InvalidArgument), then re-read.
    void set_status(const std::string& status) {
        invoke(lxd_warning_set_status, detail::cstr(status));
        sync();
    }
};

} // namespace lxd

#endif // LXDCLIENT_LXD_PROJECTS_HPP
