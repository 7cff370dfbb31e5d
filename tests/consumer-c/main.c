/* An out-of-tree C program built only with `pkg-config --cflags --libs lxdclient` against a
 * `make install` prefix: it connects to the LXD in $LXD_TEST_SOCKET and prints the server version. */
#include <lxdclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    lxd_client_builder *b = NULL;
    lxd_client *c = NULL;
    lxd_error *err = NULL;
    char *json = NULL;
    int rc = 1;
    if (strcmp(lxd_version(), LXDCLIENT_VERSION) != 0) {
        fprintf(stderr, "header %s but library %s\n", LXDCLIENT_VERSION, lxd_version());
        return 1;
    }
    if (lxd_client_builder_new_unix(getenv("LXD_TEST_SOCKET"), &b, &err) == LXD_RESULT_OK &&
        lxd_client_builder_build(b, &c, &err) == LXD_RESULT_OK && lxd_server_get(c, &json, NULL, &err) == LXD_RESULT_OK) {
        const char *v = strstr(json, "\"server_version\":\"");
        printf("consumer-c: liblxdclient %s, LXD %.*s\n", lxd_version(), v ? (int)strcspn(v + 18, "\"") : 0, v ? v + 18 : "");
        rc = v ? 0 : 1;
    } else {
        fprintf(stderr, "consumer-c: %s\n", lxd_error_message(err));
    }
    lxd_string_free(json);
    lxd_error_free(err);
    lxd_client_free(c);
    lxd_client_builder_free(b);
    return rc;
}
