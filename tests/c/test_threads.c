/*
 * One client shared by 16 threads: GET /1.0 and lists at the same time all succeed, over the
 * unix socket and over HTTPS (connections are pooled and TLS sessions per connection). Also
 * derived clients (with_project) used while the original is in use, and errors from many
 * threads at once (each thread gets its own error object).
 */
#include "test.h"

#include <pthread.h>

#define THREADS 16
#define ROUNDS 4

struct worker {
    lxd_client *c;
    bool https;
    int index;
    int ok;
    int failed;
    char first_failure[256];
};

static void note(struct worker *w, bool good, const char *what) {
    if (good) {
        w->ok++;
    } else {
        if (w->failed++ == 0)
            snprintf(w->first_failure, sizeof w->first_failure, "%s: %s", what, lxd_error_message(t_err));
    }
    t_err_clear();
}

static void *work(void *arg) {
    struct worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        char *json = NULL;
        bool good = lxd_server_get(w->c, &json, NULL, ERR) == LXD_RESULT_OK && t_has(json, "\"api_version\":\"1.0\"");
        note(w, good, "server_get");
        lxd_string_free(json);
        if (w->https) {
            /* Untrusted over HTTPS: GET /1.0 works, lists are refused with 403, in every thread. */
            bool trusted = true;
            note(w, lxd_client_trusted(w->c, &trusted, ERR) == LXD_RESULT_OK && !trusted, "trusted");
            json = NULL;
            good = lxd_profile_list(w->c, 0, &json, ERR) == LXD_RESULT_FORBIDDEN && lxd_error_http_status(t_err) == 403;
            note(w, good, "profile_list forbidden");
            continue;
        }
        json = NULL;
        good = lxd_instance_list(w->c, 0, &json, ERR) == LXD_RESULT_OK && json && json[0] == '[';
        note(w, good, "instance_list");
        lxd_string_free(json);
        json = NULL;
        good = lxd_profile_list(w->c, 1, &json, ERR) == LXD_RESULT_OK && t_has(json, "\"name\":\"default\"");
        note(w, good, "profile_list");
        lxd_string_free(json);
        json = NULL;
        good = lxd_image_list(w->c, 1, &json, ERR) == LXD_RESULT_OK && t_has(json, t_env("IMAGE_FINGERPRINT"));
        note(w, good, "image_list");
        lxd_string_free(json);
        json = NULL;
        uint16_t status = 0;
        good = lxd_raw_request(w->c, "GET", "/1.0/storage-pools?recursion=1", NULL, &status, &json, NULL, ERR) == LXD_RESULT_OK &&
               status == 200 && t_has(json, "\"driver\":\"dir\"");
        note(w, good, "raw storage-pools");
        lxd_string_free(json);
        json = NULL;
        /* Errors in many threads at once: each gets its own. */
        char missing[48];
        snprintf(missing, sizeof missing, "ct-missing-%d-%d", w->index, round);
        good = lxd_instance_get(w->c, missing, &json, NULL, ERR) == LXD_RESULT_NOT_FOUND && lxd_error_http_status(t_err) == 404 &&
               json == NULL;
        note(w, good, "instance_get missing");
        /* A derived client, made and dropped while others use the parent. */
        lxd_client *d = NULL;
        good = lxd_client_with_project(w->c, "default", &d, ERR) == LXD_RESULT_OK;
        note(w, good, "with_project");
        if (d) {
            good = lxd_network_state(d, "lo", &json, ERR) == LXD_RESULT_OK && t_has(json, "\"type\":\"loopback\"");
            note(w, good, "network_state via derived client");
            lxd_string_free(json);
            json = NULL;
        }
        lxd_client_free(d);
    }
    t_err_clear();
    return NULL;
}

static void run(lxd_client *c, bool https, const char *label) {
    T_SECTION(label);
    struct worker w[THREADS];
    pthread_t th[THREADS];
    double t0 = t_now();
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.c = c, .https = https, .index = i};
        if (pthread_create(&th[i], NULL, work, &w[i]) != 0)
            break;
        started++;
    }
    CHECK(started == THREADS);
    int ok = 0, failed = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        ok += w[i].ok;
        failed += w[i].failed;
        if (w[i].failed)
            printf("    thread %d: %d failures, first: %s\n", i, w[i].failed, w[i].first_failure);
    }
    int per_round = https ? 3 : 8;
    CHECKF(failed == 0 && ok == THREADS * ROUNDS * per_round, "%d calls succeeded, %d failed (expected %d)", ok, failed,
           THREADS * ROUNDS * per_round);
    printf("    %d calls from %d threads in %.2fs\n", ok + failed, THREADS, t_now() - t0);
}

int main(void) {
    t_begin("threads");
    lxd_client *c = t_unix_client();
    run(c, false, "16 threads, one unix client");
    lxd_client_free(c);
    /* No client certificate: untrusted whatever other suites do with the harness's certificates. */
    c = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), NULL, NULL);
    if (c)
        run(c, true, "16 threads, one HTTPS client");
    lxd_client_free(c);
    return t_end();
}
