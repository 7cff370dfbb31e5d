/*
 * Instance files through the C ABI, against the real daemon: push from a path, a descriptor (a
 * regular file and a pipe) and memory; pull to a path (atomically), a descriptor and memory;
 * owner/mode headers, append, stat, list, mkdir, symlinks, delete; unicode, spaces and #?&% in
 * paths; progress callback values and cancel; trees both ways; path-traversal names from a
 * hostile server (a fake LXD in this file); files of a stopped container; NULL arguments.
 *
 * Memory bound: a child process (this program, re-executed natively with --rss-child, outside
 * valgrind) pushes and pulls a 1 GiB file and reports its peak RSS (getrusage ru_maxrss), which
 * must stay under 32 MiB.
 *
 * `test_files --bench [MiB...]` (inside the harness) measures push/pull throughput and peak RSS
 * of the library next to curl over the same unix socket (default sizes: 64 and 1024 MiB).
 */
#define _GNU_SOURCE /* wait4 for the benchmark */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static char inst[64];
static char workdir[256];

/* ---- local helpers ---------------------------------------------------------------------------- */

/* A file of `size` bytes of a pattern that depends on `seed`, written in 1 MiB chunks. */
static bool make_file(const char *path, uint64_t size, uint64_t seed) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    static uint64_t buf[1 << 17];
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1, done = 0;
    while (done < size) {
        for (size_t i = 0; i < sizeof buf / 8; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = x;
        }
        size_t n = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
        if (fwrite(buf, 1, n, f) != n) {
            fclose(f);
            return false;
        }
        done += n;
    }
    return fclose(f) == 0;
}


/* Entries of `dir` whose name contains `needle`. */
static int count_entries(const char *dir, const char *needle) {
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, needle))
            n++;
    closedir(d);
    return n;
}

static void rm_rf(const char *path) {
    char *cmd = t_fmt("rm -rf '%s'", path);
    if (system(cmd) != 0) {
    }
    free(cmd);
}

static char *wpath(const char *name) { return t_fmt("%s/%s", workdir, name); }

/* ---- progress recorder ------------------------------------------------------------------------ */

struct prog {
    int calls;
    uint64_t first_done, first_total, last_done, last_total;
    bool monotonic;
    uint64_t cancel_at; /* cancel once done >= cancel_at (0: never) */
};

static int prog_cb(void *user, uint64_t done, uint64_t total) {
    struct prog *p = user;
    if (p->calls == 0) {
        p->first_done = done;
        p->first_total = total;
        p->monotonic = true;
    } else if (done < p->last_done || total != p->last_total) {
        p->monotonic = false;
    }
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    return p->cancel_at && done >= p->cancel_at ? 1 : 0;
}

/* ---- setup ------------------------------------------------------------------------------------ */

