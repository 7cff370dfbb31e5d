/*
 * Storage pools: the harness's pool (get, resources, refusing to delete it while in use) and a
 * second `dir` pool on a fresh directory under /tmp: create, get, list, update (PUT) and patch
 * with ETags, resources, delete.
 */
#include "test.h"

#include <sys/stat.h>

int main(void) {
    t_begin("storage");
    lxd_client *c = t_unix_client();
    const char *pool = t_env("POOL");
    char p[40];
    t_unique(p, sizeof p, "ct-pool");
    char dir[] = "/tmp/ct-pool-src-XXXXXX";
    char *json = NULL, *etag = NULL, *etag2 = NULL;
    char *pname = t_fmt("\"name\":\"%s\"", p), *pquoted = t_fmt("\"%s\"", p);
    bool exists = false;

    T_SECTION("the harness's pool");
    if (CHECK_OK(lxd_storage_pool_get(c, pool, &json, &etag, ERR))) {
        char *frag = t_fmt("\"name\":\"%s\"", pool);
        CHECK_HAS(json, frag);
        free(frag);
        CHECK_HAS(json, "\"driver\":\"dir\"");
        CHECK_HAS(json, "\"status\":\"Created\"");
        CHECK_HAS(json, "/1.0/profiles/default"); /* used_by */
        /* LXD 5.0.2 sends no ETag for storage pools (it still checks If-Match: see below);
         * Incus 6.0 sends one. */
        CHECK(t_is_incus() ? etag != NULL : etag == NULL);
    }
    lxd_string_free(json);
    lxd_string_free(etag);
    json = NULL;
    etag = NULL;
    CHECK_OK(lxd_storage_pool_exists(c, pool, &exists, ERR));
    CHECK(exists);
    if (CHECK_OK(lxd_storage_pool_resources(c, pool, &json, ERR))) {
        CHECK_HAS(json, "\"space\":{");
        CHECK(t_json_int(t_json_find(json, "space"), "total", 0) > 0);
        CHECK_HAS(json, "\"inodes\":{");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR_MSG(lxd_storage_pool_delete(c, pool, ERR), LXD_RESULT_API, 400, "in use");
    char *dup = t_fmt("{\"name\":\"%s\",\"driver\":\"dir\"}", pool);
    CHECK_ERR_MSG(lxd_storage_pool_create(c, dup, ERR), LXD_RESULT_CONFLICT, 409, "already exists");
    free(dup);

    T_SECTION("a second dir pool: create, get, list, resources");
    if (!CHECK(mkdtemp(dir) != NULL))
        goto out;
    char *create = t_fmt("{\"name\":\"%s\",\"driver\":\"dir\",\"description\":\"made by C\",\"config\":{\"source\":\"%s\"}}", p, dir);
    bool created = CHECK_OK(lxd_storage_pool_create(c, create, ERR));
    free(create);
    if (!created)
        goto out;
    CHECK_OK(lxd_storage_pool_exists(c, p, &exists, ERR));
    CHECK(exists);
    if (CHECK_OK(lxd_storage_pool_get(c, p, &json, &etag, ERR))) {
        CHECK_HAS(json, pname);
        CHECK_HAS(json, "\"driver\":\"dir\"");
        CHECK_HAS(json, "\"description\":\"made by C\"");
        char *src = t_fmt("\"source\":\"%s\"", dir);
        CHECK_HAS(json, src);
        free(src);
        CHECK(t_is_incus() ? etag != NULL : etag == NULL); /* as above */
    }
    lxd_string_free(json);
    json = NULL;
    /* LXD made its layout in the source directory. */
    char *sub = t_fmt("%s/containers", dir);
    struct stat st;
    CHECKF(stat(sub, &st) == 0 && S_ISDIR(st.st_mode), "%s exists", sub);
    free(sub);
    if (CHECK_OK(lxd_storage_pool_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, pquoted);
        CHECK_LACKS(json, "/1.0/storage-pools/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_storage_pool_list(c, 1, &json, ERR))) {
        CHECK_HAS(json, pname);
        CHECK(t_json_array_len(json) >= 2);
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_storage_pool_resources(c, p, &json, ERR)))
        CHECK(t_json_int(t_json_find(json, "space"), "total", 0) > 0);
    lxd_string_free(json);
    json = NULL;

    T_SECTION("update (PUT) and patch with ETags");
    char *put = t_fmt("{\"description\":\"put\",\"config\":{\"source\":\"%s\"}}", dir);
    CHECK_OK(lxd_storage_pool_update(c, p, put, NULL, ERR));
    if (CHECK_OK(lxd_storage_pool_get(c, p, &json, &etag2, ERR)))
        CHECK_HAS(json, "\"description\":\"put\"");
    lxd_string_free(json);
    json = NULL;
    /* No ETag to read, but If-Match is sent and checked: a made-up one is stale. */
    const char *stale = "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"";
    CHECK_ERR_MSG(lxd_storage_pool_update(c, p, put, stale, ERR), LXD_RESULT_PRECONDITION_FAILED, 412, "ETag");
    CHECK_ERR_MSG(lxd_storage_pool_patch(c, p, "{\"description\":\"stale\"}", stale, ERR), LXD_RESULT_PRECONDITION_FAILED, 412, "ETag");
    CHECK_OK(lxd_storage_pool_patch(c, p, "{\"description\":\"patched\"}", etag2, ERR));
    if (CHECK_OK(lxd_storage_pool_get(c, p, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"description\":\"patched\"");
        CHECK_HAS(json, "\"source\":\""); /* PATCH merges */
    }
    lxd_string_free(json);
    json = NULL;
    /* The source of an existing pool cannot change. */
    CHECK_ERR(lxd_storage_pool_patch(c, p, "{\"config\":{\"source\":\"/tmp\"}}", NULL, ERR), LXD_RESULT_API, -1);
    CHECK_ERR(lxd_storage_pool_patch(c, "ct-no-such-pool", "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    free(put);

    T_SECTION("delete");
    CHECK_OK(lxd_storage_pool_delete(c, p, ERR));
    CHECK_OK(lxd_storage_pool_exists(c, p, &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_storage_pool_delete(c, p, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_storage_pool_get(c, p, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR_MSG(lxd_storage_pool_resources(c, p, &json, ERR), LXD_RESULT_API, 500, "not found"); /* 5.0.2: 500 */
    if (CHECK_OK(lxd_storage_pool_list(c, 0, &json, ERR)))
        CHECK_LACKS(json, pquoted);
    lxd_string_free(json);
    json = NULL;

out:
    lxd_storage_pool_delete(c, p, NULL); /* failure paths */
    if (dir[strlen(dir) - 1] != 'X') {
        char *rm = t_fmt("rm -rf '%s'", dir);
        CHECK(system(rm) == 0);
        free(rm);
    }
    free(pname);
    free(pquoted);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    lxd_client_free(c);
    return t_end();
}
