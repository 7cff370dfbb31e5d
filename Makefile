# liblxdclient — build, test, demo. Every target installs what it needs (CI machines start empty).
SHELL := /bin/bash
# Install locations (GNU style, each overridable: `make install PREFIX=/usr
# LIBDIR=/usr/lib/x86_64-linux-gnu`); DESTDIR is prepended to all of them for staged installs.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
CARGO ?= cargo
CBINDGEN_VERSION := 0.29.4
ROOT := $(abspath .)
BUILD := $(ROOT)/build
# Where cargo puts the release libraries (the in-tree build the test suites link against).
RELEASE_DIR := $(ROOT)/target/release
# Which daemon the harness starts: lxd (Debian's LXD 5.0) or incus (Incus 6.0 from
# bookworm-backports). `make demo DAEMON=incus`, `make test-cluster DAEMON=incus`, ...
DAEMON ?= lxd
HARNESS := tests/harness/with-lxd.sh --daemon $(DAEMON)
CFLAGS_TEST := -std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I$(ROOT)/include
export PKG_CONFIG_PATH := $(BUILD)/pkgconfig:$(PKG_CONFIG_PATH)

.PHONY: all lib header header-check deps test test-rust test-wasm test-wasm-node test-c test-integration demo clean pc test-cluster test-faults test-tsan gen-check

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
	  "$(ROOT)" "$(RELEASE_DIR)" "$(ROOT)/include" "$(ROOT)/bindings/cpp/include" > $(BUILD)/pkgconfig/lxdclient.pc

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
	$(CARGO) build -p lxd-core -p lxd-core-wasm --target wasm32-unknown-unknown --release

## test-wasm-node: the core in WebAssembly, driven by Node.js over the LXD socket (inside the harness).
test-wasm-node:
	node examples/wasm/lxd-node.mjs target/wasm32-unknown-unknown/release/lxd_core_wasm.wasm

## test: everything — Rust unit tests, wasm build of core, header check, then the C, C++ and Go
## suites against real LXD daemons started (and stopped) by the harness, then the C, Go and C++
## suites and the demo against Incus daemons, and the cluster suites against a 3-member Incus
## cluster, then the cross-daemon suites (one LXD and one Incus daemon side by side).
test: deps header-check gen-check test-rust test-wasm lib abi-check
	@echo "[time] $$(date -u +%T) integration (LXD)"
	$(HARNESS) --second -- $(MAKE) --no-print-directory test-integration
	@echo "[time] $$(date -u +%T) cluster (LXD)"
	$(MAKE) --no-print-directory test-cluster
	@echo "[time] $$(date -u +%T) faults (LXD)"
	$(MAKE) --no-print-directory test-faults
	@echo "[time] $$(date -u +%T) tsan"
	$(MAKE) --no-print-directory test-tsan
	@echo "[time] $$(date -u +%T) incus"
	$(MAKE) --no-print-directory test-incus
	@echo "[time] $$(date -u +%T) cross-daemon"
	$(MAKE) --no-print-directory test-cross
	@echo "[time] $$(date -u +%T) done"

## test-cross: cross-daemon transfers (image copy, instance copy and move, both directions) between
## one LXD 5.0 daemon and one Incus 6.0 daemon (tests/harness/with-lxd.sh --mixed): the C suite
## (tests/c/test_cross_daemon.c, under valgrind) and the Go binding's TestCrossDaemon (-race).
test-cross: lib pc-static
	@mkdir -p $(BUILD)
	@start=$$(date +%s); \
	  gcc $(CFLAGS_TEST) tests/c/test_cross_daemon.c -o $(BUILD)/test_cross_daemon -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread && \
	  (cd bindings/go/lxdclient && PKG_CONFIG_PATH=$(BUILD)/pkgconfig go test -race -c -o $(BUILD)/lxdclient_go_cross.test .) && \
	  tests/harness/with-lxd.sh --mixed -- bash -c 'rc=0; valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=tests/c/valgrind.supp $(BUILD)/test_cross_daemon || rc=1; \
	    (cd bindings/go/lxdclient && $(BUILD)/lxdclient_go_cross.test -test.count=1 -test.run CrossDaemon -test.v) || rc=1; exit $$rc'; \
	  rc=$$?; echo "make test-cross: $$(( $$(date +%s) - start )) s"; exit $$rc

