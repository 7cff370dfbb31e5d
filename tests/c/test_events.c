/*
 * Events against a real LXD: lifecycle events of create/start/stop/delete in order, operation
 * events, all-projects, HTTPS, timeouts, close from another thread, bad types, NULL arguments.
 */
#include "test.h"

#include <pthread.h>

/* Wait (10 s at most) for the next event whose JSON contains `fragment`; returns it (free with
 * lxd_string_free) or NULL. Other events are skipped. */
static char *next_matching(lxd_event_listener *l, const char *fragment) {
    double end = t_now() + 10;
    while (t_now() < end) {
        char *json = NULL;
        lxd_error *e = NULL;
        lxd_result r = lxd_event_listener_next(l, 1000, &json, &e);
        lxd_error_free(e);
        if (r == LXD_RESULT_TIMEOUT)
            continue;
        if (r != LXD_RESULT_OK)
            return NULL;
        if (strstr(json, fragment))
            return json;
        lxd_string_free(json);
    }
    return NULL;
}

static void lifecycle_in_order(lxd_client *c) {
    T_SECTION("lifecycle events for create, start, stop, delete arrive in order");
    char name[64];
    t_unique(name, sizeof name, "ev");
    lxd_event_listener *l = NULL;
    if (!CHECK_OK(lxd_event_listener_open(c, "lifecycle", false, &l, ERR)))
        return;
    bool made = t_instance_create(c, name, true) && CHECK_OK(lxd_instance_stop(c, name, -1, true, NULL, ERR));
    t_instance_cleanup(c, name);
    if (made) {
        char *source = t_fmt("\"source\":\"/1.0/instances/%s\"", name);
        const char *want[] = {"instance-created", "instance-started", "instance-stopped", "instance-deleted"};
        char *got[4] = {0};
        int n = 0;
        double end = t_now() + 15;
        /* Collect this instance's lifecycle actions as they come. */
        while (n < 4 && t_now() < end) {
            char *json = next_matching(l, source);
            if (!json)
                break;
            CHECK_HAS(json, "\"type\":\"lifecycle\"");
            char *action = t_json_str(json, "action");
            if (action && n < 4)
                got[n++] = action;
            else
                free(action);
            lxd_string_free(json);
        }
        for (int i = 0; i < 4; i++)
            CHECKF(got[i] && strcmp(got[i], want[i]) == 0, "event %d: got %s, want %s", i, got[i] ? got[i] : "(none)", want[i]);
        for (int i = 0; i < 4; i++)
            free(got[i]);
        free(source);
    }
    lxd_event_listener_close(l);
    lxd_event_listener_free(l);
}

static void operations_and_projects(lxd_client *c) {
    T_SECTION("operation events, all projects");
    lxd_event_listener *ops = NULL, *all = NULL;
    char name[64];
    t_unique(name, sizeof name, "evop");
    if (CHECK_OK(lxd_event_listener_open(c, "operation", false, &ops, ERR)) &&
        CHECK_OK(lxd_event_listener_open(c, " lifecycle , operation ", true, &all, ERR))) {
        if (t_instance_create(c, name, false)) {
            /* Our instance's operation (other suites' operations show up too). */
            char *ours = t_fmt("\"/1.0/instances/%s\"", name);
            char *json = next_matching(ops, ours);
            free(ours);
            CHECK(json != NULL);
            CHECK_HAS(json, "\"type\":\"operation\"");
            CHECK_HAS(json, "\"class\":\"task\"");
            CHECK_LACKS(json, "\"type\":\"lifecycle\"");
            lxd_string_free(json);
            char *source = t_fmt("\"source\":\"/1.0/instances/%s\"", name);
            json = next_matching(all, source);
            CHECK(json != NULL);
            CHECK_HAS(json, "\"project\":\"default\"");
            lxd_string_free(json);
            free(source);
        }
        t_instance_cleanup(c, name);
    }
    lxd_event_listener_free(ops);
    lxd_event_listener_free(all);
}

typedef struct {
    lxd_event_listener *l;
    lxd_result r;
    double ended;
} waiter;

/* Read events (late ones of earlier checks may still come) until next fails. */
static void *wait_thread(void *arg) {
    waiter *w = arg;
    do {
        char *json = NULL;
        lxd_error *e = NULL;
        w->r = lxd_event_listener_next(w->l, -1, &json, &e);
        lxd_string_free(json);
        lxd_error_free(e);
    } while (w->r == LXD_RESULT_OK);
    w->ended = t_now();
    return NULL;
}

