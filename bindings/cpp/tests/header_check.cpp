// The C++ header compiles on its own (first include), with strict warnings as errors.
#include <lxdclient.hpp>

// Instantiate the templates and inline functions that ordinary use would.
void lxdclient_header_check(lxd::Client& c) {
    (void)c.instances().names();
    (void)c.server().config();
}
