// Connects to LXD (the socket given as argv[1], or discovered) and prints the server's version.
#include <lxdclient.hpp>

#include <iostream>

int main(int argc, char** argv) {
    try {
        auto client = lxd::Client::local(argc > 1 ? argv[1] : "");
        auto server = client.server();
        std::cout << "liblxdclient " << lxd::version() << " connected to LXD " << server.server_version()
                  << " (" << server.auth() << ")\n";
        return server.server_version().empty() ? 1 : 0;
    } catch (const lxd::Error& e) {
        std::cerr << "error: " << e.code_name() << " (HTTP " << e.http_status() << "): " << e.what() << "\n";
        return 1;
    }
}
