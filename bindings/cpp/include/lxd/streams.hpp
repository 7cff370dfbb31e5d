// lxd/streams.hpp: callbacks, exec sessions, consoles, event listeners, file transfers, tokens.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_STREAMS_HPP
#define LXDCLIENT_LXD_STREAMS_HPP

#include <lxd/core.hpp>

namespace lxd {

// ---------------------------------------------------------------------------------------------
// Callbacks, exec, events, file transfers
// ---------------------------------------------------------------------------------------------

/// Progress of a transfer: `done` bytes out of `total` (0 when unknown). Return false to cancel:
/// the call then throws `lxd::Cancelled`. Runs on the calling thread.
using Progress = std::function<bool(std::uint64_t done, std::uint64_t total)>;

namespace detail {

struct ExecFree { void operator()(lxd_exec* e) const noexcept { lxd_exec_free(e); } };
struct EventListenerFree { void operator()(lxd_event_listener* l) const noexcept { lxd_event_listener_free(l); } };
struct ConsoleFree { void operator()(lxd_console* c) const noexcept { lxd_console_free(c); } };

/// Frees a byte buffer from the library (`lxd_bytes_free`) after it was copied out.
class OwnedBytes {
public:
    OwnedBytes() noexcept = default;
    OwnedBytes(const OwnedBytes&) = delete;
    OwnedBytes& operator=(const OwnedBytes&) = delete;
    ~OwnedBytes() { lxd_bytes_free(p_, n_); }
    std::uint8_t** data_out() noexcept { return &p_; }
    std::size_t* len_out() noexcept { return &n_; }
    std::string str() const { return p_ ? std::string(reinterpret_cast<const char*>(p_), n_) : std::string(); }

private:
    std::uint8_t* p_ = nullptr;
    std::size_t n_ = 0;
};

/// The first exception a callback threw. Exceptions never cross the C boundary: the trampoline
/// stores it and tells the library to stop; the caller rethrows it once the C call returned.
class CallbackError {
public:
    void store(std::exception_ptr e) noexcept {
        std::lock_guard<std::mutex> lock(m_);
        if (!e_) e_ = std::move(e);
    }
    /// Rethrow a stored exception (and forget it), else nothing.
    void rethrow_if_any() {
        std::exception_ptr e;
        {
            std::lock_guard<std::mutex> lock(m_);
            e = std::exchange(e_, nullptr);
        }
        if (e) std::rethrow_exception(e);
    }
    bool any() noexcept {
        std::lock_guard<std::mutex> lock(m_);
        return e_ != nullptr;
    }

private:
    std::mutex m_;
    std::exception_ptr e_;
};

struct ProgressContext {
    const Progress* fn;
    CallbackError error;
};

inline int progress_trampoline(void* user, std::uint64_t done, std::uint64_t total) noexcept {
    auto* ctx = static_cast<ProgressContext*>(user);
    try {
        return (*ctx->fn)(done, total) ? 0 : 1;
    } catch (...) {
        ctx->error.store(std::current_exception());
        return 1; // cancel the transfer
    }
}

/// Run `fn(progress_cb, progress_user, &err)` with `progress` behind a trampoline, then check the
/// result; an exception from the callback wins over the C error it caused.
template <class Fn>
inline void with_progress(const Progress& progress, Fn fn) {
    ProgressContext ctx{&progress, {}};
    lxd_error* err = nullptr;
    const lxd_result rc = progress ? fn(&progress_trampoline, static_cast<void*>(&ctx), &err)
                                   : fn(static_cast<lxd_progress_cb>(nullptr), static_cast<void*>(nullptr), &err);
    if (ctx.error.any()) {
        lxd_error_free(err);
        ctx.error.rethrow_if_any();
    }
    check(rc, err);
}

/// argv as the C ABI wants it (pointers into the strings, which must outlive the call).
inline std::vector<const char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<const char*> out;
    out.reserve(argv.size());
    for (const auto& a : argv) out.push_back(a.c_str());
    return out;
}

} // namespace detail

/// What `Instance::execute` collected (pylxd's `execute` result). The members are not called
/// `stdout`/`stderr`: those are macros in C's <stdio.h>.
struct ExecResult {
    int exit_code = -1;
    std::string stdout_data;
    std::string stderr_data;
};

