/*
 * Operation progress through the C ABI (lxd_operation_set_progress_handler), against two real
 * daemons: daemon b pulls a large image from daemon a (POST /1.0/images with a pull source),
 * which LXD reports as `download_progress` in the operation's metadata; the handler sees the
 * percentages rise and the final state. Also: a handler that stops the wait (the operation goes
 * on, a later wait finishes it), an operation without progress (only the final call), a failing
 * one (final call with its failure status), replacing and removing handlers (user_data_free), a
 * client-wide default handler (builder) reporting a wait inside lxd_image_copy_to, and NULL
 * arguments.
 */
#include "test.h"

#include <sys/stat.h>

static char workdir[256];

#define MAX_REPORTS 4096

struct rec {
    int calls, finals, running;
    int pct[MAX_REPORTS];
    int npct;
    int last_status, final_status;
    char last_stage[128], first_text[256], last_text[256];
    bool ids_ok, strings_ok, numbers_ok, final_last;
    int stop_after; /* stop the wait after this many running reports (0: never) */
    const char *want_id;
    int freed;
};

static void rec_init(struct rec *r, const char *id) {
    memset(r, 0, sizeof *r);
    r->ids_ok = r->strings_ok = r->numbers_ok = r->final_last = true;
    r->want_id = id;
}

static int on_progress(void *user, const lxd_operation_progress *p) {
    struct rec *r = user;
    r->calls++;
    if (!p || !p->operation_id || !p->stage || !p->text) {
        r->strings_ok = false;
        return 0;
    }
    if (r->want_id && strcmp(p->operation_id, r->want_id) != 0)
        r->ids_ok = false;
    if (p->percent < -1 || p->percent > 100 || p->processed < -1 || p->speed < -1)
        r->numbers_ok = false;
    if (r->finals > 0)
        r->final_last = false; /* a report after the final one */
    if (t_verbose)
        printf("  progress: status %d stage '%s' %d%% processed %lld speed %lld text '%s'\n", p->status_code, p->stage, p->percent,
               (long long)p->processed, (long long)p->speed, p->text);
    r->last_status = p->status_code;
    snprintf(r->last_stage, sizeof r->last_stage, "%s", p->stage);
    snprintf(r->last_text, sizeof r->last_text, "%s", p->text);
    if (p->status_code >= 200) {
        r->finals++;
        r->final_status = p->status_code;
        return 0;
    }
    r->running++;
    if (r->running == 1)
        snprintf(r->first_text, sizeof r->first_text, "%s", p->text);
    if (p->percent >= 0 && r->npct < MAX_REPORTS)
        r->pct[r->npct++] = p->percent;
    return r->stop_after && r->running >= r->stop_after ? 1 : 0;
}

static void on_free(void *user) { ((struct rec *)user)->freed++; }

/* Percentages that never go down (one stage: a unified image downloads as one file). */
static bool rising(const struct rec *r) {
    for (int i = 1; i < r->npct; i++)
        if (r->pct[i] < r->pct[i - 1])
            return false;
    return true;
}

/* A unified image of `mb` MiB of random bytes (incompressible, unique fingerprint), uncompressed
 * tar so that making it is quick. Returns its path (yours) or NULL. */
static char *make_big_image(int mb) {
    char *dir = t_fmt("%s/big", workdir);
    char *cmd = t_fmt("set -e; mkdir -p '%s/rootfs'; cd '%s'; "
                      "printf 'architecture: %%s\\ncreation_date: %%s\\nproperties:\\n  description: progress test\\n' \"$(uname -m)\" \"$(date +%%s)\" > metadata.yaml; "
                      "head -c %dM /dev/urandom > rootfs/blob; tar -cf ../big.tar metadata.yaml rootfs",
                      dir, dir, mb);
    bool ok = CHECKF(system(cmd) == 0, "make a %d MiB image", mb);
    free(cmd);
    free(dir);
    return ok ? t_fmt("%s/big.tar", workdir) : NULL;
}

