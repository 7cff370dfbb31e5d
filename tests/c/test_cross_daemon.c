/*
 * Cross-daemon transfers through the C ABI: one LXD 5.0 daemon (LXD_TEST_SOCKET) and one Incus
 * 6.0 daemon (LXD_TEST_SOCKET2), as `tests/harness/with-lxd.sh --mixed` starts them (`make
 * test-cross`). In both directions: copy an image (pull mode, lxd_image_copy_to; the fingerprint
 * matches), copy a stopped instance (pull mode, lxd_instance_copy_to; the copy exists, keeps its
 * files, starts and execs) and move a stopped instance (lxd_instance_migrate_to).
 *
 * What LXD 5.0.2 refuses from Incus 6.0: Incus sets `volatile.uuid.generation` on every instance
 * and snapshot, a key LXD 5.0.2 does not know ("Unknown configuration key:
 * volatile.uuid.generation"). A move keeps the instance's `volatile.*` state, so LXD refuses the
 * instance record at once (HTTP 500); a copy drops the instance's volatile keys, but the snapshots'
 * configs travel inside the migration stream from Incus, so a copy with snapshots fails in the
 * operation; an instance-only copy works. `lxc copy` / `lxc move` get the same errors, in pull
 * and relay mode alike. The refused instance stays on Incus, nothing is left on LXD.
 */
#include "test.h"

typedef struct {
    lxd_client *c;
    const char *name; /* "LXD" or "Incus" */
} side;

static bool instance_exists(lxd_client *c, const char *name) {
    bool there = false;
    CHECK_OK(lxd_instance_exists(c, name, &there, ERR));
    return there;
}

static bool put_marker(lxd_client *c, const char *inst, const char *text) {
    return CHECK_OK(lxd_file_push_bytes(c, inst, "/root/marker", (const uint8_t *)text, strlen(text), NULL, ERR));
}

static bool marker_is(lxd_client *c, const char *inst, const char *want) {
    uint8_t *data = NULL;
    size_t len = 0;
    bool ok = CHECK_OK(lxd_file_pull_bytes(c, inst, "/root/marker", 0, &data, &len, NULL, ERR)) &&
              CHECKF(len == strlen(want) && memcmp(data, want, len) == 0, "%s:/root/marker is %s (got %.*s)", inst, want, (int)len,
                     data ? (const char *)data : "");
    lxd_bytes_free(data, len);
    return ok;
}

/* The instance starts and `cat /root/marker` in it prints `want`. */
static void starts_and_execs(lxd_client *c, const char *inst, const char *want) {
    if (!CHECK_OK(lxd_instance_start(c, inst, NULL, ERR)))
        return;
    const char *argv[] = {"cat", "/root/marker"};
    int32_t code = -1;
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (CHECK_OK(lxd_instance_exec(c, inst, argv, 2, NULL, NULL, 0, &code, &out, &out_len, NULL, NULL, ERR)))
        CHECKF(code == 0 && out_len == strlen(want) && memcmp(out, want, out_len) == 0, "exec in %s: exit %d, output %.*s", inst,
               (int)code, (int)out_len, out ? (const char *)out : "");
    lxd_bytes_free(out, out_len);
    CHECK_OK(lxd_instance_stop(c, inst, 0, true, NULL, ERR));
}

static void test_flavours(side lx, side in) {
    T_SECTION("the two daemons are LXD and Incus");
    lxd_server_flavour f = LXD_SERVER_FLAVOUR_INCUS;
    if (CHECK_OK(lxd_client_server_flavour(lx.c, &f, ERR)))
        CHECK(f == LXD_SERVER_FLAVOUR_LXD);
    f = LXD_SERVER_FLAVOUR_LXD;
    if (CHECK_OK(lxd_client_server_flavour(in.c, &f, ERR)))
        CHECK(f == LXD_SERVER_FLAVOUR_INCUS);
}

