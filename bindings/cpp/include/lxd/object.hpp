// lxd/object.hpp: the object lifecycle (`Object`), and the templates every resource of the registry
// is made of (`Resource<Traits>` for one member, `Collection<Traits>` for the collection).
// Part of the C++ binding; include <lxdclient.hpp>, which includes every part in order.
#ifndef LXDCLIENT_LXD_OBJECT_HPP
#define LXDCLIENT_LXD_OBJECT_HPP

#include <lxd/core.hpp>

#include <type_traits>

namespace lxd {

class Client;

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
// One object model and one collection for every resource of the registry
// ---------------------------------------------------------------------------------------------

namespace detail {
/// Whether a traits member names a C function (LXD has that verb) rather than `nullptr`.
template <auto Fn> inline constexpr bool has_verb = !std::is_null_pointer_v<decltype(Fn)>;
} // namespace detail

/// A live member of a collection (`lxd/resources.hpp` generates one traits struct per resource:
/// its C functions, key field, how many parent keys its path has). It keeps the path it was read
/// from (`path()`: the parents' keys) and its key, and adds to `Object`'s lifecycle (`json()`,
/// `dirty()`, `sync()`, `save()` with the ETag) what LXD offers for the resource: `patch`,
/// `rename`, `remove`, each waiting for LXD's operation when there is one (the `_async` forms return
/// it; an empty `Operation` when LXD answered at once). Calling a verb LXD lacks does not compile,
/// except `save()` without a PUT, which throws `Error` (InvalidArgument).
template <class T>
class Resource : public Object {
public:
    /// The keys of the parents, outermost first (empty for top-level resources).
    using Path = std::array<std::string, T::depth>;