/* `s` as a JSON string body (quotes and newlines escaped). */
static char *json_string(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(2 * n + 3), *o = out;
    *o++ = '"';
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (*p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = *p;
        } else if (*p != '\r') {
            *o++ = *p;
        }
    }
    *o++ = '"';
    *o = 0;
    return out;
}

/* Start b pulling image `fp` from a (a one-time secret from a, then POST /1.0/images on b);
 * `secret` NULL asks for a real one, else that (wrong) one is sent. The operation on b, or NULL. */
static lxd_operation *start_pull(lxd_client *a, lxd_client *b, const char *fp, const char *secret) {
    char *real = NULL;
    if (!secret) {
        char *path = t_fmt("/1.0/images/%s/secret", fp), *json = NULL;
        lxd_operation *sop = NULL;
        bool ok = CHECK_OK(lxd_call(a, "POST", path, "{}", &json, &sop, ERR)) && CHECK(sop != NULL);
        free(path);
        lxd_string_free(json);
        json = NULL;
        if (ok && CHECK_OK(lxd_operation_json(sop, &json, ERR))) {
            char *md = t_json_raw(json, "metadata");
            real = md ? t_json_str(md, "secret") : NULL;
            free(md);
        }
        lxd_string_free(json);
        lxd_operation_free(sop);
        if (!CHECK(real != NULL))
            return NULL;
        secret = real;
    }
    char *pem = t_read_file(t_env("SERVER_CERT"));
    char *cert = json_string(pem ? pem : "");
    char *body = t_fmt("{\"source\":{\"type\":\"image\",\"mode\":\"pull\",\"server\":\"%s\",\"protocol\":\"lxd\",\"certificate\":%s,"
                       "\"secret\":\"%s\",\"fingerprint\":\"%s\"}}",
                       t_env("HTTPS_URL"), cert, secret, fp);
    lxd_operation *op = NULL;
    char *json = NULL;
    if (CHECK_OK(lxd_call(b, "POST", "/1.0/images", body, &json, &op, ERR)))
        CHECK(op != NULL);
    lxd_string_free(json);
    free(body);
    free(cert);
    free(pem);
    free(real);
    return op;
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_null_args(lxd_client *a) {
    T_SECTION("NULL arguments; removing and replacing handlers (user_data_free)");
    struct rec r;
    rec_init(&r, NULL);
    CHECK_INVALID(lxd_operation_set_progress_handler(NULL, on_progress, &r, on_free, ERR));
    CHECK(r.freed == 0); /* not called when the function fails */
    CHECK_INVALID(lxd_operation_set_progress_handler(NULL, NULL, NULL, NULL, ERR));
    CHECK(lxd_operation_set_progress_handler(NULL, NULL, NULL, NULL, NULL) == LXD_RESULT_INVALID_ARGUMENT);

    /* A real handle: a secret operation on a (a token, it stays running), then cancelled. */
    char *path = t_fmt("/1.0/images/%s/secret", t_env("IMAGE_FINGERPRINT")), *json = NULL;
    lxd_operation *op = NULL;
    bool ok = CHECK_OK(lxd_call(a, "POST", path, "{}", &json, &op, ERR)) && CHECK(op != NULL);
    free(path);
    lxd_string_free(json);
    if (!ok)
        return;
    /* NULL callback: removes (none set: nothing happens) and frees user_data at once. */
    CHECK_OK(lxd_operation_set_progress_handler(op, NULL, &r, on_free, ERR));
    CHECK(r.freed == 1);
    CHECK_OK(lxd_operation_set_progress_handler(op, NULL, NULL, NULL, ERR));
    /* Set, replace (the first is released), remove (the second is released). */
    struct rec r2;
    rec_init(&r2, NULL);
    CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, on_free, ERR));
    CHECK(r.freed == 1);
    CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r2, on_free, ERR));
    CHECK(r.freed == 2 && r2.freed == 0);
    CHECK_OK(lxd_operation_set_progress_handler(op, NULL, NULL, NULL, ERR));
    CHECK(r2.freed == 1);
    /* A handler without user_data_free; then one freed with the handle. */
    CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, NULL, ERR));
    CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r2, on_free, ERR));
    CHECK(r.freed == 2);
    /* A wait that times out reports nothing final. */
    int before = r2.calls;
    CHECK_ERR(lxd_operation_wait(op, 300, ERR), LXD_RESULT_TIMEOUT, 0);
    CHECK(r2.finals == 0 && r2.calls == before);
    CHECK_OK(lxd_operation_cancel(op, ERR));
    lxd_operation_free(op);
    CHECK(r2.freed == 2);
    CHECK(r.calls == 0);
}

