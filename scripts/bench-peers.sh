#!/usr/bin/env bash
# newslens against its peers, side by side, one core each, on the same documents.
#
#   scripts/bench-peers.sh [FOLDER]        (default: ../shared/bench/bbc, 2,225 BBC articles)
#
# Installs the peers at pinned versions into target/peers-venv (PyPI) and builds yake-rust
# (scripts/peers/yake-rust), then times each over every .txt file under FOLDER, and newslens
# with -j1 on the same files (all stages on; stage seconds from run.json). Prints a Markdown
# table: characters per second per core, peak memory, and newslens' ratio to each peer.
# spaCy's en_core_web_sm comes from GitHub, not PyPI; without it that row says "not measured".
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDER=${1:-../shared/bench/bbc}
[ -d "$FOLDER" ] || { echo "bench-peers: $FOLDER not found (../shared/bench is not bundled)"; exit 0; }
VENV=target/peers-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q spacy==3.8.18 yake==0.7.3 lingua-language-detector==2.1.1 scikit-learn==1.9.1
  "$VENV/bin/python" -m spacy download en_core_web_sm >/dev/null 2>&1 \
    || echo "bench-peers: en_core_web_sm could not be installed (needs github.com); spaCy full pipeline not measured" >&2
fi
cargo build --release --quiet
CARGO_TARGET_DIR=target/peers cargo build --release --quiet --manifest-path scripts/peers/yake-rust/Cargo.toml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for task in spacy-sm spacy-tokenizer yake lingua sklearn-tfidf sklearn-tfidf-ngrams; do
  /usr/bin/time -f '%M' -o "$TMP/rss" "$VENV/bin/python" scripts/peers/bench_peers.py "$task" "$FOLDER" > "$TMP/$task.json"
  echo "{\"rss_kb\": $(cat "$TMP/rss")}" >> "$TMP/$task.json"
done
/usr/bin/time -f '%M' -o "$TMP/rss" target/peers/release/yake-rust-peer "$FOLDER" > "$TMP/yake-rust.txt"
cat "$TMP/rss" >> "$TMP/yake-rust.txt"
/usr/bin/time -f '%M' -o "$TMP/rss" target/release/newslens run "$FOLDER" -o "$TMP/out" -q -j 1 || true
cat "$TMP/rss" > "$TMP/newslens.rss"

"$VENV/bin/python" - "$TMP" <<'PY'
import csv, json, sys, os
tmp = sys.argv[1]
def peer(task):
    lines = open(os.path.join(tmp, task + ".json")).read().split("\n")
    d = json.loads(lines[0])
    d["rss_mb"] = json.loads(lines[1])["rss_kb"] / 1024
    return d
run = json.load(open(os.path.join(tmp, "out", "run.json")))
with open(os.path.join(tmp, "out", "documents.csv"), newline="", encoding="utf-8") as f:
    chars = sum(int(r["chars"]) for r in csv.DictReader(f))
s = run["seconds"]
rss = int(open(os.path.join(tmp, "newslens.rss")).read()) / 1024
ours = {
    "end to end": s["total"],
    "segment": s["segment"],
    "keywords": s["keywords"],
    "language": s["language"],
    "terms": s["lexicon"] + s["terms"],
}
yr = open(os.path.join(tmp, "yake-rust.txt")).read().split()
rows = []
def add(name, version, task, cps, rss_mb, ours_key, computed):
    mine = chars / ours[ours_key]
    rows.append((name, version, task, cps, rss_mb, ours_key, mine, computed))
for task, name, what, key in [
    ("spacy-sm", "spaCy full pipeline", "tokens, tags, parse, NER", "end to end"),
    ("spacy-tokenizer", "spaCy tokenizer", "tokens", "segment"),
    ("yake", "YAKE (Python)", "keyphrases", "keywords"),
    ("lingua", "lingua high accuracy", "language", "language"),
    ("sklearn-tfidf", "TfidfVectorizer", "tf-idf, unigrams", "terms"),
    ("sklearn-tfidf-ngrams", "TfidfVectorizer", "tf-idf, 1-3-grams", "terms"),
]:
    d = peer(task)
    if "skipped" in d:
        rows.append((name, "-", what, None, None, key, chars / ours[key], d["skipped"]))
        continue
    add(name, d["version"], what, d["chars_per_second"], d["rss_mb"], key, d["computed"])
add("yake-rust", "1.0.3", "keyphrases", int(yr[0]) / float(yr[1]), int(yr[3]) / 1024, "keywords", int(yr[2]))
print(f"documents: {run['counts']['documents']}, characters: {chars:,}; newslens -j1 wall {s['total']:.2f} s, peak {rss:.0f} MB")
print()
print("| peer | version | task | peer chars/s | peer peak MB | newslens stage | newslens chars/s | ratio |")
print("|---|---|---|---:|---:|---|---:|---:|")
for name, version, task, cps, rss_mb, key, mine, computed in rows:
    if cps is None:
        print(f"| {name} | {version} | {task} | not measured | | {key} | {mine:,.0f} | |")
    else:
        print(f"| {name} | {version} | {task} | {cps:,.0f} | {rss_mb:,.0f} | {key} | {mine:,.0f} | {mine / cps:.1f}× |")
print()
print("newslens stage seconds (-j1):", json.dumps({k: round(v, 3) for k, v in s.items()}))
PY
