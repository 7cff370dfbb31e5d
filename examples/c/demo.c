/*
 * make demo: pylxd's documented walkthrough, in C, against a throwaway local LXD started by the
 * harness (LXD_TEST_SOCKET / LXD_TEST_IMAGE_ALIAS), printing what it does at every step.
 */
#define _POSIX_C_SOURCE 200809L
#include <lxdclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static lxd_client *client;
static int step_no;
static struct timespec t0;

static double ms_since(struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

static void step(const char *what) {
    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("\n[%2d] %s\n", ++step_no, what);
}

static void done(void) { printf("     ok (%.1f ms)\n", ms_since(&t0)); }

static void die(const char *what, lxd_error *err) {
    fprintf(stderr, "FAILED: %s: %s (%s, HTTP %u)\n", what, lxd_error_message(err),
            lxd_result_name((int)lxd_error_code(err)), lxd_error_http_status(err));
    lxd_error_free(err);
    exit(1);
}


/* Print a JSON string field's value (first occurrence, good enough for a demo). */
static void show_field(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) return;
    p += strlen(pat);
    int n = 0;
    if (*p == '"') { p++; while (p[n] && p[n] != '"') n++; }
    else { while (p[n] && p[n] != ',' && p[n] != '}') n++; }
    printf("     %s = %.*s\n", key, n, p);
}

