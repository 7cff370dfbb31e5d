/* Transport features: the request log callback (method, redacted path, status, duration; never
 * a password or token), against the harness daemon over the unix socket and HTTPS. */
#include "test.h"

#include <pthread.h>
#include <sys/stat.h>

/* ---- the log callback ------------------------------------------------------------------------ */

struct log_lines {
    pthread_mutex_t mu;
    char *text; /* every line, newline-separated */
    size_t len;
    int count, bad_fields;
    int freed;
};

static void on_log(void *user, const char *method, const char *path, uint16_t status, uint64_t duration_us, const char *error,
                   const char *line) {
    struct log_lines *l = user;
    pthread_mutex_lock(&l->mu);
    /* The fields and the line agree: the line starts with "METHOD PATH". */
    size_t ml = strlen(method), pl = strlen(path);
    if (strncmp(line, method, ml) != 0 || line[ml] != ' ' || strncmp(line + ml + 1, path, pl) != 0) l->bad_fields++;
    if (status == 0 && error == NULL) l->bad_fields++;
    if (duration_us > 60ull * 1000 * 1000) l->bad_fields++;
    char *add = t_fmt("%s|status=%u|us=%llu|err=%s\n", line, (unsigned)status, (unsigned long long)duration_us, error ? error : "-");
    size_t n = strlen(add);
    char *grown = realloc(l->text, l->len + n + 1);
    if (grown) {
        memcpy(grown + l->len, add, n + 1);
        l->text = grown;
        l->len += n;
    }
    free(add);
    l->count++;
    pthread_mutex_unlock(&l->mu);
}

static void on_log_free(void *user) {
    struct log_lines *l = user;
    l->freed++;
}

static void log_reset(struct log_lines *l) {
    free(l->text);
    l->text = NULL;
    l->len = 0;
    l->count = 0;
    l->bad_fields = 0;
}

static void check_log_callback(void) {
    struct log_lines l = {.mu = PTHREAD_MUTEX_INITIALIZER};
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;

    T_SECTION("log callback: argument checks");
    CHECK_INVALID(lxd_client_builder_set_log_callback(NULL, on_log, &l, NULL, ERR));
    CHECK(l.freed == 0); /* not called on failure */

    T_SECTION("log callback: requests over the unix socket");
    if (!CHECK_OK(lxd_client_builder_new_unix(t_env("SOCKET"), &b, ERR))) return;
    CHECK_OK(lxd_client_builder_set_log_callback(b, on_log, &l, on_log_free, ERR));
    if (CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        char *json = NULL;
        if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR))) lxd_string_free(json);
        json = NULL;
        if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR))) lxd_string_free(json);
        json = NULL;
        CHECK_ERR(lxd_instance_get(c, "no-such-instance-xyz", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        /* A websocket (the event stream): its upgrade is logged as 101. */
        lxd_event_listener *ev = NULL;
        if (CHECK_OK(lxd_event_listener_open(c, NULL, false, &ev, ERR))) {
            lxd_event_listener_close(ev);
            lxd_event_listener_free(ev);
        }
        pthread_mutex_lock(&l.mu);
        const char *t = l.text ? l.text : "";
        if (t_verbose) printf("%s", t);
        CHECK(l.count >= 4);
        CHECK(l.bad_fields == 0);
        CHECK_HAS(t, "GET /1.0 -> 200 (");
        CHECK_HAS(t, "GET /1.0/instances");
        CHECK_HAS(t, "GET /1.0/instances/no-such-instance-xyz -> 404 (");
        CHECK_HAS(t, "GET /1.0/events");
        CHECK_HAS(t, "-> 101 (");
        CHECK_HAS(t, " ms)|status=200|us=");
        pthread_mutex_unlock(&l.mu);
    }
    lxd_client_builder_free(b);
    b = NULL;
    CHECK(l.freed == 0); /* the client still uses it */
    lxd_client_free(c);
    c = NULL;
    CHECK(l.freed == 1); /* builder and client gone: user_data released once */
    log_reset(&l);

    T_SECTION("log callback: NULL callback, and a replaced one releases its user data");
    struct log_lines other = {.mu = PTHREAD_MUTEX_INITIALIZER};
    if (CHECK_OK(lxd_client_builder_new_unix(t_env("SOCKET"), &b, ERR))) {
        CHECK_OK(lxd_client_builder_set_log_callback(b, on_log, &other, on_log_free, ERR));
        CHECK_OK(lxd_client_builder_set_log_callback(b, NULL, &l, on_log_free, ERR));
        CHECK(other.freed == 1 && l.freed == 2); /* replaced; NULL callback frees at once */
        if (CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
            bool trusted = false;
            CHECK_OK(lxd_client_trusted(c, &trusted, ERR));
        }
        CHECK(other.count == 0 && l.count == 0);
        lxd_client_free(c);
        c = NULL;
        lxd_client_builder_free(b);
        b = NULL;
    }
    log_reset(&other);

    T_SECTION("log callback: HTTPS authenticate never logs the trust password");
    char dir[] = "/tmp/lxd-transport-XXXXXX";
    if (!CHECK(mkdtemp(dir) != NULL)) return;
    CHECK_OK(lxd_config_ensure_client_cert(dir, NULL, ERR));
    char *crt = t_fmt("%s/client.crt", dir), *key = t_fmt("%s/client.key", dir);
    const char *password = t_env("TRUST_PASSWORD");
    if (CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL"), &b, ERR)) &&
        CHECK_OK(lxd_client_builder_pin_server_cert_file(b, t_env("SERVER_CERT"), ERR)) &&
        CHECK_OK(lxd_client_builder_set_client_cert_files(b, crt, key, ERR)) &&
        CHECK_OK(lxd_client_builder_set_log_callback(b, on_log, &l, NULL, ERR)) && CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        CHECK_ERR(lxd_client_authenticate(c, "wrong-Pa55word-never-logged", ERR), LXD_RESULT_FORBIDDEN, 403);
        CHECK_OK(lxd_client_authenticate(c, password, ERR));
        bool trusted = false;
        if (CHECK_OK(lxd_client_trusted(c, &trusted, ERR))) CHECK(trusted);
        pthread_mutex_lock(&l.mu);
        const char *t = l.text ? l.text : "";
        if (t_verbose) printf("%s", t);
        CHECK_HAS(t, "POST /1.0/certificates -> 403 (");
        CHECK_HAS(t, "POST /1.0/certificates -> 201 (");
        CHECK_LACKS(t, "wrong-Pa55word-never-logged");
        CHECK_LACKS(t, password);
        CHECK(l.bad_fields == 0);
        pthread_mutex_unlock(&l.mu);
    }
    lxd_client_free(c);
    c = NULL;
    lxd_client_builder_free(b);
    b = NULL;
    /* Untrust the certificate again. */
    char *pem = t_read_file(crt), *fp = NULL;
    lxd_client *u = t_unix_client();
    if (pem && CHECK_OK(lxd_certificate_fingerprint(pem, &fp, ERR))) CHECK_OK(lxd_certificate_delete(u, fp, ERR));
    lxd_string_free(fp);
    free(pem);
    lxd_client_free(u);
    char *cmd = t_fmt("rm -rf %s", dir);
    if (system(cmd) != 0) printf("  note: could not remove %s\n", dir);
    free(cmd);
    free(crt);
    free(key);
    log_reset(&l);
}

int main(void) {
    t_begin("transport");
    check_log_callback();
    return t_end();
}
