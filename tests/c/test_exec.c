/*
 * exec against a real LXD: buffered, descriptors, callbacks (50 MB each way), exit codes,
 * environment/cwd/user, record-output, interactive pty, cancel, timeout, signals, HTTPS, and
 * every pointer argument NULL.
 *
 * LXD_TEST_EXEC_BENCH=1 also measures exec latency and throughput next to `lxc exec` (run it
 * without valgrind: numbers under valgrind mean nothing).
 */
#include "test.h"

#include <pthread.h>
#include <sys/wait.h>

static char inst[64];

/* ---- helpers ------------------------------------------------------------------------------- */

static const char *ARGV_TRUE[] = {"true"};

/* Buffered exec of `sh -c script`; returns the exit code or -1000 on a library error. */
static int sh(lxd_client *c, const char *script, const char *options, char **out, size_t *out_len, char **err, size_t *err_len) {
    const char *argv[] = {"sh", "-c", script};
    int32_t code = -1000;
    uint8_t *o = NULL, *e = NULL;
    size_t ol = 0, el = 0;
    if (!CHECK_OK(lxd_instance_exec(c, inst, argv, 3, options, NULL, 0, &code, &o, &ol, &e, &el, ERR)))
        return -1000;
    if (out) {
        *out = t_strndup((const char *)(o ? (const char *)o : ""), ol);
        *out_len = ol;
    }
    if (err) {
        *err = t_strndup((const char *)(e ? (const char *)e : ""), el);
        *err_len = el;
    }
    lxd_bytes_free(o, ol);
    lxd_bytes_free(e, el);
    return code;
}

/* A pattern source / checker for the big transfers. */
typedef struct {
    const char *pat; /* repeating pattern (NULL: byte i is i % 251) */
    size_t plen;
    uint64_t pos;    /* bytes produced / checked */
    uint64_t total;  /* bytes to produce (sources) */
    uint64_t bad;    /* mismatches (checkers) */
    uint64_t first_bad;
    int fail_after;  /* >0: return an error once pos passes this many bytes */
} pattern;

static inline uint8_t pat_byte(const pattern *p, uint64_t i) {
    return p->pat ? (uint8_t)p->pat[i % p->plen] : (uint8_t)(i % 251);
}

static int64_t pat_read(void *user, uint8_t *buf, size_t len) {
    pattern *p = user;
    if (p->fail_after > 0 && p->pos >= (uint64_t)p->fail_after)
        return -1;
    uint64_t left = p->total - p->pos;
    size_t n = left < len ? (size_t)left : len;
    for (size_t i = 0; i < n; i++)
        buf[i] = pat_byte(p, p->pos + i);
    p->pos += n;
    return (int64_t)n;
}

static int64_t pat_check(void *user, const uint8_t *buf, size_t len) {
    pattern *p = user;
    if (p->fail_after > 0 && p->pos >= (uint64_t)p->fail_after)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != pat_byte(p, p->pos + i)) {
            if (p->bad == 0)
                p->first_bad = p->pos + i;
            p->bad++;
        }
    }
    p->pos += len;
    return (int64_t)len;
}

/* Partial consumer: takes at most 1000 bytes per call (the library must offer the rest again). */
static int64_t pat_check_partial(void *user, const uint8_t *buf, size_t len) {
    return pat_check(user, buf, len > 1000 ? 1000 : len);
}

/* ---- suites -------------------------------------------------------------------------------- */