/* An image only `from` has (an instance published), copied to `to`: same fingerprint there. */
static void test_image_copy(side from, side to) {
    char *title = t_fmt("image copy %s -> %s (pull)", from.name, to.name);
    T_SECTION(title);
    free(title);
    char inst[64], alias[64];
    t_unique(inst, sizeof inst, "xd-img");
    t_unique(alias, sizeof alias, "xd-alias");
    char *fp = NULL, *fp2 = NULL;
    if (t_instance_create(from.c, inst, false) &&
        put_marker(from.c, inst, from.name) && CHECK_OK(lxd_instance_publish(from.c, inst, NULL, NULL, &fp, ERR))) {
        char *opts = t_fmt("{\"aliases\":[{\"name\":\"%s\"}]}", alias);
        if (CHECK_OK(lxd_image_copy_to(from.c, fp, to.c, opts, &fp2, ERR))) {
            CHECKF(fp2 && strcmp(fp, fp2) == 0, "fingerprint on %s: %s (source %s)", to.name, fp2 ? fp2 : "(null)", fp);
            char *json = NULL;
            if (CHECK_OK(lxd_image_get(to.c, fp, &json, NULL, ERR))) {
                char *got = t_json_str(json, "fingerprint");
                CHECKF(got && strcmp(got, fp) == 0, "image on %s has fingerprint %s", to.name, got ? got : "(none)");
                free(got);
                CHECK_HAS(json, alias);
            }
            lxd_string_free(json);
            CHECK_OK(lxd_image_delete(to.c, fp, NULL, ERR));
        }
        free(opts);
        CHECK_OK(lxd_image_delete(from.c, fp, NULL, ERR));
    }
    lxd_string_free(fp);
    lxd_string_free(fp2);
    t_instance_cleanup(from.c, inst);
}

/* A stopped instance with a file and a snapshot, copied to the other daemon: it is there with
 * the snapshot and the file, starts and execs; the source stays. */
static void test_instance_copy(side from, side to) {
    char *title = t_fmt("instance copy %s -> %s (pull, stopped, with a snapshot)", from.name, to.name);
    T_SECTION(title);
    free(title);
    char inst[64], copy[64];
    t_unique(inst, sizeof inst, "xd-src");
    t_unique(copy, sizeof copy, "xd-copy");
    if (t_instance_create(from.c, inst, false) && put_marker(from.c, inst, from.name) &&
        CHECK_OK(lxd_snapshot_create(from.c, inst, "snap0", false, NULL, ERR))) {
        if (CHECK_OK(lxd_instance_copy_to(from.c, inst, to.c, copy, NULL, ERR))) {
            CHECK(instance_exists(to.c, copy));
            CHECK(instance_exists(from.c, inst));
            char *json = NULL;
            if (CHECK_OK(lxd_snapshot_list(to.c, copy, 0, &json, ERR)))
                CHECK(t_json_array_len(json) == 1);
            lxd_string_free(json);
            marker_is(to.c, copy, from.name);
            starts_and_execs(to.c, copy, from.name);
        }
    }
    t_instance_cleanup(to.c, copy);
    t_instance_cleanup(from.c, inst);
}

/* Incus -> LXD: an instance with a snapshot is refused by LXD (the snapshot's config, sent by
 * Incus in the migration stream, holds volatile.uuid.generation, which LXD 5.0.2 does not know);
 * nothing is left on LXD, the source stays. Without its snapshots (instance_only) it copies, starts
 * and execs. */
static void test_instance_copy_incus_to_lxd(side lx, side in) {
    T_SECTION("instance copy Incus -> LXD (pull, stopped): with a snapshot refused, instance-only works");
    char inst[64], copy[64];
    t_unique(inst, sizeof inst, "xd-src");
    t_unique(copy, sizeof copy, "xd-copy");
    if (t_instance_create(in.c, inst, false) && put_marker(in.c, inst, in.name) &&
        CHECK_OK(lxd_snapshot_create(in.c, inst, "snap0", false, NULL, ERR))) {
        CHECK_ERR_MSG(lxd_instance_copy_to(in.c, inst, lx.c, copy, NULL, ERR), LXD_RESULT_OPERATION_FAILED, -1,
                      "/snap0\": Unknown configuration key: volatile.uuid.generation");
        CHECK(!instance_exists(lx.c, copy));
        CHECK(instance_exists(in.c, inst));
        if (CHECK_OK(lxd_instance_copy_to(in.c, inst, lx.c, copy, "{\"instance_only\":true}", ERR))) {
            CHECK(instance_exists(lx.c, copy));
            char *json = NULL;
            if (CHECK_OK(lxd_snapshot_list(lx.c, copy, 0, &json, ERR)))
                CHECK(t_json_array_len(json) == 0);
            lxd_string_free(json);
            marker_is(lx.c, copy, in.name);
            starts_and_execs(lx.c, copy, in.name);
        }
    }
    t_instance_cleanup(lx.c, copy);
    t_instance_cleanup(in.c, inst);
}

