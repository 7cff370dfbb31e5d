// lxdclient.hpp: header-only C++17 binding over liblxdclient's C ABI (lxdclient.h).
//
// * Handles (`Client`, `ClientBuilder`, `Operation`, `ExecSession`, `EventListener`) are move-only
//   and own their C handle in a std::unique_ptr whose deleter is the C free function; a moved-from
//   handle is empty.
//   `native_handle()` gives the C handle for functions this header does not wrap (yet).
// * Every C failure becomes an exception: `lxd::Error` (a std::runtime_error with `code()`,
//   `http_status()` and LXD's message), or one of its subclasses `NotFound`, `Conflict`,
//   `PreconditionFailed`, `Cancelled`, `Timeout`. Destructors never throw.
// * JSON crosses as nlohmann::json in LXD's own schema. Objects fetched from the client
//   (`Instance`, `Profile`, `Image`, `ImageAlias`, `Network`, `StoragePool`, `Snapshot`,
//   `Certificate`, `Server`) follow pylxd's lifecycle: change them locally (`json()` or the
//   setters), check `dirty()`, `rollback()` local changes, `sync()` with the server, and `save()`
//   them: a PUT carrying the ETag they were read with, so a change made on the server in between
//   raises `PreconditionFailed` (HTTP 412) instead of being overwritten.
// * An object borrows the client's C handle: the `Client` it came from (or the object it was moved
//   into) must outlive it. A `Client` is safe to use from many threads at once; objects are not.
// * Optional string arguments take "" for "none" (the C ABI's NULL).
// * `LxcConfig` reads and writes the `lxc` tool's configuration (remotes, certificates).
// * Callbacks (`Progress`, exec readers/writers) are std::functions behind C trampolines whose
//   `void *user` points at them. An exception thrown in a callback never crosses the C boundary:
//   it is stored, the transfer or command is cancelled, and the exception is rethrown once the C
//   call returned.
//
// Behaviour lives in the C library once; this header only converts types, ownership and errors.
#ifndef LXDCLIENT_HPP
#define LXDCLIENT_HPP

#include <lxdclient.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lxd {

/// The C library's version (`lxd_version()`), e.g. "0.1.0".
inline std::string version() { return lxd_version(); }

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The C ABI's result codes (`lxd_result`), same numbers.
enum class ErrorCode : int {
    Ok = LXD_RESULT_OK,
    InvalidArgument = LXD_RESULT_INVALID_ARGUMENT,
    NotFound = LXD_RESULT_NOT_FOUND,
    Conflict = LXD_RESULT_CONFLICT,
    PreconditionFailed = LXD_RESULT_PRECONDITION_FAILED,
    Forbidden = LXD_RESULT_FORBIDDEN,
    Api = LXD_RESULT_API,
    OperationFailed = LXD_RESULT_OPERATION_FAILED,
    Protocol = LXD_RESULT_PROTOCOL,
    Connection = LXD_RESULT_CONNECTION,
    Tls = LXD_RESULT_TLS,
    Timeout = LXD_RESULT_TIMEOUT,
    Cancelled = LXD_RESULT_CANCELLED,
    Io = LXD_RESULT_IO,
    Panic = LXD_RESULT_PANIC,
};

/// The C name of a code ("LXD_RESULT_NOT_FOUND"); static, never NULL.
inline const char* to_string(ErrorCode code) noexcept { return lxd_result_name(static_cast<std::int32_t>(code)); }

/// Any failure reported by liblxdclient. `what()` is the library's message (LXD's own text when
/// LXD refused). Copying never throws.
class Error : public std::runtime_error {
public:
    /// An error with its code, HTTP status (0: none), message and failed operation's metadata.
    Error(ErrorCode code, std::uint16_t http_status, const std::string& message,
          std::shared_ptr<const std::string> operation_metadata = nullptr)
        : std::runtime_error(message), code_(code), http_status_(http_status),
          operation_metadata_(std::move(operation_metadata)) {}

    /// The result code.
    ErrorCode code() const noexcept { return code_; }
    /// The code's C name, e.g. "LXD_RESULT_CONFLICT".
    const char* code_name() const noexcept { return to_string(code_); }
    /// The HTTP status LXD answered with (404, 409, 412, ...); 0 when LXD did not answer.
    std::uint16_t http_status() const noexcept { return http_status_; }
    /// The message (same text as `what()`).
    std::string message() const { return what(); }
    /// For `ErrorCode::OperationFailed`: the failed operation's metadata (exec keeps the exit code
    /// in "return"); nullopt when there is none.
    std::optional<nlohmann::json> operation_metadata() const {
        if (!operation_metadata_) return std::nullopt;
        nlohmann::json j = nlohmann::json::parse(*operation_metadata_, nullptr, false);
        if (j.is_discarded()) return nlohmann::json(*operation_metadata_);
        return j;
    }

private:
    ErrorCode code_;
    std::uint16_t http_status_;
    std::shared_ptr<const std::string> operation_metadata_;
};

/// LXD answered 404 (or an object is missing).
class NotFound : public Error { public: using Error::Error; };
/// LXD answered 409: the name is taken or the object is busy.
class Conflict : public Error { public: using Error::Error; };
/// LXD answered 412: the object changed on the server since it was read (stale ETag).
class PreconditionFailed : public Error { public: using Error::Error; };
/// Interrupted from another thread (`Operation::interrupt`, `ExecSession::cancel`), or a progress
/// callback returned false.
class Cancelled : public Error { public: using Error::Error; };
/// A timeout passed.
class Timeout : public Error { public: using Error::Error; };

namespace detail {

struct ErrorFree { void operator()(lxd_error* e) const noexcept { lxd_error_free(e); } };
struct ClientFree { void operator()(lxd_client* c) const noexcept { lxd_client_free(c); } };
struct BuilderFree { void operator()(lxd_client_builder* b) const noexcept { lxd_client_builder_free(b); } };
struct OperationFree { void operator()(lxd_operation* o) const noexcept { lxd_operation_free(o); } };

/// Turn a failed C call into the matching exception. Takes ownership of `raw` (may be NULL) and
/// frees it before the exception leaves, whatever happens.
[[noreturn]] inline void throw_error(lxd_result rc, lxd_error* raw) {
    std::unique_ptr<lxd_error, ErrorFree> err(raw);
    const auto code = static_cast<ErrorCode>(err ? lxd_error_code(err.get()) : rc);
    std::uint16_t status = 0;
    std::string message;
    std::shared_ptr<const std::string> metadata;
    if (err) {
        status = lxd_error_http_status(err.get());
        message = lxd_error_message(err.get());
        if (const char* m = lxd_error_operation_metadata(err.get())) metadata = std::make_shared<const std::string>(m);
    } else {
        message = lxd_result_name(static_cast<std::int32_t>(rc));
    }
    err.reset();
    switch (code) {
    case ErrorCode::NotFound: throw NotFound(code, status, message, std::move(metadata));
    case ErrorCode::Conflict: throw Conflict(code, status, message, std::move(metadata));
    case ErrorCode::PreconditionFailed: throw PreconditionFailed(code, status, message, std::move(metadata));
    case ErrorCode::Cancelled: throw Cancelled(code, status, message, std::move(metadata));
    case ErrorCode::Timeout: throw Timeout(code, status, message, std::move(metadata));
    default: throw Error(code, status, message, std::move(metadata));
    }
}

/// The one place a C result is checked: success passes, anything else throws.
inline void check(lxd_result rc, lxd_error* err) {
    if (rc != LXD_RESULT_OK) throw_error(rc, err);
    lxd_error_free(err); // never set on success; freeing NULL is fine
}

/// Call a fallible C function, appending its `lxd_error **err_out`, and check the result.
template <class Fn, class... Args>
inline void call(Fn fn, Args... args) {
    lxd_error* err = nullptr;
    const lxd_result rc = fn(args..., &err);
    check(rc, err);
}

/// RAII guard for a string the library returns: freed with lxd_string_free when the guard goes,
/// which is right after its text has been copied out.
class OwnedString {
public:
    OwnedString() noexcept = default;
    OwnedString(const OwnedString&) = delete;
    OwnedString& operator=(const OwnedString&) = delete;
    ~OwnedString() { lxd_string_free(p_); }
    char** out() noexcept { return &p_; }
    std::string str() const { return p_ ? std::string(p_) : std::string(); }
    std::optional<std::string> opt() const { return p_ ? std::optional<std::string>(p_) : std::nullopt; }

private:
    char* p_ = nullptr;
};

/// Parse JSON text that came from the library; anything else is a protocol error.
inline nlohmann::json parse(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw Error(ErrorCode::Protocol, 0, "liblxdclient returned text that is not JSON");
    return j;
}

/// A required string argument for the C ABI. C strings end at the first NUL byte, so a string
/// holding one would reach LXD cut short: that is `Error` (InvalidArgument) instead.
inline const char* cstr(const std::string& s) {
    if (s.find('\0') != std::string::npos)
        throw Error(ErrorCode::InvalidArgument, 0, "string argument contains a NUL byte");
    return s.c_str();
}

/// "" stands for NULL in optional string arguments (a NUL byte inside: `Error` InvalidArgument).
inline const char* opt_cstr(const std::string& s) { return s.empty() ? nullptr : cstr(s); }

/// A JSON array of objects from the library, each made into a `T` by `make(json)`.
template <class T, class Make>
inline std::vector<T> objects_from(const std::string& json_text, Make make) {
    std::vector<T> out;
    for (auto& j : parse(json_text)) out.push_back(make(std::move(j)));
    return out;
}

/// The last path segment of the first URL LXD lists under `resources[kind]` of an operation
/// (e.g. the name of the backup or instance it made); "" when there is none.
inline std::string resource_name(const nlohmann::json& op, const char* kind) {
    if (!op.is_object() || !op.contains("resources")) return {};
    const auto& r = op.at("resources");
    if (!r.is_object() || !r.contains(kind) || !r.at(kind).is_array()) return {};
    for (const auto& url : r.at(kind)) {
        if (!url.is_string()) continue;
        std::string s = url.get<std::string>();
        const auto q = s.find('?');
        if (q != std::string::npos) s.erase(q);
        const auto slash = s.rfind('/');
        return slash == std::string::npos ? s : s.substr(slash + 1);
    }
    return {};
}

inline std::string str_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
inline bool bool_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return false;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}
inline std::int64_t int_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return 0;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}
inline std::vector<std::string> strings_at(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    if (!j.is_object()) return out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}
inline const nlohmann::json& empty_object() {
    static const nlohmann::json empty = nlohmann::json::object();
    return empty;
}
inline const nlohmann::json& const_object_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return empty_object();
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty_object();
}
/// Mutable access to a map member, created (as {}) when missing.
inline nlohmann::json& object_at(nlohmann::json& j, const char* key) {
    nlohmann::json& v = j[key];
    if (!v.is_object()) v = nlohmann::json::object();
    return v;
}
inline std::vector<std::string> names_from(const std::string& json_text) {
    return parse(json_text).get<std::vector<std::string>>();
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Operation
// ---------------------------------------------------------------------------------------------

/// A background operation on the server (move-only). An empty Operation stands for work that
/// LXD finished synchronously: `wait()` on it returns at once.
/// One progress report of an operation (`Operation::on_progress`), from LXD's operation metadata:
/// what `lxc` shows as "Retrieving image: 45%".
struct OperationProgress {
    /// The operation's id.
    std::string operation_id;
    /// Its status at this report: 103 (Running) while it runs; the last report of a wait carries
    /// the final one (200 Success, 400 Failure, 401 Cancelled).
    int status_code = 0;
    /// What progresses: LXD's metadata key without `_progress` (`download`,
    /// `create_instance_from_image_unpack`, `fs`, ...); "" when there was no progress at all.
    std::string stage;
    /// Percent done, 0 to 100; -1 when not known.
    int percent = -1;
    /// Bytes processed so far; -1 when not known.
    std::int64_t processed = -1;
    /// Bytes per second; -1 when not known.
    std::int64_t speed = -1;
    /// LXD's text, as lxc shows it (`"rootfs: 45% (12.30MB/s)"`); "" when none.
    std::string text;
};

class Operation {
public:
    /// An empty operation (work LXD finished synchronously).
    Operation() noexcept = default;
    /// Adopt a handle from the C API (this object frees it).
    explicit Operation(lxd_operation* adopt) noexcept : h_(adopt) {}

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_operation* native_handle() const noexcept { return h_.get(); }
    /// Give up ownership of the C handle (free it with lxd_operation_free).
    lxd_operation* release() noexcept { return h_.release(); }

    /// The operation's id (UUID); "" when empty.
    std::string id() const { return lxd_operation_id(h_.get()); }
    /// Last known status code (103 Running, 200 Success, 400 Failure, 401 Cancelled); -1 when empty.
    int status_code() const noexcept { return lxd_operation_status_code(h_.get()); }
    /// Last known state as LXD's operation object (`id`, `class`, `status_code`, `metadata`, `err`).
    nlohmann::json json() const {
        detail::OwnedString s;
        detail::call(lxd_operation_json, h_.get(), s.out());
        return detail::parse(s.str());
    }
    /// Wait until it finishes (`GET /1.0/operations/<id>/wait`). Throws `Error` (OperationFailed)
    /// when it failed, `Cancelled` when interrupted, `Timeout` past the client's operation deadline
    /// (`ClientBuilder::set_operation_deadline`, default 10 minutes).
    void wait() const {
        if (h_) rethrowing_progress([&] { detail::call(lxd_operation_wait, h_.get(), std::int64_t{-1}); });
    }
    /// As `wait()`, giving up after `timeout` with `Timeout` (the operation keeps running).
    void wait(std::chrono::milliseconds timeout) const {
        if (h_)
            rethrowing_progress([&] {
                detail::call(lxd_operation_wait, h_.get(), static_cast<std::int64_t>(timeout.count() < 0 ? 0 : timeout.count()));
            });
    }
    /// Report the operation's server-side progress (image downloads, unpacking, migrations) to
    /// `handler` while `wait()` waits, on the waiting thread: whenever it changes, and once more
    /// when the operation ends (final status code, last progress seen). `wait()` then follows the
    /// operation's events (`lxd_operation_set_progress_handler`). An exception from `handler`
    /// stops the wait, and `wait()` rethrows it (the operation keeps running). An empty function
    /// removes the handler. No effect on an empty operation.
    void on_progress(std::function<void(const OperationProgress&)> handler) {
        if (!h_) return;
        std::shared_ptr<ProgressHandler> next;
        if (handler) {
            next = std::make_shared<ProgressHandler>();
            next->fn = std::move(handler);
            auto* user = new std::shared_ptr<ProgressHandler>(next);
            lxd_error* err = nullptr;
            const lxd_result rc = lxd_operation_set_progress_handler(h_.get(), &ProgressHandler::call, user, &ProgressHandler::release, &err);
            if (rc != LXD_RESULT_OK) {
                delete user; // not taken: the library calls user_data_free only on success
                detail::throw_error(rc, err);
            }
        } else {
            detail::call(lxd_operation_set_progress_handler, h_.get(), static_cast<lxd_operation_progress_cb>(nullptr), static_cast<void*>(nullptr),
                         static_cast<lxd_user_data_free_cb>(nullptr));
        }
        progress_ = std::move(next);
    }
    /// Make a `wait()` blocked in another thread throw `Cancelled` now (and every later wait). The
    /// server-side operation keeps running (see `cancel`). Thread-safe.
    void interrupt() const noexcept { lxd_operation_interrupt(h_.get()); }
    /// Cancel it on the server (`DELETE /1.0/operations/<id>`); only cancellable operations accept.
    void cancel() const { detail::call(lxd_operation_cancel, h_.get()); }
    /// Fetch its current state (`GET /1.0/operations/<id>`) into `status_code()` / `json()`.
    void refresh() const { detail::call(lxd_operation_refresh, h_.get()); }

private:
    struct ProgressHandler;
    /// Run `wait_call`; an exception the progress handler threw meanwhile is rethrown instead of
    /// the `Cancelled` it caused.
    template <typename F> void rethrowing_progress(F&& wait_call) const {
        const std::shared_ptr<ProgressHandler> progress = progress_;
        if (progress) progress->error = nullptr;
        auto rethrow = [&] {
            if (progress && progress->error) {
                std::exception_ptr e = progress->error;
                progress->error = nullptr;
                std::rethrow_exception(e);
            }
        };
        try {
            wait_call();
        } catch (...) {
            rethrow();
            throw;
        }
        rethrow();
    }
    struct ProgressHandler {
        std::function<void(const OperationProgress&)> fn;
        std::exception_ptr error; // the first exception of the current wait
        static int call(void* user, const lxd_operation_progress* p) noexcept {
            ProgressHandler& h = **static_cast<std::shared_ptr<ProgressHandler>*>(user);
            try {
                h.fn(OperationProgress{p->operation_id, p->status_code, p->stage, p->percent, p->processed, p->speed, p->text});
                return 0;
            } catch (...) {
                if (!h.error) h.error = std::current_exception();
                return 1; // stop the wait; wait_ms rethrows
            }
        }
        static void release(void* user) noexcept { delete static_cast<std::shared_ptr<ProgressHandler>*>(user); }
    };

    std::unique_ptr<lxd_operation, detail::OperationFree> h_;
    std::shared_ptr<ProgressHandler> progress_;
};

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

/// Options JSON for the C ABI: null or an empty object stands for "none" (NULL).
inline std::string options_text(const nlohmann::json& options) {
    return options.is_null() || (options.is_object() && options.empty()) ? std::string() : options.dump();
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

class Client;
class Image;
class Instance;

// ---------------------------------------------------------------------------------------------
// Lifecycle base for objects fetched from the server
// ---------------------------------------------------------------------------------------------

/// pylxd's object lifecycle over a JSON document in LXD's schema. Copyable; borrows the client.
class Object {
public:
    /// Objects are copyable values; destruction frees nothing on the server.
    virtual ~Object() = default;

    /// The local representation (LXD's JSON).
    const nlohmann::json& json() const noexcept { return local_; }
    /// Mutable local representation: change it, then `save()`. (Use `.at()` or the const overload
    /// to read: nlohmann's `operator[]` inserts missing keys, which is a change.)
    nlohmann::json& json() noexcept { return local_; }
    /// The representation last read from the server.
    const nlohmann::json& server_json() const noexcept { return remote_; }
    /// Whether the local representation differs from the one last read from the server.
    bool dirty() const { return local_ != remote_; }
    /// Discard local changes: back to the representation last read from the server (no I/O).
    void rollback() { local_ = remote_; }
    /// Re-read the object from the server, with its new ETag. Local changes to top-level keys are
    /// kept (the object stays dirty) unless `discard_local_changes`.
    void sync(bool discard_local_changes = false) { merge(fetch(), discard_local_changes); }
    /// Write the local representation back (PUT), sending the ETag it was read with as If-Match:
    /// throws `PreconditionFailed` if the object changed on the server meanwhile (the local changes
    /// stay). On success the object is re-read (new ETag) and is clean. Objects from a listing
    /// carry no ETag until `sync()`, and LXD 5.0.2 sends none for storage pools: without an ETag
    /// the save is unconditional.
    void save() {
        put(local_.dump(), etag_ ? etag_->c_str() : nullptr);
        merge(fetch(), true);
    }
    /// The ETag the object was last read with (nullopt: none, e.g. from a listing).
    const std::optional<std::string>& etag() const noexcept { return etag_; }
    /// The C client handle this object uses (borrowed).
    lxd_client* client_handle() const noexcept { return client_; }

    /// Description (most objects have one).
    std::string description() const { return detail::str_at(local_, "description"); }
    /// Set `description` locally (`save()` writes it).
    void set_description(const std::string& d) { local_["description"] = d; }

protected:
    struct Fetched {
        nlohmann::json json;
        std::optional<std::string> etag;
    };
    Object(lxd_client* client, nlohmann::json json, std::optional<std::string> etag)
        : client_(client), local_(json), remote_(std::move(json)), etag_(std::move(etag)) {}
    Object(const Object&) = default;
    Object(Object&&) noexcept = default;
    Object& operator=(const Object&) = default;
    Object& operator=(Object&&) noexcept = default;

    /// GET the object with its ETag.
    virtual Fetched fetch() const = 0;
    /// PUT `body` with `etag` (may be NULL) as If-Match, waiting for any operation.
    virtual void put(const std::string& body, const char* etag) const = 0;

    /// PATCH-style helper: run `fn(body, etag)` then re-read, keeping other local changes.
    template <class Fn>
    void patch_with(const nlohmann::json& changes, Fn fn) {
        fn(changes.dump(), etag_ ? etag_->c_str() : nullptr);
        merge(fetch(), false);
    }
    static Fetched fetched(detail::OwnedString& json, detail::OwnedString& etag) {
        return Fetched{detail::parse(json.str()), etag.opt()};
    }

    lxd_client* client_ = nullptr;
    nlohmann::json local_;
    nlohmann::json remote_;
    std::optional<std::string> etag_;

private:
    void merge(Fetched f, bool discard_local) {
        if (discard_local || !local_.is_object() || !remote_.is_object() || !f.json.is_object()) {
            local_ = f.json;
        } else {
            nlohmann::json merged = f.json;
            for (auto it = local_.begin(); it != local_.end(); ++it) {
                auto old = remote_.find(it.key());
                const bool changed = old == remote_.end() || *old != it.value();
                if (changed) merged[it.key()] = it.value();
            }
            for (auto it = remote_.begin(); it != remote_.end(); ++it)
                if (!local_.contains(it.key())) merged.erase(it.key()); // removed locally
            local_ = std::move(merged);
        }
        remote_ = std::move(f.json);
        etag_ = std::move(f.etag);
    }
};

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

/// An instance snapshot (`/1.0/instances/<instance>/snapshots/<name>`).
class Snapshot : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Snapshot(lxd_client* client, std::string instance, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), instance_(std::move(instance)),
          name_(detail::str_at(local_, "name")) {}

    /// The snapshot's name (its key, as read).
    const std::string& name() const noexcept { return name_; }
    /// The instance it belongs to.
    const std::string& instance() const noexcept { return instance_; }
    /// LXD's `created_at` field, as last read.
    std::string created_at() const { return detail::str_at(local_, "created_at"); }
    /// LXD's `expires_at` field, as last read.
    std::string expires_at() const { return detail::str_at(local_, "expires_at"); }
    /// Set `expires_at` locally (`save()` writes it).
    void set_expires_at(const std::string& when) { local_["expires_at"] = when; }
    /// LXD's `stateful` field, as last read.
    bool stateful() const { return detail::bool_at(local_, "stateful"); }

    /// Merge `changes` on the server (`PATCH .../snapshots/<name>`, e.g. `{"expires_at": ...}`)
    /// with the ETag as If-Match (stale: `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_snapshot_patch, client_, detail::cstr(instance_), detail::cstr(name_), body.c_str(), etag,
                         static_cast<lxd_operation**>(nullptr));
        });
    }
    /// Rename it (`POST .../snapshots/<name>`), waiting for the operation.
    void rename(const std::string& new_name) {
        detail::call(lxd_snapshot_rename, client_, detail::cstr(instance_), detail::cstr(name_), detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        sync();
    }
    /// As `rename`, returning the operation; this object keeps the old name (fetch the renamed
    /// snapshot with `Snapshots::get`).
    Operation rename_async(const std::string& new_name) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_snapshot_rename, client_, detail::cstr(instance_), detail::cstr(name_), detail::cstr(new_name), &op);
        return Operation(op);
    }
    /// Delete it (`DELETE .../snapshots/<name>`), waiting for the operation.
    void remove() const {
        detail::call(lxd_snapshot_delete, client_, detail::cstr(instance_), detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
    }
    /// As `remove`, returning the operation instead of waiting.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_snapshot_delete, client_, detail::cstr(instance_), detail::cstr(name_), &op);
        return Operation(op);
    }
    /// Restore the instance to this snapshot, waiting for the operation.
    void restore(bool stateful = false) const {
        detail::call(lxd_snapshot_restore, client_, detail::cstr(instance_), detail::cstr(name_), stateful, static_cast<lxd_operation**>(nullptr));
    }
    /// As `restore`, returning the operation instead of waiting.
    Operation restore_async(bool stateful = false) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_snapshot_restore, client_, detail::cstr(instance_), detail::cstr(name_), stateful, &op);
        return Operation(op);
    }
    /// Publish it as an image (`POST /1.0/images`, source snapshot), wait, return the image.
    /// `options`: ImagesPost fields (`public`, `properties`, `aliases`, ...).
    Image publish(const nlohmann::json& options = nullptr) const;
    /// As `publish`, returning the operation instead of waiting.
    Operation publish_async(const nlohmann::json& options = nullptr) const {
        lxd_operation* op = nullptr;
        const std::string o = detail::options_text(options);
        detail::call(lxd_snapshot_publish, client_, detail::cstr(instance_), detail::cstr(name_), detail::opt_cstr(o), &op,
                     static_cast<char**>(nullptr));
        return Operation(op);
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_snapshot_get, client_, detail::cstr(instance_), detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_snapshot_update, client_, detail::cstr(instance_), detail::cstr(name_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }

private:
    std::string instance_;
    std::string name_;
};

