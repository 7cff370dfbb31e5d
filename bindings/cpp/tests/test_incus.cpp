// The operations Incus 6.0 has and LXD 5.0 lacks, against whichever daemon the harness runs (as
// tests/c/test_incus_ops.c): under Incus the real thing (network integrations, exec output
// records, rebuild, member state, metadata configuration, allocations, access) or Incus's own
// refusal where this host cannot serve it (buckets need the `minio` binary; load balancers an OVN
// network; memory dumps a virtual machine); under LXD 5.0.2 its answer to paths it lacks.
#include "common.hpp"

#include <algorithm>
#include <unistd.h>

using namespace lxdtest;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The server says which daemon it is; it must agree with the harness's LXD_TEST_DAEMON.
bool incus_daemon(const lxd::Client& c) {
    const bool incus = c.server_flavour() == lxd::ServerFlavour::Incus;
    const char* want = std::getenv("LXD_TEST_DAEMON");
    if (want && *want) {
        EXPECT_EQ(std::string(want), incus ? "incus" : "lxd");
    }
    return incus;
}

// LXD 5.0.2 on a path it does not have: 404 "not found".
template <class F>
void expect_lxd_404(F&& f) {
    auto e = error_of(std::forward<F>(f));
    EXPECT_EQ(e.code(), lxd::ErrorCode::NotFound) << e.what();
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_TRUE(has(e.what(), "not found")) << e.what();
}

template <class F>
void expect_error(F&& f, lxd::ErrorCode code, int status, const std::string& part = {}) {
    auto e = error_of(std::forward<F>(f));
    EXPECT_EQ(e.code(), code) << e.what();
    if (status >= 0) {
        EXPECT_EQ(e.http_status(), status) << e.what();
    }
    if (!part.empty()) {
        EXPECT_TRUE(has(e.what(), part)) << e.what();
    }
}

} // namespace

TEST(Incus, Flavour) {
    auto c = local();
    EXPECT_EQ(c.server_flavour() == lxd::ServerFlavour::Incus, is_incus());
    EXPECT_EQ(c.server().json().at("environment").at("server").get<std::string>(), is_incus() ? "incus" : "lxd");
}

TEST(Incus, ServerLevel) {
    auto c = local();
    const bool incus = incus_daemon(c);
    // A member object for the name "none", which a server that is not clustered answers for.
    const lxd::ClusterMember none(c.native_handle(), nlohmann::json{{"server_name", "none"}});
    auto def = c.projects().get("default");
    if (incus) {
        auto meta = c.metadata_configuration();
        ASSERT_TRUE(meta.contains("configs")) << meta.dump().substr(0, 200);
        const std::string text = meta.dump();
        EXPECT_TRUE(has(text, "\"core.https_address\""));
        EXPECT_TRUE(has(text, "\"longdesc\""));

        auto st = none.state();
        ASSERT_TRUE(st.contains("sysinfo")) << st.dump();
        EXPECT_TRUE(st.at("sysinfo").contains("uptime")) << st.dump();
        ASSERT_TRUE(st.contains("storage_pools")) << st.dump();
        EXPECT_TRUE(st.at("storage_pools").contains(env("LXD_TEST_POOL"))) << st.dump();
        EXPECT_TRUE(st.at("storage_pools").at(env("LXD_TEST_POOL")).at("space").contains("total")) << st.dump();

        // Over the unix socket no identity is listed: null (or a list).
        auto access = def.access();
        EXPECT_TRUE(access.is_null() || access.is_array()) << access.dump();
    } else {
        expect_lxd_404([&] { c.metadata_configuration(); });
        // LXD 5.0.2 has only the POST of the member state path: 501 Not Implemented.
        expect_error([&] { none.state(); }, lxd::ErrorCode::Api, 501, "not implemented");
        expect_lxd_404([&] { def.access(); });
    }
    const lxd::ClusterMember bad(c.native_handle(), nlohmann::json{{"server_name", "a/b"}});
    expect_error([&] { bad.state(); }, lxd::ErrorCode::InvalidArgument, -1);
}

