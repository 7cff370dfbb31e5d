/*
 * A tiny test framework shared by every tests/c/test_*.c suite (header-only: each suite is one
 * .c file compiled with `gcc -std=c11 -Wall -Wextra -Wpedantic -Werror`).
 *
 * Include it first (it sets _POSIX_C_SOURCE before any system header). A suite looks like:
 *
 *     int main(void) {
 *         t_begin("instances");
 *         lxd_client *c = t_unix_client();
 *         char *json = NULL;
 *         if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR))) CHECK_HAS(json, "\"ct-");
 *         lxd_string_free(json);
 *         CHECK_ERR(lxd_instance_get(c, "missing", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
 *         lxd_client_free(c);
 *         return t_end();
 *     }
 *
 * - Pass `ERR` as the `lxd_error **err_out` argument of the call under CHECK_OK / CHECK_ERR: the
 *   macro clears it before the call, prints the error (code, HTTP status, message) on a surprise,
 *   and frees it. ERR is thread-local, so checks work from any thread.
 * - t_end() prints the summary line `<suite>: N passed, N failed` that tests/c/run.sh adds up,
 *   and returns the exit status for main.
 * - Environment: t_env("SOCKET") reads LXD_TEST_SOCKET (set by tests/harness/with-lxd.sh); a
 *   missing variable fails the suite at once (tests never skip). LXD_TEST_VERBOSE=1 prints every
 *   passing check too.
 * - Helpers return malloc'd strings (free with free()); strings from the library are freed with
 *   lxd_string_free.
 *
 * The whole API:
 *   checks    CHECK(cond), CHECKF(cond, fmt, ...), CHECK_OK(call), CHECK_ERR(call, code, http or -1),
 *             CHECK_ERR_MSG(call, code, http, substring), CHECK_INVALID(call),
 *             CHECK_HAS(text, fragment), CHECK_LACKS(text, fragment); each returns whether it passed
 *   suite     t_begin(name) (also arms a watchdog: LXD_TEST_WATCHDOG_SECONDS, default 240),
 *             T_SECTION(title), t_end(), t_fail(file, line, fmt, ...)
 *   JSON      t_json_find / t_json_raw / t_json_str / t_json_int (first "key": in compact JSON),
 *             t_json_array_len, t_json_new_entry(before, after), t_has
 *   strings   t_fmt, t_strndup, t_replace, t_read_file
 *   env/time  t_env("SOCKET"), t_unique(buf, n, prefix), t_now(), t_sleep_ms()
 *   clients   t_unix_client(), t_unix_client2(), t_client_for_socket(path),
 *             t_https_client(url, pinned_server_cert_file, cert_file, key_file)
 *   daemons   t_is_incus(), t_daemon_flavour(), t_trust_secret("" | "2" | "CLUSTER") (LXD's trust
 *             password, or a fresh Incus trust token)
 *   instances t_instance_create(c, name, start), t_instance_cleanup(c, name), t_wait_free(op)
 *
 * Suites run in parallel, so use t_unique names. The harness's client certificates are shared
 * state: CLIENT belongs to test_client; a suite that trusts or untrusts CLIENT2 must be listed in
 * SERIAL in tests/c/run.sh; for an untrusted HTTPS client, use no client certificate.
 */
#ifndef LXD_TEST_H
#define LXD_TEST_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lxdclient.h"

#define T_UNUSED __attribute__((unused))

static T_UNUSED const char *t_suite = "unnamed";
static T_UNUSED atomic_int t_passed;
static T_UNUSED atomic_int t_failed;
static T_UNUSED int t_verbose;
static T_UNUSED double t_started;
static T_UNUSED _Thread_local lxd_error *t_err;

/* The `lxd_error **err_out` to pass to a call checked with CHECK_OK / CHECK_ERR. */
#define ERR (&t_err)

/* Invalid UTF-8, for "every string argument rejects invalid UTF-8" checks. */
#define T_BAD_UTF8 "\xff\xfe\xc3"

static inline void t_err_clear(void) {
    lxd_error_free(t_err);
    t_err = NULL;
}

static inline void t_pass(const char *what, const char *file, int line) {
    atomic_fetch_add(&t_passed, 1);
    if (t_verbose) {
        printf("  ok   %s:%d: %s\n", file, line, what);
        fflush(stdout);
    }
}

