/* Transport features against the harness daemon over the unix socket and HTTPS: the request log
 * callback (method, redacted path, status, duration; never a password or token), and HTTPS
 * proxies (HTTPS_PROXY / NO_PROXY and the builder's setting; CONNECT tunnels for requests and
 * websockets, through the CONNECT proxy of tests/hostile's lxd-hostile). */
#include "test.h"

#include <pthread.h>
#include <sys/stat.h>

#include "hostile_server.h"

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
    const char *password = t_trust_secret("");
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

/* ---- HTTPS proxies ---------------------------------------------------------------------------- */

static hostile_server srv;
static char trusted_dir[] = "/tmp/lxd-transport-proxy-XXXXXX";

/* Lines of the hostile proxy's log `name` ("proxy.log", "proxy-refused.log"); 0 when none. */
static int log_lines(const char *name, const char *containing) {
    char buf[65536];
    if (hostile_read(&srv, name, buf, sizeof buf) != 0) return 0;
    int n = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (!containing || strstr(line, containing)) n++;
    return n;
}

/* An HTTPS client for the harness daemon, trusted (the certificate in trusted_dir), with
 * `proxy` given to lxd_client_builder_set_proxy unless it is (const char *)-1. */
#define NO_SETTING ((const char *)-1)
static lxd_client *proxied_client(const char *proxy, lxd_result want_build) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    char *crt = t_fmt("%s/client.crt", trusted_dir), *key = t_fmt("%s/client.key", trusted_dir);
    bool ok = CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL"), &b, ERR)) &&
              CHECK_OK(lxd_client_builder_pin_server_cert_file(b, t_env("SERVER_CERT"), ERR)) &&
              CHECK_OK(lxd_client_builder_set_client_cert_files(b, crt, key, ERR)) &&
              CHECK_OK(lxd_client_builder_set_timeout_ms(b, 10000, ERR)) &&
              (proxy == NO_SETTING || CHECK_OK(lxd_client_builder_set_proxy(b, proxy, ERR)));
    if (ok) {
        if (want_build == LXD_RESULT_OK) CHECK_OK(lxd_client_builder_build(b, &c, ERR));
        else CHECK_ERR(lxd_client_builder_build(b, &c, ERR), want_build, 0);
    }
    lxd_client_builder_free(b);
    free(crt);
    free(key);
    return c;
}

/* A request and an event websocket; true when both worked. */
static bool request_and_websocket(lxd_client *c) {
    char *json = NULL;
    bool ok = CHECK_OK(lxd_server_get(c, &json, NULL, ERR)) && CHECK_HAS(json, "\"auth\":\"trusted\"");
    lxd_string_free(json);
    lxd_event_listener *ev = NULL;
    if (CHECK_OK(lxd_event_listener_open(c, NULL, false, &ev, ERR))) {
        lxd_event_listener_close(ev);
        lxd_event_listener_free(ev);
    } else {
        ok = false;
    }
    return ok;
}

