/*
 * rss CMD ARGS...: run CMD and print its peak RSS ("rss_kib N") on stderr as the last line; exit
 * with CMD's status. A small process forks CMD because Linux charges a child, in ru_maxrss, the
 * high-water RSS of the memory it had before exec: spawned from the Python bench driver
 * (vfork), every client would show the driver's ~50 MiB. From here the floor is this process's
 * own RSS (about 1 MiB).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: rss CMD ARGS...\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    fprintf(stderr, "rss_kib %ld\n", ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