static inline void t_fail_v(const char *file, int line, const char *fmt, va_list ap) {
    atomic_fetch_add(&t_failed, 1);
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    printf("  FAIL %s:%d: %s\n", file, line, buf);
    fflush(stdout);
}

static inline T_UNUSED void t_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    t_fail_v(file, line, fmt, ap);
    va_end(ap);
}

static inline bool t_check(bool ok, const char *what, const char *file, int line) {
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s", what);
    return ok;
}

static inline bool t_checkf(bool ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        t_pass(fmt, file, line);
        return true;
    }
    va_list ap;
    va_start(ap, fmt);
    t_fail_v(file, line, fmt, ap);
    va_end(ap);
    return false;
}

/* The call returned OK and left no error behind. Prints the error otherwise. */
static inline bool t_check_ok(lxd_result r, const char *what, const char *file, int line) {
    bool ok = r == LXD_RESULT_OK && t_err == NULL;
    if (ok)
        t_pass(what, file, line);
    else if (r == LXD_RESULT_OK)
        t_fail(file, line, "%s: returned OK but wrote an error", what);
    else
        t_fail(file, line, "%s: %s (http %u): %s", what, lxd_result_name((int32_t)r), (unsigned)lxd_error_http_status(t_err),
               t_err ? lxd_error_message(t_err) : "(no error object written)");
    t_err_clear();
    return ok;
}

/*
 * The call failed with `code`, wrote an error with the same code, HTTP status `http` (-1: any)
 * and, when `contains` is not NULL, a message containing it.
 */
static inline bool t_check_err(lxd_result r, lxd_result code, int http, const char *contains, const char *what, const char *file,
                               int line) {
    bool ok = r == code && t_err != NULL && lxd_error_code(t_err) == code &&
              (http < 0 || lxd_error_http_status(t_err) == (uint16_t)http) &&
              (contains == NULL || strstr(lxd_error_message(t_err), contains) != NULL);
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: expected %s (http %d%s%s), got %s / error %s (http %u): %s", what, lxd_result_name((int32_t)code), http,
               contains ? ", message containing " : "", contains ? contains : "", lxd_result_name((int32_t)r),
               t_err ? lxd_result_name((int32_t)lxd_error_code(t_err)) : "(none written)", (unsigned)lxd_error_http_status(t_err),
               lxd_error_message(t_err));
    t_err_clear();
    return ok;
}

#define CHECK(cond) t_check(!!(cond), #cond, __FILE__, __LINE__)
/* CHECKF(cond, "printf format", args...): the message is printed on failure. */
#define CHECKF(cond, ...) t_checkf(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_OK(call) t_check_ok((t_err_clear(), (call)), #call, __FILE__, __LINE__)
#define CHECK_ERR(call, code, http) t_check_err((t_err_clear(), (call)), (code), (http), NULL, #call, __FILE__, __LINE__)
#define CHECK_ERR_MSG(call, code, http, contains) t_check_err((t_err_clear(), (call)), (code), (http), (contains), #call, __FILE__, __LINE__)
#define CHECK_INVALID(call) CHECK_ERR(call, LXD_RESULT_INVALID_ARGUMENT, 0)

/* ---- strings and JSON ------------------------------------------------------------------------ */

static inline T_UNUSED bool t_has(const char *s, const char *fragment) {
    return s != NULL && fragment != NULL && strstr(s, fragment) != NULL;
}

static inline bool t_check_has(const char *s, const char *fragment, bool want, const char *what, const char *file, int line) {
    bool ok = s != NULL && (strstr(s, fragment) != NULL) == want;
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: %s %s in: %.600s%s", what, want ? "missing" : "unexpected", fragment, s ? s : "(NULL)",
               s && strlen(s) > 600 ? "..." : "");
    return ok;
}

/* The text (usually JSON from the library) contains / lacks an exact fragment. */
#define CHECK_HAS(s, fragment) t_check_has((s), (fragment), true, #s " has " #fragment, __FILE__, __LINE__)
#define CHECK_LACKS(s, fragment) t_check_has((s), (fragment), false, #s " lacks " #fragment, __FILE__, __LINE__)

