/*
 * The liblxdclient side of `make bench`: times operations through the public C ABI against the
 * LXD in $LXD_TEST_SOCKET and prints one JSON object per line:
 *   {"op": "...", "client": "liblxdclient", "unit": "ms"|"req/s"|"MB/s", "samples": [...]}
 * Usage: lxdbench OP REPEATS [ARG [ARG2 ARG3]]
 *   get_server | get_server_raw | list_instances_r1 | threads THREADS [TOTAL] | create_delete ALIAS
 *   exec_true | exec_stdout | exec_stdin INSTANCE
 *   file_push INSTANCE LOCAL REMOTE | file_pull INSTANCE REMOTE LOCAL   (throughput of LOCAL's size)
 *   event_latency INSTANCE   (PATCH the instance, time until its lifecycle event arrives)
 * Peak RSS is measured from outside (the parent's wait4).
 */
#define _POSIX_C_SOURCE 200809L
#include <lxdclient.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what, lxd_error *err) {
    fprintf(stderr, "lxdbench: %s: %s\n", what, err ? lxd_error_message(err) : "?");
    exit(1);
}

static lxd_client *client;

/* CPU time (user + system, every thread) of this process, ms. */
static double cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double cpu_start; /* after the warm-up */
static const char *client_name = "liblxdclient";
static long ops_done;    /* operations timed, for CPU per operation (0: the sample count) */

/* The samples, then the client's own CPU time per operation (what is not LXD or waiting). */
static void emit(const char *op, const char *unit, const double *samples, int n) {
    double cpu = (cpu_ms() - cpu_start) / (ops_done ? ops_done : n);
    printf("{\"op\":\"%s\",\"client\":\"%s\",\"unit\":\"%s\",\"samples\":[", op, client_name, unit);
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", samples[i]);
    printf("]}\n");
    printf("{\"op\":\"%s\",\"client\":\"%s CPU\",\"unit\":\"ms CPU/op\",\"samples\":[%.4f]}\n", op, client_name, cpu);
    fflush(stdout);
}

typedef struct {
    int requests;
    double elapsed_ms;
} thread_job;

static void *get_server_loop(void *arg) {
    thread_job *job = arg;
    lxd_error *err = NULL;
    double t0 = now_ms();
    for (int i = 0; i < job->requests; i++) {
        char *json = NULL;
        if (lxd_server_get(client, &json, NULL, &err) != LXD_RESULT_OK) die("get", err);
        lxd_string_free(json);
    }
    job->elapsed_ms = now_ms() - t0;
    return NULL;
}

