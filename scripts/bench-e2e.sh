#!/usr/bin/env bash
# End-to-end throughput and memory of `newslens run`, all stages on, -j1 and -j2.
#
#   scripts/bench-e2e.sh [SIZE_MB ...]        (default: the BBC set once, then 100)
#   JOBS="2" scripts/bench-e2e.sh 1000        (only -j2; default JOBS="1 2")
#   ARGS="--all-tables --format parquet" scripts/bench-e2e.sh bbc   (other run options)
#
# Builds a JSONL corpus of about SIZE_MB from ../shared/bench (BBC News and 10kGNAD articles,
# replicated with distinct ids; never copied into the repo), runs the release binary with
# -j1 and -j2 under /usr/bin/time -v, and prints MB/s, documents/s, peak RSS and the size of
# the output folder (and its ratio to the text).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
[ -d "$BENCH" ] || { echo "bench: $BENCH not found (it is not bundled)"; exit 0; }
cargo build --release --quiet
BIN=$PWD/target/release/newslens
TMP=${TMPDIR:-/tmp}/newslens-bench
mkdir -p "$TMP"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(bbc 100)

make_corpus() { # $1 = size in MB or "bbc"; writes $TMP/corpus-$1.jsonl
  python3 - "$BENCH" "$1" "$TMP/corpus-$1.jsonl" <<'PY'
import json, os, sys
bench, size, out = sys.argv[1], sys.argv[2], sys.argv[3]
def articles(root):
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".txt"):
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    yield os.path.relpath(os.path.join(dirpath, f), bench), fh.read()
if size == "bbc":
    docs = list(articles(os.path.join(bench, "bbc")))
    limit, rounds = None, 1
else:
    docs = list(articles(bench))
    limit, rounds = int(float(size) * 1e6), 10**9
written = 0
with open(out, "w", encoding="utf-8") as f:
    for r in range(rounds):
        for name, text in docs:
            line = json.dumps({"id": f"{name}#{r}", "text": text}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(text.encode("utf-8"))
            if limit and written >= limit:
                break
        if limit is None or written >= limit:
            break
print(written)
PY
}

printf "%-8s %-4s %10s %10s %10s %12s %10s %10s\n" corpus jobs MB docs seconds "MB/s(text)" "peak MB" "out MB"
for size in "${sizes[@]}"; do
  text_bytes=$(make_corpus "$size")
  docs=$(wc -l < "$TMP/corpus-$size.jsonl")
  for jobs in ${JOBS:-1 2}; do
    rm -rf "$TMP/out"
    # shellcheck disable=SC2086 # ARGS is a list of options
    /usr/bin/time -v "$BIN" run "$TMP/corpus-$size.jsonl" -o "$TMP/out" -q -j "$jobs" ${ARGS:-} 2> "$TMP/time.txt" || true
    out=$(du -sb "$TMP/out" | cut -f1)
    secs=$(python3 -c "import json;print(json.load(open('$TMP/out/run.json'))['seconds']['total'])")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time.txt")
    python3 -c "
b=$text_bytes; s=$secs; d=$docs; r=$rss; o=$out
print(f'{\"$size\":<8} {$jobs:<4} {b/1e6:10.1f} {d:10d} {s:10.2f} {b/1e6/s:12.2f} {r/1024:10.0f} {o/1e6:10.1f}   ({d/s:.0f} docs/s, output {o/b:.1f}x the text)')"
  done
done