/* printf into a new malloc'd string. */
static inline T_UNUSED __attribute__((format(printf, 1, 2))) char *t_fmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s)
        abort();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static inline T_UNUSED char *t_strndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d)
        abort();
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* `s` with the first `from` replaced by `to` (malloc'd), or NULL when `from` is absent. */
static inline T_UNUSED char *t_replace(const char *s, const char *from, const char *to) {
    const char *at = s ? strstr(s, from) : NULL;
    if (!at)
        return NULL;
    return t_fmt("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* Where the JSON value after the first `"key":` starts (library JSON is compact), or NULL. */
static inline const char *t_json_find(const char *json, const char *key) {
    if (!json)
        return NULL;
    char pat[256];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *at = strstr(json, pat);
    if (!at)
        return NULL;
    at += strlen(pat);
    while (*at == ' ' || *at == '\n' || *at == '\t' || *at == '\r')
        at++;
    return at;
}

/* The length of the JSON value starting at `v` (string, object, array, number, literal). */
static inline size_t t_json_value_len(const char *v) {
    const char *p = v;
    int depth = 0;
    bool in_str = false;
    for (; *p; p++) {
        char ch = *p;
        if (in_str) {
            if (ch == '\\' && p[1])
                p++;
            else if (ch == '"') {
                in_str = false;
                if (depth == 0)
                    return (size_t)(p - v) + 1;
            }
            continue;
        }
        if (ch == '"')
            in_str = true;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']') {
            if (depth == 0)
                return (size_t)(p - v);
            if (--depth == 0)
                return (size_t)(p - v) + 1;
        } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\n'))
            return (size_t)(p - v);
    }
    return (size_t)(p - v);
}

/* The raw JSON text of the first `"key":` value (malloc'd), or NULL. */
static inline T_UNUSED char *t_json_raw(const char *json, const char *key) {
    const char *v = t_json_find(json, key);
    return v ? t_strndup(v, t_json_value_len(v)) : NULL;
}

/* The first `"key":"value"` string value, unquoted (escapes kept as they are; malloc'd), or NULL. */
static inline T_UNUSED char *t_json_str(const char *json, const char *key) {
    const char *v = t_json_find(json, key);
    if (!v || *v != '"')
        return NULL;
    size_t n = t_json_value_len(v);
    return n >= 2 ? t_strndup(v + 1, n - 2) : NULL;
}

/* The first `"key":<integer>` value, or `dflt`. */
static inline T_UNUSED long t_json_int(const char *json, const char *key, long dflt) {
    const char *v = t_json_find(json, key);
    if (!v)
        return dflt;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    return end == v ? dflt : n;
}

/* Number of elements in a top-level JSON array (library output: compact). */
static inline T_UNUSED int t_json_array_len(const char *json) {
    if (!json || json[0] != '[')
        return -1;
    const char *p = json + 1;
    if (*p == ']')
        return 0;
    int n = 0;
    while (*p && *p != ']') {
        p += t_json_value_len(p);
        n++;
        if (*p == ',')
            p++;
    }
    return n;
}

/* The first string of JSON string array `after` that `before` lacks (malloc'd), or NULL: what a
 * create added to a list (e.g. the fingerprint of a certificate just trusted). */
static inline T_UNUSED char *t_json_new_entry(const char *before, const char *after) {
    const char *p = after ? strchr(after, '"') : NULL;
    while (p) {
        const char *end = strchr(p + 1, '"');
        if (!end)
            break;
        char *quoted = t_strndup(p, (size_t)(end - p) + 1);
        bool known = t_has(before, quoted);
        free(quoted);
        if (!known)
            return t_strndup(p + 1, (size_t)(end - p) - 1);
        p = strchr(end + 1, '"');
    }
    return NULL;
}

/* A whole file, NUL-terminated (malloc'd), or NULL. */
static inline T_UNUSED char *t_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* ---- local files ---------------------------------------------------------------------------- */

/* Whether two local files have the same bytes (false if either cannot be opened). */
static inline T_UNUSED bool t_files_equal(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    static char ba[1 << 16], bb[1 << 16];
    while (same) {
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        if (na != nb || memcmp(ba, bb, na) != 0)
            same = false;
        if (na == 0)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* Whether a path exists (a dangling symlink counts). */
static inline T_UNUSED bool t_path_exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A local file's size, or -1. */
static inline T_UNUSED long long t_file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* ---- names, time, environment ---------------------------------------------------------------- */

/* `prefix-xxxxxxxx` with 8 random hex digits: names must be unique per run (cgroup and interface
 * names are shared by every LXD daemon on the host). */
static inline T_UNUSED void t_unique(char *buf, size_t n, const char *prefix) {
    unsigned char r[4] = {0};
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint32_t x = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
        memcpy(r, &x, sizeof r);
    }
    if (fd >= 0)
        close(fd);
    snprintf(buf, n, "%s-%02x%02x%02x%02x", prefix, r[0], r[1], r[2], r[3]);
}

/* Monotonic seconds. */
static inline T_UNUSED double t_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline T_UNUSED void t_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* Print the summary line and return main's exit status. */
static inline int t_end(void) {
    t_err_clear();
    int p = atomic_load(&t_passed), f = atomic_load(&t_failed);
    printf("%s: %d passed, %d failed\n", t_suite, p, f);
    fflush(stdout);
    return f == 0 ? 0 : 1;
}

/* LXD_TEST_<suffix>, e.g. t_env("SOCKET"). Missing: the suite fails and stops (no skips). */
static inline T_UNUSED const char *t_env(const char *suffix) {
    char name[128];
    snprintf(name, sizeof name, "LXD_TEST_%s", suffix);
    const char *v = getenv(name);
    if (!v || !*v) {
        t_fail(__FILE__, __LINE__, "%s is not set: run the suite inside tests/harness/with-lxd.sh", name);
        exit(t_end());
    }
    return v;
}

static T_UNUSED void t_watchdog_fired(int sig) {
    (void)sig;
    static const char msg[] = "  FAIL watchdog: the suite did not finish in time (hung call?)\n";
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0) {
    }
    _exit(3);
}

/* Start a suite: its name for the summary, and a watchdog that kills a hung suite. */
static inline T_UNUSED void t_begin(const char *suite) {
    t_suite = suite;
    t_started = t_now();
    const char *v = getenv("LXD_TEST_VERBOSE");
    t_verbose = v && *v && strcmp(v, "0") != 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, t_watchdog_fired);
    const char *w = getenv("LXD_TEST_WATCHDOG_SECONDS");
    alarm(w && atoi(w) > 0 ? (unsigned)atoi(w) : 240u);
    printf("== %s\n", suite);
}

/* A heading in the output, with the seconds since t_begin. */
#define T_SECTION(name) printf("-- %s (at %.1fs)\n", (name), t_now() - t_started)

/* A client on a unix socket; the suite stops if it cannot be built. */
static inline T_UNUSED lxd_client *t_client_for_socket(const char *path) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    if (!CHECK_OK(lxd_client_builder_new_unix(path, &b, ERR)) || !CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        lxd_client_builder_free(b);
        exit(t_end());
    }
    lxd_client_builder_free(b);
    return c;
}