static void check_proxy(void) {
    T_SECTION("proxy: a trusted HTTPS client certificate for the checks");
    if (!CHECK(mkdtemp(trusted_dir) != NULL)) return;
    CHECK_OK(lxd_config_ensure_client_cert(trusted_dir, NULL, ERR));
    unsetenv("HTTPS_PROXY"), unsetenv("https_proxy"), unsetenv("NO_PROXY"), unsetenv("no_proxy");
    lxd_client *c = proxied_client(NO_SETTING, LXD_RESULT_OK);
    if (c) CHECK_OK(lxd_client_authenticate(c, t_trust_secret(""), ERR));
    lxd_client_free(c);
    if (!CHECK(hostile_start(&srv) == 0)) return;
    char port[16] = "", refuse_port[16] = "";
    CHECK(hostile_read(&srv, "proxy.port", port, sizeof port) == 0);
    CHECK(hostile_read(&srv, "proxy-refuse.port", refuse_port, sizeof refuse_port) == 0);
    port[strcspn(port, "\n")] = refuse_port[strcspn(refuse_port, "\n")] = '\0';
    char *proxy = t_fmt("http://127.0.0.1:%s", port), *refusing = t_fmt("127.0.0.1:%s", refuse_port);
    const char *url = t_env("HTTPS_URL");
    const char *target = url + strlen("https://"); /* 127.0.0.1:PORT, what CONNECT names */

    T_SECTION("proxy: HTTPS_PROXY with an empty NO_PROXY tunnels requests and websockets");
    setenv("HTTPS_PROXY", proxy, 1);
    setenv("NO_PROXY", "", 1);
    int before = log_lines("proxy.log", target);
    c = proxied_client(NO_SETTING, LXD_RESULT_OK);
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    int after = log_lines("proxy.log", target);
    /* At least one tunnel for the requests and one for the websocket (its own connection). */
    CHECKF(after - before >= 2, "CONNECTs seen by the proxy: %d (want >= 2)", after - before);
    CHECK(log_lines("proxy.log", "CONNECT ") == after && log_lines("proxy.log", "REFUSED") == 0);

    T_SECTION("proxy: lowercase https_proxy works the same");
    unsetenv("HTTPS_PROXY");
    setenv("https_proxy", proxy, 1);
    before = after;
    c = proxied_client(NO_SETTING, LXD_RESULT_OK);
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    after = log_lines("proxy.log", target);
    CHECKF(after - before >= 2, "CONNECTs via https_proxy: %d", after - before);
    unsetenv("https_proxy");

    T_SECTION("proxy: NO_PROXY=127.0.0.1 bypasses it (and a port-qualified or CIDR entry too)");
    setenv("HTTPS_PROXY", proxy, 1);
    static const char *const bypass[] = {"127.0.0.1", "example.com, 127.0.0.1", "127.0.0.0/8", "*"};
    for (size_t i = 0; i < sizeof bypass / sizeof bypass[0]; i++) {
        setenv("NO_PROXY", bypass[i], 1);
        before = log_lines("proxy.log", NULL);
        c = proxied_client(NO_SETTING, LXD_RESULT_OK);
        if (c) CHECK(request_and_websocket(c));
        lxd_client_free(c);
        CHECKF(log_lines("proxy.log", NULL) == before, "NO_PROXY=%s: the proxy saw a CONNECT", bypass[i]);
    }
    char *with_port = t_fmt("%s", target);
    setenv("no_proxy", with_port, 1);
    unsetenv("NO_PROXY");
    before = log_lines("proxy.log", NULL);
    c = proxied_client(NO_SETTING, LXD_RESULT_OK);
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    CHECKF(log_lines("proxy.log", NULL) == before, "no_proxy=%s: the proxy saw a CONNECT", with_port);
    free(with_port);
    unsetenv("no_proxy");
    setenv("NO_PROXY", "127.0.0.2,other.example", 1); /* not this host: proxied */
    before = log_lines("proxy.log", target);
    c = proxied_client(NO_SETTING, LXD_RESULT_OK);
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    CHECK(log_lines("proxy.log", target) - before >= 2);

    T_SECTION("proxy: the builder's setting overrides the environment");
    setenv("HTTPS_PROXY", refusing, 1);
    setenv("NO_PROXY", "127.0.0.1", 1);
    before = log_lines("proxy.log", target);
    c = proxied_client(proxy, LXD_RESULT_OK); /* explicit: NO_PROXY not consulted */
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    CHECK(log_lines("proxy.log", target) - before >= 2);
    unsetenv("NO_PROXY");
    int refused_before = log_lines("proxy-refused.log", NULL);
    c = proxied_client("", LXD_RESULT_OK); /* "": no proxy at all, despite HTTPS_PROXY */
    if (c) CHECK(request_and_websocket(c));
    lxd_client_free(c);
    CHECK(log_lines("proxy-refused.log", NULL) == refused_before);

    T_SECTION("proxy: a proxy that refuses the tunnel is a connection error that says so");
    c = proxied_client(NO_SETTING, LXD_RESULT_OK); /* HTTPS_PROXY is the refusing one */
    if (c) {
        char *json = NULL;
        CHECK_ERR_MSG(lxd_server_get(c, &json, NULL, ERR), LXD_RESULT_CONNECTION, 0, "407");
        lxd_event_listener *ev = NULL;
        CHECK_ERR_MSG(lxd_event_listener_open(c, NULL, false, &ev, ERR), LXD_RESULT_CONNECTION, 0, "407");
    }
    lxd_client_free(c);
    CHECK(log_lines("proxy-refused.log", "CONNECT ") > refused_before);

    T_SECTION("proxy: bad settings are invalid arguments");
    lxd_client_builder *b = NULL;
    if (CHECK_OK(lxd_client_builder_new_https(url, &b, ERR))) {
        CHECK_INVALID(lxd_client_builder_set_proxy(b, "socks5://127.0.0.1:1080", ERR));
        CHECK_INVALID(lxd_client_builder_set_proxy(b, "https://127.0.0.1:3128", ERR));
        CHECK_INVALID(lxd_client_builder_set_proxy(b, "http://127.0.0.1:notaport", ERR));
        CHECK_INVALID(lxd_client_builder_set_proxy(b, T_BAD_UTF8, ERR));
        CHECK_OK(lxd_client_builder_set_proxy(b, NULL, ERR));
    }
    lxd_client_builder_free(b);
    CHECK_INVALID(lxd_client_builder_set_proxy(NULL, proxy, ERR));
    setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080", 1);
    lxd_client_free(proxied_client(NO_SETTING, LXD_RESULT_INVALID_ARGUMENT));
    /* The unix socket never uses a proxy, whatever the environment says. */
    setenv("HTTPS_PROXY", refusing, 1);
    c = t_unix_client();
    char *json = NULL;
    if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR))) lxd_string_free(json);
    lxd_client_free(c);
    unsetenv("HTTPS_PROXY");

    /* Untrust the certificate again. */
    char *crt = t_fmt("%s/client.crt", trusted_dir), *pem = t_read_file(crt), *fp = NULL;
    lxd_client *u = t_unix_client();
    if (pem && CHECK_OK(lxd_certificate_fingerprint(pem, &fp, ERR))) CHECK_OK(lxd_certificate_delete(u, fp, ERR));
    lxd_string_free(fp);
    free(pem);
    free(crt);
    lxd_client_free(u);
    char *cmd = t_fmt("rm -rf %s", trusted_dir);
    if (system(cmd) != 0) printf("  note: could not remove %s\n", trusted_dir);
    free(cmd);
    free(proxy);
    free(refusing);
    hostile_stop(&srv);
}

int main(void) {
    t_begin("transport");
    signal(SIGPIPE, SIG_IGN);
    check_log_callback();
    check_proxy();
    return t_end();
}