.PHONY: test-cross

## test-incus: the C (under valgrind), Go (-race) and C++ (ASan/UBSan) suites, the demo and the
## benchmarks' smoke run (bench-smoke, ~25 s) against two Incus 6.0 daemons, then the cluster suites against a 3-member Incus cluster, and the fault
## suite against an Incus daemon it kills and revives. All parts run even if one fails.
test-incus: lib
	@start=$$(date +%s); rc=0; \
	  tests/harness/with-lxd.sh --daemon incus --second -- $(MAKE) --no-print-directory test-integration-incus || rc=1; \
	  $(MAKE) --no-print-directory test-cluster DAEMON=incus || rc=1; \
	  $(MAKE) --no-print-directory test-faults DAEMON=incus || rc=1; \
	  echo "[incus] make test-incus: $$(( $$(date +%s) - start )) s"; exit $$rc

## test-integration-incus: what test-incus runs inside its harness (all parts, even if one fails).
test-integration-incus:
	@rc=0; for t in test-c test-go test-cpp test-demo bench-smoke; do \
	  s=$$(date +%s); $(MAKE) --no-print-directory $$t || rc=1; echo "[incus] $$t: $$(( $$(date +%s) - s )) s"; \
	done; exit $$rc

.PHONY: test-incus test-integration-incus

## test-integration: every binding's suite against the harness's LXD daemons (all parts, even if one fails; each
## part's wall time is printed, to see where the run's minutes go).
test-integration:
	@rc=0; for t in test-c test-wasm-node test-go test-cpp test-examples test-demo test-consumer-c test-rust-example bench-smoke; do \
	  s=$$(date +%s); $(MAKE) --no-print-directory $$t || rc=1; echo "[lxd] $$t: $$(( $$(date +%s) - s )) s"; \
	done; exit $$rc

## test-consumer-c: out-of-tree C programs built only with pkg-config against `make install`
## prefixes — shared (lxdclient) and static (lxdclient-static), with the default LIBDIR and a
## multiarch one (lib/x86_64-linux-gnu, plus a CMake consumer there); see tests/consumer-c/run.sh.
test-consumer-c: lib
	MAKE="$(MAKE)" bash tests/consumer-c/run.sh $(BUILD)

## test-rust-example: the Rust example (ffi/examples/quickstart.rs) against the harness's daemon a:
## it lists the instances, launches a throwaway container from the harness image, execs in it and
## deletes it.
test-rust-example:
	LXD_SOCKET="$$LXD_TEST_SOCKET" $(CARGO) run -q -p lxdclient --example quickstart -- --launch "$$LXD_TEST_IMAGE_ALIAS"

## abi-check: exported symbols only grow (tests/abi/symbols.txt); rustdoc builds without warnings.
abi-check: lib
	bash tests/abi/check_symbols.sh
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -q -p lxd-core -p lxdclient

## test-examples: every C block of README.md and examples/c/quickstart.c compile and run.
test-examples: lib
	bash tests/readme_examples.sh

## test-demo: the demo itself, against the harness daemons of the current run.
test-demo: lib
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -Iinclude examples/c/demo.c -o $(BUILD)/demo -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread
	"$$LXD_TEST_HARNESS" make-image "$$LXD_TEST_STATEDIR" "$$LXD_TEST_STATEDIR/demo-image" demo >/dev/null
	$(BUILD)/demo "$$LXD_TEST_STATEDIR/demo-image/unified.tar.gz" > $(BUILD)/demo.log 2>&1 || { cat $(BUILD)/demo.log; exit 1; }
	@tail -n 3 $(BUILD)/demo.log

## test-c: C suite against the daemons in $LXD_TEST_* (run inside the harness), under valgrind.
test-c: lib
	@mkdir -p tests/c/bin
	@set -e; for src in $(filter-out tests/c/test_cluster.c tests/c/test_faults.c tests/c/test_cross_daemon.c,$(wildcard tests/c/test_*.c)); do \
	  bin=tests/c/bin/$$(basename $$src .c); \
	  gcc $(CFLAGS_TEST) $$src -o $$bin -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread; \
	done
	@bash tests/c/run.sh