TEST(Incus, NetworkIntegrations) {
    auto c = local();
    const bool incus = incus_daemon(c);
    const std::string n = unique("int"), m = unique("intr");
    const nlohmann::json body = {{"name", n}, {"type", "ovn"}, {"description", "made by C++"}};
    auto ints = c.network_integrations();
    if (!incus) {
        expect_lxd_404([&] { ints.names(); });
        expect_lxd_404([&] { ints.create(body); });
        expect_lxd_404([&] { ints.get(n); });
        // exists: a 404 is "no" on either daemon.
        EXPECT_FALSE(ints.exists(n));
        return;
    }
    Cleanup gone([&] {
        lxd_network_integration_delete(c.native_handle(), n.c_str(), nullptr);
        lxd_network_integration_delete(c.native_handle(), m.c_str(), nullptr);
    });
    auto it = ints.create(body);
    EXPECT_EQ(it.name(), n);
    EXPECT_EQ(it.type(), "ovn");
    EXPECT_EQ(it.description(), "made by C++");
    // Incus 6.0.4 answers a taken name with 500 (a database constraint).
    expect_error([&] { ints.create(body); }, lxd::ErrorCode::Api, 500, "UNIQUE constraint");
    EXPECT_TRUE(ints.exists(n));
    auto names = ints.names();
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end());
    bool found = false;
    for (auto& x : ints.all()) found = found || x.name() == n;
    EXPECT_TRUE(found);

    auto got = ints.get(n);
    ASSERT_TRUE(got.etag().has_value());
    auto stale = ints.get(n);
    got.set_description("put by C++");
    got.save();
    EXPECT_EQ(ints.get(n).description(), "put by C++");
    stale.set_description("stale");
    expect_error([&] { stale.save(); }, lxd::ErrorCode::PreconditionFailed, 412);
    got.patch({{"description", "patched by C++"}});
    EXPECT_EQ(got.description(), "patched by C++");
    EXPECT_EQ(ints.get(n).description(), "patched by C++");
    // Only the OVN keys Incus knows are accepted.
    expect_error([&] { got.patch({{"config", {{"no.such.key", "1"}}}}); }, lxd::ErrorCode::Api, -1);

    got.rename(m);
    EXPECT_EQ(got.name(), m);
    expect_error([&] { ints.get(n); }, lxd::ErrorCode::NotFound, 404);
    EXPECT_TRUE(ints.exists(m));
    got.remove();
    EXPECT_FALSE(ints.exists(m));
    expect_error([&] { got.remove(); }, lxd::ErrorCode::NotFound, 404);
    expect_error([&] { ints.get("a/b"); }, lxd::ErrorCode::InvalidArgument, -1);
}