/// The snapshots of one instance (pylxd's `instance.snapshots`).
class Snapshots {
public:
    /// The snapshots of instance `instance` (borrows `client`).
    Snapshots(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}

    /// Snapshot names (`GET .../snapshots`).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_snapshot_list, client_, detail::cstr(instance_), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every snapshot (`recursion=1`); they carry no ETag until `sync()`.
    std::vector<Snapshot> all() const {
        detail::OwnedString s;
        detail::call(lxd_snapshot_list, client_, detail::cstr(instance_), std::int32_t{1}, s.out());
        std::vector<Snapshot> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, instance_, std::move(j));
        return out;
    }
    /// One snapshot, with its ETag. Missing: `NotFound`.
    Snapshot get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_snapshot_get, client_, detail::cstr(instance_), detail::cstr(name), j.out(), e.out());
        return Snapshot(client_, instance_, detail::parse(j.str()), e.opt());
    }
    /// Take a snapshot (`POST .../snapshots`), wait, and return it.
    Snapshot create(const std::string& name, bool stateful = false) const {
        detail::call(lxd_snapshot_create, client_, detail::cstr(instance_), detail::cstr(name), stateful, static_cast<lxd_operation**>(nullptr));
        return get(name);
    }
    /// As `create`, returning the operation instead of waiting.
    Operation create_async(const std::string& name, bool stateful = false) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_snapshot_create, client_, detail::cstr(instance_), detail::cstr(name), stateful, &op);
        return Operation(op);
    }

private:
    lxd_client* client_;
    std::string instance_;
};

// ---------------------------------------------------------------------------------------------
// Instance backups, logs, image metadata, templates
// ---------------------------------------------------------------------------------------------

/// A backup of an instance (`/1.0/instances/<instance>/backups/<name>`). LXD has no PUT for
/// backups: read it (`json()`, `refresh()`), rename, export or remove it. Copyable; borrows the
/// client.
class InstanceBackup {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    InstanceBackup(lxd_client* client, std::string instance, nlohmann::json json)
        : client_(client), instance_(std::move(instance)), json_(std::move(json)), name_(detail::str_at(json_, "name")) {}

    /// The backup's name (its key).
    const std::string& name() const noexcept { return name_; }
    /// The instance it belongs to.
    const std::string& instance() const noexcept { return instance_; }
    /// LXD's backup object (`name`, `created_at`, `expires_at`, `instance_only`, `optimized_storage`).
    const nlohmann::json& json() const noexcept { return json_; }
    /// LXD's `created_at` field, as last read.
    std::string created_at() const { return detail::str_at(json_, "created_at"); }
    /// LXD's `expires_at` field, as last read.
    std::string expires_at() const { return detail::str_at(json_, "expires_at"); }
    /// LXD's `instance_only` field, as last read.
    bool instance_only() const { return detail::bool_at(json_, "instance_only"); }
    /// LXD's `optimized_storage` field, as last read.
    bool optimized_storage() const { return detail::bool_at(json_, "optimized_storage"); }

    /// Re-read it from the server.
    void refresh() {
        detail::OwnedString j;
        detail::call(lxd_instance_backup_get, client_, detail::cstr(instance_), detail::cstr(name_), j.out(), static_cast<char**>(nullptr));
        json_ = detail::parse(j.str());
    }
    /// Rename it, waiting; the object follows the new name. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_instance_backup_rename, client_, detail::cstr(instance_), detail::cstr(name_), detail::cstr(new_name),
                     static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        refresh();
    }
    /// As `rename`, returning the operation; this object keeps the old name.
    Operation rename_async(const std::string& new_name) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_backup_rename, client_, detail::cstr(instance_), detail::cstr(name_), detail::cstr(new_name), &op);
        return Operation(op);
    }
    /// Delete it, waiting for the operation.
    void remove() const {
        detail::call(lxd_instance_backup_delete, client_, detail::cstr(instance_), detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
    }
    /// As `remove`, returning the operation.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_backup_delete, client_, detail::cstr(instance_), detail::cstr(name_), &op);
        return Operation(op);
    }
    /// Download the backup tarball to the file `path`, streamed and atomic (a cancelled or failed
    /// download leaves nothing behind). `progress` may cancel it (`Cancelled`).
    void export_to(const std::string& path, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_export_path(client_, detail::cstr(instance_), detail::cstr(name_), detail::cstr(path), cb, user, err);
        });
    }
    /// Download the backup tarball into descriptor `fd` (not closed; on failure part of it may
    /// have been written).
    void export_fd(int fd, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_export_fd(client_, detail::cstr(instance_), detail::cstr(name_), fd, cb, user, err);
        });
    }

private:
    lxd_client* client_;
    std::string instance_;
    nlohmann::json json_;
    std::string name_;
};

/// The backups of one instance (`instance.backups()`).
class InstanceBackups {
public:
    /// The backups of `instance` (borrowing `client`).
    InstanceBackups(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}

    /// Backup names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_backup_list, client_, detail::cstr(instance_), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every backup (`recursion=1`).
    std::vector<InstanceBackup> all() const {
        detail::OwnedString s;
        detail::call(lxd_instance_backup_list, client_, detail::cstr(instance_), std::int32_t{1}, s.out());
        return detail::objects_from<InstanceBackup>(s.str(), [&](nlohmann::json j) { return InstanceBackup(client_, instance_, std::move(j)); });
    }
    /// One backup. Missing: `NotFound`.
    InstanceBackup get(const std::string& name) const {
        detail::OwnedString j;
        detail::call(lxd_instance_backup_get, client_, detail::cstr(instance_), detail::cstr(name), j.out(), static_cast<char**>(nullptr));
        return InstanceBackup(client_, instance_, detail::parse(j.str()));
    }
    /// Back the instance up (`POST .../backups`), wait, and return the backup. `options`: LXD's
    /// InstanceBackupsPost (`name`, `expires_at`, `instance_only`, `optimized_storage`,
    /// `compression_algorithm`); without a `name` LXD picks one (`backup0`, ...), found here as
    /// the name that was not listed before.
    InstanceBackup create(const nlohmann::json& options = nullptr) const {
        std::string name = detail::str_at(options, "name");
        std::vector<std::string> before;
        if (name.empty()) before = names();
        const std::string o = detail::options_text(options);
        detail::call(lxd_instance_backup_create, client_, detail::cstr(instance_), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
        if (name.empty()) {
            for (const auto& n : names())
                if (std::find(before.begin(), before.end(), n) == before.end()) name = n;
            if (name.empty()) throw Error(ErrorCode::Protocol, 0, "backup created, but no new backup is listed");
        }
        return get(name);
    }
    /// As `create`, returning the operation.
    Operation create_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_backup_create, client_, detail::cstr(instance_), detail::opt_cstr(o), &op);
        return Operation(op);
    }

private:
    lxd_client* client_;
    std::string instance_;
};

/// The log files of one instance (`instance.logs()`, `/1.0/instances/<name>/logs`).
class InstanceLogs {
public:
    /// The logs of `instance` (borrowing `client`).
    InstanceLogs(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}
    /// File names (`lxc.log`, `lxc.conf`, ...).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_log_list, client_, detail::cstr(instance_), s.out());
        return detail::names_from(s.str());
    }
    /// One log file's text (invalid UTF-8 and NULs become U+FFFD). Missing: `NotFound`; a name
    /// with a path in it: `Error` (InvalidArgument).
    std::string get(const std::string& file) const {
        detail::OwnedString s;
        detail::call(lxd_instance_log_get, client_, detail::cstr(instance_), detail::cstr(file), s.out());
        return s.str();
    }
    /// Delete a log file. LXD refuses the ones a running instance writes (`Error` Api, 400).
    void remove(const std::string& file) const { detail::call(lxd_instance_log_delete, client_, detail::cstr(instance_), detail::cstr(file)); }

private:
    lxd_client* client_;
    std::string instance_;
};

/// An instance's image metadata (`/1.0/instances/<name>/metadata`: `architecture`,
/// `creation_date`, `properties`, `templates`), with the object lifecycle (`save()` PUTs it with
/// its ETag). LXD 5.0.2 checks the ETag on PATCH only: a stale `save()` overwrites.
class InstanceMetadata : public Object {
public:
    /// Wrap `json` read from `instance` (with `etag`, if any).
    InstanceMetadata(lxd_client* client, std::string instance, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), instance_(std::move(instance)) {}
    /// The instance it belongs to.
    const std::string& instance() const noexcept { return instance_; }
    /// LXD's `architecture` field, as last read.
    std::string architecture() const { return detail::str_at(local_, "architecture"); }
    /// LXD's `creation_date` field, as last read.
    std::int64_t creation_date() const { return detail::int_at(local_, "creation_date"); }
    /// Image properties (`os`, `description`, ...).
    const nlohmann::json& properties() const { return detail::const_object_at(local_, "properties"); }
    /// LXD's `properties` map, mutable: changes are local until `save()`.
    nlohmann::json& properties() { return detail::object_at(local_, "properties"); }
    /// Target path → `{"when": [...], "template": "<file>", ...}`.
    const nlohmann::json& templates() const { return detail::const_object_at(local_, "templates"); }
    /// Target path → template settings, mutable: changes are local until `save()`.
    nlohmann::json& templates() { return detail::object_at(local_, "templates"); }

    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_instance_metadata_patch, client_, detail::cstr(instance_), body.c_str(), etag);
        });
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_instance_metadata_get, client_, detail::cstr(instance_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_instance_metadata_update, client_, detail::cstr(instance_), body.c_str(), etag);
    }

private:
    std::string instance_;
};

/// The template files of one instance (`instance.templates()`,
/// `/1.0/instances/<name>/metadata/templates`). Reference one from the metadata's `templates`
/// for LXD to render it.
class InstanceTemplates {
public:
    /// The templates of `instance` (borrowing `client`).
    InstanceTemplates(lxd_client* client, std::string instance) : client_(client), instance_(std::move(instance)) {}
    /// Template file names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_template_list, client_, detail::cstr(instance_), s.out());
        return detail::names_from(s.str());
    }
    /// A template's content. Missing: `NotFound`.
    std::string get(const std::string& file) const {
        detail::OwnedString s;
        detail::call(lxd_instance_template_get, client_, detail::cstr(instance_), detail::cstr(file), s.out());
        return s.str();
    }
    /// Create or replace template `file` (a plain file name, e.g. "hostname.tpl") with `content`.
    void put(const std::string& file, const std::string& content) const {
        detail::call(lxd_instance_template_put, client_, detail::cstr(instance_), detail::cstr(file), detail::cstr(content));
    }
    /// Delete template `file`.
    void remove(const std::string& file) const { detail::call(lxd_instance_template_delete, client_, detail::cstr(instance_), detail::cstr(file)); }

private:
    lxd_client* client_;
    std::string instance_;
};

// ---------------------------------------------------------------------------------------------
// Instances
// ---------------------------------------------------------------------------------------------