static bool create_instance(lxd_client *c, const char *name, bool start) {
    char *json = t_fmt("{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, t_env("IMAGE_ALIAS"));
    bool ok = CHECK_OK(lxd_instance_create(c, json, NULL, ERR));
    free(json);
    if (ok && start)
        ok = CHECK_OK(lxd_instance_start(c, name, NULL, ERR));
    return ok;
}

static void delete_instance(lxd_client *c, const char *name) {
    lxd_instance_stop(c, name, 0, true, NULL, NULL);
    CHECK_OK(lxd_instance_delete(c, name, NULL, ERR));
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_null_args(lxd_client *c) {
    T_SECTION("NULL and invalid arguments");
    lxd_file_info info;
    uint8_t *data = NULL;
    size_t len = 0;
    char *json = NULL;
    lxd_file_options o = {0};
    CHECK_INVALID(lxd_file_push_path(NULL, inst, "/tmp/x", "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, NULL, "/tmp/x", "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, inst, NULL, "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, inst, "/tmp/x", NULL, &o, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, inst, T_BAD_UTF8, "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, "bad_name", "/tmp/x", "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_path(c, inst, "", "/etc/hostname", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_fd(NULL, inst, "/tmp/x", 0, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_fd(c, NULL, "/tmp/x", 0, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_fd(c, inst, NULL, 0, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_fd(c, inst, "/tmp/x", -1, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_bytes(NULL, inst, "/tmp/x", (const uint8_t *)"a", 1, NULL, ERR));
    CHECK_INVALID(lxd_file_push_bytes(c, NULL, "/tmp/x", (const uint8_t *)"a", 1, NULL, ERR));
    CHECK_INVALID(lxd_file_push_bytes(c, inst, NULL, (const uint8_t *)"a", 1, NULL, ERR));
    CHECK_INVALID(lxd_file_push_bytes(c, inst, "/tmp/x", NULL, 1, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_path(NULL, inst, "/etc/hostname", "/tmp/never", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_path(c, NULL, "/etc/hostname", "/tmp/never", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_path(c, inst, NULL, "/tmp/never", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_path(c, inst, "/etc/hostname", NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_path(c, inst, "/etc/hostname", T_BAD_UTF8, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_fd(NULL, inst, "/etc/hostname", 1, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_fd(c, NULL, "/etc/hostname", 1, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_fd(c, inst, NULL, 1, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_fd(c, inst, "/etc/hostname", -5, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_bytes(NULL, inst, "/etc/hostname", 0, &data, &len, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_bytes(c, NULL, "/etc/hostname", 0, &data, &len, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_bytes(c, inst, NULL, 0, &data, &len, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_bytes(c, inst, "/etc/hostname", 0, NULL, &len, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_bytes(c, inst, "/etc/hostname", 0, &data, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_stat(NULL, inst, "/etc", &info, ERR));
    CHECK_INVALID(lxd_file_stat(c, NULL, "/etc", &info, ERR));
    CHECK_INVALID(lxd_file_stat(c, inst, NULL, &info, ERR));
    CHECK_INVALID(lxd_file_stat(c, inst, "/etc", NULL, ERR));
    CHECK_INVALID(lxd_file_list(NULL, inst, "/etc", &json, ERR));
    CHECK_INVALID(lxd_file_list(c, NULL, "/etc", &json, ERR));
    CHECK_INVALID(lxd_file_list(c, inst, NULL, &json, ERR));
    CHECK_INVALID(lxd_file_list(c, inst, "/etc", NULL, ERR));
    CHECK_INVALID(lxd_file_mkdir(NULL, inst, "/tmp/d", NULL, ERR));
    CHECK_INVALID(lxd_file_mkdir(c, NULL, "/tmp/d", NULL, ERR));
    CHECK_INVALID(lxd_file_mkdir(c, inst, NULL, NULL, ERR));
    o.append = true;
    CHECK_INVALID(lxd_file_mkdir(c, inst, "/tmp/d", &o, ERR)); /* append makes no sense for a directory */
    CHECK_INVALID(lxd_file_symlink(NULL, inst, "/tmp/l", "/etc", NULL, ERR));
    CHECK_INVALID(lxd_file_symlink(c, NULL, "/tmp/l", "/etc", NULL, ERR));
    CHECK_INVALID(lxd_file_symlink(c, inst, NULL, "/etc", NULL, ERR));
    CHECK_INVALID(lxd_file_symlink(c, inst, "/tmp/l", NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_symlink(c, inst, "/tmp/l", "", NULL, ERR));
    CHECK_INVALID(lxd_file_delete(NULL, inst, "/tmp/x", ERR));
    CHECK_INVALID(lxd_file_delete(c, NULL, "/tmp/x", ERR));
    CHECK_INVALID(lxd_file_delete(c, inst, NULL, ERR));
    CHECK_INVALID(lxd_file_push_tree(NULL, inst, "/etc", "/tmp/t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_tree(c, NULL, "/etc", "/tmp/t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_tree(c, inst, NULL, "/tmp/t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_tree(c, inst, "/etc", NULL, NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_push_tree(c, inst, "/etc/hostname", "/tmp/t", NULL, NULL, NULL, ERR)); /* not a directory */
    CHECK_INVALID(lxd_file_pull_tree(NULL, inst, "/etc", "/tmp/never-t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_tree(c, NULL, "/etc", "/tmp/never-t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_tree(c, inst, NULL, "/tmp/never-t", NULL, NULL, NULL, ERR));
    CHECK_INVALID(lxd_file_pull_tree(c, inst, "/etc", NULL, NULL, NULL, NULL, ERR));
    CHECK(!t_path_exists("/tmp/never") && !t_path_exists("/tmp/never-t"));
    lxd_bytes_free(NULL, 0); /* fine */
}

static void test_bytes_and_headers(lxd_client *c) {
    T_SECTION("memory push/pull, uid/gid/mode headers, append, stat");
    lxd_file_options o = {.uid = 1000, .gid = 65534, .mode = 0640};
    const char *msg = "hello from C\n";
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/owned.txt", (const uint8_t *)msg, strlen(msg), &o, ERR));
    uint8_t *data = NULL;
    size_t len = 0;
    lxd_file_info info = {0};
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/owned.txt", 0, &data, &len, &info, ERR))) {
        CHECK(len == strlen(msg) && memcmp(data, msg, len) == 0);
        CHECKF(info.kind == LXD_FILE_TYPE_FILE && info.uid == 1000 && info.gid == 65534 && info.mode == 0640 && info.size == (int64_t)len,
               "info: type %d uid %u gid %u mode %o size %lld", (int)info.kind, info.uid, info.gid, info.mode, (long long)info.size);
    }
    lxd_bytes_free(data, len);
    /* The mode is sent as octal with a leading 0: 0604 must not become decimal 604 (= 01134). */
    lxd_file_options o2 = {.mode = 0604};
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/m604", (const uint8_t *)"x", 1, &o2, ERR));
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/m604", &info, ERR)))
        CHECKF(info.mode == 0604 && info.size == -1 && info.kind == LXD_FILE_TYPE_FILE, "mode %o size %lld", info.mode, (long long)info.size);
    /* Overwriting keeps the owner and mode (LXD applies them only on create). */
    lxd_file_options o3 = {.uid = 5, .mode = 0600};
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/owned.txt", (const uint8_t *)"new", 3, &o3, ERR));
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/owned.txt", &info, ERR)))
        CHECKF(info.uid == 1000 && info.mode == 0640, "uid %u mode %o", info.uid, info.mode);
    /* Append. */
    lxd_file_options app = {.append = true};
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/owned.txt", (const uint8_t *)" more", 5, &app, ERR));
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/owned.txt", 0, &data, &len, NULL, ERR)))
        CHECK(len == 8 && memcmp(data, "new more", 8) == 0);
    lxd_bytes_free(data, len);
    /* Empty file: data may be NULL with len 0, and the pull gives NULL/0. */
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/empty", NULL, 0, NULL, ERR));
    data = (uint8_t *)1;
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/empty", 0, &data, &len, &info, ERR)))
        CHECK(data == NULL && len == 0 && info.size == 0);
    /* max_len. */
    data = NULL;
    CHECK_ERR(lxd_file_pull_bytes(c, inst, "/tmp/owned.txt", 4, &data, &len, NULL, ERR), LXD_RESULT_IO, 0);
    CHECK(data == NULL);
    /* Errors from LXD. */
    CHECK_ERR(lxd_file_pull_bytes(c, inst, "/tmp/does-not-exist", 0, &data, &len, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_file_stat(c, inst, "/tmp/does-not-exist", &info, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_file_push_bytes(c, inst, "/tmp/no/such/dir/f", (const uint8_t *)"x", 1, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_file_push_bytes(c, "no-such-instance", "/tmp/f", (const uint8_t *)"x", 1, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_INVALID(lxd_file_pull_bytes(c, inst, "/tmp", 0, &data, &len, NULL, ERR)); /* a directory */
}

static void test_odd_paths(lxd_client *c) {
    T_SECTION("unicode, spaces and #?&% in paths");
    const char *names[] = {"/tmp/sp ace.txt", "/tmp/h#sh?q=1&a=b%20c", "/tmp/ünïcødé €.txt", "/tmp/+plus+;semi,comma'quote\"dq"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *content = t_fmt("content of %s", names[i]);
        CHECK_OK(lxd_file_push_bytes(c, inst, names[i], (const uint8_t *)content, strlen(content), NULL, ERR));
        uint8_t *data = NULL;
        size_t len = 0;
        if (CHECK_OK(lxd_file_pull_bytes(c, inst, names[i], 0, &data, &len, NULL, ERR)))
            CHECKF(len == strlen(content) && memcmp(data, content, len) == 0, "round trip of %s", names[i]);
        lxd_bytes_free(data, len);
        free(content);
    }
    char *json = NULL;
    if (CHECK_OK(lxd_file_list(c, inst, "/tmp", &json, ERR))) {
        CHECK_HAS(json, "\"sp ace.txt\"");
        CHECK_HAS(json, "\"h#sh?q=1&a=b%20c\"");
        CHECK_HAS(json, "\"ünïcødé €.txt\"");
    }
    lxd_string_free(json);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        CHECK_OK(lxd_file_delete(c, inst, names[i], ERR));
    lxd_file_info info;
    CHECK_ERR(lxd_file_stat(c, inst, names[2], &info, ERR), LXD_RESULT_NOT_FOUND, 404);
}

static void test_paths_and_fds(lxd_client *c) {
    T_SECTION("push/pull with paths and descriptors (3 MiB), progress values");
    char *src = wpath("src.bin"), *dst = wpath("dst.bin"), *dst2 = wpath("dst2.bin");
    const uint64_t size = 3u << 20;
    CHECK(make_file(src, size, 1));
    chmod(src, 0600);
    struct prog pp = {0};
    lxd_file_options o = {.mode = 0755};
    CHECK_OK(lxd_file_push_path(c, inst, "/tmp/big.bin", src, &o, prog_cb, &pp, ERR));
    CHECKF(pp.calls >= 3 && pp.first_done == 0 && pp.first_total == size && pp.last_done == size && pp.last_total == size && pp.monotonic,
           "push progress: %d calls, first %llu/%llu, last %llu/%llu, monotonic %d", pp.calls, (unsigned long long)pp.first_done,
           (unsigned long long)pp.first_total, (unsigned long long)pp.last_done, (unsigned long long)pp.last_total, pp.monotonic);
    struct prog pl = {0};
    lxd_file_info info = {0};
    CHECK_OK(lxd_file_pull_path(c, inst, "/tmp/big.bin", dst, prog_cb, &pl, &info, ERR));
    CHECK(t_files_equal(src, dst));
    CHECKF(pl.calls >= 3 && pl.first_done == 0 && pl.first_total == size && pl.last_done == size && pl.last_total == size && pl.monotonic,
           "pull progress: %d calls, last %llu/%llu", pl.calls, (unsigned long long)pl.last_done, (unsigned long long)pl.last_total);
    struct stat st;
    CHECKF(stat(dst, &st) == 0 && (st.st_mode & 07777) == 0755, "pulled file has the remote mode 0755 (got %o)", st.st_mode & 07777);
    CHECK(info.size == (int64_t)size && info.mode == 0755);
    CHECK(count_entries(workdir, ".lxdpart") == 0);

    /* LXD refuses these without reading the body: its error arrives, not a broken pipe. */
    CHECK_ERR(lxd_file_push_path(c, "no-such-instance", "/tmp/x", src, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_file_push_path(c, inst, "/no/such/dir/x", src, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);

    /* The same over HTTPS (trusted client certificate). */
    lxd_client *h = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT_CERT"), t_env("CLIENT_KEY"));
    bool trusted = false;
    if (h && CHECK_OK(lxd_client_trusted(h, &trusted, ERR)) && !trusted)
        CHECK_OK(lxd_client_authenticate(h, t_trust_secret(""), ERR));
    if (h) {
        char *viah = wpath("via-https.bin");
        struct prog ph = {0};
        CHECK_OK(lxd_file_push_path(h, inst, "/tmp/https.bin", src, NULL, prog_cb, &ph, ERR));
        CHECK(ph.last_done == size && ph.last_total == size);
        CHECK_OK(lxd_file_pull_path(h, inst, "/tmp/https.bin", viah, NULL, NULL, NULL, ERR));
        CHECK(t_files_equal(src, viah));
        CHECK_ERR(lxd_file_push_path(h, inst, "/no/such/dir/x", src, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
        unlink(viah);
        free(viah);
        lxd_client_free(h);
    }

    /* Descriptors: a regular file (offset respected), then a pipe (chunked, total unknown). */
    int fd = open(src, O_RDONLY);
    CHECK(fd >= 0 && lseek(fd, 1000, SEEK_SET) == 1000);
    struct prog pf = {0};
    CHECK_OK(lxd_file_push_fd(c, inst, "/tmp/from-fd.bin", fd, NULL, prog_cb, &pf, ERR));
    CHECK(pf.last_total == size - 1000 && pf.last_done == size - 1000);
    char buf[8];
    CHECK(read(fd, buf, 1) == 0); /* read to the end, but not closed */
    close(fd);
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/from-fd.bin", &info, ERR)))
        CHECK(info.kind == LXD_FILE_TYPE_FILE);
    int out = open(dst2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(write(out, "HEAD", 4) == 4);
    struct prog pfo = {0};
    CHECK_OK(lxd_file_pull_fd(c, inst, "/tmp/from-fd.bin", out, prog_cb, &pfo, &info, ERR));
    CHECK(write(out, "TAIL", 4) == 4); /* still open, at the end */
    close(out);
    CHECK(t_file_size(dst2) == (long long)(size - 1000 + 8));
    CHECK(pfo.last_done == size - 1000 && info.size == (int64_t)(size - 1000));

    int p[2];
    CHECK(pipe(p) == 0);
    static char payload[50000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (char)('a' + i % 26);
    CHECK(write(p[1], payload, sizeof payload) == (ssize_t)sizeof payload);
    close(p[1]);
    struct prog ppipe = {0};
    CHECK_OK(lxd_file_push_fd(c, inst, "/tmp/from-pipe", p[0], NULL, prog_cb, &ppipe, ERR));
    close(p[0]);
    CHECK(ppipe.last_total == 0 && ppipe.last_done == sizeof payload);
    uint8_t *data = NULL;
    size_t len = 0;
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/from-pipe", 0, &data, &len, NULL, ERR)))
        CHECK(len == sizeof payload && memcmp(data, payload, len) == 0);
    lxd_bytes_free(data, len);
    unlink(dst2);
    free(src);
    free(dst);
    free(dst2);
}

static void test_atomic_and_cancel(lxd_client *c) {
    T_SECTION("atomic pull: nothing left behind on failure; cancel from the progress callback");
    char *missing = wpath("missing.out"), *keep = wpath("keep.out"), *src = wpath("src.bin");
    CHECK_ERR(lxd_file_pull_path(c, inst, "/tmp/no-such-file", missing, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(!t_path_exists(missing));
    CHECK(count_entries(workdir, ".lxdpart") == 0);
    /* An existing local file is untouched by a failed pull. */
    FILE *f = fopen(keep, "w");
    fputs("precious", f);
    fclose(f);
    CHECK_ERR(lxd_file_pull_path(c, inst, "/tmp/no-such-file", keep, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_INVALID(lxd_file_pull_path(c, inst, "/tmp", keep, NULL, NULL, NULL, ERR)); /* a directory */
    char *kept = t_read_file(keep);
    CHECK(kept && strcmp(kept, "precious") == 0);
    free(kept);
    /* Cancel halfway through a 3 MiB pull over an existing file. */
    struct prog pc = {.cancel_at = 1u << 20};
    CHECK_ERR(lxd_file_pull_path(c, inst, "/tmp/big.bin", keep, prog_cb, &pc, NULL, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(pc.last_done >= (1u << 20) && pc.last_done < (3u << 20));
    kept = t_read_file(keep);
    CHECK(kept && strcmp(kept, "precious") == 0);
    free(kept);
    CHECK(count_entries(workdir, ".lxdpart") == 0);
    /* A destination directory that does not exist: a local I/O error, nothing created. */
    CHECK_ERR(lxd_file_pull_path(c, inst, "/tmp/big.bin", "/nonexistent-dir-lxd/x", NULL, NULL, NULL, ERR), LXD_RESULT_IO, 0);
    /* Cancel a push (the callback stops it; LXD may keep a partial file). */
    struct prog pu = {.cancel_at = 1u << 20};
    CHECK_ERR(lxd_file_push_path(c, inst, "/tmp/cancelled.bin", src, NULL, prog_cb, &pu, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(pu.last_done >= (1u << 20) && pu.last_done < (3u << 20));
    /* Without a callback the same push completes. */
    CHECK_OK(lxd_file_push_path(c, inst, "/tmp/cancelled.bin", src, NULL, NULL, NULL, ERR));
    /* The client stays usable after cancelled transfers. */
    uint8_t *data = NULL;
    size_t len = 0;
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/owned.txt", 0, &data, &len, NULL, ERR)))
        CHECK(len == 8);
    lxd_bytes_free(data, len);
    unlink(keep);
    free(missing);
    free(keep);
    free(src);
}

static int cancel_now(void *user, uint64_t done, uint64_t total) {
    (void)done;
    (void)total;
    (*(int *)user)++;
    return -1;
}

static void test_cancel_first_call(lxd_client *c) {
    T_SECTION("cancel on the first progress call");
    char *src = wpath("src.bin"), *dst = wpath("first.out");
    int calls = 0;
    CHECK_ERR(lxd_file_push_path(c, inst, "/tmp/first.bin", src, NULL, cancel_now, &calls, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(calls == 1);
    calls = 0;
    CHECK_ERR(lxd_file_pull_path(c, inst, "/tmp/big.bin", dst, cancel_now, &calls, NULL, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(calls == 1 && !t_path_exists(dst) && count_entries(workdir, ".lxdpart") == 0);
    free(src);
    free(dst);
}

static void test_dirs_links_delete(lxd_client *c) {
    T_SECTION("mkdir, symlinks, list, delete");
    lxd_file_options dm = {.mode = 0750, .uid = 1000};
    CHECK_OK(lxd_file_mkdir(c, inst, "/tmp/dir one", &dm, ERR));
    CHECK_OK(lxd_file_mkdir(c, inst, "/tmp/dir one", NULL, ERR)); /* existing: fine */
    lxd_file_info info = {0};
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/dir one", &info, ERR)))
        CHECKF(info.kind == LXD_FILE_TYPE_DIRECTORY && info.mode == 0750 && info.uid == 1000, "dir: type %d mode %o uid %u", (int)info.kind,
               info.mode, info.uid);
    CHECK_OK(lxd_file_push_bytes(c, inst, "/tmp/dir one/f", (const uint8_t *)"F", 1, NULL, ERR));
    CHECK_OK(lxd_file_symlink(c, inst, "/tmp/dir one/link", "/tmp/dir one/f", NULL, ERR));
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/dir one/link", &info, ERR)))
        CHECK(info.kind == LXD_FILE_TYPE_SYMLINK);
    uint8_t *data = NULL;
    size_t len = 0;
    if (CHECK_OK(lxd_file_pull_bytes(c, inst, "/tmp/dir one/link", 0, &data, &len, &info, ERR)))
        CHECK(info.kind == LXD_FILE_TYPE_SYMLINK && len == strlen("/tmp/dir one/f") && memcmp(data, "/tmp/dir one/f", len) == 0);
    lxd_bytes_free(data, len);
    /* A pulled symlink becomes a local symlink. */
    char *ll = wpath("link.out");
    CHECK_OK(lxd_file_pull_path(c, inst, "/tmp/dir one/link", ll, NULL, NULL, &info, ERR));
    char target[256] = {0};
    CHECK(readlink(ll, target, sizeof target - 1) > 0 && strcmp(target, "/tmp/dir one/f") == 0);
    unlink(ll);
    free(ll);
    char *json = NULL;
    if (CHECK_OK(lxd_file_list(c, inst, "/tmp/dir one", &json, ERR))) {
        CHECK(t_json_array_len(json) == 2);
        CHECK_HAS(json, "\"f\"");
        CHECK_HAS(json, "\"link\"");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_INVALID(lxd_file_list(c, inst, "/tmp/dir one/f", &json, ERR)); /* not a directory */
    CHECK(json == NULL);
    CHECK_ERR(lxd_file_list(c, inst, "/tmp/nope", &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_file_delete(c, inst, "/tmp/dir one", ERR), LXD_RESULT_API, 500); /* not empty */
    CHECK_OK(lxd_file_delete(c, inst, "/tmp/dir one/link", ERR));
    CHECK_OK(lxd_file_delete(c, inst, "/tmp/dir one/f", ERR));
    CHECK_OK(lxd_file_delete(c, inst, "/tmp/dir one", ERR));
    CHECK_ERR(lxd_file_delete(c, inst, "/tmp/dir one", ERR), LXD_RESULT_NOT_FOUND, 404);
}

static void test_trees(lxd_client *c) {
    T_SECTION("push and pull a tree");
    char *tree = wpath("tree"), *back = wpath("tree-back");
    char *cmd = t_fmt("mkdir -p '%s/a/b c/ü' && printf one > '%s/one' && printf deep > '%s/a/b c/ü/deep file' && chmod 0751 '%s/a' && "
                      "chmod 0600 '%s/one' && ln -s one '%s/link-to-one' && ln -s /etc/passwd '%s/a/abs-link' && mkfifo '%s/fifo' && "
                      ": > '%s/a/empty'",
                      tree, tree, tree, tree, tree, tree, tree, tree, tree);
    CHECK(system(cmd) == 0);
    free(cmd);
    lxd_tree_stats st = {0};
    struct prog pp = {0};
    CHECK_OK(lxd_file_push_tree(c, inst, tree, "/tmp/tree-up", prog_cb, &pp, &st, ERR));
    CHECKF(st.files == 3 && st.directories == 4 && st.symlinks == 2 && st.skipped == 1 && st.bytes == 7,
           "push stats: files %llu dirs %llu links %llu skipped %llu bytes %llu", (unsigned long long)st.files,
           (unsigned long long)st.directories, (unsigned long long)st.symlinks, (unsigned long long)st.skipped, (unsigned long long)st.bytes);
    CHECK(pp.last_total == 7 && pp.last_done == 7);
    lxd_file_info info;
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/tree-up/a", &info, ERR)))
        CHECKF(info.kind == LXD_FILE_TYPE_DIRECTORY && info.mode == 0751, "a: mode %o", info.mode);
    if (CHECK_OK(lxd_file_stat(c, inst, "/tmp/tree-up/link-to-one", &info, ERR)))
        CHECK(info.kind == LXD_FILE_TYPE_SYMLINK);

    lxd_tree_stats sb = {0};
    struct prog pl = {0};
    CHECK_OK(lxd_file_pull_tree(c, inst, "/tmp/tree-up", back, prog_cb, &pl, &sb, ERR));
    CHECKF(sb.files == 3 && sb.directories == 4 && sb.symlinks == 2 && sb.skipped == 0 && sb.bytes == 7, "pull stats: files %llu dirs %llu",
           (unsigned long long)sb.files, (unsigned long long)sb.directories);
    CHECK(pl.last_done == 7 && pl.last_total == 0);
    char *p1 = t_fmt("%s/a/b c/ü/deep file", back), *p2 = t_fmt("%s/a/b c/ü/deep file", tree);
    CHECK(t_files_equal(p1, p2));
    free(p1);
    free(p2);
    char *one = t_fmt("%s/one", back), *link = t_fmt("%s/link-to-one", back), *abs = t_fmt("%s/a/abs-link", back), *a = t_fmt("%s/a", back);
    struct stat s;
    CHECK(stat(one, &s) == 0 && (s.st_mode & 0777) == 0600);
    CHECK(stat(a, &s) == 0 && (s.st_mode & 0777) == 0751);
    char target[64] = {0};
    /* LXD 5.0.2 reports a relative symlink target resolved against its directory. */
    CHECKF(readlink(link, target, sizeof target - 1) > 0 && strcmp(target, "/tmp/tree-up/one") == 0, "link target %s", target);
    memset(target, 0, sizeof target);
    CHECK(readlink(abs, target, sizeof target - 1) > 0 && strcmp(target, "/etc/passwd") == 0);
    free(one);
    free(link);
    free(abs);
    free(a);
    /* Pulling into an existing directory is refused, and the directory is left alone. */
    CHECK_ERR(lxd_file_pull_tree(c, inst, "/tmp/tree-up", back, NULL, NULL, NULL, ERR), LXD_RESULT_IO, 0);
    char *still = t_fmt("%s/one", back);
    CHECK(t_path_exists(still));
    free(still);
    /* Pulling a file as a tree, or a missing directory: nothing is created. */
    char *none = wpath("tree-none");
    CHECK_INVALID(lxd_file_pull_tree(c, inst, "/tmp/tree-up/one", none, NULL, NULL, NULL, ERR));
    CHECK_ERR(lxd_file_pull_tree(c, inst, "/tmp/no-tree", none, NULL, NULL, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK(!t_path_exists(none));
    /* Cancel a tree pull: the new directory is removed again. */
    struct prog pc = {.cancel_at = 1};
    CHECK_ERR(lxd_file_pull_tree(c, inst, "/tmp/tree-up", none, prog_cb, &pc, NULL, ERR), LXD_RESULT_CANCELLED, 0);
    CHECK(!t_path_exists(none));
    free(none);
    rm_rf(tree);
    rm_rf(back);
    free(tree);
    free(back);
}

/* ---- a hostile fake LXD: directory listings full of path-traversal names ---------------------- */

struct evil {
    int fd;
    pthread_t thread;
    char path[108];
    atomic_int unsafe_requests;
    char abs_target[256];
};

static void url_decode(char *s) {
    char *o = s;
    for (; *s; s++) {
        if (*s == '%' && s[1] && s[2]) {
            char hex[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

static void evil_reply(int fd, const char *type, const char *mode, const char *body) {
    char *r = t_fmt("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nX-LXD-type: %s\r\nX-LXD-mode: %s\r\nX-LXD-uid: 0\r\nX-LXD-gid: 0\r\n"
                    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                    strcmp(type, "directory") == 0 ? "application/json" : "application/octet-stream", type, mode, strlen(body), body);
    if (write(fd, r, strlen(r)) < 0) {
    }
    free(r);
}

static void *evil_main(void *arg) {
    struct evil *e = arg;
    for (;;) {
        int fd = accept(e->fd, NULL, NULL);
        if (fd < 0)
            break;
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
        char *q = strstr(buf, "path=");
        char path[1024] = "";
        if (q) {
            q += 5;
            size_t n = strcspn(q, "& ");
            snprintf(path, sizeof path, "%.*s", (int)n, q);
            url_decode(path);
        }
        char *listing = t_fmt("{\"type\":\"sync\",\"status_code\":200,\"metadata\":[\".\",\"..\",\"../escape\",\"%s\",\"a/b\",\"\",\"ok\",\"sub\"]}",
                              e->abs_target);
        if (strcmp(path, "/d") == 0)
            evil_reply(fd, "directory", "0755", listing);
        else if (strcmp(path, "/d/ok") == 0)
            evil_reply(fd, "file", "0644", "fine");
        else if (strcmp(path, "/d/sub") == 0)
            evil_reply(fd, "directory", "0700", "{\"type\":\"sync\",\"status_code\":200,\"metadata\":[\"..\",\"inner\",\"/etc\"]}");
        else if (strcmp(path, "/d/sub/inner") == 0)
            evil_reply(fd, "file", "0600", "inner");
        else {
            atomic_fetch_add(&e->unsafe_requests, 1);
            evil_reply(fd, "file", "0644", "PWNED");
        }
        free(listing);
        close(fd);
    }
    return NULL;
}

static void test_traversal(void) {
    T_SECTION("recursive pull drops '.', '..', absolute names and names with '/' (hostile server)");
    struct evil e;
    memset(&e, 0, sizeof e);
    char name[40];
    t_unique(name, sizeof name, "files-evil");
    snprintf(e.path, sizeof e.path, "/tmp/%s.sock", name);
    char *abs = t_fmt("%s/abs-escape", workdir);
    snprintf(e.abs_target, sizeof e.abs_target, "%s", abs);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", e.path);
    e.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (!CHECK(e.fd >= 0 && bind(e.fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(e.fd, 16) == 0 &&
               pthread_create(&e.thread, NULL, evil_main, &e) == 0))
        return;
    lxd_client *ec = t_client_for_socket(e.path);
    char *base = wpath("evil-base"), *dest = t_fmt("%s/evil-base/pulled", workdir);
    mkdir(base, 0755);
    lxd_tree_stats st = {0};
    CHECK_OK(lxd_file_pull_tree(ec, "evil", "/d", dest, NULL, NULL, &st, ERR));
    CHECKF(st.files == 2 && st.directories == 2 && st.skipped == 8, "stats: files %llu dirs %llu skipped %llu", (unsigned long long)st.files,
           (unsigned long long)st.directories, (unsigned long long)st.skipped);
    CHECK(atomic_load(&e.unsafe_requests) == 0); /* no unsafe path was even requested */
    char *ok = t_fmt("%s/ok", dest), *inner = t_fmt("%s/sub/inner", dest), *esc = t_fmt("%s/escape", base);
    char *got = t_read_file(ok);
    CHECK(got && strcmp(got, "fine") == 0);
    free(got);
    got = t_read_file(inner);
    CHECK(got && strcmp(got, "inner") == 0);
    free(got);
    CHECK(!t_path_exists(esc) && !t_path_exists(abs));
    CHECK(count_entries(base, "") == 3); /* ".", "..", "pulled" */
    lxd_client_free(ec);
    shutdown(e.fd, SHUT_RDWR);
    pthread_join(e.thread, NULL);
    close(e.fd);
    unlink(e.path);
    rm_rf(base);
    free(ok);
    free(inner);
    free(esc);
    free(base);
    free(dest);
    free(abs);
}

static void test_stopped(lxd_client *c) {
    T_SECTION("files of a stopped container");
    char stopped[64];
    t_unique(stopped, sizeof stopped, "files-stopped");
    if (!create_instance(c, stopped, false))
        return;
    CHECK_OK(lxd_file_push_bytes(c, stopped, "/root/note", (const uint8_t *)"offline", 7, NULL, ERR));
    uint8_t *data = NULL;
    size_t len = 0;
    if (CHECK_OK(lxd_file_pull_bytes(c, stopped, "/root/note", 0, &data, &len, NULL, ERR)))
        CHECK(len == 7 && memcmp(data, "offline", 7) == 0);
    lxd_bytes_free(data, len);
    char *json = NULL;
    if (CHECK_OK(lxd_file_list(c, stopped, "/etc", &json, ERR)))
        CHECK_HAS(json, "\"passwd\"");
    lxd_string_free(json);
    delete_instance(c, stopped);
}

/* ---- the 1 GiB memory bound, in a child process ------------------------------------------------ */

struct big_result {
    double push_s, pull_s;
    long maxrss_kb, vmhwm_kb;
    bool ok;
};

/* VmHWM (peak RSS of this process image) from /proc/self/status, in KiB. */
static long vmhwm_kb(void) {
    char *status = t_read_file("/proc/self/status");
    const char *at = status ? strstr(status, "VmHWM:") : NULL;
    long kb = at ? strtol(at + 6, NULL, 10) : -1;
    free(status);
    return kb;
}

/* Push and pull `mib` MiB through the library in this process; verify the data. */
static struct big_result big_transfer(const char *sock, const char *instance, const char *dir, unsigned mib) {
    struct big_result r = {0};
    char *src = t_fmt("%s/big-src-%u.bin", dir, mib), *dst = t_fmt("%s/big-dst-%u.bin", dir, mib), *remote = t_fmt("/tmp/big-%u.bin", mib);
    uint64_t size = (uint64_t)mib << 20;
    if (!make_file(src, size, mib))
        goto out;
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    if (lxd_client_builder_new_unix(sock, &b, &err) != LXD_RESULT_OK || lxd_client_builder_build(b, &c, &err) != LXD_RESULT_OK)
        goto out_client;
    double t0 = t_now();
    if (lxd_file_push_path(c, instance, remote, src, NULL, NULL, NULL, &err) != LXD_RESULT_OK)
        goto out_client;
    double t1 = t_now();
    if (lxd_file_pull_path(c, instance, remote, dst, NULL, NULL, NULL, &err) != LXD_RESULT_OK)
        goto out_client;
    double t2 = t_now();
    r.push_s = t1 - t0;
    r.pull_s = t2 - t1;
    r.ok = t_file_size(dst) == (long long)size && t_files_equal(src, dst);
    lxd_file_delete(c, instance, remote, NULL);
out_client:
    if (err)
        fprintf(stderr, "big transfer: %s: %s\n", lxd_result_name((int32_t)lxd_error_code(err)), lxd_error_message(err));
    lxd_error_free(err);
    lxd_client_free(c);
    lxd_client_builder_free(b);
out:
    unlink(src);
    unlink(dst);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r.maxrss_kb = ru.ru_maxrss;
    r.vmhwm_kb = vmhwm_kb();
    free(src);
    free(dst);
    free(remote);
    return r;
}

static int rss_child_main(int argc, char **argv) {
    if (argc < 6)
        return 2;
    struct big_result r = big_transfer(argv[2], argv[3], argv[5], (unsigned)atoi(argv[4]));
    printf("RSS_RESULT ok=%d push_s=%.3f pull_s=%.3f maxrss_kb=%ld vmhwm_kb=%ld\n", r.ok, r.push_s, r.pull_s, r.maxrss_kb, r.vmhwm_kb);
    return r.ok ? 0 : 1;
}

static const char *self_exe;

/*
 * Run `self --rss-child SOCKET INSTANCE MIB DIR` with stdout to `out_fd`, through /bin/sh, which
 * forks it: Linux carries a process's peak RSS across exec (signal->maxrss), so a child forked
 * straight from this (possibly valgrind-sized) process would report the parent's size; sh is small.
 */
static pid_t spawn_rss_child(const char *self, const char *sock, const char *instance, const char *mib, int out_fd) {
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out_fd, STDOUT_FILENO);
        char *args[] = {"sh", "-c", "\"$0\" \"$@\"; exit $?", (char *)self, "--rss-child", (char *)sock, (char *)instance, (char *)mib, workdir, NULL};
        execv("/bin/sh", args);
        _exit(127);
    }
    return pid;
}

static void test_memory_bound(void) {
    T_SECTION("1 GiB push and pull with peak RSS under 32 MiB (child process, getrusage)");
    int p[2];
    if (!CHECK(pipe(p) == 0))
        return;
    pid_t pid = spawn_rss_child(self_exe, t_env("SOCKET"), inst, "1024", p[1]);
    close(p[1]);
    char out[512] = {0};
    size_t len = 0;
    ssize_t n;
    while (len < sizeof out - 1 && (n = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)n;
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    int ok = 0;
    double push_s = 0, pull_s = 0;
    long rss = 0, hwm = 0;
    char *line = strstr(out, "RSS_RESULT");
    CHECKF(line && sscanf(line, "RSS_RESULT ok=%d push_s=%lf pull_s=%lf maxrss_kb=%ld vmhwm_kb=%ld", &ok, &push_s, &pull_s, &rss, &hwm) == 5,
           "child output: %s (status %d)", out, status);
    CHECKF(ok == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "1 GiB pushed and pulled back identical");
    CHECKF(rss > 0 && rss < 32 * 1024, "peak RSS (getrusage ru_maxrss) %ld KiB < 32768 KiB", rss);
    CHECKF(hwm > 0 && hwm < 32 * 1024, "peak RSS (VmHWM) %ld KiB < 32768 KiB", hwm);
    printf("   1 GiB: push %.2f s (%.0f MiB/s), pull %.2f s (%.0f MiB/s), peak RSS %ld KiB (ru_maxrss), %ld KiB (VmHWM)\n", push_s,
           push_s > 0 ? 1024 / push_s : 0, pull_s, pull_s > 0 ? 1024 / pull_s : 0, rss, hwm);
}

/* ---- --bench: the library next to curl on the same socket ------------------------------------ */

/* Run argv; return wall seconds and the child's peak RSS (KiB) in *rss. */
static double run_timed(char *const argv[], long *rss) {
    double t0 = t_now();
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    *rss = ru.ru_maxrss;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t_now() - t0 : -1;
}

static int bench_main(int argc, char **argv) {
    t_begin("files-bench");
    alarm(0);
    const char *sock = t_env("SOCKET");
    lxd_client *c = t_unix_client();
    snprintf(workdir, sizeof workdir, "/tmp/files-bench-%d", (int)getpid());
    mkdir(workdir, 0755);
    t_unique(inst, sizeof inst, "files-bench");
    if (!create_instance(c, inst, true))
        return t_end();
    unsigned sizes[8] = {64, 1024};
    int nsizes = 2;
    if (argc > 2) {
        nsizes = 0;
        for (int i = 2; i < argc && nsizes < 8; i++)
            sizes[nsizes++] = (unsigned)atoi(argv[i]);
    }
    printf("%-8s %-22s %10s %10s %12s\n", "size", "tool", "push MiB/s", "pull MiB/s", "peak RSS KiB");
    for (int i = 0; i < nsizes; i++) {
        unsigned mib = sizes[i];
        /* The library, in a child so its RSS is its own. */
        char mibs[16];
        snprintf(mibs, sizeof mibs, "%u", mib);
        int p[2];
        if (pipe(p) != 0)
            break;
        pid_t pid = spawn_rss_child(argv[0], sock, inst, mibs, p[1]);
        close(p[1]);
        char out[512] = {0};
        size_t len = 0;
        ssize_t n;
        while (len < sizeof out - 1 && (n = read(p[0], out + len, sizeof out - 1 - len)) > 0)
            len += (size_t)n;
        close(p[0]);
        waitpid(pid, NULL, 0);
        int ok = 0;
        double push_s = 0, pull_s = 0;
        long rss = 0, hwm = 0;
        char *line = strstr(out, "RSS_RESULT");
        if (line && sscanf(line, "RSS_RESULT ok=%d push_s=%lf pull_s=%lf maxrss_kb=%ld vmhwm_kb=%ld", &ok, &push_s, &pull_s, &rss, &hwm) == 5 && ok)
            printf("%-8u %-22s %10.0f %10.0f %12ld\n", mib, "liblxdclient", mib / push_s, mib / pull_s, rss);
        else
            printf("%-8u %-22s failed: %s\n", mib, "liblxdclient", out);
        /* curl, same socket, same file. */
        char *src = t_fmt("%s/curl-src.bin", workdir), *dst = t_fmt("%s/curl-dst.bin", workdir);
        make_file(src, (uint64_t)mib << 20, mib + 7);
        char *url = t_fmt("http://lxd/1.0/instances/%s/files?path=/tmp/curl.bin", inst);
        char *at = t_fmt("@%s", src);
        long rss_push = 0, rss_pull = 0, rss_t = 0;
        /* The brief's command, plus the octet-stream type (with curl's default form type LXD parses
         * the body as a form: the file ends up empty, and Go refuses form bodies over 10 MiB). */
        char *push_db[] = {"curl", "-sf", "--unix-socket", (char *)sock, "-X", "POST", "-H", "Content-Type: application/octet-stream", "--data-binary",
                           at, url, NULL};
        double tp = run_timed(push_db, &rss_push);
        if (tp > 0)
            printf("%-8u %-22s %10.0f %10s %12ld\n", mib, "curl --data-binary", mib / tp, "", rss_push);
        else
            printf("%-8u %-22s %10s %10s %12ld  (failed: curl loads the whole file into memory)\n", mib, "curl --data-binary", "-", "", rss_push);
        /* curl -T streams the upload instead; then pull it back. */
        char *push_t[] = {"curl", "-sf", "--unix-socket", (char *)sock, "-X", "POST", "-H", "Content-Type: application/octet-stream", "-T", src, url, NULL};
        double tt = run_timed(push_t, &rss_t);
        char *pull[] = {"curl", "-sf", "--unix-socket", (char *)sock, "-o", dst, url, NULL};
        double tl = run_timed(pull, &rss_pull);
        bool same = t_files_equal(src, dst);
        printf("%-8u %-22s %10.0f %10.0f %12ld%s\n", mib, "curl -T / curl -o", tt > 0 ? mib / tt : 0, tl > 0 ? mib / tl : 0,
               rss_t > rss_pull ? rss_t : rss_pull, same ? "" : "  (pulled data differs!)");
        lxd_file_delete(c, inst, "/tmp/curl.bin", NULL);
        unlink(src);
        unlink(dst);
        free(src);
        free(dst);
        free(url);
        free(at);
    }
    delete_instance(c, inst);
    lxd_client_free(c);
    rm_rf(workdir);
    return t_end();
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--rss-child") == 0)
        return rss_child_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "--bench") == 0)
        return bench_main(argc, argv);
    self_exe = argv[0];
    t_begin("files");
    lxd_client *c = t_unix_client();
    snprintf(workdir, sizeof workdir, "/tmp/files-test-%d", (int)getpid());
    mkdir(workdir, 0755);
    t_unique(inst, sizeof inst, "files");
    if (create_instance(c, inst, true)) {
        test_null_args(c);
        test_bytes_and_headers(c);
        test_odd_paths(c);
        test_paths_and_fds(c);
        test_atomic_and_cancel(c);
        test_cancel_first_call(c);
        test_dirs_links_delete(c);
        test_trees(c);
        test_traversal();
        test_stopped(c);
        test_memory_bound();
        delete_instance(c, inst);
    }
    lxd_client_free(c);
    rm_rf(workdir);
    return t_end();
}
