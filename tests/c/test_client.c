/*
 * Connecting: every lxd_client_builder setter (good and bad input), socket discovery, the unix
 * socket and HTTPS (pinned certificate, CA, no verification, wrong certificates), trust with the
 * trust password, project/target defaults, User-Agent, timeouts and connection failures.
 *
 * A tiny fake server on a private unix socket / TCP port (in this file) shows what the client
 * puts on the wire (User-Agent, project=, target=) and stalls on purpose for the timeout checks;
 * everything else runs against the real daemon.
 */
#include "test.h"

#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ---- a fake server: records each request head, answers a canned envelope or stalls ---------- */

enum fake_mode { FAKE_REPLY, FAKE_STALL };

struct fake {
    int listen_fd;
    enum fake_mode mode;
    pthread_t thread;
    pthread_mutex_t mu;
    char last[4096]; /* the last request head, lower-cased */
    int requests;
    atomic_bool stop;
    char path[108];
};

static void fake_handle(struct fake *f, int fd) {
    char buf[4096];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)buf[i]);
    pthread_mutex_lock(&f->mu);
    memcpy(f->last, buf, len + 1);
    f->requests++;
    pthread_mutex_unlock(&f->mu);
    if (f->mode == FAKE_STALL) {
        /* Say nothing until the client gives up (closes) or the test ends. */
        while (!atomic_load(&f->stop)) {
            char c;
            ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
            if (n == 0)
                break;
            t_sleep_ms(20);
        }
        return;
    }
    const char *meta = strncmp(buf, "get /1.0/instances", 18) == 0 ? "[]" : "{\"auth\":\"trusted\",\"api_extensions\":[\"fake_ext\"],\"api_status\":\"stable\",\"api_version\":\"1.0\",\"public\":false}";
    char body[256];
    int blen = snprintf(body, sizeof body, "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"metadata\":%s}", meta);
    char reply[512];
    int rlen = snprintf(reply, sizeof reply,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", blen, body);
    if (write(fd, reply, (size_t)rlen) < 0) {
    }
}

static void *fake_main(void *arg) {
    struct fake *f = arg;
    for (;;) {
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            break; /* shut down */
        fake_handle(f, fd);
        close(fd);
    }
    return NULL;
}

/* A fake server on a new unix socket (path in f->path). */
static bool fake_start_unix(struct fake *f, enum fake_mode mode) {
    memset(f, 0, sizeof *f);
    f->mode = mode;
    pthread_mutex_init(&f->mu, NULL);
    char name[40];
    t_unique(name, sizeof name, "ct-fake");
    snprintf(f->path, sizeof f->path, "/tmp/%s.sock", name);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(f->listen_fd, 8) != 0)
        return false;
    return pthread_create(&f->thread, NULL, fake_main, f) == 0;
}

static void fake_stop(struct fake *f) {
    atomic_store(&f->stop, true);
    shutdown(f->listen_fd, SHUT_RDWR);
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    if (f->path[0])
        unlink(f->path);
    pthread_mutex_destroy(&f->mu);
}

static char *fake_last(struct fake *f) {
    pthread_mutex_lock(&f->mu);
    char *s = t_fmt("%s", f->last);
    pthread_mutex_unlock(&f->mu);
    return s;
}

/* A client on a unix socket path with the builder tweaked by `setup` (may be NULL). */
static lxd_client *client_on(const char *path, void (*setup)(lxd_client_builder *)) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    if (CHECK_OK(lxd_client_builder_new_unix(path, &b, ERR))) {
        if (setup)
            setup(b);
        CHECK_OK(lxd_client_builder_build(b, &c, ERR));
    }
    lxd_client_builder_free(b);
    return c;
}