    /// Wrap `json` read from the collection at `parents` (with its `etag`, if any); borrows `client`.
    Resource(lxd_client* client, Path parents, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Object(client, std::move(json), std::move(etag)), parents_(std::move(parents)), key_(key_of(local_)) {}
    /// A top-level resource: wrap `json` (with its `etag`, if any).
    template <std::size_t D = T::depth, std::enable_if_t<D == 0, int> = 0>
    Resource(lxd_client* client, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Resource(client, Path{}, std::move(json), std::move(etag)) {}
    /// A resource below one parent (an instance, a network, a zone): wrap `json` read from it.
    template <std::size_t D = T::depth, std::enable_if_t<D == 1, int> = 0>
    Resource(lxd_client* client, std::string parent, nlohmann::json json, std::optional<std::string> etag = std::nullopt)
        : Resource(client, Path{std::move(parent)}, std::move(json), std::move(etag)) {}

    /// The parents' keys.
    const Path& path() const noexcept { return parents_; }

    /// Merge `changes` on the server (`PATCH`, the ETag as If-Match: stale gives
    /// `PreconditionFailed`), then re-read it (other local changes stay).
    void patch(const nlohmann::json& changes) {
        static_assert(detail::has_verb<T::patch>, "LXD has no PATCH for this resource");
        patch_with(changes, [&](const std::string& body, const char* etag) {
            run<T::patch_op>(T::patch, true, body.c_str(), T::patch_etag ? etag : static_cast<const char*>(nullptr));
        });
    }
    /// Rename it, waiting; the object follows the new name and is re-read. Taken: `Conflict`
    /// (some resources: `Error` Api, see the C header).
    void rename(const std::string& new_name) {
        static_assert(detail::has_verb<T::rename>, "LXD cannot rename this resource");
        run<T::rename_op>(T::rename, true, detail::cstr(new_name));
        key_ = new_name;
        sync();
    }
    /// As `rename`, returning the operation; this object keeps the old name.
    Operation rename_async(const std::string& new_name) const {
        static_assert(detail::has_verb<T::rename>, "LXD cannot rename this resource");
        return run<T::rename_op>(T::rename, false, detail::cstr(new_name));
    }
    /// Delete it on the server, waiting.
    void remove() const {
        static_assert(detail::has_verb<T::remove>, "LXD cannot delete this resource");
        run<T::remove_op>(T::remove, true);
    }
    /// As `remove`, returning the operation.
    Operation remove_async() const {
        static_assert(detail::has_verb<T::remove>, "LXD cannot delete this resource");
        return run<T::remove_op>(T::remove, false);
    }

protected:
    Fetched fetch() const override {
        detail::OwnedString j, e;
        invoke(T::get, j.out(), e.out());
        return fetched(j, e);
    }
    void put(const std::string& body, const char* etag) const override {
        if constexpr (detail::has_verb<T::update>) {
            run<T::update_op>(T::update, true, body.c_str(), etag);
        } else {
            (void)body;
            (void)etag;
            throw Error(ErrorCode::InvalidArgument, 0, std::string("LXD cannot replace a ") + T::kind + " (no PUT)");
        }
    }
    /// Call a C function of this member: `fn(client, parents..., key, rest..., &err)`.
    template <class Fn, class... Args>
    void invoke(Fn fn, Args... rest) const {
        detail::call_path(fn, client_, parents_, detail::cstr(key_), rest...);
    }
    /// `invoke` for a verb that may answer with an operation (`Op`): waited for when `wait`,
    /// else returned. Without one, the work is done when the call returns (empty `Operation`).
    template <bool Op, class Fn, class... Args>
    Operation run(Fn fn, bool wait, Args... rest) const {
        if constexpr (Op) {
            lxd_operation* op = nullptr;
            invoke(fn, rest..., wait ? static_cast<lxd_operation**>(nullptr) : &op);
            return Operation(op);
        } else {
            invoke(fn, rest...);
            return Operation();
        }
    }
    /// A read of this member: `fn(client, parents..., key, args..., &text)`, the text as is.
    template <class Fn, class... Args>
    std::string read_text(Fn fn, Args... args) const {
        detail::OwnedString s;
        invoke(fn, args..., s.out());
        return s.str();
    }
    /// As `read_text`, parsed as JSON.
    template <class Fn, class... Args>
    nlohmann::json read_json(Fn fn, Args... args) const {
        return detail::parse(read_text(fn, args...));
    }
    /// A state action (start, evacuate, ...): `fn(client, parents..., key, args..., op)`, waited
    /// for; then the object is re-read (local changes kept).
    template <class Fn, class... Args>
    void act(Fn fn, Args... args) {
        invoke(fn, args..., static_cast<lxd_operation**>(nullptr));
        sync();
    }
    /// As `act`, returning the operation (the object is not re-read).
    template <class Fn, class... Args>
    Operation act_async(Fn fn, Args... args) const {
        lxd_operation* op = nullptr;
        invoke(fn, args..., &op);
        return Operation(op);
    }
    /// The path of a sub-collection (snapshots, records, forwards): the parents and this key.
    std::array<std::string, T::depth + 1> child_path() const {
        std::array<std::string, T::depth + 1> out;
        std::copy(parents_.begin(), parents_.end(), out.begin());
        out[T::depth] = key_;
        return out;
    }
    static std::string key_of(const nlohmann::json& j) { return detail::str_at(j, T::key_field); }

    Path parents_;
    std::string key_;
};

/// A collection of the registry (`client.profiles()`, `network.forwards()`, ...): names, every
/// member, one member with its ETag, existence, and creation from LXD's POST object. A create
/// that LXD answers with an operation is waited for; a body without the key lets LXD choose it
/// (where LXD allows that) and the object comes back under the name LXD reported.
template <class T>
class Collection {
public:
    /// The object class of a member.
    using object_type = typename T::object;
    /// The parents' keys, outermost first.
    using Path = std::array<std::string, T::depth>;

    /// The collection at `parents` (none for top-level ones); borrows `client`.
    explicit Collection(lxd_client* client, Path parents = {}) : client_(client), parents_(std::move(parents)) {}
    /// The collection below one parent (an instance, a network, a zone).
    template <std::size_t D = T::depth, std::enable_if_t<D == 1, int> = 0>
    Collection(lxd_client* client, std::string parent) : Collection(client, Path{std::move(parent)}) {}

    /// The parents' keys.
    const Path& path() const noexcept { return parents_; }
    /// The members' keys (`recursion=0`).
    std::vector<std::string> names() const {
        detail::OwnedString s;
        detail::call_path(T::list, client_, parents_, std::int32_t{0}, s.out());
        return detail::names_from(s.str());
    }
    /// Every member (`recursion=1`); they carry no ETag until `sync()`.
    std::vector<object_type> all() const {
        detail::OwnedString s;
        detail::call_path(T::list, client_, parents_, std::int32_t{1}, s.out());
        std::vector<object_type> out;
        for (auto& j : detail::parse(s.str())) out.push_back(object_type(client_, parents_, std::move(j)));
        return out;
    }
    /// One member, with its ETag. Missing: `NotFound`.
    object_type get(const std::string& key) const {
        detail::OwnedString j, e;
        detail::call_path(T::get, client_, parents_, detail::cstr(key), j.out(), e.out());
        return object_type(client_, parents_, detail::parse(j.str()), e.opt());
    }
    /// Whether a member exists (a 404 gives false).
    bool exists(const std::string& key) const {
        static_assert(detail::has_verb<T::exists>, "the C API has no exists for this resource");
        bool out = false;
        detail::call_path(T::exists, client_, parents_, detail::cstr(key), &out);
        return out;
    }
    /// Create a member from LXD's POST object (the C header names it), wait, and return it.
    object_type create(const nlohmann::json& body) const {
        static_assert(detail::has_verb<T::create>, "LXD cannot create this resource with a plain POST");
        Operation op = create_async(body);
        op.wait();
        std::string key = detail::str_at(body, T::key_field);
        if (key.empty() && op) key = detail::resource_name(op.json(), T::plural);
        if (key.empty()) throw Error(ErrorCode::Protocol, 0, std::string(T::kind) + " created, but LXD did not report its name");
        return get(key);
    }
    /// As `create`, returning the operation (empty when LXD created it at once).
    Operation create_async(const nlohmann::json& body) const {
        static_assert(detail::has_verb<T::create>, "LXD cannot create this resource with a plain POST");
        const std::string text = body.dump();
        if constexpr (T::create_op) {
            lxd_operation* op = nullptr;
            detail::call_path(T::create, client_, parents_, text.c_str(), &op);
            return Operation(op);
        } else {
            detail::call_path(T::create, client_, parents_, text.c_str());
            return Operation();
        }
    }

protected:
    lxd_client* client_;
    Path parents_;
};

namespace detail {
/// Create a child (a backup, a snapshot) with `post(options JSON or NULL)` and return it: by its
/// `name`, or, without one, as the name `collection` lists now and did not list before (LXD
/// picked it).
template <class C, class Post>
auto create_listed(const C& collection, const nlohmann::json& options, Post post) {
    std::string name = str_at(options, "name");
    std::vector<std::string> before;
    if (name.empty()) before = collection.names();
    const std::string o = options_text(options);
    post(opt_cstr(o));
    if (name.empty()) {
        for (const auto& n : collection.names())
            if (std::find(before.begin(), before.end(), n) == before.end()) name = n;
        if (name.empty()) throw Error(ErrorCode::Protocol, 0, "created, but no new name is listed");
    }
    return collection.get(name);
}
} // namespace detail

} // namespace lxd

#endif // LXDCLIENT_LXD_OBJECT_HPP
