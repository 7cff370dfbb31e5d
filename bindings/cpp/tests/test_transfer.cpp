// Image transfer (upload unified/split with progress, export to path/descriptor, copy to the
// second daemon, download from a URL / simplestreams server that is not there), publish of
// instances and snapshots, local copy, copy and migration to the second daemon.
#include "common.hpp"

#include <cstdio>
#include <filesystem>

using namespace lxdtest;
namespace fs = std::filesystem;

namespace {

struct FreshImage {
    fs::path dir;
    std::string unified_fp, split_fp;
};

/// A new image with a unique fingerprint, made by the harness (`make-image`).
FreshImage make_image() {
    FreshImage img;
    img.dir = fs::temp_directory_path() / ("cpp-img-" + suffix());
    const std::string cmd = "\"" + env("LXD_TEST_HARNESS") + "\" make-image \"" + env("LXD_TEST_STATEDIR") + "\" \"" +
                            img.dir.string() + "\" cpp" + suffix(4);
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run make-image");
    char kind[32], fp[128];
    while (std::fscanf(p, "%31s %127s", kind, fp) == 2) {
        if (std::string(kind) == "unified") img.unified_fp = fp;
        if (std::string(kind) == "split") img.split_fp = fp;
    }
    if (pclose(p) != 0 || img.unified_fp.size() != 64 || img.split_fp.size() != 64)
        throw std::runtime_error("make-image failed: " + cmd);
    return img;
}

lxd::Client second() { return lxd::Client::local(env("LXD_TEST_SOCKET2")); }

void drop_image(const lxd::Client& c, const std::string& fp) { lxd_image_delete(c.native_handle(), fp.c_str(), nullptr, nullptr); }

} // namespace

TEST(Transfer, ImageUploadExportRoundTrip) {
    auto c = local();
    FreshImage img = make_image();
    Cleanup rm([&] {
        std::error_code ec;
        fs::remove_all(img.dir, ec);
    });
    const std::string unified = (img.dir / "unified.tar.gz").string();
    const std::string meta = (img.dir / "meta.tar.xz").string(), rootfs = (img.dir / "rootfs.tar.gz").string();
    const std::string alias = "cpp-up-" + suffix();

    std::uint64_t last_done = 0, last_total = 0;
    int calls = 0;
    auto up = c.images().upload(unified, {{"aliases", {alias}}, {"properties", {{"cpp.test", "upload"}}}},
                                [&](std::uint64_t done, std::uint64_t total) {
                                    ++calls;
                                    last_done = done;
                                    last_total = total;
                                    return true;
                                });
    Cleanup drop1([&] { drop_image(c, img.unified_fp); });
    EXPECT_EQ(up.fingerprint(), img.unified_fp);
    EXPECT_EQ(last_done, fs::file_size(unified));
    EXPECT_EQ(last_total, fs::file_size(unified));
    EXPECT_GE(calls, 2);
    EXPECT_EQ(c.images().get_by_alias(alias).fingerprint(), img.unified_fp);
    EXPECT_EQ(up.properties().at("cpp.test"), "upload");

    // The same image again is refused by LXD.
    try {
        c.images().upload(unified);
        FAIL() << "second upload accepted";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::OperationFailed) << e.what();
    }

    // Export to a path (atomic, checked) and to a descriptor: the same bytes.
    const std::string exported = (img.dir / "exported.tar.gz").string();
    std::uint64_t exp_done = 0;
    EXPECT_FALSE(up.export_to(exported, "", [&](std::uint64_t done, std::uint64_t) {
        exp_done = done;
        return true;
    }));
    EXPECT_EQ(exp_done, fs::file_size(unified));
    EXPECT_TRUE(read_file(exported) == read_file(unified));
    std::FILE* out = std::tmpfile();
    ASSERT_TRUE(out);
    EXPECT_FALSE(up.export_fd(fileno(out)));
    EXPECT_EQ(std::ftell(out), static_cast<long>(fs::file_size(unified)));
    std::fclose(out);
    // A cancelled export leaves nothing.
    const std::string cancelled = (img.dir / "cancelled.tar.gz").string();
    EXPECT_THROW(up.export_to(cancelled, "", [](std::uint64_t, std::uint64_t) { return false; }), lxd::Cancelled);
    EXPECT_FALSE(fs::exists(cancelled));

    // Split: upload both parts, export them back.
    auto split = c.images().upload_split(meta, rootfs, {{"public", true}});
    Cleanup drop2([&] { drop_image(c, img.split_fp); });
    EXPECT_EQ(split.fingerprint(), img.split_fp);
    EXPECT_TRUE(split.is_public());
    const std::string m2 = (img.dir / "m2").string(), r2 = (img.dir / "r2").string();
    EXPECT_TRUE(split.export_to(m2, r2));
    EXPECT_TRUE(read_file(m2) == read_file(meta));
    EXPECT_TRUE(read_file(r2) == read_file(rootfs));
    EXPECT_THROW(split.export_to((img.dir / "m3").string()), lxd::Error); // a split image needs rootfs_path
}

