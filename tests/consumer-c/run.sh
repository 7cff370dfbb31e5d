#!/usr/bin/env bash
# Out-of-tree consumers of `make install` prefixes, built only with what the prefix installs:
#   1. PREFIX=build/c-prefix (LIBDIR = PREFIX/lib): tests/consumer-c/main.c linked with
#      `pkg-config --libs lxdclient` (must load the prefix's liblxdclient.so.0) and with
#      `pkg-config --static --libs lxdclient-static` (must not need any liblxdclient.so).
#   2. PREFIX=build/c-prefix-multiarch with a Debian-style LIBDIR=PREFIX/lib/<multiarch>: the same
#      two, and the C++ binding's CMake consumer (bindings/cpp/tests/consumer) finding the
#      package in LIBDIR/cmake with CMAKE_PREFIX_PATH=PREFIX only.
# Usage: tests/consumer-c/run.sh BUILD_DIR   (run by `make test-consumer-c`, inside the harness:
# the programs connect to $LXD_TEST_SOCKET).
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
make=${MAKE:-make}
: "${LXD_TEST_SOCKET:?run under tests/harness/with-lxd.sh}"
cc=${CC:-cc}

fail() { echo "consumer-c: $*" >&2; exit 1; }

# `has PATTERN CMD...`: CMD's output contains PATTERN. The output is read whole first: under
# pipefail, `CMD | grep -q` fails at random when grep exits at its first match and CMD (ldd,
# readelf) is killed by SIGPIPE while still writing.
has() { local out; out=$("${@:2}") || return 1; grep -q -- "$1" <<<"$out"; }

# pkg-config that sees only the prefix's files.
pc() { env -u PKG_CONFIG_PATH PKG_CONFIG_LIBDIR="$1/pkgconfig" pkg-config "${@:2}"; }

check_prefix() {
    local prefix=$1 libdir=$2 tag=$3
    rm -rf "$prefix"
    "$make" -C "$root" --no-print-directory install PREFIX="$prefix" LIBDIR="$libdir" INCLUDEDIR="$prefix/include" >/dev/null
    [ "$(pc "$libdir" --variable=libdir lxdclient)" = "$libdir" ] || fail "$tag: lxdclient.pc libdir is not $libdir"
    [ "$(pc "$libdir" --variable=libdir lxdclient-static)" = "$libdir" ] || fail "$tag: lxdclient-static.pc libdir is not $libdir"

    # Shared: the program must resolve liblxdclient.so.0 to the prefix's copy.
    # shellcheck disable=SC2046
    "$cc" "$here/main.c" -o "$build/consumer-c-$tag" $(pc "$libdir" --cflags --libs lxdclient) -Wl,-rpath,"$libdir"
    "$build/consumer-c-$tag"
    has "=> $libdir/liblxdclient.so.0" ldd "$build/consumer-c-$tag" \
        || fail "$tag: not linked against $libdir/liblxdclient.so.0"
    echo "consumer-c ($tag): linked against the installed $libdir/liblxdclient.so.0"

    # Static: everything from liblxdclient.a, no liblxdclient.so needed at run time.
    # shellcheck disable=SC2046
    "$cc" "$here/main.c" -o "$build/consumer-c-$tag-static" $(pc "$libdir" --static --cflags --libs lxdclient-static)
    "$build/consumer-c-$tag-static"
    if has 'NEEDED.*liblxdclient' readelf -d "$build/consumer-c-$tag-static"; then
        fail "$tag: the static consumer needs liblxdclient.so"
    fi
    echo "consumer-c ($tag): linked statically with pkg-config --static lxdclient-static"
}

mkdir -p "$build"
check_prefix "$build/c-prefix" "$build/c-prefix/lib" lib

multiarch=$(gcc -print-multiarch 2>/dev/null || true)
multiarch=${multiarch:-x86_64-linux-gnu}
mprefix="$build/c-prefix-multiarch"
check_prefix "$mprefix" "$mprefix/lib/$multiarch" multiarch

# The CMake package under LIBDIR/cmake/lxdclient, found from the prefix alone.
cbuild="$build/consumer-cmake-multiarch"
rm -rf "$cbuild"
cmake -S "$root/bindings/cpp/tests/consumer" -B "$cbuild" -DCMAKE_PREFIX_PATH="$mprefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$cbuild" -j2 >/dev/null
has 'connected to LXD [0-9]' "$cbuild/consumer" "$LXD_TEST_SOCKET" || fail "multiarch: CMake consumer did not connect"
has 'connected to LXD [0-9]' "$cbuild/consumer_static" "$LXD_TEST_SOCKET" || fail "multiarch: static CMake consumer did not connect"
has "=> $mprefix/lib/$multiarch/liblxdclient.so.0" ldd "$cbuild/consumer" || fail "multiarch: CMake consumer not linked against the prefix"
echo "consumer-c (multiarch): find_package(lxdclient) from $mprefix/lib/$multiarch/cmake/lxdclient, shared and static"
