/* Faults with a real daemon: LXD is killed (SIGKILL, as a crash or an OOM kill would) in the
 * middle of a call, and started again on the same LXD_DIR by the harness
 * (`lxd-harness.sh kill|revive`). Each call must return an error promptly (no hang, no false
 * success), leave nothing behind (the atomic pull), and the same client handle must work again
 * once the daemon is back (new connections replace the dead pooled ones).
 *
 * Cases: operation wait; exec with output streaming; 1 GiB file pull (an existing local file
 * stays untouched, no temporary file is left); 256 MiB file push; image upload; event listener;
 * HTTPS client; and a graceful restart (SIGTERM) under an operation wait.
 *
 * Runs against its own harness (`make test-faults`): restarting daemon "a" would disturb the
 * suites that share the harness of `make test-integration`. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

/* Error returned after the daemon went away: seconds from the kill, bounded generously because
 * the suite runs under valgrind (the measured figures are printed). */
#define PROMPT_S 10.0

static lxd_client *c;
static char inst[64];

static void daemon_kill(const char *sig) {
    char *cmd = t_fmt("'%s' kill '%s' a %s", t_env("HARNESS"), t_env("STATEDIR"), sig);
    CHECKF(system(cmd) == 0, "harness kill %s", sig);
    free(cmd);
}

static void daemon_revive(void) {
    char *cmd = t_fmt("'%s' revive '%s' a", t_env("HARNESS"), t_env("STATEDIR"));
    if (!CHECKF(system(cmd) == 0, "harness revive")) {
        free(cmd);
        exit(t_end());
    }
    free(cmd);
}

/* The same client handle works again: GET /1.0 answers. */
static void check_reconnects(const char *after) {
    char *json = NULL;
    CHECKF(lxd_server_get(c, &json, NULL, ERR) == LXD_RESULT_OK, "GET /1.0 on the old client after %s: %s", after,
           t_err ? lxd_error_message(t_err) : "ok");
    CHECK_HAS(json, "\"api_version\"");
    lxd_string_free(json);
    t_err_clear();
}

/* The error of a call cut by the daemon's death: a transport-level code, never OK. */
static bool is_cut(lxd_result r) {
    return r == LXD_RESULT_CONNECTION || r == LXD_RESULT_PROTOCOL || r == LXD_RESULT_NOT_FOUND || r == LXD_RESULT_IO ||
           r == LXD_RESULT_OPERATION_FAILED;
}

static void report(const char *what, lxd_result r, lxd_error *e, double secs) {
    printf("  %s: %s after %.2f s (%s)\n", what, lxd_result_name(r), secs, e ? lxd_error_message(e) : "no error");
    CHECKF(is_cut(r), "%s: cut call returns a transport error, got %s", what, lxd_result_name(r));
    CHECKF(secs < PROMPT_S, "%s: error within %.0f s of the kill (took %.2f s)", what, PROMPT_S, secs);
}

/* ---- operation wait ------------------------------------------------------------------------ */

struct waiter {
    lxd_operation *op;
    lxd_result r;
    lxd_error *err;
    double done_at;
};

static void *wait_thread(void *arg) {
    struct waiter *w = arg;
    w->r = lxd_operation_wait(w->op, 120000, &w->err);
    w->done_at = t_now();
    return NULL;
}

/* A background operation: `sleep SECS` run without websockets. */
static lxd_operation *start_sleep_op(int secs) {
    char *path = t_fmt("/1.0/instances/%s/exec", inst);
    char *req = t_fmt("{\"command\":[\"sleep\",\"%d\"],\"wait-for-websocket\":false,\"interactive\":false}", secs);
    uint16_t status = 0;
    char *body = NULL;
    lxd_operation *op = NULL;
    if (CHECK_OK(lxd_raw_request(c, "POST", path, req, &status, &body, NULL, ERR)) &&
        CHECKF(status == 202, "exec accepted: %u %s", status, body ? body : "")) {
        char *opurl = t_json_str(body, "operation");
        const char *id = opurl ? strrchr(opurl, '/') : NULL;
        if (CHECK(id != NULL))
            CHECK_OK(lxd_operation_open(c, id + 1, &op, ERR));
        free(opurl);
    }
    lxd_string_free(body);
    free(req);
    free(path);
    return op;
}

