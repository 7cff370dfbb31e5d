#!/usr/bin/env python3
"""Write docs/coverage.md: every operation of LXD 5.0.2's and Incus 6.0.4's REST APIs with the
daemons that have it, the core builder, the C function, and the Go and C++ methods that reach it.

    python3 tools/gen_coverage_table.py          # rewrite docs/coverage.md
    python3 tools/gen_coverage_table.py --check  # exit 1 if docs/coverage.md is stale

Sources: core/src/spec.rs (method and path, generated from the spec), core/tests/coverage/entries.rs
(builders and C functions, held to the spec by core/tests/coverage.rs), and the bindings'
sources: a Go or C++ method counts for a C function when its body calls it (`C.lxd_x(` in
bindings/go/lxdclient, `lxd_x` named in bindings/cpp/include). "—" means none (yet).
"""
import os
import re
import sys

import gen_cpp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "coverage.md")


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def spec_rows():
    text = read("core/src/spec.rs")
    rows = {}
    for m in re.finditer(r'id: "([^"]+)",\s*method: "([^"]+)",\s*path: "([^"]+)",\s*fixed_query: "([^"]*)",'
                         r'.*?daemons: Daemons::(\w+),', text, re.S):
        op, method, path, fixed, daemons = m.groups()
        rows[op] = (method, path + ("?" + fixed if fixed else ""), {"BOTH": "LXD, Incus", "LXD": "LXD", "INCUS": "Incus"}[daemons])
    return rows


def entries():
    text = read("core/tests/coverage/entries.rs")
    out = []
    for m in re.finditer(r'e!\(\s*"([^"]+)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', text):
        out.append(m.groups())
    return out


def source_files(root, exts):
    base = os.path.join(ROOT, root)
    for dirpath, _, files in os.walk(base):
        for f in sorted(files):
            if f.endswith(exts) and not f.endswith("_test.go"):
                yield os.path.join(dirpath, f)


GO_FUNC = re.compile(r"^func\s+(?:\((\w+)\s+\*?(\w+)\)\s+)?(\w+)\s*\(")
CPP_FUNC = re.compile(r"^\s*(?:[\w:<>,&\*\s]+?\s+)?(?:(\w+)::)?(\w+)\s*\([^;{]*\)\s*(?:const\s*)?(?:noexcept\s*)?(?:override\s*)?(?:->\s*[\w:<>]+\s*)?\{")
CPP_SKIP = {"if", "for", "while", "switch", "catch", "return", "sizeof"}


def binding_methods(root, exts, func_re, call_fmt, lang):
    """C function name -> sorted method names of the binding that call it."""
    found = {}
    for path in source_files(root, exts):
        current = None
        cls = None
        with open(path, errors="replace") as f:
            for line in f:
                if lang == "cpp":
                    cm = re.match(r"^\s*(?:class|struct)\s+(\w+)\b[^;]*$", line)
                    if cm:
                        cls = cm.group(1)
                m = func_re.match(line)
                if m:
                    if lang == "go":
                        current = f"{m.group(2)}.{m.group(3)}" if m.group(2) else m.group(3)
                    elif m.group(2) not in CPP_SKIP:
                        owner = m.group(1) or cls
                        current = f"{owner}::{m.group(2)}" if owner else m.group(2)
                for fn in re.findall(call_fmt, line):
                    if current:
                        found.setdefault(fn, set()).add(current)
    return {k: sorted(v) for k, v in found.items()}


def c_names(cell):
    return re.findall(r"\blxd_[a-z0-9_]+", cell)


def cell(text):
    return text.replace("|", "\\|")


def render():
    rows = spec_rows()
    ents = entries()
    go = binding_methods("bindings/go/lxdclient", (".go",), GO_FUNC, r"\bC\.(lxd_[a-z0-9_]+)\s*\(", "go")
    # The C++ wrapper passes C functions by name (`detail::call(lxd_instance_list, ...)`).
    cpp = binding_methods("bindings/cpp/include", (".hpp", ".h"), CPP_FUNC, r"(?<![\w.])(?:::)?(lxd_[a-z0-9_]+)\b", "cpp")
    # The generated resource classes reach their C functions through traits (tools/gen_cpp.py).
    for fn, methods in gen_cpp.cpp_methods().items():
        cpp[fn] = sorted(set(cpp.get(fn, [])) | set(methods))
    lines = []
    c_count = {"LXD": 0, "Incus": 0}
    for op, builder, cfn in ents:
        method, path, daemons = rows.get(op, ("?", "?", "?"))
        names = c_names(cfn)
        if names and not cfn.startswith("—"):
            for d in c_count:
                if d in daemons:
                    c_count[d] += 1
        go_m = sorted({m for n in names for m in go.get(n, [])})
        cpp_m = sorted({m for n in names for m in cpp.get(n, [])})
        builder_cell = ", ".join(f"`{b.strip()}`" for b in re.split(r",\s*(?![^()]*\))", builder))
        cfn_cell = re.sub(r"\b(lxd_[a-z0-9_]+)\b", r"`\1`", cfn)
        lines.append(f"| `{op}` | `{method} {path}` | {daemons} | {cell(builder_cell)} | {cell(cfn_cell)} | "
                     f"{cell(', '.join(f'`{m}`' for m in go_m)) or '—'} | {cell(', '.join(f'`{m}`' for m in cpp_m)) or '—'} |")
    n_lxd = sum(1 for r in rows.values() if "LXD" in r[2])
    n_incus = sum(1 for r in rows.values() if "Incus" in r[2])
    head = [
        "<!-- Generated by tools/gen_coverage_table.py from core/src/spec.rs, core/tests/coverage/entries.rs and the",
        "     bindings' sources. Do not edit by hand; rerun the script. -->",
        "## API coverage (LXD 5.0.2 and Incus 6.0.4)",
        "",
        f"Every one of the {n_lxd} operations of LXD 5.0.2's REST API "
        f"(`reference/lxd-5.0.2-rest-api.yaml`) and of the {n_incus} of Incus 6.0.4's "
        f"(`reference/incus-6.0.4-rest-api.yaml`: {sum(1 for r in rows.values() if r[2] == 'LXD, Incus')} of LXD's and "
        f"{sum(1 for r in rows.values() if r[2] == 'Incus')} of its own) "
        "is mapped to typed builders in `lxd-core`, and "
        "`core/tests/coverage.rs` holds every builder's request to each spec that lists it: method, path, fixed query, "
        f"and which of `project=` / `target=` it takes. Reachable through C functions: {c_count['LXD']} of "
        f"LXD's {n_lxd} operations and {c_count['Incus']} of Incus's {n_incus}; the others are request-level only, "
        "for the reason given. Go and C++ list the binding methods that call those C functions.",
        "",
        "| operationId | method and path | daemons | core builders (in `lxd_core::api` unless a full path is given) | C functions | Go | C++ |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    return "\n".join(head + lines) + "\n"


def main():
    text = render()
    if "--check" in sys.argv[1:]:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            print("docs/coverage.md is stale: run python3 tools/gen_coverage_table.py", file=sys.stderr)
            sys.exit(1)
        print("docs/coverage.md: current")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote docs/coverage.md ({sum(1 for l in text.splitlines() if l.startswith('| `'))} operations)")


if __name__ == "__main__":
    main()
