#!/usr/bin/env bash
# Installs everything berth needs on a Debian 12 machine (as root), builds it, puts `berth` and
# `berthd` on PATH and makes the local `busybox:latest` image. Idempotent: a second run is quick.
#   --no-image   skip making the busybox image (the test suite makes its own in each test daemon)
set -euo pipefail
cd "$(dirname "$0")/.."
make_image=1
for arg in "$@"; do
  case "$arg" in
    --no-image) make_image=0 ;;
    *) echo "setup.sh: unknown flag $arg" >&2; exit 2 ;;
  esac
done

# System packages: the OCI runtime, conmon, CNI plugins, firewall tools, busybox for the default
# image, socat (stdin bridge to conmon's seqpacket attach socket), tini (--init), lxcfs, and the
# reference peers the tests use (the CNCF registry, skopeo, htpasswd); the real clients the compat
# suite drives (docker-compose 1.29, docker-py); a C toolchain and python3 for node-gyp, which
# builds the native addon; chromium, the browser the dashboard's tests drive.
packages=(runc conmon containernetworking-plugins iptables iproute2 busybox-static socat tini lxcfs
  skopeo docker-registry apache2-utils docker-compose python3-docker ca-certificates git
  build-essential python3 chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node dependencies and the build.
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || \
   { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
# The native parts (native/, built against Node's local headers): the syscall addon (mount, umount2,
# mknod, xattrs; the port proxy's splice relay; the warm CLI's hand-off), the per-container seccomp
# agent, and `berth` itself as installed on PATH — the launcher that hands commands to berthd's warm
# CLI workers (native/cli_launcher.c).
native_stale=0
for out in native/build/Release/berth_sys.node native/build/Release/berth-seccomp-agent native/build/Release/berth-launcher; do
  if [ ! -f "$out" ] || [ -n "$(find native -maxdepth 1 -newer "$out" \( -name '*.c' -o -name binding.gyp \) -print -quit)" ]; then
    native_stale=1
  fi
done
if [ "$native_stale" = 1 ]; then
  echo "setup: building the native parts"
  npm run --silent build:native >/dev/null
fi
# TypeScript: rebuilt only when a source changed since the last build (a second run stays quick,
# and a test suite running from dist/ is not rebuilt under its feet).
if [ ! -f dist/.build-stamp ] || [ -n "$(find src test bench tsconfig.json package.json -newer dist/.build-stamp -print -quit)" ]; then
  echo "setup: building"
  stamp_next=$(mktemp)
  # A clean output: a moved or deleted source must not leave its old compiled file to be run.
  rm -rf dist/src dist/test dist/bench
  npx tsc -p tsconfig.json
  mv "$stamp_next" dist/.build-stamp
fi
# The CLI bundle bin/berth runs (src/launcher/): rebuilt when dist/ or the dependencies changed. The
# launcher itself falls back to dist/ whenever the bundle no longer matches it.
if [ ! -f dist/bundle/berth.inputs.json ] || \
   [ -n "$(find dist/src node_modules/.package-lock.json -newer dist/bundle/berth.inputs.json -print -quit)" ]; then
  echo "setup: bundling the CLI"
  node dist/src/launcher/build-cli-bundle.js >/dev/null
fi
# The dashboard's front end (src/ui/web → dist/ui-web): the script skips it when it is fresh.
node dist/src/ui/build-web-bundle.js 2>/dev/null

# Commands on PATH: `berth` is the native launcher (it starts bin/berth itself when no warm worker
# can take a command).
ln -sf "$PWD/native/build/Release/berth-launcher" /usr/local/bin/berth
ln -sf "$PWD/bin/berthd" /usr/local/bin/berthd

if [ "$make_image" = 1 ]; then
  if ! berth image inspect busybox:latest >/dev/null 2>&1; then
    echo "setup: making busybox:latest from Debian's busybox-static"
    node dist/src/image/busybox-rootfs.js | berth import --change 'CMD ["sh"]' - busybox:latest >/dev/null
  fi
fi
echo "setup: done"