static void basics(lxd_client *c) {
    T_SECTION("buffered exec, exit codes, failures");
    char *o = NULL, *e = NULL;
    size_t ol = 0, el = 0;
    CHECK(sh(c, "printf out; printf err >&2; exit 3", NULL, &o, &ol, &e, &el) == 3);
    CHECK(ol == 3 && memcmp(o, "out", 3) == 0);
    CHECK(el == 3 && memcmp(e, "err", 3) == 0);
    free(o);
    free(e);

    struct {
        const char *argv[3];
        size_t argc;
        int32_t want;
        const char *failure;
    } cases[] = {
        {{"true"}, 1, 0, NULL},
        {{"false"}, 1, 1, NULL},
        {{"sh", "-c", "kill -9 $$"}, 3, 137, NULL},
        {{"sh", "-c", "exit 255"}, 3, 255, NULL},
        {{"no-such-command-here"}, 1, 127, "Command not found"},
        {{"/etc/passwd"}, 1, 126, "Command not executable"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t code = -1000;
        CHECK_OK(lxd_instance_exec(c, inst, cases[i].argv, cases[i].argc, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
        CHECKF(code == cases[i].want, "%s: exit code %d, want %d", cases[i].argv[cases[i].argc - 1], code, cases[i].want);
        /* The handle reports LXD's failure text next to the code. */
        lxd_exec *x = NULL;
        char *json = NULL;
        if (CHECK_OK(lxd_exec_new(c, inst, cases[i].argv, cases[i].argc, NULL, &x, ERR)) && CHECK_OK(lxd_exec_run(x, &code, ERR)) &&
            CHECK_OK(lxd_exec_result_json(x, &json, ERR))) {
            CHECK(code == cases[i].want);
            char *want = t_fmt("\"exit_code\":%d", cases[i].want);
            CHECK_HAS(json, want);
            free(want);
            if (cases[i].failure) {
                char *f = t_fmt("\"failure\":\"%s\"", cases[i].failure);
                CHECK_HAS(json, f);
                free(f);
            } else {
                CHECK_HAS(json, "\"failure\":null");
            }
        }
        lxd_string_free(json);
        lxd_exec_free(x);
    }

    /* stdin from memory, bytes not assumed to be text: all 256 values through cat. */
    uint8_t all[256 * 4];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (uint8_t)i;
    const char *cat[] = {"cat"};
    int32_t code = -1;
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (CHECK_OK(lxd_instance_exec(c, inst, cat, 1, NULL, all, sizeof all, &code, &out, &out_len, NULL, NULL, ERR))) {
        CHECK(code == 0);
        CHECK(out_len == sizeof all && memcmp(out, all, sizeof all) == 0);
    }
    lxd_bytes_free(out, out_len);

    /* No output: NULL buffers with length 0. */
    uint8_t *so = (uint8_t *)1, *se = (uint8_t *)1;
    size_t sl = 9, sel = 9;
    if (CHECK_OK(lxd_instance_exec(c, inst, ARGV_TRUE, 1, NULL, NULL, 0, &code, &so, &sl, &se, &sel, ERR)))
        CHECK(so == NULL && sl == 0 && se == NULL && sel == 0);

    /* Missing instance, stopped-instance style errors come from LXD with their status. */
    CHECK_ERR(lxd_instance_exec(c, "no-such-instance-x1", ARGV_TRUE, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
}

static void environment(lxd_client *c) {
    T_SECTION("environment, cwd, user, group");
    char *o = NULL;
    size_t ol = 0;
    const char *opts = "{\"environment\":{\"FOO\":\"bar baz\",\"EMPTY\":\"\"},\"cwd\":\"/tmp\",\"user\":1000,\"group\":1000}";
    CHECK(sh(c, "echo \"$FOO|$EMPTY|${EMPTY+set}\"; pwd; id -u; id -g", opts, &o, &ol, NULL, NULL) == 0);
    CHECKF(o && strcmp(o, "bar baz||set\n/tmp\n1000\n1000\n") == 0, "got %s", o ? o : "(null)");
    free(o);
    CHECK(sh(c, "id -u; echo $HOME; pwd", NULL, &o, &ol, NULL, NULL) == 0);
    CHECKF(o && strcmp(o, "0\n/root\n/root\n") == 0, "defaults: got %s", o ? o : "(null)");
    free(o);
    CHECK(sh(c, "id -u", "{\"user\":65534}", &o, &ol, NULL, NULL) == 0);
    CHECK(o && strcmp(o, "65534\n") == 0);
    free(o);
}

/* MiB per big transfer (LXD_TEST_EXEC_MB, default 50; the ThreadSanitizer run uses less). */
static uint64_t big_mb(void) {
    const char *v = getenv("LXD_TEST_EXEC_MB");
    return v && atoi(v) > 0 ? (uint64_t)atoi(v) : 50;
}

static void big_outputs(lxd_client *c) {
    T_SECTION("50 MB on stdout and 50 MB on stderr at once");
    const uint64_t N = big_mb() * 1024 * 1024;
    pattern out = {.pat = "0123456789abcdef\n", .plen = 17};
    pattern err = {.pat = "ABCDEFGHIJKLMNOPQRSTUVW\n", .plen = 24};
    char *script = t_fmt("(yes 0123456789abcdef | head -c %llu) & yes ABCDEFGHIJKLMNOPQRSTUVW | head -c %llu >&2; wait",
                         (unsigned long long)N, (unsigned long long)N);
    const char *argv[] = {"sh", "-c", script};
    lxd_exec *x = NULL;
    int32_t code = -1;
    double t0 = t_now();
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 3, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdout_cb(x, pat_check, &out, ERR)) &&
        CHECK_OK(lxd_exec_set_stderr_cb(x, pat_check_partial, &err, ERR)) && CHECK_OK(lxd_exec_run(x, &code, ERR))) {
        double dt = t_now() - t0;
        CHECK(code == 0);
        CHECKF(out.pos == N && out.bad == 0, "stdout: %llu bytes, %llu wrong (first at %llu)", (unsigned long long)out.pos,
               (unsigned long long)out.bad, (unsigned long long)out.first_bad);
        CHECKF(err.pos == N && err.bad == 0, "stderr: %llu bytes, %llu wrong (first at %llu)", (unsigned long long)err.pos,
               (unsigned long long)err.bad, (unsigned long long)err.first_bad);
        printf("  info: %llu MB of output in %.2f s\n", (unsigned long long)(2 * N >> 20), dt);
    }
    lxd_exec_free(x);
    free(script);
}

static void big_stdin(lxd_client *c) {
    T_SECTION("50 MB of stdin through cat comes back intact");
    const uint64_t N = big_mb() * 1024 * 1024;
    pattern src = {.total = N};
    pattern chk = {0};
    const char *argv[] = {"cat"};
    lxd_exec *x = NULL;
    int32_t code = -1;
    double t0 = t_now();
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 1, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdin_cb(x, pat_read, &src, ERR)) &&
        CHECK_OK(lxd_exec_set_stdout_cb(x, pat_check, &chk, ERR)) && CHECK_OK(lxd_exec_run(x, &code, ERR))) {
        CHECK(code == 0);
        CHECK(src.pos == N);
        CHECKF(chk.pos == N && chk.bad == 0, "cat: %llu bytes back, %llu wrong", (unsigned long long)chk.pos, (unsigned long long)chk.bad);
        printf("  info: %llu MB in and out in %.2f s\n", (unsigned long long)(N >> 20), t_now() - t0);
    }
    lxd_exec_free(x);

    /* wc-style: the command reads all of stdin before answering (no deadlock, EOF delivered). */
    pattern src2 = {.total = 3 * 1024 * 1024 + 7};
    const char *wc[] = {"sh", "-c", "cat >/dev/null; echo done"};
    char buf[64] = {0};
    int fds[2];
    if (CHECK(pipe(fds) == 0)) {
        x = NULL;
        if (CHECK_OK(lxd_exec_new(c, inst, wc, 3, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdin_cb(x, pat_read, &src2, ERR)) &&
            CHECK_OK(lxd_exec_set_stdout_fd(x, fds[1], ERR)) && CHECK_OK(lxd_exec_run(x, &code, ERR))) {
            CHECK(code == 0);
            ssize_t n = read(fds[0], buf, sizeof buf - 1);
            CHECK(n == 5 && memcmp(buf, "done\n", 5) == 0);
        }
        lxd_exec_free(x);
        close(fds[0]);
        close(fds[1]);
    }
}

static void descriptors(lxd_client *c) {
    T_SECTION("descriptors");
    FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
    if (!CHECK(in && out && err))
        return;
    fputs("line one\nline two\n", in);
    fflush(in);
    rewind(in);
    const char *argv[] = {"sh", "-c", "cat; echo to-stderr >&2; exit 6"};
    int32_t code = -1;
    if (CHECK_OK(lxd_instance_exec_fds(c, inst, argv, 3, NULL, fileno(in), fileno(out), fileno(err), &code, ERR))) {
        CHECK(code == 6);
        char buf[128] = {0};
        rewind(out);
        size_t n = fread(buf, 1, sizeof buf - 1, out);
        CHECK(n == 18 && strcmp(buf, "line one\nline two\n") == 0);
        memset(buf, 0, sizeof buf);
        rewind(err);
        n = fread(buf, 1, sizeof buf - 1, err);
        CHECK(strcmp(buf, "to-stderr\n") == 0);
    }
    fclose(in);
    fclose(out);
    fclose(err);

    /* A stdin pipe that never ends: the command ends first, the read is abandoned, no hang. */
    int p[2];
    if (CHECK(pipe(p) == 0)) {
        const char *echo[] = {"echo", "quick"};
        double t0 = t_now();
        CHECK_OK(lxd_instance_exec_fds(c, inst, echo, 2, NULL, p[0], -1, -1, &code, ERR));
        CHECK(code == 0 && t_now() - t0 < 5);
        close(p[0]);
        close(p[1]);
    }
    /* Output to a closed pipe: an I/O error, not a SIGPIPE that kills us. */
    if (CHECK(pipe(p) == 0)) {
        close(p[0]);
        const char *yes[] = {"sh", "-c", "yes | head -c 1000000"};
        CHECK_ERR(lxd_instance_exec_fds(c, inst, yes, 3, NULL, -1, p[1], -1, &code, ERR), LXD_RESULT_IO, 0);
        close(p[1]);
    }
}

static void record_output(lxd_client *c) {
    T_SECTION("record-output");
    char *o = NULL, *e = NULL;
    size_t ol = 0, el = 0;
    CHECK(sh(c, "echo rec; echo rerr >&2; exit 4", "{\"record-output\":true}", &o, &ol, &e, &el) == 4);
    CHECK(o && strcmp(o, "rec\n") == 0);
    CHECK(e && strcmp(e, "rerr\n") == 0);
    free(o);
    free(e);
    const char *argv[] = {"sh", "-c", "echo x"};
    lxd_exec *x = NULL;
    int32_t code = -1;
    char *json = NULL;
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 3, "{\"record-output\":true}", &x, ERR)) && CHECK_OK(lxd_exec_run(x, &code, ERR)) &&
        CHECK_OK(lxd_exec_result_json(x, &json, ERR))) {
        /* LXD keeps recorded output beside the instance's logs; Incus in logs/exec-output/. */
        char *want = t_fmt("\"1\":\"/1.0/instances/%s/logs/%sexec_", inst, t_is_incus() ? "exec-output/" : "");
        CHECK_HAS(json, want);
        free(want);
        CHECK_HAS(json, ".stderr\"");
    }
    lxd_string_free(json);
    lxd_exec_free(x);
    /* record-output gives the command no stdin. */
    const char *cat[] = {"cat"};
    CHECK_INVALID(lxd_instance_exec(c, inst, cat, 1, "{\"record-output\":true}", (const uint8_t *)"x", 1, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, cat, 1, "{\"record-output\":true,\"interactive\":true}", NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
}

static void back_to_back(lxd_client *c) {
    T_SECTION("200 execs back to back");
    const char *v = getenv("LXD_TEST_EXEC_ROUNDS");
    int rounds = v && atoi(v) > 0 ? atoi(v) : 200;
    int ok = 0;
    double t0 = t_now();
    for (int i = 0; i < rounds; i++) {
        int32_t code = -1;
        uint8_t *o = NULL;
        size_t ol = 0;
        char script[64];
        snprintf(script, sizeof script, "echo %d", i);
        const char *argv[] = {"sh", "-c", script};
        lxd_result r = lxd_instance_exec(c, inst, argv, 3, "{\"timeout_ms\":20000}", NULL, 0, &code, &o, &ol, NULL, NULL, ERR);
        char want[16];
        int wl = snprintf(want, sizeof want, "%d\n", i);
        if (r == LXD_RESULT_OK && code == 0 && ol == (size_t)wl && memcmp(o, want, ol) == 0)
            ok++;
        else
            printf("  exec %d: %s %s\n", i, lxd_result_name((int32_t)r), t_err ? lxd_error_message(t_err) : "");
        t_err_clear();
        lxd_bytes_free(o, ol);
    }
    CHECKF(ok == rounds, "%d of %d execs right", ok, rounds);
    printf("  info: %d execs in %.2f s\n", rounds, t_now() - t0);
}

typedef struct {
    lxd_exec *x;
    lxd_result r;
    int32_t code;
    double ended;
} runner;

static void *run_thread(void *arg) {
    runner *rn = arg;
    lxd_error *e = NULL;
    rn->r = lxd_exec_run(rn->x, &rn->code, &e);
    rn->ended = t_now();
    lxd_error_free(e);
    return NULL;
}

/* How many `sleep 61` processes run in the instance (the image's init keeps a `sleep 3600`). */
static int sleepers(lxd_client *c) {
    char *o = NULL;
    size_t ol = 0;
    int n = -1;
    if (sh(c, "n=0; for p in /proc/[0-9]*; do [ \"$(tr '\\0' ' ' <$p/cmdline 2>/dev/null)\" = 'sleep 61 ' ] && n=$((n+1)); done; echo $n", NULL,
           &o, &ol, NULL, NULL) == 0)
        n = atoi(o);
    free(o);
    return n;
}

/* Output callback that raises a flag on the first bytes. */
static int64_t flag_cb(void *user, const uint8_t *buf, size_t len) {
    (void)buf;
    atomic_store((atomic_int *)user, 1);
    return (int64_t)len;
}

static void cancel_timeout_signal(lxd_client *c) {
    T_SECTION("cancel from another thread, timeout, signal");
    const char *argv[] = {"sleep", "61"};
    runner rn = {0};
    pthread_t th;
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 2, NULL, &rn.x, ERR)) && CHECK(pthread_create(&th, NULL, run_thread, &rn) == 0)) {
        t_sleep_ms(700);
        CHECK(sleepers(c) == 1);
        double t0 = t_now();
        lxd_exec_cancel(rn.x);
        lxd_exec_cancel(rn.x);
        pthread_join(th, NULL);
        CHECKF(rn.r == LXD_RESULT_CANCELLED, "run returned %s", lxd_result_name((int32_t)rn.r));
        CHECKF(rn.ended - t0 < 2.0, "returned %.3f s after the cancel", rn.ended - t0);
        /* LXD killed the command when its control socket closed. */
        int n = -1;
        for (int i = 0; i < 50 && (n = sleepers(c)) != 0; i++)
            t_sleep_ms(100);
        CHECKF(n == 0, "%d sleep processes left after cancel", n);
        /* The handle is spent. */
        int32_t code;
        CHECK_INVALID(lxd_exec_run(rn.x, &code, ERR));
    }
    lxd_exec_free(rn.x);

    /* Cancelled before it starts: nothing runs. */
    lxd_exec *x = NULL;
    int32_t code = -1;
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 2, NULL, &x, ERR))) {
        lxd_exec_cancel(x);
        CHECK_ERR(lxd_exec_run(x, &code, ERR), LXD_RESULT_CANCELLED, 0);
    }
    lxd_exec_free(x);

    /* Timeout. */
    double t0 = t_now();
    CHECK_ERR(lxd_instance_exec(c, inst, argv, 2, "{\"timeout_ms\":600}", NULL, 0, &code, NULL, NULL, NULL, NULL, ERR), LXD_RESULT_TIMEOUT, 0);
    CHECKF(t_now() - t0 < 3.0, "timeout took %.2f s", t_now() - t0);

    /* A signal through the control channel while lxd_exec_run blocks in another thread (sent once
     * the shell said its trap is set). */
    const char *trap[] = {"sh", "-c", "trap 'exit 42' TERM; echo ready; while true; do sleep 0.1; done"};
    runner r2 = {0};
    atomic_int ready = 0;
    if (CHECK_OK(lxd_exec_new(c, inst, trap, 3, NULL, &r2.x, ERR)) && CHECK_OK(lxd_exec_set_stdout_cb(r2.x, flag_cb, &ready, ERR)) &&
        CHECK(pthread_create(&th, NULL, run_thread, &r2) == 0)) {
        for (int i = 0; i < 200 && !atomic_load(&ready); i++)
            t_sleep_ms(25);
        CHECK(atomic_load(&ready));
        CHECK_OK(lxd_exec_signal(r2.x, 15, ERR));
        pthread_join(th, NULL);
        CHECK(r2.r == LXD_RESULT_OK);
        CHECKF(r2.code == 42, "exit code after SIGTERM: %d", r2.code);
    }
    lxd_exec_free(r2.x);
}

