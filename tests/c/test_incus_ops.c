/*
 * The operations Incus 6.0 has and LXD 5.0 lacks, against whichever daemon the harness runs: under
 * Incus the real thing (network integrations CRUD, exec output records, rebuild, member state,
 * metadata configuration, allocations, access) or Incus's own refusal where this host cannot
 * serve it (buckets need the `minio` binary, which Debian does not package; load balancers need
 * an OVN network; memory dumps a virtual machine); under LXD 5.0.2 its answer to paths it does
 * not have (404 -> LXD_RESULT_NOT_FOUND; two exceptions, measured, noted where they are).
 *
 * The daemon is read from the server (`environment.server`), and must agree with LXD_TEST_DAEMON
 * when the harness sets it.
 */
#include "test.h"

static bool incus;

/* Under LXD 5.0.2: the path does not exist (404, "not found"). */
#define CHECK_LXD_404(call) CHECK_ERR_MSG(call, LXD_RESULT_NOT_FOUND, 404, "not found")

static void flavour(lxd_client *c) {
    T_SECTION("which daemon");
    char *json = NULL, *etag = NULL;
    if (CHECK_OK(lxd_server_get(c, &json, &etag, ERR))) {
        char *server = t_json_str(json, "server");
        CHECKF(server && (!strcmp(server, "incus") || !strcmp(server, "lxd")), "environment.server %s", server ? server : "(none)");
        incus = server && !strcmp(server, "incus");
        const char *want = getenv("LXD_TEST_DAEMON");
        if (want && *want)
            CHECKF(!strcmp(want, incus ? "incus" : "lxd"), "LXD_TEST_DAEMON=%s, server says %s", want, server ? server : "(none)");
        free(server);
    }
    lxd_string_free(json);
    lxd_string_free(etag);
    printf("  daemon: %s\n", incus ? "incus" : "lxd");
}

