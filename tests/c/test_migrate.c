/*
 * Publishing and moving instances through the C ABI, against two real daemons: publish an
 * instance and a snapshot as images (waiting, and with an operation handle); copy within one
 * server (whole, instance-only with overrides, from a snapshot); copy to the second daemon in pull
 * mode (snapshots come along; from a unix-socket and from an HTTPS source client); move to the
 * second daemon (the source is gone afterwards, the copy starts); failures (running instance,
 * name taken on the target, unreachable source URL) leave no migration operation behind; NULL
 * arguments.
 */
#include "test.h"

static char src[64];

/*
 * The marker's content before and after the snapshot. They differ in size on purpose: LXD 5.0.2
 * migrates a `dir` volume with rsync's quick check (size + mtime in seconds), so a file rewritten
 * with the same size within the same second as the snapshot arrives with the snapshot's content.
 */
#define V1 "v1"
#define V2 "v2: changed after the snapshot"

static bool create_instance(lxd_client *c, const char *name) {
    char *json = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, t_env("IMAGE_ALIAS"));
    bool ok = CHECK_OK(lxd_instance_create(c, json, NULL, ERR));
    free(json);
    return ok;
}

static void delete_instance(lxd_client *c, const char *name) {
    bool there = false;
    if (lxd_instance_exists(c, name, &there, NULL) == LXD_RESULT_OK && there) {
        lxd_instance_stop(c, name, 0, true, NULL, NULL);
        CHECK_OK(lxd_instance_delete(c, name, NULL, ERR));
    }
}

static bool put_marker(lxd_client *c, const char *name, const char *text) {
    return CHECK_OK(lxd_file_push_bytes(c, name, "/root/marker", (const uint8_t *)text, strlen(text), NULL, ERR));
}

/* The marker file's content is `want`. */
static bool marker_is(lxd_client *c, const char *name, const char *want) {
    uint8_t *data = NULL;
    size_t len = 0;
    bool ok = CHECK_OK(lxd_file_pull_bytes(c, name, "/root/marker", 0, &data, &len, NULL, ERR)) &&
              CHECKF(len == strlen(want) && memcmp(data, want, len) == 0, "%s:/root/marker is %s (got %.*s)", name, want, (int)len,
                     data ? (const char *)data : "");
    lxd_bytes_free(data, len);
    return ok;
}

static int snapshot_count(lxd_client *c, const char *name) {
    char *json = NULL;
    int n = -1;
    if (CHECK_OK(lxd_snapshot_list(c, name, 0, &json, ERR)))
        n = t_json_array_len(json);
    lxd_string_free(json);
    return n;
}

static bool instance_exists(lxd_client *c, const char *name) {
    bool there = false;
    CHECK_OK(lxd_instance_exists(c, name, &there, ERR));
    return there;
}

/* Operations on the server that are still running (status below 200) and concern instance `src`
 * (other suites run at the same time on the same daemon: their operations do not count). */
static int running_ops(lxd_client *c);

/* The source's migration operations once a failed copy cancelled them: LXD 5.0 ends a cancelled
 * operation at once; Incus 6.0 shows it "Cancelling" (status 104) for a second or two first. */
static int settled_ops(lxd_client *c, int want) {
    int n = -1;
    for (int i = 0; i < 100; i++) {
        n = running_ops(c);
        if (n == want || !t_is_incus())
            break;
        t_sleep_ms(100);
    }
    return n;
}

static int running_ops(lxd_client *c) {
    char *json = NULL;
    int n = -1;
    char *needle = t_fmt("\"/1.0/instances/%s\"", src);
    if (CHECK_OK(lxd_operation_list(c, &json, ERR))) {
        n = 0;
        for (const char *p = json; (p = strstr(p, "\"id\":\"")) != NULL; p++) {
            const char *next = strstr(p + 1, "\"id\":\"");
            const char *hit = strstr(p, needle);
            if (t_json_int(p, "status_code", 0) < 200 && hit && (!next || hit < next))
                n++;
        }
    }
    free(needle);
    lxd_string_free(json);
    return n;
}

