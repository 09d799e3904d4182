#!/usr/bin/env python3
"""newslens on Apache Spark: the same tables as `newslens run`, with the per-document work
spread over a cluster.

    spark-submit spark/newslens_spark.py --binary target/release/newslens \
        corpus/ seeds/ -o output/ [--partitions 64] [--stats stats/]

Takes the inputs `newslens run` takes (folders of .txt/.md files, .jsonl and .csv files, on any
file system Spark reads: local, HDFS, S3, ...; or a Parquet dataset of records with `--parquet`)
and gives the output folder `newslens run` gives on the same inputs, byte for byte (CSV files,
newslens.xlsx, report.html; run.json differs in its timings).

How:
1. The binary is shipped to the executors (`SparkContext.addFile`, or `addArtifacts` under
   Spark Connect).
2. The input files are listed in the order `newslens run` reads them, read by Spark
   (`binaryFile`), range-partitioned in that order, and each partition is piped through
   `newslens map --files` with `mapInArrow` (works under Spark Connect; no `RDD.pipe`). Each
   file travels as an envelope with the path and id `newslens run` would give it, so paths,
   ids, titles, dates, encodings and diagnostics are the local run's. A map process that exits
   non-zero fails its task with its stderr in the error; the task has no side effect (its
   records are its only output), so Spark's retries are safe.
3. Spark aggregates the partial corpus statistics of the records: per (language, n, stem) the
   document frequency, occurrences and idf; per entity the documents and mentions; documents
   per language (`--stats DIR` writes them as Parquet). They are checked against the tables.
4. The records, in input order, are streamed into one `newslens reduce`, which writes the
   corpus-dependent tables (tf-idf, keyword ranks, keyness, coverage, similarity, ...) with the
   same code as `newslens run` — so the two cannot drift. The reduce runs on the driver; it is
   sequential but light next to the map (see BENCHMARKS.md).

Deviation from a pure-Spark design, on purpose: idf/tf-idf, keyword ranking, keyness and
similarity are computed by `newslens reduce`, not in Spark SQL; Spark computes the document
frequencies and idf only to check them. One code path for the corpus tables means no drift
between the cluster and the laptop.

Exit status: that of `newslens reduce` (0 every input processed, 1 some skipped and listed in
diagnostics.csv); 2 on a fatal error.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

OUT_SCHEMA = "part long, seq long, kind string, line string"
ROWS_PER_BATCH = 256


def slash(arg: str) -> str:
    """The path as `newslens run` shows it: forward slashes, no leading `./`."""
    s = arg.replace("\\", "/")
    return s[2:] if s.startswith("./") else s


def to_uri(arg: str) -> str:
    """A local path as the `file:` URI Spark lists; URIs with a scheme are kept."""
    if "://" in arg or arg.startswith("file:"):
        return arg.rstrip("/")
    return "file:" + os.path.abspath(arg)


def list_inputs(spark, inputs: list[str]):
    """The input files as (uri, envelope metadata), in the order `newslens run` reads them:
    inputs in the order given, each folder depth-first with names sorted, hidden entries
    left out."""
    from pyspark.sql import functions as F

    files = []
    for arg in inputs:
        uri = to_uri(arg)
        local = "://" not in arg and not arg.startswith("file:")
        if local and not os.path.exists(arg):
            raise SystemExit(f"newslens-spark: error: {arg}: no such file or folder; check the path")
        is_dir = os.path.isdir(arg) if local else None
        listed = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(arg)
            .select(F.col("path"))
            .collect()
        )
        paths = [urllib.parse.unquote(r.path) for r in listed]
        if is_dir is None:
            is_dir = not (len(paths) == 1 and paths[0].rstrip("/") == uri)
        shown = slash(arg)
        if not is_dir:
            folder = posixpath.basename(posixpath.dirname(shown.rstrip("/")))
            files.append((listed[0].path, (), {"path": shown, "folder": folder}))
            continue
        real = os.path.realpath(arg) if local else uri
        root_name = posixpath.basename(real.rstrip("/")) or shown.rstrip("/")
        root = uri if not local else "file:" + os.path.abspath(arg)
        entries = []
        for raw, path in zip((r.path for r in listed), paths):
            prefix = root.rstrip("/") + "/"
            # Spark lists file:/x as file:/x, file:///x as file:/x too
            if not path.startswith(prefix):
                alt = path.replace("file:///", "file:/", 1)
                if not alt.startswith(prefix.replace("file:///", "file:/", 1)):
                    raise SystemExit(f"newslens-spark: error: {path} is not under {root}")
                path, prefix = alt, prefix.replace("file:///", "file:/", 1)
            rel = path[len(prefix):]
            parts = tuple(rel.split("/"))
            if any(p.startswith(".") for p in parts):
                continue
            parent = "/".join(parts[:-1])
            entries.append(
                (
                    raw,
                    parts,
                    {
                        "path": shown.rstrip("/") + "/" + rel,
                        "id": root_name + "/" + rel,
                        "folder": root_name + ("/" + parent if parent else ""),
                    },
                )
            )
        entries.sort(key=lambda e: [p.encode("utf-8") for p in e[1]])
        files.extend(entries)
    return [(raw, meta) for raw, _, meta in files]


def ship(spark, binary: str) -> str:
    """Sends the binary to every executor; returns the name to find it under."""
    name = os.path.basename(binary)
    try:
        spark.sparkContext.addFile(os.path.abspath(binary))
    except Exception:  # Spark Connect: no SparkContext
        spark.addArtifacts(os.path.abspath(binary), file=True)
    return name


def map_partitions(name: str, map_args: list[str]):
    """The mapInArrow function: pipes one partition's envelopes through `newslens map --files`
    and yields its records as (part, seq, kind, line)."""

    def run(batches):
        import pyarrow as pa
        from pyspark import SparkFiles, TaskContext

        exe = SparkFiles.get(name)
        if not os.access(exe, os.X_OK):
            try:
                os.chmod(exe, 0o755)
            except OSError:
                copy = os.path.join(tempfile.mkdtemp(), name)
                shutil.copy(exe, copy)
                os.chmod(copy, 0o755)
                exe = copy
        part = TaskContext.get().partitionId()
        err = tempfile.TemporaryFile()
        proc = subprocess.Popen(
            [exe, "map", "--files", *map_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        failure = []

        def feed():
            try:
                for batch in batches:
                    cols = batch.to_pydict()
                    for i in range(batch.num_rows):
                        env = json.loads(cols["meta"][i])
                        env["content"] = base64.b64encode(cols["content"][i]).decode("ascii")
                        proc.stdin.write(json.dumps(env).encode("utf-8") + b"\n")
                proc.stdin.close()
            except BaseException as e:  # the process died: reported with its stderr below
                failure.append(e)
                try:
                    proc.stdin.close()
                except OSError:
                    pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        seq, rows = 0, {"part": [], "seq": [], "kind": [], "line": []}
        for raw in proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            kind = line[2 : line.index('"', 2)]
            for k, v in (("part", part), ("seq", seq), ("kind", kind), ("line", line)):
                rows[k].append(v)
            seq += 1
            if len(rows["seq"]) >= ROWS_PER_BATCH:
                yield pa.RecordBatch.from_pydict(rows)
                rows = {"part": [], "seq": [], "kind": [], "line": []}
        writer.join()
        code = proc.wait()
        if code != 0 or failure:
            err.seek(0)
            said = err.read().decode("utf-8", "replace")[-4000:]
            raise RuntimeError(
                f"newslens map exited with status {code} on partition {part}: {said.strip()}"
                + (f" (feeding it failed: {failure[0]!r})" if failure else "")
            )
        if rows["seq"]:
            yield pa.RecordBatch.from_pydict(rows)

    return run


def corpus_statistics(spark, mapped):
    """Spark's aggregation of the records' partial statistics: term document frequencies,
    counts and idf; entity documents and mentions; documents per language."""
    from pyspark.sql import functions as F

    schema = (
        "doc struct<lang string, terms array<array<string>>, entities array<array<string>>>"
    )
    docs = (
        mapped.where(F.col("kind") == "doc")
        .select(F.from_json("line", schema).alias("r"))
        .select("r.doc.*")
    )
    n_docs = docs.count()
    terms = (
        docs.select("lang", F.explode("terms").alias("t"))
        .select(
            F.col("lang").alias("language"),
            F.col("t")[0].cast("int").alias("n"),
            F.col("t")[1].alias("stem"),
            F.col("t")[2].cast("long").alias("c"),
        )
        .groupBy("language", "n", "stem")
        .agg(F.count(F.lit(1)).alias("docs"), F.sum("c").alias("count"))
        .withColumn(
            "idf", F.log((F.lit(1.0) + F.lit(n_docs)) / (F.lit(1.0) + F.col("docs"))) + F.lit(1.0)
        )
    )
    entities = (
        docs.select(F.explode("entities").alias("e"))
        .select(
            F.col("e")[0].alias("entity"),
            F.col("e")[1].alias("label"),
            F.col("e")[2].cast("long").alias("m"),
        )
        .groupBy("entity", "label")
        .agg(F.count(F.lit(1)).alias("docs"), F.sum("m").alias("mentions"))
    )
    languages = docs.groupBy(F.col("lang").alias("language")).count()
    return n_docs, terms, entities, languages


def unguard(s: str) -> str:
    return s[1:] if s[:1] == "'" and s[1:2] in ("=", "+", "-", "@", "\t", "\r") else s


def check_statistics(out_dir: str, n_docs: int, terms, entities) -> None:
    """The tables `newslens reduce` wrote agree with Spark's aggregation: same documents,
    the same df, count and idf (to 1e-9) for every term, docs and mentions for every entity."""
    import csv

    csv.field_size_limit(1 << 30)
    with open(os.path.join(out_dir, "documents.csv"), encoding="utf-8-sig", newline="") as f:
        written = sum(1 for _ in csv.DictReader(f))
    if written != n_docs:
        raise SystemExit(
            f"newslens-spark: error: Spark counted {n_docs} documents, documents.csv has {written}"
        )
    spark_terms = {
        (r["language"], r["n"], r["stem"]): (r["docs"], r["count"], r["idf"])
        for r in terms.toLocalIterator()
    }
    with open(os.path.join(out_dir, "corpus_terms.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != len(spark_terms):
        raise SystemExit(
            f"newslens-spark: error: Spark found {len(spark_terms)} terms, corpus_terms.csv has {len(rows)}"
        )
    for r in rows:
        key = (r["language"], int(r["n"]), unguard(r["stem"]))
        docs, count, idf = spark_terms.get(key, (None, None, None))
        if docs != int(r["docs"]) or count != int(r["count"]) or abs(idf - float(r["idf"])) > 1e-9:
            raise SystemExit(
                f"newslens-spark: error: term {key}: Spark has docs={docs} count={count} idf={idf}, "
                f"corpus_terms.csv has {r['docs']}, {r['count']}, {r['idf']}"
            )
    path = os.path.join(out_dir, "corpus_entities.csv")
    if os.path.exists(path):
        spark_entities = {
            (r["entity"], r["label"]): (r["docs"], r["mentions"]) for r in entities.toLocalIterator()
        }
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        if len(rows) != len(spark_entities):
            raise SystemExit(
                f"newslens-spark: error: Spark found {len(spark_entities)} entities, corpus_entities.csv has {len(rows)}"
            )
        for r in rows:
            key = (unguard(r["entity"]), r["label"])
            if spark_entities.get(key) != (int(r["docs"]), int(r["mentions"])):
                raise SystemExit(
                    f"newslens-spark: error: entity {key}: Spark has {spark_entities.get(key)}, "
                    f"corpus_entities.csv has {r['docs']}, {r['mentions']}"
                )


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="newslens_spark.py",
        description="newslens on Apache Spark: the tables of `newslens run`, the per-document "
        "stages spread over the cluster.",
    )
    p.add_argument("inputs", nargs="+", help="folders and files, as for newslens run")
    p.add_argument("-o", "--output", default="output", help="output folder (on the driver)")
    p.add_argument(
        "--binary",
        default=os.environ.get("NEWSLENS_BINARY", "target/release/newslens"),
        help="the newslens binary to ship (built for the executors' platform)",
    )
    p.add_argument("--partitions", type=int, default=0, help="map tasks (default: 2 x cores)")
    p.add_argument("--map-jobs", type=int, default=1, help="threads per map process (-j)")
    p.add_argument("--reduce-jobs", type=int, default=0, help="threads of the reduce (-j)")
    p.add_argument("--master", default=None, help="Spark master when not run by spark-submit")
    p.add_argument(
        "--map-args", default="", help="extra newslens map options, e.g. \"--languages eng,fra\""
    )
    p.add_argument(
        "--reduce-args", default="", help="extra newslens reduce options, e.g. \"--neighbours 5\""
    )
    p.add_argument("--stats", default=None, help="write Spark's corpus statistics here (Parquet)")
    p.add_argument(
        "--no-check",
        action="store_true",
        help="skip the aggregation of corpus statistics in Spark and its check against the tables",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv=None) -> int:
    import shlex

    from pyspark import StorageLevel
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    args = parse_args(argv)
    if not os.path.isfile(args.binary):
        print(
            f"newslens-spark: error: {args.binary}: no newslens binary; build it (cargo build --release) or name it with --binary",
            file=sys.stderr,
        )
        return 2
    say = (lambda *a: None) if args.quiet else (lambda *a: print("newslens-spark:", *a, file=sys.stderr))
    builder = SparkSession.builder.appName("newslens")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    t0 = time.time()
    name = ship(spark, args.binary)
    files = list_inputs(spark, args.inputs)
    if not files:
        print("newslens-spark: error: no input files found", file=sys.stderr)
        return 2
    cores = spark.sparkContext.defaultParallelism if hasattr(spark, "sparkContext") else 2
    partitions = max(1, min(args.partitions or 2 * cores, len(files)))
    meta = spark.createDataFrame(
        [(i, raw, json.dumps(m)) for i, (raw, m) in enumerate(files)],
        "idx long, path string, meta string",
    )
    content = None
    for arg in args.inputs:
        df = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(arg)
            .select("path", "content")
        )
        content = df if content is None else content.unionByName(df)
    envelopes = (
        content.dropDuplicates(["path"])
        .join(F.broadcast(meta), "path")
        .repartitionByRange(partitions, "idx")
        .sortWithinPartitions("idx")
        .select("meta", "content")
    )
    map_args = ["-j", str(args.map_jobs), *shlex.split(args.map_args)]
    mapped = envelopes.mapInArrow(map_partitions(name, map_args), OUT_SCHEMA)
    mapped = mapped.persist(StorageLevel.MEMORY_AND_DISK)
    records = mapped.count()
    t_map = time.time()
    say(f"{len(files)} files in {partitions} partitions mapped to {records} records in {t_map - t0:.1f} s")

    stats = None
    if not args.no_check or args.stats:
        stats = corpus_statistics(spark, mapped)
        if args.stats:
            n_docs, terms, entities, languages = stats
            terms.write.mode("overwrite").parquet(os.path.join(args.stats, "corpus_terms"))
            entities.write.mode("overwrite").parquet(os.path.join(args.stats, "corpus_entities"))
            languages.write.mode("overwrite").parquet(os.path.join(args.stats, "languages"))
    t_stats = time.time()

    reduce_cmd = [
        args.binary,
        "reduce",
        "-q",
        "-j",
        str(args.reduce_jobs),
        "-o",
        args.output,
        *shlex.split(args.reduce_args),
    ]
    proc = subprocess.Popen(reduce_cmd, stdin=subprocess.PIPE)
    last = (-1, -1)
    try:
        for row in mapped.orderBy("part", "seq").select("part", "seq", "line").toLocalIterator():
            key = (row.part, row.seq)
            if key <= last:
                raise SystemExit(f"newslens-spark: error: records out of order at {key}")
            last = key
            proc.stdin.write(row.line.encode("utf-8") + b"\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    code = proc.wait()
    t_reduce = time.time()
    if code not in (0, 1):
        print(f"newslens-spark: error: newslens reduce exited with status {code}", file=sys.stderr)
        return 2
    if stats is not None and not args.no_check:
        n_docs, terms, entities, _ = stats
        check_statistics(args.output, n_docs, terms, entities)
    t_check = time.time()
    say(
        f"wrote {args.output}: map {t_map - t0:.1f} s, statistics {t_stats - t_map:.1f} s, "
        f"reduce {t_reduce - t_stats:.1f} s, check {t_check - t_reduce:.1f} s, "
        f"total {t_check - t0:.1f} s"
    )
    mapped.unpersist()
    return code


if __name__ == "__main__":
    sys.exit(main())