/// A container or virtual machine (`/1.0/instances/<name>`).
class Instance : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Instance(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}

    /// The name (its key, as read; change it with `rename`).
    const std::string& name() const noexcept { return name_; }
    /// "Running", "Stopped", "Frozen", ... as last read (`sync()` to refresh).
    std::string status() const { return detail::str_at(local_, "status"); }
    /// LXD's `status_code` field (103 Running, 102 Stopped, ...), as last read.
    int status_code() const { return static_cast<int>(detail::int_at(local_, "status_code")); }
    /// LXD's `architecture` field, as last read.
    std::string architecture() const { return detail::str_at(local_, "architecture"); }
    /// "container" or "virtual-machine".
    std::string type() const { return detail::str_at(local_, "type"); }
    /// LXD's `location` field, as last read.
    std::string location() const { return detail::str_at(local_, "location"); }
    /// LXD's `created_at` field, as last read.
    std::string created_at() const { return detail::str_at(local_, "created_at"); }
    /// LXD's `last_used_at` field, as last read.
    std::string last_used_at() const { return detail::str_at(local_, "last_used_at"); }
    /// LXD's `stateful` field, as last read.
    bool stateful() const { return detail::bool_at(local_, "stateful"); }
    /// LXD's `ephemeral` field, as last read.
    bool ephemeral() const { return detail::bool_at(local_, "ephemeral"); }
    /// Set `ephemeral` locally (`save()` writes it).
    void set_ephemeral(bool e) { local_["ephemeral"] = e; }
    /// LXD's `profiles` field, as last read.
    std::vector<std::string> profiles() const { return detail::strings_at(local_, "profiles"); }
    /// Set `profiles` locally (`save()` writes it).
    void set_profiles(const std::vector<std::string>& p) { local_["profiles"] = p; }
    /// Local config (string values). The mutable overload marks changes for `save()`.
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// Local devices (name → settings).
    const nlohmann::json& devices() const { return detail::const_object_at(local_, "devices"); }
    /// LXD's `devices` map, mutable: changes are local until `save()`.
    nlohmann::json& devices() { return detail::object_at(local_, "devices"); }
    /// LXD's `expanded_config` map, as last read (read-only view).
    const nlohmann::json& expanded_config() const { return detail::const_object_at(local_, "expanded_config"); }
    /// LXD's `expanded_devices` map, as last read (read-only view).
    const nlohmann::json& expanded_devices() const { return detail::const_object_at(local_, "expanded_devices"); }

    /// Runtime state (`GET /1.0/instances/<name>/state`: status, pid, processes, memory, network).
    nlohmann::json state() const {
        detail::OwnedString s;
        detail::call(lxd_instance_state, client_, detail::cstr(name_), s.out());
        return detail::parse(s.str());
    }
    /// Start it, wait, and re-read it (local changes kept).
    void start() { act([&](lxd_operation** op) { detail::call(lxd_instance_start, client_, detail::cstr(name_), op); }); }
    /// Stop it: `timeout` seconds for a clean shutdown (-1: no limit), `force` kills at once.
    void stop(int timeout = -1, bool force = false) {
        act([&](lxd_operation** op) { detail::call(lxd_instance_stop, client_, detail::cstr(name_), std::int32_t{timeout}, force, op); });
    }
    /// Restart it (`timeout` seconds for a clean stop, -1: none; `force` kills), wait, re-read.
    void restart(int timeout = -1, bool force = false) {
        act([&](lxd_operation** op) { detail::call(lxd_instance_restart, client_, detail::cstr(name_), std::int32_t{timeout}, force, op); });
    }
    /// Freeze it, wait, and re-read it (local changes kept).
    void freeze() { act([&](lxd_operation** op) { detail::call(lxd_instance_freeze, client_, detail::cstr(name_), op); }); }
    /// Unfreeze it, wait, and re-read it (local changes kept).
    void unfreeze() { act([&](lxd_operation** op) { detail::call(lxd_instance_unfreeze, client_, detail::cstr(name_), op); }); }
    /// Any state change (`PUT .../state`): "start", "stop", "restart", "freeze", "unfreeze".
    void set_state(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) {
        act([&](lxd_operation** op) {
            detail::call(lxd_instance_set_state, client_, detail::cstr(name_), detail::cstr(action), std::int32_t{timeout}, force, stateful, op);
        });
    }
    /// The `_async` forms return the operation instead of waiting (and do not re-read the object).
    Operation start_async() const { return async([&](lxd_operation** op) { detail::call(lxd_instance_start, client_, detail::cstr(name_), op); }); }
    /// As `stop`, returning the operation instead of waiting.
    Operation stop_async(int timeout = -1, bool force = false) const {
        return async([&](lxd_operation** op) { detail::call(lxd_instance_stop, client_, detail::cstr(name_), std::int32_t{timeout}, force, op); });
    }
    /// As `restart`, returning the operation instead of waiting.
    Operation restart_async(int timeout = -1, bool force = false) const {
        return async([&](lxd_operation** op) { detail::call(lxd_instance_restart, client_, detail::cstr(name_), std::int32_t{timeout}, force, op); });
    }
    /// As `freeze`, returning the operation instead of waiting.
    Operation freeze_async() const { return async([&](lxd_operation** op) { detail::call(lxd_instance_freeze, client_, detail::cstr(name_), op); }); }
    /// As `unfreeze`, returning the operation instead of waiting.
    Operation unfreeze_async() const { return async([&](lxd_operation** op) { detail::call(lxd_instance_unfreeze, client_, detail::cstr(name_), op); }); }
    /// As `set_state`, returning the operation instead of waiting.
    Operation set_state_async(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        return async([&](lxd_operation** op) {
            detail::call(lxd_instance_set_state, client_, detail::cstr(name_), detail::cstr(action), std::int32_t{timeout}, force, stateful, op);
        });
    }

    /// Merge `changes` on the server (`PATCH`, with the ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_instance_patch, client_, detail::cstr(name_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
        });
    }
    /// Rename it (the instance must be stopped), waiting; the object follows the new name.
    void rename(const std::string& new_name) {
        detail::call(lxd_instance_rename, client_, detail::cstr(name_), detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        sync();
    }
    /// As `rename`, returning the operation; this object keeps the old name.
    Operation rename_async(const std::string& new_name) const {
        return async([&](lxd_operation** op) { detail::call(lxd_instance_rename, client_, detail::cstr(name_), detail::cstr(new_name), op); });
    }
    /// Delete it (must be stopped), waiting for the operation.
    void remove() const { detail::call(lxd_instance_delete, client_, detail::cstr(name_), static_cast<lxd_operation**>(nullptr)); }
    /// As `remove`, returning the operation instead of waiting.
    Operation remove_async() const {
        return async([&](lxd_operation** op) { detail::call(lxd_instance_delete, client_, detail::cstr(name_), op); });
    }
    /// Restore it to snapshot `snapshot` (`PUT {"restore": ...}`), wait, re-read.
    void restore(const std::string& snapshot, bool stateful = false) {
        act([&](lxd_operation** op) { detail::call(lxd_snapshot_restore, client_, detail::cstr(name_), detail::cstr(snapshot), stateful, op); });
    }
    /// Its snapshots (list, get, create).
    Snapshots snapshots() const { return Snapshots(client_, name_); }
    /// Its backups (list, get, create, export).
    InstanceBackups backups() const { return InstanceBackups(client_, name_); }
    /// Its log files.
    InstanceLogs logs() const { return InstanceLogs(client_, name_); }
    /// Its template files.
    InstanceTemplates templates() const { return InstanceTemplates(client_, name_); }
    /// Its image metadata (`GET .../metadata`), with its ETag.
    InstanceMetadata metadata() const {
        detail::OwnedString j, e;
        detail::call(lxd_instance_metadata_get, client_, detail::cstr(name_), j.out(), e.out());
        return InstanceMetadata(client_, name_, detail::parse(j.str()), e.opt());
    }
    /// A container's console log (invalid UTF-8 and NULs become U+FFFD; empty: ""). VMs: `Error` (Api).
    std::string console_log() const {
        detail::OwnedString s;
        detail::call(lxd_instance_console_log, client_, detail::cstr(name_), s.out());
        return s.str();
    }
    /// Clear a container's console log.
    void clear_console_log() const { detail::call(lxd_instance_console_log_clear, client_, detail::cstr(name_)); }
    /// Attach to its text console (it must be running); `width`/`height` 0: LXD's default.
    Console attach_console(std::uint32_t width = 0, std::uint32_t height = 0) const {
        lxd_console* h = nullptr;
        detail::call(lxd_console_attach, client_, detail::cstr(name_), width, height, &h);
        return Console(h);
    }
    /// Open a console session without connecting to it: `kind` "console" (text) or "vga" (VMs);
    /// `width`/`height` 0: LXD's default. Returns the websocket operation, whose `json()` holds the
    /// secrets of the data (`"0"`) and `"control"` sockets in `metadata.fds`. LXD 5.0.2 cannot
    /// cancel it: one nobody connects to stays until the daemon is killed. For a text console use
    /// `attach_console()`.
    Operation console(std::uint32_t width = 0, std::uint32_t height = 0, const std::string& kind = "console") const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_console_create, client_, detail::cstr(name_), width, height, detail::cstr(kind), &op);
        return Operation(op);
    }
    /// It with its state, snapshots and backups (`GET ?recursion=1`) as LXD's JSON.
    nlohmann::json full() const {
        detail::OwnedString j;
        detail::call(lxd_instance_get_full, client_, detail::cstr(name_), j.out(), static_cast<char**>(nullptr));
        return detail::parse(j.str());
    }
    /// Move it (stopped) to cluster member `member`, wait, re-read.
    void move_to_member(const std::string& member) {
        act([&](lxd_operation** op) { detail::call(lxd_instance_move_to_member, client_, detail::cstr(name_), detail::cstr(member), op); });
    }
    /// As `move_to_member`, returning the operation.
    Operation move_to_member_async(const std::string& member) const {
        return async([&](lxd_operation** op) { detail::call(lxd_instance_move_to_member, client_, detail::cstr(name_), detail::cstr(member), op); });
    }

    /// pylxd's `execute`: run `argv` with `stdin_data` as stdin and collect the exit code, stdout
    /// and stderr. `options` as for `exec()`. A non-zero exit code is not an error.
    ExecResult execute(const std::vector<std::string>& argv, const nlohmann::json& options = nullptr,
                       const std::string& stdin_data = {}) const {
        const auto args = detail::c_argv(argv);
        const std::string o = detail::options_text(options);
        std::int32_t code = -1;
        detail::OwnedBytes out, err;
        detail::call(lxd_instance_exec, client_, detail::cstr(name_), args.data(), args.size(), detail::opt_cstr(o),
                     reinterpret_cast<const std::uint8_t*>(stdin_data.data()), stdin_data.size(), &code,
                     out.data_out(), out.len_out(), err.data_out(), err.len_out());
        return ExecResult{code, out.str(), err.str()};
    }
    /// Run `argv` streaming between descriptors (-1: no input / output dropped); the exit code.
    int execute_fds(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd,
                    const nlohmann::json& options = nullptr) const {
        const auto args = detail::c_argv(argv);
        const std::string o = detail::options_text(options);
        std::int32_t code = -1;
        detail::call(lxd_instance_exec_fds, client_, detail::cstr(name_), args.data(), args.size(), detail::opt_cstr(o),
                     stdin_fd, stdout_fd, stderr_fd, &code);
        return code;
    }
    /// A command to configure and run (callbacks, descriptors, interactive sessions, cancel).
    /// `options` in LXD's names (`environment`, `cwd`, `user`, `group`, `record-output`,
    /// `interactive`, `width`, `height`) plus `timeout_ms`.
    ExecSession exec(const std::vector<std::string>& argv, const nlohmann::json& options = nullptr) const {
        return ExecSession(client_, name_, argv, options);
    }
    /// pylxd's `instance.files`.
    Files files() const { return Files(client_, name_); }

    /// Publish it as an image (a container must be stopped), wait, return the image. `options`:
    /// ImagesPost fields (`public`, `properties`, `aliases`, `compression_algorithm`, ...).
    Image publish(const nlohmann::json& options = nullptr) const;
    /// As `publish`, returning the operation instead of waiting.
    Operation publish_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        return async([&](lxd_operation** op) {
            detail::call(lxd_instance_publish, client_, detail::cstr(name_), detail::opt_cstr(o), op, static_cast<char**>(nullptr));
        });
    }
    /// Copy it on the same server as `target_name` (snapshots too, unless `{"instance_only":
    /// true}`), wait, return the copy.
    Instance copy_local(const std::string& target_name, const nlohmann::json& options = nullptr) const;
    /// As `copy_local`, returning the operation instead of waiting.
    Operation copy_local_async(const std::string& target_name, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        return async([&](lxd_operation** op) {
            detail::call(lxd_instance_copy_local, client_, detail::cstr(name_), detail::cstr(target_name), detail::opt_cstr(o), op);
        });
    }
    /// Copy it to the server of `target` (as `target_name`, "": the same name), pulled by the
    /// target over HTTPS (this server must listen on the network; `{"source_url": ...}`), and
    /// return the copy (borrowing `target`).
    Instance copy_to(const Client& target, const std::string& target_name = {}, const nlohmann::json& options = nullptr) const;
    /// Move it to the server of `target` (stopped, unless `{"live": true}`): copy, then delete here.
    Instance migrate_to(const Client& target, const std::string& target_name = {}, const nlohmann::json& options = nullptr) const;

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_instance_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_instance_update, client_, detail::cstr(name_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }

private:
    template <class Fn> void act(Fn fn) {
        fn(static_cast<lxd_operation**>(nullptr));
        sync();
    }
    template <class Fn> static Operation async(Fn fn) {
        lxd_operation* op = nullptr;
        fn(&op);
        return Operation(op);
    }
    std::string name_;
};

/// `client.instances()`.
class Instances {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Instances(lxd_client* client) noexcept : client_(client) {}
    /// Instance names (`GET /1.0/instances`).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_instance_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every instance (`recursion` 1; 2 adds each one's state). No ETags until `sync()`.
    std::vector<Instance> all(int recursion = 1) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list, client_, std::int32_t{recursion < 1 ? 1 : recursion}, s.out());
        std::vector<Instance> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One instance with its ETag. Missing: `NotFound`.
    Instance get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_instance_get, client_, detail::cstr(name), j.out(), e.out());
        return Instance(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_instance_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's InstancesPost object (`{"name": ..., "source": {...}}`), wait, and return it.
    Instance create(const nlohmann::json& config) const {
        detail::call(lxd_instance_create, client_, config.dump().c_str(), static_cast<lxd_operation**>(nullptr));
        return get(detail::str_at(config, "name"));
    }
    /// As `create`, returning the operation instead of waiting.
    Operation create_async(const nlohmann::json& config) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_create, client_, config.dump().c_str(), &op);
        return Operation(op);
    }
    /// Create `name` from the local image `image` (an alias, or "fingerprint:<hex>"), of
    /// `type` "container" or "virtual-machine" ("": container), with more InstancesPost fields in
    /// `options` (`profiles`, `config`, `devices`, `ephemeral`, `description`); wait, return it.
    Instance create_from_image(const std::string& name, const std::string& image, const std::string& type = {},
                               const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::call(lxd_instance_create_from_image, client_, detail::cstr(name), detail::opt_cstr(type), detail::cstr(image),
                     detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
        return get(name);
    }
    /// As `create_from_image`, returning the operation.
    Operation create_from_image_async(const std::string& name, const std::string& image, const std::string& type = {},
                                      const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_create_from_image, client_, detail::cstr(name), detail::opt_cstr(type), detail::cstr(image),
                     detail::opt_cstr(o), &op);
        return Operation(op);
    }
    /// Names of the instances matching LXD's collection `filter` (e.g. "status eq Running"; "":
    /// all) of `type` ("container", "virtual-machine"; "": both), in every project when
    /// `all_projects`.
    std::vector<std::string> names_filtered(const std::string& filter, const std::string& type = {}, bool all_projects = false) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list_filtered, client_, std::int32_t{0}, detail::opt_cstr(type), detail::opt_cstr(filter), all_projects, s.out());
        return detail::names_from(s.str());
    }
    /// As `names_filtered`, the instances themselves (`recursion` 1; 2 adds state, snapshots and
    /// backups). No ETags until `sync()`.
    std::vector<Instance> all_filtered(const std::string& filter, const std::string& type = {}, bool all_projects = false,
                                       int recursion = 1) const {
        detail::OwnedString s;
        detail::call(lxd_instance_list_filtered, client_, std::int32_t{recursion < 1 ? 1 : recursion}, detail::opt_cstr(type),
                     detail::opt_cstr(filter), all_projects, s.out());
        return detail::objects_from<Instance>(s.str(), [&](nlohmann::json j) { return Instance(client_, std::move(j)); });
    }
    /// One instance with its state, snapshots and backups (`recursion=1`) and its ETag.
    Instance get_full(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_instance_get_full, client_, detail::cstr(name), j.out(), e.out());
        return Instance(client_, detail::parse(j.str()), e.opt());
    }
    /// Change the state of every instance of the client's project (`PUT /1.0/instances`):
    /// `action` "start", "stop", "restart", "freeze", "unfreeze"; wait.
    void set_state_all(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        detail::call(lxd_instance_set_state_all, client_, detail::cstr(action), std::int32_t{timeout}, force, stateful,
                     static_cast<lxd_operation**>(nullptr));
    }
    /// As `set_state_all`, returning the operation.
    Operation set_state_all_async(const std::string& action, int timeout = -1, bool force = false, bool stateful = false) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_instance_set_state_all, client_, detail::cstr(action), std::int32_t{timeout}, force, stateful, &op);
        return Operation(op);
    }
    /// Create an instance from the backup tarball at `path` (streamed), named `name` ("": the
    /// backup's) in `pool` ("": the backup's); wait and return it.
    Instance import_backup(const std::string& path, const std::string& name = {}, const std::string& pool = {},
                           const Progress& progress = nullptr) const {
        Operation op = import_backup_async(path, name, pool, progress);
        return imported(op, name);
    }
    /// As `import_backup`, returning the operation once the upload is done.
    Operation import_backup_async(const std::string& path, const std::string& name = {}, const std::string& pool = {},
                                  const Progress& progress = nullptr) const {
        lxd_operation* op = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_import_path(client_, detail::cstr(path), detail::opt_cstr(name), detail::opt_cstr(pool), cb, user, &op, err);
        });
        return Operation(op);
    }
    /// As `import_backup`, reading the tarball from descriptor `fd` to its end (not closed).
    Instance import_backup_fd(int fd, const std::string& name = {}, const std::string& pool = {}, const Progress& progress = nullptr) const {
        lxd_operation* raw = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_instance_backup_import_fd(client_, fd, detail::opt_cstr(name), detail::opt_cstr(pool), cb, user, &raw, err);
        });
        Operation op(raw);
        return imported(op, name);
    }

private:
    Instance imported(Operation& op, const std::string& name) const {
        op.wait();
        std::string n = name;
        if (n.empty() && op) n = detail::resource_name(op.json(), "instances");
        if (n.empty()) throw Error(ErrorCode::Protocol, 0, "backup imported, but the operation did not name the instance");
        return get(n);
    }
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Images and aliases
// ---------------------------------------------------------------------------------------------

