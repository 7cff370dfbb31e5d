/*
 * make demo: pylxd's documented walkthrough, in C, against throwaway local LXD daemons started by
 * the harness: connect, image upload, container create/start, exec, file push and pull, freeze,
 * snapshot, profiles, networks, publish, image export, migrate to a second daemon, events printed
 * as they arrive, cleanup — with progress bars on transfers and a summary table at the end.
 *
 * Usage: demo IMAGE_TARBALL   (LXD_TEST_SOCKET / LXD_TEST_SOCKET2 name the two daemons)
 */
#define _POSIX_C_SOURCE 200809L
#include <lxdclient.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static lxd_client *client, *client2;
static int step_no;
static double t_step;
static struct { char what[96]; double ms; } summary[32];
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&out_lock);
    vprintf(fmt, ap);
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
    va_end(ap);
}

static void step(const char *what) {
    t_step = now_ms();
    step_no++;
    snprintf(summary[step_no - 1].what, sizeof summary[0].what, "%s", what);
    say("\n[%2d] >>> %s\n", step_no, what);
}

static void done(void) {
    summary[step_no - 1].ms = now_ms() - t_step;
    say("     ok (%.1f ms)\n", summary[step_no - 1].ms);
}

static void die(const char *what, lxd_error *err) {
    fprintf(stderr, "\nFAILED: %s: %s (%s, HTTP %u)\n", what, lxd_error_message(err),
            lxd_result_name((int)lxd_error_code(err)), lxd_error_http_status(err));
    lxd_error_free(err);
    exit(1);
}

/* A JSON field's value (first occurrence; enough for a demo's output). */
static void show(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) return;
    p += strlen(pat);
    int n = 0;
    if (*p == '"') { p++; while (p[n] && p[n] != '"') n++; }
    else { while (p[n] && p[n] != ',' && p[n] != '}') n++; }
    say("     %s = %.*s\n", key, n, p);
}

/* A progress bar: redrawn in place on a terminal, every quarter otherwise. */
typedef struct { const char *label; double t0; int last_quarter; } bar;

static int progress(void *user, uint64_t done_b, uint64_t total) {
    bar *b = user;
    double secs = (now_ms() - b->t0) / 1e3;
    double mib = done_b / 1048576.0;
    int pct = total ? (int)(done_b * 100 / total) : 0;
    if (isatty(STDOUT_FILENO)) {
        char fill[31];
        int w = pct * 30 / 100;
        memset(fill, '#', (size_t)w);
        memset(fill + w, '.', (size_t)(30 - w));
        fill[30] = 0;
        say("\r     %-8s [%s] %3d%% %7.1f MiB %6.1f MiB/s", b->label, fill, pct, mib, secs > 0 ? mib / secs : 0);
        if (done_b == total) say("\n");
    } else if (pct / 25 != b->last_quarter || done_b == total) {
        b->last_quarter = pct / 25;
        say("     %-8s %3d%% %7.1f MiB %6.1f MiB/s\n", b->label, pct, mib, secs > 0 ? mib / secs : 0);
    }
    return 0; /* non-zero would cancel the transfer */
}

static atomic_bool events_stop;

static void *print_events(void *arg) {
    lxd_event_listener *l = arg;
    for (;;) {
        char *json = NULL;
        lxd_error *err = NULL;
        lxd_result r = lxd_event_listener_next(l, 500, &json, &err);
        if (r == LXD_RESULT_TIMEOUT) { lxd_error_free(err); if (atomic_load(&events_stop)) break; continue; }
        if (r != LXD_RESULT_OK) { lxd_error_free(err); break; }
        const char *a = strstr(json, "\"action\":\"");
        const char *s = strstr(json, "\"source\":\"");
        if (a && s) {
            a += 10;
            s += 10;
            say("     [event] %.*s %.*s\n", (int)strcspn(a, "\""), a, (int)strcspn(s, "\""), s);
        }
        lxd_string_free(json);
    }
    return NULL;
}

