/*
 * Images and image aliases: list / get / exists / get_by_alias on the harness's busybox image;
 * a new image published from an instance (lxd_image_create with a handle), update and patch of
 * its public flag and properties with ETags, delete; aliases create / get / exists / list /
 * update / patch / rename / delete.
 */
#include "test.h"

static void test_read(lxd_client *c) {
    T_SECTION("list, get, exists, get_by_alias (busybox)");
    const char *fp = t_env("IMAGE_FINGERPRINT");
    const char *alias = t_env("IMAGE_ALIAS");
    char *json = NULL, *etag = NULL;
    char *quoted = t_fmt("\"%s\"", fp), *fp_frag = t_fmt("\"fingerprint\":\"%s\"", fp);
    if (CHECK_OK(lxd_image_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, quoted);
        CHECK_LACKS(json, "/1.0/images/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_image_list(c, 1, &json, ERR))) {
        CHECK_HAS(json, fp_frag);
        CHECK_HAS(json, "\"architecture\":\"x86_64\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_image_get(c, fp, &json, &etag, ERR))) {
        CHECK_HAS(json, fp_frag);
        char *a = t_fmt("\"name\":\"%s\"", alias);
        CHECK_HAS(json, a); /* its alias */
        free(a);
        CHECK_HAS(json, "\"type\":\"container\"");
        CHECK_HAS(json, "\"os\":\"busybox\"");
        CHECK(t_json_int(json, "size", 0) > 0);
        CHECK(etag != NULL && etag[0] != '\0');
    }
    lxd_string_free(json);
    lxd_string_free(etag);
    json = NULL;
    /* A unique prefix of the fingerprint works too. */
    char prefix[13];
    snprintf(prefix, sizeof prefix, "%.12s", fp);
    if (CHECK_OK(lxd_image_get(c, prefix, &json, NULL, ERR)))
        CHECK_HAS(json, fp_frag);
    lxd_string_free(json);
    json = NULL;
    bool exists = false;
    CHECK_OK(lxd_image_exists(c, fp, &exists, ERR));
    CHECK(exists);
    CHECK_OK(lxd_image_exists(c, prefix, &exists, ERR));
    CHECK(exists);
    CHECK_OK(lxd_image_exists(c, "0000000000000000000000000000000000000000000000000000000000000000", &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_image_get(c, "0000000000000000000000000000000000000000000000000000000000000000", &json, NULL, ERR), LXD_RESULT_NOT_FOUND,
              404);
    if (CHECK_OK(lxd_image_get_by_alias(c, alias, &json, &etag, ERR))) {
        CHECK_HAS(json, fp_frag);
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    lxd_string_free(etag);
    json = NULL;
    CHECK_OK(lxd_image_get_by_alias(c, alias, &json, NULL, ERR));
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_image_get_by_alias(c, "ct-no-such-alias", &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(json == NULL);
    free(quoted);
    free(fp_frag);
}

/* Publish `inst` as a new image with alias `alias`; returns its fingerprint (malloc'd). */
static char *publish(lxd_client *c, const char *inst, const char *alias) {
    char *body = t_fmt("{\"source\":{\"type\":\"instance\",\"name\":\"%s\"},\"compression_algorithm\":\"none\","
                       "\"properties\":{\"os\":\"busybox\",\"ct.origin\":\"publish\"},\"aliases\":[{\"name\":\"%s\"}]}",
                       inst, alias);
    lxd_operation *op = NULL;
    char *fp = NULL, *json = NULL;
    if (CHECK_OK(lxd_image_create(c, body, &op, ERR)) && CHECK(op != NULL) && CHECK_OK(lxd_operation_wait(op, 120000, ERR)) &&
        CHECK_OK(lxd_operation_json(op, &json, ERR))) {
        fp = t_json_str(t_json_find(json, "metadata"), "fingerprint");
        CHECKF(fp && strlen(fp) == 64, "publish metadata has the fingerprint: %s", json);
    }
    lxd_string_free(json);
    lxd_operation_free(op);
    free(body);
    return fp;
}

static void test_update(lxd_client *c, const char *fp, const char *alias) {
    T_SECTION("a published image: get_by_alias, update and patch with ETags");
    char *json = NULL, *etag = NULL, *etag2 = NULL;
    char *fp_frag = t_fmt("\"fingerprint\":\"%s\"", fp);
    if (CHECK_OK(lxd_image_get_by_alias(c, alias, &json, &etag, ERR))) {
        CHECK_HAS(json, fp_frag);
        CHECK_HAS(json, "\"ct.origin\":\"publish\"");
        CHECK_HAS(json, "\"public\":false");
    }
    lxd_string_free(json);
    json = NULL;
    /* Image PUT replaces public, auto_update, properties, profiles, expires_at. */
    lxd_operation *op = (lxd_operation *)&json;
    CHECK_OK(lxd_image_update(c, fp,
                              "{\"public\":true,\"auto_update\":false,\"profiles\":[\"default\"],"
                              "\"properties\":{\"os\":\"busybox\",\"ct.updated\":\"yes\"}}",
                              etag, &op, ERR));
    CHECK(op == NULL); /* LXD answers image updates synchronously: no operation */
    if (CHECK_OK(lxd_image_get(c, fp, &json, &etag2, ERR))) {
        CHECK_HAS(json, "\"public\":true");
        CHECK_HAS(json, "\"ct.updated\":\"yes\"");
        CHECK_LACKS(json, "ct.origin");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    CHECK_ERR(lxd_image_update(c, fp, "{\"public\":false}", etag, NULL, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_image_patch(c, fp, "{\"public\":false}", etag, NULL, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    /* PATCH merges properties. */
    CHECK_OK(lxd_image_patch(c, fp, "{\"properties\":{\"ct.patched\":\"1\"}}", etag2, NULL, ERR));
    if (CHECK_OK(lxd_image_get(c, fp, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"ct.patched\":\"1\"");
        CHECK_HAS(json, "\"ct.updated\":\"yes\"");
        CHECK_HAS(json, "\"public\":true");
    }
    lxd_string_free(json);
    json = NULL;
    op = NULL;
    CHECK_OK(lxd_image_patch(c, fp, "{\"public\":false}", NULL, &op, ERR));
    t_wait_free(op);
    if (CHECK_OK(lxd_image_get(c, fp, &json, NULL, ERR)))
        CHECK_HAS(json, "\"public\":false");
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_image_update(c, "0000000000000000000000000000000000000000000000000000000000000000", "{}", NULL, NULL, ERR),
              LXD_RESULT_NOT_FOUND, 404);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    free(fp_frag);
}

static void test_aliases(lxd_client *c, const char *fp) {
    T_SECTION("aliases");
    char a[40], b[40];
    t_unique(a, sizeof a, "ct-alias");
    t_unique(b, sizeof b, "ct-alias-renamed");
    char *json = NULL, *etag = NULL, *etag2 = NULL;
    char *target = t_fmt("\"target\":\"%s\"", fp);
    CHECK_OK(lxd_image_alias_create(c, a, fp, "first", ERR));
    CHECK_ERR_MSG(lxd_image_alias_create(c, a, fp, NULL, ERR), LXD_RESULT_CONFLICT, 409, "already exists");
    CHECK_ERR(lxd_image_alias_create(c, b, "00000000000000000000000000000000000000000000000000000000000000aa", NULL, ERR),
              LXD_RESULT_NOT_FOUND, 404);
    bool exists = false;
    CHECK_OK(lxd_image_alias_exists(c, a, &exists, ERR));
    CHECK(exists);
    CHECK_OK(lxd_image_alias_exists(c, b, &exists, ERR));
    CHECK(!exists);
    if (CHECK_OK(lxd_image_alias_get(c, a, &json, &etag, ERR))) {
        CHECK_HAS(json, target);
        CHECK_HAS(json, "\"description\":\"first\"");
        char *n = t_fmt("\"name\":\"%s\"", a);
        CHECK_HAS(json, n);
        free(n);
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    json = NULL;
    char *quoted = t_fmt("\"%s\"", a);
    if (CHECK_OK(lxd_image_alias_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, quoted);
        CHECK_HAS(json, "\"busybox\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_image_alias_list(c, 1, &json, ERR))) {
        char *n = t_fmt("\"name\":\"%s\"", a);
        CHECK_HAS(json, n);
        CHECK_HAS(json, target);
        free(n);
    }
    lxd_string_free(json);
    json = NULL;
    /* Aliases resolve to their image. */
    if (CHECK_OK(lxd_image_get_by_alias(c, a, &json, NULL, ERR))) {
        char *f = t_fmt("\"fingerprint\":\"%s\"", fp);
        CHECK_HAS(json, f);
        free(f);
    }
    lxd_string_free(json);
    json = NULL;

    char *put = t_fmt("{\"target\":\"%s\",\"description\":\"second\"}", fp);
    CHECK_OK(lxd_image_alias_update(c, a, put, etag, ERR));
    if (CHECK_OK(lxd_image_alias_get(c, a, &json, &etag2, ERR)))
        CHECK_HAS(json, "\"description\":\"second\"");
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    CHECK_ERR(lxd_image_alias_update(c, a, put, etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_image_alias_patch(c, a, "{\"description\":\"stale\"}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    /* LXD 5.0.2 cannot PATCH an image alias: every PATCH that passes the ETag check hangs for
     * 20 s and fails with 500 "context deadline exceeded" (also with curl). So only the ETag
     * check is exercised above, and the description is changed with a PUT. */
    char *put3 = t_fmt("{\"target\":\"%s\",\"description\":\"third\"}", fp);
    CHECK_OK(lxd_image_alias_update(c, a, put3, NULL, ERR));
    free(put3);
    if (CHECK_OK(lxd_image_alias_get(c, a, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"description\":\"third\"");
        CHECK_HAS(json, target);
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_image_alias_update(c, "ct-no-such-alias", put, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);

    CHECK_OK(lxd_image_alias_rename(c, a, b, ERR));
    CHECK_ERR(lxd_image_alias_get(c, a, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_image_alias_get(c, b, &json, NULL, ERR)))
        CHECK_HAS(json, "\"description\":\"third\"");
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR_MSG(lxd_image_alias_rename(c, b, t_env("IMAGE_ALIAS"), ERR), LXD_RESULT_CONFLICT, 409, "already exists");
    CHECK_ERR(lxd_image_alias_rename(c, "ct-no-such-alias", "ct-x", ERR), LXD_RESULT_NOT_FOUND, 404);

    CHECK_OK(lxd_image_alias_delete(c, b, ERR));
    CHECK_OK(lxd_image_alias_exists(c, b, &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_image_alias_delete(c, b, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_image_alias_list(c, 0, &json, ERR)))
        CHECK_LACKS(json, quoted);
    lxd_string_free(json);
    free(quoted);
    free(put);
    free(target);
    lxd_string_free(etag);
    lxd_string_free(etag2);
}

static void test_delete(lxd_client *c, const char *fp, const char *alias) {
    T_SECTION("delete");
    lxd_operation *op = NULL;
    CHECK_OK(lxd_image_delete(c, fp, &op, ERR));
    CHECK(op != NULL);
    t_wait_free(op);
    bool exists = true;
    CHECK_OK(lxd_image_exists(c, fp, &exists, ERR));
    CHECK(!exists);
    CHECK_OK(lxd_image_alias_exists(c, alias, &exists, ERR)); /* its aliases go with it */
    CHECK(!exists);
    CHECK_ERR(lxd_image_delete(c, fp, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    /* The harness's image is untouched. */
    CHECK_OK(lxd_image_exists(c, t_env("IMAGE_FINGERPRINT"), &exists, ERR));
    CHECK(exists);
}

int main(void) {
    t_begin("images");
    lxd_client *c = t_unix_client();
    test_read(c);

    char inst[40], alias[40];
    t_unique(inst, sizeof inst, "ct-img-src");
    t_unique(alias, sizeof alias, "ct-published");
    char *fp = NULL;
    if (t_instance_create(c, inst, false))
        fp = publish(c, inst, alias);
    t_instance_cleanup(c, inst);
    if (fp) {
        test_update(c, fp, alias);
        test_aliases(c, fp);
        test_delete(c, fp, alias);
        lxd_image_delete(c, fp, NULL, NULL); /* in case a check above failed early */
    }
    free(fp);
    lxd_client_free(c);
    return t_end();
}
