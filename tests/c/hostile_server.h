/*
 * Start and stop tests/hostile's lxd-hostile (a misbehaving fake LXD) from a C test.
 *
 * The binary is $LXD_HOSTILE_BIN, else target/release/lxd-hostile found from this test binary's
 * own path (tests/c/bin/test_x → ../../../target/release), else from the working directory.
 * `make hostile-bin` builds it. A missing binary is a failure, never a skip.
 */
#ifndef LXD_HOSTILE_SERVER_H
#define LXD_HOSTILE_SERVER_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct hostile_server {
    pid_t pid;
    char dir[64];
    char socket[128];
} hostile_server;

static double hs_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hs_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int hs_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static int hs_find_binary(char *out, size_t n) {
    const char *env = getenv("LXD_HOSTILE_BIN");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return hs_exists(out);
    }
    char self[PATH_MAX - 64];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, n, "%s/../../../target/release/lxd-hostile", self);
            if (hs_exists(out)) return 1;
        }
    }
    snprintf(out, n, "target/release/lxd-hostile");
    return hs_exists(out);
}

/* Start the server (with its HTTPS listeners); 0 on success. */
static int hostile_start(hostile_server *s) {
    char bin[PATH_MAX];
    memset(s, 0, sizeof *s);
    if (!hs_find_binary(bin, sizeof bin)) {
        fprintf(stderr, "lxd-hostile not found (%s): run 'make hostile-bin' or set LXD_HOSTILE_BIN\n", bin);
        return -1;
    }
    snprintf(s->dir, sizeof s->dir, "/tmp/lxd-hostile-XXXXXX");
    if (!mkdtemp(s->dir)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(s->socket, sizeof s->socket, "%s/unix.socket", s->dir);
    s->pid = fork();
    if (s->pid < 0) {
        perror("fork");
        return -1;
    }
    if (s->pid == 0) {
        execl(bin, bin, "--dir", s->dir, "--https", "--max-seconds", "900", (char *)NULL);
        perror("exec lxd-hostile");
        _exit(127);
    }
    char ready[128];
    snprintf(ready, sizeof ready, "%s/ready", s->dir);
    double deadline = hs_now() + 60;
    while (hs_now() < deadline) {
        if (hs_exists(ready)) return 0;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            fprintf(stderr, "lxd-hostile exited early (status %d)\n", status);
            s->pid = 0;
            return -1;
        }
        hs_sleep_ms(20);
    }
    fprintf(stderr, "lxd-hostile did not become ready\n");
    return -1;
}

/* Read a small file of the server's directory into buf; 0 on success. */
static int hostile_read(const hostile_server *s, const char *name, char *buf, size_t n) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    return 0;
}

/* Stop the server by its pid and remove its directory. */
static void hostile_stop(hostile_server *s) {
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    DIR *d = opendir(s->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
        rmdir(s->dir);
    }
}

#endif