static lxd_client *connect_unix(const char *socket) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    if (lxd_client_builder_new_unix(socket, &b, &err)) die("builder", err);
    if (lxd_client_builder_build(b, &c, &err)) die("build", err);
    lxd_client_builder_free(b);
    return c;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: demo IMAGE_TARBALL (run by `make demo`)\n");
        return 2;
    }
    const char *tarball = argv[1];
    lxd_error *err = NULL;
    char *json = NULL, *etag = NULL;
    char name[32], snap_img_alias[48], pname[48], tmpdir[] = "/tmp/lxd-demo-XXXXXX";
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    unsigned tag = (unsigned)rand() & 0xffffff;
    snprintf(name, sizeof name, "demo-%06x", tag);
    snprintf(snap_img_alias, sizeof snap_img_alias, "demo-published-%06x", tag);
    snprintf(pname, sizeof pname, "demo-profile-%06x", tag);
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    double t_all = now_ms();

    say("liblxdclient %s: pylxd's documented walkthrough, in C\n", lxd_version());

    step("client = Client()   # the local unix socket");
    client = connect_unix(getenv("LXD_TEST_SOCKET"));
    bool trusted = false;
    if (lxd_client_trusted(client, &trusted, &err)) die("trusted", err);
    say("     client.trusted = %s\n", trusted ? "True" : "False");
    lxd_server_flavour flavour = LXD_SERVER_FLAVOUR_LXD;
    if (lxd_client_server_flavour(client, &flavour, &err)) die("flavour", err);
    say("     server: %s\n", flavour == LXD_SERVER_FLAVOUR_INCUS ? "Incus" : "LXD");
    if (lxd_server_get(client, &json, NULL, &err)) die("server", err);
    show(json, "server_version");
    show(json, "storage");
    lxd_string_free(json);
    done();

    step("ws_client = client.events()   # lifecycle events, printed as they arrive");
    lxd_event_listener *events = NULL;
    if (lxd_event_listener_open(client, "lifecycle", false, &events, &err)) die("events", err);
    pthread_t events_thread;
    pthread_create(&events_thread, NULL, print_events, events);
    done();

    step("image = client.images.create(image_data, public=True, wait=True)");
    bar b_up = {"upload", now_ms(), -1};
    char *fingerprint = NULL;
    char opts[160];
    snprintf(opts, sizeof opts, "{\"public\":true,\"aliases\":[\"demo-image-%06x\"],\"properties\":{\"description\":\"liblxdclient demo\"}}", tag);
    if (lxd_image_upload_path(client, tarball, opts, progress, &b_up, &fingerprint, &err)) die("image upload", err);
    say("     image.fingerprint = %s\n", fingerprint);
    done();

    step("container = client.containers.create(config, wait=True); container.start(wait=True)");
    char config[256];
    snprintf(config, sizeof config, "{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"fingerprint\":\"%s\"}}", name, fingerprint);
    say("     config = %s\n", config);
    if (lxd_instance_create(client, config, NULL, &err)) die("create", err);
    if (lxd_instance_start(client, name, NULL, &err)) die("start", err);
    if (lxd_instance_state(client, name, &json, &err)) die("state", err);
    show(json, "status");
    show(json, "processes");
    lxd_string_free(json);
    done();

    step("container.execute(['sh', '-c', 'echo hello from $(hostname); echo to-stderr >&2; exit 3'])");
    const char *argv_sh[] = {"sh", "-c", "echo hello from $(hostname); echo to-stderr >&2; exit 3"};
    int32_t code = -1;
    uint8_t *out = NULL, *errb = NULL;
    size_t out_len = 0, err_len = 0;
    if (lxd_instance_exec(client, name, argv_sh, 3, "{\"environment\":{\"DEMO\":\"1\"}}", NULL, 0, &code, &out, &out_len, &errb, &err_len, &err)) die("exec", err);
    say("     exit_code = %d\n     stdout = %.*s     stderr = %.*s", code, (int)out_len, (const char *)out, (int)err_len, (const char *)errb);
    lxd_bytes_free(out, out_len);
    lxd_bytes_free(errb, err_len);
    done();

    step("container.files.put('/root/blob', data); container.files.get('/root/blob')   # 48 MiB, streamed");
    char local[160], back[160];
    snprintf(local, sizeof local, "%s/blob", tmpdir);
    snprintf(back, sizeof back, "%s/blob.back", tmpdir);
    FILE *f = fopen(local, "wb");
    for (int i = 0; i < 48 * 256; i++) { char page[4096]; memset(page, 'a' + i % 26, sizeof page); fwrite(page, 1, sizeof page, f); }
    fclose(f);
    lxd_file_options fo = {.uid = 0, .gid = 0, .mode = 0640, .append = false};
    bar b_push = {"push", now_ms(), -1}, b_pull = {"pull", now_ms(), -1};
    if (lxd_file_push_path(client, name, "/root/blob", local, &fo, progress, &b_push, &err)) die("push", err);
    b_pull.t0 = now_ms();
    if (lxd_file_pull_path(client, name, "/root/blob", back, progress, &b_pull, NULL, &err)) die("pull", err);
    struct stat s1, s2;
    stat(local, &s1);
    stat(back, &s2);
    say("     pushed %lld bytes, pulled %lld bytes back: %s\n", (long long)s1.st_size, (long long)s2.st_size, s1.st_size == s2.st_size ? "identical size" : "MISMATCH");
    if (lxd_file_list(client, name, "/root", &json, &err)) die("list", err);
    say("     /root = %s\n", json);
    lxd_string_free(json);
    done();

    step("container.freeze(wait=True); container.unfreeze(wait=True)");
    if (lxd_instance_freeze(client, name, NULL, &err)) die("freeze", err);
    if (lxd_instance_get(client, name, &json, NULL, &err)) die("get", err);
    show(json, "status");
    lxd_string_free(json);
    if (lxd_instance_unfreeze(client, name, NULL, &err)) die("unfreeze", err);
    done();

    step("container.config['user.demo'] = 'yes'; container.save(wait=True)   # with its ETag");
    if (lxd_instance_get(client, name, &json, &etag, &err)) die("get", err);
    lxd_string_free(json);
    if (lxd_instance_patch(client, name, "{\"config\":{\"user.demo\":\"yes\"}}", etag, NULL, &err)) die("patch", err);
    say("     saved with If-Match: %s\n", etag);
    lxd_string_free(etag);
    done();

    step("snapshot = container.snapshots.create('snap0', wait=True); snapshot.rename('backup')");
    if (lxd_snapshot_create(client, name, "snap0", false, NULL, &err)) die("snapshot", err);
    if (lxd_snapshot_rename(client, name, "snap0", "backup", NULL, &err)) die("snapshot rename", err);
    if (lxd_snapshot_list(client, name, 0, &json, &err)) die("snapshots", err);
    say("     container.snapshots.all() = %s\n", json);
    lxd_string_free(json);
    done();

    step("profile = client.profiles.create(name, config={'security.nesting': 'true'})");
    char pjson[256];
    snprintf(pjson, sizeof pjson, "{\"name\":\"%s\",\"config\":{\"security.nesting\":\"true\"},\"devices\":{}}", pname);
    if (lxd_profile_create(client, pjson, &err)) die("profile create", err);
    if (lxd_profile_get(client, pname, &json, NULL, &err)) die("profile get", err);
    say("     %s\n", json);
    lxd_string_free(json);
    if (lxd_profile_delete(client, pname, &err)) die("profile delete", err);
    if (lxd_network_list(client, 0, &json, &err)) die("networks", err);
    say("     client.networks.all() = %s\n", json);
    lxd_string_free(json);
    done();

    step("container.stop(wait=True); image = container.publish(wait=True)");
    if (lxd_instance_stop(client, name, 10, true, NULL, &err)) die("stop", err);
    char *published = NULL;
    char popts[128];
    snprintf(popts, sizeof popts, "{\"aliases\":[{\"name\":\"%s\"}],\"properties\":{\"os\":\"busybox\"}}", snap_img_alias);
    if (lxd_instance_publish(client, name, popts, NULL, &published, &err)) die("publish", err);
    say("     published image %.12s as %s\n", published, snap_img_alias);
    done();

    step("image.export()   # streamed to a file, checked against its fingerprint");
    char exported[160];
    snprintf(exported, sizeof exported, "%s/published.tar.gz", tmpdir);
    bar b_exp = {"export", now_ms(), -1};
    bool split = false;
    if (lxd_image_export_path(client, published, exported, NULL, progress, &b_exp, &split, &err)) die("export", err);
    stat(exported, &s1);
    say("     %s: %lld bytes (%s image)\n", exported, (long long)s1.st_size, split ? "split" : "unified");
    done();

    step("container.migrate(client2, wait=True)   # to a second LXD daemon, snapshots included");
    client2 = connect_unix(getenv("LXD_TEST_SOCKET2"));
    if (lxd_instance_migrate_to(client, name, client2, NULL, NULL, &err)) die("migrate", err);
    bool here = true, there = false;
    if (lxd_instance_exists(client, name, &here, &err)) die("exists", err);
    if (lxd_instance_exists(client2, name, &there, &err)) die("exists", err);
    if (lxd_snapshot_list(client2, name, 0, &json, &err)) die("snapshots on b", err);
    say("     on the first daemon: %s; on the second: %s, snapshots %s\n", here ? "yes" : "no", there ? "yes" : "no", json);
    lxd_string_free(json);
    if (lxd_instance_start(client2, name, NULL, &err)) die("start on b", err);
    if (lxd_instance_state(client2, name, &json, &err)) die("state on b", err);
    show(json, "status");
    lxd_string_free(json);
    done();

    step("cleanup: container.delete(wait=True); image.delete()");
    if (lxd_instance_stop(client2, name, 5, true, NULL, &err)) die("stop on b", err);
    if (lxd_instance_delete(client2, name, NULL, &err)) die("delete on b", err);
    if (lxd_image_delete(client, published, NULL, &err)) die("delete published", err);
    if (lxd_image_delete(client, fingerprint, NULL, &err)) die("delete uploaded", err);
    unlink(local);
    unlink(back);
    unlink(exported);
    rmdir(tmpdir);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL); /* let the last events arrive */
    done();

    atomic_store(&events_stop, true);
    lxd_event_listener_close(events);
    pthread_join(events_thread, NULL);
    lxd_event_listener_free(events);
    lxd_string_free(published);
    lxd_string_free(fingerprint);
    lxd_client_free(client2);
    lxd_client_free(client);

    say("\nSummary\n  %-4s %-88s %10s\n", "step", "what", "ms");
    for (int i = 0; i < step_no; i++) say("  %-4d %-88.88s %10.1f\n", i + 1, summary[i].what, summary[i].ms);
    say("  all %d steps in %.1f s\n", step_no, (now_ms() - t_all) / 1e3);
    return 0;
}
