/* The attached instance console (lxd_console_*) against a real container: what the container
 * writes to /dev/console arrives, what we type is read from /dev/console inside, resize, read
 * timeout, close from another thread wakes a blocked read, a stopped instance is refused. */
#include "test.h"

#include <pthread.h>

static lxd_client *c;
static char inst[64];

/* Read from the console until `marker` shows up (or `secs` pass); true if it did. */
static bool read_until(lxd_console *con, const char *marker, double secs) {
    char acc[16384];
    size_t have = 0;
    double end = t_now() + secs;
    while (t_now() < end) {
        uint8_t buf[4096];
        size_t n = 0;
        lxd_error *e = NULL;
        lxd_result r = lxd_console_read(con, buf, sizeof buf, 200, &n, &e);
        lxd_error_free(e);
        if (r == LXD_RESULT_TIMEOUT)
            continue;
        if (r != LXD_RESULT_OK || n == 0)
            return false;
        if (have + n >= sizeof acc) {
            size_t keep = sizeof acc / 2;
            memmove(acc, acc + have - keep, keep);
            have = keep;
        }
        memcpy(acc + have, buf, n);
        have += n;
        acc[have] = 0;
        if (strstr(acc, marker))
            return true;
    }
    return false;
}

static void sh(const char *script);

/* LXD hooks the console up asynchronously after both websockets connect: what the container
 * writes before that is not mirrored. Write the marker until it shows (at most 10 tries). */
static bool echo_until_seen(lxd_console *con, const char *marker) {
    char *script = t_fmt("echo %s > /dev/console", marker);
    bool seen = false;
    for (int i = 0; i < 10 && !seen; i++) {
        sh(script);
        seen = read_until(con, marker, 1.5);
    }
    free(script);
    return seen;
}

static void sh(const char *script) {
    const char *argv[] = {"sh", "-c", script};
    int32_t code = -1;
    if (CHECK_OK(lxd_instance_exec(c, inst, argv, 3, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR)))
        CHECKF(code == 0, "%s: exit %d", script, code);
}

struct blocked {
    lxd_console *con;
    lxd_result r;
    double done_at;
};

static void *blocked_read(void *arg) {
    struct blocked *b = arg;
    uint8_t buf[64];
    size_t n = 0;
    lxd_error *e = NULL;
    do {
        lxd_error_free(e);
        e = NULL;
        b->r = lxd_console_read(b->con, buf, sizeof buf, -1, &n, &e);
    } while (b->r == LXD_RESULT_OK && n > 0);
    b->done_at = t_now();
    lxd_error_free(e);
    return NULL;
}

