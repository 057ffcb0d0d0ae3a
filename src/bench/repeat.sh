#!/usr/bin/env bash
# Runs the tick benchmark in RUNS benchmark JVMs, one after another, and prints per N the defaults
# configuration's sampler CPU per tick of each run with their median, minimum and maximum.
#
# Why: on a small (virtual) machine one JVM's figure is mostly that JVM's and that minute's: the
# same agent jar gave 290 to 650 µs per tick at N=1000 from one run to the next, and within a run
# the ticks of one 10-second stretch can cost 1.5× those of the next. A median over several JVMs is
# the figure worth comparing; one run is not.
#
# usage (from the repository root): src/bench/repeat.sh RUNS [Maven arguments...]
#   e.g. src/bench/repeat.sh 5 -Dbench.threads=1000
# Each run's whole output is kept in src/bench/target/repeat/run-K.log.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: src/bench/repeat.sh RUNS [Maven arguments, e.g. -Dbench.threads=1000]" >&2
  exit 2
fi
runs=$1
shift
cd "$(dirname "$0")/../.."
logs=src/bench/target/repeat
mkdir -p "$logs"
rows="$logs/rows.txt"
: > "$rows"

for ((k = 1; k <= runs; k++)); do
  log="$logs/run-$k.log"
  echo "run $k of $runs (log: $log)" >&2
  if ! ./mvnw -q -DskipTests -Pbench -pl src/bench -am verify "$@" > "$log" 2>&1; then
    echo "run $k failed; its output: $log" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  # The first table's defaults rows: | N | defaults | WalkedThreads | ... | CPU µs/tick | % | median-tick CPU µs | ...
  awk -F'|' -v run="$k" '$3 ~ /^ *defaults *$/ && $4 ~ /^ *[0-9]+ *$/ {
      gsub(/ /, "", $2); gsub(/ /, "", $8); gsub(/ /, "", $9); gsub(/ /, "", $10); gsub(/ /, "", $15); print $2, run, $8, $10, $9, $15 }' "$log" >> "$rows"
done

# the median of the numbers on standard input, one a line, printed with the format $1
median() { sort -g | awk -v f="$1" '{ v[NR] = $1 } END { printf f "\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "| N | runs | ours CPU µs/tick, each run | median | min–max | median as % of one core | ours CPU µs, median tick (median of runs) | a bare park's CPU µs (median of runs) |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|"
for n in $(awk '{ print $1 }' "$rows" | sort -n | uniq); do
  each=$(awk -v n="$n" '$1 == n { print $3 }' "$rows")
  count=$(echo "$each" | wc -l)
  med=$(echo "$each" | median %.1f)
  min=$(echo "$each" | sort -g | head -1)
  max=$(echo "$each" | sort -g | tail -1)
  tickmed=$(awk -v n="$n" '$1 == n { print $4 }' "$rows" | median %.1f)
  park=$(awk -v n="$n" '$1 == n { print $6 }' "$rows" | median %.1f)
  pct=$(awk -v n="$n" '$1 == n { print $5 }' "$rows" | median %.2f)
  echo "| $n | $count | $(echo "$each" | paste -sd' ' - | sed 's/ /, /g') | $med | $min–$max | $pct | $tickmed | $park |"
done
