#!/usr/bin/env bash
# Installs what building and testing liblxdclient needs, only what is missing. Idempotent.
set -euo pipefail
log() { echo "[deps] $*" >&2; }

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in lxd lxd-client busybox-static pkg-config valgrind nlohmann-json3-dev libgtest-dev cmake jq openssl curl python3-venv iptables dnsmasq-base doxygen; do
  pkg_installed "$p" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Incus 6.0 LTS (make test runs every suite against it too) comes from bookworm-backports, on the
# mirror the system already uses.
if [ ! -x /usr/libexec/incus/incusd ] || ! have incus; then
  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
    log "adding bookworm-backports (${uri:-http://deb.debian.org/debian})"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "${uri:-http://deb.debian.org/debian}" >/etc/apt/sources.list.d/backports.sources
  fi
  log "apt-get install -t bookworm-backports incus-base incus-client"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports incus-base incus-client >/dev/null
fi

if ! have cbindgen || [ "$(cbindgen --version | awk '{print $2}')" != "0.29.4" ]; then
  log "cargo install cbindgen 0.29.4"
  cargo install --locked --quiet cbindgen --version 0.29.4
fi
if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null
fi
# ThreadSanitizer over the C ABI (make test-tsan) needs a nightly toolchain with the standard
# library's sources (std is rebuilt with -Zsanitizer=thread).
if ! rustup component list --toolchain "${TSAN_TOOLCHAIN:-nightly-2026-05-20}" --installed 2>/dev/null | grep -q '^rust-src'; then
  log "rustup toolchain install ${TSAN_TOOLCHAIN:-nightly-2026-05-20} (minimal, rust-src)"
  rustup toolchain install "${TSAN_TOOLCHAIN:-nightly-2026-05-20}" --profile minimal --component rust-src >/dev/null
fi
# The generators (tools/registry.py, gen_spec.py) read the REST spec with PyYAML and the registry
# with tomllib (Python 3.11+).
if ! python3 -c 'import yaml, tomllib' 2>/dev/null; then
  log "pip install pyyaml"
  python3 -m pip install -q pyyaml
fi
log "ok"
