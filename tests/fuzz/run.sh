#!/usr/bin/env bash
# run.sh - runs every libFuzzer target built by build.sh on its committed corpus
# (tests/fuzz/corpus/<target>/) for SECONDS each (default 60), PARALLEL targets at a time
# (default 2). Limits: -timeout=2 (an input taking over 2 s fails), -rss_limit_mb=1024 and
# -malloc_limit_mb=1024 (over 1 GiB fails); leaks fail (ASan's leak check). A failure keeps its
# reproducer in OUT/artifacts/<target>/ (named crash-*, leak-*, timeout-*, oom-*), printed with
# the command that replays it; the exit status is 1 when any target failed.
#
#   tests/fuzz/run.sh [OUT [SECONDS [TARGET...]]]      OUT as build.sh's (default /work/build-fuzz)
#
# FUZZ_TIMEOUT (default 2) sets -timeout: libFuzzer's clock is the wall clock, so on a machine
# shared by many busy processes a stall can kill an input that runs in milliseconds; long runs
# there may raise it, and any input slower than 2 s is still reported (-report_slow_units=2,
# "slowest input" below) and kept in the working corpus.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/work/build-fuzz}
secs=${2:-60}
shift $(($# < 2 ? $# : 2))
targets=("$@")
((${#targets[@]})) || targets=(net model npy idx idx_gz pnm img lesson netedit check)
parallel=${PARALLEL:-2}
export TMPDIR="$out/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR" "$out/logs"

run_one() {
    local t=$1 bin="$out/fuzz_$1"
    local work="$out/corpus/$t" art="$out/artifacts/$t/" log="$out/logs/$t.log"
    [ -x "$bin" ] || { echo "fuzz_$t: not built ($bin); run tests/fuzz/build.sh $out" >&2; return 1; }
    mkdir -p "$work" "$art"
    # fuzz_check starts real labs for every scene: its inputs stay short (a few scenes)
    local extra=()
    [ "$t" = check ] && extra=(-max_len=768)
    # new inputs go to the working corpus; the committed seeds are read, never written
    "$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-2}" -report_slow_units=2 \
        -rss_limit_mb=1024 -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$art" "${extra[@]}" \
        "$work" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1
    local rc=$?
    local execs cov slow rss units
    rss=$(grep -m1 -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$')
    units=$(grep -m1 -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$')
    execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    slow=$(grep -o 'Slowest unit: [0-9]* s' "$log" | tail -1 | grep -o '[0-9]*')
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t: FAILED (exit $rc) after ${execs:-?} executions; log $log"
        grep -m3 -E 'ERROR: |SUMMARY: |==[0-9]+== ERROR' "$log" | sed 's/^/  /'
        for a in "$art"*; do
            [ -e "$a" ] && echo "  reproducer kept: $a  (replay: $bin $a)"
        done
        return 1
    fi
    echo "fuzz_$t: ok: ${execs:-?} executions in ${secs} s, coverage ${cov:-?} edges, ${units:-?} new inputs, peak ${rss:-?} MB${slow:+, slowest input $slow s}"
}

status=0
pids=()
names=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    names+=("$t")
    if ((${#pids[@]} >= parallel)); then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
rm -rf "$TMPDIR"
if [ $status -ne 0 ]; then
    echo "fuzzing: FAILED; reproducers under $out/artifacts/"
else
    echo "fuzzing: all ${#targets[@]} targets ran ${secs} s without a finding"
fi
exit $status