/* A client for daemon "a" (LXD_TEST_SOCKET). */
static inline T_UNUSED lxd_client *t_unix_client(void) {
    return t_client_for_socket(t_env("SOCKET"));
}

/* A client for the second daemon (LXD_TEST_SOCKET2, harness started with --second). */
static inline T_UNUSED lxd_client *t_unix_client2(void) {
    return t_client_for_socket(t_env("SOCKET2"));
}

/* Which daemon the harness started (LXD_TEST_DAEMON: "lxd" or "incus"): true for Incus. Tests
 * assert each daemon's own behaviour where the two differ. */
static inline T_UNUSED bool t_is_incus(void) {
    const char *d = getenv("LXD_TEST_DAEMON");
    return d && strcmp(d, "incus") == 0;
}

/* The flavour lxd_client_server_flavour must report for the harness's daemons. */
static inline T_UNUSED lxd_server_flavour t_daemon_flavour(void) {
    return t_is_incus() ? LXD_SERVER_FLAVOUR_INCUS : LXD_SERVER_FLAVOUR_LXD;
}

/* A secret that makes a daemon trust a new client (for lxd_client_authenticate and friends).
 * `which`: "" (daemon a), "2" (daemon b) or "CLUSTER". LXD: its trust password
 * (LXD_TEST_TRUST_PASSWORD, ..._2, LXD_TEST_CLUSTER_TRUST_PASSWORD). Incus 6.0 has no trust
 * password: a fresh single-use trust token, made over the daemon's unix socket. The string stays
 * valid until the program ends (do not free it). */
