/*
 * Instance snapshots: create (with and without a handle, names with dots and unicode), list
 * (names, objects), get with ETag, update, rename, restore, delete, and LXD's refusals.
 */
#include "test.h"

static void test_snapshots(lxd_client *c, const char *inst) {
    T_SECTION("create, list, get");
    const char *uni = "snap.\xc3\xbc-1"; /* "snap.ü-1": dots and unicode are fine */
    CHECK_OK(lxd_snapshot_create(c, inst, "snap0", false, NULL, ERR));
    lxd_operation *op = NULL;
    CHECK_OK(lxd_snapshot_create(c, inst, uni, false, &op, ERR));
    CHECK(op != NULL);
    t_wait_free(op);
    /* The same name twice: the operation fails. */
    CHECK_ERR(lxd_snapshot_create(c, inst, "snap0", false, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0);
    /* Stateful needs a running instance (and CRIU). */
    lxd_result r = lxd_snapshot_create(c, inst, "stateful0", true, NULL, ERR);
    CHECKF(r == LXD_RESULT_API || r == LXD_RESULT_OPERATION_FAILED, "stateful snapshot of a stopped instance: %s",
           lxd_result_name((int32_t)r));
    t_err_clear();

    char *json = NULL;
    if (CHECK_OK(lxd_snapshot_list(c, inst, 0, &json, ERR))) {
        CHECK(t_json_array_len(json) == 2);
        CHECK_HAS(json, "\"snap0\""); /* bare names, not URLs */
        char *q = t_fmt("\"%s\"", uni);
        CHECK_HAS(json, q);
        free(q);
        CHECK_LACKS(json, "/1.0/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_snapshot_list(c, inst, 1, &json, ERR))) {
        CHECK(t_json_array_len(json) == 2);
        CHECK_HAS(json, "\"name\":\"snap0\"");
        CHECK_HAS(json, "\"created_at\":\"");
    }
    lxd_string_free(json);
    json = NULL;
    /* No name (NULL or ""): LXD picks the next free snapN (snap0 is taken: snap1, then snap2). */
    CHECK_OK(lxd_snapshot_create(c, inst, NULL, false, NULL, ERR));
    CHECK_OK(lxd_snapshot_create(c, inst, "", false, NULL, ERR));
    if (CHECK_OK(lxd_snapshot_list(c, inst, 0, &json, ERR))) {
        CHECK(t_json_array_len(json) == 4);
        CHECK_HAS(json, "\"snap1\"");
        CHECK_HAS(json, "\"snap2\"");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_OK(lxd_snapshot_delete(c, inst, "snap1", NULL, ERR));
    CHECK_OK(lxd_snapshot_delete(c, inst, "snap2", NULL, ERR));
    char *etag = NULL;
    if (CHECK_OK(lxd_snapshot_get(c, inst, "snap0", &json, &etag, ERR))) {
        CHECK_HAS(json, "\"name\":\"snap0\"");
        CHECK_HAS(json, "\"user.ct\":\"before\"");
        CHECK_HAS(json, "\"stateful\":false");
        CHECK(etag != NULL && etag[0] != '\0');
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_snapshot_get(c, inst, uni, &json, NULL, ERR))) {
        char *frag = t_fmt("\"name\":\"%s\"", uni);
        CHECK_HAS(json, frag);
        free(frag);
    }
    lxd_string_free(json);
    json = NULL;

    T_SECTION("update with ETag");
    op = NULL;
    CHECK_OK(lxd_snapshot_update(c, inst, "snap0", "{\"expires_at\":\"2099-01-02T03:04:05Z\"}", etag, &op, ERR));
    t_wait_free(op);
    char *etag2 = NULL;
    if (CHECK_OK(lxd_snapshot_get(c, inst, "snap0", &json, &etag2, ERR)))
        CHECK_HAS(json, "\"expires_at\":\"2099-01-02T03:04:05Z\"");
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && etag && strcmp(etag, etag2) != 0);
    CHECK_ERR(lxd_snapshot_update(c, inst, "snap0", "{\"expires_at\":\"2098-01-01T00:00:00Z\"}", etag, NULL, ERR),
              LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_OK(lxd_snapshot_update(c, inst, "snap0", "{\"expires_at\":\"2098-01-01T00:00:00Z\"}", NULL, NULL, ERR));
    if (CHECK_OK(lxd_snapshot_get(c, inst, "snap0", &json, NULL, ERR)))
        CHECK_HAS(json, "\"expires_at\":\"2098-01-01T00:00:00Z\"");
    lxd_string_free(json);
    json = NULL;
    lxd_string_free(etag);
    lxd_string_free(etag2);

    T_SECTION("rename");
    op = NULL;
    CHECK_OK(lxd_snapshot_rename(c, inst, uni, "snap1", &op, ERR));
    t_wait_free(op);
    CHECK_ERR(lxd_snapshot_get(c, inst, uni, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_snapshot_get(c, inst, "snap1", &json, NULL, ERR)))
        CHECK_HAS(json, "\"name\":\"snap1\"");
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR_MSG(lxd_snapshot_rename(c, inst, "snap1", "snap0", NULL, ERR), LXD_RESULT_CONFLICT, 409, "already in use");
    CHECK_ERR(lxd_snapshot_rename(c, inst, "ct-missing", "snap9", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);

    T_SECTION("restore");
    /* snap0 holds user.ct=before; change the instance, then restore. */
    CHECK_OK(lxd_instance_patch(c, inst, "{\"config\":{\"user.ct\":\"after\",\"user.extra\":\"x\"}}", NULL, NULL, ERR));
    if (CHECK_OK(lxd_instance_get(c, inst, &json, NULL, ERR)))
        CHECK_HAS(json, "\"user.ct\":\"after\"");
    lxd_string_free(json);
    json = NULL;
    op = NULL;
    CHECK_OK(lxd_snapshot_restore(c, inst, "snap0", false, &op, ERR));
    t_wait_free(op);
    if (CHECK_OK(lxd_instance_get(c, inst, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"user.ct\":\"before\"");
        CHECK_LACKS(json, "user.extra");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_OK(lxd_snapshot_restore(c, inst, "snap1", false, NULL, ERR));
    /* LXD checks the snapshot inside the operation (and so does Incus). */
    CHECK_ERR_MSG(lxd_snapshot_restore(c, inst, "ct-missing", false, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0, "does not exist");
    r = lxd_snapshot_restore(c, inst, "snap0", true, NULL, ERR); /* not a stateful snapshot */
    CHECKF(r != LXD_RESULT_OK, "stateful restore of a stateless snapshot: %s", lxd_result_name((int32_t)r));
    t_err_clear();

    T_SECTION("delete");
    op = NULL;
    CHECK_OK(lxd_snapshot_delete(c, inst, "snap1", &op, ERR));
    t_wait_free(op);
    CHECK_OK(lxd_snapshot_delete(c, inst, "snap0", NULL, ERR));
    CHECK_ERR(lxd_snapshot_get(c, inst, "snap0", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_snapshot_delete(c, inst, "snap0", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_snapshot_list(c, inst, 0, &json, ERR)))
        CHECK(strcmp(json, "[]") == 0);
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_snapshot_list(c, inst, 1, &json, ERR)))
        CHECK(strcmp(json, "[]") == 0);
    lxd_string_free(json);
    json = NULL;

    T_SECTION("missing instance, refused names");
    /* LXD 5.0: 404; Incus 6.0 lists no snapshots of a missing instance. */
    if (t_is_incus()) {
        if (CHECK_OK(lxd_snapshot_list(c, "ct-no-such-instance", 0, &json, ERR)))
            CHECK(strcmp(json, "[]") == 0);
        lxd_string_free(json);
        json = NULL;
    } else {
        CHECK_ERR(lxd_snapshot_list(c, "ct-no-such-instance", 0, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    }
    CHECK_ERR(lxd_snapshot_create(c, "ct-no-such-instance", "s", false, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_snapshot_get(c, "ct-no-such-instance", "s", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_INVALID(lxd_snapshot_create(c, inst, "with space", false, NULL, ERR));
    CHECK_INVALID(lxd_snapshot_create(c, inst, "a/b", false, NULL, ERR));
    CHECK_INVALID(lxd_snapshot_get(c, inst, "..", &json, NULL, ERR));
    CHECK(json == NULL);
}

int main(void) {
    t_begin("snapshots");
    lxd_client *c = t_unix_client();
    char inst[40];
    t_unique(inst, sizeof inst, "ct-snap");
    char *create = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"},\"config\":{\"user.ct\":\"before\"}}", inst,
                         t_env("IMAGE_ALIAS"));
    if (CHECK_OK(lxd_instance_create(c, create, NULL, ERR)))
        test_snapshots(c, inst);
    free(create);
    t_instance_cleanup(c, inst);
    lxd_client_free(c);
    return t_end();
}
