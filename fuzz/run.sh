#!/bin/sh
# Fuzz one target for a while, the way fuzz/README.md describes.
#
#   fuzz/run.sh TARGET [SECONDS] [libFuzzer flags...]
#
# New inputs go to fuzz/corpus-work/TARGET (ignored by git); fuzz/corpus/TARGET, the committed
# seeds, is read but never written. Findings land in fuzz/artifacts/TARGET/.
set -eu
cd "$(dirname "$0")/.."
target=$1
seconds=${2:-120}
shift
[ $# -gt 0 ] && shift
# The structured target reads a few hundred bytes at most; longer inputs only slow it down.
max_len=65536
[ "$target" = check ] && max_len=4096
# FUZZ_SANITIZER=none: no AddressSanitizer, 4 to 5 times the inputs per second, built in its
# own target directory so that the ASan build is kept.
cargo_options=
if [ -n "${FUZZ_SANITIZER:-}" ]; then
    cargo_options="-s $FUZZ_SANITIZER --target-dir fuzz/target-$FUZZ_SANITIZER"
fi
mkdir -p "fuzz/corpus-work/$target"
# shellcheck disable=SC2086 # the options are words without spaces
RUSTC_BOOTSTRAP=1 exec cargo fuzz run $cargo_options "$target" "fuzz/corpus-work/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$max_len" -timeout=10 -report_slow_units=1 "$@"