static void timeout_and_close(lxd_client *c_default) {
    T_SECTION("timeout, and close from another thread wakes next");
    /* Listen in a project of our own: other suites running at the same time on this daemon make
     * lifecycle events in the default project, which would arrive before the timeout. */
    char proj[48], body[160];
    t_unique(proj, sizeof proj, "evq");
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"config\":{\"features.images\":\"false\",\"features.profiles\":\"false\"}}", proj);
    lxd_client *c = NULL;
    if (!CHECK_OK(lxd_project_create(c_default, body, ERR)) || !CHECK_OK(lxd_client_with_project(c_default, proj, &c, ERR)))
        return;
    lxd_event_listener *l = NULL;
    if (!CHECK_OK(lxd_event_listener_open(c, "lifecycle", false, &l, ERR))) {
        lxd_client_free(c);
        CHECK_OK(lxd_project_delete(c_default, proj, ERR));
        return;
    }
    char *json = NULL;
    double t0 = t_now();
    CHECK_ERR(lxd_event_listener_next(l, 200, &json, ERR), LXD_RESULT_TIMEOUT, 0);
    double dt = t_now() - t0;
    CHECKF(dt >= 0.15 && dt < 2.0, "timeout after %.3f s", dt);
    CHECK(json == NULL);
    CHECK_ERR(lxd_event_listener_next(l, 0, &json, ERR), LXD_RESULT_TIMEOUT, 0);

    waiter w = {.l = l};
    pthread_t th;
    if (CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0)) {
        t_sleep_ms(400);
        double tc = t_now();
        lxd_event_listener_close(l);
        lxd_event_listener_close(l);
        pthread_join(th, NULL);
        CHECKF(w.r == LXD_RESULT_CANCELLED, "blocked next returned %s", lxd_result_name((int32_t)w.r));
        CHECKF(w.ended - tc < 2.0, "woke %.3f s after close", w.ended - tc);
    }
    CHECK_ERR(lxd_event_listener_next(l, 100, &json, ERR), LXD_RESULT_CANCELLED, 0);
    lxd_event_listener_free(l);
    lxd_client_free(c);
    CHECK_OK(lxd_project_delete(c_default, proj, ERR));
}

static void https(void) {
    T_SECTION("events over HTTPS");
    lxd_client *t = t_https_client(t_env("HTTPS_URL"), t_env("SERVER_CERT"), t_env("CLIENT_CERT"), t_env("CLIENT_KEY"));
    if (!t)
        return;
    bool trusted = false;
    CHECK_OK(lxd_client_trusted(t, &trusted, ERR));
    if (!trusted)
        CHECK_OK(lxd_client_authenticate(t, t_trust_secret(""), ERR));
    lxd_event_listener *l = NULL;
    char name[64];
    t_unique(name, sizeof name, "evtls");
    if (CHECK_OK(lxd_event_listener_open(t, "lifecycle", false, &l, ERR))) {
        if (t_instance_create(t, name, false)) {
            char *source = t_fmt("\"source\":\"/1.0/instances/%s\"", name);
            char *json = next_matching(l, source);
            CHECK(json != NULL);
            CHECK_HAS(json, "\"action\":\"instance-created\"");
            lxd_string_free(json);
            free(source);
        }
        t_instance_cleanup(t, name);
        /* Close wakes a TLS listener too. */
        waiter w = {.l = l};
        pthread_t th;
        if (CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0)) {
            t_sleep_ms(300);
            double tc = t_now();
            lxd_event_listener_close(l);
            pthread_join(th, NULL);
            CHECKF(w.r == LXD_RESULT_CANCELLED, "blocked next over TLS returned %s", lxd_result_name((int32_t)w.r));
            CHECKF(w.ended - tc < 2.0, "woke %.3f s after close", w.ended - tc);
        }
    }
    lxd_event_listener_free(l);
    lxd_client_free(t);
}

static void bad_arguments(lxd_client *c) {
    T_SECTION("bad types and NULL arguments");
    lxd_event_listener *l = NULL;
    const char *bad[] = {"bogus", "Lifecycle", "lifecycle,lifecycle", "lifecycle,", ",", "lifecycle;operation", T_BAD_UTF8};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INVALID(lxd_event_listener_open(c, bad[i], false, &l, ERR));
        CHECK(l == NULL);
    }
    CHECK_INVALID(lxd_event_listener_open(NULL, "lifecycle", false, &l, ERR));
    CHECK_INVALID(lxd_event_listener_open(c, "lifecycle", false, NULL, ERR));
    CHECK(lxd_event_listener_open(c, "bogus", false, &l, NULL) == LXD_RESULT_INVALID_ARGUMENT);
    char *json = NULL;
    CHECK_INVALID(lxd_event_listener_next(NULL, 0, &json, ERR));
    lxd_event_listener_close(NULL);
    lxd_event_listener_free(NULL);
    /* NULL and "" mean every type. */
    if (CHECK_OK(lxd_event_listener_open(c, NULL, false, &l, ERR))) {
        CHECK_INVALID(lxd_event_listener_next(l, 0, NULL, ERR));
        lxd_event_listener_free(l);
    }
    l = NULL;
    if (CHECK_OK(lxd_event_listener_open(c, "", false, &l, ERR)))
        lxd_event_listener_free(l);
    l = NULL;
    /* logging needs an admin client: the local socket is one. */
    if (CHECK_OK(lxd_event_listener_open(c, "logging", false, &l, ERR)))
        lxd_event_listener_free(l);
}

int main(void) {
    t_begin("events");
    lxd_client *c = t_unix_client();
    bad_arguments(c);
    lifecycle_in_order(c);
    operations_and_projects(c);
    timeout_and_close(c);
    https();
    lxd_client_free(c);
    return t_end();
}