/// A command in an instance (`lxd_exec`, move-only), from `Instance::exec(argv, options)`.
/// Configure its stdin (a string, a descriptor or a function) and its stdout/stderr (functions or
/// descriptors; default: dropped), then either `run()` it to completion, or `start()` an
/// interactive one (options `{"interactive": true}`) and `write()` / `read()` / `resize()` /
/// `signal()` / `wait()`. `cancel()` may be called from any thread while another is blocked in
/// `run()`, `read()` or `wait()`: those then throw `lxd::Cancelled`. Callbacks run on library
/// threads (stdout and stderr possibly at the same time); an exception thrown in one cancels the
/// command and is rethrown by `run()`.
class ExecSession {
public:
    /// Supplies stdin: fill up to `len` bytes of `buf`, return how many; 0 at the end of input.
    using Reader = std::function<std::size_t(char* buf, std::size_t len)>;
    /// Receives output as it comes.
    using Writer = std::function<void(const char* data, std::size_t len)>;

    /// An empty session / move.
    ExecSession() = default;
    /// An empty session / move.
    ExecSession(ExecSession&&) noexcept = default;
    /// The session assigned over is freed (its command killed) before its callbacks' state goes.
    ExecSession& operator=(ExecSession&& other) noexcept {
        if (this != &other) {
            h_.reset();
            state_ = std::move(other.state_);
            h_ = std::move(other.h_);
        }
        return *this;
    }
    /// Frees the command (killing it if it still runs).
    ~ExecSession() { h_.reset(); }
    /// Prepare `argv` in `instance` (nothing is sent yet). `options` in LXD's names: `environment`,
    /// `cwd`, `user`, `group`, `record-output`, `interactive`, `width`, `height`, plus `timeout_ms`.
    ExecSession(lxd_client* client, const std::string& instance, const std::vector<std::string>& argv,
                const nlohmann::json& options = nullptr)
        : state_(std::make_unique<State>()) {
        const auto args = detail::c_argv(argv);
        const std::string opts = detail::options_text(options);
        lxd_exec* h = nullptr;
        detail::call(lxd_exec_new, client, detail::cstr(instance), args.data(), args.size(), detail::opt_cstr(opts), &h);
        h_.reset(h);
        state_->exec = h;
    }

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_exec* native_handle() const noexcept { return h_.get(); }

    /// stdin: these bytes, then end-of-file.
    ExecSession& set_stdin(std::string data) {
        state_->stdin_data = std::move(data);
        state_->stdin_pos = 0;
        state_->stdin_fn = nullptr;
        detail::call(lxd_exec_set_stdin_cb, h_.get(), &read_trampoline, static_cast<void*>(state_.get()));
        return *this;
    }
    /// stdin from `reader` until it returns 0.
    ExecSession& set_stdin(Reader reader) {
        state_->stdin_fn = std::move(reader);
        detail::call(lxd_exec_set_stdin_cb, h_.get(), &read_trampoline, static_cast<void*>(state_.get()));
        return *this;
    }
    /// stdin from descriptor `fd` until end-of-file (-1: none); it stays yours and open until the run ends.
    ExecSession& set_stdin_fd(int fd) {
        detail::call(lxd_exec_set_stdin_fd, h_.get(), fd);
        return *this;
    }
    /// stdout to `writer`, as it comes (on a library thread).
    ExecSession& on_stdout(Writer writer) {
        state_->out[0] = std::move(writer);
        detail::call(lxd_exec_set_stdout_cb, h_.get(), &write_trampoline<0>, static_cast<void*>(state_.get()));
        return *this;
    }
    /// stderr to `writer`, as it comes (on a library thread).
    ExecSession& on_stderr(Writer writer) {
        state_->out[1] = std::move(writer);
        detail::call(lxd_exec_set_stderr_cb, h_.get(), &write_trampoline<1>, static_cast<void*>(state_.get()));
        return *this;
    }
    /// stdout to descriptor `fd` (-1: dropped); it stays yours.
    ExecSession& set_stdout_fd(int fd) {
        detail::call(lxd_exec_set_stdout_fd, h_.get(), fd);
        return *this;
    }
    /// stderr to descriptor `fd` (-1: dropped); it stays yours.
    ExecSession& set_stderr_fd(int fd) {
        detail::call(lxd_exec_set_stderr_fd, h_.get(), fd);
        return *this;
    }

