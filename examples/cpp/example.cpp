// pylxd's walkthrough in C++: connect, look around, create a container, start it, change its
// configuration with the object lifecycle (dirty / rollback / save), run commands in it, push and
// pull a file with progress, watch its events, snapshot it, stop and delete.
//
//   example [IMAGE_ALIAS]
//
// Connects to the local LXD (LXD_TEST_SOCKET or LXD_SOCKET / LXD_DIR discovery). The image alias
// defaults to $LXD_TEST_IMAGE_ALIAS, then "busybox". Build: see bindings/cpp/README.md.
#include <lxdclient.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    const char* socket = std::getenv("LXD_TEST_SOCKET");
    const char* alias_env = std::getenv("LXD_TEST_IMAGE_ALIAS");
    const std::string alias = argc > 1 ? argv[1] : alias_env ? alias_env : "busybox";
    const std::string name = "cpp-example-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007);

    try {
        lxd::Client client = lxd::Client::local(socket ? socket : "");
        lxd::Server server = client.server();
        std::cout << "LXD " << server.server_version() << ", API " << server.api_version() << ", " << server.auth() << "\n";
        std::cout << "instances: " << client.instances().names().size() << ", images: " << client.images().names().size()
                  << ", profiles: " << client.profiles().names().size() << "\n";

        // client.containers.create(config, wait=True)
        lxd::Instance c = client.instances().create(
            {{"name", name}, {"source", {{"type", "image"}, {"alias", alias}}}});
        std::cout << "created " << c.name() << " (" << c.status() << ")\n";

        try {
            c.start();
            std::cout << "started: " << c.status() << ", pid " << c.state().at("pid") << "\n";

            // The object lifecycle: local changes, dirty, rollback, save (PUT with the ETag).
            c.set_config("user.note", "hello from C++");
            std::cout << "dirty after a change: " << std::boolalpha << c.dirty() << "\n";
            c.rollback();
            std::cout << "dirty after rollback: " << c.dirty() << "\n";
            c.set_config("user.note", "saved from C++");
            c.save();
            std::cout << "saved: user.note = " << client.instances().get(name).config().at("user.note") << "\n";

            // container.execute(["sh", "-c", ...]) and container.files.put / get.
            lxd::ExecResult r = c.execute({"sh", "-c", "echo hello from $(hostname); echo to stderr >&2; exit 4"});
            std::cout << "exec: exit " << r.exit_code << ", stdout " << r.stdout_data << "      stderr " << r.stderr_data;
            c.files().put("/root/note.txt", std::string(200000, 'n'), {0, 0, 0600, false});
            lxd::FileInfo info;
            const std::string back = c.files().get("/root/note.txt", &info);
            std::cout << "file: " << back.size() << " bytes back, mode " << std::oct << info.mode << std::dec << "\n";

            lxd::EventListener events = client.events("lifecycle");
            lxd::Snapshot snap = c.snapshots().create("first");
            std::cout << "snapshot " << snap.name() << " taken at " << snap.created_at() << "\n";

            c.freeze();
            std::cout << "frozen: " << c.status() << "\n";
            c.unfreeze();
            c.stop(-1, /*force=*/true);
            std::cout << "stopped: " << c.status() << "\n";
            while (auto ev = events.next(std::chrono::milliseconds(500)))
                std::cout << "event: " << ev->at("metadata").value("action", "?") << "\n";
        } catch (...) {
            lxd_instance_stop(client.native_handle(), name.c_str(), 0, true, nullptr, nullptr);
            c.remove();
            throw;
        }
        c.remove();
        std::cout << "deleted; still exists: " << client.instances().exists(name) << "\n";
        return 0;
    } catch (const lxd::Error& e) {
        std::cerr << "error: " << e.code_name() << " (HTTP " << e.http_status() << "): " << e.what() << "\n";
        return 1;
    }
}
