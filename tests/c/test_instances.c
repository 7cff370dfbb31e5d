/*
 * Instances, the full lifecycle against the real daemon: create from the busybox image, get /
 * list / exists / state, start, freeze, unfreeze, restart, stop with force, set_state, update
 * (PUT) with a fresh and a stale ETag, patch, rename, delete; and what LXD answers for names it
 * does not know, names it refuses, and actions that make no sense in the current state.
 */
#include "test.h"

static char *get_json(lxd_client *c, const char *name, char **etag) {
    char *json = NULL;
    if (!CHECK_OK(lxd_instance_get(c, name, &json, etag, ERR)))
        return NULL;
    return json;
}

static bool status_is(lxd_client *c, const char *name, const char *status) {
    char *json = NULL;
    bool ok = false;
    if (CHECK_OK(lxd_instance_state(c, name, &json, ERR))) {
        char *want = t_fmt("\"status\":\"%s\"", status);
        ok = CHECK_HAS(json, want);
        free(want);
    }
    lxd_string_free(json);
    return ok;
}

static long pid_of(lxd_client *c, const char *name) {
    char *json = NULL;
    long pid = -1;
    if (CHECK_OK(lxd_instance_state(c, name, &json, ERR)))
        pid = t_json_int(json, "pid", -1);
    lxd_string_free(json);
    return pid;
}

static void test_create_and_read(lxd_client *c, const char *name) {
    T_SECTION("create, exists, get, list, state");
    char *create = t_fmt("{\"name\":\"%s\",\"description\":\"\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"},"
                         "\"config\":{\"user.ct\":\"1\"}}",
                         name, t_env("IMAGE_ALIAS"));
    CHECK_OK(lxd_instance_create(c, create, NULL, ERR));
    free(create);
    bool exists = false;
    CHECK_OK(lxd_instance_exists(c, name, &exists, ERR));
    CHECK(exists);
    char *etag = NULL;
    char *json = get_json(c, name, &etag);
    char *frag = t_fmt("\"name\":\"%s\"", name);
    CHECK_HAS(json, frag);
    CHECK_HAS(json, "\"status\":\"Stopped\"");
    CHECK_HAS(json, "\"type\":\"container\"");
    CHECK_HAS(json, "\"user.ct\":\"1\"");
    CHECK_HAS(json, "\"profiles\":[\"default\"]");
    CHECK_HAS(json, "\"expanded_devices\":{\"root\":");
    CHECK(etag != NULL && etag[0] != '\0');
    lxd_string_free(json);
    lxd_string_free(etag);
    json = NULL;
    CHECK_OK(lxd_instance_get(c, name, &json, NULL, ERR)); /* etag_out may be NULL */
    lxd_string_free(json);
    json = NULL; /* outputs are written only on success: never free a stale pointer twice */

    char *quoted = t_fmt("\"%s\"", name);
    if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR))) {
        CHECK(json[0] == '[');
        CHECK_HAS(json, quoted); /* a bare name, not a URL */
        CHECK_LACKS(json, "/1.0/instances/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_instance_list(c, 1, &json, ERR))) {
        CHECK_HAS(json, frag);
        CHECK_HAS(json, "\"user.ct\":\"1\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_instance_list(c, 2, &json, ERR))) {
        CHECK_HAS(json, frag);
        CHECK_HAS(json, "\"state\":{"); /* recursion 2 adds the state */
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_instance_list(c, -5, &json, ERR))) /* <= 0: names */
        CHECK_HAS(json, quoted);
    lxd_string_free(json);
    free(quoted);
    free(frag);
    status_is(c, name, "Stopped");
}

