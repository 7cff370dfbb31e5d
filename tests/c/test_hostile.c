/*
 * Reliability against a hostile server (tests/hostile's lxd-hostile): malformed envelopes, wrong
 * types, huge, truncated, stalled, reset and chunk-broken bodies, redirects, operations that never
 * end or vanish, invalid UTF-8 and NUL bytes, and TLS certificate refusal. Every case must give
 * the right lxd_result within the client's timeout, write no output on failure, and leave the
 * client usable for the next call. Needs no LXD: it starts its own fake one.
 *
 * Prints `hostile: N passed, N failed` (tests/c/run.sh adds it up; run it under valgrind there).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostile_server.h"
#include "lxdclient.h"

#define TIMEOUT_MS 2000

static int passed, failed;
static double slack_s = 3.0;
static hostile_server srv;
static lxd_client *base;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "  FAIL %s:%d: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* Outputs must be left alone on failure: they start as this sentinel. */
static char sentinel_byte;
#define SENTINEL (&sentinel_byte)

static const char *msg(const lxd_error *e) { return e ? lxd_error_message(e) : "(no error object)"; }

static lxd_client *scenario_client(const char *scenario) {
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_client_with_project(base, scenario, &c, &err);
    CHECK(r == LXD_RESULT_OK, "with_project(%s): %s", scenario, msg(err));
    lxd_error_free(err);
    return c;
}

/* After every hostile case the same client (and its connection pool) must still work. */
static void check_still_usable(const char *after) {
    lxd_client *c = scenario_client("ok");
    char *json = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_server_get(c, &json, NULL, &err);
    CHECK(r == LXD_RESULT_OK && json && strstr(json, "lxd-hostile"), "client unusable after %s: %s (%s)", after, lxd_result_name(r), msg(err));
    lxd_string_free(json);
    lxd_error_free(err);
    lxd_client_free(c);
}

enum call { SERVER_GET, LIST_NAMES, CREATE_OP, CREATE_WAIT, RAW_GET, LIST_FULL, LIST_FULL2, INSTANCE_GET, INSTANCE_STATE, IMAGE_LIST, PROFILE_GET };
static const char *call_name[] = {"lxd_server_get", "lxd_instance_list", "lxd_instance_create(op_out)", "lxd_instance_create(wait)", "lxd_raw_request",
                                  "lxd_instance_list(recursion 1)", "lxd_instance_list(recursion 2)", "lxd_instance_get", "lxd_instance_state",
                                  "lxd_image_list(recursion 1)", "lxd_profile_get"};

struct outcome {
    lxd_result rc;
    uint16_t http_status;
    double seconds;
    char message[512];
    char output[256]; /* start of the main output on success */
};

/* Run one call against `c`, checking the error contract; returns what happened. */
static struct outcome run_call(lxd_client *c, const char *scenario, enum call call) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    lxd_error *err = NULL;
    char *json = SENTINEL, *etag = SENTINEL;
    lxd_operation *op = (lxd_operation *)SENTINEL;
    uint16_t status = 7;
    char path[128];
    double t0 = hs_now();
    switch (call) {
    case SERVER_GET: o.rc = lxd_server_get(c, &json, &etag, &err); break;
    case LIST_NAMES: o.rc = lxd_instance_list(c, 0, &json, &err); break;
    case CREATE_OP: o.rc = lxd_instance_create(c, "{\"name\":\"c1\",\"source\":{\"type\":\"none\"}}", &op, &err); break;
    case CREATE_WAIT: o.rc = lxd_instance_create(c, "{\"name\":\"c1\",\"source\":{\"type\":\"none\"}}", NULL, &err); break;
    case LIST_FULL: o.rc = lxd_instance_list(c, 1, &json, &err); break;
    case LIST_FULL2: o.rc = lxd_instance_list(c, 2, &json, &err); break;
    case INSTANCE_GET: o.rc = lxd_instance_get(c, "c1", &json, &etag, &err); break;
    case INSTANCE_STATE: o.rc = lxd_instance_state(c, "c1", &json, &err); break;
    case IMAGE_LIST: o.rc = lxd_image_list(c, 1, &json, &err); break;
    case PROFILE_GET: o.rc = lxd_profile_get(c, "p1", &json, &etag, &err); break;
    case RAW_GET:
        snprintf(path, sizeof path, "/1.0?project=%s", scenario);
        o.rc = lxd_raw_request(c, "GET", path, NULL, &status, &json, &etag, &err);
        break;
    }
    o.seconds = hs_now() - t0;
    if (o.rc == LXD_RESULT_OK) {
        CHECK(err == NULL, "%s/%s: error object set on success", scenario, call_name[call]);
        if (json != SENTINEL && json) snprintf(o.output, sizeof o.output, "%s", json);
        if (json != SENTINEL) lxd_string_free(json);
        if (etag != SENTINEL) lxd_string_free(etag);
        if (op != (lxd_operation *)SENTINEL) lxd_operation_free(op);
        if (call == RAW_GET) o.http_status = status;
    } else {
        CHECK(json == SENTINEL && etag == SENTINEL && op == (lxd_operation *)SENTINEL && status == 7,
              "%s/%s: outputs written although it failed (%s)", scenario, call_name[call], lxd_result_name(o.rc));
        CHECK(err != NULL && lxd_error_code(err) == o.rc, "%s/%s: error object missing or with another code", scenario, call_name[call]);
        CHECK(err == NULL || strlen(lxd_error_message(err)) > 0, "%s/%s: empty error message", scenario, call_name[call]);
        if (err) {
            o.http_status = lxd_error_http_status(err);
            snprintf(o.message, sizeof o.message, "%s", lxd_error_message(err));
        }
    }
    lxd_error_free(err);
    return o;
}

struct hcase {
    const char *scenario;
    enum call call;
    lxd_result want;
    const char *message_has; /* on failure: part of the message; on success: part of the output */
};

