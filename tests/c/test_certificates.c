/*
 * Certificates (the trust store): add a PEM (lxd_certificate_add) and check over HTTPS that its
 * holder is now trusted; list, get, update (PUT) and patch with ETags, delete (trust gone);
 * create from LXD's own create object; duplicates and missing fingerprints.
 */
#include "test.h"

/* An HTTPS client with the CLIENT2 certificate (one, reused: LXD checks trust on every request). */
static lxd_client *client2;

/* Whether daemon "a" trusts the CLIENT2 certificate now. */
static bool client2_trusted(void) {
    bool trusted = false;
    if (client2)
        CHECK_OK(lxd_client_trusted(client2, &trusted, ERR));
    return trusted;
}

/* The PEM's body as one base64 line (LXD's `certificate` field), malloc'd. */
static char *pem_base64(const char *pem) {
    const char *begin = strstr(pem, "-----BEGIN CERTIFICATE-----");
    const char *end = strstr(pem, "-----END CERTIFICATE-----");
    if (!begin || !end)
        return NULL;
    begin += strlen("-----BEGIN CERTIFICATE-----");
    char *out = malloc((size_t)(end - begin) + 1);
    size_t n = 0;
    for (const char *p = begin; p < end; p++)
        if (*p != '\n' && *p != '\r')
            out[n++] = *p;
    out[n] = '\0';
    return out;
}

