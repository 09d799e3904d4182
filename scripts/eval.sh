#!/usr/bin/env bash
# Scores newslens with the published evaluation sets in ../shared/eval, through the real CLI.
#
#   scripts/eval.sh [segmentation|langid|keyphrases|ner|all]   (default: all)
#
# Builds the release binary, strips each gold file to id + text (strip.py), runs
# `newslens run`, and prints each scorer's last line. Figures are what the README and the
# closing notes report. Needs python3; ../shared/eval must exist (it is not bundled).
# Keyphrase matching is stemmed only when the snowballstemmer package is installed (the
# scorer says which: stemmer=snowball or stemmer=none); the README's figures are stemmed.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL:-../shared/eval}
[ -d "$EVAL" ] || { echo "eval: $EVAL not found (it is not bundled); nothing scored"; exit 0; }
what=${1:-all}
cargo build --release --quiet
BIN=target/release/newslens
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

segmentation() {
  for gold in "$EVAL"/segmentation/*.jsonl; do
    name=$(basename "$gold" .jsonl)
    python3 "$EVAL/strip.py" "$gold" "$TMP/$name.jsonl"
    "$BIN" run "$TMP/$name.jsonl" -o "$TMP/$name" --emit tokens,sentences -q || true
    echo "segmentation $name $(python3 "$EVAL/score_segmentation.py" "$gold" "$TMP/$name" | tail -1)"
  done
}

langid() {
  python3 "$EVAL/strip.py" "$EVAL/langid/dev.jsonl" "$TMP/langid-sorted.jsonl"
  # the items are sorted by language: shuffled, so that a file's language (lent to its unsure
  # items) does not stand in for the detector
  python3 -c 'import random, sys; l = open(sys.argv[1]).readlines(); random.Random(0).shuffle(l); open(sys.argv[2], "w").writelines(l)' \
    "$TMP/langid-sorted.jsonl" "$TMP/langid.jsonl"
  "$BIN" run "$TMP/langid.jsonl" -o "$TMP/langid" -q || true
  for kind in sentence word_pair word; do
    python3 "$EVAL/score_langid.py" "$EVAL/langid/dev.jsonl" "$TMP/langid" --kind "$kind" > "$TMP/langid-$kind.txt"
    echo "langid $kind (75 languages) $(tail -1 "$TMP/langid-$kind.txt")"
    python3 - "$TMP/langid-$kind.txt" "$kind" <<'PY'
import sys
common = "eng deu fra spa ita por nld swe nob dan fin rus hun ron tur ell ara tam zho jpn kor pol ces ukr".split()
acc = {}
for line in open(sys.argv[1]):
    for cell in line.split():
        if "=" in cell and not cell.startswith("langid"):
            k, v = cell.split("=")
            acc[k] = float(v)
got = [acc[l] for l in common if l in acc]
print(f"langid {sys.argv[2]} (24 common languages) mean={sum(got)/len(got):.4f} over {len(got)}")
PY
  done
}

keyphrases() {
  # headline-only KPCrowd documents (title_only) are left out, as in the issue's YAKE figures
  for set in 500N-KPCrowd WikiNews-fr 110-PT-BN-KP Inspec; do
    gold="$EVAL/keyphrase/$set.jsonl"
    python3 "$EVAL/strip.py" "$gold" "$TMP/$set.jsonl" --exclude-flag title_only
    "$BIN" run "$TMP/$set.jsonl" -o "$TMP/$set" -q \
      --keyword-methods combined,yake,tfidf,textrank,rake,positionrank || true
    for method in combined yake tfidf textrank rake positionrank; do
      python3 "$EVAL/score_keyphrases.py" "$gold" "$TMP/$set" --method "$method" \
        --exclude-flag title_only > "$TMP/kp.txt"
      f5=$(sed -n 's/^@5: .*F1=//p' "$TMP/kp.txt")
      f10=$(sed -n 's/^@10: .*F1=//p' "$TMP/kp.txt")
      stem=$(sed -n 's/.*stemmer=\([a-z]*\).*/\1/p' "$TMP/kp.txt")
      printf 'keyphrases %-13s %-12s F1@5=%s F1@10=%s (stemmer=%s)\n' "$set" "$method" "$f5" "$f10" "$stem"
    done
  done
}

# Named entities: every development file with gold labels (README, "Entity models", says
# what each language's model was trained on; none of these files is trained on, but for the
# first 1,100 GermEval sentences, which the German model learns from: its second half is scored).
ner() {
  tail -n +1101 "$EVAL/ner/germeval2014/dev.jsonl" > "$TMP/germeval2014-gold-second-half.jsonl"
  for set in conll2003_en/dev conll2002/spa_dev conll2002/nld_dev conll2003_de/dev \
      germeval2014/dev_second_half uner/zho_dev uner/por_dev kind/ita_dev nerel/rus_dev; do
    gold="$EVAL/ner/$set.jsonl"
    [ "$set" = germeval2014/dev_second_half ] && gold="$TMP/germeval2014-gold-second-half.jsonl"
    name=$(echo "$set" | tr / _)
    python3 "$EVAL/strip.py" "$gold" "$TMP/$name.jsonl"
    "$BIN" run "$TMP/$name.jsonl" -o "$TMP/$name" -q || true
    python3 "$EVAL/score_ner.py" "$gold" "$TMP/$name" > "$TMP/$name.txt"
    echo "ner $set"
    sed 's/^/  /' "$TMP/$name.txt"
  done
}

case "$what" in
  segmentation) segmentation ;;
  langid) langid ;;
  keyphrases) keyphrases ;;
  ner) ner ;;
  all) segmentation; langid; keyphrases; ner ;;
  *) echo "usage: scripts/eval.sh [segmentation|langid|keyphrases|ner|all]"; exit 2 ;;
esac
