# liblxdclient — build, test, demo. Every target installs what it needs (CI machines start empty).
SHELL := /bin/bash
PREFIX ?= /usr/local
CARGO ?= cargo
CBINDGEN_VERSION := 0.29.4
ROOT := $(abspath .)
BUILD := $(ROOT)/build
LIBDIR := $(ROOT)/target/release
HARNESS := tests/harness/with-lxd.sh
CFLAGS_TEST := -std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I$(ROOT)/include
export PKG_CONFIG_PATH := $(BUILD)/pkgconfig:$(PKG_CONFIG_PATH)

.PHONY: all lib header header-check deps test test-rust test-wasm test-c test-integration demo clean pc

all: lib

## deps: install the system packages and tools the build and tests need (idempotent).
deps:
	@bash tests/harness/install-deps.sh

## lib: liblxdclient.so / .a (release) and an in-tree pkg-config file.
lib: pc
	$(CARGO) build --release -p lxdclient

pc:
	@mkdir -p $(BUILD)/pkgconfig
	@printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\nName: lxdclient\nDescription: LXD client library (in-tree build)\nVersion: 0.1.0\nLibs: -L$${libdir} -Wl,-rpath,$${libdir} -llxdclient\nLibs.private: -lpthread -ldl -lm\nCflags: -I$${includedir} -I%s\n' \
	  "$(ROOT)" "$(LIBDIR)" "$(ROOT)/include" "$(ROOT)/bindings/cpp/include" > $(BUILD)/pkgconfig/lxdclient.pc

## header: regenerate include/lxdclient.h from the Rust sources.
header:
	cbindgen --config ffi/cbindgen.toml --crate lxdclient --output include/lxdclient.h ffi

header-check:
	@tmp=$$(mktemp); cbindgen --quiet --config ffi/cbindgen.toml --crate lxdclient --output $$tmp ffi; \
	if ! cmp -s $$tmp include/lxdclient.h; then diff -u include/lxdclient.h $$tmp | head -40; rm -f $$tmp; \
	  echo "include/lxdclient.h is stale: run 'make header' and commit it"; exit 1; fi; rm -f $$tmp; echo "header: current"

test-rust:
	$(CARGO) test --workspace --quiet

test-wasm:
	$(CARGO) build -p lxd-core --target wasm32-unknown-unknown --release

## test: everything — Rust unit tests, wasm build of core, header check, then the C, C++ and Go
## suites against real LXD daemons started (and stopped) by the harness.
test: deps header-check test-rust test-wasm lib
	$(HARNESS) --second -- $(MAKE) --no-print-directory test-integration

test-integration: test-c

## test-c: C suite against the daemons in $LXD_TEST_* (run inside the harness), under valgrind.
test-c: lib
	@mkdir -p tests/c/bin
	@set -e; for src in tests/c/test_*.c; do \
	  bin=tests/c/bin/$$(basename $$src .c); \
	  gcc $(CFLAGS_TEST) $$src -o $$bin -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -llxdclient -lpthread; \
	done
	@bash tests/c/run.sh

## demo: pylxd's documented walkthrough against a throwaway local LXD.
demo: deps lib
	$(CC) -std=c11 -Wall -Wextra -O1 -Iinclude examples/c/demo.c -o $(BUILD)/demo -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -llxdclient
	$(HARNESS) -- $(BUILD)/demo

clean:
	$(CARGO) clean; rm -rf $(BUILD) tests/c/bin

## --- reliability: hostile server, ABI walk, fuzzing, lint (tests/hostile, tests/abi, fuzz/) -----
.PHONY: hostile-bin abi-walk abi-walk-check test-hostile fuzz fuzz-smoke fuzz-stable fuzz-seeds lint
FUZZ_TARGETS := envelope models names raw_input transport
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 20
VALGRIND ?= 1
HOSTILE_VG := valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  $(if $(wildcard tests/c/valgrind.supp),--suppressions=$(ROOT)/tests/c/valgrind.supp)

## hostile-bin: target/release/lxd-hostile, the misbehaving fake LXD the C suites start.
hostile-bin:
	$(CARGO) build --release -p lxd-hostile

## abi-walk: regenerate tests/c/test_abi_walk.c from include/lxdclient.h (every exported function).
abi-walk:
	python3 tests/abi/gen_abi_walk.py

abi-walk-check:
	python3 tests/abi/gen_abi_walk.py --check

## test-hostile: the hostile-server and ABI-walk C suites (need no LXD), under valgrind (VALGRIND=0: without).
test-hostile: lib hostile-bin abi-walk
	@mkdir -p tests/c/bin
	@set -e; fail=0; for t in hostile abi_walk; do \
	  gcc $(CFLAGS_TEST) -Itests/c tests/c/test_$$t.c -o tests/c/bin/test_$$t -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -llxdclient -lpthread; \
	  if [ "$(VALGRIND)" != 0 ]; then $(HOSTILE_VG) tests/c/bin/test_$$t || fail=1; else tests/c/bin/test_$$t || fail=1; fi; \
	done; exit $$fail

## fuzz-seeds: seed corpora in fuzz/corpus/<target> from the recorded LXD replies.
fuzz-seeds:
	$(CARGO) run --quiet --manifest-path fuzz/Cargo.toml --no-default-features --target-dir $(ROOT)/target --example write_seeds

## fuzz: every target for FUZZ_SECONDS each with cargo-fuzz (nightly); without nightly, the stable
## fixed-seed harness for the same time. fuzz-smoke: the same, FUZZ_SMOKE_SECONDS each (CI).
fuzz: fuzz-seeds
	@bash fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-seeds
	@bash fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

## fuzz-stable: the fuzz targets on stable Rust (seeds, saved corpus, regressions, 4000 mutations each).
fuzz-stable:
	$(CARGO) test --manifest-path fuzz/Cargo.toml --no-default-features --target-dir $(ROOT)/target -- --nocapture

## lint: clippy with warnings as errors (unwrap/expect are denied outside tests in core and ffi).
lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --no-default-features --target-dir $(ROOT)/target --all-targets -- -D warnings