## test-cluster: against one 3-member loopback cluster started (and stopped) by the harness: the C
## cluster suite (under valgrind), the C++ binding's Cluster* tests (under ASan/UBSan, built in
## test-cpp's build dir) and the Go binding's Cluster tests (-race). LXD_TEST_REQUIRE_CLUSTER=1: a
## binding's cluster test that would skip fails. All three run even if one fails.
test-cluster: lib pc-static
	@mkdir -p $(BUILD)
	gcc $(CFLAGS_TEST) tests/c/test_cluster.c -o $(BUILD)/test_cluster -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread
	@cmake -S bindings/cpp -B $(CPP_BUILD) -DLXDCLIENT_INSTALL_PREFIX=$(CPP_PREFIX) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(CPP_BUILD) -j2 --target lxdclient_cpp_tests
	cd bindings/go/lxdclient && PKG_CONFIG_PATH=$(BUILD)/pkgconfig go test -race -c -o $(BUILD)/lxdclient_go.test .
	$(HARNESS) --cluster -- bash -c 'rc=0; valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
	  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=tests/c/valgrind.supp $(BUILD)/test_cluster || rc=1; \
	  LXD_TEST_REQUIRE_CLUSTER=1 ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(CPP_BUILD)/lxdclient_cpp_tests --gtest_filter="Cluster*" || rc=1; \
	  (cd bindings/go/lxdclient && LXD_TEST_REQUIRE_CLUSTER=1 $(BUILD)/lxdclient_go.test -test.count=1 -test.run Cluster -test.v) || rc=1; exit $$rc'

## test-faults: the C fault suite (LXD killed and restarted mid-call) on a harness of its own
## (restarting its daemon would disturb the other suites), under valgrind.
test-faults: lib
	@mkdir -p $(BUILD)
	gcc $(CFLAGS_TEST) tests/c/test_faults.c -o $(BUILD)/test_faults -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread
	$(HARNESS) -- valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
	  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=tests/c/valgrind.supp $(BUILD)/test_faults

## test-tsan: ThreadSanitizer over the C ABI. liblxdclient (and Rust's std, rebuilt from source
## on a pinned nightly) instrumented with -Zsanitizer=thread, linked with TSan-instrumented C suites that
## share clients, operations, exec handles and event listeners between threads; any report fails
## (exit 66). A deliberate race (canary) must be reported, or the setup is not working.
TSAN_TOOLCHAIN ?= nightly-2026-05-20
TSAN_TRIPLE := x86_64-unknown-linux-gnu
TSAN_TARGET := $(ROOT)/target/tsan
TSAN_SUITES := threads operations events exec
TSAN_LINK = -Wl,--whole-archive $$(rustc +$(TSAN_TOOLCHAIN) --print sysroot)/lib/rustlib/$(TSAN_TRIPLE)/lib/librustc-nightly_rt.tsan.a \
  -Wl,--no-whole-archive -lpthread -ldl -lm -lrt -lstdc++
test-tsan: deps
	RUSTFLAGS=-Zsanitizer=thread CARGO_TARGET_DIR=$(TSAN_TARGET) $(CARGO) +$(TSAN_TOOLCHAIN) build -Zbuild-std \
	  --target $(TSAN_TRIPLE) -p lxdclient
	@mkdir -p $(BUILD)/tsan
	@printf '#include <pthread.h>\nstatic int shared;\nstatic void *w(void *a) { (void)a; shared++; return 0; }\nint main(void) { pthread_t t; pthread_create(&t, 0, w, 0); shared++; pthread_join(t, 0); return 0; }\n' >$(BUILD)/tsan/canary.c
	gcc -g -fsanitize=thread -c $(BUILD)/tsan/canary.c -o $(BUILD)/tsan/canary.o && gcc -o $(BUILD)/tsan/canary $(BUILD)/tsan/canary.o $(TSAN_LINK)
	@TSAN_OPTIONS=exitcode=66 $(BUILD)/tsan/canary 2>/dev/null; rc=$$?; \
	  if [ $$rc -ne 66 ]; then echo "tsan canary: a deliberate race was not reported (exit $$rc)"; exit 1; fi; \
	  echo "tsan canary: deliberate race reported (exit 66), as it must be"
	@set -e; for s in $(TSAN_SUITES); do \
	  gcc -std=c11 -g -O1 -fsanitize=thread -I$(ROOT)/include -c tests/c/test_$$s.c -o $(BUILD)/tsan/test_$$s.o; \
	  gcc -o $(BUILD)/tsan/test_$$s $(BUILD)/tsan/test_$$s.o $(TSAN_TARGET)/$(TSAN_TRIPLE)/debug/liblxdclient.a $(TSAN_LINK); \
	done
	$(HARNESS) -- sh -c 'for s in $(TSAN_SUITES); do TSAN_OPTIONS="halt_on_error=1 exitcode=66" LXD_TEST_WATCHDOG_SECONDS=600 \
	  LXD_TEST_EXEC_MB=8 LXD_TEST_EXEC_ROUNDS=40 \
	  $(BUILD)/tsan/test_$$s || { echo "test_$$s under TSan failed (exit $$?)"; exit 1; }; done'