static void test_null_args(lxd_client *a, lxd_client *b) {
    T_SECTION("NULL and invalid arguments");
    char *fp = NULL;
    lxd_operation *op = NULL;
    CHECK_INVALID(lxd_instance_publish(NULL, src, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_instance_publish(a, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_instance_publish(a, src, "[]", NULL, &fp, ERR));
    CHECK_INVALID(lxd_instance_publish(a, src, T_BAD_UTF8, NULL, &fp, ERR));
    CHECK_INVALID(lxd_snapshot_publish(NULL, src, "snap0", NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_snapshot_publish(a, NULL, "snap0", NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_snapshot_publish(a, src, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_snapshot_publish(a, src, "bad snap", NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_instance_copy_local(NULL, src, "x1", NULL, &op, ERR));
    CHECK_INVALID(lxd_instance_copy_local(a, NULL, "x1", NULL, &op, ERR));
    CHECK_INVALID(lxd_instance_copy_local(a, src, NULL, NULL, &op, ERR));
    CHECK_INVALID(lxd_instance_copy_local(a, src, "bad_name", NULL, &op, ERR));
    CHECK_INVALID(lxd_instance_copy_local(a, src, "x1", "{\"name\":\"y\"}", &op, ERR));
    CHECK_INVALID(lxd_instance_copy_local(a, src, "x1", "{\"live\":true}", &op, ERR));
    CHECK_INVALID(lxd_instance_copy_to(NULL, src, b, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_copy_to(a, NULL, b, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_copy_to(a, src, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_copy_to(a, src, b, "bad_name", NULL, ERR));
    CHECK_INVALID(lxd_instance_copy_to(a, src, b, NULL, "{\"source_url\":\"http://insecure\"}", ERR));
    CHECK_INVALID(lxd_instance_migrate_to(NULL, src, b, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_migrate_to(a, NULL, b, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_migrate_to(a, src, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_migrate_to(a, src, b, NULL, "{\"instance_only\":1}", ERR));
    CHECK(fp == NULL && op == NULL);
}

static void test_publish(lxd_client *a) {
    T_SECTION("publish an instance and a snapshot as images");
    char *fp = NULL, *fp2 = NULL;
    if (CHECK_OK(lxd_instance_publish(a, src, "{\"properties\":{\"os\":\"published\"},\"public\":true}", NULL, &fp, ERR))) {
        CHECK(fp && strlen(fp) == 64);
        char *json = NULL;
        if (CHECK_OK(lxd_image_get(a, fp, &json, NULL, ERR))) {
            CHECK_HAS(json, "\"os\":\"published\"");
            CHECK_HAS(json, "\"public\":true");
        }
        lxd_string_free(json);
    }
    /* With an operation handle: the fingerprint is in the operation's metadata once it is done. */
    lxd_operation *op = NULL;
    fp2 = (char *)1;
    if (CHECK_OK(lxd_snapshot_publish(a, src, "snap0", "{\"properties\":{\"os\":\"from-snapshot\"}}", &op, &fp2, ERR))) {
        CHECK(op != NULL && fp2 == NULL);
        char *json = NULL;
        if (CHECK_OK(lxd_operation_wait(op, 120000, ERR)) && CHECK_OK(lxd_operation_json(op, &json, ERR))) {
            fp2 = t_json_str(json, "fingerprint");
            CHECK(fp2 && strlen(fp2) == 64 && (!fp || strcmp(fp, fp2) != 0));
        }
        lxd_string_free(json);
    }
    lxd_operation_free(op);
    if (fp2 && fp2 != (char *)1) {
        char *json = NULL;
        if (CHECK_OK(lxd_image_get(a, fp2, &json, NULL, ERR)))
            CHECK_HAS(json, "\"os\":\"from-snapshot\"");
        lxd_string_free(json);
        CHECK_OK(lxd_image_delete(a, fp2, NULL, ERR));
        free(fp2);
    }
    /* LXD 5.0 looks the snapshot up before starting (404); Incus 6.0 inside the operation. */
    if (t_is_incus())
        CHECK_ERR_MSG(lxd_snapshot_publish(a, src, "no-such-snap", NULL, NULL, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0, "not found");
    else
        CHECK_ERR(lxd_snapshot_publish(a, src, "no-such-snap", NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (fp) {
        CHECK_OK(lxd_image_delete(a, fp, NULL, ERR));
        lxd_string_free(fp);
    }
}

static void test_copy_local(lxd_client *a) {
    T_SECTION("copy within one server: whole, instance-only with overrides, from a snapshot");
    char c1[64], c2[64], c3[64];
    t_unique(c1, sizeof c1, "mig-cp");
    t_unique(c2, sizeof c2, "mig-cp");
    t_unique(c3, sizeof c3, "mig-cp");
    if (CHECK_OK(lxd_instance_copy_local(a, src, c1, NULL, NULL, ERR))) {
        marker_is(a, c1, V2);
        CHECK(snapshot_count(a, c1) == 1);
    }
    lxd_operation *op = NULL;
    if (CHECK_OK(lxd_instance_copy_local(a, src, c2, "{\"instance_only\":true,\"config\":{\"user.note\":\"copied\"}}", &op, ERR))) {
        CHECK(op != NULL);
        CHECK_OK(lxd_operation_wait(op, 120000, ERR));
        CHECK(snapshot_count(a, c2) == 0);
        char *json = NULL;
        if (CHECK_OK(lxd_instance_get(a, c2, &json, NULL, ERR)))
            CHECK_HAS(json, "\"user.note\":\"copied\"");
        lxd_string_free(json);
        marker_is(a, c2, V2);
    }
    lxd_operation_free(op);
    char *from_snap = t_fmt("%s/snap0", src);
    if (CHECK_OK(lxd_instance_copy_local(a, from_snap, c3, NULL, NULL, ERR)))
        marker_is(a, c3, V1);
    free(from_snap);
    /* The name is taken. */
    lxd_result r = lxd_instance_copy_local(a, src, c1, NULL, NULL, ERR);
    CHECKF(r == LXD_RESULT_CONFLICT || r == LXD_RESULT_OPERATION_FAILED || r == LXD_RESULT_API, "copy onto an existing name: %s",
           lxd_result_name((int32_t)r));
    t_err_clear();
    CHECK_ERR(lxd_instance_copy_local(a, "no-such-instance", c2, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    delete_instance(a, c1);
    delete_instance(a, c2);
    delete_instance(a, c3);
}

static void test_copy_remote(lxd_client *a, lxd_client *b) {
    T_SECTION("copy to the second daemon (pull mode), with snapshots; instance-only under another name; from an HTTPS client");
    int ops_before = running_ops(a);
    if (CHECK_OK(lxd_instance_copy_to(a, src, b, NULL, NULL, ERR))) {
        CHECK(instance_exists(b, src));
        marker_is(b, src, V2);
        CHECK(snapshot_count(b, src) == 1);
        char *json = NULL;
        if (CHECK_OK(lxd_snapshot_get(b, src, "snap0", &json, NULL, ERR)))
            CHECK_HAS(json, "\"name\":\"snap0\"");
        lxd_string_free(json);
        /* Restore the copied snapshot on the target: its content came along too. */
        if (CHECK_OK(lxd_snapshot_restore(b, src, "snap0", false, NULL, ERR)))
            marker_is(b, src, V1);
    }
    CHECK(instance_exists(a, src)); /* a copy keeps the source */
    marker_is(a, src, V2);
    CHECK(running_ops(a) == ops_before);

    char other[64];
    t_unique(other, sizeof other, "mig-other");
    if (CHECK_OK(lxd_instance_copy_to(a, src, b, other, "{\"instance_only\":true,\"config\":{\"user.where\":\"b\"}}", ERR))) {
        CHECK(snapshot_count(b, other) == 0);
        marker_is(b, other, V2);
        char *json = NULL;
        if (CHECK_OK(lxd_instance_get(b, other, &json, NULL, ERR)))
            CHECK_HAS(json, "\"user.where\":\"b\"");
        lxd_string_free(json);
    }

    /* The name is taken on the target: the copy fails and the source's migration operation is
     * cancelled, not left waiting. */
    lxd_result r = lxd_instance_copy_to(a, src, b, other, NULL, ERR);
    CHECKF(r != LXD_RESULT_OK && r != LXD_RESULT_INVALID_ARGUMENT, "copy onto a taken name: %s", lxd_result_name((int32_t)r));
    t_err_clear();
    t_sleep_ms(300);
    CHECK(settled_ops(a, ops_before) == ops_before);
    /* A source URL the target cannot reach. */
    char third[64];
    t_unique(third, sizeof third, "mig-third");
    r = lxd_instance_copy_to(a, src, b, third, "{\"source_url\":\"https://127.0.0.1:1\"}", ERR);
    CHECKF(r == LXD_RESULT_OPERATION_FAILED, "unreachable source: %s", lxd_result_name((int32_t)r));
    t_err_clear();
    t_sleep_ms(300);
    CHECK(settled_ops(a, ops_before) == ops_before);
    CHECK(!instance_exists(b, third));

    /* From an HTTPS source client: the target reaches the source at the client's URL. */
    lxd_client *ah = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT_CERT"), t_env("CLIENT_KEY"));
    bool trusted = false;
    if (ah && CHECK_OK(lxd_client_trusted(ah, &trusted, ERR)) && !trusted)
        CHECK_OK(lxd_client_authenticate(ah, t_trust_secret(""), ERR));
    if (ah && CHECK_OK(lxd_instance_copy_to(ah, src, b, third, NULL, ERR))) {
        marker_is(b, third, V2);
        CHECK(snapshot_count(b, third) == 1);
    }
    lxd_client_free(ah);
    delete_instance(b, src);
    delete_instance(b, other);
    delete_instance(b, third);
}

static void test_migrate(lxd_client *a, lxd_client *b) {
    T_SECTION("move to the second daemon: the source is gone, the moved instance starts; a running one is refused");
    char mv[64];
    t_unique(mv, sizeof mv, "mig-move");
    if (!create_instance(a, mv))
        return;
    put_marker(a, mv, "moved");
    CHECK_OK(lxd_snapshot_create(a, mv, "before.move", false, NULL, ERR));
    /* Running: refused before anything happens. */
    if (CHECK_OK(lxd_instance_start(a, mv, NULL, ERR))) {
        CHECK_INVALID(lxd_instance_migrate_to(a, mv, b, NULL, NULL, ERR));
        CHECK(instance_exists(a, mv) && !instance_exists(b, mv));
        CHECK_OK(lxd_instance_stop(a, mv, 0, true, NULL, ERR));
    }
    if (CHECK_OK(lxd_instance_migrate_to(a, mv, b, NULL, NULL, ERR))) {
        CHECK(!instance_exists(a, mv));
        CHECK(instance_exists(b, mv));
        CHECK(snapshot_count(b, mv) == 1);
        marker_is(b, mv, "moved");
        char *json = NULL;
        if (CHECK_OK(lxd_instance_start(b, mv, NULL, ERR)) && CHECK_OK(lxd_instance_get(b, mv, &json, NULL, ERR)))
            CHECK_HAS(json, "\"status\":\"Running\"");
        lxd_string_free(json);
    }
    CHECK_ERR(lxd_instance_migrate_to(a, mv, b, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404); /* already moved */
    delete_instance(a, mv);
    delete_instance(b, mv);
}

int main(void) {
    t_begin("migrate");
    lxd_client *a = t_unix_client(), *b = t_unix_client2();
    t_unique(src, sizeof src, "mig-src");
    if (create_instance(a, src) && put_marker(a, src, V1) && CHECK_OK(lxd_snapshot_create(a, src, "snap0", false, NULL, ERR)) &&
        put_marker(a, src, V2)) {
        test_null_args(a, b);
        test_publish(a);
        test_copy_local(a);
        test_copy_remote(a, b);
        test_migrate(a, b);
    }
    delete_instance(a, src);
    lxd_client_free(a);
    lxd_client_free(b);
    return t_end();
}
