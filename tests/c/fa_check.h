/*
 * The checks of the full-API suites (test_fullapi.c, test_cluster.c): a small subset of
 * tests/c/test.h with the same names, so a suite can switch to it by changing its include.
 * Header-only; include it first. t_end() prints `<suite>: N passed, N failed` for tests/c/run.sh.
 */
#ifndef LXD_FA_CHECK_H
#define LXD_FA_CHECK_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
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
static T_UNUSED int t_passed;
static T_UNUSED int t_failed;
static T_UNUSED int t_verbose;
static T_UNUSED lxd_error *t_err;

#define ERR (&t_err)

static inline void t_err_clear(void) {
    lxd_error_free(t_err);
    t_err = NULL;
}

static inline T_UNUSED void t_pass(const char *what, const char *file, int line) {
    t_passed++;
    if (t_verbose)
        printf("  ok   %s:%d: %s\n", file, line, what);
}

static inline T_UNUSED __attribute__((format(printf, 3, 4))) void t_fail(const char *file, int line, const char *fmt, ...) {
    t_failed++;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("  FAIL %s:%d: %s\n", file, line, buf);
    fflush(stdout);
}

static inline T_UNUSED bool t_check(bool ok, const char *what, const char *file, int line) {
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s", what);
    return ok;
}

static inline T_UNUSED bool t_check_ok(lxd_result r, const char *what, const char *file, int line) {
    bool ok = r == LXD_RESULT_OK && t_err == NULL;
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: %s (http %u): %s", what, lxd_result_name((int32_t)r), (unsigned)lxd_error_http_status(t_err),
               t_err ? lxd_error_message(t_err) : "(no error object written)");
    t_err_clear();
    return ok;
}

static inline T_UNUSED bool t_check_err(lxd_result r, lxd_result code, int http, const char *contains, const char *what, const char *file,
                                        int line) {
    bool ok = r == code && t_err != NULL && lxd_error_code(t_err) == code &&
              (http < 0 || lxd_error_http_status(t_err) == (uint16_t)http) &&
              (contains == NULL || strstr(lxd_error_message(t_err), contains) != NULL);
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: expected %s (http %d%s%s), got %s (http %u): %s", what, lxd_result_name((int32_t)code), http,
               contains ? ", message containing " : "", contains ? contains : "", lxd_result_name((int32_t)r),
               (unsigned)lxd_error_http_status(t_err), t_err ? lxd_error_message(t_err) : "(no error written)");
    t_err_clear();
    return ok;
}

static inline T_UNUSED bool t_check_has(const char *s, const char *fragment, bool want, const char *what, const char *file, int line) {
    bool has = s != NULL && strstr(s, fragment) != NULL;
    bool ok = has == want;
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: %s %s in: %.600s%s", what, want ? "missing" : "unexpected", fragment, s ? s : "(NULL)",
               s && strlen(s) > 600 ? "..." : "");
    return ok;
}

#define CHECK(cond) t_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_OK(call) t_check_ok((t_err_clear(), (call)), #call, __FILE__, __LINE__)
#define CHECK_ERR(call, code, http) t_check_err((t_err_clear(), (call)), (code), (http), NULL, #call, __FILE__, __LINE__)
#define CHECK_ERR_MSG(call, code, http, contains) t_check_err((t_err_clear(), (call)), (code), (http), (contains), #call, __FILE__, __LINE__)
#define CHECK_HAS(s, fragment) t_check_has((s), (fragment), true, #s " has " #fragment, __FILE__, __LINE__)
#define CHECK_LACKS(s, fragment) t_check_has((s), (fragment), false, #s " lacks " #fragment, __FILE__, __LINE__)
#define T_SECTION(name) printf("-- %s\n", (name))

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

/* The first `"key":"value"` string value of compact JSON, unquoted (malloc'd), or NULL. */
static inline T_UNUSED char *t_json_str(const char *json, const char *key) {
    if (!json)
        return NULL;
    char pat[256];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *at = strstr(json, pat);
    if (!at)
        return NULL;
    at += strlen(pat);
    const char *end = at;
    while (*end && *end != '"') {
        if (*end == '\\' && end[1])
            end++;
        end++;
    }
    char *out = malloc((size_t)(end - at) + 1);
    if (!out)
        abort();
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
    return out;
}

/* Number of `needle` occurrences in `s`. */
static inline T_UNUSED int t_count(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = s ? strstr(s, needle) : NULL; p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static inline T_UNUSED void t_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A name unique to this run: prefix + pid + a counter (hostname-safe). */
static inline T_UNUSED void t_unique(char *buf, size_t n, const char *prefix) {
    static unsigned counter;
    snprintf(buf, n, "%s%x%x", prefix, (unsigned)getpid() & 0xfffff, counter++);
}

/* LXD_TEST_<suffix>; a missing variable fails the suite at once (tests never skip). */
static inline T_UNUSED const char *t_env(const char *suffix) {
    char name[128];
    snprintf(name, sizeof name, "LXD_TEST_%s", suffix);
    const char *v = getenv(name);
    if (!v || !*v) {
        printf("  FAIL %s is not set: run the suite inside tests/harness/with-lxd.sh\n", name);
        printf("%s: %d passed, %d failed\n", t_suite, t_passed, t_failed + 1);
        exit(1);
    }
    return v;
}

static inline T_UNUSED void t_begin(const char *suite) {
    t_suite = suite;
    const char *v = getenv("LXD_TEST_VERBOSE");
    t_verbose = v && *v && strcmp(v, "0") != 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("== %s\n", suite);
}

static inline T_UNUSED int t_end(void) {
    t_err_clear();
    printf("%s: %d passed, %d failed\n", t_suite, t_passed, t_failed);
    return t_failed == 0 ? 0 : 1;
}

/* A client on a unix socket (aborts the suite when it cannot even be built). */
static inline T_UNUSED lxd_client *t_client_for_socket(const char *path) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    if (lxd_client_builder_new_unix(path, &b, NULL) != LXD_RESULT_OK || lxd_client_builder_build(b, &c, NULL) != LXD_RESULT_OK) {
        printf("  FAIL cannot build a client for %s\n", path);
        exit(1);
    }
    lxd_client_builder_free(b);
    return c;
}

/* An HTTPS client pinned to the PEM file `server_cert`, with a client certificate when given. */
static inline T_UNUSED lxd_client *t_https_client(const char *url, const char *server_cert, const char *cert, const char *key) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    bool ok = lxd_client_builder_new_https(url, &b, NULL) == LXD_RESULT_OK &&
              lxd_client_builder_pin_server_cert_file(b, server_cert, NULL) == LXD_RESULT_OK &&
              (!cert || lxd_client_builder_set_client_cert_files(b, cert, key, NULL) == LXD_RESULT_OK) &&
              lxd_client_builder_build(b, &c, NULL) == LXD_RESULT_OK;
    lxd_client_builder_free(b);
    if (!ok) {
        printf("  FAIL cannot build an HTTPS client for %s\n", url);
        exit(1);
    }
    return c;
}

#endif