/* A client on daemon "a" with an operation deadline. */
static lxd_client *deadline_client(uint64_t ms) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    if (!CHECK_OK(lxd_client_builder_new_unix(t_env("SOCKET"), &b, ERR)) || !CHECK_OK(lxd_client_builder_set_operation_deadline_ms(b, ms, ERR)) ||
        !CHECK_OK(lxd_client_builder_build(b, &c, ERR)))
        c = NULL;
    lxd_client_builder_free(b);
    return c;
}

static void operation_deadline(void) {
    T_SECTION("client operation deadline");
    /* A generous deadline changes nothing: stop, start and execs that wait without a timeout of
     * their own work as before. */
    lxd_client *c = deadline_client(120000);
    if (c) {
        CHECK_OK(lxd_instance_stop(c, inst, -1, true, NULL, ERR));
        CHECK_OK(lxd_instance_start(c, inst, NULL, ERR));
        char *o = NULL;
        size_t ol = 0;
        double t0 = t_now();
        CHECK(sh(c, "sleep 2; echo done", NULL, &o, &ol, NULL, NULL) == 0 && ol == 5 && memcmp(o, "done\n", 5) == 0);
        CHECKF(t_now() - t0 >= 1.9, "a 2 s command ended after %.2f s", t_now() - t0);
        free(o);
        const char *argv[] = {"sh", "-c", "exit 3"};
        lxd_exec *x = NULL;
        int32_t code = -1;
        if (CHECK_OK(lxd_exec_new(c, inst, argv, 3, NULL, &x, ERR)))
            CHECK(CHECK_OK(lxd_exec_run(x, &code, ERR)) && code == 3);
        lxd_exec_free(x);
        lxd_client_free(c);
    }
    /* A short one ends an exec that has no timeout: TIMEOUT at the deadline, and LXD kills the
     * command (its sockets were shut). */
    c = deadline_client(1500);
    if (c) {
        const char *argv[] = {"sleep", "61"};
        int32_t code = -7;
        double t0 = t_now();
        CHECK_ERR(lxd_instance_exec(c, inst, argv, 2, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR), LXD_RESULT_TIMEOUT, 0);
        double dt = t_now() - t0;
        CHECKF(dt >= 1.45 && dt < 4.0, "exec under a 1.5 s deadline ended after %.2f s", dt);
        CHECK(code == -7);
        int n = -1;
        for (int i = 0; i < 50 && (n = sleepers(c)) != 0; i++)
            t_sleep_ms(100);
        CHECKF(n == 0, "%d sleep processes left after the deadline", n);
        /* The exec's own timeout wins over the deadline. */
        t0 = t_now();
        CHECK(sh(c, "sleep 2; echo late", "{\"timeout_ms\":30000}", NULL, NULL, NULL, NULL) == 0);
        CHECKF(t_now() - t0 >= 1.9, "a 2 s command with its own timeout ended after %.2f s", t_now() - t0);
        lxd_client_free(c);
    }
    /* 0: no deadline (the builder accepts it; the normal path works). */
    c = deadline_client(0);
    if (c) {
        CHECK(sh(c, "true", NULL, NULL, NULL, NULL, NULL) == 0);
        lxd_client_free(c);
    }
}

