/*
 * Argument checking of every function in include/lxdclient.h: NULL for each required pointer,
 * invalid UTF-8 for each string, malformed JSON bodies and invalid names all give
 * LXD_RESULT_INVALID_ARGUMENT (HTTP status 0, a message naming the argument), never a crash, and
 * leave the outputs untouched.
 *
 * The client points at a socket that does not exist: a call that wrongly sent anything would
 * fail with LXD_RESULT_CONNECTION instead, so "nothing was sent" is checked too. No daemon needed.
 */
#include "test.h"

static char sentinel;
#define SENT ((void *)&sentinel)

/* Output variables, reset to a sentinel before every call and checked untouched after it. */
static char *s1, *s2;
static lxd_operation *op;
static bool b1;
static uint16_t u1;
static lxd_client_builder *bld_out;
static lxd_client *cli_out;

static void reset_outs(void) {
    s1 = SENT;
    s2 = SENT;
    op = SENT;
    b1 = false;
    u1 = 0xBEEF;
    bld_out = SENT;
    cli_out = SENT;
}

static bool outs_untouched(void) {
    return s1 == SENT && s2 == SENT && op == SENT && !b1 && u1 == 0xBEEF && bld_out == SENT && cli_out == SENT;
}

/* The call failed with INVALID_ARGUMENT, HTTP status 0, a message naming `arg`, outputs untouched. */
static bool t_invalid(lxd_result r, const char *arg, const char *what, const char *file, int line) {
    bool ok = r == LXD_RESULT_INVALID_ARGUMENT && t_err != NULL && lxd_error_code(t_err) == LXD_RESULT_INVALID_ARGUMENT &&
              lxd_error_http_status(t_err) == 0 && (arg == NULL || strstr(lxd_error_message(t_err), arg) != NULL) && outs_untouched();
    if (ok)
        t_pass(what, file, line);
    else
        t_fail(file, line, "%s: expected LXD_RESULT_INVALID_ARGUMENT naming \"%s\", got %s (http %u): %s%s", what, arg ? arg : "",
               lxd_result_name((int32_t)r), (unsigned)lxd_error_http_status(t_err), lxd_error_message(t_err),
               outs_untouched() ? "" : " [an output was written]");
    t_err_clear();
    return ok;
}

/* INV("argument name", call): see t_invalid. */
#define INV(arg, call) t_invalid((reset_outs(), t_err_clear(), (call)), (arg), #call, __FILE__, __LINE__)

#define BAD T_BAD_UTF8
#define N "ct-args-none"
#define J "{}"
#define FP "abcdef0123456789"

