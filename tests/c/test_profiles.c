/*
 * Profiles: list, get, exists, create, update (PUT) and patch with ETags, rename, delete, and
 * what LXD refuses (duplicates, the default profile, a profile in use).
 */
#include "test.h"

int main(void) {
    t_begin("profiles");
    lxd_client *c = t_unix_client();
    char p[40], q[40], inst[40];
    t_unique(p, sizeof p, "ct-prof");
    t_unique(q, sizeof q, "ct-prof-renamed");
    t_unique(inst, sizeof inst, "ct-prof-user");
    char *json = NULL, *etag = NULL, *etag2 = NULL;
    char *pname = t_fmt("\"name\":\"%s\"", p), *pquoted = t_fmt("\"%s\"", p);

    T_SECTION("the default profile");
    if (CHECK_OK(lxd_profile_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, "\"default\"");
        CHECK_LACKS(json, "/1.0/profiles/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_profile_get(c, "default", &json, &etag, ERR))) {
        CHECK_HAS(json, "\"name\":\"default\"");
        char *pool = t_fmt("\"pool\":\"%s\"", t_env("POOL"));
        CHECK_HAS(json, pool); /* the harness's root disk */
        free(pool);
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    lxd_string_free(etag);
    json = NULL;
    etag = NULL;
    bool exists = false;
    CHECK_OK(lxd_profile_exists(c, "default", &exists, ERR));
    CHECK(exists);
    CHECK_ERR_MSG(lxd_profile_delete(c, "default", ERR), LXD_RESULT_FORBIDDEN, 403, "cannot be deleted");

    T_SECTION("create, get, list");
    char *create = t_fmt("{\"name\":\"%s\",\"description\":\"made by C\",\"config\":{\"limits.cpu\":\"1\",\"user.ct\":\"1\"},"
                         "\"devices\":{\"ctdisk\":{\"type\":\"disk\",\"path\":\"/mnt/ct\",\"source\":\"/tmp\"}}}",
                         p);
    CHECK_OK(lxd_profile_create(c, create, ERR));
    /* A second create with the same name: LXD 5.0.2 answers 500 (a database error), not 409. */
    CHECK_ERR_MSG(lxd_profile_create(c, create, ERR), LXD_RESULT_API, 500, "already exists");
    CHECK_OK(lxd_profile_exists(c, p, &exists, ERR));
    CHECK(exists);
    if (CHECK_OK(lxd_profile_get(c, p, &json, &etag, ERR))) {
        CHECK_HAS(json, pname);
        CHECK_HAS(json, "\"description\":\"made by C\"");
        CHECK_HAS(json, "\"limits.cpu\":\"1\"");
        CHECK_HAS(json, "\"path\":\"/mnt/ct\"");
        CHECK_HAS(json, "\"used_by\":[]");
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_profile_list(c, 0, &json, ERR)))
        CHECK_HAS(json, pquoted);
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_profile_list(c, 1, &json, ERR))) {
        CHECK_HAS(json, pname);
        CHECK_HAS(json, "\"name\":\"default\"");
    }
    lxd_string_free(json);
    json = NULL;
    /* LXD validates the content. */
    char *bad = t_fmt("{\"name\":\"%s-bad\",\"config\":{\"limits.cpu\":\"many\"}}", p);
    CHECK_ERR(lxd_profile_create(c, bad, ERR), LXD_RESULT_API, 400);
    free(bad);

    T_SECTION("update (PUT) and patch with ETags");
    CHECK_OK(lxd_profile_update(c, p, "{\"description\":\"put\",\"config\":{\"user.ct\":\"2\"},\"devices\":{}}", etag, ERR));
    if (CHECK_OK(lxd_profile_get(c, p, &json, &etag2, ERR))) {
        CHECK_HAS(json, "\"description\":\"put\"");
        CHECK_HAS(json, "\"user.ct\":\"2\"");
        CHECK_LACKS(json, "limits.cpu"); /* PUT replaces */
        CHECK_LACKS(json, "/mnt/ct");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    CHECK_ERR(lxd_profile_update(c, p, "{\"description\":\"stale\"}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_profile_patch(c, p, "{\"description\":\"stale\"}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_OK(lxd_profile_patch(c, p, "{\"config\":{\"user.patched\":\"yes\"}}", etag2, ERR));
    if (CHECK_OK(lxd_profile_get(c, p, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"user.patched\":\"yes\"");
        CHECK_HAS(json, "\"user.ct\":\"2\""); /* PATCH merges */
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_OK(lxd_profile_patch(c, p, "{\"description\":\"no etag\"}", NULL, ERR));
    CHECK_ERR(lxd_profile_update(c, "ct-no-such-profile", "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_profile_patch(c, "ct-no-such-profile", "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);

    T_SECTION("in use");
    char *inst_json = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"none\"},\"profiles\":[\"default\",\"%s\"]}", inst, p);
    if (CHECK_OK(lxd_instance_create(c, inst_json, NULL, ERR))) {
        if (CHECK_OK(lxd_profile_get(c, p, &json, NULL, ERR))) {
            char *used = t_fmt("/1.0/instances/%s", inst);
            CHECK_HAS(json, used);
            free(used);
        }
        lxd_string_free(json);
        json = NULL;
        CHECK_ERR_MSG(lxd_profile_delete(c, p, ERR), LXD_RESULT_API, 500, "in use"); /* 5.0.2: 500 */
        t_instance_cleanup(c, inst);
    }
    free(inst_json);

    T_SECTION("rename, delete");
    /* LXD 5.0.2 answers 500 for a taken name (not 409) and for a missing profile (not 404). */
    /* (Incus 6.0: 500 too, in other words.) */
    CHECK_ERR_MSG(lxd_profile_rename(c, p, "default", ERR), LXD_RESULT_API, 500, t_is_incus() ? "already exists" : "already in use");
    CHECK_ERR(lxd_profile_rename(c, "default", q, ERR), LXD_RESULT_FORBIDDEN, 403);
    CHECK_OK(lxd_profile_rename(c, p, q, ERR));
    CHECK_ERR(lxd_profile_get(c, p, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_profile_get(c, q, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"description\":\"no etag\"");
        CHECK_HAS(json, "\"user.patched\":\"yes\"");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_profile_rename(c, "ct-no-such-profile", "ct-x", ERR), LXD_RESULT_API, 500);
    CHECK_OK(lxd_profile_delete(c, q, ERR));
    CHECK_OK(lxd_profile_exists(c, q, &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_profile_delete(c, q, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_profile_list(c, 0, &json, ERR))) {
        CHECK_LACKS(json, pquoted);
        char *qq = t_fmt("\"%s\"", q);
        CHECK_LACKS(json, qq);
        free(qq);
    }
    lxd_string_free(json);
    json = NULL;

    /* Cleanup on failure paths. */
    lxd_profile_delete(c, p, NULL);
    lxd_profile_delete(c, q, NULL);
    free(create);
    free(pname);
    free(pquoted);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    lxd_client_free(c);
    return t_end();
}