static void test_download_progress(lxd_client *a, lxd_client *b) {
    T_SECTION("b pulls a large image from a: download progress rises to the end");
    char *file = make_big_image(96);
    if (!file)
        return;
    char *fp = NULL;
    if (!CHECK_OK(lxd_image_upload_path(a, file, NULL, NULL, NULL, &fp, ERR))) {
        free(file);
        return;
    }
    lxd_operation *op = start_pull(a, b, fp, NULL);
    if (op) {
        struct rec r;
        rec_init(&r, lxd_operation_id(op));
        CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, on_free, ERR));
        double t0 = t_now();
        CHECK_OK(lxd_operation_wait(op, 120000, ERR));
        printf("  %d reports in %.2fs (%d with a percentage, %d final); first '%s', last '%s'\n", r.calls, t_now() - t0, r.npct, r.finals,
               r.first_text, r.last_text);
        CHECK(r.strings_ok && r.ids_ok && r.numbers_ok);
        CHECKF(r.npct >= 3, "at least 3 reports with a percentage (got %d)", r.npct);
        CHECK(rising(&r));
        CHECKF(r.npct >= 2 && r.pct[r.npct - 1] > r.pct[0], "the percentage rose (%d -> %d)", r.npct ? r.pct[0] : -1, r.npct ? r.pct[r.npct - 1] : -1);
        CHECK(r.finals == 1 && r.final_last && r.final_status == 200 && r.last_status == 200);
        CHECKF(strcmp(r.last_stage, "download") == 0, "stage %s", r.last_stage);
        CHECK_HAS(r.first_text, "%");
        CHECK(lxd_operation_status_code(op) == 200);
        lxd_operation_free(op);
        CHECK(r.freed == 1);
        CHECK_OK(lxd_image_delete(b, fp, NULL, ERR));
    }

    T_SECTION("a handler that stops the wait; the operation goes on and a later wait finishes it");
    op = start_pull(a, b, fp, NULL);
    if (op) {
        struct rec r;
        rec_init(&r, lxd_operation_id(op));
        r.stop_after = 1;
        CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, on_free, ERR));
        CHECK_ERR(lxd_operation_wait(op, 120000, ERR), LXD_RESULT_CANCELLED, 0);
        CHECK(r.running == 1 && r.finals == 0);
        /* The same handler, now letting it run: the rest of the progress, then the end. */
        r.stop_after = 0;
        CHECK_OK(lxd_operation_wait(op, 120000, ERR));
        CHECK(r.finals == 1 && r.final_status == 200 && r.final_last);
        CHECK(rising(&r));
        lxd_operation_free(op);
        CHECK(r.freed == 1);
        CHECK_OK(lxd_image_delete(b, fp, NULL, ERR));
    }

    T_SECTION("a client-wide default handler: lxd_image_copy_to waits inside, and reports");
    {
        struct rec r, own;
        rec_init(&r, NULL);
        rec_init(&own, NULL);
        lxd_client_builder *bb = NULL;
        lxd_client *hooked = NULL;
        CHECK_INVALID(lxd_client_builder_set_progress_handler(NULL, on_progress, &r, on_free, ERR));
        if (CHECK_OK(lxd_client_builder_new_unix(t_env("SOCKET2"), &bb, ERR)) &&
            CHECK_OK(lxd_client_builder_set_progress_handler(bb, on_progress, &own, on_free, ERR)) &&
            /* replaced: the first user_data is released at once */
            CHECK_OK(lxd_client_builder_set_progress_handler(bb, on_progress, &r, on_free, ERR)) && CHECK(own.freed == 1) &&
            CHECK_OK(lxd_client_builder_build(bb, &hooked, ERR))) {
            char *got = NULL;
            if (CHECK_OK(lxd_image_copy_to(a, fp, hooked, NULL, &got, ERR)))
                CHECK(got && strcmp(got, fp) == 0);
            lxd_string_free(got);
            printf("  default handler: %d reports (%d with a percentage), last '%s'\n", r.calls, r.npct, r.last_text);
            CHECK(r.strings_ok && r.numbers_ok && rising(&r));
            CHECKF(r.npct >= 3, "at least 3 reports with a percentage (got %d)", r.npct);
            CHECK(r.finals == 1 && r.final_last && r.final_status == 200);
            CHECK(strcmp(r.last_stage, "download") == 0);
            /* An operation with a handler of its own reports only there. */
            int before = r.calls;
            rec_init(&own, NULL);
            lxd_operation *dop = NULL;
            if (CHECK_OK(lxd_image_delete(hooked, fp, &dop, ERR)) && CHECK(dop != NULL)) {
                CHECK_OK(lxd_operation_set_progress_handler(dop, on_progress, &own, NULL, ERR));
                CHECK_OK(lxd_operation_wait(dop, 60000, ERR));
                CHECK(own.finals == 1 && r.calls == before);
            }
            lxd_operation_free(dop);
        }
        lxd_client_builder_free(bb);
        CHECK(r.freed == 0); /* the client still holds it */
        lxd_client_free(hooked);
        CHECK(r.freed == 1);
    }

    T_SECTION("a failing pull (wrong secret): the final report carries the failure");
    op = start_pull(a, b, fp, "not-the-secret");
    if (op) {
        struct rec r;
        rec_init(&r, lxd_operation_id(op));
        CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, on_free, ERR));
        CHECK_ERR(lxd_operation_wait(op, 60000, ERR), LXD_RESULT_OPERATION_FAILED, 0);
        CHECK(r.finals == 1 && r.final_status == 400 && r.final_last);
        lxd_operation_free(op);
        CHECK(r.freed == 1);
    }

    T_SECTION("an operation without progress: only the final report");
    op = NULL;
    if (CHECK_OK(lxd_image_delete(a, fp, &op, ERR)) && CHECK(op != NULL)) {
        struct rec r;
        rec_init(&r, lxd_operation_id(op));
        CHECK_OK(lxd_operation_set_progress_handler(op, on_progress, &r, NULL, ERR));
        CHECK_OK(lxd_operation_wait(op, 60000, ERR));
        CHECK(r.calls == 1 && r.finals == 1 && r.final_status == 200);
        CHECK(r.last_stage[0] == 0 && r.last_text[0] == 0);
        lxd_operation_free(op);
    }
    lxd_string_free(fp);
    free(file);
}

int main(void) {
    t_begin("progress");
    lxd_client *a = t_unix_client(), *b = t_unix_client2();
    snprintf(workdir, sizeof workdir, "/tmp/progress-test-%d", (int)getpid());
    mkdir(workdir, 0755);
    test_null_args(a);
    test_download_progress(a, b);
    lxd_client_free(a);
    lxd_client_free(b);
    char *cmd = t_fmt("rm -rf '%s'", workdir);
    if (system(cmd) != 0) {
    }
    free(cmd);
    return t_end();
}
