#!/usr/bin/env bash
# Real-LXD test harness for liblxdclient.
#
# Starts private LXD daemons (Debian's `lxd` package, LXD 5.0.x) or Incus daemons (`incus-base`
# from bookworm-backports, Incus 6.0.x), each with its own LXD_DIR / INCUS_DIR inside STATEDIR,
# and stops every daemon it started, by pid. Loopback addresses only.
#
# Usage:
#   lxd-harness.sh start STATEDIR [--daemon lxd|incus] [--second] [--cluster] [--selfcheck]
#   lxd-harness.sh stop STATEDIR
#   lxd-harness.sh make-image STATEDIR OUTDIR [TAG]   # a fresh, uniquely-fingerprinted image
#   lxd-harness.sh kill STATEDIR NAME [SIGNAL]         # signal daemon NAME (default KILL), wait for exit
#   lxd-harness.sh revive STATEDIR NAME                # start daemon NAME again on its LXD_DIR
#
# After `start`, STATEDIR/env holds `export KEY=VALUE` lines (see README.md beside this file).
set -euo pipefail

HARNESS_SELF=$(readlink -f "${BASH_SOURCE[0]}")
MARKER=.lxd-harness
# Proxy for anything the daemons try to fetch from the internet (LXD's instance-types refresh
# at startup): a dead loopback port, so nothing ever leaves the machine. LXD never proxies
# loopback addresses, so cluster traffic on 127.0.0.x is unaffected.
DEAD_PROXY=http://127.0.0.1:9
# Which daemon: lxd (default) or incus. `start --daemon X` records it in STATEDIR/daemon; the
# other commands read it back from there.
DAEMON=lxd
INCUSD=/usr/libexec/incus/incusd