    /// Run to completion and return the exit code (not 0 is not an error). `Cancelled` after
    /// `cancel()`, `Timeout` past `timeout_ms`, or the exception a callback threw.
    int run() {
        std::int32_t code = -1;
        lxd_error* err = nullptr;
        const lxd_result rc = lxd_exec_run(h_.get(), &code, &err);
        if (state_->error.any()) {
            lxd_error_free(err);
            state_->error.rethrow_if_any();
        }
        detail::check(rc, err);
        return code;
    }
    /// Start an interactive command and return once it runs.
    void start() { detail::call(lxd_exec_start, h_.get()); }
    /// Send keystrokes to the pty ("\x04" is Ctrl-D).
    void write(const std::string& data) const {
        detail::call(lxd_exec_write, h_.get(), reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    }
    /// Up to `max` bytes of the pty's output; "" once it ended. Past `timeout` (negative: none),
    /// `Timeout` and nothing is lost.
    std::string read(std::size_t max = 65536, std::chrono::milliseconds timeout = std::chrono::milliseconds(-1)) const {
        std::string buf(max, '\0');
        std::size_t n = 0;
        detail::call(lxd_exec_read, h_.get(), reinterpret_cast<std::uint8_t*>(&buf[0]), buf.size(),
                     static_cast<std::int64_t>(timeout.count()), &n);
        buf.resize(n);
        return buf;
    }
    /// Resize the pty of an interactive command.
    void resize(std::uint32_t width, std::uint32_t height) const { detail::call(lxd_exec_resize, h_.get(), width, height); }
    /// Send signal `signal` (e.g. 15) to the command.
    void signal(int signal) const { detail::call(lxd_exec_signal, h_.get(), std::int32_t{signal}); }
    /// Wait for the interactive command's exit code (negative timeout: no limit; past it `Timeout`).
    int wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1)) const {
        std::int32_t code = -1;
        detail::call(lxd_exec_wait, h_.get(), static_cast<std::int64_t>(timeout.count()), &code);
        return code;
    }
    /// Kill the command and wake a `run()` / `read()` / `wait()` in another thread. Thread-safe.
    void cancel() const noexcept { lxd_exec_cancel(h_.get()); }
    /// After it ended: `{"exit_code", "failure", "output", "operation"}`.
    nlohmann::json result() const {
        detail::OwnedString s;
        detail::call(lxd_exec_result_json, h_.get(), s.out());
        return detail::parse(s.str());
    }

private:
    // Heap-allocated so the callbacks' `user` pointer survives moves of the session.
    struct State {
        lxd_exec* exec = nullptr;
        std::string stdin_data;
        std::size_t stdin_pos = 0;
        Reader stdin_fn;
        Writer out[2];
        detail::CallbackError error;
    };
    static std::int64_t read_trampoline(void* user, std::uint8_t* buf, std::size_t len) noexcept {
        auto* s = static_cast<State*>(user);
        try {
            if (s->stdin_fn) return static_cast<std::int64_t>(s->stdin_fn(reinterpret_cast<char*>(buf), len));
            const std::size_t n = std::min(len, s->stdin_data.size() - s->stdin_pos);
            std::memcpy(buf, s->stdin_data.data() + s->stdin_pos, n);
            s->stdin_pos += n;
            return static_cast<std::int64_t>(n);
        } catch (...) {
            s->error.store(std::current_exception());
            lxd_exec_cancel(s->exec);
            return -1;
        }
    }
    template <int Stream>
    static std::int64_t write_trampoline(void* user, const std::uint8_t* buf, std::size_t len) noexcept {
        auto* s = static_cast<State*>(user);
        try {
            if (s->out[Stream]) s->out[Stream](reinterpret_cast<const char*>(buf), len);
            return static_cast<std::int64_t>(len);
        } catch (...) {
            s->error.store(std::current_exception());
            lxd_exec_cancel(s->exec);
            return -1;
        }
    }
    // Declared before the handle: the handle (which may still call back) is freed first.
    std::unique_ptr<State> state_;
    std::unique_ptr<lxd_exec, detail::ExecFree> h_;
};

/// An attached instance console (`lxd_console`, move-only), from `Instance::attach_console()`:
/// `read()` what the instance writes to its console, `write()` keystrokes, `resize()`, and
/// `close()` (from any thread; a `read()` blocked in another thread then throws `Cancelled`).
/// Destroying it detaches; the instance keeps running.
class Console {
public:
    /// An empty console / move.
    Console() = default;
    /// Takes ownership of `h`.
    explicit Console(lxd_console* h) noexcept : h_(h) {}
    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed).
    lxd_console* native_handle() const noexcept { return h_.get(); }
    /// Send keystrokes.
    void write(const std::string& data) const {
        detail::call(lxd_console_write, h_.get(), reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    }
    /// Up to `max` bytes of console output; "" once LXD ended the console. Past `timeout`
    /// (negative: none), `Timeout` and nothing is lost.
    std::string read(std::size_t max = 65536, std::chrono::milliseconds timeout = std::chrono::milliseconds(-1)) const {
        std::string buf(max, '\0');
        std::size_t n = 0;
        detail::call(lxd_console_read, h_.get(), reinterpret_cast<std::uint8_t*>(&buf[0]), buf.size(),
                     static_cast<std::int64_t>(timeout.count()), &n);
        buf.resize(n);
        return buf;
    }
    /// Resize the console's terminal (both at least 1).
    void resize(std::uint32_t width, std::uint32_t height) const { detail::call(lxd_console_resize, h_.get(), width, height); }
    /// Detach (LXD ends the console operation) and wake a `read()` in another thread. Thread-safe.
    void close() const noexcept { lxd_console_close(h_.get()); }

private:
    std::unique_ptr<lxd_console, detail::ConsoleFree> h_;
};