TEST(Transfer, ImageCopyToSecondDaemonAndRemoteSources) {
    auto a = local();
    auto b = second();
    FreshImage img = make_image();
    Cleanup rm([&] {
        std::error_code ec;
        fs::remove_all(img.dir, ec);
    });
    auto src = a.images().upload((img.dir / "unified.tar.gz").string());
    Cleanup drop_a([&] { drop_image(a, img.unified_fp); });
    EXPECT_FALSE(b.images().exists(img.unified_fp));
    const std::string alias = "cpp-copied-" + suffix();
    auto copy = src.copy_to(b, {{"aliases", {{{"name", alias}}}}});
    Cleanup drop_b([&] { drop_image(b, img.unified_fp); });
    EXPECT_EQ(copy.fingerprint(), img.unified_fp);
    EXPECT_TRUE(b.images().exists(img.unified_fp));
    EXPECT_EQ(b.images().get_by_alias(alias).fingerprint(), img.unified_fp);

    // Nothing serves images on this loopback port: LXD's own download fails, reported as such.
    auto refused_by_lxd = [](const std::function<void()>& fn) {
        try {
            fn();
            ADD_FAILURE() << "no error";
        } catch (const lxd::Error& e) {
            EXPECT_TRUE(e.code() == lxd::ErrorCode::OperationFailed || e.code() == lxd::ErrorCode::Api) << e.code_name() << ": " << e.what();
        }
    };
    refused_by_lxd([&] { a.images().create_from_url("https://127.0.0.1:9/image", {{"public", false}}); });
    refused_by_lxd([&] { a.images().create_from_simplestreams("https://127.0.0.1:9", "busybox", {{"source", {{"image_type", "container"}}}}); });
    auto op = a.images().create_from_url_async("https://127.0.0.1:9/image");
    EXPECT_TRUE(static_cast<bool>(op)); // the operation comes back at once; its wait fails
    refused_by_lxd([&] { op.wait(std::chrono::milliseconds(30000)); });
    refused_by_lxd([&] { a.images().create_from_simplestreams_async("https://127.0.0.1:9", "busybox").wait(std::chrono::milliseconds(30000)); });
}

TEST(Transfer, PublishInstanceAndSnapshot) {
    auto c = local();
    const std::string name = unique("pub");
    Cleanup gone([&] { destroy_instance(c.native_handle(), name); });
    auto inst = c.instances().create(busybox(name));
    inst.files().put("/root/marker", "published by c++");
    auto snap = inst.snapshots().create("s0");

    const std::string alias = "cpp-pub-" + suffix();
    auto img = inst.publish({{"aliases", {{{"name", alias}}}}, {"properties", {{"cpp.pub", name}}}});
    Cleanup drop([&] { drop_image(c, img.fingerprint()); });
    EXPECT_EQ(img.fingerprint().size(), 64u);
    EXPECT_EQ(c.images().get_by_alias(alias).fingerprint(), img.fingerprint());
    EXPECT_EQ(img.properties().at("cpp.pub"), name);

    auto op = snap.publish_async({{"properties", {{"cpp.pub", "snapshot"}}}});
    op.wait();
    const std::string snap_fp = lxd::detail::str_at(op.json().at("metadata"), "fingerprint");
    Cleanup drop2([&] { drop_image(c, snap_fp); });
    EXPECT_EQ(c.images().get(snap_fp).properties().at("cpp.pub"), "snapshot");
    auto img2 = snap.publish();
    Cleanup drop3([&] { drop_image(c, img2.fingerprint()); });
    EXPECT_TRUE(c.images().exists(img2.fingerprint()));

    // The published image runs and carries the file.
    const std::string child = unique("pubchild");
    Cleanup gone2([&] { destroy_instance(c.native_handle(), child); });
    auto ch = c.instances().create({{"name", child}, {"source", {{"type", "image"}, {"fingerprint", img.fingerprint()}}}});
    EXPECT_EQ(ch.files().get("/root/marker"), "published by c++");
}

TEST(Transfer, CopyLocalCopyToAndMigrateToSecondDaemon) {
    auto a = local();
    auto b = second();
    const std::string name = unique("mig");
    Cleanup gone([&] { destroy_instance(a.native_handle(), name); });
    auto inst = a.instances().create(busybox(name));
    inst.files().put("/root/marker", "copied by c++");
    inst.snapshots().create("s0");

    // Local copy with its snapshot; then one without.
    const std::string local_copy = name + "-c";
    Cleanup gone2([&] { destroy_instance(a.native_handle(), local_copy); });
    auto copy = inst.copy_local(local_copy);
    EXPECT_EQ(copy.name(), local_copy);
    EXPECT_EQ(copy.snapshots().names(), std::vector<std::string>{"s0"});
    EXPECT_EQ(copy.files().get("/root/marker"), "copied by c++");
    const std::string bare = name + "-d";
    Cleanup gone3([&] { destroy_instance(a.native_handle(), bare); });
    inst.copy_local_async(bare, {{"instance_only", true}}).wait();
    EXPECT_TRUE(a.instances().get(bare).snapshots().names().empty());
    EXPECT_THROW(inst.copy_local(bare), lxd::Error); // name taken

    // To the second daemon: the source stays.
    Cleanup gone4([&] { destroy_instance(b.native_handle(), name); });
    auto remote = inst.copy_to(b);
    EXPECT_EQ(remote.name(), name);
    EXPECT_EQ(remote.files().get("/root/marker"), "copied by c++");
    EXPECT_EQ(remote.snapshots().names(), std::vector<std::string>{"s0"});
    EXPECT_TRUE(a.instances().exists(name));

    // Migrate the local copy over under a new name: it leaves daemon a.
    const std::string moved = name + "-m";
    Cleanup gone5([&] { destroy_instance(b.native_handle(), moved); });
    auto m = copy.migrate_to(b, moved);
    EXPECT_EQ(m.name(), moved);
    EXPECT_EQ(m.snapshots().names(), std::vector<std::string>{"s0"});
    EXPECT_FALSE(a.instances().exists(local_copy));
    EXPECT_EQ(m.files().get("/root/marker"), "copied by c++");
    m.start();
    EXPECT_EQ(m.status(), "Running");
    EXPECT_EQ(m.execute({"cat", "/root/marker"}).stdout_data, "copied by c++");
}

