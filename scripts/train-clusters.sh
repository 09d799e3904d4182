#!/usr/bin/env bash
# Learns the word clusters in models/clusters-*.bin from unlabeled text (see the README's
# "Entity models" section). Needs ../shared (not bundled). Only training splits and
# unlabeled corpora are read, never a development or test file. Deterministic.
#
#   scripts/train-clusters.sh [LANG...]      (default: the seven languages that ship clusters)
#
# Spanish, Dutch and Arabic ship none: the only text in them here is their NER training
# data, and clusters learned from it alone lowered the F1 on its held-back tenth.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${SHARED:-../shared}
E=$S/eval/ner
K=$S/eval/keyphrase
cargo build --release --quiet --bin train-clusters
T="target/release/train-clusters"
# the bundled corpus samples (several languages), filtered by language
MIXED="--mixed $S/corpus-sample"
langs=${*:-eng deu fra ita por rus zho}
for lang in $langs; do
  case $lang in
    eng) src="--text $S/bench/bbc --text $E/conll2003_en/train.jsonl --text $K/500N-KPCrowd.jsonl" ;;
    spa) src="--text $E/conll2002/spa_train.jsonl" ;;
    nld) src="--text $E/conll2002/nld_train.jsonl" ;;
    deu) src="--text $S/bench/10kgnad-de --text $E/conll2003_de/train.jsonl --text $E/wikineural/deu.jsonl --text $E/wikiann/deu_train.jsonl" ;;
    fra) src="--text $E/wikineural/fra.jsonl --text $K/WikiNews-fr.jsonl" ;;
    ita) src="--text $E/kind/ita_train.jsonl --text $E/wikineural/ita.jsonl" ;;
    por) src="--text $E/uner/por_train.jsonl --text $E/wikineural/por.jsonl --text $K/110-PT-BN-KP.jsonl" ;;
    rus) src="--text $E/nerel/rus_train.jsonl --text $E/wikiann/rus_train.jsonl --text $E/wikineural/rus.jsonl" ;;
    zho) src="--text $E/uner/zho_train.jsonl" ;;
    ara) src="--text $E/anercorp/ara_train.jsonl" ;;
    *) echo "train-clusters.sh: no text listed for $lang" >&2; exit 2 ;;
  esac
  # shellcheck disable=SC2086
  $T --lang "$lang" $src $MIXED --out "models/clusters-$lang.bin"
done