static void test_states(lxd_client *c, const char *name) {
    T_SECTION("start, freeze, unfreeze, restart, stop");
    CHECK_OK(lxd_instance_start(c, name, NULL, ERR));
    status_is(c, name, "Running");
    long pid = pid_of(c, name);
    CHECKF(pid > 1, "running pid %ld", pid);
    /* Starting a running instance: the operation fails. */
    CHECK_ERR_MSG(lxd_instance_start(c, name, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0, "already running");

    lxd_operation *op = NULL;
    CHECK_OK(lxd_instance_freeze(c, name, &op, ERR));
    t_wait_free(op);
    status_is(c, name, "Frozen");
    char *json = get_json(c, name, NULL);
    CHECK_HAS(json, "\"status\":\"Frozen\"");
    lxd_string_free(json);
    CHECK_OK(lxd_instance_unfreeze(c, name, NULL, ERR));
    status_is(c, name, "Running");

    CHECK_OK(lxd_instance_restart(c, name, -1, true, NULL, ERR));
    status_is(c, name, "Running");
    long pid2 = pid_of(c, name);
    CHECKF(pid2 > 1 && pid2 != pid, "restart gave a new init: %ld -> %ld", pid, pid2);

    op = NULL;
    CHECK_OK(lxd_instance_stop(c, name, -1, true, &op, ERR));
    CHECK(op != NULL);
    t_wait_free(op);
    status_is(c, name, "Stopped");
    CHECK(pid_of(c, name) <= 0);
    CHECK_ERR_MSG(lxd_instance_stop(c, name, -1, true, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0, "already stopped");
    CHECK_ERR(lxd_instance_freeze(c, name, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0);

    T_SECTION("set_state");
    CHECK_OK(lxd_instance_set_state(c, name, "start", -1, false, false, NULL, ERR));
    status_is(c, name, "Running");
    CHECK_OK(lxd_instance_set_state(c, name, "freeze", -1, false, false, NULL, ERR));
    status_is(c, name, "Frozen");
    CHECK_OK(lxd_instance_set_state(c, name, "unfreeze", -1, false, false, NULL, ERR));
    op = NULL;
    CHECK_OK(lxd_instance_set_state(c, name, "restart", 5, true, false, &op, ERR));
    t_wait_free(op);
    status_is(c, name, "Running");
    /* Stateful stop needs CRIU, which is not installed: refused, and the instance keeps running. */
    lxd_result r = lxd_instance_set_state(c, name, "stop", -1, false, true, NULL, ERR);
    CHECKF(r == LXD_RESULT_API || r == LXD_RESULT_OPERATION_FAILED, "stateful stop gave %s", lxd_result_name((int32_t)r));
    t_err_clear();
    status_is(c, name, "Running");
    CHECK_OK(lxd_instance_set_state(c, name, "stop", -1, true, false, NULL, ERR));
    status_is(c, name, "Stopped");
}

static void test_update_patch(lxd_client *c, const char *name) {
    T_SECTION("update (PUT) and patch with ETags");
    char *etag = NULL;
    char *json = get_json(c, name, &etag);
    /* LXD's instance ETag covers architecture, config, devices, ephemeral and profiles (not the
     * description): change a config key too. */
    char *step = t_replace(json, "\"description\":\"\"", "\"description\":\"ct updated\"");
    char *updated = t_replace(step, "\"user.ct\":\"1\"", "\"user.ct\":\"2\"");
    free(step);
    if (!CHECKF(updated != NULL, "no empty description or user.ct in %s", json ? json : "")) {
        lxd_string_free(json);
        lxd_string_free(etag);
        return;
    }
    /* The JSON from get goes straight back (read-only fields are ignored by LXD). */
    CHECK_OK(lxd_instance_update(c, name, updated, etag, NULL, ERR));
    char *etag2 = NULL;
    char *now = get_json(c, name, &etag2);
    CHECK_HAS(now, "\"description\":\"ct updated\"");
    CHECK_HAS(now, "\"user.ct\":\"2\"");
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    lxd_string_free(now);
    /* The first ETag is stale now. */
    CHECK_ERR(lxd_instance_update(c, name, json, etag, NULL, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_instance_patch(c, name, "{\"description\":\"stale\"}", etag, NULL, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    now = get_json(c, name, NULL);
    CHECK_HAS(now, "\"description\":\"ct updated\"");
    lxd_string_free(now);

    /* PATCH merges config; with the current ETag, through a handle. */
    lxd_operation *op = NULL;
    CHECK_OK(lxd_instance_patch(c, name, "{\"config\":{\"user.patched\":\"yes\"}}", etag2, &op, ERR));
    t_wait_free(op);
    char *etag3 = NULL;
    now = get_json(c, name, &etag3);
    CHECK_HAS(now, "\"user.patched\":\"yes\"");
    CHECK_HAS(now, "\"user.ct\":\"2\"");
    /* (LXD 5.0.2 clears an instance's description on a PATCH that does not carry one.) */
    CHECK(etag3 && strcmp(etag3, etag2) != 0);
    /* PUT replaces: the original JSON (without user.patched), no ETag, through a handle. */
    op = NULL;
    CHECK_OK(lxd_instance_update(c, name, json, NULL, &op, ERR));
    t_wait_free(op);
    lxd_string_free(now);
    now = get_json(c, name, NULL);
    CHECK_LACKS(now, "user.patched");
    CHECK_HAS(now, "\"user.ct\":\"1\"");
    CHECK_HAS(now, "\"description\":\"\"");
    lxd_string_free(now);
    /* LXD validates the content. */
    CHECK_ERR_MSG(lxd_instance_patch(c, name, "{\"config\":{\"limits.memory\":\"lots\"}}", NULL, NULL, ERR), LXD_RESULT_API, 500,
                  "Invalid config");
    CHECK_ERR(lxd_instance_patch(c, name, "{\"profiles\":[\"ct-no-such-profile\"]}", NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    lxd_string_free(json);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    lxd_string_free(etag3);
    free(updated);
}

static void test_rename_delete(lxd_client *c, const char *name, const char *other) {
    T_SECTION("rename, delete");
    /* A running instance cannot be renamed or deleted. */
    CHECK_OK(lxd_instance_start(c, name, NULL, ERR));
    CHECK_ERR(lxd_instance_rename(c, name, other, NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0);
    CHECK_ERR_MSG(lxd_instance_delete(c, name, NULL, ERR), LXD_RESULT_API, 400, "running");
    CHECK_OK(lxd_instance_stop(c, name, -1, true, NULL, ERR));

    lxd_operation *op = NULL;
    CHECK_OK(lxd_instance_rename(c, name, other, &op, ERR));
    t_wait_free(op);
    bool exists = true;
    CHECK_OK(lxd_instance_exists(c, name, &exists, ERR));
    CHECK(!exists);
    char *json = NULL;
    CHECK_ERR(lxd_instance_get(c, name, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    json = get_json(c, other, NULL);
    char *frag = t_fmt("\"name\":\"%s\"", other);
    CHECK_HAS(json, frag);
    CHECK_HAS(json, "\"user.ct\":\"1\"");
    free(frag);
    lxd_string_free(json);
    /* Rename back, without a handle. */
    CHECK_OK(lxd_instance_rename(c, other, name, NULL, ERR));
    /* Renaming onto an existing name. */
    t_instance_create(c, other, false);
    CHECK_ERR(lxd_instance_rename(c, name, other, NULL, ERR), LXD_RESULT_CONFLICT, 409);

    op = NULL;
    CHECK_OK(lxd_instance_delete(c, other, &op, ERR));
    t_wait_free(op);
    CHECK_OK(lxd_instance_delete(c, name, NULL, ERR));
    CHECK_OK(lxd_instance_exists(c, name, &exists, ERR));
    CHECK(!exists);
    CHECK_OK(lxd_instance_exists(c, other, &exists, ERR));
    CHECK(!exists);
    json = NULL;
    if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR))) {
        char *quoted = t_fmt("\"%s\"", name);
        CHECK_LACKS(json, quoted);
        free(quoted);
    }
    lxd_string_free(json);
}

static void test_errors(lxd_client *c) {
    T_SECTION("names LXD does not know or refuses");
    const char *missing = "ct-no-such-instance";
    char *json = (char *)"untouched", *etag = (char *)"untouched";
    lxd_operation *op = (lxd_operation *)&json;
    CHECK_ERR_MSG(lxd_instance_get(c, missing, &json, &etag, ERR), LXD_RESULT_NOT_FOUND, 404, "not found");
    CHECK(strcmp(json, "untouched") == 0 && strcmp(etag, "untouched") == 0);
    CHECK_ERR(lxd_instance_state(c, missing, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_start(c, missing, &op, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(op == (lxd_operation *)&json);
    CHECK_ERR(lxd_instance_stop(c, missing, -1, true, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_set_state(c, missing, "freeze", -1, false, false, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_update(c, missing, "{}", NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_patch(c, missing, "{}", NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_rename(c, missing, "ct-other", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_instance_delete(c, missing, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    bool exists = true;
    CHECK_OK(lxd_instance_exists(c, missing, &exists, ERR));
    CHECK(!exists);
    /* Names in a create body are LXD's to check. */
    CHECK_ERR_MSG(lxd_instance_create(c, "{\"name\":\"bad_name\",\"source\":{\"type\":\"none\"}}", NULL, ERR), LXD_RESULT_API, 400,
                  "name");
    CHECK_ERR(lxd_instance_create(c, "{\"name\":\"a/b\",\"source\":{\"type\":\"none\"}}", NULL, ERR), LXD_RESULT_API, 400);
    CHECK_ERR(lxd_instance_create(c, "{\"name\":\"..\",\"source\":{\"type\":\"none\"}}", NULL, ERR), LXD_RESULT_API, 400);
    /* An unknown alias: LXD 5.0 refuses at once (404); Incus 6.0 fails inside the operation. */
    if (t_is_incus())
        CHECK_ERR_MSG(lxd_instance_create(c, "{\"name\":\"ct-x\",\"source\":{\"type\":\"image\",\"alias\":\"ct-no-such-alias\"}}", NULL, ERR),
                      LXD_RESULT_OPERATION_FAILED, 0, "Image not provided");
    else
        CHECK_ERR_MSG(lxd_instance_create(c, "{\"name\":\"ct-x\",\"source\":{\"type\":\"image\",\"alias\":\"ct-no-such-alias\"}}", NULL, ERR),
                      LXD_RESULT_NOT_FOUND, 404, "not found");
    CHECK_ERR(lxd_instance_create(c, "{\"name\":\"ct-x\",\"source\":{\"type\":\"bogus\"}}", NULL, ERR), LXD_RESULT_API, 400);
    /* Names the library refuses before sending anything. */
    CHECK_INVALID(lxd_instance_get(c, "bad_name", &json, NULL, ERR));
    CHECK_INVALID(lxd_instance_get(c, "../1.0", &json, NULL, ERR));
    CHECK_INVALID(lxd_instance_delete(c, "a/b", NULL, ERR));
    CHECK_INVALID(lxd_instance_get(c, "..", &json, NULL, ERR));
}

int main(void) {
    t_begin("instances");
    lxd_client *c = t_unix_client();
    char name[40], other[40];
    t_unique(name, sizeof name, "ct-inst");
    t_unique(other, sizeof other, "ct-inst-renamed");
    test_create_and_read(c, name);
    test_states(c, name);
    test_update_patch(c, name);
    test_rename_delete(c, name, other);
    test_errors(c);
    t_instance_cleanup(c, name);
    t_instance_cleanup(c, other);
    lxd_client_free(c);
    return t_end();
}
