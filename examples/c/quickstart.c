/* Quick start: connect to the local LXD, print its version and its instances. */
#include <lxdclient.h>
#include <stdio.h>

int main(void) {
    lxd_client_builder *builder = NULL;
    lxd_client *client = NULL;
    lxd_error *err = NULL;
    char *server = NULL, *names = NULL;
    int rc = 1;

    if (lxd_client_builder_new_unix(NULL, &builder, &err) != LXD_RESULT_OK) goto out; /* NULL: find the socket */
    if (lxd_client_builder_build(builder, &client, &err) != LXD_RESULT_OK) goto out;
    if (lxd_server_get(client, &server, NULL, &err) != LXD_RESULT_OK) goto out;       /* GET /1.0 as JSON */
    if (lxd_instance_list(client, 0, &names, &err) != LXD_RESULT_OK) goto out;         /* ["c1", ...] */
    printf("server: %.80s...\ninstances: %s\n", server, names);
    rc = 0;
out:
    if (err) fprintf(stderr, "error %d (HTTP %u): %s\n", (int)lxd_error_code(err), lxd_error_http_status(err), lxd_error_message(err));
    lxd_string_free(server);
    lxd_string_free(names);
    lxd_error_free(err);
    lxd_client_free(client);
    lxd_client_builder_free(builder);
    return rc;
}
