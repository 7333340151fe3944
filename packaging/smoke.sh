#!/usr/bin/env bash
# Smoke test of the installed program, as a user gets it:
#   packaging/smoke.sh dist/pressure_VERSION_ARCH.deb   install it with apt, test, remove it (root; CI)
#   packaging/smoke.sh                                  test the `pressure` already on the PATH
# Tests: --version; a 3 s offscreen screenshot run on the built-in simulator; sim + record + report;
# the recording opened in replay (offscreen); the .tar.gz's install.sh into a temporary prefix.
# Prints the sizes and the start to first frame (median of 3) as one JSON line, SMOKE-FIGURES {...}.
# After `apt remove`: no file of the package is left (/opt/pressure, /usr/bin/pressure, the menu).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
DEB=${1:+$(realpath "$1")}
work=$(mktemp -d /tmp/pressure-smoke.XXXXXX)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export PRESSURE_HOME="$work/home" QT_QPA_PLATFORM=offscreen
step() { echo "smoke: $*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

if [ -n "$DEB" ]; then
  [ -f "$DEB" ] || fail "no package $DEB (make dist first)"
  step "apt install $DEB"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null
fi
PRESSURE=$(command -v pressure) || fail "no pressure command on the PATH"
if [ -n "$DEB" ] && command -v desktop-file-validate >/dev/null; then
  step "desktop-file-validate"
  out=$(desktop-file-validate /usr/share/applications/pressure.desktop 2>&1) && [ -z "$out" ] || fail "menu entry: $out"
fi
cd "$work"  # nothing may depend on the checkout from here on

step "--version"
version=$("$PRESSURE" --version)
[[ "$version" =~ ^pressure\ [0-9] ]] || fail "--version said: $version"

step "3 s on the built-in simulator, offscreen screenshot"
"$PRESSURE" --no-sound --seconds 3 --screenshot "$work/live.png"
[ "$(stat -c %s "$work/live.png")" -gt 10000 ] || fail "the live screenshot is (nearly) empty"

# steady: 2 s at rest, 3 s to the target, then a hold: 8 s hold a scored 2 s hold
step "sim + record + report"
"$PRESSURE" sim --rate 200 --profile steady >"$work/sim.url" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/sim.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/sim.url")
[ -n "$url" ] || fail "sim printed no port: $(cat "$work/sim.log")"
"$PRESSURE" record --port "$url" --seconds 8 --out "$work/session.pressure" --label client=smoke \
  --target 30 --tolerance 3 --hold 2
kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=""
"$PRESSURE" report "$work/session.pressure" --json >"$work/report.json"
grep -q "\"score\"" "$work/report.json" || fail "report --json has no score: $(head -c 300 "$work/report.json")"

step "replay of that recording, offscreen"
"$PRESSURE" replay "$work/session.pressure" --no-sound --seconds 2 --screenshot "$work/replay.png"
[ "$(stat -c %s "$work/replay.png")" -gt 10000 ] || fail "the replay screenshot is (nearly) empty"

step "start to first frame (3 runs)"
startup=$("$PRESSURE" -m pressure.benchmarks.startup --command "$PRESSURE" --repeat 3) || fail "startup: $startup"

root=$(dirname "$(realpath "$PRESSURE")")
bundle_mb=$(( $(du -sb "$root" | cut -f1) / 1000000 ))  # MB as build.py counts them
deb_mb=null
[ -n "$DEB" ] && deb_mb=$(( $(stat -c %s "$DEB") / 1000000 ))

tarball=$(ls "$REPO"/dist/pressure-*-linux-*.tar.gz 2>/dev/null | head -n1 || true)
if [ -n "$tarball" ]; then
  step "tar.gz: install.sh into a temporary prefix, run, uninstall"
  tar -xzf "$tarball" -C "$work"
  "$work"/pressure-*/install.sh --prefix "$work/prefix" >/dev/null
  "$work/prefix/bin/pressure" --version >/dev/null || fail "the tar.gz install does not run"
  "$work"/pressure-*/install.sh --prefix "$work/prefix" --uninstall >/dev/null
  [ -z "$(find "$work/prefix" -type f -o -type l)" ] || fail "install.sh --uninstall left files"
fi

if [ -n "$DEB" ]; then
  step "apt remove"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq pressure >/dev/null
  for left in /opt/pressure /usr/bin/pressure /usr/share/applications/pressure.desktop \
              /usr/share/icons/hicolor/scalable/apps/pressure.svg; do
    [ ! -e "$left" ] && [ ! -L "$left" ] || fail "apt remove left $left"
  done
fi
echo "SMOKE-FIGURES {\"bundle_mb\": $bundle_mb, \"deb_mb\": $deb_mb, \"startup\": $startup}"
step "passed"