TEST(Incus, NetworkLevel) {
    auto c = local();
    const bool incus = incus_daemon(c);
    const std::string br = "cpplb" + suffix(6);
    // An address in the benchmarking range 198.18.0.0/15, no NAT, DHCP or DNS, so it is allocated.
    const int octet = static_cast<int>(getpid() % 250) + 1;
    const std::string cidr = "198.18." + std::to_string(octet) + ".1/24";
    auto net = c.networks().create({{"name", br}, {"type", "bridge"},
                                    {"config", {{"ipv4.address", cidr}, {"ipv4.nat", "false"}, {"ipv4.dhcp", "false"},
                                                {"ipv6.address", "none"}, {"dns.mode", "none"}}}});
    Cleanup gone([&] { lxd_network_delete(c.native_handle(), br.c_str(), nullptr); });

    if (incus) {
        for (bool all : {false, true}) {
            bool seen = false;
            for (auto& a : c.network_allocations(all)) {
                if (a.value("used_by", "") == "/1.0/networks/" + br) {
                    seen = true;
                    EXPECT_EQ(a.value("addresses", ""), cidr) << a.dump();
                    EXPECT_EQ(a.value("type", ""), "network") << a.dump();
                    EXPECT_EQ(a.value("nat", true), false) << a.dump();
                }
            }
            EXPECT_TRUE(seen) << "all_projects " << all;
        }
    } else {
        expect_lxd_404([&] { c.network_allocations(); });
    }

    auto lbs = net.load_balancers();
    const nlohmann::json lb = {{"listen_address", "192.0.2.10"}, {"backends", nlohmann::json::array()}, {"ports", nlohmann::json::array()}};
    const lxd::NetworkLoadBalancer one(c.native_handle(), br, nlohmann::json{{"listen_address", "192.0.2.10"}});
    if (incus) {
        // A bridge has no load balancers: Incus refuses every call (only OVN networks have them).
        const std::string why = "does not support load balancers";
        expect_error([&] { lbs.names(); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { lbs.all(); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { lbs.create(lb); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { lbs.get("192.0.2.10"); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { one.state(); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { lxd::NetworkLoadBalancer(one).patch({{"description", "x"}}); }, lxd::ErrorCode::Api, 400, why);
        expect_error([&] { lxd::NetworkLoadBalancer(one).remove(); }, lxd::ErrorCode::Api, 400, why);
        // No such network.
        expect_error([&] { lxd::NetworkLoadBalancers(c.native_handle(), "cppnonet0").names(); }, lxd::ErrorCode::NotFound, 404);
    } else {
        expect_lxd_404([&] { lbs.names(); });
        expect_lxd_404([&] { lbs.create(lb); });
        expect_lxd_404([&] { lbs.get("192.0.2.10"); });
        expect_lxd_404([&] { one.state(); });
        expect_lxd_404([&] { lxd::NetworkLoadBalancer(one).remove(); });
    }
    const lxd::NetworkLoadBalancer empty(c.native_handle(), br, nlohmann::json{{"listen_address", ""}});
    expect_error([&] { empty.state(); }, lxd::ErrorCode::InvalidArgument, -1);
}

TEST(Incus, StorageBuckets) {
    auto c = local();
    const bool incus = incus_daemon(c);
    const std::string pool = env("LXD_TEST_POOL");
    const std::string b = "cppbucket" + suffix(6);
    auto buckets = c.storage_pools().get(pool).buckets();
    const nlohmann::json body = {{"name", b}, {"description", "made by C++"}};
    const lxd::StorageBucket bucket(c.native_handle(), {pool}, nlohmann::json{{"name", b}});
    auto keys = bucket.keys();
    auto backups = bucket.backups();
    const lxd::StorageBucketBackup backup(c.native_handle(), {pool, b}, nlohmann::json{{"name", "bk0"}});
    TempDir dir;
    if (incus) {
        EXPECT_TRUE(buckets.names().empty());
        // A local pool serves buckets through MinIO; without the minio binary Incus refuses.
        expect_error([&] { buckets.create(body); }, lxd::ErrorCode::Api, 500, "MinIO");
        // Incus checks S3 bucket names before anything else.
        expect_error([&] { buckets.create({{"name", "AB"}}); }, lxd::ErrorCode::Api, 500, "Bucket name");
        EXPECT_FALSE(buckets.exists(b));
        expect_error([&] { buckets.get(b); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { lxd::StorageBucket(bucket).patch({{"description", "x"}}); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { lxd::StorageBucket(bucket).remove(); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { keys.names(); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { keys.create({{"name", "k1"}, {"role", "read-only"}}); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { keys.get("k1"); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { backups.names(); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { backups.create({{"name", "bk0"}}); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { backups.get("bk0"); }, lxd::ErrorCode::NotFound, 404);
        expect_error([&] { backup.export_to(dir.file("never.tar.gz")); }, lxd::ErrorCode::NotFound, 404);
        EXPECT_NE(access(dir.file("never.tar.gz").c_str(), F_OK), 0);
        // No such pool.
        expect_error([&] { lxd::StorageBuckets(c.native_handle(), "cppnopool0").names(); }, lxd::ErrorCode::NotFound, 404);
    } else {
        expect_lxd_404([&] { buckets.names(); });
        expect_lxd_404([&] { buckets.create(body); });
        expect_lxd_404([&] { buckets.get(b); });
        EXPECT_FALSE(buckets.exists(b));
        expect_lxd_404([&] { keys.all(); });
        expect_lxd_404([&] { backups.all(); });
        TempDir d2;
        expect_lxd_404([&] { backup.export_to(d2.file("never.tar.gz")); });
    }
    expect_error([&] { buckets.get("a/b"); }, lxd::ErrorCode::InvalidArgument, -1);
    expect_error([&] { backup.export_fd(-1); }, lxd::ErrorCode::InvalidArgument, -1);
}

TEST(Incus, InstanceLevel) {
    auto c = local();
    const bool incus = incus_daemon(c);
    const std::string name = unique("incus");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto inst = c.instances().create(busybox(name));
    inst.start();

    const std::vector<std::string> argv = {"sh", "-c", "echo recorded-out; echo recorded-err >&2; touch /root/marker"};
    if (incus) {
        // Before any recorded command there is no records directory.
        expect_error([&] { inst.exec_outputs(); }, lxd::ErrorCode::NotFound, 404);
        auto r = inst.execute(argv, {{"record-output", true}});
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_EQ(r.stdout_data, "recorded-out\n");
        EXPECT_EQ(r.stderr_data, "recorded-err\n");
        auto files = inst.exec_outputs();
        ASSERT_EQ(files.size(), 2u);
        std::string out_file;
        for (auto& f : files) {
            EXPECT_EQ(f.rfind("exec_", 0), 0u) << f;
            EXPECT_FALSE(has(f, "/1.0/")) << f;
            if (f.size() > 7 && f.compare(f.size() - 7, 7, ".stdout") == 0) out_file = f;
        }
        ASSERT_FALSE(out_file.empty());
        EXPECT_EQ(inst.exec_output(out_file), "recorded-out\n");
        inst.delete_exec_output(out_file);
        expect_error([&] { inst.exec_output(out_file); }, lxd::ErrorCode::NotFound, 404);
        EXPECT_EQ(inst.exec_outputs().size(), 1u);
        expect_error([&] { inst.delete_exec_output("exec_none.stdout"); }, lxd::ErrorCode::NotFound, 404);
    } else {
        // LXD 5.0.2 reads "exec-output" as a log file name, and refuses it.
        expect_error([&] { inst.exec_outputs(); }, lxd::ErrorCode::Api, 400, "not valid");
        expect_lxd_404([&] { inst.exec_output("exec_1.stdout"); });
        expect_lxd_404([&] { inst.delete_exec_output("exec_1.stdout"); });
        EXPECT_EQ(inst.execute(argv).exit_code, 0);
    }
    expect_error([&] { inst.exec_output("../x"); }, lxd::ErrorCode::InvalidArgument, -1);

    TempDir dir;
    if (incus) {
        auto access = inst.access();
        EXPECT_TRUE(access.is_null() || access.is_array()) << access.dump();
        const std::string why = "only supported for virtual machines";
        expect_error([&] { inst.dump_memory(dir.file("never.dump")); }, lxd::ErrorCode::Api, 400, why);
        EXPECT_NE(::access(dir.file("never.dump").c_str(), F_OK), 0);
        expect_error([&] { inst.dump_memory_fd(1, "elf"); }, lxd::ErrorCode::Api, 400, why);
    } else {
        expect_lxd_404([&] { inst.access(); });
        expect_lxd_404([&] { inst.dump_memory_fd(1); });
    }
    expect_error([&] { inst.dump_memory_fd(1, "a/b"); }, lxd::ErrorCode::InvalidArgument, -1);

    // Rebuild: a fresh root from the image; the file made above is gone.
    const nlohmann::json rebuild = {{"source", {{"type", "image"}, {"alias", env("LXD_TEST_IMAGE_ALIAS")}}}};
    if (incus) {
        expect_error([&] { inst.rebuild(rebuild); }, lxd::ErrorCode::Api, 400, "must be stopped");
        inst.stop(30, true);
        inst.rebuild_async(rebuild).wait();
        inst.start();
        EXPECT_EQ(inst.execute({"test", "-e", "/root/marker"}).exit_code, 1) << "the marker survived the rebuild";
        lxd::Instance missing(c.native_handle(), nlohmann::json{{"name", "cppnoinstance0"}});
        expect_error([&] { missing.rebuild(rebuild); }, lxd::ErrorCode::NotFound, 404);
    } else {
        expect_lxd_404([&] { inst.rebuild(rebuild); });
    }
    expect_error([&] { inst.rebuild(nlohmann::json::array({1})); }, lxd::ErrorCode::InvalidArgument, -1);
}