log() { printf '[harness] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

usage() {
    sed -n '2,14p' "$HARNESS_SELF" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------
# Dependencies

# Debian's bookworm-backports suite (Incus 6.0 LTS), on the mirror the system already uses;
# idempotent (install-deps.sh does the same).
ensure_backports() {
    local f=/etc/apt/sources.list.d/backports.sources uri
    if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then return 0; fi
    uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    log "adding $f ($uri bookworm-backports)"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" >"$f"
}

ensure_incus() {
    if [ -x "$INCUSD" ] && command -v incus >/dev/null 2>&1; then return 0; fi
    [ "$(id -u)" = 0 ] || die "incus missing and not root"
    ensure_backports
    log "installing incus-base incus-client from bookworm-backports with apt-get"
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq -t bookworm-backports \
        incus-base incus-client >&2
    [ -x "$INCUSD" ] || die "$INCUSD missing after installing incus-base"
}

ensure_deps() {
    local missing=0
    if [ "$DAEMON" = incus ]; then
        ensure_incus
    else
        command -v lxd >/dev/null 2>&1 || missing=1
        command -v lxc >/dev/null 2>&1 || missing=1
    fi
    command -v openssl >/dev/null 2>&1 || missing=1
    [ -x /bin/busybox ] || missing=1
    # A dynamically linked busybox (Debian's `busybox` package) is useless in a bare rootfs.
    if [ -x /bin/busybox ] && ldd /bin/busybox >/dev/null 2>&1; then missing=1; fi
    if [ "$missing" = 1 ]; then
        [ "$(id -u)" = 0 ] || die "lxd/lxc/openssl/busybox-static missing and not root"
        local pkgs=(busybox-static openssl)
        [ "$DAEMON" = incus ] || pkgs+=(lxd lxd-client)
        log "installing ${pkgs[*]} with apt-get"
        timeout 600 apt-get update -qq
        DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq "${pkgs[@]}" >&2
    fi
    ensure_subids
}

# LXD (running as root) maps unprivileged containers with root's range in /etc/subuid and
# /etc/subgid; without one it only allows privileged containers.
ensure_subids() {
    local f
    for f in /etc/subuid /etc/subgid; do
        [ -e "$f" ] || touch "$f"
        if ! grep -q '^root:' "$f"; then
            local start
            start=$(awk -F: 'BEGIN{m=100000} {e=$2+$3; if (e>m) m=e} END{print m}' "$f")
            log "adding root:${start}:1000000000 to $f"
            echo "root:${start}:1000000000" >>"$f"
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# Helpers

# The command-line client (lxc or incus) against the daemon whose LXD_DIR / INCUS_DIR is $1,
# bounded by a timeout; remaining args to the client (its syntax is the same for what we use).
lxcd() {
    local dir=$1 t=${LXC_TIMEOUT:-60}; shift
    if [ "$DAEMON" = incus ]; then
        INCUS_DIR=$dir INCUS_CONF=$STATEDIR/lxc-conf timeout "$t" incus "$@" </dev/null
    else
        LXD_DIR=$dir LXD_CONF=$STATEDIR/lxc-conf timeout "$t" lxc "$@" </dev/null
    fi
}

# The daemon's admin commands against the daemon in $2 with a timeout $1: `lxd waitready`,
# `lxd init`, `lxd shutdown` / `incus admin waitready`, `incus admin init`, ...
dadmin() {
    local t=$1 dir=$2; shift 2
    if [ "$DAEMON" = incus ]; then
        INCUS_DIR=$dir INCUS_CONF=$STATEDIR/lxc-conf timeout "$t" incus admin "$@"
    else
        LXD_DIR=$dir timeout "$t" lxd "$@"
    fi
}

# The variable that names a daemon's state directory.
dir_var() { if [ "$DAEMON" = incus ]; then echo INCUS_DIR; else echo LXD_DIR; fi; }

# A TCP port free on every address given.
free_port() {
    local addrs=("$@") port i a ok
    if command -v python3 >/dev/null 2>&1; then
        port=$(python3 - "${addrs[@]}" <<'EOF' 2>/dev/null || true
import random, socket, sys
addrs = sys.argv[1:]
for _ in range(200):
    p = random.randint(20000, 60999)
    ok = True
    for a in addrs:
        s = socket.socket()
        try:
            s.bind((a, p))
        except OSError:
            ok = False
        finally:
            s.close()
        if not ok:
            break
    if ok:
        print(p)
        break
EOF
)
        if [ -n "$port" ]; then echo "$port"; return 0; fi
    fi
    for i in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        ok=1
        for a in "${addrs[@]}"; do
            if timeout 1 bash -c "exec 3<>/dev/tcp/$a/$port" 2>/dev/null; then ok=0; break; fi
        done
        if [ "$ok" = 1 ]; then echo "$port"; return 0; fi
    done
    die "no free port found"
}

# Run a command, showing its output only if it fails.
quietly() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        return 1
    fi
}

rand_hex() { openssl rand -hex "${1:-12}"; }

# Launch `lxd` for daemon NAME with LXD_DIR DIR, detached in its own session, all fds
# redirected (so callers capturing our output never wait on the daemon). The wrapper records
# "NAME PID DIR" in STATEDIR/pids before exec'ing lxd, so `stop` can always find it.
launch_daemon() {
    local name=$1 dir=$2
    mkdir -p "$dir"
    chmod 0711 "$dir"
    local var bin
    var=$(dir_var)
    if [ "$DAEMON" = incus ]; then bin=$INCUSD; else bin=lxd; fi
    log "launching daemon $name ($var=$dir)"
    # shellcheck disable=SC2016 # expanded by the inner bash
    setsid bash -c 'echo "$1 $$ $2" >>"$3"; exec env "$6=$2" \
            HTTPS_PROXY="$5" HTTP_PROXY="$5" https_proxy="$5" http_proxy="$5" \
            NO_PROXY=127.0.0.0/8,localhost no_proxy=127.0.0.0/8,localhost \
            "$7" --group root --logfile "$4"' \
        _ "$name" "$dir" "$STATEDIR/pids" "$STATEDIR/logs/$name.log" "$DEAD_PROXY" "$var" "$bin" \
        </dev/null >>"$STATEDIR/logs/$name.out" 2>&1 &
}

# Running (not exited, not a zombie awaiting its reaper)?
pid_alive() {
    local st=
    { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

daemon_pid() { awk -v n="$1" '$1==n {p=$2} END{print p}' "$STATEDIR/pids" 2>/dev/null; }

wait_ready() {
    local name=$1 dir=$2 deadline pid
    deadline=$(( $(date +%s) + 60 ))
    while :; do
        pid=$(daemon_pid "$name")
        if [ -n "$pid" ] && ! pid_alive "$pid"; then
            tail -n 20 "$STATEDIR/logs/$name.log" "$STATEDIR/logs/$name.out" >&2 2>/dev/null || true
            die "daemon $name (pid $pid) exited during startup"
        fi
        if [ -n "$pid" ] && [ -S "$dir/unix.socket" ] &&
            dadmin 5 "$dir" waitready --timeout 2 >/dev/null 2>&1; then
            return 0
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            tail -n 20 "$STATEDIR/logs/$name.log" >&2 2>/dev/null || true
            die "daemon $name not ready after 60 s"
        fi
        sleep 0.1
    done
}

# Preseed: dir pool "default", root disk on the default profile, trust password.
# No network device (no managed bridge needed).
# Incus 6.0 has no trust password (tokens only): its preseed sets none.
configure_standalone() {
    local dir=$1 password=$2 pwline=
    [ "$DAEMON" = incus ] || pwline="  core.trust_password: \"$password\""
    quietly dadmin 60 "$dir" init --preseed <<EOF
config:
$pwline
  images.auto_update_interval: "0"
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root:
      path: /
      pool: default
      type: disk
EOF
}

# Bind core.https_address on ADDR with a free port (retrying on a race); prints the port.
set_https_address() {
    local dir=$1 addr=$2 port i err
    for i in 1 2 3 4 5; do
        port=$(free_port "$addr")
        if err=$(lxcd "$dir" config set core.https_address "$addr:$port" 2>&1); then
            echo "$port"
            return 0
        fi
        log "could not listen on $addr:$port (${err:-timeout}), retrying"
    done
    die "could not bind core.https_address on $addr"
}

import_image() {
    local dir=$1
    lxcd "$dir" image import "$STATEDIR/images/busybox.tar.gz" --alias busybox >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Image

# Builds STATEDIR/images/{rootfs/,metadata.yaml,busybox.tar.gz,meta.tar.xz,rootfs.tar.gz}
build_image() {
    local img=$STATEDIR/images
    if [ -s "$img/busybox.tar.gz" ] && [ -s "$img/meta.tar.xz" ] && [ -s "$img/rootfs.tar.gz" ]; then
        return 0
    fi
    log "building busybox image"
    local work=$img/build
    rm -rf "$work"
    mkdir -p "$work/rootfs"
    local r=$work/rootfs p
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/sbin,etc,tmp,root,dev,proc,sys,run,var/log,var/tmp,home/tester}
    cp "$(readlink -f /bin/busybox)" "$r/bin/busybox"
    chmod 0755 "$r/bin/busybox"
    # One symlink per applet at the path busybox expects (bin/sh, usr/bin/env, sbin/init...);
    # perl (Essential on Debian) makes them all in one process.
    local -a links=()
    while read -r p; do
        [ -n "$p" ] && [ "$p" != bin/busybox ] && links+=("$r/$p")
    done < <(/bin/busybox --list-full)
    for p in sh cat true false sleep env id pwd head dd yes ls echo mkdir rm; do
        if ! printf '%s\n' "${links[@]}" | grep -qE "/(usr/)?bin/$p\$"; then links+=("$r/bin/$p"); fi
    done
    printf '%s\n' "${links[@]}" | grep -q '/sbin/init$' || links+=("$r/sbin/init")
    perl -e 'for (@ARGV) { symlink("/bin/busybox", $_) or die "symlink $_: $!\n" unless -l $_ }' \
        "${links[@]}"
    cat >"$r/etc/inittab" <<'EOF'
::sysinit:/bin/true
::respawn:/bin/sleep 3600
::shutdown:/bin/true
EOF
    cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat >"$r/etc/group" <<'EOF'
root:x:0:
tester:x:1000:
nogroup:x:65534:
EOF
    echo busybox >"$r/etc/hostname"
    : >"$r/etc/hosts"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$r/etc/hosts"
    chown -R 0:0 "$r"
    chown 1000:1000 "$r/home/tester"
    chmod 1777 "$r/tmp" "$r/var/tmp"
    chmod 0700 "$r/root"
    write_metadata "$work" "busybox test image (liblxdclient harness)"
    tar -C "$work" --numeric-owner -I 'gzip -1' -cf "$img/busybox.tar.gz" metadata.yaml rootfs
    tar -C "$work" --numeric-owner -cJf "$img/meta.tar.xz" metadata.yaml
    tar -C "$r" --numeric-owner -I 'gzip -1' -cf "$img/rootfs.tar.gz" .
    mv "$work/rootfs" "$img/rootfs"
    mv "$work/metadata.yaml" "$img/metadata.yaml"
    rm -rf "$work"
}

write_metadata() {
    local out=$1 desc=$2
    cat >"$out/metadata.yaml" <<EOF
architecture: $(uname -m)
creation_date: $(date +%s)
properties:
  architecture: $(uname -m)
  description: $desc
  os: busybox
  release: "$(/bin/busybox 2>&1 | head -n1 | sed -n 's/^BusyBox v\([0-9.]*\).*/\1/p')"
  variant: default
templates: {}
EOF
}

# make-image STATEDIR OUTDIR [TAG]: a new image whose metadata (hence fingerprint) is unique;
# writes OUTDIR/{unified.tar.gz,meta.tar.xz,rootfs.tar.gz} and prints two lines:
# "unified FINGERPRINT" and "split FINGERPRINT".
cmd_make_image() {
    local out=$2 tag=${3:-$(rand_hex 6)}
    [ -d "$STATEDIR/images/rootfs" ] || die "no image rootfs in $STATEDIR (run start first)"
    mkdir -p "$out"
    local work
    work=$(mktemp -d "$out/.build.XXXXXX")
    write_metadata "$work" "busybox test image $tag $(rand_hex 8)"
    tar --numeric-owner -I 'gzip -1' -cf "$out/unified.tar.gz" \
        -C "$work" metadata.yaml -C "$STATEDIR/images" rootfs
    tar -C "$work" --numeric-owner -cJf "$out/meta.tar.xz" metadata.yaml
    cp "$STATEDIR/images/rootfs.tar.gz" "$out/rootfs.tar.gz"
    rm -rf "$work"
    echo "unified $(sha256sum "$out/unified.tar.gz" | cut -d' ' -f1)"
    echo "split $(cat "$out/meta.tar.xz" "$out/rootfs.tar.gz" | sha256sum | cut -d' ' -f1)"
}

make_certs() {
    local c=$STATEDIR/certs n
    mkdir -p "$c"
    for n in client client2; do
        [ -s "$c/$n.crt" ] && continue
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -days 3650 -subj "/CN=liblxdclient-test${n#client}" \
            -keyout "$c/$n.key" -out "$c/$n.crt" >/dev/null 2>&1
        chmod 0600 "$c/$n.key"
    done
}

selfcheck() {
    local dir=$1 name t0 out
    name="hcheck-$$-$(rand_hex 3)"
    t0=$(now_ms)
    log "selfcheck: creating container $name"
    quietly lxcd "$dir" init busybox "$name"
    quietly lxcd "$dir" start "$name"
    out=$(lxcd "$dir" exec "$name" -- sh -c 'true && id -u && cat /etc/hostname')
    lxcd "$dir" exec "$name" -- true
    log "selfcheck: exec output: $(echo "$out" | tr '\n' ' ')"
    [ "$(echo "$out" | head -n1)" = 0 ] || die "selfcheck: id -u != 0"
    if lxcd "$dir" exec "$name" -- false; then die "selfcheck: false returned 0"; fi
    local t1
    t1=$(now_ms)
    if LXC_TIMEOUT=30 lxcd "$dir" stop "$name" --timeout 10 >/dev/null 2>&1; then
        log "selfcheck: graceful stop took $(( $(now_ms) - t1 )) ms"
    else
        log "selfcheck: graceful stop failed/timed out after $(( $(now_ms) - t1 )) ms; forcing"
        quietly lxcd "$dir" stop "$name" --force || true
    fi
    quietly lxcd "$dir" delete "$name" --force
    log "selfcheck OK ($(( $(now_ms) - t0 )) ms)"
}

# ---------------------------------------------------------------------------------------------
# start

# Env lines go to STATEDIR/env.d/$ENV_PART (one part per concurrently configured daemon);
# `start` concatenates the parts into STATEDIR/env at the end.
ENV_PART=main
envset() { printf 'export %s=%q\n' "$1" "$2" >>"$STATEDIR/env.d/$ENV_PART"; }

cmd_start() {
    local second=0 cluster=0 check=0 a
    while [ $# -gt 0 ]; do
        a=$1; shift
        case $a in
        --daemon)
            DAEMON=${1:-}; shift || true
            case $DAEMON in lxd | incus) ;; *) die "--daemon: lxd or incus, not '$DAEMON'" ;; esac ;;
        --daemon=*)
            DAEMON=${a#--daemon=}
            case $DAEMON in lxd | incus) ;; *) die "--daemon: lxd or incus, not '$DAEMON'" ;; esac ;;
        --second) second=1 ;;
        --cluster) cluster=1 ;;
        --selfcheck) check=1 ;;
        *) die "unknown option $a" ;;
        esac
    done
    [ "$(id -u)" = 0 ] || die "must run as root"
    local t_start
    t_start=$(now_ms)
    if [ -e "$STATEDIR" ] && [ ! -e "$STATEDIR/$MARKER" ] &&
        [ -n "$(ls -A "$STATEDIR" 2>/dev/null)" ]; then
        die "$STATEDIR exists, is not empty and is not a harness state dir"
    fi
    [ -e "$STATEDIR/pids" ] && [ -s "$STATEDIR/pids" ] && die "$STATEDIR already started"
    mkdir -p "$STATEDIR"
    STATEDIR=$(readlink -f "$STATEDIR")
    touch "$STATEDIR/$MARKER"
    echo "$DAEMON" >"$STATEDIR/daemon"
    chmod 0711 "$STATEDIR"
    mkdir -p "$STATEDIR/logs" "$STATEDIR/lxc-conf"
    : >"$STATEDIR/pids"
    trap 'start_failed $?' EXIT
    ensure_deps
    log "dependencies checked in $(( $(now_ms) - t_start )) ms"

    # Launch every daemon first so they start up in parallel.
    local dira=$STATEDIR/a dirb=$STATEDIR/b
    launch_daemon a "$dira"
    if [ "$second" = 1 ]; then launch_daemon b "$dirb"; fi
    if [ "$cluster" = 1 ]; then
        local i
        for i in 1 2 3; do launch_daemon "c$i" "$STATEDIR/c$i"; done
    fi

    local t1
    t1=$(now_ms)
    mkdir -p "$STATEDIR/env.d"
    make_certs &
    local certs_job=$!
    build_image
    wait "$certs_job" || die "certificate generation failed"
    log "image and certificates built in $(( $(now_ms) - t1 )) ms"
    local fp split_fp
    fp=$(sha256sum "$STATEDIR/images/busybox.tar.gz" | cut -d' ' -f1)
    split_fp=$(cat "$STATEDIR/images/meta.tar.xz" "$STATEDIR/images/rootfs.tar.gz" | sha256sum | cut -d' ' -f1)

    envset LXD_TEST_STATEDIR "$STATEDIR"
    envset LXD_TEST_HARNESS "$HARNESS_SELF"
    envset LXD_TEST_CLIENT_CERT "$STATEDIR/certs/client.crt"
    envset LXD_TEST_CLIENT_KEY "$STATEDIR/certs/client.key"
    envset LXD_TEST_CLIENT2_CERT "$STATEDIR/certs/client2.crt"
    envset LXD_TEST_CLIENT2_KEY "$STATEDIR/certs/client2.key"
    envset LXD_TEST_IMAGE_ALIAS busybox
    envset LXD_TEST_IMAGE_FINGERPRINT "$fp"
    envset LXD_TEST_IMAGE_UNIFIED "$STATEDIR/images/busybox.tar.gz"
    envset LXD_TEST_IMAGE_META "$STATEDIR/images/meta.tar.xz"
    envset LXD_TEST_IMAGE_ROOTFS "$STATEDIR/images/rootfs.tar.gz"
    envset LXD_TEST_IMAGE_SPLIT_FINGERPRINT "$split_fp"
    envset LXD_TEST_POOL default
    envset LXD_TEST_DAEMON "$DAEMON"
    # lxc / incus (and any LXD_DIR- or INCUS_DIR-aware client) in the test command reaches
    # daemon a by default.
    if [ "$DAEMON" = incus ]; then
        envset INCUS_DIR "$dira"
        envset INCUS_CONF "$STATEDIR/lxc-conf"
    else
        envset LXD_DIR "$dira"
        envset LXD_CONF "$STATEDIR/lxc-conf"
    fi

    # Configure the daemons concurrently (each in its own subshell; any failure aborts start).
    local job_a job_b="" job_c=""
    ( ENV_PART=a; setup_standalone a "$dira" "" ) &
    job_a=$!
    if [ "$second" = 1 ]; then ( ENV_PART=b; setup_standalone b "$dirb" 2 ) & job_b=$!; fi
    if [ "$cluster" = 1 ]; then ( ENV_PART=cluster; setup_cluster ) & job_c=$!; fi
    local failed=0
    wait "$job_a" || failed=1
    if [ "$failed" = 0 ] && [ "$check" = 1 ]; then selfcheck "$dira" || failed=1; fi
    if [ -n "$job_b" ]; then wait "$job_b" || failed=1; fi
    if [ -n "$job_c" ]; then wait "$job_c" || failed=1; fi
    [ "$failed" = 0 ] || die "start failed"

    local part
    for part in main a b cluster; do
        if [ -e "$STATEDIR/env.d/$part" ]; then cat "$STATEDIR/env.d/$part"; fi
    done >"$STATEDIR/env.tmp"
    mv "$STATEDIR/env.tmp" "$STATEDIR/env"
    trap - EXIT
    log "ready in $(( $(now_ms) - t_start )) ms; env in $STATEDIR/env"
}

