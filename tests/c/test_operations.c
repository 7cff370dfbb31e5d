/*
 * Operations: handles from op_out, id / status code / JSON, list, open by id, refresh, wait with
 * a timeout, interrupt from another thread (a blocked wait returns LXD_RESULT_CANCELLED
 * promptly), cancel of an operation LXD cannot cancel, and a failed operation's error and
 * metadata.
 *
 * Long-running and failing operations come from exec (`sleep 30`, a missing command) started
 * with a raw request, since they need no websocket when `wait-for-websocket` is false.
 */
#include "test.h"

#include <pthread.h>

/* Start `command` (a JSON array) in `instance` without websockets; returns the operation id. */
static char *start_exec(lxd_client *c, const char *instance, const char *command) {
    char *path = t_fmt("/1.0/instances/%s/exec", instance);
    char *body = t_fmt("{\"command\":%s,\"wait-for-websocket\":false,\"interactive\":false,\"record-output\":false}", command);
    uint16_t status = 0;
    char *reply = NULL, *id = NULL;
    if (CHECK_OK(lxd_raw_request(c, "POST", path, body, &status, &reply, NULL, ERR)) && CHECKF(status == 202, "exec answered %u: %s", status, reply))
        id = t_json_str(t_json_find(reply, "metadata"), "id");
    CHECK(id != NULL);
    lxd_string_free(reply);
    free(body);
    free(path);
    return id;
}

struct waiter {
    lxd_operation *op;
    int64_t timeout_ms;
    lxd_result result;
    double returned_at;
    char message[256];
};

static void *wait_thread(void *arg) {
    struct waiter *w = arg;
    lxd_error *e = NULL;
    w->result = lxd_operation_wait(w->op, w->timeout_ms, &e);
    w->returned_at = t_now();
    snprintf(w->message, sizeof w->message, "%s", lxd_error_message(e));
    lxd_error_free(e);
    return NULL;
}