static T_UNUSED char t_secrets[32][1024]; /* tokens handed out (no heap: nothing to free) */
static T_UNUSED atomic_int t_nkept;
static inline T_UNUSED const char *t_trust_secret(const char *which) {
    char var[64];
    if (!t_is_incus()) {
        snprintf(var, sizeof var, "%sTRUST_PASSWORD%s", strcmp(which, "CLUSTER") == 0 ? "CLUSTER_" : "",
                 strcmp(which, "CLUSTER") == 0 ? "" : which);
        return t_env(var);
    }
    snprintf(var, sizeof var, "%s", strcmp(which, "CLUSTER") == 0 ? "CLUSTER_SOCKET1" : strcmp(which, "2") == 0 ? "SOCKET2" : "SOCKET");
    lxd_client *c = t_client_for_socket(t_env(var));
    char *token = NULL;
    char name[48];
    int i = atomic_fetch_add(&t_nkept, 1) % 32;
    snprintf(name, sizeof name, "t-%ld-%d", (long)getpid(), i);
    bool ok = CHECK_OK(lxd_certificate_token_create(c, name, &token, NULL, ERR));
    lxd_client_free(c);
    if (!ok)
        return "no-token";
    snprintf(t_secrets[i], sizeof t_secrets[i], "%s", token);
    lxd_string_free(token);
    return t_secrets[i];
}

/* An HTTPS client builder for `url` with the server certificate in `server_cert_path` pinned and,
 * when `cert_path` is not NULL, that client certificate and key. NULL on failure (already
 * reported). */
static inline T_UNUSED lxd_client *t_https_client(const char *url, const char *server_cert_path, const char *cert_path,
                                                  const char *key_path) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    bool ok = CHECK_OK(lxd_client_builder_new_https(url, &b, ERR)) &&
              (server_cert_path == NULL || CHECK_OK(lxd_client_builder_pin_server_cert_file(b, server_cert_path, ERR))) &&
              (cert_path == NULL || CHECK_OK(lxd_client_builder_set_client_cert_files(b, cert_path, key_path, ERR))) &&
              CHECK_OK(lxd_client_builder_build(b, &c, ERR));
    lxd_client_builder_free(b);
    return ok ? c : NULL;
}

/* ---- instances shared by suites --------------------------------------------------------------- */

/* Create container `name` from the test image (LXD_TEST_IMAGE_ALIAS), and start it if asked. */
static inline T_UNUSED bool t_instance_create(lxd_client *c, const char *name, bool start) {
    char *json = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, t_env("IMAGE_ALIAS"));
    bool ok = CHECK_OK(lxd_instance_create(c, json, NULL, ERR)) && (!start || CHECK_OK(lxd_instance_start(c, name, NULL, ERR)));
    free(json);
    return ok;
}

/* Force-stop and delete `name` if it exists (cleanup on every path; errors are not checks). */
static inline T_UNUSED void t_instance_cleanup(lxd_client *c, const char *name) {
    bool exists = false;
    if (lxd_instance_exists(c, name, &exists, NULL) != LXD_RESULT_OK || !exists)
        return;
    lxd_instance_stop(c, name, -1, true, NULL, NULL);
    lxd_result r = lxd_instance_delete(c, name, NULL, ERR);
    if (r != LXD_RESULT_OK)
        printf("  note: cleanup of instance %s failed: %s\n", name, lxd_error_message(t_err));
    t_err_clear();
}

/* Wait for an operation handle (30 s at most) and free it. NULL (LXD finished synchronously) is OK. */
static inline T_UNUSED bool t_wait_free(lxd_operation *op) {
    bool ok = op == NULL || CHECK_OK(lxd_operation_wait(op, 30000, ERR));
    lxd_operation_free(op);
    return ok;
}

#endif /* LXD_TEST_H */