start_failed() {
    [ "$1" = 0 ] && return 0
    local f
    for f in "$STATEDIR"/logs/*.log; do
        [ -s "$f" ] || continue
        log "---- last lines of $f"
        tail -n 15 "$f" >&2 || true
    done
    log "start failed; daemons may still run: '$HARNESS_SELF stop $STATEDIR' stops them"
}

setup_standalone() {
    local name=$1 dir=$2 sfx=$3 t0 pw port
    t0=$(now_ms)
    wait_ready "$name" "$dir"
    log "daemon $name ready after $(( $(now_ms) - t0 )) ms (waiting)"
    pw=$(rand_hex 12)
    configure_standalone "$dir" "$pw"
    port=$(set_https_address "$dir" 127.0.0.1)
    import_image "$dir"
    local got
    got=$(lxcd "$dir" query /1.0/images/aliases/busybox | sed -n 's/.*"target": *"\([0-9a-f]*\)".*/\1/p')
    [ "$got" = "$(sha256sum "$STATEDIR/images/busybox.tar.gz" | cut -d' ' -f1)" ] ||
        die "daemon $name: alias busybox points to '$got', not the image built"
    envset "LXD_TEST_SOCKET$sfx" "$dir/unix.socket"
    envset "LXD_TEST_DIR$sfx" "$dir"
    envset "LXD_TEST_HTTPS_URL$sfx" "https://127.0.0.1:$port"
    envset "LXD_TEST_HTTPS_PORT$sfx" "$port"
    # Incus: no trust password; tests make a trust token over the unix socket when they need one.
    [ "$DAEMON" = incus ] || envset "LXD_TEST_TRUST_PASSWORD$sfx" "$pw"
    envset "LXD_TEST_SERVER_CERT$sfx" "$dir/server.crt"
    log "daemon $name configured: https://127.0.0.1:$port, image imported ($(( $(now_ms) - t0 )) ms)"
}