/// An image alias (`/1.0/images/aliases/<name>`).
class ImageAlias : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    ImageAlias(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (its key, as read).
    const std::string& name() const noexcept { return name_; }
    /// The fingerprint it points at.
    std::string target() const { return detail::str_at(local_, "target"); }
    /// Set `target` locally (`save()` writes it).
    void set_target(const std::string& fingerprint) { local_["target"] = fingerprint; }
    /// LXD's `type` field, as last read.
    std::string type() const { return detail::str_at(local_, "type"); }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_image_alias_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it; the object follows the new name. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_image_alias_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Delete it on the server.
    void remove() const { detail::call(lxd_image_alias_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_image_alias_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_image_alias_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.images().aliases()`.
class ImageAliases {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit ImageAliases(lxd_client* client) noexcept : client_(client) {}
    /// Names (recursion 0).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_image_alias_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<ImageAlias> all() const {
        detail::OwnedString s;
        detail::call(lxd_image_alias_list, client_, std::int32_t{1}, s.out());
        std::vector<ImageAlias> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One object, with its ETag. Missing: `NotFound`.
    ImageAlias get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_image_alias_get, client_, detail::cstr(name), j.out(), e.out());
        return ImageAlias(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_image_alias_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// An alias of a public image as an untrusted client sees it (`?public`), as JSON. An alias
    /// of a private image: `NotFound`.
    nlohmann::json get_public(const std::string& name) const {
        detail::OwnedString s;
        detail::call(lxd_image_alias_get_public, client_, detail::cstr(name), s.out());
        return detail::parse(s.str());
    }
    /// Create alias `name` for image `target_fingerprint` and return it. Taken: `Conflict`.
    ImageAlias create(const std::string& name, const std::string& target_fingerprint, const std::string& description = {}) const {
        detail::call(lxd_image_alias_create, client_, detail::cstr(name), detail::cstr(target_fingerprint), detail::opt_cstr(description));
        return get(name);
    }

private:
    lxd_client* client_;
};

/// An image (`/1.0/images/<fingerprint>`).
class Image : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Image(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), fingerprint_(detail::str_at(local_, "fingerprint")) {}
    /// The full fingerprint (its key).
    const std::string& fingerprint() const noexcept { return fingerprint_; }
    /// LXD's `filename` field, as last read.
    std::string filename() const { return detail::str_at(local_, "filename"); }
    /// LXD's `architecture` field, as last read.
    std::string architecture() const { return detail::str_at(local_, "architecture"); }
    /// LXD's `type` field, as last read.
    std::string type() const { return detail::str_at(local_, "type"); }
    /// LXD's `size` field, as last read.
    std::int64_t size() const { return detail::int_at(local_, "size"); }
    /// LXD's `cached` field, as last read.
    bool cached() const { return detail::bool_at(local_, "cached"); }
    /// LXD's `public` field, as last read.
    bool is_public() const { return detail::bool_at(local_, "public"); }
    /// Set `public` locally (`save()` writes it).
    void set_public(bool p) { local_["public"] = p; }
    /// LXD's `auto_update` field, as last read.
    bool auto_update() const { return detail::bool_at(local_, "auto_update"); }
    /// Set `auto_update` locally (`save()` writes it).
    void set_auto_update(bool a) { local_["auto_update"] = a; }
    /// LXD's `properties` map, as last read (read-only view).
    const nlohmann::json& properties() const { return detail::const_object_at(local_, "properties"); }
    /// LXD's `properties` map, mutable: changes are local until `save()`.
    nlohmann::json& properties() { return detail::object_at(local_, "properties"); }
    /// Alias names as last read.
    std::vector<std::string> aliases() const {
        std::vector<std::string> out;
        auto it = local_.find("aliases");
        if (it != local_.end() && it->is_array())
            for (const auto& a : *it) out.push_back(detail::str_at(a, "name"));
        return out;
    }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_image_patch, client_, detail::cstr(fingerprint_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
        });
    }
    /// pylxd's `add_alias`: create alias `name` pointing here, then re-read.
    void add_alias(const std::string& name, const std::string& description = {}) {
        detail::call(lxd_image_alias_create, client_, detail::cstr(name), detail::cstr(fingerprint_), detail::opt_cstr(description));
        sync();
    }
    /// pylxd's `delete_alias`.
    void delete_alias(const std::string& name) {
        detail::call(lxd_image_alias_delete, client_, detail::cstr(name));
        sync();
    }
    /// Delete it on the server.
    void remove() const { detail::call(lxd_image_delete, client_, detail::cstr(fingerprint_), static_cast<lxd_operation**>(nullptr)); }
    /// Export it to files, atomically and checked against the fingerprint: a unified image
    /// becomes `path`; a split one `path` (metadata) and `rootfs_path`. Returns whether it was split.
    bool export_to(const std::string& path, const std::string& rootfs_path = {}, const Progress& progress = nullptr) const {
        bool split = false;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_export_path(client_, detail::cstr(fingerprint_), detail::cstr(path), detail::opt_cstr(rootfs_path), cb, user, &split, err);
        });
        return split;
    }
    /// Export it to descriptors (`rootfs_fd` -1: none, then a split image is `Error` InvalidArgument).
    bool export_fd(int fd, int rootfs_fd = -1, const Progress& progress = nullptr) const {
        bool split = false;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_export_fd(client_, detail::cstr(fingerprint_), fd, rootfs_fd, cb, user, &split, err);
        });
        return split;
    }
    /// Refresh it from its source now (only images with a source can be), waiting. Returns
    /// whether a newer image arrived (`metadata.refreshed` of the operation).
    bool refresh() const {
        Operation op = refresh_async();
        op.wait();
        if (!op) return false;
        const nlohmann::json j = op.json();
        return j.contains("metadata") && detail::bool_at(j.at("metadata"), "refreshed");
    }
    /// As `refresh`, returning the operation.
    Operation refresh_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_refresh, client_, detail::cstr(fingerprint_), &op);
        return Operation(op);
    }
    /// A one-time secret that lets an untrusted client fetch this private image
    /// (`Images::get_public(fingerprint, secret)`); cancel its operation to revoke it.
    Token secret() const {
        Token t;
        detail::OwnedString s;
        lxd_operation* op = nullptr;
        detail::call(lxd_image_secret, client_, detail::cstr(fingerprint_), s.out(), &op);
        t.secret = s.str();
        t.operation = Operation(op);
        return t;
    }
    /// Make this server push the image to another LXD (`POST .../export` with LXD's
    /// ImageExportPost: `target` URL, `secret` and `certificate` of the receiving server,
    /// `aliases`, `project`), waiting. The receiving server hands out the secret for a request
    /// `{"source": {"type": "image", "mode": "push", "fingerprint": ...}, "aliases": [...]}`
    /// (`Images::create_async`, `metadata.secret` of its operation); LXD 5.0.2 gives the image the
    /// aliases of that request.
    void push_to(const nlohmann::json& request) const {
        detail::call(lxd_image_push_to, client_, detail::cstr(fingerprint_), request.dump().c_str(), static_cast<lxd_operation**>(nullptr));
    }
    /// As `push_to`, returning the operation.
    Operation push_to_async(const nlohmann::json& request) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_push_to, client_, detail::cstr(fingerprint_), request.dump().c_str(), &op);
        return Operation(op);
    }
    /// Copy it to the server of `target` (which downloads it from this one over HTTPS). `options`:
    /// `public`, `auto_update`, `aliases`, `source_url`. Returns the copy (borrowing `target`).
    Image copy_to(const Client& target, const nlohmann::json& options = nullptr) const;
    /// As `remove`, returning the operation instead of waiting.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_delete, client_, detail::cstr(fingerprint_), &op);
        return Operation(op);
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_image_get, client_, detail::cstr(fingerprint_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_image_update, client_, detail::cstr(fingerprint_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }

private:
    std::string fingerprint_;
};

/// `client.images()`.
class Images {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Images(lxd_client* client) noexcept : client_(client) {}
    /// Fingerprints (`GET /1.0/images`).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_image_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<Image> all() const {
        detail::OwnedString s;
        detail::call(lxd_image_list, client_, std::int32_t{1}, s.out());
        std::vector<Image> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// By fingerprint (or a unique prefix of it). Missing: `NotFound`.
    Image get(const std::string& fingerprint) const {
        detail::OwnedString j, e;
        detail::call(lxd_image_get, client_, detail::cstr(fingerprint), j.out(), e.out());
        return Image(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& fingerprint) const {
        bool out = false;
        detail::call(lxd_image_exists, client_, detail::cstr(fingerprint), &out);
        return out;
    }
    /// pylxd's `get_by_alias`.
    Image get_by_alias(const std::string& alias) const {
        detail::OwnedString j, e;
        detail::call(lxd_image_get_by_alias, client_, detail::cstr(alias), j.out(), e.out());
        return Image(client_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's ImagesPost object (e.g. publish: `{"source": {"type": "instance",
    /// "name": ...}}`), wait, and return the new image (its fingerprint is in the operation's
    /// metadata).
    Image create(const nlohmann::json& request) const {
        Operation op = create_async(request);
        op.wait();
        nlohmann::json done = op.json();
        std::string fp;
        if (done.contains("metadata")) fp = detail::str_at(done["metadata"], "fingerprint");
        if (fp.empty()) throw Error(ErrorCode::Protocol, 0, "image created, but the operation did not report its fingerprint");
        return get(fp);
    }
    /// As `create`, returning the operation instead of waiting.
    Operation create_async(const nlohmann::json& request) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_image_create, client_, request.dump().c_str(), &op);
        return Operation(op);
    }
    /// Create from LXD's ImagesPost object and wait, without fetching the result.
    void create_and_wait(const nlohmann::json& request) const {
        detail::call(lxd_image_create, client_, request.dump().c_str(), static_cast<lxd_operation**>(nullptr));
    }
    /// Fingerprints of the images matching LXD's collection `filter` (e.g. "properties.os eq
    /// busybox"; "": all).
    std::vector<std::string> names_filtered(const std::string& filter) const {
        detail::OwnedString s;
        detail::call(lxd_image_list_filtered, client_, std::int32_t{0}, detail::opt_cstr(filter), s.out());
        return detail::names_from(s.str());
    }
    /// The images matching `filter` (no ETags until `sync()`).
    std::vector<Image> all_filtered(const std::string& filter) const {
        detail::OwnedString s;
        detail::call(lxd_image_list_filtered, client_, std::int32_t{1}, detail::opt_cstr(filter), s.out());
        return detail::objects_from<Image>(s.str(), [&](nlohmann::json j) { return Image(client_, std::move(j)); });
    }
    /// Fingerprints of the public images (`?public`, what an untrusted client may list).
    std::vector<std::string> public_names() const {
        detail::OwnedString s;
        detail::call(lxd_image_list_public, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// The public images as LXD's JSON objects (plain JSON: an untrusted client cannot save them).
    std::vector<nlohmann::json> public_all() const {
        detail::OwnedString s;
        detail::call(lxd_image_list_public, client_, std::int32_t{1}, s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// An image as an untrusted client sees it: a public one, or a private one with the `secret`
    /// of `Image::secret()` ("": none). Private without a valid secret: `NotFound`.
    nlohmann::json get_public(const std::string& fingerprint, const std::string& secret = {}) const {
        detail::OwnedString s;
        detail::call(lxd_image_get_public, client_, detail::cstr(fingerprint), detail::opt_cstr(secret), s.out());
        return detail::parse(s.str());
    }
    /// The image aliases manager.
    ImageAliases aliases() const { return ImageAliases(client_); }

    /// Upload a unified image tarball from `path`, streamed, and return the image. `options`:
    /// `public`, `filename`, `properties`, `aliases`. The same image again: `Error` OperationFailed.
    Image upload(const std::string& path, const nlohmann::json& options = nullptr, const Progress& progress = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_upload_path(client_, detail::cstr(path), detail::opt_cstr(o), cb, user, fp.out(), err);
        });
        return get(fp.str());
    }
    /// Upload a split image (metadata tarball and root filesystem).
    Image upload_split(const std::string& meta_path, const std::string& rootfs_path, const nlohmann::json& options = nullptr,
                       const Progress& progress = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_image_upload_split(client_, detail::cstr(meta_path), detail::cstr(rootfs_path), detail::opt_cstr(o), cb, user, fp.out(), err);
        });
        return get(fp.str());
    }
    /// Have LXD download the image at `url` (LXD's `LXD-Image-URL` protocol), wait, return it.
    Image create_from_url(const std::string& url, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::call(lxd_image_create_from_url, client_, detail::cstr(url), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
        return get(fp.str());
    }
    /// As `create_from_url`, returning the operation instead of waiting.
    Operation create_from_url_async(const std::string& url, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_image_create_from_url, client_, detail::cstr(url), detail::opt_cstr(o), &op, static_cast<char**>(nullptr));
        return Operation(op);
    }
    /// Have LXD download `alias` from the simplestreams server `server`, wait, return it.
    Image create_from_simplestreams(const std::string& server, const std::string& alias, const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        detail::OwnedString fp;
        detail::call(lxd_image_create_from_simplestreams, client_, detail::cstr(server), detail::cstr(alias), detail::opt_cstr(o),
                     static_cast<lxd_operation**>(nullptr), fp.out());
        return get(fp.str());
    }
    /// As `create_from_simplestreams`, returning the operation instead of waiting.
    Operation create_from_simplestreams_async(const std::string& server, const std::string& alias,
                                              const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_image_create_from_simplestreams, client_, detail::cstr(server), detail::cstr(alias), detail::opt_cstr(o), &op,
                     static_cast<char**>(nullptr));
        return Operation(op);
    }

private:
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Profiles, networks, storage pools
// ---------------------------------------------------------------------------------------------

/// A profile (`/1.0/profiles/<name>`).
class Profile : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Profile(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (its key, as read).
    const std::string& name() const noexcept { return name_; }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `devices` map, as last read (read-only view).
    const nlohmann::json& devices() const { return detail::const_object_at(local_, "devices"); }
    /// LXD's `devices` map, mutable: changes are local until `save()`.
    nlohmann::json& devices() { return detail::object_at(local_, "devices"); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_profile_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it; the object follows the new name. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_profile_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Delete it on the server.
    void remove() const { detail::call(lxd_profile_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_profile_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_profile_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.profiles()`.
class Profiles {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Profiles(lxd_client* client) noexcept : client_(client) {}
    /// Names (recursion 0).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_profile_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<Profile> all() const {
        detail::OwnedString s;
        detail::call(lxd_profile_list, client_, std::int32_t{1}, s.out());
        std::vector<Profile> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One object, with its ETag. Missing: `NotFound`.
    Profile get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_profile_get, client_, detail::cstr(name), j.out(), e.out());
        return Profile(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_profile_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's ProfilesPost object (`{"name": ..., "config": {...}, "devices": {...}}`).
    Profile create(const nlohmann::json& profile) const {
        detail::call(lxd_profile_create, client_, profile.dump().c_str());
        return get(detail::str_at(profile, "name"));
    }
    /// pylxd's `create(name, config, devices)`.
    Profile create(const std::string& name, const nlohmann::json& config, const nlohmann::json& devices = nlohmann::json::object()) const {
        return create(nlohmann::json{{"name", name}, {"config", config}, {"devices", devices}});
    }

private:
    lxd_client* client_;
};

/// A network forward (`/1.0/networks/<network>/forwards/<listen_address>`): traffic to
/// `listen_address` goes to targets on the network. Needs a managed bridge or OVN network.
/// LXD 5.0.2 sends an ETag for forwards but ignores If-Match on their PUT and PATCH: `save()` and
/// `patch()` of a stale forward overwrite instead of raising `PreconditionFailed`.
class NetworkForward : public Object {
public:
    /// Wrap `json` read from the forwards of `network` (with `etag`, if any).
    NetworkForward(lxd_client* client, std::string network, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), network_(std::move(network)),
          listen_address_(detail::str_at(local_, "listen_address")) {}
    /// Its key, the address it listens on.
    const std::string& listen_address() const noexcept { return listen_address_; }
    /// The network it belongs to.
    const std::string& network() const noexcept { return network_; }
    /// `target_address` (the default target) and user keys.
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Port rules: `[{"protocol", "listen_port", "target_port", "target_address"}, ...]`.
    nlohmann::json ports() const { return local_.is_object() && local_.contains("ports") ? local_.at("ports") : nlohmann::json::array(); }

    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read. LXD 5.0.2 drops
    /// the connection on a forward PATCH without `config`: include it.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_forward_patch, client_, detail::cstr(network_), detail::cstr(listen_address_), body.c_str(), etag);
        });
    }
    /// Delete it.
    void remove() const { detail::call(lxd_network_forward_delete, client_, detail::cstr(network_), detail::cstr(listen_address_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_forward_get, client_, detail::cstr(network_), detail::cstr(listen_address_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_forward_update, client_, detail::cstr(network_), detail::cstr(listen_address_), body.c_str(), etag);
    }

private:
    std::string network_;
    std::string listen_address_;
};

/// The forwards of one network (`network.forwards()`).
class NetworkForwards {
public:
    /// The forwards of `network` (borrowing `client`).
    NetworkForwards(lxd_client* client, std::string network) : client_(client), network_(std::move(network)) {}
    /// Listen addresses.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_forward_list, client_, detail::cstr(network_), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every forward (no ETags until `sync()`).
    std::vector<NetworkForward> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_forward_list, client_, detail::cstr(network_), std::int32_t{1}, s.out());
        return detail::objects_from<NetworkForward>(s.str(), [&](nlohmann::json j) { return NetworkForward(client_, network_, std::move(j)); });
    }
    /// The forward listening on `listen_address`, with its ETag. Missing: `NotFound`.
    NetworkForward get(const std::string& listen_address) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_forward_get, client_, detail::cstr(network_), detail::cstr(listen_address), j.out(), e.out());
        return NetworkForward(client_, network_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's NetworkForwardsPost (`{"listen_address", "description", "config",
    /// "ports"}`) and return it. Exists: `Conflict`.
    NetworkForward create(const nlohmann::json& forward) const {
        detail::call(lxd_network_forward_create, client_, detail::cstr(network_), forward.dump().c_str());
        return get(detail::str_at(forward, "listen_address"));
    }

private:
    lxd_client* client_;
    std::string network_;
};

/// A network peering (`/1.0/networks/<network>/peers/<name>`). Only OVN networks peer; LXD
/// refuses it elsewhere (`Error` Api, 400).
class NetworkPeer : public Object {
public:
    /// Wrap `json` read from the peers of `network` (with `etag`, if any).
    NetworkPeer(lxd_client* client, std::string network, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), network_(std::move(network)), name_(detail::str_at(local_, "name")) {}
    /// Its name.
    const std::string& name() const noexcept { return name_; }
    /// The network it belongs to.
    const std::string& network() const noexcept { return network_; }
    /// LXD's `target_project` field, as last read.
    std::string target_project() const { return detail::str_at(local_, "target_project"); }
    /// LXD's `target_network` field, as last read.
    std::string target_network() const { return detail::str_at(local_, "target_network"); }
    /// "Pending" or "Created".
    std::string status() const { return detail::str_at(local_, "status"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }

    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_peer_patch, client_, detail::cstr(network_), detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Delete it.
    void remove() const { detail::call(lxd_network_peer_delete, client_, detail::cstr(network_), detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_peer_get, client_, detail::cstr(network_), detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_peer_update, client_, detail::cstr(network_), detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string network_;
    std::string name_;
};

/// The peers of one network (`network.peers()`).
class NetworkPeers {
public:
    /// The peers of `network` (borrowing `client`).
    NetworkPeers(lxd_client* client, std::string network) : client_(client), network_(std::move(network)) {}
    /// Peer names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_peer_list, client_, detail::cstr(network_), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every peer (no ETags until `sync()`).
    std::vector<NetworkPeer> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_peer_list, client_, detail::cstr(network_), std::int32_t{1}, s.out());
        return detail::objects_from<NetworkPeer>(s.str(), [&](nlohmann::json j) { return NetworkPeer(client_, network_, std::move(j)); });
    }
    /// One peer with its ETag. Missing: `NotFound`.
    NetworkPeer get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_peer_get, client_, detail::cstr(network_), detail::cstr(name), j.out(), e.out());
        return NetworkPeer(client_, network_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's NetworkPeersPost (`{"name", "target_project", "target_network",
    /// "description", "config"}`) and return it.
    NetworkPeer create(const nlohmann::json& peer) const {
        detail::call(lxd_network_peer_create, client_, detail::cstr(network_), peer.dump().c_str());
        return get(detail::str_at(peer, "name"));
    }

private:
    lxd_client* client_;
    std::string network_;
};

/// A network (`/1.0/networks/<name>`).
class Network : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Network(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (its key, as read).
    const std::string& name() const noexcept { return name_; }
    /// "bridge", "physical", "loopback", ...
    std::string type() const { return detail::str_at(local_, "type"); }
    /// LXD's `managed` field, as last read.
    bool managed() const { return detail::bool_at(local_, "managed"); }
    /// LXD's `status` field, as last read.
    std::string status() const { return detail::str_at(local_, "status"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// Its forwards (managed bridge or OVN networks).
    NetworkForwards forwards() const { return NetworkForwards(client_, name_); }
    /// Its peers (OVN networks).
    NetworkPeers peers() const { return NetworkPeers(client_, name_); }
    /// DHCP leases of a managed network: `[{"hostname", "hw_address", "address", "type",
    /// "location", "project"}, ...]`. Unmanaged: `Error` (Api).
    std::vector<nlohmann::json> leases() const {
        detail::OwnedString s;
        detail::call(lxd_network_leases, client_, detail::cstr(name_), s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// Runtime state (`GET /1.0/networks/<name>/state`).
    nlohmann::json state() const {
        detail::OwnedString s;
        detail::call(lxd_network_state, client_, detail::cstr(name_), s.out());
        return detail::parse(s.str());
    }
    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it; the object follows the new name. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_network_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Delete it on the server.
    void remove() const { detail::call(lxd_network_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.networks()`.
class Networks {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Networks(lxd_client* client) noexcept : client_(client) {}
    /// Names (recursion 0).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<Network> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_list, client_, std::int32_t{1}, s.out());
        std::vector<Network> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One object, with its ETag. Missing: `NotFound`.
    Network get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_get, client_, detail::cstr(name), j.out(), e.out());
        return Network(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_network_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's NetworksPost object (`{"name": ..., "type": "bridge", "config": {...}}`).
    Network create(const nlohmann::json& network) const {
        detail::call(lxd_network_create, client_, network.dump().c_str());
        return get(detail::str_at(network, "name"));
    }

private:
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Network ACLs, zones and zone records
// ---------------------------------------------------------------------------------------------

/// A network ACL (`/1.0/network-acls/<name>`). LXD 5.0.2 merges only `config` on PATCH; other
/// fields sent are replaced, and omitted rule lists become empty.
class NetworkAcl : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    NetworkAcl(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (key, as read).
    const std::string& name() const noexcept { return name_; }
    /// Ingress rules (`[{"action", "source", "destination", "protocol", "state", ...}]`); mutable
    /// for `save()`.
    nlohmann::json& ingress() { return array_at("ingress"); }
    /// Egress rules.
    nlohmann::json& egress() { return array_at("egress"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// The ACL's log (only OVN networks log; others: `Error` Api).
    std::string log() const {
        detail::OwnedString s;
        detail::call(lxd_network_acl_log, client_, detail::cstr(name_), s.out());
        return s.str();
    }
    /// `PATCH` with the ETag as If-Match, then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_acl_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it; the object follows. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_network_acl_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Delete it.
    void remove() const { detail::call(lxd_network_acl_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_acl_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_acl_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    nlohmann::json& array_at(const char* key) {
        nlohmann::json& v = local_[key];
        if (!v.is_array()) v = nlohmann::json::array();
        return v;
    }
    std::string name_;
};

/// `client.network_acls()`.
class NetworkAcls {
public:
    /// The ACLs of the client's project.
    explicit NetworkAcls(lxd_client* client) noexcept : client_(client) {}
    /// ACL names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_acl_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every ACL (no ETags until `sync()`).
    std::vector<NetworkAcl> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_acl_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<NetworkAcl>(s.str(), [&](nlohmann::json j) { return NetworkAcl(client_, std::move(j)); });
    }
    /// One ACL with its ETag. Missing: `NotFound`.
    NetworkAcl get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_acl_get, client_, detail::cstr(name), j.out(), e.out());
        return NetworkAcl(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether ACL `name` exists.
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_network_acl_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's NetworkACLsPost (`{"name", "description", "ingress", "egress",
    /// "config"}`) and return it. Exists: `Error` Api (LXD 5.0.2 answers 400, not 409).
    NetworkAcl create(const nlohmann::json& acl) const {
        detail::call(lxd_network_acl_create, client_, acl.dump().c_str());
        return get(detail::str_at(acl, "name"));
    }

private:
    lxd_client* client_;
};

/// A DNS record of a network zone (`/1.0/network-zones/<zone>/records/<name>`).
class NetworkZoneRecord : public Object {
public:
    /// Wrap `json` read from `zone` (with `etag`, if any).
    NetworkZoneRecord(lxd_client* client, std::string zone, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), zone_(std::move(zone)), name_(detail::str_at(local_, "name")) {}
    /// Its name (key).
    const std::string& name() const noexcept { return name_; }
    /// The zone it belongs to.
    const std::string& zone() const noexcept { return zone_; }
    /// Entries: `[{"type": "A", "value": "192.0.2.7", "ttl": ...}, ...]`; mutable for `save()`.
    nlohmann::json& entries() {
        nlohmann::json& v = local_["entries"];
        if (!v.is_array()) v = nlohmann::json::array();
        return v;
    }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }

    /// `PATCH` with the ETag as If-Match, then re-read. Include `config`: LXD 5.0.2 drops the
    /// connection (`Error` Connection) on a record PATCH without it once the record was PUT.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_zone_record_patch, client_, detail::cstr(zone_), detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Delete it.
    void remove() const { detail::call(lxd_network_zone_record_delete, client_, detail::cstr(zone_), detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_zone_record_get, client_, detail::cstr(zone_), detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_zone_record_update, client_, detail::cstr(zone_), detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string zone_;
    std::string name_;
};

/// The records of one zone (`zone.records()`).
class NetworkZoneRecords {
public:
    /// The records of `zone` (borrowing `client`).
    NetworkZoneRecords(lxd_client* client, std::string zone) : client_(client), zone_(std::move(zone)) {}
    /// Record names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_zone_record_list, client_, detail::cstr(zone_), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every record (no ETags until `sync()`).
    std::vector<NetworkZoneRecord> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_zone_record_list, client_, detail::cstr(zone_), std::int32_t{1}, s.out());
        return detail::objects_from<NetworkZoneRecord>(s.str(), [&](nlohmann::json j) { return NetworkZoneRecord(client_, zone_, std::move(j)); });
    }
    /// One record with its ETag. Missing: `NotFound`.
    NetworkZoneRecord get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_zone_record_get, client_, detail::cstr(zone_), detail::cstr(name), j.out(), e.out());
        return NetworkZoneRecord(client_, zone_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's NetworkZoneRecordsPost (`{"name", "description", "entries", "config"}`)
    /// and return it.
    NetworkZoneRecord create(const nlohmann::json& record) const {
        detail::call(lxd_network_zone_record_create, client_, detail::cstr(zone_), record.dump().c_str());
        return get(detail::str_at(record, "name"));
    }

private:
    lxd_client* client_;
    std::string zone_;
};

/// A DNS zone LXD serves (`/1.0/network-zones/<name>`). LXD has no rename for zones.
class NetworkZone : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    NetworkZone(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name, the zone's domain (key).
    const std::string& name() const noexcept { return name_; }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// `PATCH` with the ETag as If-Match, then re-read. Include `config`: LXD 5.0.2 drops the
    /// connection (`Error` Connection) on a zone PATCH without it when the zone has config.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_network_zone_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Delete it (with its records).
    void remove() const { detail::call(lxd_network_zone_delete, client_, detail::cstr(name_)); }
    /// Its records.
    NetworkZoneRecords records() const { return NetworkZoneRecords(client_, name_); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_network_zone_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_network_zone_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.network_zones()`.
class NetworkZones {
public:
    /// The zones of the client's project.
    explicit NetworkZones(lxd_client* client) noexcept : client_(client) {}
    /// Zone names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_network_zone_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every zone (no ETags until `sync()`).
    std::vector<NetworkZone> all() const {
        detail::OwnedString s;
        detail::call(lxd_network_zone_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<NetworkZone>(s.str(), [&](nlohmann::json j) { return NetworkZone(client_, std::move(j)); });
    }
    /// One zone with its ETag. Missing: `NotFound`.
    NetworkZone get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_network_zone_get, client_, detail::cstr(name), j.out(), e.out());
        return NetworkZone(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether zone `name` exists.
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_network_zone_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's NetworkZonesPost (`{"name", "description", "config"}`) and return it.
    /// Exists: `Error` Api (LXD 5.0.2 answers 400, not 409).
    NetworkZone create(const nlohmann::json& zone) const {
        detail::call(lxd_network_zone_create, client_, zone.dump().c_str());
        return get(detail::str_at(zone, "name"));
    }

private:
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Storage volumes, their snapshots and backups
// ---------------------------------------------------------------------------------------------

/// Where a storage volume lives: pool, volume type ("custom", "container", "virtual-machine",
/// "image") and name.
struct VolumeRef {
    std::string pool;
    std::string type;
    std::string name;
};

/// A snapshot of a storage volume
/// (`/1.0/storage-pools/<pool>/volumes/<type>/<volume>/snapshots/<name>`).
class StorageVolumeSnapshot : public Object {
public:
    /// Wrap `json` read from the snapshots of `volume` (with `etag`, if any).
    StorageVolumeSnapshot(lxd_client* client, VolumeRef volume, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), volume_(std::move(volume)), name_(short_name(detail::str_at(local_, "name"))) {}
    /// The snapshot's name (without the "volume/" prefix).
    const std::string& name() const noexcept { return name_; }
    /// The volume it belongs to.
    const VolumeRef& volume() const noexcept { return volume_; }
    /// LXD's `expires_at` field, as last read.
    std::string expires_at() const { return detail::str_at(local_, "expires_at"); }
    /// Set `expires_at` locally (`save()` writes it).
    void set_expires_at(const std::string& when) { local_["expires_at"] = when; }
    /// LXD's `created_at` field, as last read.
    std::string created_at() const { return detail::str_at(local_, "created_at"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }

    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_storage_volume_snapshot_patch, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                         detail::cstr(volume_.name), detail::cstr(name_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
        });
    }
    /// Rename it, waiting; the object follows the new name. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_storage_volume_snapshot_rename, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        sync();
    }
    /// Delete it, waiting.
    void remove() const {
        detail::call(lxd_storage_volume_snapshot_delete, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
    }
    /// As `remove`, returning the operation.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_snapshot_delete, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), &op);
        return Operation(op);
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_storage_volume_snapshot_get, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_storage_volume_snapshot_update, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }

private:
    // LXD names volume snapshots "volume/snapshot" in some answers.
    static std::string short_name(const std::string& n) {
        const auto slash = n.rfind('/');
        return slash == std::string::npos ? n : n.substr(slash + 1);
    }
    VolumeRef volume_;
    std::string name_;
};

/// The snapshots of one storage volume (`volume.snapshots()`).
class StorageVolumeSnapshots {
public:
    /// The snapshots of `volume` (borrowing `client`).
    StorageVolumeSnapshots(lxd_client* client, VolumeRef volume) : client_(client), volume_(std::move(volume)) {}
    /// Snapshot names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_snapshot_list, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every snapshot (no ETags until `sync()`).
    std::vector<StorageVolumeSnapshot> all() const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_snapshot_list, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), std::int32_t{1}, s.out());
        return detail::objects_from<StorageVolumeSnapshot>(s.str(), [&](nlohmann::json j) { return StorageVolumeSnapshot(client_, volume_, std::move(j)); });
    }
    /// One snapshot with its ETag. Missing: `NotFound`.
    StorageVolumeSnapshot get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_storage_volume_snapshot_get, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name), j.out(), e.out());
        return StorageVolumeSnapshot(client_, volume_, detail::parse(j.str()), e.opt());
    }
    /// Take snapshot `name` (expiring at RFC 3339 `expires_at`, "": never), wait, return it.
    StorageVolumeSnapshot create(const std::string& name, const std::string& expires_at = {}) const {
        detail::call(lxd_storage_volume_snapshot_create, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name), detail::opt_cstr(expires_at), static_cast<lxd_operation**>(nullptr));
        return get(name);
    }
    /// Take a snapshot (`name` "": LXD picks `snap0`, ...), returning the operation.
    Operation create_async(const std::string& name = {}, const std::string& expires_at = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_snapshot_create, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::opt_cstr(name), detail::opt_cstr(expires_at), &op);
        return Operation(op);
    }

private:
    lxd_client* client_;
    VolumeRef volume_;
};

/// A backup of a custom storage volume. LXD has no PUT for backups: read, rename, export or
/// remove it.
class StorageVolumeBackup {
public:
    /// Wrap `json` read from the backups of `volume`.
    StorageVolumeBackup(lxd_client* client, VolumeRef volume, nlohmann::json json)
        : client_(client), volume_(std::move(volume)), json_(std::move(json)), name_(short_name(detail::str_at(json_, "name"))) {}
    /// The backup's name (without the "volume/" prefix).
    const std::string& name() const noexcept { return name_; }
    /// The volume it belongs to.
    const VolumeRef& volume() const noexcept { return volume_; }
    /// LXD's backup object (`name`, `created_at`, `expires_at`, `volume_only`, `optimized_storage`).
    const nlohmann::json& json() const noexcept { return json_; }
    /// LXD's `created_at` field, as last read.
    std::string created_at() const { return detail::str_at(json_, "created_at"); }
    /// LXD's `expires_at` field, as last read.
    std::string expires_at() const { return detail::str_at(json_, "expires_at"); }
    /// LXD's `volume_only` field, as last read.
    bool volume_only() const { return detail::bool_at(json_, "volume_only"); }

    /// Re-read it.
    void refresh() {
        detail::OwnedString j;
        detail::call(lxd_storage_volume_backup_get, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type), detail::cstr(volume_.name),
                     detail::cstr(name_), j.out(), static_cast<char**>(nullptr));
        json_ = detail::parse(j.str());
    }
    /// Rename it, waiting; the object follows the new name.
    void rename(const std::string& new_name) {
        detail::call(lxd_storage_volume_backup_rename, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        refresh();
    }
    /// Delete it, waiting.
    void remove() const {
        detail::call(lxd_storage_volume_backup_delete, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
    }
    /// As `remove`, returning the operation.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_backup_delete, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name_), &op);
        return Operation(op);
    }
    /// Download the tarball to the file `path`, streamed and atomic.
    void export_to(const std::string& path, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_export_path(client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                                                         detail::cstr(volume_.name), detail::cstr(name_), detail::cstr(path), cb, user, err);
        });
    }
    /// Download the tarball into descriptor `fd` (not closed).
    void export_fd(int fd, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_export_fd(client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                                                       detail::cstr(volume_.name), detail::cstr(name_), fd, cb, user, err);
        });
    }

private:
    static std::string short_name(const std::string& n) {
        const auto slash = n.rfind('/');
        return slash == std::string::npos ? n : n.substr(slash + 1);
    }
    lxd_client* client_;
    VolumeRef volume_;
    nlohmann::json json_;
    std::string name_;
};

/// The backups of one custom storage volume (`volume.backups()`).
class StorageVolumeBackups {
public:
    /// The backups of `volume` (borrowing `client`).
    StorageVolumeBackups(lxd_client* client, VolumeRef volume) : client_(client), volume_(std::move(volume)) {}
    /// Backup names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_backup_list, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), std::int32_t{0}, s.out());
        std::vector<std::string> out;
        for (auto& n : detail::names_from(s.str())) {
            const auto slash = n.rfind('/');
            out.push_back(slash == std::string::npos ? n : n.substr(slash + 1));
        }
        return out;
    }
    /// Every backup.
    std::vector<StorageVolumeBackup> all() const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_backup_list, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), std::int32_t{1}, s.out());
        return detail::objects_from<StorageVolumeBackup>(s.str(), [&](nlohmann::json j) { return StorageVolumeBackup(client_, volume_, std::move(j)); });
    }
    /// One backup. Missing: `NotFound`.
    StorageVolumeBackup get(const std::string& name) const {
        detail::OwnedString j;
        detail::call(lxd_storage_volume_backup_get, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::cstr(name), j.out(), static_cast<char**>(nullptr));
        return StorageVolumeBackup(client_, volume_, detail::parse(j.str()));
    }
    /// Back the volume up, wait, return the backup. `options`: LXD's
    /// StoragePoolVolumeBackupsPost (`name`, `expires_at`, `volume_only`, `optimized_storage`,
    /// `compression_algorithm`); without a `name`, the one LXD picked (newly listed).
    StorageVolumeBackup create(const nlohmann::json& options = nullptr) const {
        std::string name = detail::str_at(options, "name");
        std::vector<std::string> before;
        if (name.empty()) before = names();
        const std::string o = detail::options_text(options);
        detail::call(lxd_storage_volume_backup_create, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
        if (name.empty()) {
            for (const auto& n : names())
                if (std::find(before.begin(), before.end(), n) == before.end()) name = n;
            if (name.empty()) throw Error(ErrorCode::Protocol, 0, "backup created, but no new backup is listed");
        }
        return get(name);
    }
    /// As `create`, returning the operation.
    Operation create_async(const nlohmann::json& options = nullptr) const {
        const std::string o = detail::options_text(options);
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_backup_create, client_, detail::cstr(volume_.pool), detail::cstr(volume_.type),
                     detail::cstr(volume_.name), detail::opt_cstr(o), &op);
        return Operation(op);
    }

private:
    lxd_client* client_;
    VolumeRef volume_;
};

/// A storage volume (`/1.0/storage-pools/<pool>/volumes/<type>/<name>`). LXD's ETag of a volume
/// covers its name, type and config (not its description).
class StorageVolume : public Object {
public:
    /// Wrap `json` read from `pool` (with `etag`, if any); the type comes from the JSON ("custom"
    /// when missing).
    StorageVolume(lxd_client* client, std::string pool, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)),
          ref_{std::move(pool), detail::str_at(local_, "type"), detail::str_at(local_, "name")} {
        if (ref_.type.empty()) ref_.type = "custom";
    }
    /// The volume's name (its key, as read).
    const std::string& name() const noexcept { return ref_.name; }
    /// Its pool.
    const std::string& pool() const noexcept { return ref_.pool; }
    /// "custom", "container", "virtual-machine" or "image".
    const std::string& type() const noexcept { return ref_.type; }
    /// Pool, type and name.
    const VolumeRef& ref() const noexcept { return ref_; }
    /// "filesystem" or "block".
    std::string content_type() const { return detail::str_at(local_, "content_type"); }
    /// LXD's `location` field, as last read.
    std::string location() const { return detail::str_at(local_, "location"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// Usage (`.../state`: `{"usage": {"used", "total"}}`). Not every driver reports it (`dir`
    /// without quotas: `Error` Api).
    nlohmann::json state() const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_state, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name), s.out());
        return detail::parse(s.str());
    }
    /// Merge `changes` on the server (`PATCH`, ETag as If-Match), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_storage_volume_patch, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                         body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
        });
    }
    /// Rename it within its pool, waiting; the object follows. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_storage_volume_rename, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        ref_.name = new_name;
        sync();
    }
    /// As `rename`, returning the operation; this object keeps the old name.
    Operation rename_async(const std::string& new_name) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_rename, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     detail::cstr(new_name), &op);
        return Operation(op);
    }
    /// Move it (not in use) to pool `new_pool` as `new_name` ("": the same name), waiting; the
    /// object follows.
    void move_to(const std::string& new_pool, const std::string& new_name = {}) {
        const std::string target = new_name.empty() ? ref_.name : new_name;
        detail::call(lxd_storage_volume_move, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     detail::cstr(new_pool), detail::cstr(target), static_cast<lxd_operation**>(nullptr));
        ref_.pool = new_pool;
        ref_.name = target;
        sync();
    }
    /// As `move_to`, returning the operation; this object keeps the old place.
    Operation move_to_async(const std::string& new_pool, const std::string& new_name = {}) const {
        const std::string target = new_name.empty() ? ref_.name : new_name;
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_move, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     detail::cstr(new_pool), detail::cstr(target), &op);
        return Operation(op);
    }
    /// Copy this custom volume to `new_name` in `target_pool` ("": this pool), with its snapshots
    /// unless `volume_only`; wait, return the copy.
    StorageVolume copy_to(const std::string& new_name, const std::string& target_pool = {}, bool volume_only = false) const {
        const std::string pool = target_pool.empty() ? ref_.pool : target_pool;
        detail::call(lxd_storage_volume_copy, client_, detail::cstr(ref_.pool), detail::cstr(ref_.name), detail::cstr(pool),
                     detail::cstr(new_name), volume_only, static_cast<lxd_operation**>(nullptr));
        detail::OwnedString j, e;
        detail::call(lxd_storage_volume_get, client_, detail::cstr(pool), "custom", detail::cstr(new_name), j.out(), e.out());
        return StorageVolume(client_, pool, detail::parse(j.str()), e.opt());
    }
    /// Delete it, waiting.
    void remove() const {
        detail::call(lxd_storage_volume_delete, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     static_cast<lxd_operation**>(nullptr));
    }
    /// As `remove`, returning the operation.
    Operation remove_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_delete, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name), &op);
        return Operation(op);
    }
    /// Its snapshots.
    StorageVolumeSnapshots snapshots() const { return StorageVolumeSnapshots(client_, ref_); }
    /// Its backups (custom volumes).
    StorageVolumeBackups backups() const { return StorageVolumeBackups(client_, ref_); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_storage_volume_get, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_storage_volume_update, client_, detail::cstr(ref_.pool), detail::cstr(ref_.type), detail::cstr(ref_.name),
                     body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }

private:
    VolumeRef ref_;
};

/// The volumes of one storage pool (`client.storage_pools().get(name).volumes()`, or
/// `StorageVolumes(client.native_handle(), pool)`).
class StorageVolumes {
public:
    /// The volumes of `pool` (borrowing `client`).
    StorageVolumes(lxd_client* client, std::string pool) : client_(client), pool_(std::move(pool)) {}
    /// The pool.
    const std::string& pool() const noexcept { return pool_; }
    /// Names of the volumes of `type` ("custom", "container", "virtual-machine", "image"; anything
    /// else: `Error` InvalidArgument).
    std::vector<std::string> names(const std::string& type = "custom") const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list, client_, detail::cstr(pool_), detail::cstr(type), std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// The volumes of `type` (no ETags until `sync()`).
    std::vector<StorageVolume> all(const std::string& type = "custom") const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list, client_, detail::cstr(pool_), detail::cstr(type), std::int32_t{1}, s.out());
        return detail::objects_from<StorageVolume>(s.str(), [&](nlohmann::json j) { return StorageVolume(client_, pool_, std::move(j)); });
    }
    /// Every volume of the pool as "type/name" ("custom/vol1", "container/c1"), filtered by LXD's
    /// collection `filter` ("type eq custom"; "": all).
    std::vector<std::string> typed_names(const std::string& filter = {}) const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list_all, client_, detail::cstr(pool_), std::int32_t{0}, detail::opt_cstr(filter), s.out());
        return detail::names_from(s.str());
    }
    /// Every volume of the pool, of all types, filtered by `filter` ("": all).
    std::vector<StorageVolume> all_types(const std::string& filter = {}) const {
        detail::OwnedString s;
        detail::call(lxd_storage_volume_list_all, client_, detail::cstr(pool_), std::int32_t{1}, detail::opt_cstr(filter), s.out());
        return detail::objects_from<StorageVolume>(s.str(), [&](nlohmann::json j) { return StorageVolume(client_, pool_, std::move(j)); });
    }
    /// One volume with its ETag. Missing: `NotFound`.
    StorageVolume get(const std::string& name, const std::string& type = "custom") const {
        detail::OwnedString j, e;
        detail::call(lxd_storage_volume_get, client_, detail::cstr(pool_), detail::cstr(type), detail::cstr(name), j.out(), e.out());
        return StorageVolume(client_, pool_, detail::parse(j.str()), e.opt());
    }
    /// Whether volume `name` of `type` exists.
    bool exists(const std::string& name, const std::string& type = "custom") const {
        bool out = false;
        detail::call(lxd_storage_volume_exists, client_, detail::cstr(pool_), detail::cstr(type), detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's StorageVolumesPost (`{"name", "type": "custom", "config", "description",
    /// "content_type", "source"}`), wait, return it. Exists: `Conflict`.
    StorageVolume create(const nlohmann::json& volume) const {
        detail::call(lxd_storage_volume_create, client_, detail::cstr(pool_), static_cast<const char*>(nullptr), volume.dump().c_str(),
                     static_cast<lxd_operation**>(nullptr));
        const std::string type = detail::str_at(volume, "type");
        return get(detail::str_at(volume, "name"), type.empty() ? "custom" : type);
    }
    /// As `create`, posting to `.../volumes/<type>` (`type` "": `.../volumes`), returning the
    /// operation (empty when LXD finished synchronously, as a plain create does).
    Operation create_async(const nlohmann::json& volume, const std::string& type = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_storage_volume_create, client_, detail::cstr(pool_), detail::opt_cstr(type), volume.dump().c_str(), &op);
        return Operation(op);
    }
    /// Create a custom volume from the backup tarball at `path` (streamed), named `name` ("": the
    /// backup's); wait. Returns the new volume when `name` is given, else nullopt (LXD does not
    /// report the name).
    std::optional<StorageVolume> import_backup(const std::string& path, const std::string& name = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_path(client_, detail::cstr(pool_), detail::cstr(path), detail::opt_cstr(name), cb, user,
                                                         static_cast<lxd_operation**>(nullptr), err);
        });
        if (name.empty()) return std::nullopt;
        return get(name);
    }
    /// As `import_backup`, reading the tarball from descriptor `fd` to its end (not closed).
    std::optional<StorageVolume> import_backup_fd(int fd, const std::string& name = {}, const Progress& progress = nullptr) const {
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_fd(client_, detail::cstr(pool_), fd, detail::opt_cstr(name), cb, user,
                                                       static_cast<lxd_operation**>(nullptr), err);
        });
        if (name.empty()) return std::nullopt;
        return get(name);
    }
    /// As `import_backup`, returning the operation once the upload is done.
    Operation import_backup_async(const std::string& path, const std::string& name = {}, const Progress& progress = nullptr) const {
        lxd_operation* op = nullptr;
        detail::with_progress(progress, [&](lxd_progress_cb cb, void* user, lxd_error** err) {
            return lxd_storage_volume_backup_import_path(client_, detail::cstr(pool_), detail::cstr(path), detail::opt_cstr(name), cb, user, &op, err);
        });
        return Operation(op);
    }

private:
    lxd_client* client_;
    std::string pool_;
};

/// A storage pool (`/1.0/storage-pools/<name>`).
class StoragePool : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    StoragePool(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (its key, as read).
    const std::string& name() const noexcept { return name_; }
    /// "dir", "zfs", "btrfs", ...
    std::string driver() const { return detail::str_at(local_, "driver"); }
    /// LXD's `status` field, as last read.
    std::string status() const { return detail::str_at(local_, "status"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// Its volumes.
    StorageVolumes volumes() const { return StorageVolumes(client_, name_); }
    /// Usage (`GET /1.0/storage-pools/<name>/resources`: space and inodes).
    nlohmann::json resources() const {
        detail::OwnedString s;
        detail::call(lxd_storage_pool_resources, client_, detail::cstr(name_), s.out());
        return detail::parse(s.str());
    }
    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_storage_pool_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Delete it on the server.
    void remove() const { detail::call(lxd_storage_pool_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_storage_pool_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_storage_pool_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.storage_pools()`.
class StoragePools {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit StoragePools(lxd_client* client) noexcept : client_(client) {}
    /// Names (recursion 0).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_storage_pool_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<StoragePool> all() const {
        detail::OwnedString s;
        detail::call(lxd_storage_pool_list, client_, std::int32_t{1}, s.out());
        std::vector<StoragePool> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One object, with its ETag. Missing: `NotFound`.
    StoragePool get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_storage_pool_get, client_, detail::cstr(name), j.out(), e.out());
        return StoragePool(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether it exists (a 404 gives false).
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_storage_pool_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's StoragePoolsPost object (the WHOLE object: `{"name": ..., "driver":
    /// "dir", "config": {...}}`).
    StoragePool create(const nlohmann::json& pool) const {
        detail::call(lxd_storage_pool_create, client_, pool.dump().c_str());
        return get(detail::str_at(pool, "name"));
    }

private:
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Certificates, operations, server
// ---------------------------------------------------------------------------------------------

/// A trusted certificate (`/1.0/certificates/<fingerprint>`).
class Certificate : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Certificate(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), fingerprint_(detail::str_at(local_, "fingerprint")) {}
    /// Its fingerprint (its key, as read).
    const std::string& fingerprint() const noexcept { return fingerprint_; }
    /// LXD's `name` field, as last read.
    std::string name() const { return detail::str_at(local_, "name"); }
    /// Set `name` locally (`save()` writes it).
    void set_name(const std::string& n) { local_["name"] = n; }
    /// "client" or "metrics".
    std::string type() const { return detail::str_at(local_, "type"); }
    /// The certificate, PEM.
    std::string certificate() const { return detail::str_at(local_, "certificate"); }
    /// LXD's `restricted` field, as last read.
    bool restricted() const { return detail::bool_at(local_, "restricted"); }
    /// LXD's `projects` field, as last read.
    std::vector<std::string> projects() const { return detail::strings_at(local_, "projects"); }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_certificate_patch, client_, detail::cstr(fingerprint_), body.c_str(), etag);
        });
    }
    /// Stop trusting it.
    void remove() const { detail::call(lxd_certificate_delete, client_, detail::cstr(fingerprint_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_certificate_get, client_, detail::cstr(fingerprint_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_certificate_update, client_, detail::cstr(fingerprint_), body.c_str(), etag);
    }

private:
    std::string fingerprint_;
};

/// `client.certificates()`.
class Certificates {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Certificates(lxd_client* client) noexcept : client_(client) {}
    /// Fingerprints.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_certificate_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every object (recursion 1); they carry no ETag until `sync()`.
    std::vector<Certificate> all() const {
        detail::OwnedString s;
        detail::call(lxd_certificate_list, client_, std::int32_t{1}, s.out());
        std::vector<Certificate> out;
        for (auto& j : detail::parse(s.str())) out.emplace_back(client_, std::move(j));
        return out;
    }
    /// One object, with its ETag. Missing: `NotFound`.
    Certificate get(const std::string& fingerprint) const {
        detail::OwnedString j, e;
        detail::call(lxd_certificate_get, client_, detail::cstr(fingerprint), j.out(), e.out());
        return Certificate(client_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's CertificatesPost object (`certificate` is base64 DER, i.e. the PEM body).
    void create(const nlohmann::json& request) const { detail::call(lxd_certificate_create, client_, request.dump().c_str()); }
    /// Trust `cert_pem` ("": this client's own certificate, which needs `password`), named `name`
    /// (may be ""), with the trust password or a token (`password`, "" when already trusted).
    void add(const std::string& cert_pem, const std::string& name = {}, const std::string& password = {}) const {
        detail::call(lxd_certificate_add, client_, detail::opt_cstr(cert_pem), detail::opt_cstr(name), detail::opt_cstr(password));
    }
    /// Make a one-use trust token for a new client called `name` (`lxc config trust add`): the
    /// new client passes `secret` as its trust password (`Client::authenticate`). Cancel the
    /// token's operation to revoke it.
    Token create_token(const std::string& name) const {
        Token t;
        detail::OwnedString s;
        lxd_operation* op = nullptr;
        detail::call(lxd_certificate_token_create, client_, detail::cstr(name), s.out(), &op);
        t.secret = s.str();
        t.operation = Operation(op);
        return t;
    }
    /// From an untrusted client: have the server trust this client's own certificate, with the
    /// trust `password` or a token, named `name` (""). Wrong password: `Error` (Forbidden);
    /// already trusted: `Error` (Api, 400).
    void add_untrusted(const std::string& password, const std::string& name = {}) const {
        detail::call(lxd_certificate_add_untrusted, client_, detail::cstr(password), detail::opt_cstr(name));
    }

private:
    lxd_client* client_;
};

// ---------------------------------------------------------------------------------------------
// Projects, warnings, cluster
// ---------------------------------------------------------------------------------------------

/// A project (`/1.0/projects/<name>`). Work in it with `client.with_project(name)`.
class Project : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    Project(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (key, as read).
    const std::string& name() const noexcept { return name_; }
    /// `features.*`, `limits.*`, `restricted.*`, `user.*`.
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `used_by` field, as last read.
    std::vector<std::string> used_by() const { return detail::strings_at(local_, "used_by"); }

    /// Resource usage and limits (`.../state`: `{"resources": {"instances": {"Limit", "Usage"}, ...}}`).
    nlohmann::json state() const {
        detail::OwnedString s;
        detail::call(lxd_project_state, client_, detail::cstr(name_), s.out());
        return detail::parse(s.str());
    }
    /// `PATCH` with the ETag as If-Match, then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_project_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it (it must be empty), waiting; the object follows. Taken: `Conflict`.
    void rename(const std::string& new_name) {
        detail::call(lxd_project_rename, client_, detail::cstr(name_), detail::cstr(new_name), static_cast<lxd_operation**>(nullptr));
        name_ = new_name;
        sync();
    }
    /// As `rename`, returning the operation; this object keeps the old name.
    Operation rename_async(const std::string& new_name) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_project_rename, client_, detail::cstr(name_), detail::cstr(new_name), &op);
        return Operation(op);
    }
    /// Delete it (it must be empty: else `Error` Api; "default": `Error` Forbidden).
    void remove() const { detail::call(lxd_project_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_project_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_project_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.projects()`.
class Projects {
public:
    /// The server's projects.
    explicit Projects(lxd_client* client) noexcept : client_(client) {}
    /// Project names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_project_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every project (no ETags until `sync()`).
    std::vector<Project> all() const {
        detail::OwnedString s;
        detail::call(lxd_project_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<Project>(s.str(), [&](nlohmann::json j) { return Project(client_, std::move(j)); });
    }
    /// One project with its ETag. Missing: `NotFound`.
    Project get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_project_get, client_, detail::cstr(name), j.out(), e.out());
        return Project(client_, detail::parse(j.str()), e.opt());
    }
    /// Whether project `name` exists.
    bool exists(const std::string& name) const {
        bool out = false;
        detail::call(lxd_project_exists, client_, detail::cstr(name), &out);
        return out;
    }
    /// Create from LXD's ProjectsPost (`{"name", "description", "config"}`) and return it.
    /// Exists: `Conflict`.
    Project create(const nlohmann::json& project) const {
        detail::call(lxd_project_create, client_, project.dump().c_str());
        return get(detail::str_at(project, "name"));
    }

private:
    lxd_client* client_;
};

/// A warning the server recorded (`/1.0/warnings/<uuid>`); only its `status` is writable, to
/// "new" or "acknowledged" (LXD resolves them itself: "resolved" is `Error` Forbidden). LXD 5.0.2
/// sends no ETag for warnings, so `save()` is unconditional.
class Warning : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    Warning(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), uuid_(detail::str_at(local_, "uuid")) {}
    /// Its UUID (key).
    const std::string& uuid() const noexcept { return uuid_; }
    /// "new", "acknowledged" or "resolved".
    std::string status() const { return detail::str_at(local_, "status"); }
    /// Set `status` locally (`save()` writes it).
    void set_status_local(const std::string& s) { local_["status"] = s; }
    /// LXD's `type` field, as last read.
    std::string type() const { return detail::str_at(local_, "type"); }
    /// LXD's `severity` field, as last read.
    std::string severity() const { return detail::str_at(local_, "severity"); }
    /// LXD's `last_message` field, as last read.
    std::string last_message() const { return detail::str_at(local_, "last_message"); }
    /// LXD's `location` field, as last read.
    std::string location() const { return detail::str_at(local_, "location"); }
    /// LXD's `project` field, as last read.
    std::string project() const { return detail::str_at(local_, "project"); }
    /// LXD's `count` field, as last read.
    std::int64_t count() const { return detail::int_at(local_, "count"); }

    /// Set its status on the server ("new", "acknowledged", "resolved"; anything else: `Error`
    /// InvalidArgument), then re-read.
    void set_status(const std::string& status) {
        detail::call(lxd_warning_set_status, client_, detail::cstr(uuid_), detail::cstr(status));
        sync();
    }
    /// `PATCH` with the ETag as If-Match, then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_warning_patch, client_, detail::cstr(uuid_), body.c_str(), etag);
        });
    }
    /// Delete it.
    void remove() const { detail::call(lxd_warning_delete, client_, detail::cstr(uuid_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_warning_get, client_, detail::cstr(uuid_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_warning_update, client_, detail::cstr(uuid_), body.c_str(), etag);
    }

private:
    std::string uuid_;
};

/// `client.warnings()`.
class Warnings {
public:
    /// The server's warnings.
    explicit Warnings(lxd_client* client) noexcept : client_(client) {}
    /// Warning UUIDs (LXD lists URLs; their last segment).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_warning_list, client_, std::int32_t{0}, s.out());
        std::vector<std::string> out;
        for (auto& n : detail::names_from(s.str())) {
            const auto slash = n.rfind('/');
            out.push_back(slash == std::string::npos ? n : n.substr(slash + 1));
        }
        return out;
    }
    /// Every warning (no ETags until `sync()`).
    std::vector<Warning> all() const {
        detail::OwnedString s;
        detail::call(lxd_warning_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<Warning>(s.str(), [&](nlohmann::json j) { return Warning(client_, std::move(j)); });
    }
    /// One warning with its ETag. Missing: `NotFound`.
    Warning get(const std::string& uuid) const {
        detail::OwnedString j, e;
        detail::call(lxd_warning_get, client_, detail::cstr(uuid), j.out(), e.out());
        return Warning(client_, detail::parse(j.str()), e.opt());
    }

private:
    lxd_client* client_;
};

/// A cluster member (`/1.0/cluster/members/<name>`).
class ClusterMember : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    ClusterMember(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "server_name")) {}
    /// Its `server_name` (key, as read).
    const std::string& name() const noexcept { return name_; }
    /// LXD's `url` field, as last read.
    std::string url() const { return detail::str_at(local_, "url"); }
    /// "Online", "Evacuated", "Offline", ...
    std::string status() const { return detail::str_at(local_, "status"); }
    /// LXD's `database` field, as last read.
    bool database() const { return detail::bool_at(local_, "database"); }
    /// LXD's `roles` field, as last read.
    std::vector<std::string> roles() const { return detail::strings_at(local_, "roles"); }
    /// LXD's `groups` field, as last read.
    std::vector<std::string> groups() const { return detail::strings_at(local_, "groups"); }
    /// LXD's `failure_domain` field, as last read.
    std::string failure_domain() const { return detail::str_at(local_, "failure_domain"); }
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }

    /// `PATCH` with the ETag as If-Match, then re-read. LXD 5.0.2 fills what a member PATCH
    /// leaves out with defaults and may refuse them: send `roles`, `groups`, `failure_domain` too.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_cluster_member_patch, client_, detail::cstr(name_), body.c_str(), etag);
        });
    }
    /// Rename it; the object follows.
    void rename(const std::string& new_name) {
        detail::call(lxd_cluster_member_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Remove it from the cluster (it must hold no instances).
    void remove() const { detail::call(lxd_cluster_member_delete, client_, detail::cstr(name_)); }
    /// Evacuate it (LXD's default mode), waiting, then re-read.
    void evacuate() {
        detail::call(lxd_cluster_member_evacuate, client_, detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
        sync();
    }
    /// As `evacuate`, returning the operation.
    Operation evacuate_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_member_evacuate, client_, detail::cstr(name_), &op);
        return Operation(op);
    }
    /// Restore it after an evacuation, waiting, then re-read.
    void restore() {
        detail::call(lxd_cluster_member_restore, client_, detail::cstr(name_), static_cast<lxd_operation**>(nullptr));
        sync();
    }
    /// As `restore`, returning the operation.
    Operation restore_async() const {
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_member_restore, client_, detail::cstr(name_), &op);
        return Operation(op);
    }
    /// `action` "evacuate" or "restore" (else `Error` InvalidArgument), with evacuation `mode`
    /// ("auto", "stop", "migrate", "live-migrate"; "": LXD's default); wait, re-read.
    void set_state(const std::string& action, const std::string& mode = {}) {
        detail::call(lxd_cluster_member_set_state, client_, detail::cstr(name_), detail::cstr(action), detail::opt_cstr(mode),
                     static_cast<lxd_operation**>(nullptr));
        sync();
    }
    /// As `set_state`, returning the operation.
    Operation set_state_async(const std::string& action, const std::string& mode = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_member_set_state, client_, detail::cstr(name_), detail::cstr(action), detail::opt_cstr(mode), &op);
        return Operation(op);
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_member_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_cluster_member_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.cluster().members()`.
class ClusterMembers {
public:
    /// The cluster's members.
    explicit ClusterMembers(lxd_client* client) noexcept : client_(client) {}
    /// Member names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_cluster_member_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every member (no ETags until `sync()`).
    std::vector<ClusterMember> all() const {
        detail::OwnedString s;
        detail::call(lxd_cluster_member_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<ClusterMember>(s.str(), [&](nlohmann::json j) { return ClusterMember(client_, std::move(j)); });
    }
    /// One member with its ETag. Missing: `NotFound`.
    ClusterMember get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_member_get, client_, detail::cstr(name), j.out(), e.out());
        return ClusterMember(client_, detail::parse(j.str()), e.opt());
    }
    /// A join token for a new member called `server_name` (`lxc cluster add`); cancel its
    /// operation to revoke it.
    Token join_token(const std::string& server_name) const {
        Token t;
        detail::OwnedString s;
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_member_join_token, client_, detail::cstr(server_name), s.out(), &op);
        t.secret = s.str();
        t.operation = Operation(op);
        return t;
    }

private:
    lxd_client* client_;
};

/// A cluster group (`/1.0/cluster/groups/<name>`).
class ClusterGroup : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    ClusterGroup(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), name_(detail::str_at(local_, "name")) {}
    /// Its name (key, as read).
    const std::string& name() const noexcept { return name_; }
    /// Member names.
    std::vector<std::string> members() const { return detail::strings_at(local_, "members"); }
    /// Set `members` locally (`save()` writes it).
    void set_members(const std::vector<std::string>& m) { local_["members"] = m; }

    /// Merge `changes` on the server (`PATCH`), then re-read. Sent WITHOUT the ETag: LXD 5.0.2
    /// checks a group PATCH against an ETag its GET never returns (every If-Match fails with
    /// 412), and ignores If-Match on the group PUT (`save()`).
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char*) {
            detail::call(lxd_cluster_group_patch, client_, detail::cstr(name_), body.c_str(), static_cast<const char*>(nullptr));
        });
    }
    /// Rename it; the object follows.
    void rename(const std::string& new_name) {
        detail::call(lxd_cluster_group_rename, client_, detail::cstr(name_), detail::cstr(new_name));
        name_ = new_name;
        sync();
    }
    /// Delete it (LXD 5.0.2 wants it empty: else `Error` Api, 500).
    void remove() const { detail::call(lxd_cluster_group_delete, client_, detail::cstr(name_)); }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_group_get, client_, detail::cstr(name_), j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_cluster_group_update, client_, detail::cstr(name_), body.c_str(), etag);
    }

private:
    std::string name_;
};

/// `client.cluster().groups()`.
class ClusterGroups {
public:
    /// The cluster's groups.
    explicit ClusterGroups(lxd_client* client) noexcept : client_(client) {}
    /// Group names.
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call(lxd_cluster_group_list, client_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every group (no ETags until `sync()`).
    std::vector<ClusterGroup> all() const {
        detail::OwnedString s;
        detail::call(lxd_cluster_group_list, client_, std::int32_t{1}, s.out());
        return detail::objects_from<ClusterGroup>(s.str(), [&](nlohmann::json j) { return ClusterGroup(client_, std::move(j)); });
    }
    /// One group with its ETag. Missing: `NotFound`.
    ClusterGroup get(const std::string& name) const {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_group_get, client_, detail::cstr(name), j.out(), e.out());
        return ClusterGroup(client_, detail::parse(j.str()), e.opt());
    }
    /// Create from LXD's ClusterGroupsPost (`{"name", "description", "members"}`) and return it.
    /// (LXD 5.0.2 reports an existing group as `Error` Api 500, not `Conflict`.)
    ClusterGroup create(const nlohmann::json& group) const {
        detail::call(lxd_cluster_group_create, client_, group.dump().c_str());
        return get(detail::str_at(group, "name"));
    }

private:
    lxd_client* client_;
};

/// The cluster document (`GET /1.0/cluster`: `server_name`, `enabled`, `member_config`). `save()`
/// PUTs it back (ClusterPut: enable clustering, join, leave), waiting for the operation.
class Cluster : public Object {
public:
    /// Wrap `json` (with `etag`, if any).
    Cluster(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)) {}
    /// LXD's `server_name` field, as last read.
    std::string server_name() const { return detail::str_at(local_, "server_name"); }
    /// LXD's `enabled` field, as last read.
    bool enabled() const { return detail::bool_at(local_, "enabled"); }
    /// Per-member configuration keys a joining server must provide.
    nlohmann::json member_config() const {
        return local_.is_object() && local_.contains("member_config") ? local_.at("member_config") : nlohmann::json::array();
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_get, client_, j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_cluster_update, client_, body.c_str(), etag, static_cast<lxd_operation**>(nullptr));
    }
};

/// `client.cluster()`: the cluster, its members and groups.
class ClusterManager {
public:
    /// The cluster of the client's server.
    explicit ClusterManager(lxd_client* client) noexcept : client_(client) {}
    /// The cluster document with its ETag.
    Cluster get() const {
        detail::OwnedString j, e;
        detail::call(lxd_cluster_get, client_, j.out(), e.out());
        return Cluster(client_, detail::parse(j.str()), e.opt());
    }
    /// PUT LXD's ClusterPut `request` (enable clustering, join, leave) with `etag` ("": none),
    /// returning the operation (empty when LXD finished synchronously).
    Operation update_async(const nlohmann::json& request, const std::string& etag = {}) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_cluster_update, client_, request.dump().c_str(), detail::opt_cstr(etag), &op);
        return Operation(op);
    }
    /// Replace the certificate every member serves (PEM certificate and key; `etag` "": none).
    /// The key never appears in an error message.
    void update_certificate(const std::string& cert_pem, const std::string& key_pem, const std::string& etag = {}) const {
        detail::call(lxd_cluster_update_certificate, client_, detail::cstr(cert_pem), detail::cstr(key_pem), detail::opt_cstr(etag));
    }
    /// The members.
    ClusterMembers members() const noexcept { return ClusterMembers(client_); }
    /// The groups.
    ClusterGroups groups() const noexcept { return ClusterGroups(client_); }

private:
    lxd_client* client_;
};

/// `client.operations()`.
class Operations {
public:
    /// Borrows `client` (the `Client` must outlive this manager).
    explicit Operations(lxd_client* client) noexcept : client_(client) {}
    /// Every operation the server knows, as LXD's operation objects.
    std::vector<nlohmann::json> all() const {
        detail::OwnedString s;
        detail::call(lxd_operation_list, client_, s.out());
        return detail::parse(s.str()).get<std::vector<nlohmann::json>>();
    }
    /// A handle on an existing operation (`GET /1.0/operations/<id>`). Missing: `NotFound`.
    Operation get(const std::string& id) const {
        lxd_operation* op = nullptr;
        detail::call(lxd_operation_open, client_, detail::cstr(id), &op);
        return Operation(op);
    }
    /// The ids of every operation the server knows (all statuses).
    std::vector<std::string> ids() const {
        detail::OwnedString s;
        detail::call(lxd_operation_list_ids, client_, s.out());
        return detail::names_from(s.str());
    }
    /// As an untrusted client holding the operation's `secret`: wait until operation `id` is
    /// final or `timeout` passed (negative: no limit but the client's timeout) and return its
    /// JSON. A wrong secret: `Error` (Forbidden).
    nlohmann::json wait_untrusted(const std::string& id, const std::string& secret,
                                  std::chrono::seconds timeout = std::chrono::seconds(-1)) const {
        detail::OwnedString s;
        detail::call(lxd_operation_wait_untrusted, client_, detail::cstr(id), detail::cstr(secret),
                     static_cast<std::int64_t>(timeout.count() < 0 ? -1 : timeout.count()), s.out());
        return detail::parse(s.str());
    }
    /// pylxd's `wait_for_operation`.
    Operation wait_for(const std::string& id) const {
        Operation op = get(id);
        op.wait();
        return op;
    }

private:
    lxd_client* client_;
};

/// The server (`GET /1.0`): config, environment, extensions; `save()` PUTs `{"config": ...}`.
class Server : public Object {
public:
    /// Wrap `json` in LXD's schema, read from the server (with its `etag`, if any); borrows `client`.
    Server(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)) {}
    /// LXD's `config` map, as last read (read-only view).
    const nlohmann::json& config() const { return detail::const_object_at(local_, "config"); }
    /// LXD's `config` map, mutable: changes are local until `save()`.
    nlohmann::json& config() { return detail::object_at(local_, "config"); }
    /// Set config key `key` locally (`save()` writes it).
    void set_config(const std::string& key, const std::string& value) { config()[key] = value; }
    /// Remove config key `key` locally (`save()` writes it).
    void unset_config(const std::string& key) { config().erase(key); }
    /// LXD's `environment` map, as last read (read-only view).
    const nlohmann::json& environment() const { return detail::const_object_at(local_, "environment"); }
    /// LXD's `api_extensions` field, as last read.
    std::vector<std::string> api_extensions() const { return detail::strings_at(local_, "api_extensions"); }
    /// LXD's `api_version` field, as last read.
    std::string api_version() const { return detail::str_at(local_, "api_version"); }
    /// "trusted" or "untrusted".
    std::string auth() const { return detail::str_at(local_, "auth"); }
    /// The LXD version (`environment.server_version`).
    std::string server_version() const { return detail::str_at(environment(), "server_version"); }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives `PreconditionFailed`), then re-read.
    void patch(const nlohmann::json& changes) {
        patch_with(changes, [&](const std::string& body, const char* etag) {
            detail::call(lxd_server_patch, client_, body.c_str(), etag);
        });
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        detail::call(lxd_server_get, client_, j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        detail::call(lxd_server_update, client_, body.c_str(), etag);
    }
};

/// What `Client::raw` got back: any HTTP status is a success here.
struct RawResponse {
    std::uint16_t status = 0;
    std::string body;
    std::optional<std::string> etag;
    /// The body parsed as JSON (LXD's envelope); throws `Error` (Protocol) when it is not JSON.
    nlohmann::json json() const { return detail::parse(body); }
};

// ---------------------------------------------------------------------------------------------
// Client and builder
// ---------------------------------------------------------------------------------------------

/// A connection to one LXD server (move-only; safe to use from many threads at once).
class Client {
public:
    /// An empty client.
    Client() noexcept = default;
    /// Adopt a handle from the C API (this object frees it).
    explicit Client(lxd_client* adopt) noexcept : h_(adopt) {}

    /// The local unix socket (`socket_path` "": discover it as lxc does).
    static Client local(const std::string& socket_path = {});

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_client* native_handle() const noexcept { return h_.get(); }
    /// Give up ownership of the C handle (free it with the C `_free` function).
    lxd_client* release() noexcept { return h_.release(); }

    /// A new client on the same server and connections with another project ("": default).
    Client with_project(const std::string& project) const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_with_project, h_.get(), detail::opt_cstr(project), &c);
        return Client(c);
    }
    /// A new client with another default cluster member ("": none).
    Client with_target(const std::string& target) const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_with_target, h_.get(), detail::opt_cstr(target), &c);
        return Client(c);
    }
    /// Whether the server trusts this client (`GET /1.0`).
    bool trusted() const {
        bool out = false;
        detail::call(lxd_client_trusted, h_.get(), &out);
        return out;
    }
    /// Ask the server to trust this client's certificate with its trust password or a token. A
    /// client the server trusts already succeeds without sending it (as pylxd's authenticate).
    void authenticate(const std::string& password) const { detail::call(lxd_client_authenticate, h_.get(), detail::cstr(password)); }

    /// The server object (`GET /1.0`) with its ETag.
    Server server() const {
        detail::OwnedString j, e;
        detail::call(lxd_server_get, h_.get(), j.out(), e.out());
        return Server(h_.get(), detail::parse(j.str()), e.opt());
    }
    /// Whether the server has API extension `name`.
    bool has_extension(const std::string& name) const {
        bool out = false;
        detail::call(lxd_server_has_extension, h_.get(), detail::cstr(name), &out);
        return out;
    }
    /// The host's hardware (`GET /1.0/resources`).
    nlohmann::json resources() const {
        detail::OwnedString s;
        detail::call(lxd_server_resources, h_.get(), s.out());
        return detail::parse(s.str());
    }
    /// Any request: `path` with its query, percent-encoded (`"/1.0/instances?recursion=1"`). The
    /// client's project and target are not added. Whatever LXD answers is returned, not thrown.
    RawResponse raw(const std::string& method, const std::string& path) const { return raw_impl(method, path, nullptr); }
    /// As `raw(method, path)`, sending `body` as JSON.
    RawResponse raw(const std::string& method, const std::string& path, const nlohmann::json& body) const {
        const std::string text = body.dump();
        return raw_impl(method, path, text.c_str());
    }

    /// Any request, with LXD's reply read as every typed call reads it (`lxd_call`): an error
    /// reply throws `lxd::Error` (code by status, LXD's message); a sync reply gives its metadata;
    /// an async reply is waited for (within the client's operation deadline) and gives the
    /// finished operation's metadata. `path` with its query, percent-encoded; the client's
    /// project and target are not added.
    nlohmann::json call(const std::string& method, const std::string& path) const { return call_impl(method, path, nullptr); }
    /// As `call(method, path)`, sending `body` as JSON.
    nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body) const {
        const std::string text = body.dump();
        return call_impl(method, path, text.c_str());
    }
    /// As `call`, but an async reply is not waited for: the Operation comes back (an empty one,
    /// false as a bool, for a sync reply) next to the JSON (the metadata, or the operation object).
    std::pair<nlohmann::json, Operation> call_async(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) const {
        const std::string text = body.is_null() ? std::string() : body.dump();
        detail::OwnedString s;
        lxd_operation* op = nullptr;
        detail::call(lxd_call, h_.get(), detail::cstr(method), detail::cstr(path), body.is_null() ? nullptr : text.c_str(), s.out(), &op);
        return {detail::parse(s.str()), Operation(op)};
    }

    /// The Instances manager.
    Instances instances() const noexcept { return Instances(h_.get()); }
    /// The Images manager.
    Images images() const noexcept { return Images(h_.get()); }
    /// The ImageAliases manager.
    ImageAliases image_aliases() const noexcept { return ImageAliases(h_.get()); }
    /// The Profiles manager.
    Profiles profiles() const noexcept { return Profiles(h_.get()); }
    /// The Networks manager.
    Networks networks() const noexcept { return Networks(h_.get()); }
    /// The StoragePools manager.
    StoragePools storage_pools() const noexcept { return StoragePools(h_.get()); }
    /// The Certificates manager.
    Certificates certificates() const noexcept { return Certificates(h_.get()); }
    /// The Operations manager.
    Operations operations() const noexcept { return Operations(h_.get()); }
    /// Projects (`/1.0/projects`).
    Projects projects() const noexcept { return Projects(h_.get()); }
    /// Network ACLs of the client's project (`/1.0/network-acls`).
    NetworkAcls network_acls() const noexcept { return NetworkAcls(h_.get()); }
    /// Network zones of the client's project (`/1.0/network-zones`).
    NetworkZones network_zones() const noexcept { return NetworkZones(h_.get()); }
    /// Warnings (`/1.0/warnings`).
    Warnings warnings() const noexcept { return Warnings(h_.get()); }
    /// The cluster, its members and groups (`/1.0/cluster`).
    ClusterManager cluster() const noexcept { return ClusterManager(h_.get()); }
    /// The custom (and other) volumes of storage pool `pool`.
    StorageVolumes storage_volumes(const std::string& pool) const { return StorageVolumes(h_.get(), pool); }

    /// The server's metrics in OpenMetrics text (ending with "# EOF"); the client's project
    /// selects the instances. Over HTTPS: trusted or `metrics` certificates, else `Error` Forbidden.
    std::string metrics() const {
        detail::OwnedString s;
        detail::call(lxd_metrics_get, h_.get(), s.out());
        return s.str();
    }
    /// The API versions the server offers (`GET /`, e.g. {"/1.0"}); works untrusted.
    std::vector<std::string> api_versions() const {
        detail::OwnedString s;
        detail::call(lxd_server_api_versions, h_.get(), s.out());
        return detail::names_from(s.str());
    }
    /// The server as an untrusted client sees it (`GET /1.0?public`; a trusted client gets the
    /// full view), as JSON.
    nlohmann::json server_public() const {
        detail::OwnedString s;
        detail::call(lxd_server_get_public, h_.get(), s.out());
        return detail::parse(s.str());
    }

    /// Subscribe to events: `types` a comma-separated list of `lifecycle`, `operation`, `logging`
    /// ("": all); events of every project when `all_projects`. Events after this returns arrive.
    EventListener events(const std::string& types = {}, bool all_projects = false) const {
        lxd_event_listener* l = nullptr;
        detail::call(lxd_event_listener_open, h_.get(), detail::opt_cstr(types), all_projects, &l);
        return EventListener(l);
    }

