/*
 * The public header on its own, and the functions that need no server: version, result names,
 * stable result numbers, error accessors and every _free on NULL.
 *
 * lxdclient.h is included before anything else, so this file fails to compile if the header is
 * not self-contained. (run.sh also compiles the header alone as C99, C11 and C++.)
 */
#define _POSIX_C_SOURCE 200809L
#include "lxdclient.h"

#include "test.h"

/* The numbers are ABI: they must never change. */
_Static_assert(LXD_RESULT_OK == 0, "stable code");
_Static_assert(LXD_RESULT_INVALID_ARGUMENT == 1, "stable code");
_Static_assert(LXD_RESULT_NOT_FOUND == 2, "stable code");
_Static_assert(LXD_RESULT_CONFLICT == 3, "stable code");
_Static_assert(LXD_RESULT_PRECONDITION_FAILED == 4, "stable code");
_Static_assert(LXD_RESULT_FORBIDDEN == 5, "stable code");
_Static_assert(LXD_RESULT_API == 6, "stable code");
_Static_assert(LXD_RESULT_OPERATION_FAILED == 7, "stable code");
_Static_assert(LXD_RESULT_PROTOCOL == 8, "stable code");
_Static_assert(LXD_RESULT_CONNECTION == 9, "stable code");
_Static_assert(LXD_RESULT_TLS == 10, "stable code");
_Static_assert(LXD_RESULT_TIMEOUT == 11, "stable code");
_Static_assert(LXD_RESULT_CANCELLED == 12, "stable code");
_Static_assert(LXD_RESULT_IO == 13, "stable code");
_Static_assert(LXD_RESULT_PANIC == 14, "stable code");

int main(void) {
    t_begin("header");

    T_SECTION("version");
    CHECK(strcmp(lxd_version(), LXDCLIENT_VERSION) == 0);
    char *v = t_fmt("%d.%d.%d", LXDCLIENT_VERSION_MAJOR, LXDCLIENT_VERSION_MINOR, LXDCLIENT_VERSION_PATCH);
    CHECKF(strcmp(v, LXDCLIENT_VERSION) == 0, "version macros %s vs %s", v, LXDCLIENT_VERSION);
    free(v);
    CHECK(lxd_version() == lxd_version()); /* static string */

    T_SECTION("result names");
    static const char *const names[] = {
        "LXD_RESULT_OK",          "LXD_RESULT_INVALID_ARGUMENT", "LXD_RESULT_NOT_FOUND",  "LXD_RESULT_CONFLICT",
        "LXD_RESULT_PRECONDITION_FAILED", "LXD_RESULT_FORBIDDEN", "LXD_RESULT_API",        "LXD_RESULT_OPERATION_FAILED",
        "LXD_RESULT_PROTOCOL",    "LXD_RESULT_CONNECTION",       "LXD_RESULT_TLS",        "LXD_RESULT_TIMEOUT",
        "LXD_RESULT_CANCELLED",   "LXD_RESULT_IO",               "LXD_RESULT_PANIC",
    };
    for (int32_t code = 0; code <= 14; code++)
        CHECKF(strcmp(lxd_result_name(code), names[code]) == 0, "lxd_result_name(%d) = %s", code, lxd_result_name(code));
    CHECK(strcmp(lxd_result_name(15), "LXD_RESULT_UNKNOWN") == 0);
    CHECK(strcmp(lxd_result_name(-1), "LXD_RESULT_UNKNOWN") == 0);
    CHECK(strcmp(lxd_result_name(INT32_MAX), "LXD_RESULT_UNKNOWN") == 0);
    CHECK(strcmp(lxd_result_name(INT32_MIN), "LXD_RESULT_UNKNOWN") == 0);

    T_SECTION("NULL handles");
    CHECK(lxd_error_code(NULL) == LXD_RESULT_INVALID_ARGUMENT);
    CHECK(lxd_error_http_status(NULL) == 0);
    CHECK(lxd_error_message(NULL) != NULL && lxd_error_message(NULL)[0] == '\0');
    CHECK(lxd_error_operation_metadata(NULL) == NULL);
    CHECK(lxd_operation_id(NULL) != NULL && lxd_operation_id(NULL)[0] == '\0');
    CHECK(lxd_operation_status_code(NULL) == -1);
    lxd_operation_interrupt(NULL);
    lxd_string_free(NULL);
    lxd_error_free(NULL);
    lxd_operation_free(NULL);
    lxd_client_free(NULL);
    lxd_client_builder_free(NULL);
    CHECK(true); /* the frees above returned */

    T_SECTION("an error object from a local failure");
    lxd_client_builder *b = NULL;
    CHECK_INVALID(lxd_client_builder_new_https("ftp://example", &b, ERR));
    CHECK(b == NULL);
    lxd_error *e = NULL;
    CHECK(lxd_client_builder_new_https(NULL, &b, &e) == LXD_RESULT_INVALID_ARGUMENT);
    CHECK(e != NULL && lxd_error_code(e) == LXD_RESULT_INVALID_ARGUMENT);
    CHECK(e != NULL && lxd_error_http_status(e) == 0);
    CHECK(t_has(lxd_error_message(e), "url"));
    CHECK(e != NULL && lxd_error_operation_metadata(e) == NULL);
    lxd_error_free(e);
    /* err_out may be NULL: the code alone comes back. */
    CHECK(lxd_client_builder_new_https(NULL, &b, NULL) == LXD_RESULT_INVALID_ARGUMENT);

    return t_end();
}
