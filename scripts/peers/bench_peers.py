"""One peer, one task, one core, timed over every .txt file under a folder.

    python bench_peers.py TASK FOLDER

TASK: spacy-tokenizer | spacy-sm | yake | lingua | sklearn-tfidf | sklearn-tfidf-ngrams.
Prints one JSON line: task, version, documents, chars, seconds (the task alone, model
loading excluded and reported apart as load_seconds), chars_per_second, peak_rss_mb and a
count of what was computed (tokens, keyphrases, languages, matrix non-zeros) so a fast wrong
answer shows. Used by scripts/bench-peers.sh; not part of newslens.
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def texts(root):
    out = []
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".txt"):
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    out.append(fh.read())
    return out


def main():
    task, root = sys.argv[1], sys.argv[2]
    docs = texts(root)
    chars = sum(len(t) for t in docs)
    t0 = time.perf_counter()
    if task in ("spacy-tokenizer", "spacy-sm"):
        import spacy

        version = "spacy " + spacy.__version__
        if task == "spacy-sm":
            try:
                nlp = spacy.load("en_core_web_sm")
            except OSError as e:
                print(json.dumps({"task": task, "skipped": f"en_core_web_sm not installed: {e}"}))
                return
            version += " en_core_web_sm " + nlp.meta["version"]
        else:
            nlp = spacy.blank("en")
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        if task == "spacy-sm":
            found = sum(len(d.ents) for d in nlp.pipe(docs, batch_size=32))
        else:
            found = sum(len(nlp.tokenizer(t)) for t in docs)
    elif task == "yake":
        import yake

        from importlib.metadata import version as v

        version = "yake " + v("yake")
        ex = yake.KeywordExtractor(lan="en", n=3, top=10)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = sum(len(ex.extract_keywords(t)) for t in docs)
    elif task == "lingua":
        from importlib.metadata import version as v
        from lingua import LanguageDetectorBuilder

        version = "lingua-language-detector " + v("lingua-language-detector")
        det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = sum(1 for t in docs if det.detect_language_of(t) is not None)
    elif task.startswith("sklearn-tfidf"):
        import sklearn
        from sklearn.feature_extraction.text import TfidfVectorizer

        version = "scikit-learn " + sklearn.__version__
        ngrams = (1, 3) if task.endswith("ngrams") else (1, 1)
        vec = TfidfVectorizer(ngram_range=ngrams)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = int(vec.fit_transform(docs).nnz)
    else:
        sys.exit(f"unknown task {task}")
    secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "task": task,
        "version": version,
        "documents": len(docs),
        "chars": chars,
        "load_seconds": round(load, 3),
        "seconds": round(secs, 3),
        "chars_per_second": round(chars / secs),
        "peak_rss_mb": round(rss),
        "computed": found,
    }))


if __name__ == "__main__":
    main()