private:
    nlohmann::json call_impl(const std::string& method, const std::string& path, const char* body) const {
        detail::OwnedString s;
        detail::call(lxd_call, h_.get(), detail::cstr(method), detail::cstr(path), body, s.out(), static_cast<lxd_operation**>(nullptr));
        return detail::parse(s.str());
    }
    RawResponse raw_impl(const std::string& method, const std::string& path, const char* body) const {
        RawResponse r;
        detail::OwnedString b, e;
        detail::call(lxd_raw_request, h_.get(), detail::cstr(method), detail::cstr(path), body, &r.status, b.out(), e.out());
        r.body = b.str();
        r.etag = e.opt();
        return r;
    }
    std::unique_ptr<lxd_client, detail::ClientFree> h_;
};

/// Connection settings (move-only); `build()` any number of clients from it.
///
///     auto client = lxd::ClientBuilder::https("https://127.0.0.1:8443")
///                       .set_client_cert_files("client.crt", "client.key")
///                       .pin_server_cert_file("server.crt")
///                       .build();
/// One request, as a log callback sees it (`ClientBuilder::set_log_callback`).
struct LogRecord {
    std::string method;                 ///< "GET", "POST", ...
    std::string path;                   ///< path and query; secret query values are "REDACTED"
    std::uint16_t status = 0;           ///< HTTP status (101: websocket accepted; 0: no reply)
    std::chrono::microseconds duration; ///< from sending the request to the reply's headers
    std::string error;                  ///< why there was no reply ("" when there was one)
    std::string line;                   ///< all of it as one line: "GET /1.0 -> 200 (1.234 ms)"
};

