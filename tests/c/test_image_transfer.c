/*
 * Image transfer through the C ABI, against two real daemons: upload of a unified tarball and of
 * a split image (multipart, metadata first) with options and progress; duplicate uploads; export
 * of both kinds to files (atomic, SHA-256 checked) and to descriptors, with progress and cancel;
 * copy to the second daemon (over the unix socket and with an HTTPS source client); images from a
 * URL and a simplestreams server (pointed at a closed loopback port: LXD really tries and fails);
 * NULL arguments. Test images are made unique with the harness (`make-image`), since uploading the
 * same bytes twice fails.
 */
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>

static char workdir[256];

struct image_files {
    char *unified, *meta, *rootfs;
    char unified_fp[65], split_fp[65];
};

/* A fresh, uniquely fingerprinted image (unified + split) from the harness. */
static bool make_image(struct image_files *img, const char *tag) {
    char *dir = t_fmt("%s/img-%s", workdir, tag);
    char *cmd = t_fmt("'%s' make-image '%s' '%s' '%s'", t_env("HARNESS"), t_env("STATEDIR"), dir, tag);
    FILE *p = popen(cmd, "r");
    free(cmd);
    bool ok = p != NULL;
    char line[256];
    int got = 0;
    while (ok && fgets(line, sizeof line, p)) {
        if (sscanf(line, "unified %64s", img->unified_fp) == 1)
            got |= 1;
        if (sscanf(line, "split %64s", img->split_fp) == 1)
            got |= 2;
    }
    if (p && pclose(p) != 0)
        ok = false;
    img->unified = t_fmt("%s/unified.tar.gz", dir);
    img->meta = t_fmt("%s/meta.tar.xz", dir);
    img->rootfs = t_fmt("%s/rootfs.tar.gz", dir);
    free(dir);
    return CHECKF(ok && got == 3, "harness make-image %s", tag);
}

static void free_image(struct image_files *img) {
    free(img->unified);
    free(img->meta);
    free(img->rootfs);
}


static int temp_files(void) {
    DIR *d = opendir(workdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".lxdpart"))
            n++;
    if (d)
        closedir(d);
    return n;
}

static char *wpath(const char *name) { return t_fmt("%s/%s", workdir, name); }

struct prog {
    int calls;
    uint64_t first_done, last_done, last_total;
    bool monotonic;
    uint64_t cancel_at;
};

static int prog_cb(void *user, uint64_t done, uint64_t total) {
    struct prog *p = user;
    if (p->calls == 0) {
        p->first_done = done;
        p->monotonic = true;
    } else if (done < p->last_done || total != p->last_total) {
        p->monotonic = false;
    }
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    return p->cancel_at && done >= p->cancel_at ? 1 : 0;
}