/* A TCP port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int closed_tcp_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static bool server_reachable(lxd_client *c) {
    char *json = NULL;
    bool ok = CHECK_OK(lxd_server_get(c, &json, NULL, ERR)) && CHECK_HAS(json, "\"api_version\":\"1.0\"");
    lxd_string_free(json);
    return ok;
}

/* ---- builder setups used with client_on ----------------------------------------------------- */
static void setup_ua(lxd_client_builder *b) { CHECK_OK(lxd_client_builder_set_user_agent(b, "ct-agent/9.9 (test)", ERR)); }
static void setup_ua_null(lxd_client_builder *b) {
    CHECK_OK(lxd_client_builder_set_user_agent(b, "first", ERR));
    CHECK_OK(lxd_client_builder_set_user_agent(b, NULL, ERR));
}
static void setup_scope(lxd_client_builder *b) {
    CHECK_OK(lxd_client_builder_set_project(b, "p1", ERR));
    CHECK_OK(lxd_client_builder_set_target(b, "m1", ERR));
}
static void setup_scope_cleared(lxd_client_builder *b) {
    CHECK_OK(lxd_client_builder_set_project(b, "p1", ERR));
    CHECK_OK(lxd_client_builder_set_target(b, "m1", ERR));
    CHECK_OK(lxd_client_builder_set_project(b, "", ERR));
    CHECK_OK(lxd_client_builder_set_target(b, NULL, ERR));
}
static void setup_timeout_short(lxd_client_builder *b) { CHECK_OK(lxd_client_builder_set_timeout_ms(b, 400, ERR)); }
static void setup_timeout_none(lxd_client_builder *b) { CHECK_OK(lxd_client_builder_set_timeout_ms(b, 0, ERR)); }