setup_cluster() {
    local t0 pw port i dir token
    t0=$(now_ms)
    pw=$(rand_hex 12)
    port=$(free_port 127.0.0.2 127.0.0.3 127.0.0.4)
    wait_ready c1 "$STATEDIR/c1"
    log "cluster: bootstrapping c1 on 127.0.0.2:$port"
    local pwline=
    [ "$DAEMON" = incus ] || pwline="  core.trust_password: \"$pw\""
    quietly dadmin 60 "$STATEDIR/c1" init --preseed <<EOF
config:
  core.https_address: 127.0.0.2:$port
$pwline
  images.auto_update_interval: "0"
cluster:
  server_name: c1
  enabled: true
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root:
      path: /
      pool: default
      type: disk
EOF
    for i in 2 3; do
        dir=$STATEDIR/c$i
        token=$(lxcd "$STATEDIR/c1" cluster add "c$i" --quiet | tail -n1 | tr -d '[:space:]')
        [ -n "$token" ] || die "cluster: no join token for c$i"
        wait_ready "c$i" "$dir"
        log "cluster: joining c$i on 127.0.0.$((i + 1)):$port"
        quietly dadmin 120 "$dir" init --preseed <<EOF
cluster:
  enabled: true
  server_name: c$i
  server_address: 127.0.0.$((i + 1)):$port
  cluster_token: $token
  member_config:
  - entity: storage-pool
    name: default
    key: source
    value: ""
EOF
    done
    import_image "$STATEDIR/c1"
    local n
    n=$(lxcd "$STATEDIR/c1" cluster list --format csv | grep -c ONLINE || true)
    [ "$n" = 3 ] || die "cluster: $n members online, expected 3"
    for i in 1 2 3; do
        envset "LXD_TEST_CLUSTER_SOCKET$i" "$STATEDIR/c$i/unix.socket"
        envset "LXD_TEST_CLUSTER_DIR$i" "$STATEDIR/c$i"
        envset "LXD_TEST_CLUSTER_URL$i" "https://127.0.0.$((i + 1)):$port"
    done
    envset LXD_TEST_CLUSTER_CERT "$STATEDIR/c1/cluster.crt"
    [ "$DAEMON" = incus ] || envset LXD_TEST_CLUSTER_TRUST_PASSWORD "$pw"
    log "cluster of 3 formed in $(( $(now_ms) - t0 )) ms"
}