static void callback_failures(lxd_client *c) {
    T_SECTION("failing callbacks");
    pattern src = {.total = 10 * 1024 * 1024, .fail_after = 1024 * 1024};
    const char *cat[] = {"cat"};
    lxd_exec *x = NULL;
    int32_t code;
    if (CHECK_OK(lxd_exec_new(c, inst, cat, 1, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdin_cb(x, pat_read, &src, ERR)))
        CHECK_ERR_MSG(lxd_exec_run(x, &code, ERR), LXD_RESULT_IO, 0, "stdin");
    lxd_exec_free(x);
    pattern chk = {.fail_after = 100000};
    const char *yes[] = {"yes"};
    x = NULL;
    double t0 = t_now();
    if (CHECK_OK(lxd_exec_new(c, inst, yes, 1, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdout_cb(x, pat_check, &chk, ERR)))
        CHECK_ERR_MSG(lxd_exec_run(x, &code, ERR), LXD_RESULT_IO, 0, "stdout");
    CHECK(t_now() - t0 < 10);
    lxd_exec_free(x);
}

/* Read the session's output until `want` shows up (5 s). */
static bool read_until(lxd_exec *x, const char *want, char *acc, size_t cap) {
    size_t len = strlen(acc);
    double end = t_now() + 5;
    while (!strstr(acc, want) && t_now() < end && len + 1 < cap) {
        size_t n = 0;
        lxd_error *e = NULL;
        lxd_result r = lxd_exec_read(x, (uint8_t *)acc + len, cap - len - 1, 1000, &n, &e);
        lxd_error_free(e);
        if (r == LXD_RESULT_TIMEOUT)
            continue;
        if (r != LXD_RESULT_OK || n == 0)
            break;
        len += n;
        acc[len] = '\0';
    }
    return strstr(acc, want) != NULL;
}

static void interactive(lxd_client *c) {
    T_SECTION("interactive pty session");
    const char *argv[] = {"sh"};
    lxd_exec *x = NULL;
    char acc[8192] = {0};
    if (!CHECK_OK(lxd_exec_new(c, inst, argv, 1, "{\"interactive\":true,\"width\":80,\"height\":24}", &x, ERR)) ||
        !CHECK_OK(lxd_exec_start(x, ERR))) {
        lxd_exec_free(x);
        return;
    }
    const char *cmd = "stty size; echo hi-$((40+2))\n";
    CHECK_OK(lxd_exec_write(x, (const uint8_t *)cmd, strlen(cmd), ERR));
    CHECK(read_until(x, "hi-42", acc, sizeof acc));
    CHECK(strstr(acc, "24 80") != NULL);
    /* Once the prompt is out, nothing more: a read times out, and nothing is lost after it. */
    uint8_t b[16];
    size_t n = 0;
    lxd_result r = LXD_RESULT_OK;
    for (int i = 0; i < 50 && r == LXD_RESULT_OK; i++) {
        r = lxd_exec_read(x, b, sizeof b, 300, &n, ERR);
        t_err_clear();
    }
    CHECK(r == LXD_RESULT_TIMEOUT);
    CHECK_OK(lxd_exec_resize(x, 100, 40, ERR));
    int32_t code = -1;
    CHECK_ERR(lxd_exec_wait(x, 200, &code, ERR), LXD_RESULT_TIMEOUT, 0);
    acc[0] = '\0';
    cmd = "stty size; sleep 0.3; exit 5\n";
    CHECK_OK(lxd_exec_write(x, (const uint8_t *)cmd, strlen(cmd), ERR));
    CHECK_OK(lxd_exec_wait(x, 10000, &code, ERR));
    CHECK(code == 5);
    /* The output that wait drained is still readable, then the end. */
    CHECK(read_until(x, "40 100", acc, sizeof acc));
    do {
        r = lxd_exec_read(x, b, sizeof b, 2000, &n, ERR);
        t_err_clear();
    } while (r == LXD_RESULT_OK && n > 0);
    CHECK(r == LXD_RESULT_OK && n == 0);
    CHECK_OK(lxd_exec_wait(x, 0, &code, ERR));
    CHECK(code == 5);
    lxd_exec_free(x);

    /* Freeing a running session kills its command. */
    const char *sl[] = {"sleep", "61"};
    x = NULL;
    if (CHECK_OK(lxd_exec_new(c, inst, sl, 2, "{\"interactive\":true}", &x, ERR)) && CHECK_OK(lxd_exec_start(x, ERR))) {
        t_sleep_ms(300);
        CHECK(sleepers(c) == 1);
        lxd_exec_free(x);
        int left = -1;
        for (int i = 0; i < 50 && (left = sleepers(c)) != 0; i++)
            t_sleep_ms(100);
        CHECKF(left == 0, "%d sleep processes left after free", left);
    } else {
        lxd_exec_free(x);
    }

    /* Interactive through lxd_exec_run: the pty's output to stdout. */
    char *o = NULL;
    size_t ol = 0;
    CHECK(sh(c, "tty >/dev/null && echo is-a-tty; sleep 0.2", "{\"interactive\":true}", &o, &ol, NULL, NULL) == 0);
    CHECK(o && strstr(o, "is-a-tty") != NULL);
    free(o);
}

/* stdin through cat, and stderr, over TLS, checked byte for byte. */
static void tls_round(lxd_client *t, uint64_t n) {
    pattern src = {.total = n}, chk = {0};
    pattern err = {.pat = "e\n", .plen = 2};
    const char *argv[] = {"sh", "-c", "cat; yes e | head -c 1000000 >&2; exit 9"};
    lxd_exec *x = NULL;
    int32_t code = -1;
    if (CHECK_OK(lxd_exec_new(t, inst, argv, 3, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdin_cb(x, pat_read, &src, ERR)) &&
        CHECK_OK(lxd_exec_set_stdout_cb(x, pat_check, &chk, ERR)) && CHECK_OK(lxd_exec_set_stderr_cb(x, pat_check, &err, ERR)) &&
        CHECK_OK(lxd_exec_run(x, &code, ERR))) {
        CHECK(code == 9);
        CHECKF(chk.pos == n && chk.bad == 0, "stdout over TLS: %llu bytes, %llu wrong", (unsigned long long)chk.pos, (unsigned long long)chk.bad);
        CHECKF(err.pos == 1000000 && err.bad == 0, "stderr over TLS: %llu bytes, %llu wrong (first at %llu)", (unsigned long long)err.pos,
               (unsigned long long)err.bad, (unsigned long long)err.first_bad);
    }
    lxd_exec_free(x);
}

static void https(void) {
    T_SECTION("exec over HTTPS");
    lxd_client *t = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT_CERT"), t_env("CLIENT_KEY"));
    if (!t)
        return;
    bool trusted = false;
    CHECK_OK(lxd_client_trusted(t, &trusted, ERR));
    if (!trusted)
        CHECK_OK(lxd_client_authenticate(t, t_trust_secret(""), ERR));
    CHECK_OK(lxd_client_trusted(t, &trusted, ERR));
    CHECK(trusted);
    /* Several rounds: a lost tail (the last records before LXD closes) would show up now and then. */
    int32_t code = -1;
    for (int round = 0; round < 6; round++)
        tls_round(t, round == 0 ? 8ull * 1024 * 1024 : 300000);
    char *o = NULL;
    uint8_t *ob = NULL;
    size_t ol = 0;
    const char *pty[] = {"sh", "-c", "tty >/dev/null && echo tls-pty; sleep 0.2"};
    if (CHECK_OK(lxd_instance_exec(t, inst, pty, 3, "{\"interactive\":true}", NULL, 0, &code, &ob, &ol, NULL, NULL, ERR))) {
        o = t_strndup((const char *)(ob ? (const char *)ob : ""), ol);
        CHECK(code == 0 && strstr(o, "tls-pty") != NULL);
        free(o);
    }
    lxd_bytes_free(ob, ol);
    lxd_client_free(t);
}

static int64_t zero_cb(void *user, uint8_t *buf, size_t len) {
    (void)user;
    (void)buf;
    (void)len;
    return 0;
}
static int64_t sink_cb(void *user, const uint8_t *buf, size_t len) {
    (void)user;
    (void)buf;
    return (int64_t)len;
}

static void null_arguments(lxd_client *c) {
    T_SECTION("NULL and invalid arguments");
    const char *argv[] = {"true"};
    const char *argv_null[] = {"true", NULL};
    const char *argv_bad[] = {T_BAD_UTF8};
    int32_t code;
    uint8_t *o;
    size_t ol;
    CHECK_INVALID(lxd_instance_exec(NULL, inst, argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, NULL, argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, NULL, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 0, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv_null, 2, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv_bad, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, T_BAD_UTF8, argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, "bad_name", argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 5, &code, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 0, &code, &o, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 0, &code, NULL, &ol, NULL, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 0, &code, NULL, NULL, &o, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, &ol, ERR));
    const char *bad_opts[] = {"{", "[]", "{\"env\":{}}", "{\"user\":-1}", "{\"timeout_ms\":\"5\"}", "{\"command\":[\"x\"]}",
                              "{\"width\":80}", T_BAD_UTF8};
    for (size_t i = 0; i < sizeof bad_opts / sizeof bad_opts[0]; i++)
        CHECK_INVALID(lxd_instance_exec(c, inst, argv, 1, bad_opts[i], NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
    /* Without err_out the code still comes back. */
    CHECK(lxd_instance_exec(NULL, inst, argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, NULL) == LXD_RESULT_INVALID_ARGUMENT);

    CHECK_INVALID(lxd_instance_exec_fds(NULL, inst, argv, 1, NULL, -1, -1, -1, &code, ERR));
    CHECK_INVALID(lxd_instance_exec_fds(c, NULL, argv, 1, NULL, -1, -1, -1, &code, ERR));
    CHECK_INVALID(lxd_instance_exec_fds(c, inst, NULL, 1, NULL, -1, -1, -1, &code, ERR));
    CHECK_INVALID(lxd_instance_exec_fds(c, inst, argv, 1, NULL, -1, -1, -1, NULL, ERR));
    CHECK_INVALID(lxd_instance_exec_fds(c, inst, argv, 1, NULL, 987, -1, -1, &code, ERR));
    CHECK_INVALID(lxd_instance_exec_fds(c, inst, argv, 1, NULL, -1, -5, -1, &code, ERR));

    lxd_exec *x = NULL;
    CHECK_INVALID(lxd_exec_new(NULL, inst, argv, 1, NULL, &x, ERR));
    CHECK_INVALID(lxd_exec_new(c, NULL, argv, 1, NULL, &x, ERR));
    CHECK_INVALID(lxd_exec_new(c, inst, NULL, 1, NULL, &x, ERR));
    CHECK_INVALID(lxd_exec_new(c, inst, argv, 1, NULL, NULL, ERR));
    CHECK_INVALID(lxd_exec_new(c, inst, argv, 1, "{\"bogus\":1}", &x, ERR));
    CHECK(x == NULL);
    CHECK_INVALID(lxd_exec_set_stdin_fd(NULL, -1, ERR));
    CHECK_INVALID(lxd_exec_set_stdout_fd(NULL, -1, ERR));
    CHECK_INVALID(lxd_exec_set_stderr_fd(NULL, -1, ERR));
    CHECK_INVALID(lxd_exec_set_stdin_cb(NULL, zero_cb, NULL, ERR));
    CHECK_INVALID(lxd_exec_set_stdout_cb(NULL, sink_cb, NULL, ERR));
    CHECK_INVALID(lxd_exec_set_stderr_cb(NULL, sink_cb, NULL, ERR));
    CHECK_INVALID(lxd_exec_run(NULL, &code, ERR));
    CHECK_INVALID(lxd_exec_start(NULL, ERR));
    CHECK_INVALID(lxd_exec_write(NULL, (const uint8_t *)"x", 1, ERR));
    uint8_t buf[8];
    size_t n;
    CHECK_INVALID(lxd_exec_read(NULL, buf, sizeof buf, 0, &n, ERR));
    CHECK_INVALID(lxd_exec_resize(NULL, 80, 24, ERR));
    CHECK_INVALID(lxd_exec_signal(NULL, 15, ERR));
    CHECK_INVALID(lxd_exec_wait(NULL, 0, &code, ERR));
    char *json = NULL;
    CHECK_INVALID(lxd_exec_result_json(NULL, &json, ERR));
    lxd_exec_cancel(NULL);
    lxd_exec_free(NULL);
    lxd_bytes_free(NULL, 0);
    lxd_bytes_free(NULL, 10);

    if (CHECK_OK(lxd_exec_new(c, inst, argv, 1, NULL, &x, ERR))) {
        CHECK_INVALID(lxd_exec_set_stdin_cb(x, NULL, NULL, ERR));
        CHECK_INVALID(lxd_exec_set_stdout_cb(x, NULL, NULL, ERR));
        CHECK_INVALID(lxd_exec_set_stderr_cb(x, NULL, NULL, ERR));
        CHECK_INVALID(lxd_exec_set_stdin_fd(x, 987, ERR));
        CHECK_INVALID(lxd_exec_set_stdout_fd(x, -2, ERR));
        CHECK_INVALID(lxd_exec_run(x, NULL, ERR));
        CHECK_INVALID(lxd_exec_start(x, ERR)); /* not interactive */
        CHECK_INVALID(lxd_exec_write(x, (const uint8_t *)"x", 1, ERR)); /* no session */
        CHECK_INVALID(lxd_exec_read(x, buf, sizeof buf, 0, &n, ERR));
        CHECK_INVALID(lxd_exec_wait(x, 0, &code, ERR));
        CHECK_INVALID(lxd_exec_signal(x, 15, ERR)); /* not running */
        CHECK_INVALID(lxd_exec_signal(x, 0, ERR));
        CHECK_INVALID(lxd_exec_resize(x, 0, 24, ERR));
        CHECK_INVALID(lxd_exec_result_json(x, &json, ERR)); /* not run yet */
        CHECK_INVALID(lxd_exec_result_json(x, NULL, ERR));
        CHECK_OK(lxd_exec_run(x, &code, ERR));
        CHECK(code == 0);
        CHECK_INVALID(lxd_exec_run(x, &code, ERR)); /* once */
        CHECK_INVALID(lxd_exec_set_stdout_fd(x, -1, ERR)); /* after the run */
    }
    lxd_exec_free(x);
    x = NULL;
    if (CHECK_OK(lxd_exec_new(c, inst, argv, 1, "{\"interactive\":true}", &x, ERR)) && CHECK_OK(lxd_exec_start(x, ERR))) {
        CHECK_INVALID(lxd_exec_write(x, NULL, 1, ERR));
        CHECK_OK(lxd_exec_write(x, NULL, 0, ERR));
        CHECK_INVALID(lxd_exec_read(x, NULL, 8, 0, &n, ERR));
        CHECK_INVALID(lxd_exec_read(x, buf, sizeof buf, 0, NULL, ERR));
        CHECK_INVALID(lxd_exec_read(x, buf, 0, 0, &n, ERR));
        CHECK_INVALID(lxd_exec_wait(x, 0, NULL, ERR));
        CHECK_INVALID(lxd_exec_start(x, ERR)); /* once */
        CHECK_OK(lxd_exec_wait(x, 10000, &code, ERR));
        CHECK(code == 0);
    }
    lxd_exec_free(x);
}

/* ---- measurements (LXD_TEST_EXEC_BENCH=1, outside valgrind) --------------------------------- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double run_cmd_seconds(const char *cmd) {
    double t0 = t_now();
    int rc = system(cmd);
    double dt = t_now() - t0;
    return rc == 0 ? dt : -1;
}

static void bench(lxd_client *c) {
    T_SECTION("measurements");
    double lib[50], lxc[50];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "lxc exec %s -- true", inst);
    for (int i = 0; i < 50; i++) {
        int32_t code = -1;
        double t0 = t_now();
        CHECK_OK(lxd_instance_exec(c, inst, ARGV_TRUE, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR));
        lib[i] = t_now() - t0;
        lxc[i] = run_cmd_seconds(cmd);
    }
    qsort(lib, 50, sizeof lib[0], cmp_double);
    qsort(lxc, 50, sizeof lxc[0], cmp_double);
    printf("  bench: exec true, median of 50: liblxdclient %.1f ms, lxc exec %.1f ms (min %.1f / %.1f)\n", lib[25] * 1e3, lxc[25] * 1e3,
           lib[0] * 1e3, lxc[0] * 1e3);
    const char *argv[] = {"head", "-c", "10485760", "/dev/zero"};
    snprintf(cmd, sizeof cmd, "lxc exec %s -- head -c 10485760 /dev/zero > /dev/null", inst);
    double best_lib = 1e9, best_lxc = 1e9;
    for (int i = 0; i < 5; i++) {
        pattern chk = {.pat = "\0", .plen = 1};
        lxd_exec *x = NULL;
        int32_t code = -1;
        double t0 = t_now();
        if (CHECK_OK(lxd_exec_new(c, inst, argv, 4, NULL, &x, ERR)) && CHECK_OK(lxd_exec_set_stdout_cb(x, pat_check, &chk, ERR)) &&
            CHECK_OK(lxd_exec_run(x, &code, ERR))) {
            double dt = t_now() - t0;
            if (dt < best_lib)
                best_lib = dt;
            CHECK(chk.pos == 10485760 && chk.bad == 0);
        }
        lxd_exec_free(x);
        double l = run_cmd_seconds(cmd);
        if (l > 0 && l < best_lxc)
            best_lxc = l;
    }
    printf("  bench: 10 MB stdout, best of 5: liblxdclient %.0f ms (%.0f MB/s), lxc exec %.0f ms (%.0f MB/s)\n", best_lib * 1e3,
           10.0 / best_lib, best_lxc * 1e3, 10.0 / best_lxc);
}

int main(void) {
    t_begin("exec");
    lxd_client *c = t_unix_client();
    t_unique(inst, sizeof inst, "exec");
    if (!t_instance_create(c, inst, true)) {
        t_instance_cleanup(c, inst);
        lxd_client_free(c);
        return t_end();
    }
    basics(c);
    environment(c);
    descriptors(c);
    record_output(c);
    big_outputs(c);
    big_stdin(c);
    back_to_back(c);
    cancel_timeout_signal(c);
    callback_failures(c);
    operation_deadline();
    interactive(c);
    https();
    null_arguments(c);
    const char *b = getenv("LXD_TEST_EXEC_BENCH");
    if (b && strcmp(b, "1") == 0)
        bench(c);
    t_instance_cleanup(c, inst);
    lxd_client_free(c);
    return t_end();
}
