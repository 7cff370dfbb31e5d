#!/usr/bin/env bash
# Run a command against freshly started private LXD daemons, then stop them whatever happens.
#
# Usage: with-lxd.sh [--daemon lxd|incus] [--second] [--cluster] [--selfcheck] -- CMD ARGS...
# CMD runs with STATEDIR/env sourced (LXD_TEST_* variables, LXD_TEST_DAEMON, and LXD_DIR and
# LXD_CONF, or INCUS_DIR and INCUS_CONF, pointing at daemon "a"); the script exits with CMD's
# status (or the harness's, if starting failed). The daemon defaults to $LXD_TEST_DAEMON_KIND,
# else lxd.
set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
HARNESS=$HERE/lxd-harness.sh

opts=()
daemon=${LXD_TEST_DAEMON_KIND:-lxd}
while [ $# -gt 0 ]; do
    case $1 in
    --) shift; break ;;
    --daemon) [ $# -ge 2 ] || { echo "[harness] --daemon needs lxd or incus" >&2; exit 2; }
        daemon=$2; shift 2 ;;
    --daemon=*) daemon=${1#--daemon=}; shift ;;
    --second | --cluster | --selfcheck) opts+=("$1"); shift ;;
    *) echo "[harness] usage: with-lxd.sh [--daemon lxd|incus] [--second] [--cluster] [--selfcheck] -- CMD ARGS..." >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "[harness] with-lxd.sh: no command given" >&2; exit 2; }

STATEDIR=$(mktemp -d /tmp/lxdtest.XXXXXX)
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
    exit "$rc"
}
trap 'rc=$?; cleanup' EXIT
trap 'rc=130; cleanup' INT
trap 'rc=143; cleanup' TERM
trap 'rc=129; cleanup' HUP

"$HARNESS" start "$STATEDIR" --daemon "$daemon" ${opts[@]+"${opts[@]}"}

# Run the command as a background job and `wait` for it, so that a signal to this script
# runs the cleanup at once (bash defers traps while a foreground child runs). `<&0` keeps
# our stdin for it (a background job would otherwise get /dev/null).
set +e
(
    # shellcheck disable=SC1091
    . "$STATEDIR/env"
    exec "$@"
) <&0 &
child=$!
wait "$child"
rc=$?
child=
set -e
exit "$rc"