## gen-check: everything generated from the spec and the resource registry (registry/resources.toml)
## is current: core/src/spec.rs, core/src/api/collections.rs, the C CRUD functions, the C++ resource
## classes (bindings/cpp/include/lxd/resources.hpp, resource_links.hpp), the Go CRUD methods and
## JSON methods (bindings/go/lxdclient/zz_generated_*.go), docs/coverage.md.
gen-check:
	@python3 tools/gen_spec.py --check
	@python3 tools/gen_core.py --check
	@python3 tools/gen_capi.py --check
	@python3 tools/gen_cpp.py --check
	@python3 tools/gen_go.py --check
	@python3 tools/gen_coverage_table.py --check
	@python3 tools/readme_coverage.py --check

## coverage-table: regenerate docs/coverage.md and the copy in README.md.
coverage-table:
	python3 tools/gen_coverage_table.py
	python3 tools/readme_coverage.py

## demo: pylxd's documented walkthrough against throwaway local LXD daemons (two: the demo migrates);
## `make demo DAEMON=incus` against throwaway Incus daemons.
demo: deps lib
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -O1 -Iinclude examples/c/demo.c -o $(BUILD)/demo -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread
	$(HARNESS) --second -- bash -c '"$$LXD_TEST_HARNESS" make-image "$$LXD_TEST_STATEDIR" "$$LXD_TEST_STATEDIR/demo-image" demo >/dev/null && $(BUILD)/demo "$$LXD_TEST_STATEDIR/demo-image/unified.tar.gz"'

clean:
	$(CARGO) clean; rm -rf $(BUILD) tests/c/bin

## bench: benchmarks with baselines (curl, pylxd, lxc) in the same run → bench/RESULTS.md, bench/latency.png.
## Starts its own LXD through the harness; about 6 minutes on a 2-core machine. `make bench DAEMON=incus`:
## the same against an Incus daemon (the incus CLI as the CLI baseline) → bench/RESULTS-incus.md,
## bench/latency-incus.png; either run refreshes the "Incus" section of bench/RESULTS.md.
bench: deps bench-build bench-venv
	@command -v wasm-opt >/dev/null || apt-get install -y -q binaryen >/dev/null 2>&1 || echo "[bench] binaryen not installable: no wasm-opt size"
	@start=$$(date +%s); $(HARNESS) -- python3 bench/run.py; rc=$$?; echo "[bench] make bench: $$(( $$(date +%s) - start )) s"; exit $$rc

## bench-smoke: the same with tiny sizes, inside a running harness (part of test-integration): fails
## if any measurement fails, not if figures are slow. Writes bench/work/RESULTS-smoke.md (against
## Incus, as test-integration-incus runs it: bench/work/RESULTS-smoke-incus.md).
bench-smoke: bench-build bench-venv
	@start=$$(date +%s); python3 bench/run.py --smoke > $(BUILD)/bench-smoke.log; rc=$$?; \
	  secs=$$(( $$(date +%s) - start )); tail -n 60 $(BUILD)/bench-smoke.log; echo "[bench] bench-smoke: $$secs s"; exit $$rc

## bench-build: what the benchmarks run, built before they are timed: the C driver, the RSS probe,
## the core's parse benchmark (an example of lxd-core) and the core for wasm32 (sizes).
bench-build: lib test-wasm
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/lxdbench.c -o $(BUILD)/lxdbench -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror bench/rss.c -o $(BUILD)/rss
	$(CARGO) build -q --release -p lxd-core --example bench_parse

