// Files of an instance (pylxd's instance.files): put/get with options, stat, list, mkdir,
// symlink, remove; streamed push/pull with progress values, cancel (nothing left behind) and a
// throwing progress callback; descriptors; tree push/pull.
#include "common.hpp"

#include <cstdio>
#include <filesystem>

using namespace lxdtest;
namespace fs = std::filesystem;

namespace {

class Files : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        client_ = new lxd::Client(local());
        name_ = new std::string(unique("files"));
        client_->instances().create(busybox(*name_)).start();
    }
    static void TearDownTestSuite() {
        destroy_instance(client_->native_handle(), *name_);
        delete name_;
        delete client_;
    }
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("cpp-files-" + suffix());
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    static lxd::Files files() { return client_->instances().get(*name_).files(); }
    static void write_local(const fs::path& p, const std::string& data) {
        std::ofstream(p, std::ios::binary) << data;
    }
    static lxd::Client* client_;
    static std::string* name_;
    fs::path dir_;
};
lxd::Client* Files::client_ = nullptr;
std::string* Files::name_ = nullptr;

/// Records progress calls and checks that `done` never goes back and `total` never changes.
struct Recorder {
    int calls = 0;
    std::uint64_t first_done = ~0ull, last_done = 0, last_total = ~0ull;
    bool monotonic = true;
    lxd::Progress fn() {
        return [this](std::uint64_t done, std::uint64_t total) {
            if (calls == 0) first_done = done;
            else if (done < last_done || total != last_total) monotonic = false;
            ++calls;
            last_done = done;
            last_total = total;
            return true;
        };
    }
};

} // namespace

TEST_F(Files, PutGetStatListMkdirSymlinkRemove) {
    auto f = files();
    f.put("/tmp/hello.txt", "hello\n", {1000, 1000, 0640, false});
    lxd::FileInfo info;
    EXPECT_EQ(f.get("/tmp/hello.txt", &info), "hello\n");
    EXPECT_EQ(info.type, lxd::FileType::File);
    EXPECT_EQ(info.uid, 1000u);
    EXPECT_EQ(info.gid, 1000u);
    EXPECT_EQ(info.mode, 0640u);
    EXPECT_EQ(info.size, 6);
    f.put("/tmp/hello.txt", "again\n", {0, 0, 0, true});
    EXPECT_EQ(f.get("/tmp/hello.txt"), "hello\nagain\n");
    EXPECT_THROW(f.get("/tmp/hello.txt", nullptr, 4), lxd::Error); // larger than max_len

    f.mkdir("/tmp/d", {0, 0, 0750, false});
    f.mkdir("/tmp/d"); // existing is fine
    auto st = f.stat("/tmp/d");
    EXPECT_EQ(st.type, lxd::FileType::Directory);
    EXPECT_EQ(st.mode, 0750u);
    EXPECT_EQ(st.size, -1);
    f.put("/tmp/d/a", "A");
    f.symlink("/tmp/d/link", "a");
    EXPECT_EQ(f.stat("/tmp/d/link").type, lxd::FileType::Symlink);
    auto names = f.list("/tmp/d");
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a", "link"}));

    f.remove("/tmp/d/link");
    f.remove("/tmp/d/a");
    f.remove("/tmp/d");
    EXPECT_THROW(f.stat("/tmp/d"), lxd::NotFound);
    EXPECT_THROW(f.get("/tmp/no-such-file"), lxd::NotFound);
    EXPECT_THROW(f.remove("/tmp/no-such-file"), lxd::NotFound);
}