static void test_unix(void) {
    T_SECTION("unix socket: explicit path, builder reuse");
    const char *sock = t_env("SOCKET");
    lxd_client_builder *b = NULL;
    lxd_client *c1 = NULL, *c2 = NULL;
    CHECK_OK(lxd_client_builder_new_unix(sock, &b, ERR));
    CHECK_OK(lxd_client_builder_build(b, &c1, ERR));
    CHECK_OK(lxd_client_builder_build(b, &c2, ERR)); /* the builder stays usable */
    CHECK(c1 != NULL && c2 != NULL && c1 != c2);
    lxd_client_builder_free(b); /* clients outlive their builder */
    server_reachable(c1);
    server_reachable(c2);
    bool trusted = false;
    CHECK_OK(lxd_client_trusted(c1, &trusted, ERR));
    CHECK(trusted);
    char *json = NULL;
    if (CHECK_OK(lxd_server_get(c1, &json, NULL, ERR)))
        CHECK_HAS(json, "\"auth\":\"trusted\"");
    lxd_string_free(json);
    json = NULL;
    /* A unix client is trusted already: authenticate succeeds, as pylxd's does. */
    CHECK_OK(lxd_client_authenticate(c1, "whatever", ERR));
    lxd_client_free(c2);

    T_SECTION("with_project / with_target against the daemon");
    lxd_client *pc = NULL, *back = NULL, *tc = NULL, *tc2 = NULL;
    CHECK_OK(lxd_client_with_project(c1, "ct-no-such-project", &pc, ERR));
    /* The default profile exists in the default project, not in a project that does not exist. */
    CHECK_ERR(lxd_profile_get(pc, "default", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(json == NULL);
    CHECK_OK(lxd_client_with_project(pc, NULL, &back, ERR));
    if (CHECK_OK(lxd_profile_get(back, "default", &json, NULL, ERR)))
        CHECK_HAS(json, "\"name\":\"default\"");
    lxd_string_free(json);
    json = NULL;
    /* target= is sent: a standalone server knows no such cluster member. */
    CHECK_OK(lxd_client_with_target(c1, "ct-member", &tc, ERR));
    CHECK_ERR_MSG(lxd_server_get(tc, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404, "member");
    CHECK_OK(lxd_client_with_target(tc, "", &tc2, ERR));
    lxd_client_free(tc);
    lxd_client_free(pc);
    lxd_client_free(c1);
    /* Parents freed: derived clients are independent. */
    server_reachable(back);
    server_reachable(tc2);
    lxd_client_free(back);
    lxd_client_free(tc2);
}

static void test_discovery(void) {
    T_SECTION("socket discovery (LXD_SOCKET, LXD_DIR)");
    const char *sock = t_env("SOCKET");
    const char *dir = t_env("DIR");
    char *old_sock = getenv("LXD_SOCKET") ? t_fmt("%s", getenv("LXD_SOCKET")) : NULL;
    char *old_dir = getenv("LXD_DIR") ? t_fmt("%s", getenv("LXD_DIR")) : NULL;
    lxd_client *c = NULL;

    setenv("LXD_SOCKET", sock, 1);
    unsetenv("LXD_DIR");
    c = client_on(NULL, NULL);
    server_reachable(c);
    lxd_client_free(c);

    unsetenv("LXD_SOCKET");
    setenv("LXD_DIR", dir, 1);
    c = client_on(NULL, NULL);
    server_reachable(c);
    lxd_client_free(c);

    /* LXD_SOCKET wins over LXD_DIR. */
    setenv("LXD_SOCKET", "/nonexistent/ct-discovery.sock", 1);
    c = client_on(NULL, NULL);
    CHECK_ERR_MSG(lxd_server_get(c, &(char *){NULL}, NULL, ERR), LXD_RESULT_CONNECTION, 0, "ct-discovery.sock");
    lxd_client_free(c);

    if (old_sock)
        setenv("LXD_SOCKET", old_sock, 1);
    else
        unsetenv("LXD_SOCKET");
    if (old_dir)
        setenv("LXD_DIR", old_dir, 1);
    else
        unsetenv("LXD_DIR");
    free(old_sock);
    free(old_dir);

    T_SECTION("connection failures");
    c = client_on("/nonexistent/ct-client/unix.socket", NULL);
    char *json = (char *)"untouched";
    CHECK_ERR(lxd_server_get(c, &json, NULL, ERR), LXD_RESULT_CONNECTION, 0);
    CHECK(strcmp(json, "untouched") == 0);
    bool t = true;
    CHECK_ERR(lxd_client_trusted(c, &t, ERR), LXD_RESULT_CONNECTION, 0);
    CHECK(t); /* not written */
    lxd_client_free(c);
    /* A path that exists but is no socket. */
    c = client_on("/etc/passwd", NULL);
    CHECK_ERR(lxd_server_get(c, &json, NULL, ERR), LXD_RESULT_CONNECTION, 0);
    lxd_client_free(c);
}

static void test_wire(void) {
    T_SECTION("what goes on the wire: User-Agent, project=, target= (fake server)");
    struct fake f;
    if (!CHECK(fake_start_unix(&f, FAKE_REPLY)))
        return;
    char *json = NULL, *last = NULL;
    char *ua_default = t_fmt("user-agent: liblxdclient/%s\r\n", LXDCLIENT_VERSION);

    lxd_client *c = client_on(f.path, NULL);
    if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR)))
        CHECK(strcmp(json, "[]") == 0);
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0/instances http/1.1\r\n");
    CHECK_HAS(last, ua_default);
    free(last);
    bool has = false;
    CHECK_OK(lxd_server_has_extension(c, "fake_ext", &has, ERR));
    CHECK(has);
    CHECK_OK(lxd_server_has_extension(c, "other_ext", &has, ERR));
    CHECK(!has);
    lxd_client_free(c);

    c = client_on(f.path, setup_ua);
    CHECK_OK(lxd_instance_list(c, 1, &json, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0/instances?recursion=1 http/1.1\r\n");
    CHECK_HAS(last, "user-agent: ct-agent/9.9 (test)\r\n");
    free(last);
    lxd_client_free(c);

    c = client_on(f.path, setup_ua_null);
    CHECK_OK(lxd_server_get(c, &json, NULL, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, ua_default);
    free(last);
    lxd_client_free(c);

    c = client_on(f.path, setup_scope);
    /* project= and target= go only where LXD's spec lists them: GET /1.0 takes both, GET
     * /1.0/instances only project. */
    CHECK_OK(lxd_server_get(c, &json, NULL, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0?project=p1&target=m1 http/1.1\r\n");
    free(last);
    CHECK_OK(lxd_instance_list(c, 0, &json, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0/instances?project=p1 http/1.1\r\n");
    free(last);
    /* Raw requests are sent as given: no project or target added. */
    uint16_t status = 0;
    CHECK_OK(lxd_raw_request(c, "GET", "/1.0/instances?recursion=1", NULL, &status, &json, NULL, ERR));
    CHECK(status == 200);
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0/instances?recursion=1 http/1.1\r\n");
    free(last);
    /* Derived clients replace one default and keep the other. */
    lxd_client *d = NULL, *d2 = NULL;
    CHECK_OK(lxd_client_with_project(c, "other proj", &d, ERR));
    CHECK_OK(lxd_server_get(d, &json, NULL, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0?project=other%20proj&target=m1 http/1.1\r\n");
    free(last);
    CHECK_OK(lxd_client_with_target(d, NULL, &d2, ERR));
    CHECK_OK(lxd_server_get(d2, &json, NULL, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0?project=other%20proj http/1.1\r\n");
    free(last);
    lxd_client_free(d2);
    lxd_client_free(d);
    lxd_client_free(c);

    c = client_on(f.path, setup_scope_cleared);
    CHECK_OK(lxd_instance_list(c, 0, &json, ERR));
    lxd_string_free(json);
    last = fake_last(&f);
    CHECK_HAS(last, "get /1.0/instances http/1.1\r\n");
    free(last);
    lxd_client_free(c);

    c = client_on(f.path, setup_timeout_none); /* 0: no timeout */
    if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR)))
        CHECK_HAS(json, "\"auth\":\"trusted\"");
    lxd_string_free(json);
    lxd_client_free(c);
    free(ua_default);
    fake_stop(&f);
}

static void test_timeouts(void) {
    T_SECTION("timeouts: a server that never answers");
    struct fake f;
    if (!CHECK(fake_start_unix(&f, FAKE_STALL)))
        return;
    lxd_client *c = client_on(f.path, setup_timeout_short);
    char *json = NULL;
    double t0 = t_now();
    CHECK_ERR(lxd_server_get(c, &json, NULL, ERR), LXD_RESULT_TIMEOUT, 0);
    double took = t_now() - t0;
    CHECKF(took >= 0.35 && took < 10.0, "timed out after %.2fs (timeout 0.4s)", took);
    lxd_client_free(c);
    fake_stop(&f);

    /* HTTPS: a TCP listener that accepts but never does the TLS handshake. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (!CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 4) == 0 &&
               getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)) {
        if (fd >= 0)
            close(fd);
        return;
    }
    char *url = t_fmt("https://127.0.0.1:%d", ntohs(sa.sin_port));
    lxd_client_builder *b = NULL;
    c = NULL;
    CHECK_OK(lxd_client_builder_new_https(url, &b, ERR));
    CHECK_OK(lxd_client_builder_danger_accept_invalid_certs(b, ERR));
    CHECK_OK(lxd_client_builder_set_timeout_ms(b, 400, ERR));
    CHECK_OK(lxd_client_builder_build(b, &c, ERR));
    t0 = t_now();
    CHECK_ERR(lxd_server_get(c, &json, NULL, ERR), LXD_RESULT_TIMEOUT, 0);
    took = t_now() - t0;
    CHECKF(took >= 0.35 && took < 10.0, "TLS handshake timed out after %.2fs (timeout 0.4s)", took);
    lxd_client_free(c);
    lxd_client_builder_free(b);
    close(fd);
    free(url);
}

static void test_builder_bad_input(void) {
    T_SECTION("builder: bad input");
    const char *cert_path = t_env("CLIENT_CERT");
    const char *key_path = t_env("CLIENT_KEY");
    char *cert = t_read_file(cert_path), *key = t_read_file(key_path);
    if (!CHECK(cert && key)) {
        free(cert);
        free(key);
        return;
    }
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    CHECK_ERR_MSG(lxd_client_builder_new_https("http://127.0.0.1:8443", &b, ERR), LXD_RESULT_INVALID_ARGUMENT, 0, "https://");
    CHECK_ERR_MSG(lxd_client_builder_new_https("unix:///var/lib/lxd/unix.socket", &b, ERR), LXD_RESULT_INVALID_ARGUMENT, 0, "https://");
    CHECK(b == NULL);
    static const char *const bad_urls[] = {"https://", "https:///1.0", "https://127.0.0.1:99999", "https://127.0.0.1:port",
                                           "https://user@127.0.0.1", "https://[::1", "https://bad host"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        lxd_client_builder *u = NULL;
        if (CHECK_OK(lxd_client_builder_new_https(bad_urls[i], &u, ERR))) {
            c = NULL;
            if (!CHECK_ERR(lxd_client_builder_build(u, &c, ERR), LXD_RESULT_INVALID_ARGUMENT, 0))
                printf("    (url %s)\n", bad_urls[i]);
            CHECK(c == NULL);
        }
        lxd_client_builder_free(u);
    }
    CHECK_OK(lxd_client_builder_new_https("https://127.0.0.1", &b, ERR)); /* port defaults to 8443 */
    CHECK_ERR(lxd_client_builder_set_client_cert_pem(b, "not a cert", key, ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_client_cert_pem(b, cert, "not a key", ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_client_cert_pem(b, key, cert, ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    /* A broken key never shows up in the error message. */
    const char *secret_key = "-----BEGIN PRIVATE KEY-----\nU0VDUkVUS0VZTUFURVJJQUwhISE=SECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n";
    lxd_error *e = NULL;
    CHECK(lxd_client_builder_set_client_cert_pem(b, cert, secret_key, &e) == LXD_RESULT_INVALID_ARGUMENT);
    CHECKF(e && !strstr(lxd_error_message(e), "SECRETKEYMATERIAL") && !strstr(lxd_error_message(e), "U0VDUkVU"),
           "key material leaked into: %s", lxd_error_message(e));
    lxd_error_free(e);
    CHECK_ERR(lxd_client_builder_set_client_cert_files(b, "/nonexistent/client.crt", key_path, ERR), LXD_RESULT_IO, 0);
    CHECK_ERR(lxd_client_builder_set_client_cert_files(b, cert_path, "/nonexistent/client.key", ERR), LXD_RESULT_IO, 0);
    CHECK_ERR(lxd_client_builder_set_client_cert_files(b, key_path, cert_path, ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_pin_server_cert_pem(b, key, ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_pin_server_cert_file(b, "/nonexistent/server.crt", ERR), LXD_RESULT_IO, 0);
    CHECK_ERR(lxd_client_builder_pin_server_cert_file(b, "/dev/null", ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_ca_pem(b, "", ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_ca_pem(b, key, ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_user_agent(b, "line\r\nX-Injected: 1", ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    CHECK_ERR(lxd_client_builder_set_user_agent(b, "tab\there", ERR), LXD_RESULT_INVALID_ARGUMENT, 0);
    /* After all those refusals the builder is still fine. */
    c = NULL;
    CHECK_OK(lxd_client_builder_build(b, &c, ERR));
    lxd_client_free(c);
    lxd_client_builder_free(b);
    free(cert);
    free(key);
}

/* An HTTPS builder for daemon "a" with the given pin (PEM file, may be NULL) and client cert. */
static lxd_client_builder *https_builder(const char *pin_file, const char *cert_file, const char *key_file) {
    lxd_client_builder *b = NULL;
    if (!CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL"), &b, ERR)))
        return NULL;
    if (pin_file)
        CHECK_OK(lxd_client_builder_pin_server_cert_file(b, pin_file, ERR));
    if (cert_file)
        CHECK_OK(lxd_client_builder_set_client_cert_files(b, cert_file, key_file, ERR));
    return b;
}

static lxd_result https_get_with(lxd_client_builder *b) {
    lxd_client *c = NULL;
    char *json = NULL;
    lxd_result r = lxd_client_builder_build(b, &c, ERR);
    if (r == LXD_RESULT_OK) {
        r = lxd_server_get(c, &json, NULL, ERR);
        lxd_string_free(json);
    }
    lxd_client_free(c);
    lxd_client_builder_free(b);
    return r;
}

static void test_https(lxd_client *local) {
    T_SECTION("HTTPS: pinned server certificate, trust password");
    const char *server_cert = t_env("SERVER_CERT");
    const char *client_cert = t_env("CLIENT_CERT");
    const char *client_key = t_env("CLIENT_KEY");
    const char *password = t_trust_secret("");
    char *certs_before = NULL, *certs_after = NULL, *json = NULL;
    CHECK_OK(lxd_certificate_list(local, 0, &certs_before, ERR));

    lxd_client *c = NULL;
    lxd_client_builder *b = https_builder(server_cert, client_cert, client_key);
    CHECK_OK(lxd_client_builder_set_timeout_ms(b, 20000, ERR));
    CHECK_OK(lxd_client_builder_build(b, &c, ERR));
    lxd_client_builder_free(b);
    bool trusted = true;
    CHECK_OK(lxd_client_trusted(c, &trusted, ERR));
    CHECK(!trusted);
    if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"auth\":\"untrusted\"");
        CHECK_HAS(json, "\"api_version\":\"1.0\"");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_instance_list(c, 0, &json, ERR), LXD_RESULT_FORBIDDEN, 403);
    CHECK_ERR(lxd_profile_get(c, "default", &json, NULL, ERR), LXD_RESULT_FORBIDDEN, 403);
    CHECK(json == NULL);
    CHECK_ERR(lxd_client_authenticate(c, "not-the-password", ERR), LXD_RESULT_FORBIDDEN, 403);
    CHECK_OK(lxd_client_trusted(c, &trusted, ERR));
    CHECK(!trusted);
    CHECK_OK(lxd_client_authenticate(c, password, ERR));
    CHECK_OK(lxd_client_trusted(c, &trusted, ERR));
    CHECK(trusted);
    if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR)))
        CHECK_HAS(json, "\"auth\":\"trusted\"");
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_profile_get(c, "default", &json, NULL, ERR)))
        CHECK_HAS(json, "\"name\":\"default\"");
    lxd_string_free(json);
    json = NULL;
    /* Trusted now: authenticating again succeeds without a POST (the raw call is refused). */
    CHECK_OK(lxd_client_authenticate(c, "not-the-password", ERR));
    CHECK_ERR_MSG(lxd_certificate_add_untrusted(c, password, NULL, ERR), LXD_RESULT_API, 400, "already trusted");

    T_SECTION("HTTPS: certificate and key as PEM text, CA verification");
    char *cert_pem = t_read_file(client_cert), *key_pem = t_read_file(client_key), *server_pem = t_read_file(server_cert);
    lxd_client *c2 = NULL;
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL"), &b, ERR));
    CHECK_OK(lxd_client_builder_set_client_cert_pem(b, cert_pem, key_pem, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_pem(b, server_pem, ERR));
    CHECK_OK(lxd_client_builder_build(b, &c2, ERR));
    CHECK_OK(lxd_client_trusted(c2, &trusted, ERR));
    CHECK(trusted); /* same certificate: trusted now */
    lxd_client_free(c2);
    /* The server's own certificate as the CA: verified, and its name (127.0.0.1) matches. */
    CHECK_OK(lxd_client_builder_set_ca_pem(b, server_pem, ERR));
    CHECK(https_get_with(b) == LXD_RESULT_OK);
    t_err_clear();
    /* The same CA, but a host name the certificate does not carry. */
    char *localhost_url = t_replace(t_env("HTTPS_URL"), "127.0.0.1", "localhost");
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(localhost_url, &b, ERR));
    CHECK_OK(lxd_client_builder_set_ca_pem(b, server_pem, ERR));
    CHECK_ERR(https_get_with(b), LXD_RESULT_TLS, 0);
    /* Pinning ignores names: localhost works with the pin. */
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(localhost_url, &b, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_pem(b, server_pem, ERR));
    CHECK_OK(https_get_with(b));
    free(localhost_url);

    T_SECTION("HTTPS: wrong or missing server verification");
    const char *server2_cert = t_env("SERVER_CERT2");
    CHECK_ERR(https_get_with(https_builder(server2_cert, client_cert, client_key)), LXD_RESULT_TLS, 0);
    CHECK_ERR(https_get_with(https_builder(client_cert, NULL, NULL)), LXD_RESULT_TLS, 0);
    CHECK_ERR(https_get_with(https_builder(NULL, client_cert, client_key)), LXD_RESULT_TLS, 0); /* public roots */
    /* A PEM block that is no X.509 certificate is refused when pinned, not at connect time. */
    b = https_builder(NULL, NULL, NULL);
    CHECK_INVALID(lxd_client_builder_pin_server_cert_pem(b, "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n", ERR));
    CHECK_ERR(https_get_with(b), LXD_RESULT_TLS, 0);
    b = https_builder(NULL, NULL, NULL);
    CHECK_OK(lxd_client_builder_set_ca_pem(b, cert_pem, ERR)); /* an unrelated CA */
    CHECK_ERR(https_get_with(b), LXD_RESULT_TLS, 0);
    /* A pin replaces a CA setting and a CA replaces a pin. */
    b = https_builder(NULL, NULL, NULL);
    CHECK_OK(lxd_client_builder_set_ca_pem(b, cert_pem, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_pem(b, server_pem, ERR));
    CHECK_OK(https_get_with(b));
    b = https_builder(server_cert, NULL, NULL);
    CHECK_OK(lxd_client_builder_set_ca_pem(b, cert_pem, ERR));
    CHECK_ERR(https_get_with(b), LXD_RESULT_TLS, 0);
    /* No verification at all, when asked for by name. */
    b = https_builder(NULL, NULL, NULL);
    CHECK_OK(lxd_client_builder_danger_accept_invalid_certs(b, ERR));
    c2 = NULL;
    CHECK_OK(lxd_client_builder_build(b, &c2, ERR));
    lxd_client_builder_free(b);
    CHECK_OK(lxd_client_trusted(c2, &trusted, ERR));
    CHECK(!trusted); /* no client certificate */
    lxd_client_free(c2);
    /* The second daemon with its own certificate pinned works; with the first one's it does not. */
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL2"), &b, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_file(b, server2_cert, ERR));
    CHECK_OK(https_get_with(b));
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(t_env("HTTPS_URL2"), &b, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_file(b, server_cert, ERR));
    CHECK_ERR(https_get_with(b), LXD_RESULT_TLS, 0);

    T_SECTION("HTTPS: nothing listening");
    char *url = t_fmt("https://127.0.0.1:%d", closed_tcp_port());
    b = NULL;
    CHECK_OK(lxd_client_builder_new_https(url, &b, ERR));
    CHECK_OK(lxd_client_builder_pin_server_cert_file(b, server_cert, ERR));
    CHECK_ERR(https_get_with(b), LXD_RESULT_CONNECTION, 0);
    free(url);

    T_SECTION("HTTPS: untrust again");
    CHECK_OK(lxd_certificate_list(local, 0, &certs_after, ERR));
    char *fp = t_json_new_entry(certs_before, certs_after);
    if (CHECKF(fp != NULL, "the authenticated certificate shows in the list: %s", certs_after ? certs_after : "")) {
        CHECK_OK(lxd_certificate_delete(local, fp, ERR));
        CHECK_OK(lxd_client_trusted(c, &trusted, ERR));
        CHECKF(!trusted, "still trusted after deleting %s", fp);
    }
    free(fp);
    lxd_client_free(c);
    lxd_string_free(certs_before);
    lxd_string_free(certs_after);
    free(cert_pem);
    free(key_pem);
    free(server_pem);
}

int main(void) {
    t_begin("client");
    test_unix();
    test_discovery();
    test_wire();
    test_timeouts();
    test_builder_bad_input();
    lxd_client *local = t_unix_client();
    test_https(local);
    lxd_client_free(local);
    return t_end();
}
