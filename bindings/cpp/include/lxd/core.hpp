// lxd/core.hpp: errors, the one place C results are checked, JSON helpers, Operation.
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_CORE_HPP
#define LXDCLIENT_LXD_CORE_HPP

#include <lxdclient.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
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
#include <tuple>
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
/// Options JSON for the C ABI: null or an empty object stands for "none" (NULL).
inline std::string options_text(const nlohmann::json& options) {
    return options.is_null() || (options.is_object() && options.empty()) ? std::string() : options.dump();
}
/// Mutable access to a list member, created (as []) when missing.
inline nlohmann::json& array_at(nlohmann::json& j, const char* key) {
    nlohmann::json& v = j[key];
    if (!v.is_array()) v = nlohmann::json::array();
    return v;
}
/// A copy of a list member ([] when missing).
inline nlohmann::json array_copy_at(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) ? j.at(key) : nlohmann::json::array();
}

/// Call a C function of a resource below others: `fn(client, path..., rest..., &err)`, each
/// segment of `path` (the parents' keys) as a C string.
template <std::size_t N, class Fn, class... Args>
inline void call_path(Fn fn, lxd_client* client, const std::array<std::string, N>& path, Args... rest) {
    std::apply([&](const auto&... segment) { call(fn, client, cstr(segment)..., rest...); }, path);
}

} // namespace detail

// ---------------------------------------------------------------------------------------------
// Operation
// ---------------------------------------------------------------------------------------------

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

/// A background operation on the server (move-only). An empty Operation stands for work that
/// LXD finished synchronously: `wait()` on it returns at once.
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

} // namespace lxd

#endif // LXDCLIENT_LXD_CORE_HPP
