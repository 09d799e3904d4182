#!/usr/bin/env python3
"""Recompute keyness.csv and collocations.csv of a newslens output folder with SciPy.

    python3 tests/compare_scipy.py OUTPUT_DIR

Independent of the Rust code: the 2x2 tables are rebuilt from terms.csv and corpus_terms.csv
(one-word terms), G2 and its p-value come from
scipy.stats.power_divergence(obs, f_exp, lambda_="log-likelihood", ddof=2) (4 cells - 1 - 2
= 1 degree of freedom), and every log_likelihood, p_value, expected, log_ratio and pmi is
compared to 4 decimals. Exit status 0: all match; 1: a mismatch (printed); 3: SciPy missing.
"""
import csv
import math
import sys
from collections import defaultdict

try:
    import numpy as np
    from scipy.stats import power_divergence
except ImportError:
    print("scipy is not installed", file=sys.stderr)
    sys.exit(3)


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def g2_and_p(a, b, c, d):
    obs = np.array([a, b, c, d], dtype=float)
    n = obs.sum()
    r0, r1, c0, c1 = a + b, c + d, a + c, b + d
    exp = np.array([r0 * c0, r0 * c1, r1 * c0, r1 * c1], dtype=float) / n
    # power_divergence treats 0 * log(0 / e) as 0, as Dunning does
    stat, p = power_divergence(obs, exp, lambda_="log-likelihood", ddof=2)
    return float(stat), float(p)


def close(x, y, what):
    if abs(x - y) > 5e-5 * max(1.0, abs(y) / 1e4):
        return f"{what}: newslens {x} scipy {y}"
    return None


def main(out):
    terms = read(f"{out}/terms.csv")
    docs = {d["doc_id"]: d for d in read(f"{out}/documents.csv")}
    corpus = read(f"{out}/corpus_terms.csv")
    total = sum(int(t["count"]) for t in corpus if t["n"] == "1")
    per_lang = defaultdict(int)
    corpus_count = {}
    for t in corpus:
        if t["n"] == "1":
            per_lang[t["language"]] += int(t["count"])
            corpus_count[(t["language"], t["term"])] = int(t["count"])
    doc_total = defaultdict(int)
    for t in terms:
        if t["n"] == "1":
            doc_total[t["doc_id"]] += int(t["count"])

    errors, checked = [], 0
    for row in read(f"{out}/keyness.csv"):
        if row["group_by"] != "doc_id":
            continue
        doc = row["group"].removeprefix("'")
        a, b = int(row["count"]), int(row["other_count"])
        lang = docs[doc]["language"]
        term = row["term"].removeprefix("'")
        if corpus_count.get((lang, term)) is not None and corpus_count[(lang, term)] != a + b:
            errors.append(f"{doc} {term}: count + other_count {a + b} != corpus count {corpus_count[(lang, term)]}")
        t = doc_total[doc]
        r = total - t
        g2, p = g2_and_p(a, b, t - a, r - b)
        expected = t * (a + b) / (t + r)
        lr = math.log2(((a or 0.5) / t) / ((b or 0.5) / r))
        for e in (
            close(float(row["log_likelihood"]), g2, f"{doc} {term} G2"),
            close(float(row["p_value"]), p, f"{doc} {term} p"),
            close(float(row["expected"]), expected, f"{doc} {term} expected"),
            close(float(row["log_ratio"]), lr, f"{doc} {term} log_ratio"),
        ):
            if e:
                errors.append(e)
        checked += 1

    colloc = 0
    for row in read(f"{out}/collocations.csv"):
        lang = row["language"]
        c, ca, cb = int(row["count"]), int(row["count_a"]), int(row["count_b"])
        n = per_lang[lang]
        for term, count in ((row["term_a"], ca), (row["term_b"], cb)):
            term = term.removeprefix("'")
            if corpus_count.get((lang, term)) not in (None, count):
                errors.append(f"collocation {term}: count {count} != corpus {corpus_count[(lang, term)]}")
        g2, _ = g2_and_p(c, max(ca - c, 0), max(cb - c, 0), n - c - max(ca - c, 0) - max(cb - c, 0))
        pmi = math.log2(c * n / (ca * cb))
        for e in (
            close(float(row["log_likelihood"]), g2, f"{row['term_a']}/{row['term_b']} G2"),
            close(float(row["pmi"]), pmi, f"{row['term_a']}/{row['term_b']} pmi"),
        ):
            if e:
                errors.append(e)
        colloc += 1

    for e in errors[:20]:
        print(e)
    print(f"checked {checked} keyness rows and {colloc} collocations against SciPy: {len(errors)} mismatches")
    return 1 if errors or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
