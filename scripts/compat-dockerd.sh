#!/usr/bin/env bash
# A real dockerd (Debian's docker.io) for the compat suite, kept apart from the host and from
# berthd tests: its own data root, exec root, pidfile, socket, bridge and subnets, its own
# containerd. `stop` removes every trace of it: processes, mounts, bridges, the iptables rules
# and DOCKER* chains it made, and its data.
#
#   scripts/compat-dockerd.sh start    # installs docker.io when missing, starts dockerd
#   eval "$(scripts/compat-dockerd.sh env)"
#   node --test --test-concurrency=1 dist/test/compat/
#   scripts/compat-dockerd.sh stop
set -euo pipefail

STATE=${COMPAT_DOCKERD_DIR:-/tmp/berth-compat-dockerd}
SOCK=$STATE/run/docker.sock
PIDFILE=$STATE/run/dockerd.pid
BRIDGE=bcompat0
# Subnets no berthd test uses (they take 10.200–249.x); the bridge's and the pool for user networks.
BIP=10.197.0.1/24
POOL=10.198.0.0/16

die() { echo "compat-dockerd: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"

ensure_installed() {
  command -v dockerd >/dev/null && return
  echo "compat-dockerd: installing docker.io (Debian's dockerd) with apt" >&2
  # Keep the package from starting a system dockerd of its own.
  local policy=/usr/sbin/policy-rc.d made=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io >&2
  [ -n "$made" ] && rm -f "$policy"
  command -v dockerd >/dev/null || die "docker.io did not install dockerd"
}

chains() { # table → the DOCKER* chains in it
  iptables -t "$1" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'
}

start() {
  [ -S "$SOCK" ] && [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && { echo "compat-dockerd: already running" >&2; return; }
  ensure_installed
  # DOCKER* chains already there belong to another dockerd: stop would remove them.
  if [ -n "$(chains filter)$(chains nat)" ]; then die "iptables already has DOCKER* chains (another dockerd?); not starting"; fi
  mkdir -p "$STATE"/{data,exec,run}
  # What dockerd may change on the host, to put back at stop.
  { echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"; echo "forward_policy=$(iptables -S FORWARD | awk '$1 == "-P" { print $3 }')"; } > "$STATE/host-before"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BIP" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  echo '{}' > "$STATE/daemon.json"
  dockerd \
    --config-file "$STATE/daemon.json" \
    --data-root "$STATE/data" \
    --exec-root "$STATE/exec" \
    --pidfile "$PIDFILE" \
    -H "unix://$SOCK" \
    --bridge "$BRIDGE" \
    --default-address-pool "base=$POOL,size=24" \
    --iptables=true \
    --storage-driver overlay2 \
    --log-level warn \
    > "$STATE/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    if [ -S "$SOCK" ] && curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; then
      echo "compat-dockerd: up at unix://$SOCK" >&2
      return
    fi
    sleep 0.5
  done
  tail -20 "$STATE/dockerd.log" >&2 || true
  die "dockerd did not answer on $SOCK"
}

stop() {
  # Its own networks first, while it still answers: their br-* bridges go with them.
  if [ -S "$SOCK" ] && curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; then
    for c in $(curl -sf --unix-socket "$SOCK" 'http://d/containers/json?all=1' | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -sf -X DELETE --unix-socket "$SOCK" "http://d/containers/$c?force=1&v=1" >/dev/null || true
    done
    for n in $(curl -sf --unix-socket "$SOCK" 'http://d/networks?filters=%7B%22type%22%3A%5B%22custom%22%5D%7D' | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -sf -X DELETE --unix-socket "$SOCK" "http://d/networks/$n" >/dev/null || true
    done
  fi
  if [ -f "$PIDFILE" ]; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # Its containerd, shims and anything else started from its roots.
  for pid in $(ps -eo pid=,args= | awk -v s="$STATE/" 'index($0, s) { print $1 }'); do
    [ "$pid" = "$$" ] || kill -9 "$pid" 2>/dev/null || true
  done
  # Mounts under its roots, deepest first.
  awk -v s="$STATE/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  # Bridges of its user networks left by a crash (dockerd names them br-<network id>).
  for b in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{ print $2 }' | grep '^br-[0-9a-f]\{12\}$' || true); do
    ip -4 addr show "$b" | grep -q "inet 10\.198\." && ip link del "$b"
  done
  for table in filter nat; do
    # Jumps into DOCKER* chains, rules for its bridges (start made sure no other dockerd ran) and
    # the masquerading of its subnets; then the chains themselves.
    iptables -t "$table" -S | grep -E -- "^-A [A-Z]+ .*(-j DOCKER|-s 10\\.19[78]\\.|[io] $BRIDGE |[io] br-[0-9a-f]{12} )" | grep -v '^-A DOCKER' | sed 's/^-A/-D/' | while read -r rule; do
      eval "iptables -t $table $rule" 2>/dev/null || true
    done
    for c in $(chains "$table"); do iptables -t "$table" -F "$c" 2>/dev/null || true; done
    for c in $(chains "$table"); do iptables -t "$table" -X "$c" 2>/dev/null || true; done
  done
  if [ -f "$STATE/host-before" ]; then
    # shellcheck disable=SC1091
    . "$STATE/host-before"
    echo "$ip_forward" > /proc/sys/net/ipv4/ip_forward
    [ -n "$forward_policy" ] && iptables -P FORWARD "$forward_policy"
  fi
  rm -rf "$STATE"
  echo "compat-dockerd: stopped and removed" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export DOCKER_HOST=unix://$SOCK" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
