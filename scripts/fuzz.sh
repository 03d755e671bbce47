#!/usr/bin/env bash
# Builds roster-fuzz with libFuzzer and AddressSanitizer (its own build folder) and fuzzes every parser of
# untrusted input, starting from Tests/FuzzCorpus. New crashing inputs are written as crash-* files: add each to
# Tests/FuzzCorpus, where `swift test` replays the corpus (RosterCLITests) after the fix.
#   scripts/fuzz.sh 60        # seconds to fuzz (default 60); CI runs it briefly
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
swift build -c release --scratch-path .build-fuzz --product roster-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
work=$(mktemp -d /tmp/roster-fuzz.XXXXXX)
cp Tests/FuzzCorpus/* "$work/"
.build-fuzz/release/roster-fuzz "$work" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1
rm -rf "$work"