static void case_operation_wait(void) {
    const char *title = "operation wait, daemon killed";
    T_SECTION(title);
    struct waiter w = {.op = start_sleep_op(600)};
    if (!w.op)
        return;
    pthread_t th;
    pthread_create(&th, NULL, wait_thread, &w);
    t_sleep_ms(500);
    double t0 = t_now();
    daemon_kill("KILL");
    pthread_join(th, NULL);
    report(title, w.r, w.err, w.done_at - t0);
    lxd_error_free(w.err);
    daemon_revive();
    check_reconnects("the restart");
    /* The operation died with the daemon: waiting on the old handle again is an error, not a hang. */
    lxd_error *e = NULL;
    double t1 = t_now();
    lxd_result r = lxd_operation_wait(w.op, 10000, &e);
    printf("  waiting again on the lost operation: %s after %.2f s (%s)\n", lxd_result_name(r), t_now() - t1,
           e ? lxd_error_message(e) : "");
    CHECKF(r == LXD_RESULT_NOT_FOUND, "operation lost with the daemon: NOT_FOUND, got %s", lxd_result_name(r));
    lxd_error_free(e);
    lxd_operation_free(w.op);
}

/* A graceful stop (SIGTERM, as `systemctl restart` sends) lets running operations finish first
 * (LXD 5.0 waits for them): a wait in flight gets the real result, not an error. */
static void case_graceful(void) {
    T_SECTION("operation wait, daemon stopped gracefully (SIGTERM)");
    struct waiter w = {.op = start_sleep_op(3)};
    if (!w.op)
        return;
    pthread_t th;
    pthread_create(&th, NULL, wait_thread, &w);
    t_sleep_ms(300);
    double t0 = t_now();
    daemon_kill("TERM");
    double down = t_now();
    pthread_join(th, NULL);
    printf("  wait: %s %.2f s after SIGTERM; daemon gone after %.2f s\n", lxd_result_name(w.r), w.done_at - t0, down - t0);
    CHECKF(w.r == LXD_RESULT_OK, "the operation finished during the graceful stop: %s (%s)", lxd_result_name(w.r),
           w.err ? lxd_error_message(w.err) : "");
    char *json = NULL;
    if (w.r == LXD_RESULT_OK && CHECK_OK(lxd_operation_json(w.op, &json, ERR)))
        CHECK_HAS(json, "\"Success\"");
    lxd_string_free(json);
    lxd_error_free(w.err);
    lxd_operation_free(w.op);
    daemon_revive();
    check_reconnects("a graceful restart");
}

/* ---- exec ------------------------------------------------------------------------------------ */

struct execer {
    lxd_result r;
    int32_t code;
    lxd_error *err;
    double done_at;
};

static void *exec_thread(void *arg) {
    struct execer *x = arg;
    int devnull = open("/dev/null", O_WRONLY);
    const char *argv[] = {"yes", "streaming output"};
    x->code = -999;
    x->r = lxd_instance_exec_fds(c, inst, argv, 2, NULL, -1, devnull, devnull, &x->code, &x->err);
    x->done_at = t_now();
    close(devnull);
    return NULL;
}

static void case_exec(void) {
    T_SECTION("exec streaming output, daemon killed");
    struct execer x = {0};
    pthread_t th;
    pthread_create(&th, NULL, exec_thread, &x);
    t_sleep_ms(1500);
    double t0 = t_now();
    daemon_kill("KILL");
    pthread_join(th, NULL);
    report("exec", x.r, x.err, x.done_at - t0);
    CHECKF(x.code == -999, "no exit code reported for a cut exec (got %d)", x.code);
    lxd_error_free(x.err);
    daemon_revive();
    check_reconnects("a cut exec");
    const char *argv[] = {"echo", "back"};
    int32_t code = -1;
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (CHECK_OK(lxd_instance_exec(c, inst, argv, 2, NULL, NULL, 0, &code, &out, &out_len, NULL, NULL, ERR))) {
        CHECK(code == 0);
        CHECK(out_len == 5 && memcmp(out, "back\n", 5) == 0);
    }
    lxd_bytes_free(out, out_len);
}