TEST_F(Files, StreamedRoundTripWithProgressAndCancel) {
    auto f = files();
    std::string data(5 * 1024 * 1024 + 3, '\0');
    std::mt19937 rng(7);
    for (auto& ch : data) ch = static_cast<char>(rng() & 0xff);
    const fs::path src = dir_ / "src.bin", back = dir_ / "back.bin";
    write_local(src, data);

    Recorder up;
    f.push(src.string(), "/tmp/big.bin", {0, 0, 0600, false}, up.fn());
    EXPECT_GE(up.calls, 3);
    EXPECT_EQ(up.first_done, 0u);
    EXPECT_EQ(up.last_done, data.size());
    EXPECT_EQ(up.last_total, data.size());
    EXPECT_TRUE(up.monotonic);

    Recorder down;
    auto info = f.pull("/tmp/big.bin", back.string(), down.fn());
    EXPECT_EQ(info.size, static_cast<std::int64_t>(data.size()));
    EXPECT_EQ(info.mode, 0600u);
    EXPECT_GE(down.calls, 3);
    EXPECT_EQ(down.last_done, data.size());
    EXPECT_EQ(down.last_total, data.size());
    EXPECT_TRUE(down.monotonic);
    EXPECT_TRUE(read_file(back.string()) == data);
    EXPECT_EQ(fs::status(back).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

    // Cancel a pull half way: Cancelled, and nothing is left behind.
    const fs::path cancelled = dir_ / "cancelled.bin";
    std::uint64_t stopped_at = 0;
    EXPECT_THROW(f.pull("/tmp/big.bin", cancelled.string(),
                        [&](std::uint64_t done, std::uint64_t) {
                            stopped_at = done;
                            return done < data.size() / 2;
                        }),
                 lxd::Cancelled);
    EXPECT_GE(stopped_at, data.size() / 2);
    EXPECT_LT(stopped_at, data.size());
    EXPECT_FALSE(fs::exists(cancelled));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2); // src, back only

    // Cancel a push at once.
    EXPECT_THROW(f.push(src.string(), "/tmp/big2.bin", {}, [](std::uint64_t, std::uint64_t) { return false; }), lxd::Cancelled);

    // An exception from the progress callback comes back as itself.
    struct Stop : std::exception {};
    EXPECT_THROW(f.pull("/tmp/big.bin", cancelled.string(), [](std::uint64_t done, std::uint64_t) -> bool {
        if (done > 0) throw Stop();
        return true;
    }),
                 Stop);
    EXPECT_FALSE(fs::exists(cancelled));

    // Descriptors: push from a file's offset, pull into a file.
    std::FILE* in = std::tmpfile();
    std::FILE* out = std::tmpfile();
    ASSERT_TRUE(in && out);
    std::fputs("skip-this|keep this part", in);
    std::fflush(in);
    std::fseek(in, 10, SEEK_SET);
    Recorder fdp;
    f.push_fd(fileno(in), "/tmp/fd.txt", {}, fdp.fn());
    EXPECT_EQ(fdp.last_done, 14u);
    EXPECT_EQ(fdp.last_total, 14u);
    auto fi = f.pull_fd("/tmp/fd.txt", fileno(out));
    EXPECT_EQ(fi.size, 14);
    std::rewind(out);
    char buf[64] = {};
    EXPECT_EQ(std::fread(buf, 1, sizeof buf, out), 14u);
    EXPECT_STREQ(buf, "keep this part");
    std::fclose(in);
    std::fclose(out);
    f.remove("/tmp/big.bin");
    f.remove("/tmp/fd.txt");
}

TEST_F(Files, TreePushPull) {
    auto f = files();
    const fs::path tree = dir_ / "tree";
    fs::create_directories(tree / "sub" / "deeper");
    write_local(tree / "one.txt", "one");
    write_local(tree / "sub" / "two.txt", "two two");
    write_local(tree / "sub" / "deeper" / "three.txt", std::string(100000, 'x'));
    fs::create_symlink("one.txt", tree / "link");
    fs::permissions(tree / "sub" / "two.txt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec);

    const std::string remote = "/tmp/tree-" + suffix();
    Recorder up;
    auto s = f.push_tree(tree.string(), remote, up.fn());
    EXPECT_EQ(s.files, 3u);
    EXPECT_EQ(s.directories, 3u);
    EXPECT_EQ(s.symlinks, 1u);
    EXPECT_EQ(s.bytes, 3u + 7u + 100000u);
    EXPECT_EQ(up.last_done, s.bytes);
    EXPECT_EQ(f.get(remote + "/sub/two.txt"), "two two");
    EXPECT_EQ(f.stat(remote + "/sub/two.txt").mode, 0700u);
    EXPECT_EQ(f.stat(remote + "/link").type, lxd::FileType::Symlink);

    const fs::path back = dir_ / "back";
    Recorder down;
    auto s2 = f.pull_tree(remote, back.string(), down.fn());
    EXPECT_EQ(s2.files, 3u);
    EXPECT_EQ(s2.symlinks, 1u);
    EXPECT_EQ(s2.skipped, 0u);
    EXPECT_EQ(down.last_done, s.bytes);
    EXPECT_EQ(read_file((back / "sub" / "deeper" / "three.txt").string()), std::string(100000, 'x'));
    EXPECT_TRUE(fs::is_symlink(back / "link"));
    // A symlink comes back as one, pointing where LXD says the remote one points (LXD 5.0.2
    // reports link targets resolved to absolute paths).
    const std::string target = f.get(remote + "/link");
    EXPECT_EQ(fs::read_symlink(back / "link").string(), target);
    EXPECT_EQ(fs::path(target).filename(), "one.txt");
    EXPECT_THROW(f.pull_tree(remote, back.string()), lxd::Error); // the local directory must be new
    client_->instances().get(*name_).execute({"rm", "-rf", remote});
}