/// Receives a `LogRecord` for every request and websocket upgrade.
using LogCallback = std::function<void(const LogRecord&)>;

namespace detail {
extern "C" inline void log_trampoline(void* user, const char* method, const char* path, std::uint16_t status, std::uint64_t duration_us,
                                      const char* error, const char* line) noexcept {
    try {
        LogRecord r{method ? method : "", path ? path : "", status, std::chrono::microseconds(duration_us), error ? error : "", line ? line : ""};
        (*static_cast<LogCallback*>(user))(r);
    } catch (...) {
        // An exception must not cross into C: the record is dropped, the request goes on.
    }
}
extern "C" inline void log_free(void* user) noexcept { delete static_cast<LogCallback*>(user); }
} // namespace detail

class ClientBuilder {
public:
    /// An empty builder, or one adopting a C handle.
    ClientBuilder() noexcept = default;
    /// An empty builder, or one adopting a C handle.
    explicit ClientBuilder(lxd_client_builder* adopt) noexcept : h_(adopt) {}

    /// The local unix socket (`socket_path` "": discover LXD_SOCKET, LXD_DIR/unix.socket, the
    /// snap's, /var/lib/lxd/unix.socket).
    static ClientBuilder unix_socket(const std::string& socket_path = {}) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_unix, detail::opt_cstr(socket_path), &b);
        return ClientBuilder(b);
    }
    /// LXD over HTTPS, e.g. "https://127.0.0.1:8443".
    static ClientBuilder https(const std::string& url) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_https, detail::cstr(url), &b);
        return ClientBuilder(b);
    }
    /// A remote of an lxc configuration directory, as `lxc` connects to it (`remote` "": the
    /// default remote; `config_dir` "": $LXD_CONF, ~/.config/lxc, the snap's). See `LxcConfig`.
    static ClientBuilder remote(const std::string& remote = {}, const std::string& config_dir = {}) {
        lxd_client_builder* b = nullptr;
        detail::call(lxd_client_builder_new_remote, detail::opt_cstr(config_dir), detail::opt_cstr(remote), &b);
        return ClientBuilder(b);
    }

    /// Whether it holds a handle.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// The C handle (borrowed), for functions this header does not wrap.
    lxd_client_builder* native_handle() const noexcept { return h_.get(); }
    /// Give up ownership of the C handle (free it with the C `_free` function).
    lxd_client_builder* release() noexcept { return h_.release(); }

    /// Client certificate and key, PEM text.
    ClientBuilder& set_client_cert_pem(const std::string& cert_pem, const std::string& key_pem) {
        detail::call(lxd_client_builder_set_client_cert_pem, h_.get(), detail::cstr(cert_pem), detail::cstr(key_pem));
        return *this;
    }
    /// Client certificate and key, PEM files.
    ClientBuilder& set_client_cert_files(const std::string& cert_path, const std::string& key_path) {
        detail::call(lxd_client_builder_set_client_cert_files, h_.get(), detail::cstr(cert_path), detail::cstr(key_path));
        return *this;
    }
    /// Accept exactly this server certificate (PEM), as `lxc remote add` does.
    ClientBuilder& pin_server_cert_pem(const std::string& cert_pem) {
        detail::call(lxd_client_builder_pin_server_cert_pem, h_.get(), detail::cstr(cert_pem));
        return *this;
    }
    /// Accept exactly the server certificate in this PEM file.
    ClientBuilder& pin_server_cert_file(const std::string& cert_path) {
        detail::call(lxd_client_builder_pin_server_cert_file, h_.get(), detail::cstr(cert_path));
        return *this;
    }
    /// Verify the server against these CAs (PEM) instead of public roots; its name must match.
    ClientBuilder& set_ca_pem(const std::string& ca_pem) {
        detail::call(lxd_client_builder_set_ca_pem, h_.get(), detail::cstr(ca_pem));
        return *this;
    }
    /// DANGER: no server verification at all. Throwaway test setups only.
    ClientBuilder& danger_accept_invalid_certs() {
        detail::call(lxd_client_builder_danger_accept_invalid_certs, h_.get());
        return *this;
    }
    /// Per-request timeout (0: none; default 30 s).
    ClientBuilder& set_timeout(std::chrono::milliseconds timeout) {
        detail::call(lxd_client_builder_set_timeout_ms, h_.get(), static_cast<std::uint64_t>(timeout.count() < 0 ? 0 : timeout.count()));
        return *this;
    }
    /// Operation deadline: the longest any call waits on an operation or an exec stream without a
    /// timeout of its own (`wait()` without argument, the plain instance/image/snapshot calls that
    /// wait, `Exec::run` without `timeout_ms`); past it `Timeout`. 0: no limit; default 10 minutes.
    ClientBuilder& set_operation_deadline(std::chrono::milliseconds deadline) {
        detail::call(lxd_client_builder_set_operation_deadline_ms, h_.get(), static_cast<std::uint64_t>(deadline.count() < 0 ? 0 : deadline.count()));
        return *this;
    }
    /// Largest JSON reply buffered, in bytes (0: the default, 32 MiB). A bigger reply throws
    /// `lxd::Error` with `ErrorCode::Protocol` as soon as it is known to be bigger (declared
    /// length, or once that many bytes arrived); downloads stream and are not limited by it.
    ClientBuilder& set_max_reply_bytes(std::uint64_t max_bytes) {
        detail::call(lxd_client_builder_set_max_reply_bytes, h_.get(), max_bytes);
        return *this;
    }
    /// Default project ("": the server's default).
    ClientBuilder& set_project(const std::string& project) {
        detail::call(lxd_client_builder_set_project, h_.get(), detail::opt_cstr(project));
        return *this;
    }
    /// Default cluster member ("": none).
    ClientBuilder& set_target(const std::string& target) {
        detail::call(lxd_client_builder_set_target, h_.get(), detail::opt_cstr(target));
        return *this;
    }
    /// User-Agent ("": liblxdclient/<version>).
    ClientBuilder& set_user_agent(const std::string& user_agent) {
        detail::call(lxd_client_builder_set_user_agent, h_.get(), detail::opt_cstr(user_agent));
        return *this;
    }
    /// How HTTPS connections reach the server. Not called: from the environment at `build()`
    /// (`HTTPS_PROXY`/`https_proxy` unless `NO_PROXY`/`no_proxy` matches the host; loopback is
    /// proxied unless listed, as curl does). `""`: never a proxy. `"http://[user:pass@]host[:port]"`:
    /// always that proxy (NO_PROXY not consulted). Requests and websockets are tunnelled with
    /// CONNECT; a refused tunnel throws `Error` (Connection) from the call.
    ClientBuilder& set_proxy(const std::string& proxy_url) {
        detail::call(lxd_client_builder_set_proxy, h_.get(), detail::cstr(proxy_url));
        return *this;
    }
    /// Back to the default: the proxy from the environment.
    ClientBuilder& set_proxy_from_environment() {
        detail::call(lxd_client_builder_set_proxy, h_.get(), static_cast<const char*>(nullptr));
        return *this;
    }
    /// Log every request of the clients built from now on (method, redacted path, status, time
    /// to the reply's headers; never bodies, so never a trust password or token). `callback` is
    /// called on whichever thread makes the request — several at once when a client is shared —
    /// so it must be thread-safe; an exception it throws is swallowed. It is kept (moved into the
    /// library) until the builder and every client built with it are gone. An empty function
    /// turns logging off.
    ClientBuilder& set_log_callback(LogCallback callback) {
        if (!callback) {
            detail::call(lxd_client_builder_set_log_callback, h_.get(), static_cast<lxd_log_cb>(nullptr), static_cast<void*>(nullptr),
                         static_cast<lxd_user_data_free_cb>(nullptr));
            return *this;
        }
        auto* held = new LogCallback(std::move(callback));
        lxd_error* err = nullptr;
        const lxd_result r = lxd_client_builder_set_log_callback(h_.get(), &detail::log_trampoline, held, &detail::log_free, &err);
        if (r != LXD_RESULT_OK) {
            delete held; // not taken: the library calls user_data_free only on success
            detail::throw_error(r, err);
        }
        return *this;
    }
    /// Report the server-side progress of every operation the clients built from this builder
    /// wait for (`Operation::on_progress` says what is reported): the waits inside calls that
    /// wait for their operation (`Image::copy_to`, `Instances::create_from_image`, ...) and
    /// `Operation::wait()` on operations without a handler of their own. `handler` runs on the
    /// waiting thread — with one client shared by threads, on several at once. An exception from
    /// it stops that wait (which throws `lxd::Cancelled`). An empty function removes it.
    ClientBuilder& set_progress_handler(std::function<void(const OperationProgress&)> handler) {
        using Handler = std::function<void(const OperationProgress&)>;
        struct Trampoline {
            static int call(void* user, const lxd_operation_progress* p) noexcept {
                try {
                    (*static_cast<Handler*>(user))(OperationProgress{p->operation_id, p->status_code, p->stage, p->percent, p->processed, p->speed, p->text});
                    return 0;
                } catch (...) {
                    return 1; // an exception must not cross into C: stop the wait
                }
            }
            static void release(void* user) noexcept { delete static_cast<Handler*>(user); }
        };
        if (!handler) {
            detail::call(lxd_client_builder_set_progress_handler, h_.get(), static_cast<lxd_operation_progress_cb>(nullptr),
                         static_cast<void*>(nullptr), static_cast<lxd_user_data_free_cb>(nullptr));
            return *this;
        }
        auto* held = new Handler(std::move(handler));
        lxd_error* err = nullptr;
        const lxd_result r = lxd_client_builder_set_progress_handler(h_.get(), &Trampoline::call, held, &Trampoline::release, &err);
        if (r != LXD_RESULT_OK) {
            delete held; // not taken: the library calls user_data_free only on success
            detail::throw_error(r, err);
        }
        return *this;
    }
    /// A new client (nothing is sent yet; the builder stays usable).
    Client build() const {
        lxd_client* c = nullptr;
        detail::call(lxd_client_builder_build, h_.get(), &c);
        return Client(c);
    }