## bench-venv: the virtualenv with pylxd (a baseline) and matplotlib (the plot), made once in
## bench/work/venv (a download: kept out of bench-smoke's time).
bench-venv:
	@test -x bench/work/venv/bin/python && bench/work/venv/bin/python -c 'import pylxd, matplotlib' 2>/dev/null || \
	  { rm -rf bench/work/venv && python3 -m venv bench/work/venv && bench/work/venv/bin/pip install -q pylxd==2.4.2 matplotlib; }

.PHONY: bench bench-smoke bench-venv bench-build

## pc-static: build/pkgconfig/lxdclient-static.pc, which links liblxdclient.a (the Go binding's
## `lxdclient_static` build tag uses it).
pc-static:
	@mkdir -p $(BUILD)/pkgconfig
	@printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\nName: lxdclient-static\nDescription: LXD client library, linked statically (in-tree build)\nVersion: 0.1.0\nLibs: $${libdir}/liblxdclient.a\nLibs.private: -lpthread -ldl -lm\nCflags: -I$${includedir}\n' \
	  "$(ROOT)" "$(RELEASE_DIR)" "$(ROOT)/include" > $(BUILD)/pkgconfig/lxdclient-static.pc

## test-go: the Go binding's tests (go vet, then go test -race) against the daemons in $LXD_TEST_*
## (run inside the harness: tests/harness/with-lxd.sh --second -- make test-go).
test-go: lib pc-static
	cd bindings/go/lxdclient && PKG_CONFIG_PATH=$(BUILD)/pkgconfig go vet ./... && PKG_CONFIG_PATH=$(BUILD)/pkgconfig go test -race -count=1 ./...

.PHONY: pc-static test-go

# ------------------------------------------------------------------------------------------------
# C++ binding, install and uninstall.

LXD_LIB_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
ABS_PREFIX = $(abspath $(PREFIX))
ABS_LIBDIR = $(abspath $(LIBDIR))
ABS_INCDIR = $(abspath $(INCLUDEDIR))
INSTALL_LIBDIR = $(DESTDIR)$(ABS_LIBDIR)
INSTALL_INCDIR = $(DESTDIR)$(ABS_INCDIR)
INSTALL_CMAKEDIR = $(INSTALL_LIBDIR)/cmake/lxdclient
# pkg-config paths: `${prefix}/...` when under the prefix (so `pkg-config --define-prefix` can
# relocate them), else absolute. The CMake package finds everything relative to its own directory.
PC_LIBDIR = $(patsubst $(ABS_PREFIX)/%,$${prefix}/%,$(ABS_LIBDIR))
PC_INCDIR = $(patsubst $(ABS_PREFIX)/%,$${prefix}/%,$(ABS_INCDIR))
REL = $(shell realpath -m --relative-to=$(1) $(2))
INSTALL_SUBST = sed -e 's|@PREFIX@|$(ABS_PREFIX)|g' -e 's|@VERSION@|$(LXD_LIB_VERSION)|g' \
  -e 's|@PC_LIBDIR@|$(PC_LIBDIR)|g' -e 's|@PC_INCLUDEDIR@|$(PC_INCDIR)|g' \
  -e 's|@CMAKEDIR_TO_PREFIX@|$(call REL,$(ABS_LIBDIR)/cmake/lxdclient,$(ABS_PREFIX))|g' \
  -e 's|@PREFIX_TO_LIBDIR@|$(call REL,$(ABS_PREFIX),$(ABS_LIBDIR))|g' \
  -e 's|@PREFIX_TO_INCLUDEDIR@|$(call REL,$(ABS_PREFIX),$(ABS_INCDIR))|g'