// Operation::on_progress: the second daemon pulls a 96 MiB image from the first; LXD reports
// `download_progress`, which the handler sees rise, then the final state. A throwing handler
// stops the wait and wait() rethrows its exception; the operation goes on and a later wait
// (handler removed) finishes it.
TEST(Transfer, OperationProgress) {
    auto a = local();
    auto b = second();
    const fs::path dir = fs::temp_directory_path() / ("cpp-progress-" + suffix());
    Cleanup rm([&] {
        std::error_code ec;
        fs::remove_all(dir, ec);
    });
    const std::string make = "set -e; mkdir -p '" + dir.string() + "/img/rootfs'; cd '" + dir.string() + "/img'; "
                             "printf 'architecture: %s\\ncreation_date: %s\\n' \"$(uname -m)\" \"$(date +%s)\" > metadata.yaml; "
                             "head -c 96M /dev/urandom > rootfs/blob; tar -cf ../img.tar metadata.yaml rootfs";
    ASSERT_EQ(std::system(make.c_str()), 0);
    const std::string fp = a.images().upload((dir / "img.tar").string()).fingerprint();
    Cleanup drop([&] {
        drop_image(a, fp);
        drop_image(b, fp);
    });
    auto pull = [&] {
        lxd::Token t = a.images().get(fp).secret();
        return b.images().create_async({{"source",
                                         {{"type", "image"}, {"mode", "pull"}, {"server", env("LXD_TEST_HTTPS_URL")}, {"protocol", "lxd"},
                                          {"certificate", read_file(env("LXD_TEST_SERVER_CERT"))}, {"secret", t.secret}, {"fingerprint", fp}}}});
    };

    std::vector<lxd::OperationProgress> seen;
    lxd::Operation op = pull();
    ASSERT_TRUE(op);
    op.on_progress([&](const lxd::OperationProgress& p) { seen.push_back(p); });
    op.wait(std::chrono::minutes(2));
    ASSERT_GE(seen.size(), 4u);
    int prev = -1, with_percent = 0;
    for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
        EXPECT_EQ(seen[i].operation_id, op.id());
        EXPECT_EQ(seen[i].status_code, 103);
        EXPECT_EQ(seen[i].stage, "download");
        EXPECT_GE(seen[i].percent, prev);
        prev = seen[i].percent;
        if (seen[i].percent >= 0) ++with_percent;
    }
    EXPECT_GE(with_percent, 3);
    EXPECT_EQ(seen.back().status_code, 200);
    EXPECT_EQ(seen.back().percent, 100);
    EXPECT_NE(seen.back().text.find('%'), std::string::npos);
    drop_image(b, fp);

    // A handler that throws: wait() rethrows it; without the handler a later wait finishes.
    lxd::Operation op2 = pull();
    ASSERT_TRUE(op2);
    int calls = 0;
    op2.on_progress([&](const lxd::OperationProgress&) {
        ++calls;
        throw std::runtime_error("enough");
    });
    try {
        op2.wait(std::chrono::minutes(2));
        ADD_FAILURE() << "wait() did not rethrow the handler's exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "enough");
    }
    EXPECT_EQ(calls, 1);
    op2.on_progress(nullptr);
    op2.wait(std::chrono::minutes(2));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(op2.status_code(), 200);
    drop_image(b, fp);

    // A client-wide handler (builder): Image::copy_to waits inside and reports there.
    std::vector<lxd::OperationProgress> wide;
    lxd::Client hooked = lxd::ClientBuilder::unix_socket(env("LXD_TEST_SOCKET2"))
                             .set_progress_handler([&](const lxd::OperationProgress& p) { wide.push_back(p); })
                             .build();
    a.images().get(fp).copy_to(hooked);
    ASSERT_GE(wide.size(), 4u);
    EXPECT_EQ(wide.front().stage, "download");
    EXPECT_EQ(wide.back().status_code, 200);
    EXPECT_EQ(wide.back().percent, 100);
}
