#!/usr/bin/env bash
# The Spark path against `newslens run -j2` on the same articles, and how it behaves as
# partitions grow: BENCHMARKS.md, "On Spark".
#
#   scripts/bench-spark.sh [FOLDER] [PARTITIONS...]   (default: ../shared/bench/bbc, 2 4 8 16)
#
# Needs a release build, python3 with pyspark and pyarrow, and Java 17. Every Spark run is
# checked against the local run (every CSV file byte for byte) before its time is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDER=${1:-../shared/bench/bbc}
shift || true
PARTS=${*:-2 4 8 16}
BIN=target/release/newslens
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || cargo build --release

docs=$(find "$FOLDER" -type f -name '*.txt' | wc -l)
mb=$(du -sb "$FOLDER" | awk '{printf "%.2f", $1 / 1e6}')
echo "input: $FOLDER ($docs files, $mb MB); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

# the local run
t0=$(date +%s%N)
"$BIN" run "$FOLDER" -q -j2 -o "$WORK/run"
t1=$(date +%s%N)
echo "newslens run -j2: $(secs "$t0" "$t1") s"

# the map alone, as the Spark tasks run it (file envelopes on stdin), one process, -j2
python3 - "$FOLDER" > "$WORK/envelopes.jsonl" <<'EOF'
import base64, json, os, sys
root = sys.argv[1].rstrip("/")
name = os.path.basename(os.path.realpath(root))
for d, dirs, files in os.walk(root):
    dirs.sort()
    for f in sorted(files):
        rel = os.path.relpath(os.path.join(d, f), root)
        parent = os.path.dirname(rel)
        print(json.dumps({"path": f"{root}/{rel}", "id": f"{name}/{rel}",
                          "folder": name + ("/" + parent if parent else ""),
                          "content": base64.b64encode(open(os.path.join(d, f), "rb").read()).decode()}))
EOF
t0=$(date +%s%N)
"$BIN" map --files -j2 < "$WORK/envelopes.jsonl" > "$WORK/all.map"
t1=$(date +%s%N)
"$BIN" reduce -q -j2 -o "$WORK/reduced" "$WORK/all.map"
t2=$(date +%s%N)
echo "newslens map --files -j2: $(secs "$t0" "$t1") s, $(du -m "$WORK/all.map" | cut -f1) MB of records; newslens reduce -j2: $(secs "$t1" "$t2") s"
rm -f "$WORK/all.map" "$WORK/envelopes.jsonl"

for p in $PARTS; do
  rm -rf "$WORK/spark"
  t0=$(date +%s%N)
  python3 spark/newslens_spark.py --master 'local[2]' --partitions "$p" --binary "$BIN" \
    "$FOLDER" -o "$WORK/spark" 2> "$WORK/spark.log" || { tail -20 "$WORK/spark.log"; exit 1; }
  t1=$(date +%s%N)
  for f in "$WORK"/run/*.csv "$WORK"/run/newslens.xlsx "$WORK"/run/report.html; do
    cmp -s "$f" "$WORK/spark/$(basename "$f")" || { echo "$(basename "$f") differs"; exit 1; }
  done
  phases=$(tr '\r' '\n' < "$WORK/spark.log" | grep -o 'map [0-9.]* s, statistics.*' | tail -1)
  echo "spark local[2], $p partitions: $(secs "$t0" "$t1") s wall (JVM start included); $phases; output identical"
done
