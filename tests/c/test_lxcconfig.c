/* Connect like lxc: remotes from an lxc configuration directory, lxc remote add, interop with the
 * real `lxc` CLI in both directions, against the harness daemons over HTTPS. */
#include "test.h"

#include <ctype.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *mkdtemp_dir(void) {
    char *d = strdup("/tmp/lxdconf-XXXXXX");
    if (!mkdtemp(d)) { free(d); return NULL; }
    return d;
}

static bool file_exists(const char *dir, const char *name) {
    char *p = t_fmt("%s/%s", dir, name);
    struct stat st;
    bool ok = stat(p, &st) == 0;
    free(p);
    return ok;
}

static int run(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void) {
    t_begin("lxcconfig");
    const char *url = t_env("HTTPS_URL");
    const char *password = t_trust_secret("");
    const char *server_cert_path = t_env("SERVER_CERT");
    const char *url2 = t_env("HTTPS_URL2");
    const char *password2 = t_trust_secret("2");
    char *dir = mkdtemp_dir();
    CHECK(dir != NULL);

    T_SECTION("fingerprint of the server certificate");
    char *pem = t_read_file(server_cert_path);
    char *fp = NULL;
    CHECK(pem != NULL);
    if (CHECK_OK(lxd_certificate_fingerprint(pem, &fp, ERR))) CHECK(strlen(fp) == 64);
    CHECK_INVALID(lxd_certificate_fingerprint("not a certificate", &fp, ERR));
    CHECK_INVALID(lxd_certificate_fingerprint(NULL, &fp, ERR));
    CHECK_INVALID(lxd_certificate_fingerprint(pem, NULL, ERR));

    T_SECTION("an empty configuration has the local remote");
    char *json = NULL;
    if (CHECK_OK(lxd_config_remotes(dir, &json, ERR))) {
        CHECK_HAS(json, "\"default\":\"local\"");
        CHECK_HAS(json, "\"addr\":\"unix://\"");
    }
    lxd_string_free(json);
    json = NULL;

    T_SECTION("client certificate generation");
    bool generated = false;
    if (CHECK_OK(lxd_config_ensure_client_cert(dir, &generated, ERR))) CHECK(generated);
    CHECK(file_exists(dir, "client.crt") && file_exists(dir, "client.key"));
    char *key_path = t_fmt("%s/client.key", dir);
    struct stat st;
    CHECK(stat(key_path, &st) == 0 && (st.st_mode & 077) == 0);
    free(key_path);
    if (CHECK_OK(lxd_config_ensure_client_cert(dir, &generated, ERR))) CHECK(!generated);

    T_SECTION("remote add refuses a wrong fingerprint and writes nothing");
    CHECK_ERR(lxd_config_add_remote(dir, "wrong", url, password, "0000000000000000000000000000000000000000000000000000000000000000", NULL, ERR), LXD_RESULT_TLS, 0);
    CHECK(!file_exists(dir, "servercerts/wrong.crt"));

    T_SECTION("remote add wants the whole fingerprint: a prefix is an invalid argument");
    if (fp) {
        char prefix[2] = {fp[0], 0};
        CHECK_ERR_MSG(lxd_config_add_remote(dir, "short", url, password, prefix, NULL, ERR), LXD_RESULT_INVALID_ARGUMENT, 0, "64 hex digits");
        char *p63 = t_fmt("%.63s", fp);
        CHECK_INVALID(lxd_config_add_remote(dir, "short", url, password, p63, NULL, ERR));
        free(p63);
        char *p65 = t_fmt("%s0", fp);
        CHECK_INVALID(lxd_config_add_remote(dir, "short", url, password, p65, NULL, ERR));
        free(p65);
        char *nonhex = t_fmt("%.63sg", fp);
        CHECK_INVALID(lxd_config_add_remote(dir, "short", url, password, nonhex, NULL, ERR));
        free(nonhex);
        CHECK_INVALID(lxd_config_add_remote(dir, "short", url, password, "", NULL, ERR));
        CHECK(!file_exists(dir, "servercerts/short.crt"));
    }
    CHECK_INVALID(lxd_config_add_remote(dir, "has:colon", url, password, fp, NULL, ERR));
    CHECK_INVALID(lxd_config_add_remote(dir, "x", "http://127.0.0.1:1", password, fp, NULL, ERR));
    CHECK_INVALID(lxd_config_add_remote(dir, NULL, url, password, fp, NULL, ERR));

    T_SECTION("remote add with the trust password and the expected fingerprint");
    /* Upper case with colons, as `openssl x509 -fingerprint -sha256` prints it, is the same. */
    char fp_colons[200] = {0};
    for (size_t i = 0; fp && i < 64 && fp[i]; i += 2) {
        size_t n = strlen(fp_colons);
        snprintf(fp_colons + n, sizeof fp_colons - n, "%s%c%c", i ? ":" : "", toupper((unsigned char)fp[i]), toupper((unsigned char)fp[i + 1]));
    }
    char *got_fp = NULL;
    if (CHECK_OK(lxd_config_add_remote(dir, "harness", url, password, fp_colons, &got_fp, ERR))) {
        CHECK(got_fp && fp && strcmp(got_fp, fp) == 0);
    }
    lxd_string_free(got_fp);
    CHECK(file_exists(dir, "servercerts/harness.crt"));
    CHECK(file_exists(dir, "config.yml"));

    T_SECTION("a client from the remote is trusted and works");
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    if (CHECK_OK(lxd_client_builder_new_remote(dir, "harness", &b, ERR)) && CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        bool trusted = false;
        if (CHECK_OK(lxd_client_trusted(c, &trusted, ERR))) CHECK(trusted);
        if (CHECK_OK(lxd_instance_list(c, 0, &json, ERR))) CHECK(json[0] == '[');
        lxd_string_free(json);
        json = NULL;
    }
    lxd_client_free(c);
    c = NULL;
    lxd_client_builder_free(b);
    b = NULL;
    CHECK_INVALID(lxd_client_builder_new_remote(dir, "no-such-remote", &b, ERR));
    CHECK_INVALID(lxd_client_builder_new_remote(dir, "images", &b, ERR));

    T_SECTION("the lxc (or incus) CLI reads the configuration we wrote");
    /* The remote's protocol follows the server: "lxd" for LXD, "incus" for Incus (the incus CLI
     * refuses "lxd"). */
    if (CHECK_OK(lxd_config_remotes(dir, &json, ERR)))
        CHECK_HAS(json, t_is_incus() ? "\"protocol\":\"incus\"" : "\"protocol\":\"lxd\"");
    lxd_string_free(json);
    json = NULL;
    char *cmd = t_is_incus() ? t_fmt("INCUS_CONF=%s incus list harness: --format csv >/dev/null 2>&1", dir)
                             : t_fmt("LXD_CONF=%s lxc list harness: --format csv >/dev/null 2>&1", dir);
    CHECK(run(cmd) == 0);
    free(cmd);

    T_SECTION("we read a remote that the lxc CLI added");
    /* lxc takes the trust password; incus (6.0: no passwords) a token. */
    cmd = t_is_incus() ? t_fmt("INCUS_CONF=%s incus remote add second %s --token %s --accept-certificate >/dev/null 2>&1", dir, url2, password2)
                       : t_fmt("LXD_CONF=%s lxc remote add second %s --password %s --accept-certificate >/dev/null 2>&1", dir, url2, password2);
    CHECK(run(cmd) == 0);
    free(cmd);
    if (CHECK_OK(lxd_config_remotes(dir, &json, ERR))) {
        CHECK_HAS(json, "\"name\":\"second\"");
        CHECK_HAS(json, "\"name\":\"harness\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_client_builder_new_remote(dir, "second", &b, ERR)) && CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        bool trusted = false;
        if (CHECK_OK(lxd_client_trusted(c, &trusted, ERR))) CHECK(trusted);
        if (CHECK_OK(lxd_server_get(c, &json, NULL, ERR))) CHECK_HAS(json, "\"auth\":\"trusted\"");
        lxd_string_free(json);
        json = NULL;
    }
    lxd_client_free(c);
    c = NULL;
    lxd_client_builder_free(b);
    b = NULL;

    T_SECTION("a pinned certificate that no longer matches is refused");
    char *pinned = t_fmt("%s/servercerts/second.crt", dir);
    char *pinned_from = t_fmt("%s/servercerts/harness.crt", dir);
    char *cp = t_fmt("cp %s %s", pinned_from, pinned);
    CHECK(run(cp) == 0);
    if (CHECK_OK(lxd_client_builder_new_remote(dir, "second", &b, ERR)) && CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        bool trusted = false;
        CHECK_ERR(lxd_client_trusted(c, &trusted, ERR), LXD_RESULT_TLS, 0);
    }
    lxd_client_free(c);
    lxd_client_builder_free(b);
    free(pinned);
    free(pinned_from);
    free(cp);

    T_SECTION("the local remote is the unix socket");
    b = NULL;
    c = NULL;
    if (CHECK_OK(lxd_client_builder_new_remote(dir, "local", &b, ERR)) && CHECK_OK(lxd_client_builder_build(b, &c, ERR))) {
        bool trusted = false;
        if (CHECK_OK(lxd_client_trusted(c, &trusted, ERR))) CHECK(trusted);
    }
    lxd_client_free(c);
    lxd_client_builder_free(b);

    cmd = t_fmt("rm -rf %s", dir);
    CHECK(run(cmd) == 0);
    free(cmd);
    free(dir);
    free(pem);
    lxd_string_free(fp);
    return t_end();
}