/// A subscription to LXD's events (move-only), from `Client::events()`. `next()` from one thread;
/// `close()` from any thread wakes it.
class EventListener {
public:
    /// An empty listener, or one adopting a C handle.
    EventListener() noexcept = default;
    /// An empty listener, or one adopting a C handle.
    explicit EventListener(lxd_event_listener* adopt) noexcept : h_(adopt) {}
    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_event_listener* native_handle() const noexcept { return h_.get(); }

    /// The next event (LXD's event JSON: `type`, `timestamp`, `metadata`, ...). nullopt when
    /// `timeout` passed (negative: wait without limit) or the listener was closed. LXD ending the
    /// stream throws `Error` (Connection).
    std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1)) const {
        detail::OwnedString s;
        lxd_error* err = nullptr;
        const lxd_result rc = lxd_event_listener_next(h_.get(), static_cast<std::int64_t>(timeout.count()), s.out(), &err);
        if (rc == LXD_RESULT_TIMEOUT || rc == LXD_RESULT_CANCELLED) {
            lxd_error_free(err);
            return std::nullopt;
        }
        detail::check(rc, err);
        return detail::parse(s.str());
    }
    /// Stop listening; a `next()` blocked in another thread returns nullopt at once. Thread-safe.
    void close() const noexcept { lxd_event_listener_close(h_.get()); }

private:
    std::unique_ptr<lxd_event_listener, detail::EventListenerFree> h_;
};

/// Owner, permissions and write mode of a pushed file, directory or symlink (0: LXD's default).
struct FileOptions {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint32_t mode = 0;
    bool append = false;
    /// As the C struct.
    lxd_file_options c() const noexcept { return lxd_file_options{uid, gid, mode, append}; }
};

enum class FileType : int { File = LXD_FILE_TYPE_FILE, Directory = LXD_FILE_TYPE_DIRECTORY, Symlink = LXD_FILE_TYPE_SYMLINK };

/// What LXD reports about a path.
struct FileInfo {
    FileType type = FileType::File;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint32_t mode = 0;
    /// Bytes, or -1 when unknown (directories, `stat`).
    std::int64_t size = -1;
    /// From the C struct.
    static FileInfo from(const lxd_file_info& i) noexcept {
        return FileInfo{static_cast<FileType>(i.kind), i.uid, i.gid, i.mode, i.size};
    }
};

/// What a tree transfer did.
struct TreeStats {
    std::uint64_t files = 0, directories = 0, symlinks = 0, skipped = 0, bytes = 0;
    /// From the C struct.
    static TreeStats from(const lxd_tree_stats& s) noexcept { return TreeStats{s.files, s.directories, s.symlinks, s.skipped, s.bytes}; }
};

/// pylxd's `instance.files`: files of one instance (`/1.0/instances/<name>/files`).
class Files {
public:
    /// The files of instance `instance` (borrows `client`).
    Files(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}

