// lxdclient.hpp: header-only C++17 binding over liblxdclient's C ABI (lxdclient.h).
//
// * Handles (`Client`, `ClientBuilder`, `Operation`, `ExecSession`, `EventListener`) are move-only
//   and own their C handle in a std::unique_ptr whose deleter is the C free function; a moved-from
//   handle is empty.
//   `native_handle()` gives the C handle for functions this header does not wrap (yet).
// * Every C failure becomes an exception: `lxd::Error` (a std::runtime_error with `code()`,
//   `http_status()` and LXD's message), or one of its subclasses `NotFound`, `Conflict`,
//   `PreconditionFailed`, `Cancelled`, `Timeout`. Destructors never throw.
// * JSON crosses as nlohmann::json in LXD's own schema. Objects fetched from the client
//   (`Instance`, `Profile`, `Image`, `ImageAlias`, `Network`, `StoragePool`, `Snapshot`,
//   `Certificate`, `Server`) follow pylxd's lifecycle: change them locally (`json()` or the
//   setters), check `dirty()`, `rollback()` local changes, `sync()` with the server, and `save()`
//   them: a PUT carrying the ETag they were read with, so a change made on the server in between
//   raises `PreconditionFailed` (HTTP 412) instead of being overwritten.
// * An object borrows the client's C handle: the `Client` it came from (or the object it was moved
//   into) must outlive it. A `Client` is safe to use from many threads at once; objects are not.
// * Optional string arguments take "" for "none" (the C ABI's NULL).
// * `LxcConfig` reads and writes the `lxc` tool's configuration (remotes, certificates).
// * Callbacks (`Progress`, exec readers/writers) are std::functions behind C trampolines whose
//   `void *user` points at them. An exception thrown in a callback never crosses the C boundary:
//   it is stored, the transfer or command is cancelled, and the exception is rethrown once the C
//   call returned.
//
// Behaviour lives in the C library once; this header only converts types, ownership and errors.
//
// The binding is split into one header per area under lxd/ (all installed next to this one):
// lxd/core.hpp (errors, Operation), lxd/streams.hpp (exec, console, events, files),
// lxd/object.hpp (the `Object` lifecycle and the `Resource<Traits>` / `Collection<Traits>`
// templates every resource is made of), lxd/resources.hpp and lxd/resource_links.hpp (generated
// by tools/gen_cpp.py from registry/resources.toml and registry/cpp.toml: each resource's C
// functions and its object and collection classes), then the hand-written areas: instances,
// images, networks, profiles, storage, certificates, projects (and warnings), cluster, server,
// client, lxcconfig. Include this header, not the parts.
#ifndef LXDCLIENT_HPP
#define LXDCLIENT_HPP

#include <lxd/core.hpp>
#include <lxd/streams.hpp>
#include <lxd/object.hpp>
#include <lxd/resources.hpp>
#include <lxd/instances.hpp>
#include <lxd/images.hpp>
#include <lxd/networks.hpp>
#include <lxd/profiles.hpp>
#include <lxd/storage.hpp>
#include <lxd/certificates.hpp>
#include <lxd/projects.hpp>
#include <lxd/cluster.hpp>
#include <lxd/server.hpp>
#include <lxd/client.hpp>
#include <lxd/lxcconfig.hpp>
#include <lxd/resource_links.hpp>

#endif // LXDCLIENT_HPP