/* ---- file pull, file push, image upload: the kill comes from the progress callback ------------ */

struct killer {
    uint64_t at;  /* kill once this many bytes went through */
    bool killed;
    double t0;
    uint64_t seen;
};

static int kill_on_progress(void *user, uint64_t done, uint64_t total) {
    (void)total;
    struct killer *k = user;
    k->seen = done;
    if (!k->killed && done >= k->at) {
        k->killed = true;
        k->t0 = t_now();
        daemon_kill("KILL");
    }
    return 0;
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void case_pull(const char *tmpdir) {
    T_SECTION("1 GiB file pull, daemon killed at 64 MiB");
    const char *mk[] = {"dd", "if=/dev/zero", "of=/root/big", "bs=1048576", "count=1024"};
    int32_t code = -1;
    if (!CHECK_OK(lxd_instance_exec(c, inst, mk, 5, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR)) || !CHECK(code == 0))
        return;
    char *dst = t_fmt("%s/pulled", tmpdir);
    FILE *f = fopen(dst, "w");
    fputs("previous content\n", f);
    fclose(f);
    struct killer k = {.at = 64u << 20};
    double t_start = t_now();
    lxd_error *e = NULL;
    lxd_result r = lxd_file_pull_path(c, inst, "/root/big", dst, kill_on_progress, &k, NULL, &e);
    double end = t_now();
    CHECKF(k.killed, "the daemon was killed mid-pull (saw %llu bytes in %.1f s)", (unsigned long long)k.seen, end - t_start);
    report("1 GiB pull", r, e, end - k.t0);
    printf("  pulled %llu of 1073741824 bytes before the kill\n", (unsigned long long)k.seen);
    lxd_error_free(e);
    char *left = t_read_file(dst);
    CHECKF(left && strcmp(left, "previous content\n") == 0, "existing local file untouched after the cut pull");
    free(left);
    CHECKF(count_entries(tmpdir) == 1, "no temporary file left beside it (%d entries)", count_entries(tmpdir));
    daemon_revive();
    check_reconnects("a cut pull");
    /* The next pull on the same client completes. */
    const char *small[] = {"dd", "if=/dev/zero", "of=/root/big", "bs=1048576", "count=3"};
    if (CHECK_OK(lxd_instance_exec(c, inst, small, 5, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, ERR)) &&
        CHECK_OK(lxd_file_pull_path(c, inst, "/root/big", dst, NULL, NULL, NULL, ERR)))
        CHECK(t_file_size(dst) == 3 << 20);
    unlink(dst);
    free(dst);
}

static char *make_file(const char *tmpdir, const char *name, size_t mib) {
    char *path = t_fmt("%s/%s", tmpdir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static unsigned char buf[1 << 20];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131u + 7u);
    for (size_t i = 0; i < mib; i++)
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            break;
    close(fd);
    return path;
}

static void case_push(const char *tmpdir) {
    T_SECTION("256 MiB file push, daemon killed at 32 MiB");
    char *src = make_file(tmpdir, "push-src", 256);
    struct killer k = {.at = 32u << 20};
    lxd_error *e = NULL;
    lxd_result r = lxd_file_push_path(c, inst, "/root/pushed", src, NULL, kill_on_progress, &k, &e);
    double end = t_now();
    CHECK(k.killed);
    report("256 MiB push", r, e, end - k.t0);
    lxd_error_free(e);
    daemon_revive();
    check_reconnects("a cut push");
    CHECK_OK(lxd_file_push_bytes(c, inst, "/root/pushed", (const uint8_t *)"ok\n", 3, NULL, ERR));
    unlink(src);
    free(src);
}

static void case_image_upload(const char *tmpdir) {
    T_SECTION("image upload, daemon killed at 16 MiB");
    /* Not a valid image: LXD would refuse it once received, but it never gets there. */
    char *src = make_file(tmpdir, "image.tar.gz", 128);
    struct killer k = {.at = 16u << 20};
    lxd_error *e = NULL;
    char *fp = NULL;
    lxd_result r = lxd_image_upload_path(c, src, NULL, kill_on_progress, &k, &fp, &e);
    double end = t_now();
    CHECK(k.killed);
    CHECK(fp == NULL);
    report("image upload", r, e, end - k.t0);
    lxd_error_free(e);
    lxd_string_free(fp);
    daemon_revive();
    check_reconnects("a cut image upload");
    /* Nothing half-uploaded became an image: the list is the harness's image only. */
    char *list = NULL;
    if (CHECK_OK(lxd_image_list(c, 0, &list, ERR)))
        CHECKF(t_json_array_len(list) == 1, "one image after the cut upload: %s", list);
    lxd_string_free(list);
    unlink(src);
    free(src);
}

/* ---- events and HTTPS ------------------------------------------------------------------------ */

struct nexter {
    lxd_event_listener *l;
    lxd_result r;
    lxd_error *err;
    double done_at;
};

static void *next_thread(void *arg) {
    struct nexter *n = arg;
    char *json = NULL;
    do {
        lxd_string_free(json);
        json = NULL;
        lxd_error_free(n->err);
        n->err = NULL;
        n->r = lxd_event_listener_next(n->l, 60000, &json, &n->err);
    } while (n->r == LXD_RESULT_OK);
    n->done_at = t_now();
    lxd_string_free(json);
    return NULL;
}

static void case_events(void) {
    T_SECTION("event listener, daemon killed");
    struct nexter n = {0};
    if (!CHECK_OK(lxd_event_listener_open(c, NULL, true, &n.l, ERR)))
        return;
    pthread_t th;
    pthread_create(&th, NULL, next_thread, &n);
    t_sleep_ms(300);
    double t0 = t_now();
    daemon_kill("KILL");
    pthread_join(th, NULL);
    report("event listener", n.r, n.err, n.done_at - t0);
    CHECK(n.r == LXD_RESULT_CONNECTION);
    lxd_error_free(n.err);
    lxd_event_listener_free(n.l);
    daemon_revive();
    /* A new listener on the same client sees events again. */
    lxd_event_listener *l = NULL;
    if (CHECK_OK(lxd_event_listener_open(c, "lifecycle", false, &l, ERR))) {
        CHECK_OK(lxd_instance_patch(c, inst, "{\"description\":\"after restart\"}", NULL, NULL, ERR));
        char *json = NULL;
        if (CHECK_OK(lxd_event_listener_next(l, 10000, &json, ERR)))
            CHECK_HAS(json, "instance-updated");
        lxd_string_free(json);
    }
    lxd_event_listener_free(l);
}

static void case_https(void) {
    T_SECTION("HTTPS client across a restart");
    lxd_client *h = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), NULL, NULL);
    if (!h)
        return;
    char *json = NULL;
    CHECK_OK(lxd_server_get(h, &json, NULL, ERR));
    lxd_string_free(json);
    json = NULL;
    daemon_kill("KILL");
    double t0 = t_now();
    lxd_error *e = NULL;
    lxd_result r = lxd_server_get(h, &json, NULL, &e);
    printf("  GET while down: %s after %.2f s\n", lxd_result_name(r), t_now() - t0);
    CHECK(r == LXD_RESULT_CONNECTION);
    lxd_error_free(e);
    daemon_revive();
    CHECKF(lxd_server_get(h, &json, NULL, ERR) == LXD_RESULT_OK, "HTTPS GET after the restart: %s",
           t_err ? lxd_error_message(t_err) : "ok");
    CHECK_HAS(json, "\"auth\"");
    lxd_string_free(json);
    t_err_clear();
    lxd_client_free(h);
}

int main(void) {
    t_begin("faults");
    c = t_unix_client();
    t_unique(inst, sizeof inst, "fault");
    if (!t_instance_create(c, inst, true))
        return t_end();
    char tmpl[] = "/tmp/lxd-faults.XXXXXX";
    char *tmpdir = mkdtemp(tmpl);

    case_operation_wait();
    case_graceful();
    case_exec();
    case_pull(tmpdir);
    case_push(tmpdir);
    case_image_upload(tmpdir);
    case_events();
    case_https();

    t_instance_cleanup(c, inst);
    lxd_client_free(c);
    rmdir(tmpdir);
    return t_end();
}
