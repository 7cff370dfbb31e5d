#!/usr/bin/env python3
"""Generate tests/c/test_abi_walk.c from include/lxdclient.h.

The generated test calls EVERY exported function:
  * once with valid arguments (a real client on lxd-hostile's well-behaved "ok" fake LXD, valid
    strings, fresh builders): it must not fail with INVALID_ARGUMENT or PANIC, which proves the
    other values are valid;
  * with NULL for each pointer argument in turn (the others valid), with an error object and with
    err_out NULL: a NULL the documentation allows ("`x` may be NULL", "`x` NULL: ...", or listed
    in DOC_NULLABLE below) must be accepted (not INVALID_ARGUMENT, not PANIC); any other NULL must
    give LXD_RESULT_INVALID_ARGUMENT. Free functions must accept NULL; getters must return their
    documented default ("Empty for NULL", "-1 for NULL", "`X` for NULL");
  * with invalid UTF-8 for each string argument: LXD_RESULT_INVALID_ARGUMENT, always;
  * with the extreme values of each integer argument (negative and huge sizes and timeouts): no
    panic, and the error contract holds;
  * `lxd_<handle>_close` functions twice on the same handle (double close): no crash or panic.
Every failing call must leave all outputs untouched (they start as a sentinel) and set an error
object with the same code. Run under valgrind (tests/c/run.sh), nothing may leak.

Usage: gen_abi_walk.py [--header include/lxdclient.h] [--out tests/c/test_abi_walk.c] [--check]
--check exits 1 when the output file is not what the header generates (stale).
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# NULLs the documentation allows but does not name in a way the pattern finds.
DOC_NULLABLE = {
    ("lxd_image_list_filtered", "filter"),  # "(… e.g. "properties.os eq busybox"; NULL: all)", unnamed
    ("lxd_client_builder_set_project", "project"),  # "(NULL or "": the server's default)"
    ("lxd_client_builder_set_target", "target"),  # "(NULL or "": none)"
    ("lxd_client_builder_set_user_agent", "user_agent"),  # "(NULL: `liblxdclient/<version>`)"
    ("lxd_client_with_project", "project"),  # "(NULL: the server's default)"
    ("lxd_client_with_target", "target"),  # "(`target=`; NULL: none)"
}

# Methods of a handle whose valid call depends on the handle's state (a fresh handle from its
# constructor has not started): their refusal of a valid call (INVALID_ARGUMENT, "not started")
# is the documented state error, so only the NULL and UTF-8 checks are strict for them.
STATE_DEPENDENT = {
    "lxd_exec_start",  # interactive commands only: the walk's exec is not interactive
    "lxd_exec_write", "lxd_exec_read", "lxd_exec_resize", "lxd_exec_signal", "lxd_exec_wait",  # need lxd_exec_start
    "lxd_exec_result_json",  # needs a finished run
}

# Valid values for string arguments, by parameter name (C expressions). Others get "abiwalk".
STRING_VALUES = {
    "json": '"{}"',
    "body_json": '"{}"',
    "method": '"GET"',
    "path": '"/1.0"',
    "url": "https_url",
    "socket_path": "srv.socket",
    "fingerprint": '"abcdef0123"',
    "target_fingerprint": '"abcdef0123"',
    "action": '"start"',
    "cert_pem": "client_crt_pem",
    "key_pem": "client_key_pem",
    "ca_pem": "server_crt_pem",
    "cert_path": "client_crt_path",
    "key_path": "client_key_path",
    "password": '"abiwalk-password"',
    "etag": '"\\"abiwalk-etag\\""',
    "id": '"op-ok"',
    "name": '"abiwalk"',
    "new_name": '"abiwalk2"',
    "instance": '"abiwalk"',
    "alias": '"abiwalk"',
    "project": '"default"',
    "target": '"abiwalk"',
    "user_agent": '"abiwalk/1"',
    "description": '"abi walk"',
    "volume_type": '"custom"',
    "instance_type": '"container"',
    "kind": '"console"',
    "status": '"acknowledged"',
    "image": '"busybox"',
    "filter": '"name eq abiwalk"',
    "uuid": '"00000000-0000-0000-0000-000000000000"',
}
# By name pattern, when no exact name matches (C expressions).
STRING_PATTERNS = [
    (r"_json$", '"{}"'),
    (r"^(local_path|local_file)$", "local_file_path"),
    (r"^local_dir$", "local_dir_path"),
    (r"^meta_path$", "meta_file_path"),
    (r"^rootfs_path$", "rootfs_file_path"),
    (r"^config_dir$", "config_dir_path"),
    (r"^remote_(path|dir)$", '"/tmp/abiwalk"'),
    (r"^(server|url)$", "https_url"),
    (r"^types$", '"lifecycle"'),
    (r"^expected_fingerprint$", "server_fp"),
    (r"^remote$", '"abiwalk"'),
    (r"_name$", '"abiwalk2"'),
]
# A pin needs the server's certificate, not the client's.
STRING_VALUES_BY_FUNCTION = {
    ("lxd_client_builder_pin_server_cert_pem", "cert_pem"): "server_crt_pem",
    ("lxd_client_builder_pin_server_cert_file", "cert_path"): "server_crt_path",
    ("lxd_cluster_member_set_state", "action"): '"restore"',
    ("lxd_instance_backup_import_path", "path"): "local_file_path",
    ("lxd_storage_volume_backup_import_path", "path"): "local_file_path",
}

INT_VALUES = {"recursion": "0", "timeout_ms": "2000", "timeout": "30", "code": "0", "argc": "1", "cap": "sizeof abi_buffer",
              "len": "16", "stdin_len": "0", "max_len": "1048576", "width": "80", "height": "24", "signal": "15"}
# Sizes of caller buffers: an extreme value would be the caller lying about its buffer, not a test.
BUFFER_SIZE = re.compile(r"(^|_)(len|cap|argc|count)$")

INT_TYPES = {
    "int8_t": ("INT8_MIN", "INT8_MAX", True), "int16_t": ("INT16_MIN", "INT16_MAX", True),
    "int32_t": ("INT32_MIN", "INT32_MAX", True), "int64_t": ("INT64_MIN", "INT64_MAX", True),
    "int": ("INT_MIN", "INT_MAX", True), "long": ("LONG_MIN", "LONG_MAX", True),
    "uint8_t": ("0", "UINT8_MAX", False), "uint16_t": ("0", "UINT16_MAX", False),
    "uint32_t": ("0", "UINT32_MAX", False), "uint64_t": ("0", "UINT64_MAX", False),
    "size_t": ("0", "SIZE_MAX", False), "unsigned int": ("0", "UINT_MAX", False),
}

# Shared handles, used read-only. Other handle types (lxd_operation, and any new one) are made
# fresh for each call by a constructor found in the header (an `_open` or `_new` function with a
# `struct lxd_T **` output, else any function with one), and freed after it, so a call that
# changes its handle (lxd_operation_interrupt) cannot disturb the next.
KNOWN_HANDLES = {
    "lxd_client": "client",
    "lxd_error": "error_obj",
}


class Param:
    def __init__(self, text):
        text = " ".join(text.split())
        m = re.match(r"^(.*?)(\w+)$", text)
        if not m:
            raise SystemExit(f"cannot parse parameter {text!r}")
        self.type = " ".join(m.group(1).replace("*", " * ").split()).replace(" *", "*").strip()
        self.name = m.group(2)
        self.ptr = self.type.count("*")
        base = self.type.replace("*", "").replace("const", "").replace("struct", "").replace("enum", "")
        self.base = " ".join(base.split())
        self.const = self.type.startswith("const")

    def __repr__(self):
        return f"{self.type} {self.name}"


class Func:
    def __init__(self, doc, ret, name, params):
        self.doc = " ".join(re.sub(r"^\s*\*\s?", "", doc, flags=re.M).split())
        self.ret = " ".join(ret.split())
        self.name = name
        params = params.strip()
        self.params = [] if params in ("", "void") else [Param(p) for p in params.split(",")]

    @property
    def fallible(self):
        return self.ret.endswith("lxd_result") and any(p.name == "err_out" for p in self.params)


def parse_header(text):
    text = re.sub(r"#ifdef __cplusplus.*?#endif[^\n]*\n", "", text, flags=re.S)
    funcs = []
    for m in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*([A-Za-z_][\w \*]*?)\s*\b(lxd_\w+)\s*\(([^)]*)\)\s*;", text, re.S):
        funcs.append(Func(m.group(1), m.group(2), m.group(3), m.group(4)))
    callbacks = {}
    for m in re.finditer(r"typedef\s+([\w \*]+?)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^)]*)\)\s*;", text):
        callbacks[m.group(2)] = (" ".join(m.group(1).split()), [p.strip() for p in m.group(3).split(",") if p.strip() and p.strip() != "void"])
    structs = set(re.findall(r"typedef struct (\w+) \{", text)) | set(re.findall(r"struct (\w+) \{", text))
    return funcs, callbacks, structs


FUNCS_BY_NAME = {}


def paired_size(f, p):
    """The size parameter that follows a data pointer (`data, len`, `stdin_data, stdin_len`)."""
    if not (p.ptr == 1 and p.base in ("uint8_t", "void", "char") and (p.const or p.base == "uint8_t")) or p.name.endswith("_out"):
        return None
    names = [q.name for q in f.params]
    i = names.index(p.name)
    if i + 1 < len(f.params):
        q = f.params[i + 1]
        if q.ptr == 0 and q.base in ("size_t", "uint64_t", "uint32_t") and BUFFER_SIZE.search(q.name):
            return q.name
    return None


def output_pair(f, p):
    """(buffer, length) names when p is an owned-bytes output or its `*len_out`."""
    names = [q.name for q in f.params]
    for i, q in enumerate(f.params):
        if q.ptr == 2 and q.base == "uint8_t":
            ln = next((n for n in names[i + 1:] if n.endswith("len_out")), None)
            if ln and p.name in (q.name, ln):
                return (q.name, ln)
    return None


def is_str_array(p):
    """`const char *const *argv`: an input array of strings, not an output."""
    return p.ptr == 2 and p.base == "char" and p.type.count("const") >= 2


def nullable(f, p, depth=0):
    """Whether f's documentation allows NULL for p: it says so next to the parameter's name, or
    it points at another function (`op_out` as in `lxd_x`, or "(`lxd_x` with ...)") whose
    parameter of the same name allows it."""
    if p.name == "err_out" or (f.name, p.name) in DOC_NULLABLE:
        return True
    if p.ptr == 1 and p.base == "void":
        return True  # user data for callbacks: never dereferenced by the library
    others = [q.name for q in f.params if q.name != p.name]
    # Statements that NULL is refused ("a NULL or non-UTF-8 one is `LXD_RESULT_INVALID_ARGUMENT`",
    # "`name` is borrowed; NULL: `LXD_RESULT_INVALID_ARGUMENT`") say the opposite: drop them.
    doc = re.sub(r"[^.;`]*NULL[^.;]*?`LXD_RESULT_INVALID_ARGUMENT`", " ", f.doc)
    # "`a` and `b` may be NULL", "`a`, `b` and `c` may be NULL".
    listed = re.finditer(r"((?:`\w+`, )*`\w+`,? and `\w+`) may be NULL", doc)
    if any(f"`{p.name}`" in m.group(1) for m in listed):
        return True
    if re.search(r"`\*?" + re.escape(p.name) + r"` \(?may be NULL", doc):
        return True
    # A plain mention followed by NULL before the next parameter is named. (`*x` mentions are
    # about the output's value, e.g. "`*data_out` is NULL when the file is empty".)
    for m in re.finditer(r"`" + re.escape(p.name) + r"`", doc):
        window = doc[m.end():m.end() + 240]
        end = window.find(". ")
        if end >= 0:
            window = window[:end]
        for o in others:
            k = window.find(f"`{o}`")
            if k < 0:
                k = window.find(f"`*{o}`")
            if k >= 0:
                window = window[:k]
        if "NULL" in window:
            return True
    if depth < 3:
        # Only references that speak for this parameter: "`p` as in `lxd_x`", "(NULL as in
        # `lxd_x`)" right after it, a whole-function delegation ("As `lxd_x`, ..."), or a thin
        # wrapper ("(`lxd_x` with ...").
        refs = []
        for m in re.finditer(r"([^.]*?) \(?(?:NULL )?as (?:in|for)\s+`(lxd_\w+)`", doc):
            phrase = m.group(1).rsplit(". ", 1)[-1]
            if (re.search(r"`\*?" + re.escape(p.name) + r"`", phrase)
                    or (p.name == "options_json" and re.search(r"\b[Oo]ptions\b", phrase))
                    or (p.name.startswith("progress") and "progress" in phrase)):
                refs.append(m.group(2))
        refs += re.findall(r"^As `(lxd_\w+)`", doc.strip())
        refs += re.findall(r"\(`(lxd_\w+)` with ", doc)
        for ref in refs:
            g = FUNCS_BY_NAME.get(ref)
            if g is not None and g is not f:
                q = next((q for q in g.params if q.name == p.name and q.type == p.type), None)
                if q is not None and nullable(g, q, depth + 1):
                    return True
    return False


def documented_default(f):
    """What a non-fallible function returns for NULL, from its doc, as a C check or None."""
    d = f.doc
    if re.search(r"Empty( string)? for NULL", d):
        return "str_empty"
    m = re.search(r"`(LXD_RESULT_\w+)` for NULL", d)
    if m:
        return m.group(1)
    m = re.search(r"(-?\d+) for NULL", d)
    if m:
        return m.group(1)
    return None


class Gen:
    def __init__(self, funcs, callbacks, structs):
        self.funcs = funcs
        self.callbacks = callbacks
        self.structs = structs
        self.out = []
        self.helpers = []
        self.stubs = set()
        self.problems = []
        # Constructors for handle types: functions with a `struct lxd_T **` output.
        self.ctors = {}
        ranked = sorted(funcs, key=lambda f: 0 if re.search(r"_(open|new)\w*$", f.name) else 1)
        for f in ranked:
            if not f.fallible:
                continue
            for p in f.params:
                if p.ptr == 2 and p.base.startswith("lxd_") and p.base != "lxd_error" and p.base not in self.ctors:
                    self.ctors[p.base] = (f, p)

    def free_fn(self, base):
        name = base + "_free"
        return name if any(f.name == name for f in self.funcs) else None

    def emit(self, line=""):
        self.out.append(line)

    # --- valid values -----------------------------------------------------------------------
    def valid_value(self, f, p, setup, cleanup, depth=0):
        """A C expression for a valid value of p; may add setup/cleanup statements."""
        t, b = p.type, p.base
        if p.name == "err_out":
            return "&err"
        if p.ptr == 0:
            if b == "bool":
                return "false"
            if b in INT_TYPES:
                if p.name == "fd" or p.name.endswith("_fd"):
                    return "abi_devnull()"
                return INT_VALUES.get(p.name, "0")
            if b in ("double", "float"):
                return "0"
            if t.startswith("enum "):
                return "0"
            if b in self.callbacks:
                return self.stub(b)
            if b == "lxd_result":
                return "LXD_RESULT_OK"
            self.problems.append(f"{f.name}: no valid value for {t} {p.name}")
            return "0"
        if p.ptr == 1:
            if b == "char" and p.const:
                if (f.name, p.name) in STRING_VALUES_BY_FUNCTION:
                    return STRING_VALUES_BY_FUNCTION[(f.name, p.name)]
                if p.name in STRING_VALUES:
                    return STRING_VALUES[p.name]
                for pat, v in STRING_PATTERNS:
                    if re.search(pat, p.name):
                        return v
                return '"abiwalk"'
            if b == "char":
                setup.append(f"char *{p.name} = abi_strdup(\"abiwalk\");")
                return p.name
            if b == "lxd_client_builder":
                setup.append(f"lxd_client_builder *{p.name} = new_builder();")
                cleanup.append(f"lxd_client_builder_free({p.name});")
                return p.name
            if b in KNOWN_HANDLES:
                return KNOWN_HANDLES[b]
            if b.startswith("lxd_") and b in self.ctors and depth < 3:
                var = f"{p.name}_h"
                ctor, outp = self.ctors[b]
                csetup, ccleanup, args = [], [], []
                for q in ctor.params:
                    if q is outp:
                        args.append(f"&{var}")
                    elif q.name == "err_out":
                        args.append("NULL")
                    else:
                        args.append(self.valid_value(ctor, q, csetup, ccleanup, depth + 1))
                setup.append(f"{b} *{var} = NULL;")
                setup.append("{")
                setup.extend("    " + s for s in csetup)
                setup.append(f"    CHECK({ctor.name}({', '.join(args)}) == LXD_RESULT_OK && {var}, \"{f.name}: cannot make a {b} with {ctor.name}\");")
                setup.extend("    " + s for s in ccleanup)
                setup.append("}")
                fr = self.free_fn(b)
                if fr:
                    cleanup.insert(0, f"{fr}({var});")
                return var
            if b in ("void", "uint8_t", "char") or (b in INT_TYPES and p.const):
                return "(void *)abi_buffer" if b == "void" else f"({t})abi_buffer"
            if b in INT_TYPES or b in ("bool", "double"):
                return f"&{p.name}_v"
            if t.startswith("enum ") and not p.const:
                # an enum written by the call (e.g. lxd_server_flavour *flavour_out)
                setup.append(f"enum {b} {p.name}_e = ({b})0;")
                return f"&{p.name}_e"
            if b in self.structs:
                setup.append(f"struct {b} {p.name}_s;")
                setup.append(f"memset(&{p.name}_s, 0, sizeof {p.name}_s);")
                return f"&{p.name}_s"
            self.problems.append(f"{f.name}: no valid value for {t} {p.name} (add one to tests/abi/gen_abi_walk.py)")
            return "NULL"
        if p.ptr == 2 and is_str_array(p):
            return "abi_argv"
        if p.ptr == 2:
            return f"&{p.name}_v"
        self.problems.append(f"{f.name}: no valid value for {t} {p.name}")
        return "NULL"

    def out_decl(self, p, f=None):
        """Declaration of an output variable (starts as the sentinel) and its cleanup."""
        b = p.base
        if p.ptr == 2 and b == "uint8_t":
            # Owned bytes: freed with lxd_bytes_free(buf, len), len being the next `*len_out`.
            names = [q.name for q in f.params] if f else []
            after = names[names.index(p.name) + 1:] if p.name in names else []
            ln = next((n for n in after if n.endswith("len_out")), None)
            free_len = f"{ln}_v" if ln else "0"
            return (f"uint8_t *{p.name}_v = (uint8_t *)SENTINEL;",
                    f"if ({p.name}_v != (uint8_t *)SENTINEL) lxd_bytes_free({p.name}_v, {free_len});",
                    f"{p.name}_v == (uint8_t *)SENTINEL")
        if p.ptr == 1 and b in self.structs:
            return (f"struct {b} {p.name}_v; memset(&{p.name}_v, 0x5a, sizeof {p.name}_v);", "",
                    f"abi_all_bytes(&{p.name}_v, sizeof {p.name}_v, 0x5a)")
        if p.ptr == 2:
            ctype = "char *" if b == "char" else f"{b} *"
            free = "lxd_string_free" if b == "char" else self.free_fn(b)
            if free is None:
                self.problems.append(f"no free function for {b}")
                free = "(void)"
            return (f"{ctype}{p.name}_v = ({ctype})SENTINEL;",
                    f"if ({p.name}_v != ({ctype})SENTINEL) {free}({p.name}_v);",
                    f"{p.name}_v == ({ctype})SENTINEL")
        if b == "bool":
            return (f"bool {p.name}_v = false;", "", None)
        if b == "double":
            return (f"double {p.name}_v = 0;", "", None)
        return (f"{b} {p.name}_v = ({b})0x5a;", "", f"{p.name}_v == ({b})0x5a")

    def stub(self, cb):
        ret, params = self.callbacks[cb]
        name = f"stub_{cb}"
        if name not in self.stubs:
            self.stubs.add(name)
            def typ(q):
                # "const char *data" -> "const char *"; "int" -> "int".
                return re.sub(r"\s*\b\w+$", "", q) if re.search(r"[\w*]\s*\*?\s*\b\w+$", q) and len(q.replace("*", " ").split()) > 1 else q
            args = ", ".join(f"{typ(q)} a{i}" for i, q in enumerate(params)) or "void"
            body = " ".join(f"(void)a{i};" for i in range(len(params)))
            rv = "" if ret == "void" else f" return ({ret})0;"
            self.helpers.append(f"static {ret} {name}({args}) {{ {body}{rv} }}")
        return name

    # --- one function -------------------------------------------------------------------------
    def call_block(self, f, override, label, expect, with_err=True):
        """Emit one call of f with override = {param name: C expression}; expect: C check kind."""
        setup, cleanup, outs, args = [], [], [], []
        for p in f.params:
            if p.name == "err_out":
                args.append("&err" if with_err else "NULL")
                continue
            is_out = (p.ptr == 2 and not is_str_array(p)) or (p.ptr == 1 and not p.const and (
                p.base in ("bool", "uint16_t", "int32_t", "int64_t", "uint32_t", "uint64_t", "size_t", "double", "int")
                or (p.base in self.structs and p.name.endswith("_out"))))
            if is_out:
                # Declared even when overridden: a buffer's cleanup names its length variable.
                decl, clean, untouched = self.out_decl(p, f)
                setup.append(decl)
                if p.name in override:
                    setup.append(f"(void){p.name}_v;")
                else:
                    outs.append((p, clean, untouched))
            if p.name in override:
                args.append(override[p.name])
            elif is_out:
                args.append(f"&{p.name}_v")
            else:
                args.append(self.valid_value(f, p, setup, cleanup))
        self.emit("    {")
        for s in setup:
            self.emit("        " + s)
        if f.fallible:
            self.emit("        lxd_error *err = NULL;")
        call = f"{f.name}({', '.join(args)})"
        if f.fallible:
            if f.name in STATE_DEPENDENT and expect in ("EXPECT_VALID", "EXPECT_ACCEPTED"):
                expect = "EXPECT_NO_PANIC"
            self.emit("        double t0 = hs_now();")
            self.emit(f"        lxd_result rc = {call};")
            self.emit(f"        if (hs_now() - t0 > 3) printf(\"  slow: {f.name}({label}) took %.1f s\\n\", hs_now() - t0);")
            untouched = " && ".join(u for (p, _, u) in outs if u and p.name not in override) or "1"
            self.emit(f"        check_result(\"{f.name}\", \"{label}\", rc, err, {expect}, {'1' if with_err else '0'}, {untouched});")
            for (p, clean, _) in outs:
                if p.name not in override and clean:
                    self.emit("        " + clean)
        elif f.ret == "void":
            self.emit(f"        {call};")
            self.emit(f"        CHECK(1, \"{f.name}: returned\");")
        else:
            ret = f.ret
            self.emit(f"        {ret} r = {call};")
            if expect == "EXPECT_DEFAULT":
                dflt = documented_default(f)
                if dflt == "str_empty":
                    self.emit(f"        CHECK(r != NULL && r[0] == '\\0', \"{f.name}({label}): want the empty string\");")
                elif dflt is not None:
                    self.emit(f"        CHECK((long long)r == (long long)({dflt}), \"{f.name}({label}): got %lld, want {dflt}\", (long long)r);")
                else:
                    self.emit(f"        (void)r;")
                    self.emit(f"        CHECK(1, \"{f.name}({label}): no crash\");")
            elif "char" in ret and "*" in ret:
                if re.search(r"NULL when", f.doc):
                    self.emit("        (void)r; /* documented: may be NULL */")
                    self.emit(f"        CHECK(1, \"{f.name}({label}): no crash\");")
                else:
                    self.emit(f"        CHECK(r != NULL, \"{f.name}({label}): NULL string\");")
            else:
                self.emit("        (void)r;")
                self.emit(f"        CHECK(1, \"{f.name}({label}): no crash\");")
        if f.fallible:
            self.emit("        lxd_error_free(err);")
        for s in cleanup:
            self.emit("        " + s)
        self.emit("    }")

    def walk(self, f):
        self.emit(f"/* {f.ret} {f.name}({', '.join(map(repr, f.params))}) */")
        self.emit(f"static void walk_{f.name}(void) {{")
        fallible = f.fallible
        if f.name.endswith("_free"):
            # Free functions: NULL is a no-op (other arguments zero: lxd_bytes_free(NULL, 0)).
            free_args = ", ".join("NULL" if q.ptr else "0" for q in f.params)
            self.emit(f"    {f.name}({free_args});")
            self.emit(f"    CHECK(1, \"{f.name}(NULL)\");")
            self.emit("}")
            return
        # 1. All valid.
        if fallible:
            self.call_block(f, {}, "valid", "EXPECT_VALID")
        elif f.params:
            self.call_block(f, {}, "valid", "EXPECT_ANY")
        else:
            self.call_block(f, {}, "void", "EXPECT_ANY")
        # 2. NULL for each pointer argument.
        for p in f.params:
            if p.name == "err_out" or (p.ptr == 0 and p.base not in self.callbacks):
                continue
            if fallible:
                want = "EXPECT_ACCEPTED" if nullable(f, p) else "EXPECT_INVALID"
                size = paired_size(f, p)
                if size:
                    # NULL data with a non-zero size is always refused; with size 0 it is the
                    # usual "no data" (accepted when documented, else at least no crash).
                    self.call_block(f, {p.name: "NULL", size: "1"}, f"{p.name}=NULL, {size}>0", "EXPECT_INVALID")
                    self.call_block(f, {p.name: "NULL", size: "0"}, f"{p.name}=NULL, {size}=0",
                                    want if want == "EXPECT_ACCEPTED" else "EXPECT_NO_PANIC")
                    continue
                pair = output_pair(f, p)
                if pair and "NULL for both" in f.doc:
                    # "Pass NULL for both of an output's pointers": one alone is refused.
                    self.call_block(f, {p.name: "NULL"}, f"{p.name}=NULL alone", "EXPECT_INVALID")
                    if p.name == pair[0]:
                        self.call_block(f, {pair[0]: "NULL", pair[1]: "NULL"}, f"{pair[0]}=NULL, {pair[1]}=NULL", "EXPECT_ACCEPTED")
                    continue
                self.call_block(f, {p.name: "NULL"}, f"{p.name}=NULL", want)
                self.call_block(f, {p.name: "NULL"}, f"{p.name}=NULL, err_out=NULL", want, with_err=False)
            else:
                self.call_block(f, {p.name: "NULL"}, f"{p.name}=NULL", "EXPECT_DEFAULT")
        # 3. Invalid UTF-8 for each string argument.
        for p in f.params:
            if p.ptr == 1 and p.base == "char" and p.const and fallible:
                self.call_block(f, {p.name: "BAD_UTF8"}, f"{p.name}=invalid UTF-8", "EXPECT_INVALID")
            if is_str_array(p) and fallible:
                self.call_block(f, {p.name: "abi_argv_bad"}, f"{p.name}[0]=invalid UTF-8", "EXPECT_INVALID")
                count = next((q.name for q in f.params if q.name in ("argc", p.name + "_len", "count")), None)
                if count:
                    self.call_block(f, {count: "2"}, f"{p.name}[1]=NULL", "EXPECT_INVALID")
        # 4. Closing twice: a `_close` on a handle must tolerate a second close (no crash, no
        #    panic, the error contract holds), and the handle is then freed once.
        if fallible and f.name.endswith("_close") and f.params and f.params[0].ptr == 1 and f.params[0].base in self.ctors:
            h = f.params[0]
            setup, cleanup = [], []
            var = self.valid_value(f, h, setup, cleanup)
            args = [var if q is h else ("&err" if q.name == "err_out" else self.valid_value(f, q, setup, cleanup)) for q in f.params]
            self.emit("    {")
            for st in setup:
                self.emit("        " + st)
            self.emit("        for (int i = 0; i < 2; i++) {")
            self.emit("            lxd_error *err = NULL;")
            self.emit(f"            lxd_result rc = {f.name}({', '.join(args)});")
            self.emit(f"            check_result(\"{f.name}\", i ? \"second close\" : \"first close\", rc, err, EXPECT_NO_PANIC, 1, 1);")
            self.emit("            lxd_error_free(err);")
            self.emit("        }")
            for st in cleanup:
                self.emit("        " + st)
            self.emit("    }")
        # 5. Extreme integers.
        for p in f.params:
            if p.ptr == 0 and p.base in INT_TYPES and not BUFFER_SIZE.search(p.name):
                lo, hi, signed = INT_TYPES[p.base]
                values = [lo, "-1", hi] if signed else [hi]
                if p.name.startswith("timeout") and re.search(r"< 0 waits without limit", f.doc) and f.name != "lxd_operation_wait":
                    # A wait with no end on a source that never delivers: only a bounded value
                    # (the walk cannot tell "blocks forever" from a hang).
                    values = ["1"]
                for v in values:
                    self.call_block(f, {p.name: f"({p.base}){v}"}, f"{p.name}={v}", "EXPECT_NO_PANIC" if fallible else "EXPECT_ANY")
        self.emit("}")
        self.emit()

    def generate(self):
        for f in self.funcs:
            self.walk(f)
        body = self.out
        self.out = []
        return body


TEMPLATE_HEAD = r'''/*
 * GENERATED by tests/abi/gen_abi_walk.py from include/lxdclient.h — do not edit; run
 * `make abi-walk` (the test target regenerates it, so new functions are walked automatically).
 *
 * The ABI argument walk: every exported function with valid arguments, with NULL for each
 * pointer argument in turn, with invalid UTF-8 for each string, and with extreme integers.
 * Runs against tests/hostile's well-behaved fake LXD ("ok"), so calls with valid arguments have
 * no effect on any real daemon. Prints `abi_walk: N passed, N failed`.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostile_server.h"
#include "lxdclient.h"

static int passed, failed;
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "  FAIL %s:%d: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)
static const char BAD_UTF8[] = {'a', (char)0xff, (char)0xfe, 'b', (char)0xc3, (char)0x28, 0};
static unsigned char abi_buffer[256] __attribute__((unused));

static hostile_server srv;
static const char *const abi_argv[] __attribute__((unused)) = {"true", NULL};
static const char *const abi_argv_bad[] __attribute__((unused)) = {BAD_UTF8, NULL};
__attribute__((unused)) static char local_file_path[256], local_dir_path[256], meta_file_path[256], rootfs_file_path[256], config_dir_path[256];
__attribute__((unused)) static char server_fp[128] = "0000";

/* Local files and folders the walk's valid arguments name, inside the server's temp dir. */
static void make_local_paths(void) {
    snprintf(local_file_path, sizeof local_file_path, "%s/local-file", srv.dir);
    snprintf(local_dir_path, sizeof local_dir_path, "%s/local-dir", srv.dir);
    snprintf(meta_file_path, sizeof meta_file_path, "%s/meta.tar", srv.dir);
    snprintf(rootfs_file_path, sizeof rootfs_file_path, "%s/rootfs.tar", srv.dir);
    snprintf(config_dir_path, sizeof config_dir_path, "%s/config", srv.dir);
    const char *files[] = {local_file_path, meta_file_path, rootfs_file_path};
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fopen(files[i], "w");
        if (f) {
            fputs("abi walk\n", f);
            fclose(f);
        }
    }
    mkdir(local_dir_path, 0700);
    mkdir(config_dir_path, 0700);
}

__attribute__((unused)) static int abi_all_bytes(const void *p, size_t n, unsigned char v) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != v) return 0;
    return 1;
}

static lxd_client *client;
static lxd_operation *op;
static lxd_error *error_obj;
static char https_url[64];
static char client_crt_path[256], client_key_path[256], server_crt_path[256];
static char client_crt_pem[8192], client_key_pem[8192], server_crt_pem[8192];

enum expect { EXPECT_VALID, EXPECT_ACCEPTED, EXPECT_INVALID, EXPECT_NO_PANIC, EXPECT_ANY, EXPECT_DEFAULT };

/* A valid descriptor for `fd` arguments (kept open for the whole run). */
__attribute__((unused)) static int abi_devnull(void) {
    static int fd = -1;
    if (fd < 0) fd = open("/dev/null", O_RDWR);
    return fd;
}

__attribute__((unused)) static char *abi_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static lxd_client_builder *new_builder(void) {
    lxd_client_builder *b = NULL;
    CHECK(lxd_client_builder_new_unix(srv.socket, &b, NULL) == LXD_RESULT_OK && b, "new_builder");
    return b;
}

/* The error contract of a fallible call, and the expectation of its case. */
static void check_result(const char *fn, const char *label, lxd_result rc, lxd_error *err, enum expect want, int had_err_out, int outputs_untouched) {
    CHECK(rc != LXD_RESULT_PANIC, "%s(%s): PANIC: %s", fn, label, err ? lxd_error_message(err) : "");
    if (rc == LXD_RESULT_OK) {
        CHECK(err == NULL, "%s(%s): error object set on success", fn, label);
    } else {
        CHECK(outputs_untouched, "%s(%s): outputs written although it failed with %s", fn, label, lxd_result_name(rc));
        if (had_err_out) {
            CHECK(err != NULL && lxd_error_code(err) == rc, "%s(%s): no error object, or another code", fn, label);
            CHECK(err == NULL || lxd_error_message(err)[0] != '\0', "%s(%s): empty error message", fn, label);
        }
    }
    switch (want) {
    case EXPECT_VALID:
    case EXPECT_ACCEPTED:
        CHECK(rc != LXD_RESULT_INVALID_ARGUMENT, "%s(%s): %s refused: %s (%s)", fn, label,
              want == EXPECT_VALID ? "valid arguments" : "a NULL the documentation allows", lxd_result_name(rc), err ? lxd_error_message(err) : "");
        break;
    case EXPECT_INVALID:
        CHECK(rc == LXD_RESULT_INVALID_ARGUMENT, "%s(%s): got %s, want LXD_RESULT_INVALID_ARGUMENT", fn, label, lxd_result_name(rc));
        break;
    default:
        break;
    }
}

static int read_text(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    return 0;
}
'''

TEMPLATE_TAIL = r'''
/* Hand-written edges the generic walk cannot express. */
static void edges(void) {
    /* Huge and tiny timeouts never panic (deadline arithmetic). */
    static const uint64_t timeouts[] = {UINT64_MAX, (uint64_t)INT64_MAX + 1, 1, 0};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        lxd_client_builder *b = new_builder();
        lxd_client *c = NULL;
        CHECK(lxd_client_builder_set_timeout_ms(b, timeouts[i], NULL) == LXD_RESULT_OK, "set_timeout_ms(%llu)", (unsigned long long)timeouts[i]);
        CHECK(lxd_client_builder_build(b, &c, NULL) == LXD_RESULT_OK, "build with timeout %llu", (unsigned long long)timeouts[i]);
        char *json = NULL;
        lxd_result r = lxd_server_get(c, &json, NULL, NULL);
        CHECK(r == LXD_RESULT_OK || (timeouts[i] == 1 && r == LXD_RESULT_TIMEOUT), "server_get with timeout %llu ms: %s", (unsigned long long)timeouts[i], lxd_result_name(r));
        lxd_string_free(json);
        lxd_client_free(c);
        lxd_client_builder_free(b);
    }
    /* Waits with extreme timeouts on a finished operation return at once. */
    static const int64_t waits[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        double t0 = hs_now();
        lxd_result r = lxd_operation_wait(op, waits[i], NULL);
        CHECK(r == LXD_RESULT_OK || ((waits[i] == 0 || waits[i] == 1) && r == LXD_RESULT_TIMEOUT), "operation_wait(%lld): %s", (long long)waits[i], lxd_result_name(r));
        CHECK(hs_now() - t0 < 10, "operation_wait(%lld) took %.1f s", (long long)waits[i], hs_now() - t0);
    }
    /* Every code has a name; anything else is UNKNOWN, never NULL. */
    for (int32_t code = -2; code <= 20; code++) {
        const char *n = lxd_result_name(code);
        CHECK(n != NULL && strncmp(n, "LXD_RESULT_", 11) == 0, "lxd_result_name(%d)", code);
    }
    CHECK(strcmp(lxd_result_name(INT32_MIN), "LXD_RESULT_UNKNOWN") == 0 && strcmp(lxd_result_name(INT32_MAX), "LXD_RESULT_UNKNOWN") == 0, "lxd_result_name extremes");
    CHECK(lxd_version() != NULL && strlen(lxd_version()) > 0, "lxd_version");
    /* Free functions accept NULL (also walked above); the error getters on a real error. */
    CHECK(lxd_error_code(error_obj) == LXD_RESULT_INVALID_ARGUMENT, "error_obj code");
    CHECK(lxd_error_message(error_obj)[0] != '\0', "error_obj message");
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (hostile_start(&srv) != 0) {
        printf("abi_walk: 0 passed, 1 failed\n");
        return 1;
    }
    char port[16] = "";
    hostile_read(&srv, "https.port", port, sizeof port);
    port[strcspn(port, "\n")] = '\0';
    snprintf(https_url, sizeof https_url, "https://127.0.0.1:%s", port);
    snprintf(client_crt_path, sizeof client_crt_path, "%s/client.crt", srv.dir);
    snprintf(client_key_path, sizeof client_key_path, "%s/client.key", srv.dir);
    snprintf(server_crt_path, sizeof server_crt_path, "%s/server.crt", srv.dir);
    CHECK(read_text(client_crt_path, client_crt_pem, sizeof client_crt_pem) == 0, "client.crt");
    CHECK(read_text(client_key_path, client_key_pem, sizeof client_key_pem) == 0, "client.key");
    CHECK(read_text(server_crt_path, server_crt_pem, sizeof server_crt_pem) == 0, "server.crt");
    make_local_paths();
    /* Defaults the library looks up (lxc config dir, LXD socket) point into the temp dir too, so
     * a NULL that means "the default" never touches the real ~/.config/lxc or a real LXD. */
    setenv("LXD_CONF", config_dir_path, 1);
    setenv("HOME", srv.dir, 1);
    setenv("XDG_CONFIG_HOME", srv.dir, 1);
    setenv("LXD_SOCKET", srv.socket, 1);
    unsetenv("LXD_DIR");

    lxd_client_builder *b = new_builder();
    CHECK(lxd_client_builder_set_timeout_ms(b, 5000, NULL) == LXD_RESULT_OK, "timeout");
    CHECK(lxd_client_builder_build(b, &client, NULL) == LXD_RESULT_OK && client, "client on the fake LXD");
    lxd_client_builder_free(b);
    CHECK(lxd_operation_open(client, "op-ok", &op, NULL) == LXD_RESULT_OK && op, "operation handle");
    CHECK(lxd_client_builder_new_https("http://not-https", &b, &error_obj) == LXD_RESULT_INVALID_ARGUMENT && error_obj, "an error object");
/*EXTRA-SETUP*/

    if (client && op && error_obj) {
        walk_all();
        edges();
    }
    lxd_operation_free(op);
    lxd_error_free(error_obj);
    lxd_client_free(client);
    hostile_stop(&srv);
    printf("abi_walk: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--header", default=str(ROOT / "include" / "lxdclient.h"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "c" / "test_abi_walk.c"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    funcs, callbacks, structs = parse_header(Path(a.header).read_text())
    FUNCS_BY_NAME.update((f.name, f) for f in funcs)
    if not funcs:
        raise SystemExit("no functions found in the header")
    g = Gen(funcs, callbacks, structs)
    body = g.generate()
    if g.problems:
        sys.stderr.write("gen_abi_walk: cannot walk every function:\n  " + "\n  ".join(sorted(set(g.problems))) + "\n")
        sys.exit(1)
    lines = [TEMPLATE_HEAD]
    lines.extend(g.helpers)
    lines.append("")
    lines.extend(body)
    lines.append(f"/* {len(funcs)} functions. */")
    lines.append("static void walk_all(void) {")
    for f in funcs:
        lines.append(f"    walk_{f.name}();")
    lines.append("}")
    extra = []
    if "lxd_certificate_fingerprint" in FUNCS_BY_NAME:
        extra += ["    {", "        char *fp = NULL;",
                  "        CHECK(lxd_certificate_fingerprint(server_crt_pem, &fp, NULL) == LXD_RESULT_OK && fp, \"server fingerprint\");",
                  "        if (fp) snprintf(server_fp, sizeof server_fp, \"%s\", fp);", "        lxd_string_free(fp);", "    }"]
    if "lxd_config_add_remote" in FUNCS_BY_NAME:
        # lxd_client_builder_new_remote needs a remote called "abiwalk" in the config dir.
        extra += ["    {", "        char *fp = NULL;",
                  "        lxd_result r = lxd_config_add_remote(config_dir_path, \"abiwalk\", https_url, NULL, server_fp, &fp, NULL);",
                  "        CHECK(r == LXD_RESULT_OK, \"config_add_remote for the walk: %s\", lxd_result_name(r));",
                  "        lxd_string_free(fp);", "    }"]
    lines.append(TEMPLATE_TAIL.replace("/*EXTRA-SETUP*/\n", "\n".join(extra) + ("\n" if extra else "")))
    text = "\n".join(lines)
    out = Path(a.out)
    if a.check:
        if not out.exists() or out.read_text() != text:
            sys.stderr.write(f"{out} is stale: run 'make abi-walk' and commit it\n")
            sys.exit(1)
        print(f"{out}: current ({len(funcs)} functions)")
        return
    if not out.exists() or out.read_text() != text:
        out.write_text(text)
    print(f"{out}: {len(funcs)} functions walked")


if __name__ == "__main__":
    main()