static void server_level(lxd_client *c) {
    char *json = NULL;
    T_SECTION("metadata configuration");
    if (incus) {
        if (CHECK_OK(lxd_server_metadata_configuration(c, &json, ERR))) {
            CHECK_HAS(json, "\"configs\":{");
            CHECK_HAS(json, "\"core.https_address\"");
            CHECK_HAS(json, "\"longdesc\"");
        }
    } else {
        CHECK_LXD_404(lxd_server_metadata_configuration(c, &json, ERR));
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_INVALID(lxd_server_metadata_configuration(c, NULL, ERR));
    CHECK_INVALID(lxd_server_metadata_configuration(NULL, &json, ERR));

    T_SECTION("cluster member state (GET)");
    if (incus) {
        /* Not clustered: the server answers for the member "none". */
        if (CHECK_OK(lxd_cluster_member_state(c, "none", &json, ERR))) {
            CHECK_HAS(json, "\"sysinfo\":{");
            CHECK_HAS(json, "\"uptime\":");
            CHECK_HAS(json, "\"storage_pools\":{");
            char *pool = t_fmt("\"storage_pools\":{\"%s\":{", t_env("POOL"));
            CHECK_HAS(json, pool);
            CHECK_HAS(json, "\"space\":{\"total\":");
            free(pool);
        }
    } else {
        /* LXD 5.0.2 has the POST of this path only: 501 Not Implemented. */
        CHECK_ERR_MSG(lxd_cluster_member_state(c, "none", &json, ERR), LXD_RESULT_API, 501, "not implemented");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_INVALID(lxd_cluster_member_state(c, "a/b", &json, ERR));
    CHECK_INVALID(lxd_cluster_member_state(c, T_BAD_UTF8, &json, ERR));

    T_SECTION("project access");
    if (incus) {
        /* Over the unix socket no identity is listed: null. */
        if (CHECK_OK(lxd_project_access(c, "default", &json, ERR)))
            CHECKF(!strcmp(json, "null") || json[0] == '[', "access: %s", json);
        lxd_string_free(json);
        json = NULL;
        /* Incus 6.0.4 does not look the project up: a missing one answers like an existing one,
         * null or the unrestricted identities (other suites may have trusted certificates). */
        if (CHECK_OK(lxd_project_access(c, "ctnoproject0", &json, ERR)))
            CHECKF(!strcmp(json, "null") || json[0] == '[', "access: %s", json);
    } else {
        CHECK_LXD_404(lxd_project_access(c, "default", &json, ERR));
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_INVALID(lxd_project_access(c, NULL, &json, ERR));
}

static void integrations(lxd_client *c) {
    T_SECTION("network integrations");
    char n[32], m[32];
    t_unique(n, sizeof n, "ctint");
    t_unique(m, sizeof m, "ctinu");
    char *create = t_fmt("{\"name\":\"%s\",\"type\":\"ovn\",\"description\":\"made by C\"}", n);
    char *json = NULL, *etag = NULL;
    if (!incus) {
        CHECK_LXD_404(lxd_network_integration_list(c, 0, &json, ERR));
        CHECK_LXD_404(lxd_network_integration_create(c, create, ERR));
        CHECK_LXD_404(lxd_network_integration_get(c, n, &json, &etag, ERR));
        bool exists = true;
        /* exists: a 404 is "no" on either daemon. */
        CHECK_OK(lxd_network_integration_exists(c, n, &exists, ERR));
        CHECK(!exists);
        free(create);
        return;
    }
    if (!CHECK_OK(lxd_network_integration_create(c, create, ERR))) {
        free(create);
        return;
    }
    /* Incus 6.0.4 answers a taken name with 500 (a database constraint). */
    CHECK_ERR_MSG(lxd_network_integration_create(c, create, ERR), LXD_RESULT_API, 500, "UNIQUE constraint");
    bool exists = false;
    CHECK_OK(lxd_network_integration_exists(c, n, &exists, ERR));
    CHECK(exists);
    char *nname = t_fmt("\"name\":\"%s\"", n), *quoted = t_fmt("\"%s\"", n);
    if (CHECK_OK(lxd_network_integration_get(c, n, &json, &etag, ERR))) {
        CHECK_HAS(json, nname);
        CHECK_HAS(json, "\"type\":\"ovn\"");
        CHECK_HAS(json, "\"description\":\"made by C\"");
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_integration_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, quoted);
        CHECK_LACKS(json, "/1.0/network-integrations/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_integration_list(c, 1, &json, ERR)))
        CHECK_HAS(json, nname);
    lxd_string_free(json);
    json = NULL;

    CHECK_OK(lxd_network_integration_update(c, n, "{\"description\":\"put by C\",\"config\":{}}", etag, ERR));
    /* The ETag read before the update is stale now. */
    CHECK_ERR(lxd_network_integration_update(c, n, "{\"description\":\"stale\",\"config\":{}}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    if (CHECK_OK(lxd_network_integration_get(c, n, &json, NULL, ERR)))
        CHECK_HAS(json, "\"description\":\"put by C\"");
    lxd_string_free(json);
    json = NULL;
    CHECK_OK(lxd_network_integration_patch(c, n, "{\"description\":\"patched by C\"}", NULL, ERR));
    if (CHECK_OK(lxd_network_integration_get(c, n, &json, NULL, ERR)))
        CHECK_HAS(json, "\"description\":\"patched by C\"");
    lxd_string_free(json);
    json = NULL;
    /* Only the OVN keys Incus knows are accepted. */
    CHECK_ERR(lxd_network_integration_patch(c, n, "{\"config\":{\"no.such.key\":\"1\"}}", NULL, ERR), LXD_RESULT_API, -1);

    CHECK_OK(lxd_network_integration_rename(c, n, m, ERR));
    CHECK_ERR(lxd_network_integration_get(c, n, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_OK(lxd_network_integration_exists(c, m, &exists, ERR));
    CHECK(exists);
    CHECK_OK(lxd_network_integration_delete(c, m, ERR));
    CHECK_OK(lxd_network_integration_exists(c, m, &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_network_integration_delete(c, m, ERR), LXD_RESULT_NOT_FOUND, 404);

    CHECK_INVALID(lxd_network_integration_get(c, "a/b", &json, NULL, ERR));
    CHECK_INVALID(lxd_network_integration_create(c, "not json", ERR));
    CHECK_INVALID(lxd_network_integration_rename(c, m, NULL, ERR));
    lxd_string_free(etag);
    free(nname);
    free(quoted);
    free(create);
}

static void network_level(lxd_client *c) {
    T_SECTION("a bridge for allocations and load balancers");
    char br[16];
    t_unique(br, sizeof br, "ctlb");
    /* An address (in the benchmarking range 198.18.0.0/15, no NAT, no DHCP) so that it is allocated. */
    int octet = (int)(getpid() % 250) + 1;
    char *create = t_fmt("{\"name\":\"%s\",\"type\":\"bridge\",\"config\":{\"ipv4.address\":\"198.18.%d.1/24\","
                         "\"ipv4.nat\":\"false\",\"ipv4.dhcp\":\"false\",\"ipv6.address\":\"none\",\"dns.mode\":\"none\"}}", br, octet);
    bool have_bridge = CHECK_OK(lxd_network_create(c, create, ERR));
    free(create);
    char *json = NULL, *etag = NULL;

    T_SECTION("network allocations");
    char *used_by = t_fmt("\"addresses\":\"198.18.%d.1/24\",\"hwaddr\":\"\",\"nat\":false,\"type\":\"network\",\"used_by\":\"/1.0/networks/%s\"", octet, br);
    if (incus) {
        if (CHECK_OK(lxd_network_allocations(c, false, &json, ERR)))
            CHECK_HAS(json, used_by);
        lxd_string_free(json);
        json = NULL;
        if (CHECK_OK(lxd_network_allocations(c, true, &json, ERR)))
            CHECK_HAS(json, used_by);
    } else {
        CHECK_LXD_404(lxd_network_allocations(c, false, &json, ERR));
    }
    lxd_string_free(json);
    json = NULL;
    free(used_by);
    CHECK_INVALID(lxd_network_allocations(c, false, NULL, ERR));

    T_SECTION("network load balancers");
    const char *lb = "{\"listen_address\":\"192.0.2.10\",\"backends\":[],\"ports\":[]}";
    if (incus) {
        /* A bridge has no load balancers: Incus refuses every call (only OVN networks have them). */
        CHECK_ERR_MSG(lxd_network_load_balancer_list(c, br, 0, &json, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_list(c, br, 1, &json, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_create(c, br, lb, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_get(c, br, "192.0.2.10", &json, &etag, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_state(c, br, "192.0.2.10", &json, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_update(c, br, "192.0.2.10", "{}", NULL, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_patch(c, br, "192.0.2.10", "{}", NULL, ERR), LXD_RESULT_API, 400, "does not support load balancers");
        CHECK_ERR_MSG(lxd_network_load_balancer_delete(c, br, "192.0.2.10", ERR), LXD_RESULT_API, 400, "does not support load balancers");
        /* No such network. */
        CHECK_ERR(lxd_network_load_balancer_list(c, "ctnonet0", 0, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    } else {
        CHECK_LXD_404(lxd_network_load_balancer_list(c, br, 0, &json, ERR));
        CHECK_LXD_404(lxd_network_load_balancer_create(c, br, lb, ERR));
        CHECK_LXD_404(lxd_network_load_balancer_get(c, br, "192.0.2.10", &json, &etag, ERR));
        CHECK_LXD_404(lxd_network_load_balancer_state(c, br, "192.0.2.10", &json, ERR));
        CHECK_LXD_404(lxd_network_load_balancer_delete(c, br, "192.0.2.10", ERR));
    }
    CHECK_INVALID(lxd_network_load_balancer_state(c, br, "", &json, ERR));
    CHECK_INVALID(lxd_network_load_balancer_get(c, NULL, "192.0.2.10", &json, NULL, ERR));
    if (have_bridge)
        CHECK_OK(lxd_network_delete(c, br, ERR));
}

static void buckets(lxd_client *c) {
    T_SECTION("storage buckets, keys, backups");
    const char *pool = t_env("POOL");
    char b[32];
    t_unique(b, sizeof b, "ctbucket");
    char *create = t_fmt("{\"name\":\"%s\",\"description\":\"made by C\"}", b);
    char *json = NULL, *etag = NULL;
    bool exists = true;
    if (incus) {
        if (CHECK_OK(lxd_storage_bucket_list(c, pool, 0, &json, ERR)))
            CHECKF(!strcmp(json, "[]"), "buckets: %s", json);
        lxd_string_free(json);
        json = NULL;
        /* A local pool serves buckets through MinIO; without the minio binary Incus refuses. */
        CHECK_ERR_MSG(lxd_storage_bucket_create(c, pool, create, ERR), LXD_RESULT_API, 500, "MinIO");
        /* Incus checks S3 bucket names before anything else. */
        CHECK_ERR_MSG(lxd_storage_bucket_create(c, pool, "{\"name\":\"AB\"}", ERR), LXD_RESULT_API, 500, "Bucket name");
        CHECK_OK(lxd_storage_bucket_exists(c, pool, b, &exists, ERR));
        CHECK(!exists);
        CHECK_ERR(lxd_storage_bucket_get(c, pool, b, &json, &etag, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_update(c, pool, b, "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_patch(c, pool, b, "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_delete(c, pool, b, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_key_list(c, pool, b, 0, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_key_create(c, pool, b, "{\"name\":\"k1\",\"role\":\"read-only\"}", ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_key_get(c, pool, b, "k1", &json, &etag, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_key_delete(c, pool, b, "k1", ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_backup_list(c, pool, b, 0, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_backup_create(c, pool, b, "{\"name\":\"bk0\"}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_backup_get(c, pool, b, "bk0", &json, &etag, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK_ERR(lxd_storage_bucket_backup_export_path(c, pool, b, "bk0", "/tmp/ct-never-written.tar.gz", NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        CHECK(access("/tmp/ct-never-written.tar.gz", F_OK) != 0);
        /* No such pool. */
        CHECK_ERR(lxd_storage_bucket_list(c, "ctnopool0", 0, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    } else {
        CHECK_LXD_404(lxd_storage_bucket_list(c, pool, 0, &json, ERR));
        CHECK_LXD_404(lxd_storage_bucket_create(c, pool, create, ERR));
        CHECK_LXD_404(lxd_storage_bucket_get(c, pool, b, &json, &etag, ERR));
        CHECK_OK(lxd_storage_bucket_exists(c, pool, b, &exists, ERR));
        CHECK(!exists);
        CHECK_LXD_404(lxd_storage_bucket_key_list(c, pool, b, 1, &json, ERR));
        CHECK_LXD_404(lxd_storage_bucket_backup_list(c, pool, b, 1, &json, ERR));
        CHECK_LXD_404(lxd_storage_bucket_backup_export_fd(c, pool, b, "bk0", 1, NULL, NULL, ERR));
    }
    CHECK_INVALID(lxd_storage_bucket_get(c, pool, "a/b", &json, NULL, ERR));
    CHECK_INVALID(lxd_storage_bucket_key_list(c, pool, NULL, 0, &json, ERR));
    CHECK_INVALID(lxd_storage_bucket_backup_export_path(c, pool, b, "bk0", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_storage_bucket_create(c, T_BAD_UTF8, create, ERR));
    free(create);
}

static void instance_level(lxd_client *c) {
    T_SECTION("an instance: exec output records, access, memory dump, rebuild");
    char name[32];
    t_unique(name, sizeof name, "ctincus");
    char *json = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    if (!t_instance_create(c, name, true)) {
        t_instance_cleanup(c, name);
        return;
    }

    /* A command whose output Incus records to files (no websockets). */
    const char *argv[] = {"sh", "-c", "echo recorded-out; echo recorded-err >&2; touch /root/marker"};
    int32_t code = -1;
    uint8_t *out = NULL, *err = NULL;
    size_t out_len = 0, err_len = 0;
    if (incus) {
        /* Before any recorded command there is no records directory. */
        CHECK_ERR(lxd_instance_exec_output_list(c, name, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
        if (CHECK_OK(lxd_instance_exec(c, name, argv, 3, "{\"record-output\":true}", NULL, 0, &code, &out, &out_len, &err, &err_len, ERR))) {
            CHECK(code == 0);
            CHECK(out_len == 13 && !memcmp(out, "recorded-out\n", 13));
            CHECK(err_len == 13 && !memcmp(err, "recorded-err\n", 13));
        }
        lxd_bytes_free(out, out_len);
        lxd_bytes_free(err, err_len);
        char *stdout_name = NULL;
        if (CHECK_OK(lxd_instance_exec_output_list(c, name, &json, ERR))) {
            CHECK_HAS(json, ".stdout\"");
            CHECK_HAS(json, ".stderr\"");
            CHECK_LACKS(json, "/1.0/");
            CHECKF(t_json_array_len(json) == 2, "records: %s", json);
            /* ["exec_<uuid>.stderr","exec_<uuid>.stdout"] in either order */
            const char *p = strstr(json, "\"exec_");
            while (p && !stdout_name) {
                const char *end = strchr(p + 1, '"');
                if (end && end - p > 8 && !strncmp(end - 7, ".stdout", 7))
                    stdout_name = t_strndup(p + 1, (size_t)(end - p - 1));
                p = end ? strstr(end + 1, "\"exec_") : NULL;
            }
        }
        lxd_string_free(json);
        json = NULL;
        if (CHECK(stdout_name != NULL)) {
            if (CHECK_OK(lxd_instance_exec_output_get(c, name, stdout_name, &data, &len, ERR)))
                CHECK(len == 13 && !memcmp(data, "recorded-out\n", 13));
            lxd_bytes_free(data, len);
            data = NULL;
            CHECK_OK(lxd_instance_exec_output_delete(c, name, stdout_name, ERR));
            CHECK_ERR(lxd_instance_exec_output_get(c, name, stdout_name, &data, &len, ERR), LXD_RESULT_NOT_FOUND, 404);
            if (CHECK_OK(lxd_instance_exec_output_list(c, name, &json, ERR)))
                CHECK(t_json_array_len(json) == 1);
            lxd_string_free(json);
            json = NULL;
        }
        free(stdout_name);
        CHECK_ERR(lxd_instance_exec_output_delete(c, name, "exec_none.stdout", ERR), LXD_RESULT_NOT_FOUND, 404);
    } else {
        /* LXD 5.0.2 reads "exec-output" as a log file name, and refuses it. */
        CHECK_ERR_MSG(lxd_instance_exec_output_list(c, name, &json, ERR), LXD_RESULT_API, 400, "not valid");
        CHECK_LXD_404(lxd_instance_exec_output_get(c, name, "exec_1.stdout", &data, &len, ERR));
        CHECK_LXD_404(lxd_instance_exec_output_delete(c, name, "exec_1.stdout", ERR));
        CHECK_OK(lxd_instance_exec(c, name, argv, 3, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    }
    CHECK_INVALID(lxd_instance_exec_output_get(c, name, "../x", &data, &len, ERR));
    CHECK_INVALID(lxd_instance_exec_output_get(c, name, "exec_1.stdout", NULL, &len, ERR));

    if (incus) {
        if (CHECK_OK(lxd_instance_access(c, name, &json, ERR)))
            CHECKF(!strcmp(json, "null") || json[0] == '[', "access: %s", json);
        lxd_string_free(json);
        json = NULL;
        CHECK_ERR_MSG(lxd_instance_debug_memory_path(c, name, NULL, "/tmp/ct-never-written.dump", NULL, NULL, ERR), LXD_RESULT_API, 400, "only supported for virtual machines");
        CHECK(access("/tmp/ct-never-written.dump", F_OK) != 0);
        CHECK_ERR_MSG(lxd_instance_debug_memory_fd(c, name, "elf", 1, NULL, NULL, ERR), LXD_RESULT_API, 400, "only supported for virtual machines");
    } else {
        CHECK_LXD_404(lxd_instance_access(c, name, &json, ERR));
        CHECK_LXD_404(lxd_instance_debug_memory_fd(c, name, NULL, 1, NULL, NULL, ERR));
    }
    CHECK_INVALID(lxd_instance_debug_memory_fd(c, name, "a/b", 1, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_access(c, "bad name", &json, ERR));

    /* Rebuild: a fresh root from the image; the file made above is gone. */
    char *rebuild = t_fmt("{\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", t_env("IMAGE_ALIAS"));
    if (incus) {
        CHECK_ERR_MSG(lxd_instance_rebuild(c, name, rebuild, NULL, ERR), LXD_RESULT_API, 400, "must be stopped");
        CHECK_OK(lxd_instance_stop(c, name, 30, true, NULL, ERR));
        lxd_operation *op = NULL;
        if (CHECK_OK(lxd_instance_rebuild(c, name, rebuild, &op, ERR)))
            t_wait_free(op);
        if (CHECK_OK(lxd_instance_start(c, name, NULL, ERR))) {
            const char *test_argv[] = {"test", "-e", "/root/marker"};
            if (CHECK_OK(lxd_instance_exec(c, name, test_argv, 3, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR)))
                CHECKF(code == 1, "the marker survived the rebuild (test -e: %d)", code);
        }
        CHECK_ERR(lxd_instance_rebuild(c, "ctnoinstance0", rebuild, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    } else {
        CHECK_LXD_404(lxd_instance_rebuild(c, name, rebuild, NULL, ERR));
    }
    CHECK_INVALID(lxd_instance_rebuild(c, name, "[1]", NULL, ERR));
    CHECK_INVALID(lxd_instance_rebuild(c, name, NULL, NULL, ERR));
    free(rebuild);
    t_instance_cleanup(c, name);
}

int main(void) {
    t_begin("incus_ops");
    lxd_client *c = t_unix_client();
    flavour(c);
    server_level(c);
    integrations(c);
    network_level(c);
    buckets(c);
    instance_level(c);
    lxd_client_free(c);
    return t_end();
}