static void test_handles(lxd_client *c, const char *name) {
    T_SECTION("create with op_out: id, status, json, list, open, refresh, wait");
    char *create = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, t_env("IMAGE_ALIAS"));
    lxd_operation *op = NULL;
    if (!CHECK_OK(lxd_instance_create(c, create, &op, ERR)) || !CHECK(op != NULL)) {
        free(create);
        return;
    }
    free(create);
    const char *id = lxd_operation_id(op);
    CHECKF(strlen(id) == 36 && id[8] == '-' && id[13] == '-', "operation id %s is a UUID", id);
    CHECK(lxd_operation_id(op) == id); /* borrowed, stable */
    int32_t sc = lxd_operation_status_code(op);
    CHECKF(sc == 103 || sc == 200, "fresh status code %d", sc);
    char *json = NULL;
    if (CHECK_OK(lxd_operation_json(op, &json, ERR))) {
        char *frag = t_fmt("\"id\":\"%s\"", id);
        CHECK_HAS(json, frag);
        CHECK_HAS(json, "\"class\":\"task\"");
        CHECK_HAS(json, "\"description\":\"Creating instance\"");
        CHECK_HAS(json, name); /* in resources */
        free(frag);
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_INVALID(lxd_operation_json(op, NULL, ERR));
    /* The server lists it (running, or finished within the last seconds). */
    if (CHECK_OK(lxd_operation_list(c, &json, ERR))) {
        char *frag = t_fmt("\"id\":\"%s\"", id);
        CHECK_HAS(json, frag);
        free(frag);
        CHECK(json[0] == '[');
    }
    lxd_string_free(json);
    json = NULL;
    /* A second handle on the same operation. */
    lxd_operation *again = NULL;
    if (CHECK_OK(lxd_operation_open(c, id, &again, ERR))) {
        CHECK(strcmp(lxd_operation_id(again), id) == 0);
        CHECK(again != op);
        CHECK_OK(lxd_operation_refresh(again, ERR));
    }
    CHECK_OK(lxd_operation_wait(op, 60000, ERR));
    CHECK(lxd_operation_status_code(op) == 200);
    if (CHECK_OK(lxd_operation_json(op, &json, ERR)))
        CHECK_HAS(json, "\"status_code\":200");
    lxd_string_free(json);
    json = NULL;
    /* Waiting again on a finished operation returns at once (LXD keeps it ~5 s). */
    double t0 = t_now();
    CHECK_OK(lxd_operation_wait(again, 5000, ERR));
    CHECKF(t_now() - t0 < 3.0, "second wait took %.2fs", t_now() - t0);
    CHECK_OK(lxd_operation_refresh(again, ERR));
    CHECK(lxd_operation_status_code(again) == 200);
    lxd_operation_free(again);
    lxd_operation_free(op);

    T_SECTION("cancel a cancellable operation (a migration source waiting for its target)");
    char *path = t_fmt("/1.0/instances/%s", name);
    uint16_t status = 0;
    char *reply = NULL, *mid = NULL;
    if (CHECK_OK(lxd_raw_request(c, "POST", path, "{\"migration\":true}", &status, &reply, NULL, ERR)) && CHECK(status == 202))
        mid = t_json_str(t_json_find(reply, "metadata"), "id");
    lxd_string_free(reply);
    free(path);
    op = NULL;
    if (mid && CHECK_OK(lxd_operation_open(c, mid, &op, ERR))) {
        if (CHECK_OK(lxd_operation_json(op, &json, ERR))) {
            CHECK_HAS(json, "\"may_cancel\":true");
            CHECK_HAS(json, "\"class\":\"websocket\"");
        }
        lxd_string_free(json);
        json = NULL;
        CHECK_OK(lxd_operation_cancel(op, ERR));
        /* Cancelled on the server: a final state that is no success. */
        CHECK_ERR_MSG(lxd_operation_wait(op, 30000, ERR), LXD_RESULT_OPERATION_FAILED, 0, "Cancelled");
        CHECK(lxd_operation_status_code(op) == 401);
        CHECK_OK(lxd_operation_refresh(op, ERR));
        CHECK(lxd_operation_status_code(op) == 401);
        /* Cancelling a finished operation is refused. */
        lxd_result r = lxd_operation_cancel(op, ERR);
        CHECKF(r == LXD_RESULT_API || r == LXD_RESULT_FORBIDDEN, "second cancel: %s", lxd_result_name((int32_t)r));
        t_err_clear();
    }
    lxd_operation_free(op);
    free(mid);

    /* Start with a handle too, then check the instance really runs. */
    op = NULL;
    if (CHECK_OK(lxd_instance_start(c, name, &op, ERR)) && CHECK(op != NULL)) {
        CHECK_OK(lxd_operation_wait(op, -1, ERR));
        CHECK(lxd_operation_status_code(op) == 200);
    }
    lxd_operation_free(op);
    if (CHECK_OK(lxd_instance_state(c, name, &json, ERR)))
        CHECK_HAS(json, "\"status\":\"Running\"");
    lxd_string_free(json);

    T_SECTION("missing operations");
    op = NULL;
    CHECK_ERR(lxd_operation_open(c, "00000000-0000-0000-0000-000000000000", &op, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(op == NULL);
    CHECK_ERR(lxd_operation_open(c, "not-an-operation", &op, ERR), LXD_RESULT_NOT_FOUND, 404);
}

static void test_long(lxd_client *c, const char *name) {
    T_SECTION("a long operation: wait timeout, cancel refused, interrupt from another thread");
    char *id = start_exec(c, name, "[\"sleep\",\"30\"]");
    if (!id)
        return;
    lxd_operation *op = NULL, *op2 = NULL, *op3 = NULL;
    CHECK_OK(lxd_operation_open(c, id, &op, ERR));
    CHECK_OK(lxd_operation_open(c, id, &op2, ERR));
    CHECK_OK(lxd_operation_open(c, id, &op3, ERR));
    if (!op || !op2 || !op3)
        goto out;
    CHECK(lxd_operation_status_code(op) == 103);
    char *json = NULL;
    if (CHECK_OK(lxd_operation_json(op, &json, ERR))) {
        CHECK_HAS(json, "\"may_cancel\":false");
        CHECK_HAS(json, "\"status_code\":103");
    }
    lxd_string_free(json);

    /* Wait with a timeout: LXD_RESULT_TIMEOUT after about that long; the operation goes on. */
    double t0 = t_now();
    CHECK_ERR(lxd_operation_wait(op, 1000, ERR), LXD_RESULT_TIMEOUT, 0);
    double took = t_now() - t0;
    CHECKF(took >= 0.9 && took < 6.0, "wait(1000 ms) returned after %.2fs", took);
    CHECK_OK(lxd_operation_refresh(op, ERR));
    CHECK(lxd_operation_status_code(op) == 103);
    CHECK_ERR(lxd_operation_wait(op, 0, ERR), LXD_RESULT_TIMEOUT, 0);

    /* LXD cannot cancel exec operations. */
    CHECK_ERR_MSG(lxd_operation_cancel(op, ERR), LXD_RESULT_API, 400, "can't be cancelled");
    CHECK_OK(lxd_operation_refresh(op, ERR));
    CHECK(lxd_operation_status_code(op) == 103);

    /* A wait blocked in another thread returns CANCELLED promptly after interrupt. */
    struct waiter w = {.op = op2, .timeout_ms = -1, .result = LXD_RESULT_OK};
    pthread_t th;
    if (CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0)) {
        t_sleep_ms(700);
        double interrupted_at = t_now();
        lxd_operation_interrupt(op2);
        lxd_operation_interrupt(op2); /* idempotent */
        pthread_join(th, NULL);
        CHECKF(w.result == LXD_RESULT_CANCELLED, "blocked wait returned %s: %s", lxd_result_name((int32_t)w.result), w.message);
        double lag = w.returned_at - interrupted_at;
        CHECKF(lag < 5.0, "wait returned %.2fs after the interrupt", lag);
    }
    /* Every later wait on that handle is cancelled at once; other handles are not affected. */
    t0 = t_now();
    CHECK_ERR(lxd_operation_wait(op2, -1, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(t_now() - t0 < 2.0);
    CHECK_OK(lxd_operation_refresh(op2, ERR)); /* the handle still works for reads */
    CHECK(lxd_operation_status_code(op2) == 103);
    /* Interrupt before the wait starts. */
    lxd_operation_interrupt(op3);
    CHECK_ERR(lxd_operation_wait(op3, 30000, ERR), LXD_RESULT_CANCELLED, 0);
    /* A wait with a timeout can be interrupted too. */
    lxd_operation *op4 = NULL;
    if (CHECK_OK(lxd_operation_open(c, id, &op4, ERR))) {
        struct waiter w4 = {.op = op4, .timeout_ms = 60000, .result = LXD_RESULT_OK};
        if (CHECK(pthread_create(&th, NULL, wait_thread, &w4) == 0)) {
            t_sleep_ms(300);
            double at = t_now();
            lxd_operation_interrupt(op4);
            pthread_join(th, NULL);
            CHECK(w4.result == LXD_RESULT_CANCELLED);
            CHECKF(w4.returned_at - at < 5.0, "timed wait returned %.2fs after the interrupt", w4.returned_at - at);
        }
        lxd_operation_free(op4);
    }
    /* The operation kept running through all of that; killing the instance ends it. */
    CHECK_OK(lxd_operation_refresh(op, ERR));
    CHECK(lxd_operation_status_code(op) == 103);
    CHECK_OK(lxd_instance_stop(c, name, -1, true, NULL, ERR));
    lxd_result r = lxd_operation_wait(op, 30000, ERR);
    CHECKF(r == LXD_RESULT_OK || r == LXD_RESULT_OPERATION_FAILED, "exec ended with %s", lxd_result_name((int32_t)r));
    t_err_clear();
    CHECK(lxd_operation_status_code(op) >= 200);
    CHECK_OK(lxd_instance_start(c, name, NULL, ERR));
out:
    lxd_operation_free(op);
    lxd_operation_free(op2);
    lxd_operation_free(op3);
    free(id);
}

static void test_failed(lxd_client *c, const char *name) {
    T_SECTION("a failed operation: error code, message, metadata");
    char *id = start_exec(c, name, "[\"ct-no-such-command\"]");
    if (!id)
        return;
    lxd_operation *op = NULL;
    if (CHECK_OK(lxd_operation_open(c, id, &op, ERR))) {
        lxd_error *e = NULL;
        lxd_result r = lxd_operation_wait(op, 30000, &e);
        CHECK(r == LXD_RESULT_OPERATION_FAILED);
        CHECK(lxd_error_code(e) == LXD_RESULT_OPERATION_FAILED);
        CHECKF(t_has(lxd_error_message(e), "Command not found"), "message: %s", lxd_error_message(e));
        const char *meta = lxd_error_operation_metadata(e);
        CHECK_HAS(meta, "\"return\":127");
        lxd_error_free(e);
        CHECK(lxd_operation_status_code(op) == 400);
        char *json = NULL;
        if (CHECK_OK(lxd_operation_json(op, &json, ERR))) {
            CHECK_HAS(json, "\"status_code\":400");
            CHECK_HAS(json, "\"return\":127");
        }
        lxd_string_free(json);
    }
    lxd_operation_free(op);
    free(id);

    /* A failure reported through op_out NULL: the call itself fails the same way. */
    char *dup = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, t_env("IMAGE_ALIAS"));
    lxd_error *e = NULL;
    CHECK(lxd_instance_create(c, dup, NULL, &e) == LXD_RESULT_OPERATION_FAILED);
    /* The name is taken: LXD 5.0 says "already exists"; Incus 6.0 fails in its database. */
    const char *taken = t_is_incus() ? "UNIQUE constraint failed" : "already exists";
    CHECKF(t_has(lxd_error_message(e), taken), "message: %s", lxd_error_message(e));
    CHECK(lxd_error_operation_metadata(e) != NULL);
    lxd_error_free(e);
    /* And through a handle. */
    op = NULL;
    if (CHECK_OK(lxd_instance_create(c, dup, &op, ERR)) && CHECK(op != NULL)) {
        CHECK_ERR_MSG(lxd_operation_wait(op, 30000, ERR), LXD_RESULT_OPERATION_FAILED, 0, taken);
        CHECK(lxd_operation_status_code(op) == 400);
    }
    lxd_operation_free(op);
    free(dup);
}

int main(void) {
    t_begin("operations");
    lxd_client *c = t_unix_client();
    char name[40];
    t_unique(name, sizeof name, "ct-op");
    test_handles(c, name);
    test_long(c, name);
    test_failed(c, name);
    t_instance_cleanup(c, name);
    bool exists = true;
    CHECK_OK(lxd_instance_exists(c, name, &exists, ERR));
    CHECK(!exists);
    lxd_client_free(c);
    return t_end();
}