# ---------------------------------------------------------------------------------------------
# stop

# Processes belonging to this STATEDIR's daemons that survived them: lxd helpers (lxc monitor,
# forkproxy, ...) and dnsmasq whose command line names a path inside STATEDIR.
straggler_pids() {
    local p exe cmd
    local -a args
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = "$$" ] && continue
        args=()
        { mapfile -d '' args <"/proc/$p/cmdline"; } 2>/dev/null || continue
        cmd="${args[*]-}"
        case $cmd in *"$STATEDIR/"*) ;; *) continue ;; esac
        exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
        case $exe in
        */lxd | */lxd\ \(deleted\) | */lxc* | */dnsmasq | */lxd-* | */incusd | */incusd\ \(deleted\) | */incus-*) echo "$p" ;;
        esac
    done
}

# Processes of containers of this STATEDIR's daemons that outlived them (e.g. the daemon
# crashed): a process counts only if its cgroup is lxc.payload.<name> for a container found in
# one of our LXD_DIRs AND its root directory is that container's rootfs (same device:inode).
# Prints "PID NAME" lines.
container_pids() {
    local -A rootid=()
    local d n c id p cg
    for d in "$STATEDIR"/*/containers; do
        [ -d "$d" ] || continue
        for c in "$d"/*; do
            [ -e "$c/rootfs" ] || continue
            n=${c##*/}
            id=$(stat -L -c '%d:%i' "$c/rootfs" 2>/dev/null) || continue
            rootid[$n]=$id
        done
    done
    [ ${#rootid[@]} -gt 0 ] || return 0
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        cg=
        { read -r -d '' cg <"/proc/$p/cgroup"; } 2>/dev/null || true
        case $cg in *lxc.payload.*) ;; *) continue ;; esac
        n=$(printf '%s\n' "$cg" | sed -n 's/.*lxc\.payload\.\([^/]*\).*/\1/p' | head -n1)
        if [ -z "$n" ] || [ -z "${rootid[$n]:-}" ]; then continue; fi
        id=$(stat -L -c '%d:%i' "/proc/$p/root" 2>/dev/null) || continue
        [ "$id" = "${rootid[$n]}" ] && echo "$p $n"
    done
}