int main(void) {
    const char *alias = getenv("LXD_TEST_IMAGE_ALIAS");
    if (!alias) alias = "busybox";
    char name[32], renamed[64], profile[64];
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    snprintf(name, sizeof name, "demo-%04x", rand() & 0xffff);
    snprintf(renamed, sizeof renamed, "%s-renamed", name);
    snprintf(profile, sizeof profile, "demo-profile-%04x", rand() & 0xffff);
    lxd_error *err = NULL;
    char *json = NULL, *etag = NULL;

    printf("liblxdclient %s demo: pylxd's documented walkthrough\n", lxd_version());

    step(">>> client = Client()   # local unix socket");
    lxd_client_builder *b = NULL;
    if (lxd_client_builder_new_unix(NULL, &b, &err)) die("builder", err);
    if (lxd_client_builder_build(b, &client, &err)) die("build", err);
    lxd_client_builder_free(b);
    bool trusted = false;
    if (lxd_client_trusted(client, &trusted, &err)) die("trusted", err);
    printf("     client.trusted = %s\n", trusted ? "True" : "False");
    if (lxd_server_get(client, &json, NULL, &err)) die("server", err);
    show_field(json, "server_version");
    show_field(json, "storage");
    lxd_string_free(json);
    bool has_delete = false;
    if (lxd_server_has_extension(client, "file_delete", &has_delete, &err)) die("extension", err);
    printf("     api extension file_delete: %s\n", has_delete ? "yes" : "no");
    done();

    step(">>> client.containers.all()");
    if (lxd_instance_list(client, 0, &json, &err)) die("list", err);
    printf("     %s\n", json);
    lxd_string_free(json);
    done();

    step(">>> client.images.get_by_alias(alias)");
    if (lxd_image_get_by_alias(client, alias, &json, NULL, &err)) die("image", err);
    show_field(json, "fingerprint");
    show_field(json, "size");
    lxd_string_free(json);
    done();

    char config[256];
    snprintf(config, sizeof config, "{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, alias);
    step(">>> container = client.containers.create(config, wait=True)");
    printf("     config = %s\n", config);
    lxd_operation *op = NULL;
    if (lxd_instance_create(client, config, &op, &err)) die("create", err);
    printf("     operation %s started\n", lxd_operation_id(op));
    if (lxd_operation_wait(op, 120000, &err)) die("create wait", err);
    lxd_operation_free(op);
    done();

    step(">>> container.start(wait=True)");
    if (lxd_instance_start(client, name, NULL, &err)) die("start", err);
    if (lxd_instance_state(client, name, &json, &err)) die("state", err);
    show_field(json, "status");
    show_field(json, "pid");
    show_field(json, "processes");
    lxd_string_free(json);
    done();

    step(">>> container.freeze(wait=True); container.unfreeze(wait=True)");
    if (lxd_instance_freeze(client, name, NULL, &err)) die("freeze", err);
    if (lxd_instance_get(client, name, &json, NULL, &err)) die("get", err);
    show_field(json, "status");
    lxd_string_free(json);
    if (lxd_instance_unfreeze(client, name, NULL, &err)) die("unfreeze", err);
    if (lxd_instance_get(client, name, &json, NULL, &err)) die("get", err);
    show_field(json, "status");
    lxd_string_free(json);
    done();

    step(">>> container.config['user.demo'] = 'yes'; container.save(wait=True)   # PUT with ETag");
    if (lxd_instance_patch(client, name, "{\"config\":{\"user.demo\":\"yes\"}}", NULL, NULL, &err)) die("patch", err);
    if (lxd_instance_get(client, name, &json, &etag, &err)) die("get", err);
    printf("     etag = %s\n", etag);
    show_field(json, "user.demo");
    lxd_string_free(json);
    lxd_string_free(etag);
    done();

    step(">>> snapshot = container.snapshots.create('snap0', wait=True)");
    if (lxd_snapshot_create(client, name, "snap0", false, NULL, &err)) die("snapshot", err);
    if (lxd_snapshot_list(client, name, 0, &json, &err)) die("snapshots", err);
    printf("     snapshots = %s\n", json);
    lxd_string_free(json);
    done();

    step(">>> snapshot.rename('backup-snapshot', wait=True)");
    if (lxd_snapshot_rename(client, name, "snap0", "backup-snapshot", NULL, &err)) die("snapshot rename", err);
    if (lxd_snapshot_get(client, name, "backup-snapshot", &json, NULL, &err)) die("snapshot get", err);
    show_field(json, "name");
    show_field(json, "created_at");
    lxd_string_free(json);
    done();

    step(">>> container.stop(wait=True); container.rename(new_name, wait=True)");
    if (lxd_instance_stop(client, name, 5, true, NULL, &err)) die("stop", err);
    if (lxd_instance_rename(client, name, renamed, NULL, &err)) die("rename", err);
    bool exists = true;
    if (lxd_instance_exists(client, name, &exists, &err)) die("exists", err);
    printf("     client.containers.exists('%s') = %s\n", name, exists ? "True" : "False");
    if (lxd_instance_exists(client, renamed, &exists, &err)) die("exists", err);
    printf("     client.containers.exists('%s') = %s\n", renamed, exists ? "True" : "False");
    done();

    step(">>> profile = client.profiles.create(name, config={'security.nesting': 'true'})");
    char pjson[256];
    snprintf(pjson, sizeof pjson, "{\"name\":\"%s\",\"config\":{\"security.nesting\":\"true\"},\"devices\":{}}", profile);
    if (lxd_profile_create(client, pjson, &err)) die("profile create", err);
    if (lxd_profile_get(client, profile, &json, &etag, &err)) die("profile get", err);
    printf("     %s\n", json);
    lxd_string_free(json);
    if (lxd_profile_update(client, profile, "{\"description\":\"made by the demo\",\"config\":{\"security.nesting\":\"false\"},\"devices\":{}}", etag, &err)) die("profile save", err);
    lxd_string_free(etag);
    if (lxd_profile_get(client, profile, &json, NULL, &err)) die("profile get", err);
    show_field(json, "description");
    lxd_string_free(json);
    if (lxd_profile_delete(client, profile, &err)) die("profile delete", err);
    done();

    step(">>> client.networks.all(); client.storage_pools.all()");
    if (lxd_network_list(client, 0, &json, &err)) die("networks", err);
    printf("     networks = %s\n", json);
    lxd_string_free(json);
    if (lxd_storage_pool_list(client, 1, &json, &err)) die("pools", err);
    show_field(json, "name");
    show_field(json, "driver");
    lxd_string_free(json);
    done();

    step(">>> container.delete(wait=True)");
    if (lxd_instance_delete(client, renamed, NULL, &err)) die("delete", err);
    if (lxd_instance_exists(client, renamed, &exists, &err)) die("exists", err);
    printf("     exists after delete = %s\n", exists ? "True" : "False");
    done();

    lxd_client_free(client);
    printf("\ndemo finished: %d steps\n", step_no);
    return 0;
}
