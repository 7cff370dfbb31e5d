/*
 * Networks: state of the loopback interface; a managed bridge (no addresses, so no DHCP or NAT:
 * needs only iptables and dnsmasq-base on the host) created, read, updated and patched with
 * ETags, renamed and deleted. Bridge names are host interface names: unique, at most 15
 * characters.
 */
#include "test.h"

int main(void) {
    t_begin("networks");
    lxd_client *c = t_unix_client();
    char n[16], m[16];
    t_unique(n, sizeof n, "ctbr");
    t_unique(m, sizeof m, "ctbs");
    char *json = NULL, *etag = NULL, *etag2 = NULL;
    char *nname = t_fmt("\"name\":\"%s\"", n), *nquoted = t_fmt("\"%s\"", n);

    T_SECTION("loopback state");
    if (CHECK_OK(lxd_network_state(c, "lo", &json, ERR))) {
        CHECK_HAS(json, "\"type\":\"loopback\"");
        CHECK_HAS(json, "\"state\":\"up\"");
        CHECK_HAS(json, "\"address\":\"127.0.0.1\"");
        CHECK(t_json_int(json, "mtu", 0) > 0);
        CHECK_HAS(json, "\"counters\":{");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_network_state(c, "ctnonexist0", &json, ERR), LXD_RESULT_NOT_FOUND, 404);

    T_SECTION("create a bridge, get, list, state");
    char *create = t_fmt("{\"name\":\"%s\",\"type\":\"bridge\",\"description\":\"made by C\","
                         "\"config\":{\"ipv4.address\":\"none\",\"ipv6.address\":\"none\"}}",
                         n);
    if (!CHECK_OK(lxd_network_create(c, create, ERR))) {
        free(create);
        free(nname);
        free(nquoted);
        lxd_client_free(c);
        return t_end();
    }
    /* LXD 5.0.2 answers a duplicate with 400, Incus 6.0 with 409. */
    if (t_is_incus())
        CHECK_ERR_MSG(lxd_network_create(c, create, ERR), LXD_RESULT_CONFLICT, 409, "already exists");
    else
        CHECK_ERR_MSG(lxd_network_create(c, create, ERR), LXD_RESULT_API, 400, "already exists");
    bool exists = false;
    CHECK_OK(lxd_network_exists(c, n, &exists, ERR));
    CHECK(exists);
    if (CHECK_OK(lxd_network_get(c, n, &json, &etag, ERR))) {
        CHECK_HAS(json, nname);
        CHECK_HAS(json, "\"managed\":true");
        CHECK_HAS(json, "\"type\":\"bridge\"");
        CHECK_HAS(json, "\"status\":\"Created\"");
        CHECK_HAS(json, "\"description\":\"made by C\"");
        CHECK_HAS(json, "\"ipv4.address\":\"none\"");
        CHECK(etag != NULL);
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_list(c, 0, &json, ERR))) {
        CHECK_HAS(json, nquoted);
        CHECK_LACKS(json, "/1.0/networks/");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_list(c, 1, &json, ERR)))
        CHECK_HAS(json, nname);
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_state(c, n, &json, ERR))) {
        CHECK_HAS(json, "\"type\":\"broadcast\"");
        CHECK_HAS(json, "\"bridge\":{");
        CHECK_HAS(json, "\"hwaddr\":\"");
    }
    lxd_string_free(json);
    json = NULL;
    /* LXD validates the content. */
    char *bad = t_fmt("{\"name\":\"%sx\",\"type\":\"bridge\",\"config\":{\"ipv4.address\":\"not-an-address\"}}", m);
    CHECK_ERR_MSG(lxd_network_create(c, bad, ERR), LXD_RESULT_API, 500, "ipv4.address"); /* 5.0.2: 500 */
    free(bad);

    T_SECTION("update (PUT) and patch with ETags");
    CHECK_OK(lxd_network_update(c, n,
                                "{\"description\":\"put\",\"config\":{\"ipv4.address\":\"none\",\"ipv6.address\":\"none\","
                                "\"bridge.mtu\":\"1400\"}}",
                                etag, ERR));
    if (CHECK_OK(lxd_network_get(c, n, &json, &etag2, ERR))) {
        CHECK_HAS(json, "\"description\":\"put\"");
        CHECK_HAS(json, "\"bridge.mtu\":\"1400\"");
    }
    lxd_string_free(json);
    json = NULL;
    CHECK(etag2 && strcmp(etag, etag2) != 0);
    if (CHECK_OK(lxd_network_state(c, n, &json, ERR)))
        CHECK(t_json_int(json, "mtu", 0) == 1400); /* applied to the interface */
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_network_update(c, n, "{\"config\":{}}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_ERR(lxd_network_patch(c, n, "{\"description\":\"stale\"}", etag, ERR), LXD_RESULT_PRECONDITION_FAILED, 412);
    CHECK_OK(lxd_network_patch(c, n, "{\"description\":\"patched\"}", etag2, ERR));
    if (CHECK_OK(lxd_network_get(c, n, &json, NULL, ERR))) {
        CHECK_HAS(json, "\"description\":\"patched\"");
        CHECK_HAS(json, "\"bridge.mtu\":\"1400\""); /* PATCH merges */
    }
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_network_patch(c, n, "{\"config\":{\"bridge.mtu\":\"huge\"}}", NULL, ERR), LXD_RESULT_API, 400);
    CHECK_ERR(lxd_network_update(c, "ctnonexist0", "{}", NULL, ERR), LXD_RESULT_NOT_FOUND, 404);

    T_SECTION("rename, delete");
    CHECK_OK(lxd_network_rename(c, n, m, ERR));
    CHECK_ERR(lxd_network_get(c, n, &json, NULL, ERR), LXD_RESULT_NOT_FOUND, 404);
    char *mname = t_fmt("\"name\":\"%s\"", m);
    if (CHECK_OK(lxd_network_get(c, m, &json, NULL, ERR))) {
        CHECK_HAS(json, mname);
        CHECK_HAS(json, "\"description\":\"patched\"");
    }
    lxd_string_free(json);
    json = NULL;
    if (CHECK_OK(lxd_network_state(c, m, &json, ERR)))
        CHECK(t_json_int(json, "mtu", 0) == 1400); /* the interface was renamed too */
    lxd_string_free(json);
    json = NULL;
    CHECK_ERR(lxd_network_rename(c, "ctnonexist0", "ctnonexist1", ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_OK(lxd_network_delete(c, m, ERR));
    CHECK_OK(lxd_network_exists(c, m, &exists, ERR));
    CHECK(!exists);
    CHECK_ERR(lxd_network_delete(c, m, ERR), LXD_RESULT_NOT_FOUND, 404);
    CHECK_ERR(lxd_network_state(c, m, &json, ERR), LXD_RESULT_NOT_FOUND, 404);
    if (CHECK_OK(lxd_network_list(c, 0, &json, ERR)))
        CHECK_LACKS(json, nquoted);
    lxd_string_free(json);

    /* Cleanup on failure paths. */
    lxd_network_delete(c, n, NULL);
    lxd_network_delete(c, m, NULL);
    free(mname);
    free(create);
    free(nname);
    free(nquoted);
    lxd_string_free(etag);
    lxd_string_free(etag2);
    lxd_client_free(c);
    return t_end();
}
