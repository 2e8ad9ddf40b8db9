#!/bin/sh
# Runs the programs of /work/shared/bench side by side with measure.py:
# jobflow vs /usr/bin/python3 vs lua5.4, ratios to Python, pair by pair.
#
#   benches/compare.sh [BENCH...]      (default: loop fib27 fib33 strings dict array)
#
# Needs a release build (cargo build --release). Environment:
#   BENCH_DIR  the shared benchmark directory (default /work/shared/bench)
#   JF         the jobflow binary (default $CARGO_TARGET_DIR/release/jobflow or target/release/jobflow)
#   RUNS       measured rounds per bench (default 5), WARMUP (default 1)
#   JSON_DIR   where measure.py's JSON results go (default: a temporary
#              directory; stdout gets one human line per command instead)
set -eu
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/work/shared/bench}
JF=${JF:-${CARGO_TARGET_DIR:-target}/release/jobflow}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
if ! command -v lua5.4 >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    apt-get install -y lua5.4 time >/dev/null
fi
if [ ! -x "$JF" ]; then
    echo "no jobflow binary at $JF: run cargo build --release first" >&2
    exit 2
fi
BENCHES=${*:-loop fib27 fib33 strings dict array}
JSON_DIR=${JSON_DIR:-$(mktemp -d)}
for b in $BENCHES; do
    "$BENCH_DIR/measure.py" --runs "$RUNS" --warmup "$WARMUP" --baseline python \
        --json "$JSON_DIR/$b.json" \
        --expect "$(cat "$BENCH_DIR/expected/$b.txt")" --label "$b" \
        python="/usr/bin/python3 $BENCH_DIR/python/$b.py" \
        lua="lua5.4 $BENCH_DIR/lua/$b.lua" \
        jobflow="$JF run $BENCH_DIR/jobflow/$b.jf"
done