# Empty cgroups left behind by containers whose processes we had to kill.
remove_cgroups() {
    local n
    for n in "$@"; do
        find /sys/fs/cgroup -maxdepth 3 -depth -type d \
            \( -name "lxc.payload.$n" -o -name "lxc.monitor.$n" \) 2>/dev/null |
            while read -r d; do
                find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
            done
    done
}

mounts_under() {
    awk -v d="$STATEDIR" '{ m=$2; gsub(/\\040/, " ", m); if (m == d || index(m, d "/") == 1) print m }' /proc/self/mounts |
        awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-
}

delete_instances() {
    local dir=$1 urls u name project
    urls=$(LXC_TIMEOUT=10 lxcd "$dir" query '/1.0/instances?all-projects=true' 2>/dev/null |
        tr -d ' \n' | tr ',' '\n' | sed -n 's/.*"\(\/1\.0\/instances\/[^"]*\)".*/\1/p') || true
    for u in $urls; do
        name=${u#/1.0/instances/}
        project=default
        case $name in *'?project='*) project=${name#*\?project=}; name=${name%%\?*} ;; esac
        log "deleting instance $name (project $project)"
        LXC_TIMEOUT=30 lxcd "$dir" delete --force --project "$project" "$name" >/dev/null 2>&1 ||
            log "warning: could not delete $name"
    done
}

# Operations still running (a token nobody used, a console nobody attached to) make LXD's
# shutdown wait for them: log them, and cancel those that can be.
cancel_operations() {
    local dir=$1 ops id desc
    ops=$(LXC_TIMEOUT=10 lxcd "$dir" query '/1.0/operations?recursion=1&all-projects=true' 2>/dev/null |
        jq -r '(.running // [])[] | "\(.id) \(.description)"' 2>/dev/null) || return 0
    while read -r id desc; do
        [ -n "$id" ] || continue
        log "operation still running at stop: $id ($desc); cancelling it"
        LXC_TIMEOUT=10 lxcd "$dir" query -X DELETE "/1.0/operations/$id" >/dev/null 2>&1 ||
            log "  (LXD refused to cancel it)"
    done <<<"$ops"
}

delete_networks() {
    local dir=$1 names n
    names=$(LXC_TIMEOUT=10 lxcd "$dir" query '/1.0/networks?recursion=1' 2>/dev/null |
        tr -d ' \n' | sed 's/},{/}\n{/g' | grep '"managed":true' |
        sed -n 's/.*"name":"\([^"]*\)".*/\1/p') || true
    for n in $names; do
        echo "$n" >>"$STATEDIR/networks"
        LXC_TIMEOUT=20 lxcd "$dir" network delete "$n" >/dev/null 2>&1 || true
    done
}

cmd_stop() {
    if [ ! -d "$STATEDIR" ]; then
        log "stop: $STATEDIR does not exist; nothing to do"
        return 0
    fi
    STATEDIR=$(readlink -f "$STATEDIR")
    [ -e "$STATEDIR/$MARKER" ] || die "stop: $STATEDIR is not a harness state dir (no $MARKER)"
    local t0 name pid dir
    t0=$(now_ms)
    local -a names=() pids=() dirs=()
    if [ -s "$STATEDIR/pids" ]; then
        while read -r name pid dir; do
            [ -n "$pid" ] || continue
            names+=("$name") pids+=("$pid") dirs+=("$dir")
        done <"$STATEDIR/pids"
    fi
    local i alive
    # 1. delete instances (and managed networks, whose bridges would outlive the daemon).
    #    For a cluster, members answer for the whole cluster: do it through the first live one.
    local did_cluster=0
    for i in "${!pids[@]}"; do
        is_our_lxd "${pids[$i]}" "${dirs[$i]}" || continue
        case ${names[$i]} in c*) [ "$did_cluster" = 1 ] && continue; did_cluster=1 ;; esac
        [ -S "${dirs[$i]}/unix.socket" ] || continue
        delete_instances "${dirs[$i]}"
        delete_networks "${dirs[$i]}"
        cancel_operations "${dirs[$i]}"
    done
    # 2. ask every daemon to shut down, bounded. Standalone daemons in parallel. Cluster
    #    members one after the other; the last one, having lost quorum, would spend ~6 s
    #    trying to reach the others, and its database is about to be deleted: KILL it.
    local -a waits=() members=()
    for i in "${!pids[@]}"; do
        is_our_lxd "${pids[$i]}" "${dirs[$i]}" || continue
        case ${names[$i]} in c[0-9]*) members+=("$i"); continue ;; esac
        log "shutting down daemon ${names[$i]} (pid ${pids[$i]})"
        dadmin 15 "${dirs[$i]}" shutdown --timeout 10 >/dev/null 2>&1 &
        waits+=($!)
    done
    local k last=$(( ${#members[@]} - 1 ))
    for k in "${!members[@]}"; do
        i=${members[$k]}
        if [ "$k" -lt "$last" ]; then
            log "shutting down cluster member ${names[$i]} (pid ${pids[$i]})"
            dadmin 10 "${dirs[$i]}" shutdown --timeout 8 >/dev/null 2>&1 || true
        else
            log "killing last cluster member ${names[$i]} (pid ${pids[$i]})"
            kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
    done
    # wait for the shutdowns, but no longer than ~12 s after which we signal
    local deadline=$(( $(date +%s) + 12 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        alive=0
        for i in "${!pids[@]}"; do is_our_lxd "${pids[$i]}" "${dirs[$i]}" && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    # 3. TERM, then KILL.
    kill_daemons TERM 5
    kill_daemons KILL 5
    for i in "${waits[@]}"; do kill "$i" 2>/dev/null || true; wait "$i" 2>/dev/null || true; done
    # 4. helpers and container processes that outlived their daemon.
    local p cpids
    cpids=$(container_pids)
    for p in $(straggler_pids) $(echo "$cpids" | cut -d' ' -f1); do
        log "killing leftover process $p: $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | head -c 120)"
        kill -KILL "$p" 2>/dev/null || true
    done
    if [ -n "$cpids" ]; then
        sleep 0.5
        # shellcheck disable=SC2046
        remove_cgroups $(echo "$cpids" | cut -d' ' -f2 | sort -u)
    fi
    # 5. bridges of managed networks that could not be deleted cleanly.
    if [ -s "$STATEDIR/networks" ]; then
        while read -r p; do
            if [ -n "$p" ] && ip link show "$p" >/dev/null 2>&1; then
                log "deleting leftover interface $p"
                ip link delete "$p" 2>/dev/null || true
            fi
        done <"$STATEDIR/networks"
    fi
    # 6. mounts, deepest first.
    local m
    for _ in 1 2 3 4 5; do
        local any=0
        while IFS= read -r m; do
            [ -n "$m" ] || continue
            any=1
            umount -l "$m" 2>/dev/null || umount -f "$m" 2>/dev/null || true
        done < <(mounts_under)
        [ "$any" = 0 ] && break
        sleep 0.2
    done
    if [ -n "$(mounts_under)" ]; then
        log "warning: still mounted under $STATEDIR:"; mounts_under >&2
    fi
    # 7. remove the state dir (never crossing into a mount that is still there).
    rm -rf --one-file-system "$STATEDIR" 2>/dev/null || rm -rf --one-file-system "$STATEDIR" || true
    [ -e "$STATEDIR" ] && log "warning: $STATEDIR could not be removed completely"
    log "stopped in $(( $(now_ms) - t0 )) ms"
}

# Is PID still our lxd (guards against pid reuse)?
is_our_lxd() {
    local pid=$1 dir=$2
    [ -r "/proc/$pid/environ" ] || return 1
    { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "$(dir_var)=$dir"
}

kill_daemons() {
    local sig=$1 secs=$2 i any deadline
    any=0
    for i in "${!pids[@]}"; do
        if is_our_lxd "${pids[$i]}" "${dirs[$i]}"; then
            log "sending $sig to daemon ${names[$i]} (pid ${pids[$i]})"
            kill "-$sig" "${pids[$i]}" 2>/dev/null || true
            any=1
        fi
    done
    [ "$any" = 1 ] || return 0
    deadline=$(( $(date +%s) + secs ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        any=0
        for i in "${!pids[@]}"; do is_our_lxd "${pids[$i]}" "${dirs[$i]}" && any=1; done
        [ "$any" = 0 ] && return 0
        sleep 0.1
    done
}

# Fault tests: take a standalone daemon down mid-call and bring it back on the same LXD_DIR (its
# instances, images and configuration survive; containers keep running while it is down).
cmd_kill() {
    local name=${1:-} sig=${2:-KILL} pid dir deadline
    [ -n "$name" ] || die "kill: no daemon name"
    STATEDIR=$(readlink -f "$STATEDIR")
    pid=$(daemon_pid "$name")
    dir=$(awk -v n="$name" '$1==n {d=$3} END{print d}' "$STATEDIR/pids")
    [ -n "$pid" ] || die "kill: no daemon $name in $STATEDIR"
    is_our_lxd "$pid" "$dir" || die "kill: daemon $name (pid $pid) is not running"
    log "sending $sig to daemon $name (pid $pid)"
    kill "-$sig" "$pid"
    deadline=$(( $(date +%s) + 30 ))
    while pid_alive "$pid"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "kill: daemon $name (pid $pid) still alive after 30 s"
        sleep 0.05
    done
}

cmd_revive() {
    local name=${1:-} dir t0
    [ -n "$name" ] || die "revive: no daemon name"
    STATEDIR=$(readlink -f "$STATEDIR")
    dir=$(awk -v n="$name" '$1==n {d=$3} END{print d}' "$STATEDIR/pids")
    [ -n "$dir" ] || die "revive: no daemon $name in $STATEDIR"
    if is_our_lxd "$(daemon_pid "$name")" "$dir"; then die "revive: daemon $name is running"; fi
    t0=$(now_ms)
    local old
    old=$(daemon_pid "$name")
    launch_daemon "$name" "$dir"
    # The new pid line is written by the detached launcher: wait for it, so wait_ready does not
    # read the dead daemon's pid.
    while [ "$(daemon_pid "$name")" = "$old" ]; do
        [ $(( $(now_ms) - t0 )) -lt 10000 ] || die "revive: daemon $name did not launch"
        sleep 0.02
    done
    wait_ready "$name" "$dir"
    log "daemon $name back after $(( $(now_ms) - t0 )) ms"
}

# ---------------------------------------------------------------------------------------------

[ $# -ge 2 ] || usage
CMD=$1
STATEDIR=$2
shift 2
if [ -z "$STATEDIR" ] || [ "$STATEDIR" = / ]; then die "bad STATEDIR"; fi
if [ "$CMD" != start ] && [ -s "$STATEDIR/daemon" ]; then DAEMON=$(cat "$STATEDIR/daemon"); fi
case $CMD in
start) cmd_start "$@" ;;
stop) cmd_stop ;;
make-image) cmd_make_image "$STATEDIR" "$@" ;;
kill) cmd_kill "$@" ;;
revive) cmd_revive "$@" ;;
*) usage ;;
esac