static const struct hcase cases[] = {
    {"ok", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
    {"invalid-json", SERVER_GET, LXD_RESULT_PROTOCOL, "not a JSON envelope"},
    {"weird-type", SERVER_GET, LXD_RESULT_PROTOCOL, "weird"},
    {"type-not-string", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"missing-type", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"null-body", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"empty-body", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"array-body", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"wrong-field-types", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"wrong-metadata-types", SERVER_GET, LXD_RESULT_PROTOCOL, "unexpected metadata"},
    {"missing-metadata", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"sync-for-async", CREATE_OP, LXD_RESULT_PROTOCOL, "expected an operation"},
    {"sync-for-async", CREATE_WAIT, LXD_RESULT_PROTOCOL, "expected an operation"},
    {"async-for-sync", SERVER_GET, LXD_RESULT_PROTOCOL, "got an operation"},
    {"async-no-id", CREATE_OP, LXD_RESULT_PROTOCOL, "operation id"},
    {"async-bad-metadata", CREATE_OP, LXD_RESULT_PROTOCOL, NULL},
    {"async-url-only", CREATE_WAIT, LXD_RESULT_OK, NULL},
    {"async-nul-id", CREATE_OP, LXD_RESULT_PROTOCOL, "operation id"},
    {"async-nul-id", CREATE_WAIT, LXD_RESULT_PROTOCOL, "operation id"},
    {"async-dotdot-id", CREATE_OP, LXD_RESULT_PROTOCOL, "operation id"},
    {"accepted-no-op", CREATE_OP, LXD_RESULT_PROTOCOL, NULL},
    {"accepted-sync", CREATE_OP, LXD_RESULT_PROTOCOL, "expected an operation"},
    {"huge-length", SERVER_GET, LXD_RESULT_PROTOCOL, "larger than"},
    {"truncated-length", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
    {"truncated-chunked", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
    {"reset-mid-body", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
    {"close-before-reply", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
    /* A timeout says what did not arrive and after how long (issue 13 item 6). */
    {"stall-headers", SERVER_GET, LXD_RESULT_TIMEOUT, "no reply from LXD within 2 s (client timeout)"},
    {"stall-body", SERVER_GET, LXD_RESULT_TIMEOUT, "within 2 s (client timeout)"},
    {"slow-drip", SERVER_GET, LXD_RESULT_TIMEOUT, "within 2 s (client timeout)"},
    {"chunked-bad-size", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"chunked-overflow", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"chunked-no-crlf", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"content-length-conflict", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"content-length-bad", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"bad-status-line", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"not-http", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"huge-headers", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"many-headers", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"nul-in-header", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"redirect", SERVER_GET, LXD_RESULT_PROTOCOL, "redirect"},
    {"redirect-with-body", SERVER_GET, LXD_RESULT_PROTOCOL, "redirect"},
    {"interim-100", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
    {"http10", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
    {"no-length-11", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
    {"bad-utf8", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"bad-utf8", RAW_GET, LXD_RESULT_PROTOCOL, "UTF-8"},
    {"nul-escaped", SERVER_GET, LXD_RESULT_OK, NULL},
    {"nul-raw", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"nul-raw", RAW_GET, LXD_RESULT_PROTOCOL, "NUL"},
    {"error-html", SERVER_GET, LXD_RESULT_API, "Bad Gateway"},
    {"error-envelope", SERVER_GET, LXD_RESULT_NOT_FOUND, "Instance not found"},
    {"error-in-200", SERVER_GET, LXD_RESULT_FORBIDDEN, "not authorized"},
    {"error-code-huge", SERVER_GET, LXD_RESULT_API, "huge"},
    {"deep-nesting", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"huge-number", SERVER_GET, LXD_RESULT_PROTOCOL, NULL},
    {"list-not-array", LIST_NAMES, LXD_RESULT_PROTOCOL, NULL},
    {"list-bad-url", LIST_NAMES, LXD_RESULT_PROTOCOL, "UTF-8"},
    {"list-null", LIST_NAMES, LXD_RESULT_OK, "[]"},
    {"list-null", LIST_FULL, LXD_RESULT_OK, "[]"},
    /* An envelope without `metadata` where a result is expected is never an empty result
     * (issue 13 item 1); nor is an object without the fields LXD always sends. */
    {"list-no-metadata", LIST_NAMES, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", LIST_FULL, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", LIST_FULL2, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", IMAGE_LIST, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", INSTANCE_GET, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", INSTANCE_STATE, LXD_RESULT_PROTOCOL, "metadata"},
    {"list-no-metadata", SERVER_GET, LXD_RESULT_PROTOCOL, "metadata"},
    {"model-missing-fields", SERVER_GET, LXD_RESULT_PROTOCOL, "api_version"},
    {"model-missing-fields", LIST_FULL, LXD_RESULT_PROTOCOL, "name"},
    {"model-missing-fields", INSTANCE_GET, LXD_RESULT_PROTOCOL, "name"},
    {"model-missing-fields", IMAGE_LIST, LXD_RESULT_PROTOCOL, "fingerprint"},
    {"model-missing-fields", PROFILE_GET, LXD_RESULT_PROTOCOL, "name"},
    {"op-vanish", CREATE_WAIT, LXD_RESULT_NOT_FOUND, "vanished"},
    {"op-fail", CREATE_WAIT, LXD_RESULT_OPERATION_FAILED, "boom"},
    {"op-cancelled", CREATE_WAIT, LXD_RESULT_OPERATION_FAILED, NULL},
    {"op-garbage", CREATE_WAIT, LXD_RESULT_PROTOCOL, NULL},
    {"op-huge-status", CREATE_WAIT, LXD_RESULT_PROTOCOL, NULL},
    {"op-no-id", CREATE_WAIT, LXD_RESULT_PROTOCOL, "without id"},
    {"op-slow", CREATE_WAIT, LXD_RESULT_OK, NULL},
};

static void run_case(lxd_client *base_client, const struct hcase *k, const char *transport) {
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    if (lxd_client_with_project(base_client, k->scenario, &c, &err) != LXD_RESULT_OK) {
        CHECK(0, "with_project: %s", msg(err));
        lxd_error_free(err);
        return;
    }
    struct outcome o = run_call(c, k->scenario, k->call);
    CHECK(o.rc == k->want, "[%s] %s via %s: got %s (HTTP %u, \"%s\"), want %s", transport, k->scenario, call_name[k->call],
          lxd_result_name(o.rc), o.http_status, o.message, lxd_result_name(k->want));
    if (k->message_has && o.rc == k->want) {
        const char *where = o.rc == LXD_RESULT_OK ? o.output : o.message;
        CHECK(strstr(where, k->message_has) != NULL, "[%s] %s: \"%s\" lacks \"%s\"", transport, k->scenario, where, k->message_has);
    }
    /* No transport-internal wording reaches the user (issue 13 item 6). */
    CHECK(!strstr(o.message, "global") && !strstr(o.message, "timed out:") && !strstr(o.message, "os error"), "[%s] %s: transport wording in \"%s\"",
          transport, k->scenario, o.message);
    /* Every call ends within the client's timeout (stalls included). */
    CHECK(o.seconds < TIMEOUT_MS / 1000.0 + slack_s, "[%s] %s took %.1f s (timeout %d ms)", transport, k->scenario, o.seconds, TIMEOUT_MS);
    printf("  %-8s %-24s %-28s -> %-28s %.2fs\n", transport, k->scenario, call_name[k->call], lxd_result_name(o.rc), o.seconds);
    lxd_client_free(c);
    check_still_usable(k->scenario);
}


/* ---- Reply size limit (issue 13 item 2): result, time and peak memory of one GET /1.0 whose
 * reply is big, measured in a child process that runs natively even under valgrind (its own
 * binary re-executed: valgrind does not follow exec), so its VmHWM is the library's real peak. */

static long status_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') v = atol(line + n + 1);
    }
    if (f) fclose(f);
    return v;
}

/* Child: `test_hostile --rss-probe SOCKET PROJECT MAX_BYTES TIMEOUT_MS`; prints
 * "rc=N seconds=S base_kb=B hwm_kb=H". MAX_BYTES 0: the library's default. */
static int rss_probe(char **argv) {
    const char *socket_path = argv[2], *project = argv[3];
    unsigned long long max_bytes = strtoull(argv[4], NULL, 10);
    unsigned long long timeout_ms = strtoull(argv[5], NULL, 10);
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_client_builder_new_unix(socket_path, &b, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_timeout_ms(b, timeout_ms, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_project(b, project, &err);
    if (r == LXD_RESULT_OK && max_bytes) r = lxd_client_builder_set_max_reply_bytes(b, max_bytes, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_build(b, &c, &err);
    lxd_client_builder_free(b);
    if (r != LXD_RESULT_OK) {
        printf("rc=%d seconds=0 base_kb=0 hwm_kb=0 setup: %s\n", (int)r, msg(err));
        lxd_error_free(err);
        return 1;
    }
    /* Reset the peak (VmHWM) to the current RSS, so the peak below is this call's. */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
    long base = status_kb("VmRSS");
    char *json = NULL;
    double t0 = hs_now();
    r = lxd_server_get(c, &json, NULL, &err);
    double dt = hs_now() - t0;
    long hwm = status_kb("VmHWM");
    printf("rc=%d seconds=%.2f base_kb=%ld hwm_kb=%ld msg=%s\n", (int)r, dt, base, hwm, r == LXD_RESULT_OK ? "" : msg(err));
    lxd_string_free(json);
    lxd_error_free(err);
    lxd_client_free(c);
    return 0;
}

struct probe_result {
    int rc;
    double seconds;
    long extra_kb; /* peak RSS during the call, over the RSS before it */
    char message[256];
};

static struct probe_result run_probe(const char *project, unsigned long long max_bytes, unsigned long long timeout_ms) {
    struct probe_result pr = {-1, 0, -1, ""};
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return pr;
    self[len] = '\0';
    char maxs[32], tos[32], cmd[PATH_MAX + 512];
    snprintf(maxs, sizeof maxs, "%llu", max_bytes);
    snprintf(tos, sizeof tos, "%llu", timeout_ms);
    snprintf(cmd, sizeof cmd, "'%s' --rss-probe '%s' '%s' %s %s", self, srv.socket, project, maxs, tos);
    FILE *p = popen(cmd, "r");
    if (!p) return pr;
    char line[512] = "";
    if (!fgets(line, sizeof line, p)) line[0] = '\0';
    pclose(p);
    long base = 0, hwm = 0;
    if (sscanf(line, "rc=%d seconds=%lf base_kb=%ld hwm_kb=%ld", &pr.rc, &pr.seconds, &base, &hwm) == 4) pr.extra_kb = hwm - base;
    char *m = strstr(line, "msg=");
    if (m) snprintf(pr.message, sizeof pr.message, "%s", m + 4);
    pr.message[strcspn(pr.message, "\n")] = '\0';
    return pr;
}

static void check_reply_limit(void) {
    static const struct {
        const char *project;
        unsigned long long max_bytes; /* 0: the default (32 MiB) */
        lxd_result want;
        long max_extra_mib; /* peak RSS over the RSS before the call */
    } cases[] = {
        /* Over the default limit: refused as it streams (chunked) or at once (declared). */
        {"big-chunked-64", 0, LXD_RESULT_PROTOCOL, 32 + 6},
        {"big-length-64", 0, LXD_RESULT_PROTOCOL, 6},
        {"big-chunked-300", 0, LXD_RESULT_PROTOCOL, 32 + 6},
        /* Under it: a valid 20 MiB reply still parses. */
        {"big-chunked-20", 0, LXD_RESULT_OK, 3 * 20 + 6},
        /* The builder setting lowers the limit ... */
        {"big-chunked-4", 1 << 20, LXD_RESULT_PROTOCOL, 1 + 6},
        {"big-length-4", 1 << 20, LXD_RESULT_PROTOCOL, 6},
        /* ... and raises it. */
        {"big-chunked-48", 64ULL << 20, LXD_RESULT_OK, 3 * 48 + 6},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct probe_result pr = run_probe(cases[i].project, cases[i].max_bytes, 60000);
        CHECK(pr.rc == (int)cases[i].want, "reply limit %s (max %llu): got %s (%s), want %s", cases[i].project, cases[i].max_bytes,
              lxd_result_name((lxd_result)pr.rc), pr.message, lxd_result_name(cases[i].want));
        if (cases[i].want == LXD_RESULT_PROTOCOL && pr.rc == (int)cases[i].want)
            CHECK(strstr(pr.message, "larger than") != NULL, "reply limit %s: message \"%s\"", cases[i].project, pr.message);
        CHECK(pr.extra_kb >= 0 && pr.extra_kb < cases[i].max_extra_mib * 1024, "reply limit %s: peak RSS +%ld KiB over the call, want < %ld MiB",
              cases[i].project, pr.extra_kb, cases[i].max_extra_mib);
        printf("  limit    %-18s max %-10llu -> %-22s %.2fs peak RSS +%.1f MiB\n", cases[i].project, cases[i].max_bytes,
               lxd_result_name((lxd_result)pr.rc), pr.seconds, pr.extra_kb / 1024.0);
    }
}

static void check_details(void) {
    /* The 500 HTML page keeps its HTTP status; NUL stays visible as an escape in JSON output. */
    lxd_client *c = scenario_client("error-html");
    struct outcome o = run_call(c, "error-html", SERVER_GET);
    CHECK(o.http_status == 500, "error-html: HTTP status %u, want 500", o.http_status);
    lxd_client_free(c);

    c = scenario_client("nul-escaped");
    o = run_call(c, "nul-escaped", SERVER_GET);
    CHECK(o.rc == LXD_RESULT_OK && strstr(o.output, "before\\u0000after") != NULL, "nul-escaped: the NUL must stay escaped, not truncate: %s", o.output);
    lxd_client_free(c);

    /* A 300 MiB chunked body has no declared length: the client stops at its limit (32 MiB by
     * default), with a timeout long enough to get there. */
    lxd_client_builder *b = NULL;
    lxd_client *hc = NULL;
    lxd_error *e = NULL;
    if (lxd_client_builder_new_unix(srv.socket, &b, &e) == LXD_RESULT_OK && lxd_client_builder_set_timeout_ms(b, 300000, &e) == LXD_RESULT_OK &&
        lxd_client_builder_set_project(b, "huge-chunked", &e) == LXD_RESULT_OK && lxd_client_builder_build(b, &hc, &e) == LXD_RESULT_OK) {
        o = run_call(hc, "huge-chunked", SERVER_GET);
        CHECK(o.rc == LXD_RESULT_PROTOCOL && strstr(o.message, "larger than"), "huge-chunked: got %s (%s), want PROTOCOL", lxd_result_name(o.rc), o.message);
        printf("  unix     huge-chunked (timeout 300 s)  lxd_server_get -> %s %.2fs\n", lxd_result_name(o.rc), o.seconds);
    } else {
        CHECK(0, "huge-chunked client: %s", msg(e));
    }
    lxd_error_free(e);
    lxd_client_free(hc);
    lxd_client_builder_free(b);
    check_still_usable("huge-chunked");

    /* The 300 MiB bodies are refused before the client reads them all. */
    char sent[64];
    /* The server records the count once its next write fails (after the client hung up). */
    for (int i = 0; i < 200 && (hostile_read(&srv, "sent-huge-length", sent, sizeof sent) != 0 || hostile_read(&srv, "sent-huge-chunked", sent, sizeof sent) != 0); i++)
        hs_sleep_ms(50);
    if (hostile_read(&srv, "sent-huge-length", sent, sizeof sent) == 0) {
        long long n = atoll(sent);
        CHECK(n < 64LL << 20, "huge-length: the client read %lld bytes of a 300 MiB body declared too large up front", n);
        printf("  huge-length: server wrote %lld bytes before the client hung up\n", n);
    } else {
        CHECK(0, "huge-length: no byte count from the server");
    }
    if (hostile_read(&srv, "sent-huge-chunked", sent, sizeof sent) == 0) {
        long long n = atoll(sent);
        CHECK(n < (32LL << 20) + (16LL << 20), "huge-chunked: the client read %lld bytes, far past its 32 MiB limit", n);
        printf("  huge-chunked: server wrote %lld bytes before the client hung up\n", n);
    } else {
        CHECK(0, "huge-chunked: no byte count from the server");
    }

    /* op-fail keeps the failed operation's metadata (exec's exit code lives there). */
    c = scenario_client("op-fail");
    lxd_operation *op = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_instance_create(c, "{\"name\":\"c1\"}", &op, &err);
    CHECK(r == LXD_RESULT_OK && op, "op-fail: create: %s", msg(err));
    lxd_error_free(err);
    err = NULL;
    if (op) {
        r = lxd_operation_wait(op, 5000, &err);
        CHECK(r == LXD_RESULT_OPERATION_FAILED, "op-fail: wait gave %s", lxd_result_name(r));
        const char *meta = lxd_error_operation_metadata(err);
        CHECK(meta && strstr(meta, "127"), "op-fail: metadata %s", meta ? meta : "(null)");
        CHECK(lxd_operation_status_code(op) == 400, "op-fail: status code %d", lxd_operation_status_code(op));
        lxd_error_free(err);
        lxd_operation_free(op);
    }
    lxd_client_free(c);
}

struct waiter {
    lxd_operation *op;
    int64_t timeout_ms;
    lxd_result rc;
    double seconds;
    volatile int done;
};

static void *wait_thread(void *arg) {
    struct waiter *w = arg;
    double t0 = hs_now();
    lxd_error *err = NULL;
    w->rc = lxd_operation_wait(w->op, w->timeout_ms, &err);
    w->seconds = hs_now() - t0;
    lxd_error_free(err);
    __atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Wait on another thread; if it is still blocked after `watchdog_s`, interrupt it so the test ends. */
static struct waiter wait_with_watchdog(lxd_operation *op, int64_t timeout_ms, double interrupt_after_s, double watchdog_s) {
    struct waiter w = {op, timeout_ms, LXD_RESULT_OK, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, wait_thread, &w);
    double t0 = hs_now();
    bool interrupted = false;
    while (!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST)) {
        double el = hs_now() - t0;
        if (!interrupted && ((interrupt_after_s >= 0 && el >= interrupt_after_s) || el >= watchdog_s)) {
            if (el >= watchdog_s) CHECK(0, "operation wait still blocked after %.0f s: interrupting it", watchdog_s);
            lxd_operation_interrupt(op);
            interrupted = true;
        }
        hs_sleep_ms(10);
    }
    pthread_join(t, NULL);
    return w;
}

static lxd_operation *start_op(const char *scenario) {
    lxd_client *c = scenario_client(scenario);
    lxd_operation *op = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_instance_create(c, "{\"name\":\"c1\"}", &op, &err);
    CHECK(r == LXD_RESULT_OK && op, "%s: create gave %s: %s", scenario, lxd_result_name(r), msg(err));
    lxd_error_free(err);
    lxd_client_free(c);
    return op;
}

static void check_operations(void) {
    lxd_error *err = NULL;
    /* An operation that never finishes: a bounded wait times out, the handle stays usable. */
    lxd_operation *op = start_op("op-never");
    if (op) {
        struct waiter w = wait_with_watchdog(op, 1500, -1, 30);
        CHECK(w.rc == LXD_RESULT_TIMEOUT, "op-never: wait(1500 ms) gave %s", lxd_result_name(w.rc));
        CHECK(w.seconds >= 1.4 && w.seconds < 1.5 + slack_s, "op-never: wait(1500 ms) took %.2f s", w.seconds);
        printf("  op-never: wait(1500 ms) -> %s in %.2fs\n", lxd_result_name(w.rc), w.seconds);
        w = wait_with_watchdog(op, 0, -1, 30);
        CHECK(w.rc == LXD_RESULT_TIMEOUT && w.seconds < 1 + slack_s, "op-never: wait(0) gave %s in %.2f s", lxd_result_name(w.rc), w.seconds);
        lxd_result r = lxd_operation_refresh(op, &err);
        CHECK(r == LXD_RESULT_OK && lxd_operation_status_code(op) == 103, "op-never: refresh gave %s, status %d", lxd_result_name(r), lxd_operation_status_code(op));
        lxd_error_free(err);
        err = NULL;
        r = lxd_operation_cancel(op, &err);
        CHECK(r == LXD_RESULT_FORBIDDEN, "op-never: cancel gave %s", lxd_result_name(r));
        lxd_error_free(err);
        err = NULL;
        /* Interrupt from another thread: the unbounded wait returns CANCELLED promptly. */
        w = wait_with_watchdog(op, -1, 0.3, 30);
        CHECK(w.rc == LXD_RESULT_CANCELLED, "op-never: interrupted wait gave %s", lxd_result_name(w.rc));
        CHECK(w.seconds < 0.3 + slack_s, "op-never: interrupted wait took %.2f s", w.seconds);
        printf("  op-never: wait(-1) interrupted after 0.3 s -> %s in %.2fs\n", lxd_result_name(w.rc), w.seconds);
        /* ... and every later wait on the handle too, at once. */
        w = wait_with_watchdog(op, -1, -1, 30);
        CHECK(w.rc == LXD_RESULT_CANCELLED && w.seconds < 1, "op-never: wait after interrupt gave %s in %.2f s", lxd_result_name(w.rc), w.seconds);
        lxd_operation_interrupt(op); /* any number of times */
        lxd_operation_free(op);
    }
    check_still_usable("op-never");

    /* A wait whose reply never comes: a bounded wait still ends with TIMEOUT near its deadline. */
    op = start_op("op-stall");
    if (op) {
        struct waiter w = wait_with_watchdog(op, 1500, -1, 40);
        CHECK(w.rc == LXD_RESULT_TIMEOUT, "op-stall: wait(1500 ms) gave %s", lxd_result_name(w.rc));
        CHECK(w.seconds < 1.5 + slack_s, "op-stall: wait(1500 ms) took %.2f s", w.seconds);
        printf("  op-stall: wait(1500 ms) -> %s in %.2fs\n", lxd_result_name(w.rc), w.seconds);
        w = wait_with_watchdog(op, -1, 0.3, 30);
        CHECK(w.rc == LXD_RESULT_CANCELLED && w.seconds < 0.3 + slack_s, "op-stall: interrupted wait gave %s in %.2f s", lxd_result_name(w.rc), w.seconds);
        lxd_operation_free(op);
    }
    check_still_usable("op-stall");

    /* An operation whose id (from the server) holds a NUL: refused, never a silently cut id. */
    {
        lxd_client *c = scenario_client("async-nul-id");
        lxd_operation *o = (lxd_operation *)SENTINEL;
        lxd_result r = lxd_operation_open(c, "x", &o, &err);
        CHECK(r == LXD_RESULT_PROTOCOL && o == (lxd_operation *)SENTINEL, "async-nul-id: operation_open gave %s: %s", lxd_result_name(r), msg(err));
        lxd_error_free(err);
        err = NULL;
        lxd_client_free(c);
    }

    /* Vanished while waiting: a clear NOT_FOUND, never success. */
    op = start_op("op-vanish");
    if (op) {
        lxd_result r = lxd_operation_wait(op, 5000, &err);
        CHECK(r == LXD_RESULT_NOT_FOUND && strstr(lxd_error_message(err), "vanished"), "op-vanish: wait gave %s: %s", lxd_result_name(r), msg(err));
        lxd_error_free(err);
        err = NULL;
        lxd_operation_free(op);
    }
}

/* Event websockets that misbehave, and file downloads cut short or with bad headers. */
static void check_streams(void) {
    static const struct {
        const char *scenario;
        lxd_result open_rc, next_rc;
        const char *message_has; /* part of the open error's message */
    } ws[] = {
        {"ok", LXD_RESULT_OK, LXD_RESULT_TIMEOUT, NULL},
        {"ws-garbage-event", LXD_RESULT_OK, LXD_RESULT_PROTOCOL, NULL},
        {"ws-close", LXD_RESULT_OK, LXD_RESULT_CONNECTION, NULL},
        {"ws-bad-frame", LXD_RESULT_OK, LXD_RESULT_PROTOCOL, NULL},
        {"ws-huge-frame", LXD_RESULT_OK, LXD_RESULT_PROTOCOL, NULL},
        {"ws-refused", LXD_RESULT_PROTOCOL, LXD_RESULT_OK, NULL},
        /* A refused upgrade whose body did not arrive whole is a timeout or a connection
         * failure, never the status line's meaning (issue 13 item 3) ... */
        {"ws-refused-stall", LXD_RESULT_TIMEOUT, LXD_RESULT_OK, "within 2 s (client timeout)"},
        {"ws-refused-truncated", LXD_RESULT_CONNECTION, LXD_RESULT_OK, NULL},
        {"ws-refused-reset", LXD_RESULT_CONNECTION, LXD_RESULT_OK, NULL},
        {"ws-refused-chunked-cut", LXD_RESULT_CONNECTION, LXD_RESULT_OK, NULL},
        /* ... and a whole envelope gives its status and its `error`. */
        {"ws-refused-envelope", LXD_RESULT_NOT_FOUND, LXD_RESULT_OK, "Instance not found"},
        {"ws-refused-chunked", LXD_RESULT_FORBIDDEN, LXD_RESULT_OK, "not authorized"},
    };
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        lxd_client *c = scenario_client(ws[i].scenario);
        lxd_event_listener *l = (lxd_event_listener *)SENTINEL;
        lxd_error *err = NULL;
        double t0 = hs_now();
        lxd_result r = lxd_event_listener_open(c, NULL, false, &l, &err);
        double open_s = hs_now() - t0;
        CHECK(r == ws[i].open_rc, "%s: event_listener_open gave %s (%s), want %s", ws[i].scenario, lxd_result_name(r), msg(err), lxd_result_name(ws[i].open_rc));
        if (r != LXD_RESULT_OK && ws[i].message_has)
            CHECK(strstr(msg(err), ws[i].message_has) != NULL && !strchr(msg(err), '{') && !strchr(msg(err), '\r'),
                  "%s: open message \"%s\" lacks \"%s\" (or holds raw body bytes)", ws[i].scenario, msg(err), ws[i].message_has);
        if (r != LXD_RESULT_OK)
            CHECK(!strstr(msg(err), "global") && !strstr(msg(err), "os error") && !strstr(msg(err), "timed out:"), "%s: transport wording in \"%s\"", ws[i].scenario, msg(err));
        CHECK(open_s < TIMEOUT_MS / 1000.0 + slack_s, "%s: event_listener_open took %.1f s", ws[i].scenario, open_s);
        lxd_error_free(err);
        err = NULL;
        if (r == LXD_RESULT_OK) {
            char *json = SENTINEL;
            r = lxd_event_listener_next(l, 1500, &json, &err);
            double dt = hs_now() - t0;
            CHECK(r == ws[i].next_rc && json == SENTINEL, "%s: event_listener_next gave %s (%s), want %s", ws[i].scenario, lxd_result_name(r), msg(err),
                  lxd_result_name(ws[i].next_rc));
            CHECK(dt < 1.5 + TIMEOUT_MS / 1000.0 + slack_s, "%s: events took %.1f s", ws[i].scenario, dt);
            printf("  events   %-24s lxd_event_listener_next      -> %-28s %.2fs\n", ws[i].scenario, lxd_result_name(r), dt);
            lxd_error_free(err);
            lxd_event_listener_close(l);
            lxd_event_listener_close(l); /* twice is fine */
            lxd_event_listener_free(l);
        } else {
            CHECK(l == (lxd_event_listener *)SENTINEL, "%s: listener written on failure", ws[i].scenario);
            printf("  events   %-24s lxd_event_listener_open      -> %-28s %.2fs\n", ws[i].scenario, lxd_result_name(r), open_s);
        }
        lxd_client_free(c);
        check_still_usable(ws[i].scenario);
    }

    /* A download cut short: an error, no bytes handed out, and no partial local file. */
    lxd_client *c = scenario_client("file-truncated");
    uint8_t *data = (uint8_t *)SENTINEL;
    size_t len = 7;
    lxd_error *err = NULL;
    lxd_result r = lxd_file_pull_bytes(c, "c1", "/etc/hostname", 0, &data, &len, NULL, &err);
    CHECK(r == LXD_RESULT_CONNECTION && data == (uint8_t *)SENTINEL && len == 7, "file-truncated: pull_bytes gave %s (%s)", lxd_result_name(r), msg(err));
    printf("  files    %-24s lxd_file_pull_bytes          -> %s\n", "file-truncated", lxd_result_name(r));
    lxd_error_free(err);
    err = NULL;
    char local[256];
    snprintf(local, sizeof local, "%s/pulled-file", srv.dir);
    r = lxd_file_pull_path(c, "c1", "/etc/hostname", local, NULL, NULL, NULL, &err);
    CHECK(r == LXD_RESULT_CONNECTION, "file-truncated: pull_path gave %s (%s)", lxd_result_name(r), msg(err));
    CHECK(!hs_exists(local), "file-truncated: a partial %s was left behind", local);
    printf("  files    %-24s lxd_file_pull_path           -> %s, no partial file: %s\n", "file-truncated", lxd_result_name(r), hs_exists(local) ? "no" : "yes");
    lxd_error_free(err);
    err = NULL;
    lxd_client_free(c);
    check_still_usable("file-truncated");

    c = scenario_client("file-bad-headers");
    data = (uint8_t *)SENTINEL;
    struct lxd_file_info info;
    memset(&info, 0x5a, sizeof info);
    r = lxd_file_pull_bytes(c, "c1", "/etc/hostname", 0, &data, &len, &info, &err);
    CHECK(r == LXD_RESULT_PROTOCOL && data == (uint8_t *)SENTINEL, "file-bad-headers: pull_bytes gave %s (%s)", lxd_result_name(r), msg(err));
    printf("  files    %-24s lxd_file_pull_bytes          -> %s\n", "file-bad-headers", lxd_result_name(r));
    lxd_error_free(err);
    lxd_client_free(c);
    check_still_usable("file-bad-headers");
}

/* A client on the hostile server for `scenario`, with an operation deadline (0: none). */
static lxd_client *deadline_client(const char *scenario, uint64_t deadline_ms) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_client_builder_new_unix(srv.socket, &b, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_timeout_ms(b, TIMEOUT_MS, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_operation_deadline_ms(b, deadline_ms, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_project(b, scenario, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_build(b, &c, &err);
    CHECK(r == LXD_RESULT_OK, "client for %s with deadline %llu ms: %s", scenario, (unsigned long long)deadline_ms, msg(err));
    lxd_error_free(err);
    lxd_client_builder_free(b);
    return c;
}

struct exec_run {
    lxd_exec *x;
    lxd_result rc;
    int exit_code;
    double seconds;
    char message[512];
    volatile int done;
};

static void *exec_thread(void *arg) {
    struct exec_run *e = arg;
    lxd_error *err = NULL;
    double t0 = hs_now();
    e->exit_code = -12345;
    e->rc = lxd_exec_run(e->x, &e->exit_code, &err);
    e->seconds = hs_now() - t0;
    if (err) snprintf(e->message, sizeof e->message, "%s", lxd_error_message(err));
    lxd_error_free(err);
    __atomic_store_n(&e->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* lxd_exec_run of `echo hi` on another thread; cancelled (and failed) if still running after
 * `watchdog_s`, so a regression cannot hang the suite. */
static struct exec_run exec_with_watchdog(lxd_client *c, const char *options, double watchdog_s) {
    struct exec_run e;
    memset(&e, 0, sizeof e);
    const char *argv[] = {"echo", "hi"};
    lxd_error *err = NULL;
    e.rc = lxd_exec_new(c, "c1", argv, 2, options, &e.x, &err);
    CHECK(e.rc == LXD_RESULT_OK, "exec_new(%s): %s", options ? options : "NULL", msg(err));
    lxd_error_free(err);
    if (e.rc != LXD_RESULT_OK) return e;
    pthread_t t;
    pthread_create(&t, NULL, exec_thread, &e);
    double t0 = hs_now();
    bool cancelled = false;
    while (!__atomic_load_n(&e.done, __ATOMIC_SEQ_CST)) {
        if (!cancelled && hs_now() - t0 >= watchdog_s) {
            CHECK(0, "exec still running after %.0f s: cancelling it", watchdog_s);
            lxd_exec_cancel(e.x);
            cancelled = true;
        }
        hs_sleep_ms(10);
    }
    pthread_join(t, NULL);
    lxd_exec_free(e.x);
    e.x = NULL;
    return e;
}

/* Exec output websockets that break the protocol fail the exec at once with PROTOCOL (whatever
 * its timeout), and the client's operation deadline bounds every wait that has no timeout. */
static void check_exec(void) {
    /* The fake exec works: output and exit code as LXD gives them. */
    {
        lxd_client *c = scenario_client("exec-ok");
        const char *argv[] = {"echo", "hello"};
        int code = -1;
        uint8_t *out = (uint8_t *)SENTINEL, *errb = (uint8_t *)SENTINEL;
        size_t ol = 7, el = 7;
        lxd_error *err = NULL;
        lxd_result r = lxd_instance_exec(c, "c1", argv, 2, NULL, NULL, 0, &code, &out, &ol, &errb, &el, &err);
        CHECK(r == LXD_RESULT_OK && code == 0 && ol == 6 && out != (uint8_t *)SENTINEL && memcmp(out, "hello\n", 6) == 0 && el == 0,
              "exec-ok: %s (%s), exit %d, stdout %zu bytes", lxd_result_name(r), msg(err), code, ol);
        if (r == LXD_RESULT_OK) {
            lxd_bytes_free(out, ol);
            lxd_bytes_free(errb, el);
        }
        lxd_error_free(err);
        lxd_client_free(c);
    }

    static const struct {
        const char *scenario;
        const char *message_has;
    } bad[] = {
        {"exec-text", "end-of-stream marker"},
        {"exec-bad-utf8", "not UTF-8"},
        {"exec-rsv", "reserved bits"},
        {"exec-opcode", "opcode"},
        {"exec-huge", "frame of 4611686018427387904 bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* Buffered, without a timeout: before, it waited forever (text, UTF-8, huge frame). */
        lxd_client *c = scenario_client(bad[i].scenario);
        const char *argv[] = {"echo", "hi"};
        int code = -7;
        uint8_t *out = (uint8_t *)SENTINEL, *errb = (uint8_t *)SENTINEL;
        size_t ol = 7, el = 7;
        lxd_error *err = NULL;
        double t0 = hs_now();
        lxd_result r = lxd_instance_exec(c, "c1", argv, 2, NULL, NULL, 0, &code, &out, &ol, &errb, &el, &err);
        double dt = hs_now() - t0;
        CHECK(r == LXD_RESULT_PROTOCOL && err && strstr(lxd_error_message(err), bad[i].message_has), "%s: lxd_instance_exec gave %s (%s), want PROTOCOL with \"%s\"",
              bad[i].scenario, lxd_result_name(r), msg(err), bad[i].message_has);
        CHECK(code == -7 && out == (uint8_t *)SENTINEL && ol == 7 && errb == (uint8_t *)SENTINEL && el == 7, "%s: outputs written on failure", bad[i].scenario);
        /* At once: not after any timeout (there is none here but the 10-minute default deadline). */
        CHECK(dt < 1.0 + slack_s, "%s: lxd_instance_exec took %.2f s", bad[i].scenario, dt);
        printf("  exec     %-24s lxd_instance_exec            -> %-28s %.2fs\n", bad[i].scenario, lxd_result_name(r), dt);
        lxd_error_free(err);
        /* A handle with a 60 s timeout: PROTOCOL at once too, not after 60 s. */
        struct exec_run e = exec_with_watchdog(c, "{\"timeout_ms\":60000}", 60);
        CHECK(e.rc == LXD_RESULT_PROTOCOL && strstr(e.message, bad[i].message_has), "%s: lxd_exec_run gave %s (%s)", bad[i].scenario, lxd_result_name(e.rc), e.message);
        CHECK(e.seconds < 1.0 + slack_s, "%s: lxd_exec_run (timeout_ms 60000) took %.2f s", bad[i].scenario, e.seconds);
        printf("  exec     %-24s lxd_exec_run(timeout 60 s)   -> %-28s %.2fs\n", bad[i].scenario, lxd_result_name(e.rc), e.seconds);
        lxd_client_free(c);
        check_still_usable(bad[i].scenario);
    }

    /* The operation deadline: 1500 ms. */
    const uint64_t dl_ms = 1500;
    const double dl = dl_ms / 1000.0;
    static const char *ops[] = {"op-never", "op-stall"};
    for (size_t i = 0; i < 2; i++) {
        lxd_client *c = deadline_client(ops[i], dl_ms);
        if (!c) continue;
        lxd_error *err = NULL;
        double t0 = hs_now();
        lxd_result r = lxd_instance_start(c, "c1", NULL, &err);
        double dt = hs_now() - t0;
        CHECK(r == LXD_RESULT_TIMEOUT && err && strstr(lxd_error_message(err), "operation deadline"), "%s: start(op_out=NULL) under a %llu ms deadline gave %s (%s)", ops[i],
              (unsigned long long)dl_ms, lxd_result_name(r), msg(err));
        CHECK(dt >= dl - 0.05 && dt < dl + slack_s, "%s: start(op_out=NULL) under a %.1f s deadline took %.2f s", ops[i], dl, dt);
        printf("  deadline %-24s lxd_instance_start(NULL)     -> %-28s %.2fs (deadline %.1f s)\n", ops[i], lxd_result_name(r), dt, dl);
        lxd_error_free(err);
        err = NULL;
        /* lxd_operation_wait(-1) waits up to the deadline too; an explicit timeout wins over it. */
        lxd_operation *op = NULL;
        r = lxd_instance_start(c, "c1", &op, &err);
        CHECK(r == LXD_RESULT_OK && op, "%s: start(op_out): %s", ops[i], msg(err));
        lxd_error_free(err);
        err = NULL;
        if (op) {
            struct waiter w = wait_with_watchdog(op, -1, -1, 30);
            CHECK(w.rc == LXD_RESULT_TIMEOUT && w.seconds >= dl - 0.05 && w.seconds < dl + slack_s, "%s: wait(-1) under a %.1f s deadline gave %s in %.2f s", ops[i], dl,
                  lxd_result_name(w.rc), w.seconds);
            printf("  deadline %-24s lxd_operation_wait(-1)       -> %-28s %.2fs\n", ops[i], lxd_result_name(w.rc), w.seconds);
            w = wait_with_watchdog(op, 2500, -1, 30);
            CHECK(w.rc == LXD_RESULT_TIMEOUT && w.seconds >= 2.45 && w.seconds < 2.5 + slack_s, "%s: wait(2500) under a %.1f s deadline gave %s in %.2f s", ops[i], dl,
                  lxd_result_name(w.rc), w.seconds);
            printf("  deadline %-24s lxd_operation_wait(2500)     -> %-28s %.2fs\n", ops[i], lxd_result_name(w.rc), w.seconds);
            lxd_operation_free(op);
        }
        lxd_client_free(c);
    }
    {
        /* An exec whose output never ends: TIMEOUT at the deadline, for every exec form. */
        lxd_client *c = deadline_client("exec-never", dl_ms);
        if (c) {
            const char *argv[] = {"yes"};
            int code = -7;
            lxd_error *err = NULL;
            double t0 = hs_now();
            lxd_result r = lxd_instance_exec(c, "c1", argv, 1, NULL, NULL, 0, &code, NULL, NULL, NULL, NULL, &err);
            double dt = hs_now() - t0;
            CHECK(r == LXD_RESULT_TIMEOUT && err && strstr(lxd_error_message(err), "operation deadline") && code == -7, "exec-never: lxd_instance_exec gave %s (%s)",
                  lxd_result_name(r), msg(err));
            CHECK(dt >= dl - 0.05 && dt < dl + slack_s, "exec-never: lxd_instance_exec under a %.1f s deadline took %.2f s", dl, dt);
            printf("  deadline %-24s lxd_instance_exec            -> %-28s %.2fs\n", "exec-never", lxd_result_name(r), dt);
            lxd_error_free(err);
            err = NULL;
            t0 = hs_now();
            r = lxd_instance_exec_fds(c, "c1", argv, 1, "{\"timeout_ms\":0}", -1, -1, -1, &code, &err);
            dt = hs_now() - t0;
            CHECK(r == LXD_RESULT_TIMEOUT && dt >= dl - 0.05 && dt < dl + slack_s, "exec-never: lxd_instance_exec_fds(timeout_ms 0) gave %s in %.2f s (%s)", lxd_result_name(r), dt, msg(err));
            printf("  deadline %-24s lxd_instance_exec_fds        -> %-28s %.2fs\n", "exec-never", lxd_result_name(r), dt);
            lxd_error_free(err);
            struct exec_run e = exec_with_watchdog(c, NULL, 30);
            CHECK(e.rc == LXD_RESULT_TIMEOUT && e.seconds >= dl - 0.05 && e.seconds < dl + slack_s, "exec-never: lxd_exec_run gave %s in %.2f s (%s)", lxd_result_name(e.rc), e.seconds,
                  e.message);
            printf("  deadline %-24s lxd_exec_run                 -> %-28s %.2fs\n", "exec-never", lxd_result_name(e.rc), e.seconds);
            /* The exec's own timeout wins over the deadline, even when longer. */
            e = exec_with_watchdog(c, "{\"timeout_ms\":2500}", 30);
            CHECK(e.rc == LXD_RESULT_TIMEOUT && strstr(e.message, "its timeout") && e.seconds >= 2.45 && e.seconds < 2.5 + slack_s,
                  "exec-never: lxd_exec_run(timeout_ms 2500) gave %s in %.2f s (%s)", lxd_result_name(e.rc), e.seconds, e.message);
            printf("  deadline %-24s lxd_exec_run(timeout 2.5 s)  -> %-28s %.2fs\n", "exec-never", lxd_result_name(e.rc), e.seconds);
            lxd_client_free(c);
        }
        check_still_usable("exec-never");
    }
    /* Bad arguments. */
    lxd_error *err = NULL;
    CHECK(lxd_client_builder_set_operation_deadline_ms(NULL, 5, &err) == LXD_RESULT_INVALID_ARGUMENT && err, "set_operation_deadline_ms(NULL) accepted");
    lxd_error_free(err);
}

/* Every split upload has a multipart boundary of its own, from the system RNG: two uploads of the
 * same files give two different boundaries, each at least 32 random characters long. The server
 * writes each multipart Content-Type it received to DIR/multipart.log. */
static void check_multipart_boundaries(void) {
    char meta[256], rootfs[256];
    snprintf(meta, sizeof meta, "%s/meta.tar", srv.dir);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs.tar", srv.dir);
    FILE *f = fopen(meta, "w");
    if (f) { fputs("metadata", f); fclose(f); }
    f = fopen(rootfs, "w");
    if (f) { fputs("rootfs", f); fclose(f); }
    for (int i = 0; i < 2; i++) {
        char *fp = SENTINEL;
        lxd_error *err = NULL;
        /* The fake server's operation has no fingerprint: the upload itself is what counts here. */
        lxd_result r = lxd_image_upload_split(base, meta, rootfs, NULL, NULL, NULL, &fp, &err);
        CHECK(r != LXD_RESULT_PANIC && (r != LXD_RESULT_OK || fp != SENTINEL), "upload_split %d: %s (%s)", i, lxd_result_name(r), msg(err));
        if (r == LXD_RESULT_OK) lxd_string_free(fp);
        lxd_error_free(err);
    }
    char log[4096];
    CHECK(hostile_read(&srv, "multipart.log", log, sizeof log) == 0, "no multipart.log: the uploads did not arrive");
    char b[2][128] = {{0}};
    int n = 0;
    for (char *line = strtok(log, "\n"); line && n < 2; line = strtok(NULL, "\n")) {
        const char *at = strstr(line, "boundary=");
        if (at) snprintf(b[n++], sizeof b[0], "%s", at + strlen("boundary="));
    }
    CHECK(n == 2, "%d multipart uploads seen, want 2", n);
    for (int i = 0; i < n; i++) CHECK(strlen(b[i]) >= 32 && strlen(b[i]) <= 70, "boundary %d %s: %zu characters", i, b[i], strlen(b[i]));
    CHECK(n == 2 && strcmp(b[0], b[1]) != 0, "two uploads share the boundary %s", b[0]);
    printf("  multipart boundaries: %s / %s (%zu characters)\n", b[0], b[1], strlen(b[0]));
    check_still_usable("split uploads");
}

static lxd_client *https_client(const char *port_file, const char *pin_file, const char *ca_file, bool accept_any, bool client_cert) {
    char port[16], url[64], path[256], pem[8192];
    if (hostile_read(&srv, port_file, port, sizeof port) != 0) {
        CHECK(0, "no %s", port_file);
        return NULL;
    }
    port[strcspn(port, "\n")] = '\0';
    snprintf(url, sizeof url, "https://127.0.0.1:%s", port);
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_client_builder_new_https(url, &b, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_timeout_ms(b, TIMEOUT_MS, &err);
    if (r == LXD_RESULT_OK && pin_file) {
        snprintf(path, sizeof path, "%s/%s", srv.dir, pin_file);
        r = lxd_client_builder_pin_server_cert_file(b, path, &err);
    }
    if (r == LXD_RESULT_OK && ca_file) {
        if (hostile_read(&srv, ca_file, pem, sizeof pem) == 0) r = lxd_client_builder_set_ca_pem(b, pem, &err);
    }
    if (r == LXD_RESULT_OK && accept_any) r = lxd_client_builder_danger_accept_invalid_certs(b, &err);
    if (r == LXD_RESULT_OK && client_cert) {
        char crt[256], key[256];
        snprintf(crt, sizeof crt, "%s/client.crt", srv.dir);
        snprintf(key, sizeof key, "%s/client.key", srv.dir);
        r = lxd_client_builder_set_client_cert_files(b, crt, key, &err);
    }
    if (r == LXD_RESULT_OK) r = lxd_client_builder_build(b, &c, &err);
    CHECK(r == LXD_RESULT_OK, "https client for %s: %s", url, msg(err));
    lxd_error_free(err);
    lxd_client_builder_free(b);
    return c;
}

static void expect_get(lxd_client *c, const char *what, lxd_result want) {
    if (!c) return;
    struct outcome o = run_call(c, what, SERVER_GET);
    CHECK(o.rc == want, "[https] %s: got %s (\"%s\"), want %s", what, lxd_result_name(o.rc), o.message, lxd_result_name(want));
    /* A timeout (here: a TLS handshake never answered) says what and how long (issue 13 item 6). */
    if (want == LXD_RESULT_TIMEOUT && o.rc == want)
        CHECK(strstr(o.message, "could not connect to LXD within 2 s (client timeout)") != NULL, "[https] %s: message \"%s\"", what, o.message);
    CHECK(o.seconds < TIMEOUT_MS / 1000.0 + slack_s, "[https] %s took %.1f s", what, o.seconds);
    printf("  https    %-53s -> %-28s %.2fs\n", what, lxd_result_name(o.rc), o.seconds);
}

static void check_https(void) {
    lxd_client *c;
    /* A self-signed certificate is refused by default, by another pin, and as a CA whose name
     * does not match; accepted when pinned, or when verification is explicitly off. */
    c = https_client("https.port", NULL, NULL, false, false);
    expect_get(c, "default trust (public roots)", LXD_RESULT_TLS);
    lxd_client_free(c);
    c = https_client("https.port", "other.crt", NULL, false, false);
    expect_get(c, "pinned to another certificate", LXD_RESULT_TLS);
    lxd_client_free(c);
    c = https_client("https.port", NULL, "server.crt", false, false);
    expect_get(c, "its certificate as CA, name mismatch", LXD_RESULT_TLS);
    lxd_client_free(c);
    c = https_client("https.port", NULL, NULL, true, false);
    expect_get(c, "verification off (danger)", LXD_RESULT_OK);
    lxd_client_free(c);
    c = https_client("https.port", "server.crt", NULL, false, true);
    expect_get(c, "pinned + client certificate", LXD_RESULT_OK);
    lxd_client_free(c);
    /* The system trust store: a server whose certificate a private CA signed verifies only when
     * SSL_CERT_FILE (or SSL_CERT_DIR) holds that CA; webpki roots and the OS bundle do not. */
    {
        char *old_file = getenv("SSL_CERT_FILE") ? strdup(getenv("SSL_CERT_FILE")) : NULL;
        char *old_dir = getenv("SSL_CERT_DIR") ? strdup(getenv("SSL_CERT_DIR")) : NULL;
        char ca[256], cadir[256], cmd[1024];
        snprintf(ca, sizeof ca, "%s/ca.crt", srv.dir);
        snprintf(cadir, sizeof cadir, "%s/ca-dir", srv.dir);
        snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s %s/", cadir, ca, cadir);
        CHECK(system(cmd) == 0, "cannot make %s", cadir);
        unsetenv("SSL_CERT_FILE");
        unsetenv("SSL_CERT_DIR");
        c = https_client("https-ca.port", NULL, NULL, false, false);
        expect_get(c, "private CA, not in any store", LXD_RESULT_TLS);
        lxd_client_free(c);
        setenv("SSL_CERT_FILE", ca, 1);
        c = https_client("https-ca.port", NULL, NULL, false, false);
        expect_get(c, "private CA in SSL_CERT_FILE", LXD_RESULT_OK);
        lxd_client_free(c);
        c = https_client("https.port", NULL, NULL, false, false);
        expect_get(c, "SSL_CERT_FILE set, self-signed server", LXD_RESULT_TLS);
        lxd_client_free(c);
        unsetenv("SSL_CERT_FILE");
        setenv("SSL_CERT_DIR", cadir, 1);
        c = https_client("https-ca.port", NULL, NULL, false, false);
        expect_get(c, "private CA in SSL_CERT_DIR", LXD_RESULT_OK);
        lxd_client_free(c);
        unsetenv("SSL_CERT_DIR");
        setenv("SSL_CERT_FILE", "/nonexistent/ca.crt", 1); /* an unreadable store: refused, no crash */
        c = https_client("https-ca.port", NULL, NULL, false, false);
        expect_get(c, "SSL_CERT_FILE missing", LXD_RESULT_TLS);
        lxd_client_free(c);
        if (old_file) setenv("SSL_CERT_FILE", old_file, 1); else unsetenv("SSL_CERT_FILE");
        if (old_dir) setenv("SSL_CERT_DIR", old_dir, 1); else unsetenv("SSL_CERT_DIR");
        free(old_file);
        free(old_dir);
    }

    /* A TLS port that never answers the handshake, and plain HTTP where TLS is expected. */
    c = https_client("https-stall.port", "server.crt", NULL, false, false);
    expect_get(c, "handshake never answered", LXD_RESULT_TIMEOUT);
    lxd_client_free(c);
    c = https_client("https-plain.port", "server.crt", NULL, false, false);
    expect_get(c, "plain HTTP on the TLS port", LXD_RESULT_TLS);
    lxd_client_free(c);

    /* The transport-level cases again over TLS (a reset is a real TCP RST here). */
    c = https_client("https.port", "server.crt", NULL, false, false);
    if (c) {
        static const struct hcase tls_cases[] = {
            {"ok", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
            {"truncated-length", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
            {"reset-mid-body", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
            {"close-before-reply", SERVER_GET, LXD_RESULT_CONNECTION, NULL},
            {"stall-headers", SERVER_GET, LXD_RESULT_TIMEOUT, NULL},
            {"stall-body", SERVER_GET, LXD_RESULT_TIMEOUT, NULL},
            {"huge-length", SERVER_GET, LXD_RESULT_PROTOCOL, "larger than"},
            {"http10", SERVER_GET, LXD_RESULT_OK, "lxd-hostile"},
            {"nul-raw", RAW_GET, LXD_RESULT_PROTOCOL, "NUL"},
            {"op-vanish", CREATE_WAIT, LXD_RESULT_NOT_FOUND, "vanished"},
        };
        for (size_t i = 0; i < sizeof tls_cases / sizeof tls_cases[0]; i++) {
            run_case(c, &tls_cases[i], "tls");
        }
        static const struct {
            const char *scenario;
            lxd_result want;
        } tls_ws[] = {
            {"ws-refused-reset", LXD_RESULT_CONNECTION},
            {"ws-refused-stall", LXD_RESULT_TIMEOUT},
            {"ws-refused-envelope", LXD_RESULT_NOT_FOUND},
        };
        for (size_t i = 0; i < sizeof tls_ws / sizeof tls_ws[0]; i++) {
            lxd_client *wc = NULL;
            lxd_error *err = NULL;
            if (lxd_client_with_project(c, tls_ws[i].scenario, &wc, &err) != LXD_RESULT_OK) {
                CHECK(0, "with_project: %s", msg(err));
                lxd_error_free(err);
                continue;
            }
            lxd_event_listener *l = (lxd_event_listener *)SENTINEL;
            double t0 = hs_now();
            lxd_result r = lxd_event_listener_open(wc, NULL, false, &l, &err);
            double dt = hs_now() - t0;
            CHECK(r == tls_ws[i].want && l == (lxd_event_listener *)SENTINEL, "[tls] %s: event_listener_open gave %s (%s), want %s", tls_ws[i].scenario,
                  lxd_result_name(r), msg(err), lxd_result_name(tls_ws[i].want));
            CHECK(dt < TIMEOUT_MS / 1000.0 + slack_s, "[tls] %s took %.1f s", tls_ws[i].scenario, dt);
            printf("  tls      %-24s lxd_event_listener_open      -> %-28s %.2fs\n", tls_ws[i].scenario, lxd_result_name(r), dt);
            if (r == LXD_RESULT_OK) lxd_event_listener_free(l);
            lxd_error_free(err);
            lxd_client_free(wc);
        }
        lxd_client_free(c);
    }
}

/* Progress without an event stream: the wait polls (wait?timeout=1) and reports every state. */
struct progress_seen {
    int calls, percents[8], statuses[8];
    char texts[8][64];
};

static int record_progress(void *user, const lxd_operation_progress *p) {
    struct progress_seen *s = user;
    if (s->calls < 8) {
        s->percents[s->calls] = p->percent;
        s->statuses[s->calls] = p->status_code;
        snprintf(s->texts[s->calls], sizeof s->texts[0], "%s", p->text);
    }
    s->calls++;
    return 0;
}

static void check_progress_polling(void) {
    lxd_client *c = scenario_client("op-progress");
    if (!c) return;
    lxd_operation *op = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_instance_create(c, "{\"name\":\"c1\",\"source\":{\"type\":\"none\"}}", &op, &err);
    CHECK(r == LXD_RESULT_OK && op, "op-progress create: %s", msg(err));
    lxd_error_free(err);
    err = NULL;
    if (op) {
        struct progress_seen seen = {0};
        r = lxd_operation_set_progress_handler(op, record_progress, &seen, NULL, &err);
        CHECK(r == LXD_RESULT_OK, "set_progress_handler: %s", msg(err));
        lxd_error_free(err);
        err = NULL;
        double t0 = hs_now();
        r = lxd_operation_wait(op, 10000, &err);
        CHECK(r == LXD_RESULT_OK, "op-progress wait: %s (%s)", lxd_result_name(r), msg(err));
        CHECK(hs_now() - t0 < slack_s, "op-progress wait took %.1f s", hs_now() - t0);
        /* 10%, the unreadable text (-1), 70%, then the final state at 100%. */
        CHECK(seen.calls == 4, "op-progress: %d reports", seen.calls);
        CHECK(seen.percents[0] == 10 && seen.percents[1] == -1 && seen.percents[2] == 70 && seen.percents[3] == 100,
              "op-progress percents %d %d %d %d", seen.percents[0], seen.percents[1], seen.percents[2], seen.percents[3]);
        CHECK(seen.statuses[0] == 103 && seen.statuses[2] == 103 && seen.statuses[3] == 200, "op-progress statuses");
        CHECK(strcmp(seen.texts[1], "not a progress text") == 0, "op-progress text kept: %s", seen.texts[1]);
        lxd_error_free(err);
        lxd_operation_free(op);
    }
    lxd_client_free(c);
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "--rss-probe") == 0) return rss_probe(argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) slack_s = 15.0; /* under valgrind everything is slower */
    const char *s = getenv("LXD_TEST_TIME_SLACK_S");
    if (s && *s) slack_s = atof(s);
    signal(SIGPIPE, SIG_IGN);

    if (hostile_start(&srv) != 0) {
        printf("hostile: 0 passed, 1 failed\n");
        return 1;
    }
    lxd_client_builder *b = NULL;
    lxd_error *err = NULL;
    lxd_result r = lxd_client_builder_new_unix(srv.socket, &b, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_set_timeout_ms(b, TIMEOUT_MS, &err);
    if (r == LXD_RESULT_OK) r = lxd_client_builder_build(b, &base, &err);
    CHECK(r == LXD_RESULT_OK, "unix client: %s", msg(err));
    lxd_error_free(err);
    lxd_client_builder_free(b);
    if (base) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            run_case(base, &cases[i], "unix");
        }
        check_details();
        check_reply_limit();
        check_operations();
        check_progress_polling();
        check_streams();
        check_exec();
        check_multipart_boundaries();
        check_https();
        check_still_usable("everything");
    }
    lxd_client_free(base);
    hostile_stop(&srv);
    printf("hostile: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