/* Requests per second with `threads` threads sharing one client. */
static double throughput(int threads, int per_thread) {
    pthread_t tid[64];
    thread_job jobs[64];
    double t0 = now_ms();
    for (int i = 0; i < threads; i++) {
        jobs[i].requests = per_thread;
        pthread_create(&tid[i], NULL, get_server_loop, &jobs[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    return threads * per_thread / ((now_ms() - t0) / 1e3);
}

/* Event latency: a listener thread stamps the arrival of each "instance-updated" lifecycle event
 * of the instance; the main thread PATCHes and waits for the next stamp. */
typedef struct {
    lxd_event_listener *listener;
    const char *source; /* "/1.0/instances/NAME" */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int count;
    double last_ms;
    int failed;
} event_watch;

static void *event_loop(void *arg) {
    event_watch *w = arg;
    for (;;) {
        char *json = NULL;
        lxd_error *err = NULL;
        lxd_result rc = lxd_event_listener_next(w->listener, -1, &json, &err);
        if (rc != LXD_RESULT_OK) {
            pthread_mutex_lock(&w->mu);
            if (rc != LXD_RESULT_CANCELLED) w->failed = 1;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
            lxd_error_free(err);
            return NULL;
        }
        double t = now_ms();
        if (strstr(json, "\"instance-updated\"") && strstr(json, w->source)) {
            pthread_mutex_lock(&w->mu);
            w->count++;
            w->last_ms = t;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
        }
        lxd_string_free(json);
    }
}

static double file_size_mb(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { perror(path); exit(1); }
    return st.st_size / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: lxdbench OP REPEATS [ARG]\n");
        return 2;
    }
    const char *op = argv[1];
    int n = atoi(argv[2]);
    const char *arg = argc > 3 ? argv[3] : NULL;
    lxd_error *err = NULL;
    lxd_client_builder *b = NULL;
    if (lxd_client_builder_new_unix(getenv("LXD_TEST_SOCKET"), &b, &err)) die("builder", err);
    if (lxd_client_builder_build(b, &client, &err)) die("build", err);
    lxd_client_builder_free(b);
    double *s = calloc((size_t)n, sizeof *s);
    char *json = NULL;
    /* One warm-up call: connection set up, as every client's first call. */
    if (lxd_server_get(client, &json, NULL, &err)) die("warm-up", err);
    lxd_string_free(json);
    cpu_start = cpu_ms();

    if (!strcmp(op, "get_server")) {
        for (int i = 0; i < n; i++) {
            double t = now_ms();
            if (lxd_server_get(client, &json, NULL, &err)) die("get", err);
            s[i] = now_ms() - t;
            lxd_string_free(json);
        }
        emit(op, "ms", s, n);
    } else if (!strcmp(op, "get_server_raw")) {
        /* GET /1.0 through lxd_raw_request: LXD's body handed back as it came (no typed parse and
         * re-serialization), to show what lxd_server_get's JSON round trip costs per request. */
        for (int i = 0; i < n; i++) {
            uint16_t status = 0;
            double t = now_ms();
            if (lxd_raw_request(client, "GET", "/1.0", NULL, &status, &json, NULL, &err)) die("raw", err);
            s[i] = now_ms() - t;
            if (status != 200) { fprintf(stderr, "lxdbench: raw GET /1.0 gave %u\n", status); return 1; }
            lxd_string_free(json);
        }
        client_name = "liblxdclient, lxd_raw_request";
        emit("get_server", "ms", s, n);
    } else if (!strcmp(op, "list_instances_r1")) {
        for (int i = 0; i < n; i++) {
            double t = now_ms();
            if (lxd_instance_list(client, 1, &json, &err)) die("list", err);
            s[i] = now_ms() - t;
            lxd_string_free(json);
        }
        emit(op, "ms", s, n);
    } else if (!strcmp(op, "create_delete")) {
        for (int i = 0; i < n; i++) {
            char body[256], name[64];
            snprintf(name, sizeof name, "bench-cd-%d-%d", (int)getpid(), i);
            snprintf(body, sizeof body, "{\"name\":\"%s\",\"source\":{\"type\":\"image\",\"alias\":\"%s\"}}", name, arg ? arg : "busybox");
            double t = now_ms();
            if (lxd_instance_create(client, body, NULL, &err)) die("create", err);
            if (lxd_instance_delete(client, name, NULL, &err)) die("delete", err);
            s[i] = now_ms() - t;
        }
        emit(op, "ms", s, n);
    } else if (!strcmp(op, "threads")) {
        /* threads REPEATS THREADS [TOTAL]: TOTAL requests (2000) split between THREADS. */
        int threads = arg ? atoi(arg) : 16;
        int total = argc > 4 ? atoi(argv[4]) : 2000;
        if (threads < 1 || threads > 64) threads = 16;
        if (total < threads) total = threads;
        for (int i = 0; i < n; i++) s[i] = throughput(threads, total / threads);
        ops_done = (long)n * (total / threads) * threads;
        char name[32];
        snprintf(name, sizeof name, "get_server_threads%d", threads);
        emit(name, "req/s", s, n);
    } else if (!strcmp(op, "exec_true") || !strcmp(op, "exec_stdout") || !strcmp(op, "exec_stdin")) {
        /* ARG: the running instance. exec_stdout: 10 MB on stdout; exec_stdin: 10 MB through cat. */
        const size_t mb10 = 10u * 1024 * 1024;
        const char *argv_true[] = {"true"};
        const char *argv_out[] = {"head", "-c", "10485760", "/dev/zero"};
        const char *argv_in[] = {"sh", "-c", "cat > /dev/null"};
        const char *const *av = argv_true;
        size_t ac = 1;
        uint8_t *in = NULL;
        size_t in_len = 0;
        if (!strcmp(op, "exec_stdout")) { av = argv_out; ac = 4; }
        if (!strcmp(op, "exec_stdin")) { av = argv_in; ac = 3; in = calloc(mb10, 1); in_len = mb10; }
        for (int i = 0; i < n; i++) {
            int32_t code = -1;
            uint8_t *out = NULL, *errb = NULL;
            size_t out_len = 0, err_len = 0;
            double t = now_ms();
            if (lxd_instance_exec(client, arg, av, ac, NULL, in, in_len, &code, &out, &out_len, &errb, &err_len, &err)) die("exec", err);
            double dt = now_ms() - t;
            if (code != 0 || (!strcmp(op, "exec_stdout") && out_len != mb10)) { fprintf(stderr, "lxdbench: exec gave %d, %zu bytes\n", code, out_len); return 1; }
            s[i] = !strcmp(op, "exec_true") ? dt : 10.0 * 1048576 / 1e6 / (dt / 1e3);
            lxd_bytes_free(out, out_len);
            lxd_bytes_free(errb, err_len);
        }
        free(in);
        emit(op, !strcmp(op, "exec_true") ? "ms" : "MB/s", s, n);
    } else if (!strcmp(op, "file_push") || !strcmp(op, "file_pull")) {
        /* file_push INSTANCE LOCAL REMOTE / file_pull INSTANCE REMOTE LOCAL: MB/s (1e6 bytes/s). */
        if (argc < 6) { fprintf(stderr, "lxdbench: %s needs INSTANCE SRC DST\n", op); return 2; }
        int push = !strcmp(op, "file_push");
        const char *src = argv[4], *dst = argv[5];
        double mb = push ? file_size_mb(src) : 0;
        for (int i = 0; i < n; i++) {
            double t = now_ms();
            lxd_result rc = push ? lxd_file_push_path(client, arg, dst, src, NULL, NULL, NULL, &err)
                                 : lxd_file_pull_path(client, arg, src, dst, NULL, NULL, NULL, &err);
            double dt = now_ms() - t;
            if (rc) die(op, err);
            if (!push) mb = file_size_mb(dst);
            s[i] = mb / (dt / 1e3);
        }
        emit(op, "MB/s", s, n);
    } else if (!strcmp(op, "event_latency")) {
        event_watch w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
        char source[300], body[128];
        snprintf(source, sizeof source, "\"/1.0/instances/%s\"", arg);
        w.source = source;
        if (lxd_event_listener_open(client, "lifecycle", false, &w.listener, &err)) die("events", err);
        pthread_t tid;
        pthread_create(&tid, NULL, event_loop, &w);
        for (int i = 0; i < n; i++) {
            snprintf(body, sizeof body, "{\"config\":{\"user.bench\":\"%d\"}}", i);
            pthread_mutex_lock(&w.mu);
            int before = w.count;
            pthread_mutex_unlock(&w.mu);
            double t = now_ms();
            if (lxd_instance_patch(client, arg, body, NULL, NULL, &err)) die("patch", err);
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 10;
            pthread_mutex_lock(&w.mu);
            while (w.count == before && !w.failed)
                if (pthread_cond_timedwait(&w.cv, &w.mu, &until)) break;
            int got = w.count > before;
            double at = w.last_ms;
            pthread_mutex_unlock(&w.mu);
            if (!got) { fprintf(stderr, "lxdbench: no instance-updated event within 10 s\n"); return 1; }
            s[i] = at - t;
        }
        lxd_event_listener_close(w.listener);
        pthread_join(tid, NULL);
        lxd_event_listener_free(w.listener);
        emit(op, "ms", s, n);
    } else {
        fprintf(stderr, "lxdbench: unknown op %s\n", op);
        return 2;
    }
    free(s);
    lxd_client_free(client);
    return 0;
}