int main(void) {
    t_begin("args");
    lxd_client_builder *B = NULL;
    lxd_client *C = NULL;
    if (!CHECK_OK(lxd_client_builder_new_unix("/nonexistent/ct-args/unix.socket", &B, ERR)) || !CHECK_OK(lxd_client_builder_build(B, &C, ERR)))
        return t_end();
    /* Sanity: this client really cannot reach anything. */
    CHECK_ERR(lxd_server_get(C, &s1, NULL, ERR), LXD_RESULT_CONNECTION, 0);

    T_SECTION("client builder");
    INV("socket_path", lxd_client_builder_new_unix(BAD, &bld_out, ERR));
    INV("builder_out", lxd_client_builder_new_unix(NULL, NULL, ERR));
    INV("url", lxd_client_builder_new_https(NULL, &bld_out, ERR));
    INV("url", lxd_client_builder_new_https(BAD, &bld_out, ERR));
    INV("builder_out", lxd_client_builder_new_https("https://127.0.0.1:8443", NULL, ERR));
    INV("builder", lxd_client_builder_set_client_cert_pem(NULL, "c", "k", ERR));
    INV("cert_pem", lxd_client_builder_set_client_cert_pem(B, NULL, "k", ERR));
    INV("cert_pem", lxd_client_builder_set_client_cert_pem(B, BAD, "k", ERR));
    INV("key_pem", lxd_client_builder_set_client_cert_pem(B, "c", NULL, ERR));
    INV("key_pem", lxd_client_builder_set_client_cert_pem(B, "c", BAD, ERR));
    INV("builder", lxd_client_builder_set_client_cert_files(NULL, "/c", "/k", ERR));
    INV("cert_path", lxd_client_builder_set_client_cert_files(B, NULL, "/k", ERR));
    INV("cert_path", lxd_client_builder_set_client_cert_files(B, BAD, "/k", ERR));
    INV("key_path", lxd_client_builder_set_client_cert_files(B, "/dev/null", NULL, ERR));
    INV("key_path", lxd_client_builder_set_client_cert_files(B, "/dev/null", BAD, ERR));
    INV("builder", lxd_client_builder_pin_server_cert_pem(NULL, "c", ERR));
    INV("cert_pem", lxd_client_builder_pin_server_cert_pem(B, NULL, ERR));
    INV("cert_pem", lxd_client_builder_pin_server_cert_pem(B, BAD, ERR));
    INV("builder", lxd_client_builder_pin_server_cert_file(NULL, "/c", ERR));
    INV("cert_path", lxd_client_builder_pin_server_cert_file(B, NULL, ERR));
    INV("cert_path", lxd_client_builder_pin_server_cert_file(B, BAD, ERR));
    INV("builder", lxd_client_builder_set_ca_pem(NULL, "c", ERR));
    INV("ca_pem", lxd_client_builder_set_ca_pem(B, NULL, ERR));
    INV("ca_pem", lxd_client_builder_set_ca_pem(B, BAD, ERR));
    INV("builder", lxd_client_builder_danger_accept_invalid_certs(NULL, ERR));
    INV("builder", lxd_client_builder_set_timeout_ms(NULL, 1000, ERR));
    INV("builder", lxd_client_builder_set_project(NULL, "p", ERR));
    INV("project", lxd_client_builder_set_project(B, BAD, ERR));
    INV("builder", lxd_client_builder_set_target(NULL, "t", ERR));
    INV("target", lxd_client_builder_set_target(B, BAD, ERR));
    INV("builder", lxd_client_builder_set_user_agent(NULL, "ua", ERR));
    INV("user_agent", lxd_client_builder_set_user_agent(B, BAD, ERR));
    INV("builder", lxd_client_builder_build(NULL, &cli_out, ERR));
    INV("client_out", lxd_client_builder_build(B, NULL, ERR));

    T_SECTION("client");
    INV("client", lxd_client_with_project(NULL, "p", &cli_out, ERR));
    INV("project", lxd_client_with_project(C, BAD, &cli_out, ERR));
    INV("client_out", lxd_client_with_project(C, "p", NULL, ERR));
    INV("client", lxd_client_with_target(NULL, "t", &cli_out, ERR));
    INV("target", lxd_client_with_target(C, BAD, &cli_out, ERR));
    INV("client_out", lxd_client_with_target(C, "t", NULL, ERR));
    INV("client", lxd_client_trusted(NULL, &b1, ERR));
    INV("trusted_out", lxd_client_trusted(C, NULL, ERR));
    INV("client", lxd_client_authenticate(NULL, "pw", ERR));
    INV("password", lxd_client_authenticate(C, NULL, ERR));
    INV("password", lxd_client_authenticate(C, BAD, ERR));
    INV("password", lxd_client_authenticate(C, "", ERR));

    T_SECTION("server and raw requests");
    INV("client", lxd_server_get(NULL, &s1, &s2, ERR));
    INV("json_out", lxd_server_get(C, NULL, &s2, ERR));
    INV("client", lxd_server_update(NULL, J, NULL, ERR));
    INV("json", lxd_server_update(C, NULL, NULL, ERR));
    INV("json", lxd_server_update(C, BAD, NULL, ERR));
    INV("etag", lxd_server_update(C, J, BAD, ERR));
    INV("client", lxd_server_patch(NULL, J, NULL, ERR));
    INV("json", lxd_server_patch(C, NULL, NULL, ERR));
    INV("json", lxd_server_patch(C, BAD, NULL, ERR));
    INV("etag", lxd_server_patch(C, J, BAD, ERR));
    INV("client", lxd_server_has_extension(NULL, "x", &b1, ERR));
    INV("name", lxd_server_has_extension(C, NULL, &b1, ERR));
    INV("name", lxd_server_has_extension(C, BAD, &b1, ERR));
    INV("has_out", lxd_server_has_extension(C, "x", NULL, ERR));
    INV("client", lxd_server_resources(NULL, &s1, ERR));
    INV("json_out", lxd_server_resources(C, NULL, ERR));
    INV("client", lxd_raw_request(NULL, "GET", "/1.0", NULL, &u1, &s1, &s2, ERR));
    INV("method", lxd_raw_request(C, NULL, "/1.0", NULL, &u1, &s1, &s2, ERR));
    INV("method", lxd_raw_request(C, BAD, "/1.0", NULL, &u1, &s1, &s2, ERR));
    INV("path", lxd_raw_request(C, "GET", NULL, NULL, &u1, &s1, &s2, ERR));
    INV("path", lxd_raw_request(C, "GET", BAD, NULL, &u1, &s1, &s2, ERR));
    INV("body_json", lxd_raw_request(C, "POST", "/1.0", BAD, &u1, &s1, &s2, ERR));
    INV("status_out", lxd_raw_request(C, "GET", "/1.0", NULL, NULL, &s1, &s2, ERR));
    INV("body_out", lxd_raw_request(C, "GET", "/1.0", NULL, &u1, NULL, &s2, ERR));
    INV("HTTP method", lxd_raw_request(C, "GE T", "/1.0", NULL, &u1, &s1, &s2, ERR));
    INV("HTTP method", lxd_raw_request(C, "", "/1.0", NULL, &u1, &s1, &s2, ERR));
    INV("'/'", lxd_raw_request(C, "GET", "1.0", NULL, &u1, &s1, &s2, ERR));
    INV("spaces", lxd_raw_request(C, "GET", "/1.0/instances/a b", NULL, &u1, &s1, &s2, ERR));
    INV("control", lxd_raw_request(C, "GET", "/1.0\r\nX-Injected: 1", NULL, &u1, &s1, &s2, ERR));
    INV("JSON", lxd_raw_request(C, "POST", "/1.0", "{not json", &u1, &s1, &s2, ERR));

    T_SECTION("operations");
    INV("client", lxd_operation_open(NULL, "abc", &op, ERR));
    INV("id", lxd_operation_open(C, NULL, &op, ERR));
    INV("id", lxd_operation_open(C, BAD, &op, ERR));
    INV("op_out", lxd_operation_open(C, "abc", NULL, ERR));
    INV("operation", lxd_operation_open(C, "a/b", &op, ERR));
    INV("operation", lxd_operation_open(C, "..", &op, ERR));
    INV("operation", lxd_operation_open(C, "", &op, ERR));
    INV("client", lxd_operation_list(NULL, &s1, ERR));
    INV("json_out", lxd_operation_list(C, NULL, ERR));
    INV("op", lxd_operation_wait(NULL, 1000, ERR));
    INV("op", lxd_operation_wait(NULL, -1, ERR));
    INV("op", lxd_operation_cancel(NULL, ERR));
    INV("op", lxd_operation_refresh(NULL, ERR));
    INV("op", lxd_operation_json(NULL, &s1, ERR));

    T_SECTION("instances");
    INV("client", lxd_instance_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_instance_list(C, 1, NULL, ERR));
    INV("client", lxd_instance_get(NULL, N, &s1, &s2, ERR));
    INV("name", lxd_instance_get(C, NULL, &s1, &s2, ERR));
    INV("name", lxd_instance_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_instance_get(C, N, NULL, &s2, ERR));
    INV("client", lxd_instance_exists(NULL, N, &b1, ERR));
    INV("name", lxd_instance_exists(C, NULL, &b1, ERR));
    INV("name", lxd_instance_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_instance_exists(C, N, NULL, ERR));
    INV("client", lxd_instance_create(NULL, J, &op, ERR));
    INV("json", lxd_instance_create(C, NULL, &op, ERR));
    INV("json", lxd_instance_create(C, BAD, &op, ERR));
    INV("client", lxd_instance_update(NULL, N, J, NULL, &op, ERR));
    INV("name", lxd_instance_update(C, NULL, J, NULL, &op, ERR));
    INV("name", lxd_instance_update(C, BAD, J, NULL, &op, ERR));
    INV("json", lxd_instance_update(C, N, NULL, NULL, &op, ERR));
    INV("json", lxd_instance_update(C, N, BAD, NULL, &op, ERR));
    INV("etag", lxd_instance_update(C, N, J, BAD, &op, ERR));
    INV("client", lxd_instance_patch(NULL, N, J, NULL, &op, ERR));
    INV("name", lxd_instance_patch(C, NULL, J, NULL, &op, ERR));
    INV("name", lxd_instance_patch(C, BAD, J, NULL, &op, ERR));
    INV("json", lxd_instance_patch(C, N, NULL, NULL, &op, ERR));
    INV("json", lxd_instance_patch(C, N, BAD, NULL, &op, ERR));
    INV("etag", lxd_instance_patch(C, N, J, BAD, &op, ERR));
    INV("client", lxd_instance_rename(NULL, N, "ct-new", &op, ERR));
    INV("name", lxd_instance_rename(C, NULL, "ct-new", &op, ERR));
    INV("name", lxd_instance_rename(C, BAD, "ct-new", &op, ERR));
    INV("new_name", lxd_instance_rename(C, N, NULL, &op, ERR));
    INV("new_name", lxd_instance_rename(C, N, BAD, &op, ERR));
    INV("client", lxd_instance_delete(NULL, N, &op, ERR));
    INV("name", lxd_instance_delete(C, NULL, &op, ERR));
    INV("name", lxd_instance_delete(C, BAD, &op, ERR));
    INV("client", lxd_instance_state(NULL, N, &s1, ERR));
    INV("name", lxd_instance_state(C, NULL, &s1, ERR));
    INV("name", lxd_instance_state(C, BAD, &s1, ERR));
    INV("json_out", lxd_instance_state(C, N, NULL, ERR));
    INV("client", lxd_instance_set_state(NULL, N, "start", -1, false, false, &op, ERR));
    INV("name", lxd_instance_set_state(C, NULL, "start", -1, false, false, &op, ERR));
    INV("name", lxd_instance_set_state(C, BAD, "start", -1, false, false, &op, ERR));
    INV("action", lxd_instance_set_state(C, N, NULL, -1, false, false, &op, ERR));
    INV("action", lxd_instance_set_state(C, N, BAD, -1, false, false, &op, ERR));
    INV("action", lxd_instance_set_state(C, N, "explode", -1, false, false, &op, ERR));
    INV("client", lxd_instance_start(NULL, N, &op, ERR));
    INV("name", lxd_instance_start(C, NULL, &op, ERR));
    INV("name", lxd_instance_start(C, BAD, &op, ERR));
    INV("client", lxd_instance_stop(NULL, N, 5, true, &op, ERR));
    INV("name", lxd_instance_stop(C, NULL, 5, true, &op, ERR));
    INV("name", lxd_instance_stop(C, BAD, 5, true, &op, ERR));
    INV("client", lxd_instance_restart(NULL, N, 5, true, &op, ERR));
    INV("name", lxd_instance_restart(C, NULL, 5, true, &op, ERR));
    INV("name", lxd_instance_restart(C, BAD, 5, true, &op, ERR));
    INV("client", lxd_instance_freeze(NULL, N, &op, ERR));
    INV("name", lxd_instance_freeze(C, NULL, &op, ERR));
    INV("name", lxd_instance_freeze(C, BAD, &op, ERR));
    INV("client", lxd_instance_unfreeze(NULL, N, &op, ERR));
    INV("name", lxd_instance_unfreeze(C, NULL, &op, ERR));
    INV("name", lxd_instance_unfreeze(C, BAD, &op, ERR));

    T_SECTION("snapshots");
    INV("client", lxd_snapshot_list(NULL, N, 0, &s1, ERR));
    INV("instance", lxd_snapshot_list(C, NULL, 0, &s1, ERR));
    INV("instance", lxd_snapshot_list(C, BAD, 0, &s1, ERR));
    INV("json_out", lxd_snapshot_list(C, N, 0, NULL, ERR));
    INV("client", lxd_snapshot_get(NULL, N, "s", &s1, &s2, ERR));
    INV("instance", lxd_snapshot_get(C, NULL, "s", &s1, &s2, ERR));
    INV("instance", lxd_snapshot_get(C, BAD, "s", &s1, &s2, ERR));
    INV("name", lxd_snapshot_get(C, N, NULL, &s1, &s2, ERR));
    INV("name", lxd_snapshot_get(C, N, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_snapshot_get(C, N, "s", NULL, &s2, ERR));
    INV("client", lxd_snapshot_update(NULL, N, "s", J, NULL, &op, ERR));
    INV("instance", lxd_snapshot_update(C, NULL, "s", J, NULL, &op, ERR));
    INV("instance", lxd_snapshot_update(C, BAD, "s", J, NULL, &op, ERR));
    INV("name", lxd_snapshot_update(C, N, NULL, J, NULL, &op, ERR));
    INV("name", lxd_snapshot_update(C, N, BAD, J, NULL, &op, ERR));
    INV("json", lxd_snapshot_update(C, N, "s", NULL, NULL, &op, ERR));
    INV("json", lxd_snapshot_update(C, N, "s", BAD, NULL, &op, ERR));
    INV("etag", lxd_snapshot_update(C, N, "s", J, BAD, &op, ERR));
    INV("client", lxd_snapshot_rename(NULL, N, "s", "t", &op, ERR));
    INV("instance", lxd_snapshot_rename(C, NULL, "s", "t", &op, ERR));
    INV("instance", lxd_snapshot_rename(C, BAD, "s", "t", &op, ERR));
    INV("name", lxd_snapshot_rename(C, N, NULL, "t", &op, ERR));
    INV("name", lxd_snapshot_rename(C, N, BAD, "t", &op, ERR));
    INV("new_name", lxd_snapshot_rename(C, N, "s", NULL, &op, ERR));
    INV("new_name", lxd_snapshot_rename(C, N, "s", BAD, &op, ERR));
    INV("client", lxd_snapshot_delete(NULL, N, "s", &op, ERR));
    INV("instance", lxd_snapshot_delete(C, NULL, "s", &op, ERR));
    INV("instance", lxd_snapshot_delete(C, BAD, "s", &op, ERR));
    INV("name", lxd_snapshot_delete(C, N, NULL, &op, ERR));
    INV("name", lxd_snapshot_delete(C, N, BAD, &op, ERR));
    INV("client", lxd_snapshot_create(NULL, N, "s", false, &op, ERR));
    INV("instance", lxd_snapshot_create(C, NULL, "s", false, &op, ERR));
    INV("instance", lxd_snapshot_create(C, BAD, "s", false, &op, ERR));
    INV("name", lxd_snapshot_create(C, N, BAD, false, &op, ERR));
    INV("client", lxd_snapshot_restore(NULL, N, "s", false, &op, ERR));
    INV("instance", lxd_snapshot_restore(C, NULL, "s", false, &op, ERR));
    INV("instance", lxd_snapshot_restore(C, BAD, "s", false, &op, ERR));
    INV("name", lxd_snapshot_restore(C, N, NULL, false, &op, ERR));
    INV("name", lxd_snapshot_restore(C, N, BAD, false, &op, ERR));

    T_SECTION("images");
    INV("client", lxd_image_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_image_list(C, 0, NULL, ERR));
    INV("client", lxd_image_get(NULL, FP, &s1, &s2, ERR));
    INV("fingerprint", lxd_image_get(C, NULL, &s1, &s2, ERR));
    INV("fingerprint", lxd_image_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_image_get(C, FP, NULL, &s2, ERR));
    INV("client", lxd_image_exists(NULL, FP, &b1, ERR));
    INV("fingerprint", lxd_image_exists(C, NULL, &b1, ERR));
    INV("fingerprint", lxd_image_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_image_exists(C, FP, NULL, ERR));
    INV("client", lxd_image_create(NULL, J, &op, ERR));
    INV("json", lxd_image_create(C, NULL, &op, ERR));
    INV("json", lxd_image_create(C, BAD, &op, ERR));
    INV("client", lxd_image_update(NULL, FP, J, NULL, &op, ERR));
    INV("fingerprint", lxd_image_update(C, NULL, J, NULL, &op, ERR));
    INV("fingerprint", lxd_image_update(C, BAD, J, NULL, &op, ERR));
    INV("json", lxd_image_update(C, FP, NULL, NULL, &op, ERR));
    INV("json", lxd_image_update(C, FP, BAD, NULL, &op, ERR));
    INV("etag", lxd_image_update(C, FP, J, BAD, &op, ERR));
    INV("client", lxd_image_patch(NULL, FP, J, NULL, &op, ERR));
    INV("fingerprint", lxd_image_patch(C, NULL, J, NULL, &op, ERR));
    INV("fingerprint", lxd_image_patch(C, BAD, J, NULL, &op, ERR));
    INV("json", lxd_image_patch(C, FP, NULL, NULL, &op, ERR));
    INV("json", lxd_image_patch(C, FP, BAD, NULL, &op, ERR));
    INV("etag", lxd_image_patch(C, FP, J, BAD, &op, ERR));
    INV("client", lxd_image_delete(NULL, FP, &op, ERR));
    INV("fingerprint", lxd_image_delete(C, NULL, &op, ERR));
    INV("fingerprint", lxd_image_delete(C, BAD, &op, ERR));
    INV("client", lxd_image_get_by_alias(NULL, "a", &s1, &s2, ERR));
    INV("alias", lxd_image_get_by_alias(C, NULL, &s1, &s2, ERR));
    INV("alias", lxd_image_get_by_alias(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_image_get_by_alias(C, "a", NULL, &s2, ERR));
    INV("client", lxd_image_alias_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_image_alias_list(C, 0, NULL, ERR));
    INV("client", lxd_image_alias_get(NULL, "a", &s1, &s2, ERR));
    INV("name", lxd_image_alias_get(C, NULL, &s1, &s2, ERR));
    INV("name", lxd_image_alias_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_image_alias_get(C, "a", NULL, &s2, ERR));
    INV("client", lxd_image_alias_exists(NULL, "a", &b1, ERR));
    INV("name", lxd_image_alias_exists(C, NULL, &b1, ERR));
    INV("name", lxd_image_alias_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_image_alias_exists(C, "a", NULL, ERR));
    INV("client", lxd_image_alias_create(NULL, "a", FP, "d", ERR));
    INV("name", lxd_image_alias_create(C, NULL, FP, "d", ERR));
    INV("name", lxd_image_alias_create(C, BAD, FP, "d", ERR));
    INV("target_fingerprint", lxd_image_alias_create(C, "a", NULL, "d", ERR));
    INV("target_fingerprint", lxd_image_alias_create(C, "a", BAD, "d", ERR));
    INV("description", lxd_image_alias_create(C, "a", FP, BAD, ERR));
    INV("client", lxd_image_alias_update(NULL, "a", J, NULL, ERR));
    INV("name", lxd_image_alias_update(C, NULL, J, NULL, ERR));
    INV("name", lxd_image_alias_update(C, BAD, J, NULL, ERR));
    INV("json", lxd_image_alias_update(C, "a", NULL, NULL, ERR));
    INV("json", lxd_image_alias_update(C, "a", BAD, NULL, ERR));
    INV("etag", lxd_image_alias_update(C, "a", J, BAD, ERR));
    INV("client", lxd_image_alias_patch(NULL, "a", J, NULL, ERR));
    INV("name", lxd_image_alias_patch(C, NULL, J, NULL, ERR));
    INV("name", lxd_image_alias_patch(C, BAD, J, NULL, ERR));
    INV("json", lxd_image_alias_patch(C, "a", NULL, NULL, ERR));
    INV("json", lxd_image_alias_patch(C, "a", BAD, NULL, ERR));
    INV("etag", lxd_image_alias_patch(C, "a", J, BAD, ERR));
    INV("client", lxd_image_alias_rename(NULL, "a", "b", ERR));
    INV("name", lxd_image_alias_rename(C, NULL, "b", ERR));
    INV("name", lxd_image_alias_rename(C, BAD, "b", ERR));
    INV("new_name", lxd_image_alias_rename(C, "a", NULL, ERR));
    INV("new_name", lxd_image_alias_rename(C, "a", BAD, ERR));
    INV("client", lxd_image_alias_delete(NULL, "a", ERR));
    INV("name", lxd_image_alias_delete(C, NULL, ERR));
    INV("name", lxd_image_alias_delete(C, BAD, ERR));

    T_SECTION("profiles");
    INV("client", lxd_profile_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_profile_list(C, 0, NULL, ERR));
    INV("client", lxd_profile_get(NULL, "p", &s1, &s2, ERR));
    INV("name", lxd_profile_get(C, NULL, &s1, &s2, ERR));
    INV("name", lxd_profile_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_profile_get(C, "p", NULL, &s2, ERR));
    INV("client", lxd_profile_exists(NULL, "p", &b1, ERR));
    INV("name", lxd_profile_exists(C, NULL, &b1, ERR));
    INV("name", lxd_profile_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_profile_exists(C, "p", NULL, ERR));
    INV("client", lxd_profile_create(NULL, J, ERR));
    INV("json", lxd_profile_create(C, NULL, ERR));
    INV("json", lxd_profile_create(C, BAD, ERR));
    INV("client", lxd_profile_update(NULL, "p", J, NULL, ERR));
    INV("name", lxd_profile_update(C, NULL, J, NULL, ERR));
    INV("name", lxd_profile_update(C, BAD, J, NULL, ERR));
    INV("json", lxd_profile_update(C, "p", NULL, NULL, ERR));
    INV("json", lxd_profile_update(C, "p", BAD, NULL, ERR));
    INV("etag", lxd_profile_update(C, "p", J, BAD, ERR));
    INV("client", lxd_profile_patch(NULL, "p", J, NULL, ERR));
    INV("name", lxd_profile_patch(C, NULL, J, NULL, ERR));
    INV("name", lxd_profile_patch(C, BAD, J, NULL, ERR));
    INV("json", lxd_profile_patch(C, "p", NULL, NULL, ERR));
    INV("json", lxd_profile_patch(C, "p", BAD, NULL, ERR));
    INV("etag", lxd_profile_patch(C, "p", J, BAD, ERR));
    INV("client", lxd_profile_rename(NULL, "p", "q", ERR));
    INV("name", lxd_profile_rename(C, NULL, "q", ERR));
    INV("name", lxd_profile_rename(C, BAD, "q", ERR));
    INV("new_name", lxd_profile_rename(C, "p", NULL, ERR));
    INV("new_name", lxd_profile_rename(C, "p", BAD, ERR));
    INV("client", lxd_profile_delete(NULL, "p", ERR));
    INV("name", lxd_profile_delete(C, NULL, ERR));
    INV("name", lxd_profile_delete(C, BAD, ERR));

    T_SECTION("networks");
    INV("client", lxd_network_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_network_list(C, 0, NULL, ERR));
    INV("client", lxd_network_get(NULL, "n", &s1, &s2, ERR));
    INV("name", lxd_network_get(C, NULL, &s1, &s2, ERR));
    INV("name", lxd_network_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_network_get(C, "n", NULL, &s2, ERR));
    INV("client", lxd_network_exists(NULL, "n", &b1, ERR));
    INV("name", lxd_network_exists(C, NULL, &b1, ERR));
    INV("name", lxd_network_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_network_exists(C, "n", NULL, ERR));
    INV("client", lxd_network_create(NULL, J, ERR));
    INV("json", lxd_network_create(C, NULL, ERR));
    INV("json", lxd_network_create(C, BAD, ERR));
    INV("client", lxd_network_update(NULL, "n", J, NULL, ERR));
    INV("name", lxd_network_update(C, NULL, J, NULL, ERR));
    INV("name", lxd_network_update(C, BAD, J, NULL, ERR));
    INV("json", lxd_network_update(C, "n", NULL, NULL, ERR));
    INV("json", lxd_network_update(C, "n", BAD, NULL, ERR));
    INV("etag", lxd_network_update(C, "n", J, BAD, ERR));
    INV("client", lxd_network_patch(NULL, "n", J, NULL, ERR));
    INV("name", lxd_network_patch(C, NULL, J, NULL, ERR));
    INV("name", lxd_network_patch(C, BAD, J, NULL, ERR));
    INV("json", lxd_network_patch(C, "n", NULL, NULL, ERR));
    INV("json", lxd_network_patch(C, "n", BAD, NULL, ERR));
    INV("etag", lxd_network_patch(C, "n", J, BAD, ERR));
    INV("client", lxd_network_rename(NULL, "n", "m", ERR));
    INV("name", lxd_network_rename(C, NULL, "m", ERR));
    INV("name", lxd_network_rename(C, BAD, "m", ERR));
    INV("new_name", lxd_network_rename(C, "n", NULL, ERR));
    INV("new_name", lxd_network_rename(C, "n", BAD, ERR));
    INV("client", lxd_network_delete(NULL, "n", ERR));
    INV("name", lxd_network_delete(C, NULL, ERR));
    INV("name", lxd_network_delete(C, BAD, ERR));
    INV("client", lxd_network_state(NULL, "n", &s1, ERR));
    INV("name", lxd_network_state(C, NULL, &s1, ERR));
    INV("name", lxd_network_state(C, BAD, &s1, ERR));
    INV("json_out", lxd_network_state(C, "n", NULL, ERR));

    T_SECTION("storage pools");
    INV("client", lxd_storage_pool_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_storage_pool_list(C, 0, NULL, ERR));
    INV("client", lxd_storage_pool_get(NULL, "p", &s1, &s2, ERR));
    INV("name", lxd_storage_pool_get(C, NULL, &s1, &s2, ERR));
    INV("name", lxd_storage_pool_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_storage_pool_get(C, "p", NULL, &s2, ERR));
    INV("client", lxd_storage_pool_exists(NULL, "p", &b1, ERR));
    INV("name", lxd_storage_pool_exists(C, NULL, &b1, ERR));
    INV("name", lxd_storage_pool_exists(C, BAD, &b1, ERR));
    INV("exists_out", lxd_storage_pool_exists(C, "p", NULL, ERR));
    INV("client", lxd_storage_pool_create(NULL, J, ERR));
    INV("json", lxd_storage_pool_create(C, NULL, ERR));
    INV("json", lxd_storage_pool_create(C, BAD, ERR));
    INV("client", lxd_storage_pool_update(NULL, "p", J, NULL, ERR));
    INV("name", lxd_storage_pool_update(C, NULL, J, NULL, ERR));
    INV("name", lxd_storage_pool_update(C, BAD, J, NULL, ERR));
    INV("json", lxd_storage_pool_update(C, "p", NULL, NULL, ERR));
    INV("json", lxd_storage_pool_update(C, "p", BAD, NULL, ERR));
    INV("etag", lxd_storage_pool_update(C, "p", J, BAD, ERR));
    INV("client", lxd_storage_pool_patch(NULL, "p", J, NULL, ERR));
    INV("name", lxd_storage_pool_patch(C, NULL, J, NULL, ERR));
    INV("name", lxd_storage_pool_patch(C, BAD, J, NULL, ERR));
    INV("json", lxd_storage_pool_patch(C, "p", NULL, NULL, ERR));
    INV("json", lxd_storage_pool_patch(C, "p", BAD, NULL, ERR));
    INV("etag", lxd_storage_pool_patch(C, "p", J, BAD, ERR));
    INV("client", lxd_storage_pool_delete(NULL, "p", ERR));
    INV("name", lxd_storage_pool_delete(C, NULL, ERR));
    INV("name", lxd_storage_pool_delete(C, BAD, ERR));
    INV("client", lxd_storage_pool_resources(NULL, "p", &s1, ERR));
    INV("name", lxd_storage_pool_resources(C, NULL, &s1, ERR));
    INV("name", lxd_storage_pool_resources(C, BAD, &s1, ERR));
    INV("json_out", lxd_storage_pool_resources(C, "p", NULL, ERR));

    T_SECTION("certificates");
    INV("client", lxd_certificate_list(NULL, 0, &s1, ERR));
    INV("json_out", lxd_certificate_list(C, 0, NULL, ERR));
    INV("client", lxd_certificate_get(NULL, FP, &s1, &s2, ERR));
    INV("fingerprint", lxd_certificate_get(C, NULL, &s1, &s2, ERR));
    INV("fingerprint", lxd_certificate_get(C, BAD, &s1, &s2, ERR));
    INV("json_out", lxd_certificate_get(C, FP, NULL, &s2, ERR));
    INV("client", lxd_certificate_create(NULL, J, ERR));
    INV("json", lxd_certificate_create(C, NULL, ERR));
    INV("json", lxd_certificate_create(C, BAD, ERR));
    INV("client", lxd_certificate_update(NULL, FP, J, NULL, ERR));
    INV("fingerprint", lxd_certificate_update(C, NULL, J, NULL, ERR));
    INV("fingerprint", lxd_certificate_update(C, BAD, J, NULL, ERR));
    INV("json", lxd_certificate_update(C, FP, NULL, NULL, ERR));
    INV("json", lxd_certificate_update(C, FP, BAD, NULL, ERR));
    INV("etag", lxd_certificate_update(C, FP, J, BAD, ERR));
    INV("client", lxd_certificate_patch(NULL, FP, J, NULL, ERR));
    INV("fingerprint", lxd_certificate_patch(C, NULL, J, NULL, ERR));
    INV("fingerprint", lxd_certificate_patch(C, BAD, J, NULL, ERR));
    INV("json", lxd_certificate_patch(C, FP, NULL, NULL, ERR));
    INV("json", lxd_certificate_patch(C, FP, BAD, NULL, ERR));
    INV("etag", lxd_certificate_patch(C, FP, J, BAD, ERR));
    INV("client", lxd_certificate_delete(NULL, FP, ERR));
    INV("fingerprint", lxd_certificate_delete(C, NULL, ERR));
    INV("fingerprint", lxd_certificate_delete(C, BAD, ERR));
    INV("client", lxd_certificate_add(NULL, NULL, "n", "pw", ERR));
    INV("cert_pem", lxd_certificate_add(C, BAD, "n", NULL, ERR));
    INV("name", lxd_certificate_add(C, NULL, BAD, "pw", ERR));
    INV("password", lxd_certificate_add(C, NULL, "n", BAD, ERR));
    INV("PEM", lxd_certificate_add(C, "not a certificate", "n", NULL, ERR));
    INV("base64", lxd_certificate_add(C, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "n", NULL, ERR));

    T_SECTION("malformed JSON bodies");
    static const char *const bad_json[] = {"", "{", "{not json}", "[1,2]", "\"text\"", "42", "null", "{} trailing"};
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
        const char *bj = bad_json[i];
        INV("JSON", lxd_instance_create(C, bj, &op, ERR));
        INV("JSON", lxd_instance_update(C, N, bj, NULL, &op, ERR));
        INV("JSON", lxd_instance_patch(C, N, bj, NULL, &op, ERR));
        INV("JSON", lxd_snapshot_update(C, N, "s", bj, NULL, &op, ERR));
        INV("JSON", lxd_image_create(C, bj, &op, ERR));
        INV("JSON", lxd_image_update(C, FP, bj, NULL, &op, ERR));
        INV("JSON", lxd_image_patch(C, FP, bj, NULL, &op, ERR));
        INV("JSON", lxd_image_alias_update(C, "a", bj, NULL, ERR));
        INV("JSON", lxd_image_alias_patch(C, "a", bj, NULL, ERR));
        INV("JSON", lxd_profile_create(C, bj, ERR));
        INV("JSON", lxd_profile_update(C, "p", bj, NULL, ERR));
        INV("JSON", lxd_profile_patch(C, "p", bj, NULL, ERR));
        INV("JSON", lxd_network_create(C, bj, ERR));
        INV("JSON", lxd_network_update(C, "n", bj, NULL, ERR));
        INV("JSON", lxd_network_patch(C, "n", bj, NULL, ERR));
        INV("JSON", lxd_storage_pool_create(C, bj, ERR));
        INV("JSON", lxd_storage_pool_update(C, "p", bj, NULL, ERR));
        INV("JSON", lxd_storage_pool_patch(C, "p", bj, NULL, ERR));
        INV("JSON", lxd_certificate_create(C, bj, ERR));
        INV("JSON", lxd_certificate_update(C, FP, bj, NULL, ERR));
        INV("JSON", lxd_certificate_patch(C, FP, bj, NULL, ERR));
        INV("JSON", lxd_server_update(C, bj, NULL, ERR));
        INV("JSON", lxd_server_patch(C, bj, NULL, ERR));
    }

    T_SECTION("invalid names");
    /* Names that can never be a path segment: empty, ".", "..", with '/', with control characters. */
    static const char *const bad_names[] = {"", ".", "..", "a/b", "../../1.0", "/abs", "a\nb", "tab\there"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        const char *bn = bad_names[i];
        INV(NULL, lxd_instance_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_instance_exists(C, bn, &b1, ERR));
        INV(NULL, lxd_instance_delete(C, bn, &op, ERR));
        INV(NULL, lxd_instance_state(C, bn, &s1, ERR));
        INV(NULL, lxd_instance_start(C, bn, &op, ERR));
        INV(NULL, lxd_instance_rename(C, N, bn, &op, ERR));
        INV(NULL, lxd_snapshot_list(C, bn, 0, &s1, ERR));
        INV(NULL, lxd_snapshot_get(C, N, bn, &s1, NULL, ERR));
        if (bn[0] != '\0') /* "" asks LXD to pick the name */
            INV(NULL, lxd_snapshot_create(C, N, bn, false, &op, ERR));
        INV(NULL, lxd_snapshot_rename(C, N, "s", bn, &op, ERR));
        INV(NULL, lxd_snapshot_restore(C, N, bn, false, &op, ERR));
        INV(NULL, lxd_image_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_image_alias_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_image_alias_create(C, bn, FP, NULL, ERR));
        INV(NULL, lxd_image_alias_rename(C, "a", bn, ERR));
        INV(NULL, lxd_image_get_by_alias(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_profile_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_profile_delete(C, bn, ERR));
        INV(NULL, lxd_profile_rename(C, "p", bn, ERR));
        INV(NULL, lxd_network_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_network_state(C, bn, &s1, ERR));
        INV(NULL, lxd_network_rename(C, "n", bn, ERR));
        INV(NULL, lxd_storage_pool_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_storage_pool_resources(C, bn, &s1, ERR));
        INV(NULL, lxd_certificate_get(C, bn, &s1, NULL, ERR));
        INV(NULL, lxd_certificate_delete(C, bn, ERR));
    }
    /* Instance names are hostnames. */
    static const char *const bad_instance_names[] = {
        "bad_name", "has.dot", "has space", "1starts-with-digit", "-leading", "trailing-", "ünïcode",
        "a234567890123456789012345678901234567890123456789012345678901234", /* 64 characters */
    };
    for (size_t i = 0; i < sizeof bad_instance_names / sizeof bad_instance_names[0]; i++) {
        const char *bn = bad_instance_names[i];
        INV("instance name", lxd_instance_get(C, bn, &s1, NULL, ERR));
        INV("instance name", lxd_instance_update(C, bn, J, NULL, &op, ERR));
        INV("instance name", lxd_instance_set_state(C, bn, "stop", -1, true, false, &op, ERR));
        INV("instance name", lxd_instance_rename(C, N, bn, &op, ERR));
        INV("instance name", lxd_snapshot_create(C, bn, "s", false, &op, ERR));
    }
    INV("space", lxd_snapshot_create(C, N, "has space", false, &op, ERR));
    INV("space", lxd_snapshot_get(C, N, "has space", &s1, NULL, ERR));
    INV("15", lxd_network_get(C, "abcdefghijklmnop", &s1, NULL, ERR));
    INV("15", lxd_network_rename(C, "n", "abcdefghijklmnop", ERR));
    INV("fingerprint", lxd_image_get(C, "not-hex", &s1, NULL, ERR));
    INV("fingerprint", lxd_image_delete(C, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", &op, ERR));
    INV("fingerprint", lxd_image_alias_create(C, "a", "xyz", NULL, ERR));

    T_SECTION("err_out may be NULL");
    reset_outs();
    CHECK(lxd_instance_get(NULL, N, &s1, NULL, NULL) == LXD_RESULT_INVALID_ARGUMENT && outs_untouched());
    CHECK(lxd_instance_get(C, "bad_name", &s1, NULL, NULL) == LXD_RESULT_INVALID_ARGUMENT && outs_untouched());
    CHECK(lxd_raw_request(C, "GET", NULL, NULL, &u1, &s1, NULL, NULL) == LXD_RESULT_INVALID_ARGUMENT && outs_untouched());
    CHECK(lxd_client_builder_build(NULL, &cli_out, NULL) == LXD_RESULT_INVALID_ARGUMENT && outs_untouched());
    CHECK(lxd_operation_wait(NULL, 0, NULL) == LXD_RESULT_INVALID_ARGUMENT);
    CHECK(lxd_server_get(C, &s1, NULL, NULL) == LXD_RESULT_CONNECTION && outs_untouched());

    lxd_client_free(C);
    lxd_client_builder_free(B);
    return t_end();
}