private:
    std::unique_ptr<lxd_client_builder, detail::BuilderFree> h_;
};

inline Client Client::local(const std::string& socket_path) { return ClientBuilder::unix_socket(socket_path).build(); }

// Members that need classes defined after theirs.

inline Image Snapshot::publish(const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    detail::call(lxd_snapshot_publish, client_, detail::cstr(instance_), detail::cstr(name_), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
    return Images(client_).get(fp.str());
}
inline Image Instance::publish(const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    detail::call(lxd_instance_publish, client_, detail::cstr(name_), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr), fp.out());
    return Images(client_).get(fp.str());
}
inline Instance Instance::copy_local(const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::call(lxd_instance_copy_local, client_, detail::cstr(name_), detail::cstr(target_name), detail::opt_cstr(o), static_cast<lxd_operation**>(nullptr));
    return Instances(client_).get(target_name);
}
inline Instance Instance::copy_to(const Client& target, const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::call(lxd_instance_copy_to, client_, detail::cstr(name_), target.native_handle(), detail::opt_cstr(target_name), detail::opt_cstr(o));
    return target.instances().get(target_name.empty() ? name_ : target_name);
}
inline Instance Instance::migrate_to(const Client& target, const std::string& target_name, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::call(lxd_instance_migrate_to, client_, detail::cstr(name_), target.native_handle(), detail::opt_cstr(target_name), detail::opt_cstr(o));
    return target.instances().get(target_name.empty() ? name_ : target_name);
}
inline Image Image::copy_to(const Client& target, const nlohmann::json& options) const {
    const std::string o = detail::options_text(options);
    detail::OwnedString fp;
    detail::call(lxd_image_copy_to, client_, detail::cstr(fingerprint_), target.native_handle(), detail::opt_cstr(o), fp.out());
    return target.images().get(fp.str());
}