int main(void) {
    t_begin("console");
    c = t_unix_client();
    t_unique(inst, sizeof inst, "console");
    if (!t_instance_create(c, inst, true))
        return t_end();

    T_SECTION("output: the container writes to /dev/console");
    lxd_console *con = NULL;
    if (CHECK_OK(lxd_console_attach(c, inst, 80, 24, &con, ERR))) {
        CHECKF(echo_until_seen(con, "console-marker-out-4711"), "the line written to /dev/console came out of the console");

        T_SECTION("input: what we type is read from /dev/console");
        /* A reader inside, in the background (no websockets), then the keystrokes. */
        char *path = t_fmt("/1.0/instances/%s/exec", inst);
        uint16_t status = 0;
        char *body = NULL;
        lxd_operation *op = NULL;
        if (CHECK_OK(lxd_raw_request(c, "POST", path,
                                     "{\"command\":[\"sh\",\"-c\",\"read -r line < /dev/console; echo \\\"got:$line\\\" > /root/typed\"],"
                                     "\"wait-for-websocket\":false,\"interactive\":false}",
                                     &status, &body, NULL, ERR)) &&
            CHECK(status == 202)) {
            char *opurl = t_json_str(body, "operation");
            if (CHECK(opurl && strrchr(opurl, '/')))
                CHECK_OK(lxd_operation_open(c, strrchr(opurl, '/') + 1, &op, ERR));
            free(opurl);
        }
        lxd_string_free(body);
        free(path);
        t_sleep_ms(700);
        CHECK_OK(lxd_console_write(con, (const uint8_t *)"typed-text-42\r", 14, ERR));
        if (op && CHECK_OK(lxd_operation_wait(op, 15000, ERR))) {
            const char *cat[] = {"cat", "/root/typed"};
            int32_t code = -1;
            uint8_t *out = NULL;
            size_t out_len = 0;
            if (CHECK_OK(lxd_instance_exec(c, inst, cat, 2, NULL, NULL, 0, &code, &out, &out_len, NULL, NULL, ERR)))
                CHECKF(out_len >= 17 && memcmp(out, "got:typed-text-42", 17) == 0, "typed line read inside: %.*s", (int)out_len,
                       out ? (const char *)out : "");
            lxd_bytes_free(out, out_len);
        }
        lxd_operation_free(op);
        /* The terminal echoes what was typed. */
        CHECK(read_until(con, "typed-text-42", 5));

        T_SECTION("resize, timeout, invalid arguments");
        CHECK_OK(lxd_console_resize(con, 120, 40, ERR));
        CHECK_INVALID(lxd_console_resize(con, 0, 40, ERR));
        uint8_t buf[16];
        size_t n = 99;
        /* The terminal may still be echoing (a loaded machine delays it): drain what is pending,
         * then a read with nothing to come times out with its output untouched. */
        lxd_result r = LXD_RESULT_OK;
        double t0 = t_now();
        for (int i = 0; i < 50; i++) {
            n = 99;
            t0 = t_now();
            r = lxd_console_read(con, buf, sizeof buf, 300, &n, NULL);
            if (r != LXD_RESULT_OK)
                break;
        }
        CHECKF(r == LXD_RESULT_TIMEOUT, "an idle console read times out (%s)", lxd_result_name((int32_t)r));
        CHECKF(t_now() - t0 < 3.0, "timeout honoured (%.2f s)", t_now() - t0);
        CHECK(n == 99);
        CHECK_INVALID(lxd_console_read(con, buf, 0, 10, &n, ERR));
        CHECK_INVALID(lxd_console_read(con, NULL, 4, 10, &n, ERR));
        CHECK_INVALID(lxd_console_write(con, NULL, 3, ERR));
        CHECK_OK(lxd_console_write(con, NULL, 0, ERR));

        T_SECTION("close from another thread wakes a blocked read");
        struct blocked b = {.con = con};
        pthread_t th;
        pthread_create(&th, NULL, blocked_read, &b);
        t_sleep_ms(400);
        double tc = t_now();
        lxd_console_close(con);
        pthread_join(th, NULL);
        CHECKF(b.r == LXD_RESULT_CANCELLED, "blocked read after close: %s", lxd_result_name(b.r));
        CHECKF(b.done_at - tc < 2.0, "woken within 2 s (%.2f s)", b.done_at - tc);
        lxd_console_close(con);
        CHECK_ERR(lxd_console_write(con, (const uint8_t *)"x", 1, ERR), LXD_RESULT_CANCELLED, 0);
        CHECK_ERR(lxd_console_read(con, buf, sizeof buf, 10, &n, ERR), LXD_RESULT_CANCELLED, 0);
        lxd_console_free(con);
    }

    T_SECTION("attach again after detaching; the instance kept running");
    con = NULL;

    if (CHECK_OK(lxd_console_attach(c, inst, 0, 0, &con, ERR))) {
        CHECK(echo_until_seen(con, "console-marker-again"));
    }
    lxd_console_free(con);
    char *state = NULL;
    if (CHECK_OK(lxd_instance_state(c, inst, &state, ERR)))
        CHECK_HAS(state, "\"Running\"");
    lxd_string_free(state);

    T_SECTION("refusals");
    lxd_console *none = NULL;
    CHECK_ERR(lxd_console_attach(c, "no-such-instance-x", 80, 24, &none, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(none == NULL);
    CHECK_INVALID(lxd_console_attach(c, "bad/name", 80, 24, &none, ERR));
    CHECK_INVALID(lxd_console_attach(c, inst, 80, 24, NULL, ERR));
    CHECK_INVALID(lxd_console_attach(NULL, inst, 80, 24, &none, ERR));
    CHECK_INVALID(lxd_console_attach(c, T_BAD_UTF8, 80, 24, &none, ERR));
    CHECK_OK(lxd_instance_stop(c, inst, -1, true, NULL, ERR));
    lxd_result r = lxd_console_attach(c, inst, 80, 24, &none, ERR);
    printf("  stopped instance: %s (%s)\n", lxd_result_name(r), t_err ? lxd_error_message(t_err) : "");
    CHECKF(r != LXD_RESULT_OK && none == NULL, "a stopped instance has no console to attach");
    t_err_clear();
    lxd_console_free(none);
    lxd_console_close(NULL);
    lxd_console_free(NULL);

    t_instance_cleanup(c, inst);
    lxd_client_free(c);
    return t_end();
}