int main(void) {
    t_begin("certificates");
    lxd_client *c = t_unix_client();
    char name[40], renamed[40], name2[40];
    t_unique(name, sizeof name, "ct-cert");
    t_unique(renamed, sizeof renamed, "ct-cert-renamed");
    t_unique(name2, sizeof name2, "ct-cert-created");
    char *pem = t_read_file(t_env("CLIENT2_CERT"));
    char *before = NULL, *after = NULL, *json = NULL, *etag = NULL, *etag2 = NULL, *fp = NULL;
    if (!CHECK(pem != NULL))
        return t_end();
    client2 = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT2_CERT"), t_env("CLIENT2_KEY"));

    T_SECTION("add a PEM: trusted over HTTPS");
    CHECK(!client2_trusted());
    CHECK_OK(lxd_certificate_list(c, 0, &before, ERR));
    CHECK_OK(lxd_certificate_add(c, pem, name, NULL, ERR));
    CHECK_ERR_MSG(lxd_certificate_add(c, pem, "again", NULL, ERR), LXD_RESULT_CONFLICT, 409, "already in trust store");
    if (CHECK_OK(lxd_certificate_list(c, 0, &after, ERR))) {
        fp = t_json_new_entry(before, after);
        CHECKF(fp && strlen(fp) == 64, "a new fingerprint in %s", after);
        CHECK_LACKS(after, "/1.0/certificates/");
    }
    if (!fp)
        goto out;
    CHECK(client2_trusted());

    T_SECTION("list, get");
    char *fp_frag = t_fmt("\"fingerprint\":\"%s\"", fp), *name_frag = t_fmt("\"name\":\"%s\"", name);
    if (CHECK_OK(lxd_certificate_list(c, 1, &json, ERR))) {
        CHECK_HAS(json, fp_frag);
        CHECK_HAS(json, name_frag);
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_certificate_get(c, fp, &json, &etag, ERR))) {
        CHECK_HAS(json, fp_frag);
        CHECK_HAS(json, name_frag);
        CHECK_HAS(json, "\"type\":\"client\"");
        CHECK_HAS(json, "\"restricted\":false");
        CHECK_HAS(json, "\"certificate\":\"-----BEGIN CERTIFICATE-----");
        CHECK(etag != NULL);
    }
    /* A unique prefix of the fingerprint works too. */
    char prefix[13];
    snprintf(prefix, sizeof prefix, "%.12s", fp);
    char *json2 = NULL;
    if (CHECK_OK(lxd_certificate_get(c, prefix, &json2, NULL, ERR)))
        CHECK_HAS(json2, fp_frag);
    lxd_string_free(json2);

    T_SECTION("update (PUT) and patch with ETags");
    char *renamed_frag = t_fmt("\"name\":\"%s\"", renamed);
    char *put = t_replace(json, name_frag, renamed_frag); /* the object from get, renamed */
    CHECK_OK(lxd_certificate_update(c, fp, put, etag, ERR));
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_certificate_get(c, fp, &json, &etag2, ERR)))
        CHECK_HAS(json, renamed_frag);
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    CHECK_ERR(lxd_certificate_update(c, fp, put, etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_certificate_patch(c, fp, "{\"restricted\":true}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_OK(lxd_certificate_patch(c, fp, "{\"restricted\":true,\"projects\":[\"default\"]}", etag2, ERR));
    if (CHECK_OK(lxd_certificate_get(c, fp, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"restricted\":true");
        CHECK_HAS(json, "\"projects\":[\"default\"]");
        CHECK_HAS(json, renamed_frag); /* PATCH merges */
    }
    lxd_string_free(json);
    json = NULL;
    CHECK(client2_trusted()); /* restricted to a project: still trusted */
    CHECK_ERR(lxd_certificate_patch(c, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "{}", NULL, ERR),
              LXD_RESULT_NOT_FOUND, 404);

    T_SECTION("delete: trust gone");
    CHECK_OK(lxd_certificate_delete(c, fp, ERR));
    CHECK(!client2_trusted());
    CHECK_ERR(lxd_certificate_get(c, fp, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_certificate_delete(c, fp, ERR), LXD_RESULT_NOT_FOUND, 404);
    lxd_string_free(after);
    after = NULL;
    if (CHECK_OK(lxd_certificate_list(c, 0, &after, ERR))) {
        char *q = t_fmt("\"%s\"", fp);
        CHECK_LACKS(after, q);
        free(q);
    }

    T_SECTION("create from LXD's create object");
    char *b64 = pem_base64(pem);
    char *create = t_fmt("{\"type\":\"client\",\"name\":\"%s\",\"certificate\":\"%s\"}", name2, b64);
    CHECK_OK(lxd_certificate_create(c, create, ERR));
    CHECK_ERR(lxd_certificate_create(c, create, ERR), LXD_RESULT_CONFLICT, 409);
    CHECK(client2_trusted());
    char *name2_frag = t_fmt("\"name\":\"%s\"", name2);
    if (CHECK_OK(lxd_certificate_get(c, fp, &json, NULL, ERR))) /* same certificate, same fingerprint */
        CHECK_HAS(json, name2_frag);
    lxd_string_free(json);
    json = NULL;
    CHECK_OK(lxd_certificate_delete(c, fp, ERR));
    CHECK(!client2_trusted());
    CHECK_ERR(lxd_certificate_create(c, "{\"type\":\"client\",\"certificate\":\"bm90IGEgY2VydA==\"}", ERR), LXD_RESULT_API, 400);

    T_SECTION("add the connecting client's own certificate with the trust password");
    char self[40];
    t_unique(self, sizeof self, "ct-cert-self");
    lxd_client *h = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT2_CERT"), t_env("CLIENT2_KEY"));
    if (h) {
        CHECK_ERR(lxd_certificate_add(h, NULL, self, "not-the-password", ERR), LXD_RESULT_FORBIDDEN, 403);
        CHECK(!client2_trusted());
        CHECK_OK(lxd_certificate_add(h, NULL, self, t_trust_secret(""), ERR));
        CHECK(client2_trusted());
        /* LXD names the certificate as asked; Incus after the trust token it was added with
         * (t_trust_secret's tokens are named "t-<pid>-<n>"). */
        char *self_frag = t_is_incus() ? t_fmt("\"name\":\"t-%ld-", (long)getpid()) : t_fmt("\"name\":\"%s\"", self);
        if (CHECK_OK(lxd_certificate_get(c, fp, &json, NULL, ERR))) /* client2's fingerprint again */
            CHECK_HAS(json, self_frag);
        lxd_string_free(json);
        json = NULL;
        free(self_frag);
        /* Trusted now: its own certificate is known, adding it again conflicts. */
        CHECK_ERR(lxd_certificate_add(h, pem, "again", NULL, ERR), LXD_RESULT_CONFLICT, 409);
        CHECK_OK(lxd_certificate_delete(c, fp, ERR));
        CHECK(!client2_trusted());
        lxd_client_free(h);
    }
    /* Over the unix socket there is no client certificate to add with a password. */
    CHECK_ERR_MSG(lxd_certificate_add(c, NULL, NULL, "secret", ERR), LXD_RESULT_API, 400, "already trusted");
    free(name2_frag);
    free(create);
    free(b64);
    free(put);
    free(renamed_frag);
    free(fp_frag);
    free(name_frag);

out:
    if (fp)
        lxd_certificate_delete(c, fp, NULL); /* failure paths */
    free(fp);
    free(pem);
    lxd_string_free(before);
    lxd_string_free(after);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    lxd_client_free(client2);
    lxd_client_free(c);
    return t_end();
}