static void delete_image(lxd_client *c, const char *fp) { CHECK_OK(lxd_image_delete(c, fp, NULL, ERR)); }

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_null_args(lxd_client *a, lxd_client *b) {
    T_SECTION("NULL and invalid arguments");
    char *fp = NULL;
    bool split = false;
    lxd_operation *op = NULL;
    const char *f = t_env("IMAGE_UNIFIED"), *m = t_env("IMAGE_META"), *r = t_env("IMAGE_ROOTFS"), *x = t_env("IMAGE_FINGERPRINT");
    CHECK_INVALID(lxd_image_upload_path(NULL, f, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_path(a, NULL, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_path(a, f, T_BAD_UTF8, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_path(a, f, "{\"publik\":true}", NULL, NULL, &fp, ERR)); /* unknown option */
    CHECK_INVALID(lxd_image_upload_path(a, f, "[1]", NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_path(a, workdir, NULL, NULL, NULL, &fp, ERR)); /* a directory */
    CHECK_ERR(lxd_image_upload_path(a, "/nonexistent/image.tar.gz", NULL, NULL, NULL, &fp, ERR), LXD_RESULT_IO, 0);
    CHECK_INVALID(lxd_image_upload_split(NULL, m, r, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_split(a, NULL, r, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_upload_split(a, m, NULL, NULL, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_export_path(NULL, x, "/tmp/never-img", NULL, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_path(a, NULL, "/tmp/never-img", NULL, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_path(a, x, NULL, NULL, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_path(a, "not-hex!", "/tmp/never-img", NULL, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_fd(NULL, x, 1, -1, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_fd(a, NULL, 1, -1, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_export_fd(a, x, -1, -1, NULL, NULL, &split, ERR));
    CHECK_INVALID(lxd_image_copy_to(NULL, x, b, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_copy_to(a, NULL, b, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_copy_to(a, x, NULL, NULL, &fp, ERR));
    CHECK_INVALID(lxd_image_copy_to(a, x, b, "{\"source\":{}}", &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_url(NULL, "https://127.0.0.1:1/x", NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_url(a, NULL, NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_url(a, "ftp://127.0.0.1/x", NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_simplestreams(NULL, "https://127.0.0.1:1", "busybox", NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_simplestreams(a, NULL, "busybox", NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_simplestreams(a, "https://127.0.0.1:1", NULL, NULL, &op, &fp, ERR));
    CHECK_INVALID(lxd_image_create_from_simplestreams(a, "https://127.0.0.1:1", "", NULL, &op, &fp, ERR));
    CHECK(fp == NULL && op == NULL && !t_path_exists("/tmp/never-img"));
}

static void test_unified(lxd_client *a) {
    T_SECTION("unified upload (options, progress), duplicate, export to a file and a descriptor");
    struct image_files img;
    if (!make_image(&img, "unified"))
        return;
    char alias[64];
    t_unique(alias, sizeof alias, "img-up");
    char *opts = t_fmt("{\"public\":true,\"filename\":\"my image.tar.gz\",\"properties\":{\"os\":\"busybox\",\"release\":\"a b&c=d\"},"
                       "\"aliases\":[\"%s\",{\"name\":\"%s-2\",\"description\":\"second\"}]}",
                       alias, alias);
    struct prog pu = {0};
    char *fp = NULL;
    long long size = t_file_size(img.unified);
    if (!CHECK_OK(lxd_image_upload_path(a, img.unified, opts, prog_cb, &pu, &fp, ERR)))
        goto out;
    CHECKF(fp && strcmp(fp, img.unified_fp) == 0, "fingerprint %s == sha256 %s", fp ? fp : "(null)", img.unified_fp);
    CHECK(pu.calls >= 2 && pu.first_done == 0 && pu.last_done == (uint64_t)size && pu.last_total == (uint64_t)size && pu.monotonic);
    char *json = NULL;
    if (CHECK_OK(lxd_image_get(a, fp, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"public\":true");
        CHECK_HAS(json, "\"filename\":\"my image.tar.gz\"");
        CHECK_HAS(json, "\"release\":\"a b&c=d\"");
        CHECK_HAS(json, "\"os\":\"busybox\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_image_alias_get(a, alias, &json, NULL, ERR)))
        CHECK_HAS(json, fp);
    lxd_string_free(json);
    json = NULL;
    char *alias2 = t_fmt("%s-2", alias);
    if (CHECK_OK(lxd_image_alias_get(a, alias2, &json, NULL, ERR)))
        CHECK_HAS(json, "\"description\":\"second\"");
    lxd_string_free(json);
    free(alias2);

    /* The same bytes again: LXD refuses (the operation fails). */
    char *fp2 = NULL;
    CHECK_ERR_MSG(lxd_image_upload_path(a, img.unified, NULL, NULL, NULL, &fp2, ERR), LXD_RESULT_OPERATION_FAILED, 0, "already exists");
    CHECK(fp2 == NULL);

    /* Export to a file: identical, atomic, progress against the size; rootfs_path unused. */
    char *out = wpath("exported.tar.gz"), *unused = wpath("unused-rootfs");
    struct prog pe = {0};
    bool split = true;
    if (CHECK_OK(lxd_image_export_path(a, fp, out, unused, prog_cb, &pe, &split, ERR))) {
        CHECK(!split && t_files_equal(out, img.unified) && !t_path_exists(unused));
        CHECK(pe.last_done == (uint64_t)size && pe.last_total == (uint64_t)size && pe.first_done == 0 && pe.monotonic);
    }
    CHECK(temp_files() == 0);
    /* By a unique prefix. */
    char prefix[13];
    snprintf(prefix, sizeof prefix, "%.12s", fp);
    char *out2 = wpath("exported-prefix.tar.gz");
    CHECK_OK(lxd_image_export_path(a, prefix, out2, NULL, NULL, NULL, NULL, ERR));
    CHECK(t_files_equal(out2, img.unified));
    /* To a descriptor, after existing content. */
    char *out3 = wpath("exported-fd.tar.gz");
    int fd = open(out3, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    split = true;
    CHECK_OK(lxd_image_export_fd(a, fp, fd, -1, NULL, NULL, &split, ERR));
    close(fd);
    CHECK(!split && t_files_equal(out3, img.unified));
    /* Cancel: an existing file stays as it was, nothing else is left. */
    struct prog pc = {.cancel_at = 1};
    CHECK_ERR(lxd_image_export_path(a, fp, out, NULL, prog_cb, &pc, NULL, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(t_files_equal(out, img.unified) && temp_files() == 0);
    /* Missing images. */
    char *missing = wpath("missing.tar.gz");
    CHECK_ERR(lxd_image_export_path(a, "0000000000000000000000000000000000000000000000000000000000000000", missing, NULL, NULL, NULL, NULL, ERR),
              LXD_RESULT_NOT_FOUND, 404);
    CHECK(!t_path_exists(missing) && temp_files() == 0);
    unlink(out);
    unlink(out2);
    unlink(out3);
    free(out);
    free(out2);
    free(out3);
    free(unused);
    free(missing);
    delete_image(a, fp);
out:
    lxd_string_free(fp);
    free(opts);
    free_image(&img);
}

static void test_split(lxd_client *a) {
    T_SECTION("split upload (multipart: metadata then rootfs), export to two files and two descriptors");
    struct image_files img;
    if (!make_image(&img, "split"))
        return;
    struct prog pu = {0};
    char *fp = NULL;
    long long meta_size = t_file_size(img.meta), rootfs_size = t_file_size(img.rootfs);
    if (!CHECK_OK(lxd_image_upload_split(a, img.meta, img.rootfs, "{\"properties\":{\"variant\":\"split\"}}", prog_cb, &pu, &fp, ERR)))
        goto out;
    CHECKF(fp && strcmp(fp, img.split_fp) == 0, "fingerprint %s == sha256(meta + rootfs) %s", fp ? fp : "(null)", img.split_fp);
    /* The progress total is the whole multipart body: both files plus the framing. */
    CHECK(pu.last_done == pu.last_total && pu.last_total > (uint64_t)(meta_size + rootfs_size) &&
          pu.last_total < (uint64_t)(meta_size + rootfs_size) + 1024 && pu.monotonic);
    char *json = NULL;
    if (CHECK_OK(lxd_image_get(a, fp, &json, NULL, ERR)))
        CHECK_HAS(json, "\"variant\":\"split\"");
    lxd_string_free(json);

    char *m = wpath("meta.out"), *r = wpath("rootfs.out");
    bool split = false;
    struct prog pe = {0};
    if (CHECK_OK(lxd_image_export_path(a, fp, m, r, prog_cb, &pe, &split, ERR))) {
        CHECK(split && t_files_equal(m, img.meta) && t_files_equal(r, img.rootfs));
        CHECK(pe.last_done == (uint64_t)(meta_size + rootfs_size) && pe.last_total == pe.last_done);
    }
    unlink(m);
    unlink(r);
    /* A split image needs a rootfs destination; nothing is left behind without one. */
    CHECK_INVALID(lxd_image_export_path(a, fp, m, NULL, NULL, NULL, NULL, ERR));
    CHECK(!t_path_exists(m) && temp_files() == 0);
    /* Cancel in the middle: neither file appears. */
    struct prog pc = {.cancel_at = (uint64_t)meta_size + 1};
    CHECK_ERR(lxd_image_export_path(a, fp, m, r, prog_cb, &pc, NULL, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(!t_path_exists(m) && !t_path_exists(r) && temp_files() == 0);
    /* Descriptors. */
    int fm = open(m, O_WRONLY | O_CREAT | O_TRUNC, 0644), fr = open(r, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    split = false;
    CHECK_OK(lxd_image_export_fd(a, fp, fm, fr, NULL, NULL, &split, ERR));
    close(fm);
    close(fr);
    CHECK(split && t_files_equal(m, img.meta) && t_files_equal(r, img.rootfs));
    fm = open(m, O_WRONLY | O_TRUNC);
    CHECK_INVALID(lxd_image_export_fd(a, fp, fm, -1, NULL, NULL, NULL, ERR));
    close(fm);
    unlink(m);
    unlink(r);
    free(m);
    free(r);
    delete_image(a, fp);
out:
    lxd_string_free(fp);
    free_image(&img);
}

/* Token operations (image secrets) still waiting to be used. */
static int running_token_ops(lxd_client *c) {
    char *json = NULL;
    int n = -1;
    if (CHECK_OK(lxd_operation_list(c, &json, ERR))) {
        n = 0;
        /* Operation objects are compact, `status_code` follows `class`. */
        for (const char *p = json; (p = strstr(p, "\"class\":\"token\"")) != NULL; p++)
            if (t_json_int(p, "status_code", 0) < 200)
                n++;
    }
    lxd_string_free(json);
    return n;
}

static void test_copy(lxd_client *a, lxd_client *b) {
    T_SECTION("copy an image to the second daemon (secret + pull), over the socket and from an HTTPS client");
    struct image_files img;
    if (!make_image(&img, "copy"))
        return;
    char *fp = NULL;
    if (!CHECK_OK(lxd_image_upload_path(a, img.unified, "{\"properties\":{\"os\":\"copied\"}}", NULL, NULL, &fp, ERR)))
        goto out;
    int tokens_before = running_token_ops(a);
    char alias[64];
    t_unique(alias, sizeof alias, "img-copied");
    char *opts = t_fmt("{\"aliases\":[\"%s\"]}", alias);
    char prefix[17];
    snprintf(prefix, sizeof prefix, "%.16s", fp);
    char *got = NULL;
    if (CHECK_OK(lxd_image_copy_to(a, prefix, b, opts, &got, ERR)))
        CHECK(got && strcmp(got, fp) == 0);
    lxd_string_free(got);
    char *json = NULL;
    if (CHECK_OK(lxd_image_get(b, fp, &json, NULL, ERR)))
        CHECK_HAS(json, "\"os\":\"copied\"");
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_image_alias_get(b, alias, &json, NULL, ERR)))
        CHECK_HAS(json, fp);
    lxd_string_free(json);
    CHECK(running_token_ops(a) == tokens_before); /* the one-time secret was used up */
    delete_image(b, fp);

    /* From an HTTPS source client (trusted with the trust password): the target pulls from the
     * URL this client uses. */
    lxd_client *ah = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT_CERT"), t_env("CLIENT_KEY"));
    bool trusted = false;
    if (ah && CHECK_OK(lxd_client_trusted(ah, &trusted, ERR)) && !trusted)
        CHECK_OK(lxd_client_authenticate(ah, t_trust_secret(""), ERR));
    if (ah && CHECK_OK(lxd_image_copy_to(ah, fp, b, NULL, &got, ERR))) {
        CHECK(got && strcmp(got, fp) == 0);
        bool there = false;
        CHECK(CHECK_OK(lxd_image_exists(b, fp, &there, ERR)) && there);
        lxd_string_free(got);
        delete_image(b, fp);
    }
    lxd_client_free(ah);

    /* A source URL the target cannot reach: the copy fails, and the secret is revoked. */
    CHECK_ERR(lxd_image_copy_to(a, fp, b, "{\"source_url\":\"https://127.0.0.1:1\"}", NULL, ERR), LXD_RESULT_OPERATION_FAILED, 0);
    CHECK(running_token_ops(a) == tokens_before);
    bool there = true;
    CHECK(CHECK_OK(lxd_image_exists(b, fp, &there, ERR)) && !there);
    free(opts);
    delete_image(a, fp);
out:
    lxd_string_free(fp);
    free_image(&img);
}

static void test_url_and_simplestreams(lxd_client *a) {
    T_SECTION("images from a URL / simplestreams: LXD tries the (closed, loopback) server and fails");
    char *fp = (char *)1;
    lxd_result r = lxd_image_create_from_url(a, "https://127.0.0.1:1/image", "{\"public\":false}", NULL, &fp, ERR);
    CHECKF(r == LXD_RESULT_OPERATION_FAILED || r == LXD_RESULT_API, "url: %s: %s", lxd_result_name((int32_t)r), lxd_error_message(t_err));
    t_err_clear();
    CHECK(fp == (char *)1); /* untouched on failure */
    /* With op_out: the operation comes back at once; waiting on it gives the failure. */
    lxd_operation *op = NULL;
    fp = (char *)1;
    if (CHECK_OK(lxd_image_create_from_url(a, "https://127.0.0.1:1/other", NULL, &op, &fp, ERR))) {
        CHECK(op != NULL && fp == NULL);
        CHECK_ERR(lxd_operation_wait(op, 30000, ERR), LXD_RESULT_OPERATION_FAILED, 0);
    }
    lxd_operation_free(op);
    fp = NULL;
    r = lxd_image_create_from_simplestreams(a, "https://127.0.0.1:1", "busybox/edge", "{\"source\":{\"image_type\":\"container\"}}", NULL, &fp,
                                            ERR);
    CHECKF(r == LXD_RESULT_OPERATION_FAILED || r == LXD_RESULT_API, "simplestreams: %s: %s", lxd_result_name((int32_t)r),
           lxd_error_message(t_err));
    t_err_clear();
    CHECK(fp == NULL);
}

int main(void) {
    t_begin("image_transfer");
    lxd_client *a = t_unix_client(), *b = t_unix_client2();
    snprintf(workdir, sizeof workdir, "/tmp/images-test-%d", (int)getpid());
    mkdir(workdir, 0755);
    test_null_args(a, b);
    test_unified(a);
    test_split(a);
    test_copy(a, b);
    test_url_and_simplestreams(a);
    lxd_client_free(a);
    lxd_client_free(b);
    char *cmd = t_fmt("rm -rf '%s'", workdir);
    if (system(cmd) != 0) {
    }
    free(cmd);
    return t_end();
}