/* Move a stopped instance from LXD to Incus: it is on Incus, gone from LXD, starts and execs. */
static void test_migrate_lxd_to_incus(side lx, side in) {
    T_SECTION("instance move LXD -> Incus (pull, stopped)");
    char inst[64];
    t_unique(inst, sizeof inst, "xd-mv");
    if (t_instance_create(lx.c, inst, false) && put_marker(lx.c, inst, "moved")) {
        if (CHECK_OK(lxd_instance_migrate_to(lx.c, inst, in.c, NULL, NULL, ERR))) {
            CHECK(!instance_exists(lx.c, inst));
            CHECK(instance_exists(in.c, inst));
            marker_is(in.c, inst, "moved");
            starts_and_execs(in.c, inst, "moved");
        }
    }
    t_instance_cleanup(in.c, inst);
    t_instance_cleanup(lx.c, inst);
}

/* Move a stopped instance from Incus to LXD: LXD refuses Incus's volatile.uuid.generation key;
 * the instance stays on Incus and nothing is left on LXD. A copy (fresh volatile state) works. */
static void test_migrate_incus_to_lxd(side lx, side in) {
    T_SECTION("instance move Incus -> LXD (pull, stopped): refused by LXD");
    char inst[64];
    t_unique(inst, sizeof inst, "xd-mv");
    if (t_instance_create(in.c, inst, false) && put_marker(in.c, inst, "stays")) {
        char *json = NULL;
        if (CHECK_OK(lxd_instance_get(in.c, inst, &json, NULL, ERR)))
            CHECK_HAS(json, "\"volatile.uuid.generation\"");
        lxd_string_free(json);
        CHECK_ERR_MSG(lxd_instance_migrate_to(in.c, inst, lx.c, NULL, NULL, ERR), LXD_RESULT_API, 500,
                      "Failed creating instance record: Unknown configuration key: volatile.uuid.generation");
        CHECK(instance_exists(in.c, inst));
        CHECK(!instance_exists(lx.c, inst));
        marker_is(in.c, inst, "stays");
        /* The source's migration operation was cancelled: the instance can still be copied. */
        if (CHECK_OK(lxd_instance_copy_to(in.c, inst, lx.c, NULL, NULL, ERR))) {
            marker_is(lx.c, inst, "stays");
            starts_and_execs(lx.c, inst, "stays");
        }
    }
    t_instance_cleanup(lx.c, inst);
    t_instance_cleanup(in.c, inst);
}

int main(void) {
    t_begin("cross_daemon");
    const char *kind2 = getenv("LXD_TEST_DAEMON2");
    if (!CHECKF(!t_is_incus() && kind2 && strcmp(kind2, "incus") == 0,
                "needs LXD as daemon a and Incus as daemon b (tests/harness/with-lxd.sh --mixed)"))
        return t_end();
    side lx = {t_unix_client(), "LXD"}, in = {t_unix_client2(), "Incus"};
    test_flavours(lx, in);
    test_image_copy(lx, in);
    test_image_copy(in, lx);
    test_instance_copy(lx, in);
    test_instance_copy_incus_to_lxd(lx, in);
    test_migrate_lxd_to_incus(lx, in);
    test_migrate_incus_to_lxd(lx, in);
    lxd_client_free(lx.c);
    lxd_client_free(in.c);
    return t_end();
}