    /// Write `data` to `path` (pylxd's `put`).
    void put(const std::string& path, const std::string& data, const FileOptions& options = {}) const {
        const lxd_file_options o = options.c();
        detail::call(lxd_file_push_bytes, client_, detail::cstr(instance_), detail::cstr(path),
                     reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), &o);
    }
    /// Upload the local file `local_path` to `path`, streamed.
    void push(const std::string& local_path, const std::string& path, const FileOptions& options = {},
              const Progress& progress = nullptr) const {
        const lxd_file_options o = options.c();
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_push_path(client_, detail::cstr(instance_), detail::cstr(path), detail::cstr(local_path), &o, cb, user, err);
        });
    }
    /// Upload from descriptor `fd` (from its offset to its end; not closed).
    void push_fd(int fd, const std::string& path, const FileOptions& options = {}, const Progress& progress = nullptr) const {
        const lxd_file_options o = options.c();
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_push_fd(client_, detail::cstr(instance_), detail::cstr(path), fd, &o, cb, user, err);
        });
    }
    /// The content of `path` (pylxd's `get`); more than `max_len` bytes (0: no limit) is `Error` (Io).
    std::string get(const std::string& path, FileInfo* info = nullptr, std::uint64_t max_len = 0) const {
        detail::OwnedBytes b;
        lxd_file_info i{};
        detail::call(lxd_file_pull_bytes, client_, detail::cstr(instance_), detail::cstr(path), max_len, b.data_out(), b.len_out(), &i);
        if (info) *info = FileInfo::from(i);
        return b.str();
    }
    /// Download `path` to `local_path`, atomically (nothing is left behind on failure).
    FileInfo pull(const std::string& path, const std::string& local_path, const Progress& progress = nullptr) const {
        lxd_file_info i{};
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_pull_path(client_, detail::cstr(instance_), detail::cstr(path), detail::cstr(local_path), cb, user, &i, err);
        });
        return FileInfo::from(i);
    }
    /// Download `path` into descriptor `fd` (not closed, not truncated).
    FileInfo pull_fd(const std::string& path, int fd, const Progress& progress = nullptr) const {
        lxd_file_info i{};
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_pull_fd(client_, detail::cstr(instance_), detail::cstr(path), fd, cb, user, &i, err);
        });
        return FileInfo::from(i);
    }
    /// Type, owner and mode of `path` (size -1). Missing: `NotFound`.
    FileInfo stat(const std::string& path) const {
        lxd_file_info i{};
        detail::call(lxd_file_stat, client_, detail::cstr(instance_), detail::cstr(path), &i);
        return FileInfo::from(i);
    }
    /// Entry names of the directory `path`.
    std::vector<std::string> list(const std::string& path) const {
        detail::OwnedString s;
        detail::call(lxd_file_list, client_, detail::cstr(instance_), detail::cstr(path), s.out());
        return detail::names_from(s.str());
    }
    /// pylxd's `mk_dir` (the parent must exist; an existing directory is fine).
    void mkdir(const std::string& path, const FileOptions& options = {}) const {
        const lxd_file_options o = options.c();
        detail::call(lxd_file_mkdir, client_, detail::cstr(instance_), detail::cstr(path), &o);
    }
    /// Create symlink `path` pointing at `target`.
    void symlink(const std::string& path, const std::string& target, const FileOptions& options = {}) const {
        const lxd_file_options o = options.c();
        detail::call(lxd_file_symlink, client_, detail::cstr(instance_), detail::cstr(path), detail::cstr(target), &o);
    }
    /// pylxd's `delete`: a file, symlink or empty directory.
    void remove(const std::string& path) const { detail::call(lxd_file_delete, client_, detail::cstr(instance_), detail::cstr(path)); }
    /// pylxd's `recursive_put`: make `remote_dir` hold the tree `local_dir`.
    TreeStats push_tree(const std::string& local_dir, const std::string& remote_dir, const Progress& progress = nullptr) const {
        lxd_tree_stats s{};
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_push_tree(client_, detail::cstr(instance_), detail::cstr(local_dir), detail::cstr(remote_dir), cb, user, &s, err);
        });
        return TreeStats::from(s);
    }
    /// pylxd's `recursive_get`: download `remote_dir` into the NEW local directory `local_dir`.
    TreeStats pull_tree(const std::string& remote_dir, const std::string& local_dir, const Progress& progress = nullptr) const {
        lxd_tree_stats s{};
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_file_pull_tree(client_, detail::cstr(instance_), detail::cstr(remote_dir), detail::cstr(local_dir), cb, user, &s, err);
        });
        return TreeStats::from(s);
    }

private:
    lxd_client* client_;
    std::string instance_;
};

/// A one-time secret LXD handed out (trust token, cluster join token, image secret), with the
/// pending operation that holds it: `operation.cancel()` revokes it.
struct Token {
    /// The token or secret text.
    std::string secret;
    /// The token's operation (class "token"), pending until the token is used.
    Operation operation;
};

namespace detail {
/// A token from a C function `fn(args..., &secret, &op, &err)`.
template <class Fn, class... Args>
inline Token token(Fn fn, Args... args) {
    OwnedString s;
    lxd_operation* op = nullptr;
    call(fn, args..., s.out(), &op);
    Operation owned(op);
    return Token{s.str(), std::move(owned)};
}
} // namespace detail

} // namespace lxd

#endif // LXDCLIENT_LXD_STREAMS_HPP
