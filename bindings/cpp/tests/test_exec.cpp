// Exec: exit codes, stdout/stderr, options, stdin of a few MB through cat (buffered, string,
// reader callback, descriptors), cancel from another thread, callback exceptions, interactive
// sessions (echo, resize, signal, exit code).
#include "common.hpp"

#include <cstdio>
#include <thread>

using namespace lxdtest;
using namespace std::chrono_literals;

namespace {

/// One running busybox container shared by the exec tests.
class Exec : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        client_ = new lxd::Client(local());
        name_ = new std::string(unique("exec"));
        client_->instances().create(busybox(*name_)).start();
    }
    static void TearDownTestSuite() {
        destroy_instance(client_->native_handle(), *name_);
        delete name_;
        delete client_;
    }
    static lxd::Instance instance() { return client_->instances().get(*name_); }
    static lxd::Client* client_;
    static std::string* name_;
};
lxd::Client* Exec::client_ = nullptr;
std::string* Exec::name_ = nullptr;

std::string pseudo_random(std::size_t n) {
    std::mt19937 rng(12345);
    std::string s(n, '\0');
    for (auto& ch : s) ch = static_cast<char>(rng() & 0xff);
    return s;
}

} // namespace

TEST_F(Exec, ExitCodesStdoutStderr) {
    auto inst = instance();
    auto r = inst.execute({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.stdout_data, "out\n");
    EXPECT_EQ(r.stderr_data, "err\n");
    EXPECT_EQ(inst.execute({"true"}).exit_code, 0);
    EXPECT_EQ(inst.execute({"false"}).exit_code, 1);
    EXPECT_EQ(inst.execute({"no-such-command-here"}).exit_code, 127);

    // LXD's options: environment, cwd, user.
    r = inst.execute({"sh", "-c", "echo $GREETING; pwd; id -u"},
                     {{"environment", {{"GREETING", "hello from c++"}}}, {"cwd", "/tmp"}, {"user", 1000}});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.stdout_data, "hello from c++\n/tmp\n1000\n");

    // An unknown option is refused before anything is sent.
    try {
        inst.execute({"true"}, {{"no-such-option", 1}});
        FAIL() << "unknown option accepted";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::InvalidArgument);
    }
}

TEST_F(Exec, StdinThroughCat) {
    auto inst = instance();
    const std::string data = pseudo_random(3 * 1024 * 1024 + 17);

    // Buffered.
    auto r = inst.execute({"cat"}, nullptr, data);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.stdout_data.size(), data.size());
    EXPECT_TRUE(r.stdout_data == data);

    // A session: stdin from a string, stdout and stderr to callbacks.
    std::string out, err;
    std::mutex m;
    auto s = inst.exec({"sh", "-c", "cat; echo done >&2"});
    s.set_stdin(data)
        .on_stdout([&](const char* p, std::size_t n) { std::lock_guard<std::mutex> l(m); out.append(p, n); })
        .on_stderr([&](const char* p, std::size_t n) { std::lock_guard<std::mutex> l(m); err.append(p, n); });
    EXPECT_EQ(s.run(), 0);
    EXPECT_TRUE(out == data);
    EXPECT_EQ(err, "done\n");
    EXPECT_EQ(s.result().at("exit_code").get<int>(), 0);

    // stdin from a reader function, in odd-sized pieces.
    std::size_t pos = 0, calls = 0;
    out.clear();
    auto s2 = inst.exec({"cat"});
    s2.set_stdin([&](char* buf, std::size_t len) {
          ++calls;
          const std::size_t n = std::min({len, std::size_t{7777}, data.size() - pos});
          std::memcpy(buf, data.data() + pos, n);
          pos += n;
          return n;
      })
        .on_stdout([&](const char* p, std::size_t n) { out.append(p, n); });
    EXPECT_EQ(s2.run(), 0);
    EXPECT_TRUE(out == data);
    EXPECT_GT(calls, data.size() / 7777);

    // Descriptors: stdin from a file, stdout to another (execute_fds and a session).
    std::FILE* in = std::tmpfile();
    std::FILE* sink = std::tmpfile();
    ASSERT_TRUE(in && sink);
    ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), in), data.size());
    std::fflush(in);
    std::rewind(in);
    EXPECT_EQ(inst.execute_fds({"cat"}, fileno(in), fileno(sink), -1), 0);
    std::rewind(in);
    auto s3 = inst.exec({"sh", "-c", "cat; echo tail"});
    s3.set_stdin_fd(fileno(in)).set_stdout_fd(fileno(sink)).set_stderr_fd(-1);
    EXPECT_EQ(s3.run(), 0);
    std::fflush(sink);
    std::rewind(sink);
    std::string back(2 * data.size() + 5, '\0');
    back.resize(std::fread(&back[0], 1, back.size(), sink));
    EXPECT_TRUE(back == data + data + "tail\n");
    std::fclose(in);
    std::fclose(sink);
}