/// The SHA-256 fingerprint of the first certificate in `cert_pem`, as lxc and LXD show it.
inline std::string certificate_fingerprint(const std::string& cert_pem) {
    detail::OwnedString fp;
    detail::call(lxd_certificate_fingerprint, detail::cstr(cert_pem), fp.out());
    return fp.str();
}

/// An lxc configuration directory (`config.yml`, `client.crt`/`client.key`, `servercerts/`), shared
/// with the `lxc` command line tool.
class LxcConfig {
public:
    /// `dir` "": $LXD_CONF, else ~/.config/lxc, else the snap's ~/snap/lxd/common/config.
    explicit LxcConfig(std::string dir = {}) : dir_(std::move(dir)) {}
    /// The dir.
    const std::string& dir() const noexcept { return dir_; }

    /// The remotes: `{"default": name, "remotes": [{"name", "addr", "protocol", "project"}, ...]}`.
    nlohmann::json remotes() const {
        detail::OwnedString s;
        detail::call(lxd_config_remotes, detail::opt_cstr(dir_), s.out());
        return detail::parse(s.str());
    }
    /// Create client.crt / client.key unless both exist (as lxc does on first use); true when
    /// new ones were made.
    bool ensure_client_cert() const {
        bool generated = false;
        detail::call(lxd_config_ensure_client_cert, detail::opt_cstr(dir_), &generated);
        return generated;
    }
    /// `lxc remote add NAME URL`: fetch the server certificate, check it against
    /// `expected_fingerprint` (the full SHA-256: 64 hex digits, any case, ':' allowed; a prefix
    /// throws `Error` (InvalidArgument) before any connection; "" accepts it on first use — only
    /// on a network you trust), store it, make a client certificate if needed, authenticate with
    /// `password` (trust password or token; "" when already trusted) and add the remote. Returns
    /// the server certificate's fingerprint. A mismatch throws `Error` (Tls) and writes nothing.
    std::string add_remote(const std::string& name, const std::string& url, const std::string& expected_fingerprint,
                           const std::string& password = {}) const {
        detail::OwnedString fp;
        detail::call(lxd_config_add_remote, detail::opt_cstr(dir_), detail::cstr(name), detail::cstr(url), detail::opt_cstr(password),
                     detail::opt_cstr(expected_fingerprint), fp.out());
        return fp.str();
    }
    /// A builder for `remote` ("": the default remote), to adjust before `build()`.
    ClientBuilder builder(const std::string& remote = {}) const { return ClientBuilder::remote(remote, dir_); }
    /// A client for `remote` ("": the default remote).
    Client connect(const std::string& remote = {}) const { return builder(remote).build(); }

private:
    std::string dir_;
};

} // namespace lxd

#endif // LXDCLIENT_HPP
