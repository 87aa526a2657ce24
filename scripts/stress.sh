#!/usr/bin/env bash
# The whole suite, N times, in a fresh clone inside a directory only its owner may enter (as `mktemp -d`
# makes it), while two busy loops keep both CPUs loaded: a suite whose verdict depends on the machine
# shows it here. Usage: npm run test:stress [-- --runs N]   (default 3 runs)
set -euo pipefail

runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) runs="${1#--runs=}"; shift ;;
    *) echo "stress: unknown argument $1 (use --runs N)" >&2; exit 2 ;;
  esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then echo "stress: --runs must be a whole number from 1, got $runs" >&2; exit 2; fi

repo="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
commit="$(git -C "$repo" rev-parse HEAD)"
base="$(mktemp -d)"
chmod 700 "$base"
busy=()
cleanup() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

clone="$base/baton-langsmith"
git clone -q --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout -q --detach "$commit"
# The reference material sits beside the checkout; tests that read ../shared find it beside the clone too.
if [ -d "$repo/../shared" ]; then ln -s "$(cd "$repo/../shared" && pwd -P)" "$base/shared"; fi
echo "stress: $commit in $clone (mode $(stat -c %a "$base")), $runs run(s)"

(cd "$clone" && npm ci --no-audit --no-fund >"$base/npm-ci.log" 2>&1) || { echo "stress: npm ci failed:"; tail -20 "$base/npm-ci.log"; exit 1; }

# Two busy loops, one per core; killed on exit whatever happens.
for _ in 1 2; do
  node -e 'for (;;) {}' &
  busy+=("$!")
done

passed=0
failed=0
for i in $(seq 1 "$runs"); do
  log="$base/run-$i.log"
  start=$(date +%s)
  if (cd "$clone" && npm test >"$log" 2>&1); then
    passed=$((passed + 1))
    echo "stress: run $i passed in $(( $(date +%s) - start )) s"
  else
    failed=$((failed + 1))
    echo "stress: run $i FAILED in $(( $(date +%s) - start )) s; failing tests:"
    grep -E "^\s*not ok " "$log" | sed 's/^/    /' | head -20 || true
    cp "$log" "${TMPDIR:-/tmp}/stress-run-$i-$(date +%s).log" && echo "    (log kept in ${TMPDIR:-/tmp})"
  fi
done
echo "stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