TEST_F(Exec, CancelFromAnotherThread) {
    auto inst = instance();
    auto s = inst.exec({"sleep", "60"});
    std::thread canceller([&] {
        std::this_thread::sleep_for(500ms);
        s.cancel();
    });
    const double took = seconds([&] { EXPECT_THROW(s.run(), lxd::Cancelled); });
    canceller.join();
    EXPECT_LT(took, 10.0);
    EXPECT_GE(took, 0.4);
}

TEST_F(Exec, CallbackExceptionIsRethrownAndStopsTheCommand) {
    auto inst = instance();
    auto s = inst.exec({"yes"}); // endless output: only the cancel ends it
    std::size_t seen = 0;
    s.on_stdout([&](const char*, std::size_t n) {
        seen += n;
        if (seen > 100000) throw std::runtime_error("enough output");
    });
    const double took = seconds([&] {
        try {
            s.run();
            FAIL() << "run() returned";
        } catch (const std::runtime_error& e) {
            EXPECT_STREQ(e.what(), "enough output");
            EXPECT_EQ(dynamic_cast<const lxd::Error*>(&e), nullptr); // the callback's own exception
        }
    });
    EXPECT_LT(took, 10.0);

    auto s2 = inst.exec({"cat"});
    s2.set_stdin([](char*, std::size_t) -> std::size_t { throw std::logic_error("no input today"); });
    EXPECT_THROW(s2.run(), std::logic_error);
}

TEST_F(Exec, InteractiveEchoResizeSignal) {
    auto inst = instance();
    auto s = inst.exec({"sh"}, {{"interactive", true}, {"width", 80}, {"height", 24}});
    s.start();
    s.resize(100, 40);
    s.write("stty size; echo result-$((40+2))\n");
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (seen.find("result-42") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        try {
            seen += s.read(4096, 1000ms);
        } catch (const lxd::Timeout&) {
        }
    }
    EXPECT_NE(seen.find("result-42"), std::string::npos) << seen; // computed by the shell, not echoed
    EXPECT_NE(seen.find("40 100"), std::string::npos) << seen;    // the resized pty
    EXPECT_THROW(s.wait(200ms), lxd::Timeout);                     // still running
    s.write("exit 5\n");
    EXPECT_EQ(s.wait(), 5);
    while (!s.read(4096, 5000ms).empty()) {
    }
    EXPECT_EQ(s.result().at("exit_code").get<int>(), 5);

    // A signal to a running command: 128 + 15.
    auto s2 = inst.exec({"sleep", "60"}, {{"interactive", true}});
    s2.start();
    s2.signal(15);
    EXPECT_EQ(s2.wait(20000ms), 143);

    // Moving a session keeps it working (the callbacks' state is on the heap).
    std::string out;
    lxd::ExecSession moved;
    {
        auto s3 = inst.exec({"sh", "-c", "echo moved"});
        s3.on_stdout([&](const char* p, std::size_t n) { out.append(p, n); });
        moved = std::move(s3);
    }
    EXPECT_EQ(moved.run(), 0);
    EXPECT_EQ(out, "moved\n");
}

// The client's operation deadline: a generous one changes nothing (start, stop and exec, which
// wait without a timeout of their own, work); a short one ends an exec that has no timeout with
// Timeout at the deadline; an exec's own timeout_ms wins.
TEST_F(Exec, OperationDeadline) {
    const auto socket = env("LXD_TEST_SOCKET");
    auto generous = lxd::ClientBuilder::unix_socket(socket).set_operation_deadline(std::chrono::minutes(2)).build();
    auto inst = generous.instances().get(*name_);
    inst.stop(-1, true);
    inst.start();
    auto r = inst.execute({"sh", "-c", "sleep 1; echo done"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.stdout_data, "done\n");

    auto short_client = lxd::ClientBuilder::unix_socket(socket).set_operation_deadline(1500ms).build();
    auto s = short_client.instances().get(*name_);
    const auto t0 = std::chrono::steady_clock::now();
    try {
        s.execute({"sleep", "60"});
        FAIL() << "an exec of sleep 60 ended under a 1.5 s deadline";
    } catch (const lxd::Error& e) {
        EXPECT_EQ(e.code(), lxd::ErrorCode::Timeout) << e.what();
        EXPECT_NE(std::string(e.what()).find("operation deadline"), std::string::npos) << e.what();
    }
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, 1400ms);
    EXPECT_LT(took, 5s);
    EXPECT_EQ(s.execute({"sh", "-c", "sleep 2"}, {{"timeout_ms", 60000}}).exit_code, 0);

    // 0: no deadline.
    auto none = lxd::ClientBuilder::unix_socket(socket).set_operation_deadline(0ms).build();
    EXPECT_EQ(none.instances().get(*name_).execute({"true"}).exit_code, 0);
}
