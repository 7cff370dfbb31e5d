#!/usr/bin/env bash
# Run a command against freshly started private LXD daemons, then stop them whatever happens.
#
# Usage: with-lxd.sh [--daemon lxd|incus] [--second] [--cluster] [--selfcheck] [--mixed] -- CMD ARGS...
# CMD runs with STATEDIR/env sourced (LXD_TEST_* variables, LXD_TEST_DAEMON, and LXD_DIR and
# LXD_CONF, or INCUS_DIR and INCUS_CONF, pointing at daemon "a"); the script exits with CMD's
# status (or the harness's, if starting failed). The daemon defaults to $LXD_TEST_DAEMON_KIND,
# else lxd.
# --mixed: daemon a is LXD and, from a second state dir, daemon b is Incus (LXD_TEST_SOCKET2,
# LXD_TEST_DIR2, LXD_TEST_HTTPS_URL2, LXD_TEST_HTTPS_PORT2, LXD_TEST_SERVER_CERT2, and
# LXD_TEST_DAEMON2=incus, INCUS_DIR, INCUS_CONF), for the cross-daemon tests; both are stopped.
set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
HARNESS=$HERE/lxd-harness.sh

opts=()
daemon=${LXD_TEST_DAEMON_KIND:-lxd}
mixed=
while [ $# -gt 0 ]; do
    case $1 in
    --) shift; break ;;
    --daemon) [ $# -ge 2 ] || { echo "[harness] --daemon needs lxd or incus" >&2; exit 2; }
        daemon=$2; shift 2 ;;
    --daemon=*) daemon=${1#--daemon=}; shift ;;
    --second | --cluster | --selfcheck) opts+=("$1"); shift ;;
    --mixed) mixed=1; shift ;;
    *) echo "[harness] usage: with-lxd.sh [--daemon lxd|incus] [--second] [--cluster] [--selfcheck] [--mixed] -- CMD ARGS..." >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "[harness] with-lxd.sh: no command given" >&2; exit 2; }
if [ -n "$mixed" ]; then
    [ "$daemon" = lxd ] && [ ${#opts[@]} -eq 0 ] ||
        { echo "[harness] --mixed takes no --daemon incus, --second or --cluster" >&2; exit 2; }
fi

STATEDIR=$(mktemp -d /tmp/lxdtest.XXXXXX)
STATEDIR2=
rc=0
child=
# shellcheck disable=SC2317 # invoked from traps
cleanup() {
    trap - EXIT INT TERM HUP
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        # The command is still running (we got a signal): stop it first, bounded.
        kill -TERM "$child" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$child" 2>/dev/null || true
    fi
    "$HARNESS" stop "$STATEDIR" || echo "[harness] warning: stop failed" >&2
    if [ -n "$STATEDIR2" ]; then
        "$HARNESS" stop "$STATEDIR2" || echo "[harness] warning: stop failed" >&2
    fi
    exit "$rc"
}
trap 'rc=$?; cleanup' EXIT
trap 'rc=130; cleanup' INT
trap 'rc=143; cleanup' TERM
trap 'rc=129; cleanup' HUP

"$HARNESS" start "$STATEDIR" --daemon "$daemon" ${opts[@]+"${opts[@]}"}
if [ -n "$mixed" ]; then
    STATEDIR2=$(mktemp -d /tmp/lxdtest.XXXXXX)
    "$HARNESS" start "$STATEDIR2" --daemon incus
    # The Incus daemon's variables, as daemon b's.
    sed -n -e 's/^export LXD_TEST_\(SOCKET\|DIR\|HTTPS_URL\|HTTPS_PORT\|SERVER_CERT\|DAEMON\)=/export LXD_TEST_\12=/p' \
        -e '/^export INCUS_\(DIR\|CONF\)=/p' "$STATEDIR2/env" >"$STATEDIR/env.mixed"
fi

# Run the command as a background job and `wait` for it, so that a signal to this script
# runs the cleanup at once (bash defers traps while a foreground child runs). `<&0` keeps
# our stdin for it (a background job would otherwise get /dev/null).
set +e
(
    # shellcheck disable=SC1091
    . "$STATEDIR/env"
    # shellcheck disable=SC1091
    if [ -n "$mixed" ]; then . "$STATEDIR/env.mixed"; fi
    exec "$@"
) <&0 &
child=$!
wait "$child"
rc=$?
child=
set -e
exit "$rc"