CPP_BUILD := $(BUILD)/cpp
CPP_PREFIX := $(BUILD)/cpp-prefix
# The parts of the C++ binding behind lxdclient.hpp (two generated by tools/gen_cpp.py).
CPP_PARTS := $(sort $(wildcard bindings/cpp/include/lxd/*.hpp))

.PHONY: soname-link install uninstall test-cpp

# liblxdclient.so carries the soname liblxdclient.so.0 (ffi/build.rs): programs linked in-tree
# look for that name in target/release at run time.
lib: soname-link
soname-link:
	@mkdir -p $(RELEASE_DIR) && ln -sfn liblxdclient.so $(RELEASE_DIR)/liblxdclient.so.0

## install: the libraries, the C header, the C++ headers (lxdclient.hpp and lxd/*.hpp), pkg-config
## files (lxdclient.pc: shared; lxdclient-static.pc: liblxdclient.a) and the CMake package, into
## $(DESTDIR) + PREFIX, LIBDIR and INCLUDEDIR.
install: lib
	install -d $(INSTALL_LIBDIR)/pkgconfig $(INSTALL_CMAKEDIR) $(INSTALL_INCDIR)
	install -m 0755 $(RELEASE_DIR)/liblxdclient.so $(INSTALL_LIBDIR)/liblxdclient.so.$(LXD_LIB_VERSION)
	ln -sfn liblxdclient.so.$(LXD_LIB_VERSION) $(INSTALL_LIBDIR)/liblxdclient.so.0
	ln -sfn liblxdclient.so.0 $(INSTALL_LIBDIR)/liblxdclient.so
	install -m 0644 $(RELEASE_DIR)/liblxdclient.a $(INSTALL_LIBDIR)/liblxdclient.a
	install -m 0644 include/lxdclient.h bindings/cpp/include/lxdclient.hpp $(INSTALL_INCDIR)/
	install -d $(INSTALL_INCDIR)/lxd
	install -m 0644 $(CPP_PARTS) $(INSTALL_INCDIR)/lxd/
	$(INSTALL_SUBST) bindings/cpp/packaging/lxdclient.pc.in > $(INSTALL_LIBDIR)/pkgconfig/lxdclient.pc
	$(INSTALL_SUBST) bindings/cpp/packaging/lxdclient-static.pc.in > $(INSTALL_LIBDIR)/pkgconfig/lxdclient-static.pc
	$(INSTALL_SUBST) bindings/cpp/packaging/lxdclientConfig.cmake.in > $(INSTALL_CMAKEDIR)/lxdclientConfig.cmake
	$(INSTALL_SUBST) bindings/cpp/packaging/lxdclientConfigVersion.cmake.in > $(INSTALL_CMAKEDIR)/lxdclientConfigVersion.cmake

uninstall:
	rm -f $(INSTALL_LIBDIR)/liblxdclient.so $(INSTALL_LIBDIR)/liblxdclient.so.0 \
	  $(INSTALL_LIBDIR)/liblxdclient.so.$(LXD_LIB_VERSION) $(INSTALL_LIBDIR)/liblxdclient.a \
	  $(INSTALL_INCDIR)/lxdclient.h $(INSTALL_INCDIR)/lxdclient.hpp $(INSTALL_LIBDIR)/pkgconfig/lxdclient.pc \
	  $(INSTALL_LIBDIR)/pkgconfig/lxdclient-static.pc \
	  $(INSTALL_CMAKEDIR)/lxdclientConfig.cmake $(INSTALL_CMAKEDIR)/lxdclientConfigVersion.cmake \
	  $(addprefix $(INSTALL_INCDIR)/lxd/,$(notdir $(CPP_PARTS)))
	-rmdir $(INSTALL_CMAKEDIR) $(INSTALL_INCDIR)/lxd 2>/dev/null || true

## test-cpp: the C++ binding (GoogleTest under ASan/UBSan) against the daemons in $LXD_TEST_*
## (run inside the harness), plus the example, the README snippet, and out-of-tree consumers of a
## fresh `make install` prefix (CMake package and pkg-config).
test-cpp: lib
	@rm -rf $(CPP_PREFIX)
	@$(MAKE) --no-print-directory install PREFIX=$(CPP_PREFIX) LIBDIR=$(CPP_PREFIX)/lib INCLUDEDIR=$(CPP_PREFIX)/include >/dev/null
	@cmake -S bindings/cpp -B $(CPP_BUILD) -DLXDCLIENT_INSTALL_PREFIX=$(CPP_PREFIX) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(CPP_BUILD) -j2
	cd $(CPP_BUILD) && ctest --output-on-failure

## --- reliability: hostile server, ABI walk, fuzzing, lint (tests/hostile, tests/abi, fuzz/) -----
.PHONY: hostile-bin abi-walk abi-walk-check test-hostile fuzz fuzz-smoke fuzz-stable fuzz-seeds lint
FUZZ_TARGETS := envelope models names raw_input transport events exec files multipart ws_frames
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
	  gcc $(CFLAGS_TEST) -Itests/c tests/c/test_$$t.c -o tests/c/bin/test_$$t -L$(RELEASE_DIR) -Wl,-rpath,$(RELEASE_DIR) -llxdclient -lpthread; \
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

# Wire the reliability checks into the main targets (prerequisites only): the C suite loop above
# compiles tests/c/test_hostile.c and the regenerated tests/c/test_abi_walk.c, which need
# lxd-hostile; `make test` also runs clippy and the stable fuzz harness (no nightly needed).
test-c: hostile-bin abi-walk
test: lint fuzz-stable

# ------------------------------------------------------------------------------------------------
# Publishing: crates and rendered API docs.
.PHONY: publish-check docs test-rust-example

## publish-check: no ureq type in a `pub` line of ffi/src (the HTTP stack stays replaceable without
## a semver break); both crates would publish: `cargo publish --dry-run` packages lxd-core and
## lxdclient and builds each from its .crate file (lxdclient against the packaged lxd-core,
## through cargo's temporary local registry, as crates.io will resolve it), then lists what
## lxdclient's crate holds. Reads the crates.io index; uploads nothing.
publish-check:
	@if grep -rnE '^\s*pub [^(].*\bureq::|^\s*pub use ureq' ffi/src; then \
	  echo "publish-check: ureq types in lxdclient's public Rust API (above): make them pub(crate)"; exit 1; fi
	$(CARGO) publish --dry-run --allow-dirty -p lxd-core -p lxdclient
	@mkdir -p $(BUILD) && $(CARGO) package --list --allow-dirty -p lxdclient > $(BUILD)/lxdclient-crate-files.txt
	@for f in Cargo.toml LICENSE README.md src/lib.rs examples/quickstart.rs; do \
	  grep -qx "$$f" $(BUILD)/lxdclient-crate-files.txt || { echo "lxdclient crate lacks $$f"; exit 1; }; done
	@echo "publish-check: lxd-core and lxdclient package and build; lxdclient's crate holds $$(wc -l < $(BUILD)/lxdclient-crate-files.txt) files ($(BUILD)/lxdclient-crate-files.txt)"

## docs: rendered API docs in build/docs (open build/docs/index.html): rustdoc for lxd-core and
## lxdclient (rust/), the C header and the C++ binding through doxygen (c/html/), and the Go
## package as `go doc -all` text (go/lxdclient.txt; pkgsite needs the network).
DOCS := $(BUILD)/docs
docs:
	@command -v doxygen >/dev/null || { echo "[docs] apt-get install doxygen"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doxygen >/dev/null; }
	@rm -rf $(DOCS) && mkdir -p $(DOCS)/rust $(DOCS)/c $(DOCS)/go
	rm -rf $(ROOT)/target/doc
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -q -p lxd-core -p lxdclient
	cp -r $(ROOT)/target/doc/. $(DOCS)/rust/
	LXD_DOC_OUT=$(DOCS)/c LXD_DOC_VERSION=$(LXD_LIB_VERSION) doxygen docs/Doxyfile
	cd bindings/go/lxdclient && go doc -all . > $(DOCS)/go/lxdclient.txt
	@printf '%s\n' '<!doctype html><meta charset="utf-8"><title>liblxdclient $(LXD_LIB_VERSION) API</title>' \
	  '<h1>liblxdclient $(LXD_LIB_VERSION) API</h1><ul>' \
	  '<li><a href="rust/lxd_core/index.html">lxd-core</a>: the sans-IO core (Rust)</li>' \
	  '<li><a href="rust/lxdclient/index.html">lxdclient</a>: the blocking client (Rust)</li>' \
	  '<li><a href="c/html/index.html">lxdclient.h and lxdclient.hpp</a>: the C ABI and the C++17 binding</li>' \
	  '<li><a href="go/lxdclient.txt">package lxdclient</a>: the Go binding (go doc -all)</li></ul>' > $(DOCS)/index.html
	@echo "docs: $(DOCS)/index.html (doxygen warnings: $$(wc -l < $(DOCS)/c/doxygen-warnings.log), in $(DOCS)/c/doxygen-warnings.log)"

# `make test` also checks that the crates package and the docs render.
test: publish-check docs
