#!/usr/bin/env python3
"""Generates data/lexicon/news.csv: the words of news copy that are never keyphrases on their own
(`said`, `Saturday`, `January`, `yesterday`), per language.

    npm pack cldr-dates-full@48.2.0 && tar xzf cldr-dates-full-48.2.0.tgz -C /tmp/dates
    scripts/gen-news-lexicon.py /tmp/dates/package [CORPUS_DIR ...] > data/lexicon/news.csv

Four kinds, from two sources:
- `date`: weekday and month names (wide, in their format and stand-alone forms, so Russian
  `января` and `январь` both) and the words for yesterday, today and tomorrow, from CLDR 48.2
  (the `cldr-dates-full` JSON package, Unicode licence). Matched by stem in the language.
- `cue`: reporting words (`said`, `told`, `according`; `sagte`; `a déclaré` → `déclaré`;
  `заявил`; `表示`). Candidates come from REPORTING below, the verbs and prepositions news
  agencies attach to quotes; each is kept only where it is attested in the corpora given (the
  bundled corpus, the benchmark corpora in ../shared/bench), as the count column shows: the
  list is what the news copy uses, not what a grammar allows. Matched by exact form, since
  their stems name things (`déclar` is also `déclaration`).
- `title` and `wire`: courtesy titles (`Mr`, `Frau`, `Mme`) and one-word wire services
  (`Reuters`, `AP`, `AFP`, `dpa`, `Xinhua`), from TITLES and WIRE below, kept where attested
  the same way; exact forms.
Rows are sorted; the output is byte-identical from run to run.
"""

import collections
import csv
import json
import os
import re
import sys

# language code (ISO 639-3) -> CLDR locale
LOCALES = {
    "eng": "en", "deu": "de", "fra": "fr", "spa": "es", "por": "pt", "ita": "it", "nld": "nl",
    "rus": "ru", "zho": "zh", "ara": "ar", "jpn": "ja",
}

# the reporting words agencies attach to quotes and attributions; a candidate list, checked by
# hand, filtered by the corpora below
REPORTING = {
    "eng": "said says say saying told tells added adds according announced stated explained "
           "noted reported claimed insisted warned wrote",
    "deu": "sagte sagt sagten sagen erklärte erklärt erklärten betonte betont teilte berichtet "
           "berichtete äußerte meinte meint sprach laut zufolge",
    "fra": "dit déclaré affirme affirmé explique expliqué selon indique indiqué annoncé estime "
           "précisé ajouté souligné déclare",
    "spa": "dijo dice afirmó explicó señaló aseguró indicó según declaró añadió manifestó "
           "informó",
    "por": "disse diz afirmou afirma explicou informou anunciou declarou acrescentou disseram "
           "segundo",
    "ita": "detto dice disse dichiarato spiega spiegato secondo afferma affermato annunciato "
           "sottolineato aggiunto",
    "nld": "zei zegt zeggen aldus volgens verklaarde meldt meldde stelt",
    "rus": "сказал сказала заявил заявила сообщил сообщила отметил отметила говорит рассказал "
           "словам пишет подчеркнул добавил",
    "zho": "说 表示 称 指出 报道 据 宣布 强调",
    "ara": "قال وقال قالت وقالت أضاف وأضاف أكد وأكد أعلن حسب وفقا",
}

# courtesy titles and single-word wire services: names of no article's subject on their own
# (`Mr`, `Reuters`), still part of longer phrases; checked by hand, kept where attested
TITLES = {
    "eng": "mr mrs ms dr prof",
    "deu": "herr frau dr prof",
    "fra": "mme mlle dr",
    "spa": "sr sra dr",
    "por": "sr sra dr",
    "ita": "sig dott prof",
    "nld": "dhr mevr dr prof",
    "rus": "г-н г-жа",
}
WIRE = "reuters ap afp dpa xinhua tass interfax ansa efe kyodo yonhap apa anp belga"

WORD = re.compile(r"\w+", re.UNICODE)


def cldr_dates(root, lang, loc):
    main = os.path.join(root, "main", loc)
    with open(os.path.join(main, "ca-gregorian.json"), encoding="utf-8") as f:
        g = json.load(f)["main"][loc]["dates"]["calendars"]["gregorian"]
    with open(os.path.join(main, "dateFields.json"), encoding="utf-8") as f:
        fields = json.load(f)["main"][loc]["dates"]["fields"]
    words = set()
    for part in ("days", "months"):
        for ctx in ("format", "stand-alone"):
            words.update(g[part][ctx]["wide"].values())
    for k in ("relative-type--1", "relative-type-0", "relative-type-1"):
        if k in fields["day"]:
            words.add(fields["day"][k])
    out = set()
    for w in words:
        w = w.strip().lower()
        # one word per row; multi-word forms (`после завтра`) are split off as their words
        # only when they are single words in the language's script
        if w and " " not in w:
            out.add(w)
    return out


def corpus_counts(dirs):
    """Lower-cased word counts over every text file and JSONL `text` field under `dirs`."""
    counts = collections.Counter()
    for d in dirs:
        for root, _, files in os.walk(d):
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                if name.endswith(".jsonl"):
                    parts = []
                    for line in text.splitlines():
                        try:
                            parts.append(json.loads(line).get("text", ""))
                        except (ValueError, AttributeError):
                            pass
                    text = "\n".join(parts)
                lower = text.lower()
                counts.update(WORD.findall(lower))
                # Chinese has no spaces: count the listed cues as substrings
                for w in REPORTING["zho"].split():
                    counts[w] += lower.count(w)
    return counts


def main():
    cldr = sys.argv[1]
    counts = corpus_counts(sys.argv[2:])
    rows = []
    for lang, loc in LOCALES.items():
        for w in cldr_dates(cldr, lang, loc):
            rows.append((lang, "date", w, ""))
        for kind, words in (
            ("cue", REPORTING.get(lang, "")),
            ("title", TITLES.get(lang, "")),
            ("wire", WIRE),
        ):
            for w in words.split():
                n = counts[w.lower()]
                if n > 0:
                    rows.append((lang, kind, w.lower(), str(n)))
    rows.sort()
    print("# News words that are never keyphrases on their own: generated by "
          "scripts/gen-news-lexicon.py (dates: CLDR 48.2, Unicode licence; cues: a hand-checked "
          "list kept where the corpora attest it, count = occurrences there). Do not edit by hand.")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["lang", "kind", "word", "count"])
    w.writerows(rows)


if __name__ == "__main__":
    main()
