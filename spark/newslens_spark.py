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
2. The input files are listed in the order `newslens run` reads them (local paths by Python,
   other file systems by Spark's listing), read by Spark (`binaryFile`), cut into contiguous
   ranges in that order, and each range is piped through `newslens map --files` with
   `mapInArrow` (works under Spark Connect; no `RDD.pipe`). Each
   file travels as an envelope with the path and id `newslens run` would give it, so paths,
   ids, titles, dates, encodings and diagnostics are the local run's. A map process that exits
   non-zero fails its task with its stderr in the error; the task has no side effect (its
   records are its only output), so Spark's retries are safe.
3. Spark aggregates the partial corpus statistics of the records: per (language, n, stem) the
   document frequency, occurrences and idf; per entity the documents and mentions; documents
   per language (`--stats DIR` writes them as Parquet). After the reduce they are checked
   against corpus_terms.csv, corpus_entities.csv and documents.csv (a join in Spark).
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
import queue
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


def list_files(spark, arg: str):
    """(qualified path, whether it is a folder, [(path, parts below it, size)]) of one input.
    A local path is listed by Python (empty files included); any other file system by Spark's
    own listing (`binaryFile`, without reading the bytes), which leaves out empty files."""
    local = "://" not in arg or arg.startswith("file:")
    if local:
        path = arg[len("file:") :] if arg.startswith("file:") else arg
        if path.startswith("//"):
            path = path[2:]
        if not os.path.exists(path):
            raise SystemExit(f"newslens-spark: error: {arg}: no such file or folder; check the path")
        root = "file:" + os.path.abspath(path)
        if not os.path.isdir(path):
            return root, False, [(root, (), os.path.getsize(path))]
        out = []
        for dirpath, dirs, names in os.walk(path, followlinks=True):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for n in names:
                full = os.path.join(dirpath, n)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                out.append(("file:" + os.path.abspath(full), tuple(rel.split("/")), os.path.getsize(full)))
        return root, True, out
    listed = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(arg)
        .select("path", "length")
        .collect()
    )
    root = arg.rstrip("/")
    if len(listed) == 1 and listed[0].path.rstrip("/") == root:
        return root, False, [(listed[0].path, (), listed[0].length)]
    out = []
    for r in listed:
        if not r.path.startswith(root + "/"):
            raise SystemExit(f"newslens-spark: error: {r.path} is not under {root}")
        out.append((r.path, tuple(r.path[len(root) + 1 :].split("/")), r.length))
    return root, True, out


def list_inputs(spark, inputs: list[str]):
    """The input files as (path, size, envelope metadata), in the order `newslens run` reads
    them: inputs in the order given, each folder depth-first with names sorted (as bytes),
    hidden entries left out."""
    files = []
    for arg in inputs:
        root, is_dir, listed = list_files(spark, arg)
        shown = slash(arg)
        if not is_dir:
            folder = posixpath.basename(posixpath.dirname(shown.rstrip("/")))
            files.append((listed[0][0], listed[0][2], {"path": shown, "folder": folder}))
            continue
        root_name = posixpath.basename(
            os.path.realpath(arg) if root.startswith("file:") else root.rstrip("/")
        ) or shown.rstrip("/")
        entries = []
        for path, parts, size in listed:
            if any(p.startswith(".") for p in parts):
                continue
            rel = "/".join(parts)
            parent = "/".join(parts[:-1])
            meta = {
                "path": shown.rstrip("/") + "/" + rel,
                "id": root_name + "/" + rel,
                "folder": root_name + ("/" + parent if parent else ""),
            }
            entries.append(([p.encode("utf-8") for p in parts], (path, size, meta)))
        entries.sort(key=lambda e: e[0])
        files.extend(e[1] for e in entries)
    return files


def ship(spark, binary: str) -> str:
    """Sends the binary to every executor; returns the name to find it under."""
    name = os.path.basename(binary)
    try:
        spark.sparkContext.addFile(os.path.abspath(binary))
    except Exception:  # Spark Connect: no SparkContext
        spark.addArtifacts(os.path.abspath(binary), file=True)
    return name


def executable(name: str) -> str:
    """The shipped binary on this executor, made executable."""
    from pyspark import SparkFiles

    exe = SparkFiles.get(name)
    if not os.access(exe, os.X_OK):
        try:
            os.chmod(exe, 0o755)
        except OSError:
            copy = os.path.join(tempfile.mkdtemp(), name)
            shutil.copy(exe, copy)
            os.chmod(copy, 0o755)
            exe = copy
    return exe


def pipe(jobs):
    """Runs `jobs` — (key, command, iterator of input lines) — one process after another,
    yielding (key, line) for each process's standard output lines as they come. A process that exits non-zero
    (or input that cannot be produced) raises, with the process's stderr in the message."""
    out = queue.Queue(maxsize=4096)

    def drive():
        try:
            for key, cmd, lines in jobs:
                err = tempfile.TemporaryFile()
                proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
                )

                def pump(stdout=proc.stdout, key=key):
                    for raw in stdout:
                        out.put(("line", (key, raw)))

                reader = threading.Thread(target=pump, daemon=True)
                reader.start()
                failure = None
                try:
                    for line in lines:
                        proc.stdin.write(line)
                except BrokenPipeError:
                    pass
                except BaseException as e:
                    failure = e
                try:
                    proc.stdin.close()
                except OSError:
                    pass
                reader.join()
                code = proc.wait()
                if code != 0 or failure is not None:
                    err.seek(0)
                    said = err.read().decode("utf-8", "replace")[-4000:].strip()
                    why = f"newslens map exited with status {code}: {said}"
                    if failure is not None:
                        why = f"{failure} ({why})"
                    out.put(("error", why))
                    return
            out.put(("done", None))
        except BaseException as e:
            out.put(("error", repr(e)))

    threading.Thread(target=drive, daemon=True).start()
    while True:
        kind, value = out.get()
        if kind == "line":
            yield value
        elif kind == "done":
            return
        else:
            raise RuntimeError(value)


def map_partitions(name: str, map_args: list[str], records: bool):
    """The mapInArrow function: pipes each run of rows with the same `part` (a contiguous
    range of the input, sorted) through one `newslens map` and yields its records as (part,
    seq, kind, line): (part, seq) orders all records as the input. File envelopes (`meta`,
    `content` columns) go through `newslens map --files`; Parquet records (`path`, `line`,
    `record`) through `newslens map --path P --first-line L`, one per dataset in the range.
    Ranges are given as a column rather than by range partitioning, which would read the
    input once more to sample it; a partition may hold several."""

    def rows(batches):
        for batch in batches:
            cols = batch.to_pydict()
            for i in range(batch.num_rows):
                yield {k: v[i] for k, v in cols.items()}

    def envelopes(group):
        for row in group:
            env = json.loads(row["meta"])
            if row["content"] is None:
                raise RuntimeError(
                    f"Spark did not read {env['path']} (it skips names starting with _ or .): "
                    "rename it, or leave it out of the input"
                )
            env["content"] = base64.b64encode(row["content"]).decode("ascii")
            yield json.dumps(env).encode("utf-8") + b"\n"

    def run(batches):
        import itertools

        import pyarrow as pa

        exe = executable(name)

        def jobs():
            if records:
                groups = itertools.groupby(rows(batches), key=lambda r: (r["part"], r["path"]))
                for (part, path), group in groups:
                    first = next(group)

                    def lines(first=first, group=group, path=path):
                        expect = first["line"]
                        for r in itertools.chain([first], group):
                            if r["line"] != expect:
                                raise RuntimeError(f"{path}: line {expect} missing in the partition")
                            expect += 1
                            yield r["record"].encode("utf-8") + b"\n"

                    cmd = [exe, "map", "--path", path, "--first-line", str(first["line"]), *map_args]
                    yield part, cmd, lines()
            else:
                for part, group in itertools.groupby(rows(batches), key=lambda r: r["part"]):
                    yield part, [exe, "map", "--files", *map_args], envelopes(group)

        seq, cols = 0, {"part": [], "seq": [], "kind": [], "line": []}
        for part, raw in pipe(jobs()):
            line = raw.decode("utf-8").rstrip("\n")
            kind = line[2 : line.index('"', 2)]
            for k, v in (("part", part), ("seq", seq), ("kind", kind), ("line", line)):
                cols[k].append(v)
            seq += 1
            if len(cols["seq"]) >= ROWS_PER_BATCH:
                yield pa.RecordBatch.from_pydict(cols)
                cols = {"part": [], "seq": [], "kind": [], "line": []}
        if cols["seq"]:
            yield pa.RecordBatch.from_pydict(cols)

    return run


def parquet_records(spark, inputs: list[str], partitions: int):
    """Parquet datasets of article records (the JSONL fields as columns) as rows (gidx, path,
    line, record): `record` the row as a JSON object (nulls left out), `line` its position in
    its dataset from 1 (the order Spark reads it in), `path` the dataset as named."""
    from pyspark.sql import functions as F

    low = (1 << 33) - 1
    parts = []
    base = 0
    for arg in inputs:
        df = spark.read.parquet(arg)
        cols = df.columns
        df = df.select(
            F.spark_partition_id().alias("_pid"),
            F.monotonically_increasing_id().alias("_mid"),
            F.to_json(F.struct(*[F.col(c) for c in cols])).alias("record"),
        )
        counts = sorted((r["_pid"], r["count"]) for r in df.groupBy("_pid").count().collect())
        offsets, total = [], 0
        for pid, n in counts:
            offsets.append((pid, total))
            total += n
        off = spark.createDataFrame(offsets, "_pid int, _off long")
        line = F.col("_off") + F.expr(f"_mid & {low}") + F.lit(1)
        parts.append(
            df.join(F.broadcast(off), "_pid").select(
                (F.lit(base) + line).alias("gidx"),
                F.lit(slash(arg)).alias("path"),
                line.alias("line"),
                "record",
            )
        )
        base += total
    df = parts[0]
    for p in parts[1:]:
        df = df.unionByName(p)
    parts_n = max(1, min(partitions, base))
    return (
        df.withColumn("part", ((F.col("gidx") - 1) * parts_n / F.lit(max(1, base))).cast("long"))
        .repartition(parts_n, "part")
        .sortWithinPartitions("part", "gidx")
        .select("part", "path", "line", "record"),
        base,
    )


def entity_key(entity, label, id_):
    """The key of a corpus entity: its identifier where linked, else its name and label."""
    from pyspark.sql import functions as F

    return (
        F.when(id_ != "", F.concat(F.lit("id\t"), id_))
        .otherwise(F.concat(F.lit("name\t"), entity, F.lit("\t"), label))
        .alias("key")
    )


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
    # one corpus entity per identifier (e[5], "" when not linked), else per name and label; a
    # document naming one identifier under two labels counts once
    entities = (
        docs.withColumn("doc", F.monotonically_increasing_id())
        .select("doc", F.explode("entities").alias("e"))
        .select(
            "doc",
            entity_key(F.col("e")[0], F.col("e")[1], F.coalesce(F.col("e")[5], F.lit(""))),
            F.col("e")[0].alias("entity"),
            F.coalesce(F.col("e")[5], F.lit("")).alias("id"),
            F.col("e")[2].cast("long").alias("m"),
        )
        .groupBy("key")
        .agg(
            F.min("entity").alias("entity"),
            F.min("id").alias("id"),
            F.countDistinct("doc").alias("docs"),
            F.sum("m").alias("mentions"),
        )
    )
    languages = docs.groupBy(F.col("lang").alias("language")).count()
    return n_docs, terms, entities, languages


def check_statistics(spark, out_dir: str, n_docs: int, terms, entities) -> None:
    """The tables `newslens reduce` wrote agree with Spark's aggregation: the same documents;
    for every term the same df and count and the same idf to the 6 decimals written; for every
    entity the same documents and mentions. Compared in Spark (a join), not on the driver."""
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401 (pa.compute)
    from pyspark.sql import functions as F

    def table(name):
        # read on the driver (where reduce wrote it; executors may not see that disk) with
        # Arrow's CSV reader, every column as text, and handed to Spark as an Arrow table
        import pyarrow.csv as pcsv

        path = os.path.join(out_dir, name)
        if not os.path.exists(path):
            # newslens reduce --format parquet: the same table as Parquet, every column as text
            import pyarrow.parquet as pq

            t = pq.read_table(path[: -len(".csv")] + ".parquet")
            t = t.cast(pa.schema([(c, pa.string()) for c in t.column_names]))
            t = pa.table({c: pa.compute.fill_null(t[c], "") for c in t.column_names})
            try:
                return spark.createDataFrame(t)
            except Exception:  # Spark before 4.0: through pandas
                return spark.createDataFrame(t.to_pandas())
        with open(path, encoding="utf-8") as f:
            header = next(__import__("csv").reader([f.readline().lstrip("\ufeff")]))
        t = pcsv.read_csv(
            path,
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in header}, strings_can_be_null=False
            ),
        )
        t = t.rename_columns([c.lstrip("\ufeff") for c in t.column_names])
        try:
            return spark.createDataFrame(t)
        except Exception:  # Spark before 4.0: through pandas
            return spark.createDataFrame(t.to_pandas())

    def unguard(c):
        return F.regexp_replace(F.col(c), "^'([=+\\-@\t\r])", "$1")

    written = table("documents.csv").count()
    if written != n_docs:
        raise SystemExit(
            f"newslens-spark: error: Spark counted {n_docs} documents, documents.csv has {written}"
        )
    csv_terms = table("corpus_terms.csv").select(
        "language",
        F.col("n").cast("int").alias("n"),
        unguard("stem").alias("stem"),
        F.col("docs").cast("long").alias("t_docs"),
        F.col("count").cast("long").alias("t_count"),
        F.col("idf").cast("double").alias("t_idf"),
    )
    # corpus_terms lists a term of two or more words only when enough articles use it (the
    # reduce's --corpus-terms-min-docs, recorded in run.json): Spark's terms are cut the same way
    with open(os.path.join(out_dir, "run.json"), encoding="utf-8") as f:
        run_json = json.load(f)
    min_docs = run_json.get("options", {}).get("corpus_terms_min_docs", 1)
    if run_json.get("options", {}).get("dedup") and run_json.get("counts", {}).get("copies"):
        # the reduce counted each cluster of copies once; Spark's statistics count every copy
        print(
            "newslens-spark: --dedup left copies out of the corpus counts: their check is skipped",
            file=sys.stderr,
        )
        return
    if min_docs > 1:
        terms = terms.where(
            (F.col("n") == 1)
            | (F.col("docs") >= min_docs)
            | ((F.lit(n_docs) < min_docs) & (F.col("count") >= 2))
        )
    bad = (
        terms.join(csv_terms, ["language", "n", "stem"], "full_outer")
        .where(
            F.col("docs").isNull()
            | F.col("t_docs").isNull()
            | (F.col("docs") != F.col("t_docs"))
            | (F.col("count") != F.col("t_count"))
            # corpus_terms.csv writes idf to 6 decimals: half a unit of the last, and a hair
            | (F.abs(F.col("idf") - F.col("t_idf")) > 5e-7 + 1e-12)
        )
        .limit(5)
        .collect()
    )
    if bad:
        raise SystemExit(
            "newslens-spark: error: corpus_terms.csv disagrees with Spark's aggregation: "
            + "; ".join(str(r.asDict()) for r in bad)
        )
    if os.path.exists(os.path.join(out_dir, "corpus_entities.csv")):
        csv_entities = table("corpus_entities.csv").select(
            entity_key(unguard("entity"), F.col("label"), F.col("id")),
            F.col("docs").cast("long").alias("t_docs"),
            F.col("mentions").cast("long").alias("t_mentions"),
        )
        bad = (
            entities.join(csv_entities, ["key"], "full_outer")
            .where(
                F.col("docs").isNull()
                | F.col("t_docs").isNull()
                | (F.col("docs") != F.col("t_docs"))
                | (F.col("mentions") != F.col("t_mentions"))
            )
            .limit(5)
            .collect()
        )
        if bad:
            raise SystemExit(
                "newslens-spark: error: corpus_entities.csv disagrees with Spark's aggregation: "
                + "; ".join(str(r.asDict()) for r in bad)
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
    p.add_argument(
        "--parquet",
        action="store_true",
        help="the inputs are Parquet datasets of article records (columns id, text, title, "
        "published, source, url, language, ...): each row is a JSONL record of the dataset, "
        "numbered from 1 in the order Spark reads it",
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
    cores = spark.sparkContext.defaultParallelism if hasattr(spark, "sparkContext") else 2
    map_args = ["-j", str(args.map_jobs), *shlex.split(args.map_args)]
    if args.parquet:
        table, rows = parquet_records(spark, args.inputs, args.partitions or 2 * cores)
        what = f"{rows} Parquet records"
        mapped = table.mapInArrow(map_partitions(name, map_args, True), OUT_SCHEMA)
    else:
        files = list_inputs(spark, args.inputs)
        if not files:
            print("newslens-spark: error: no input files found", file=sys.stderr)
            return 2
        for _, _, m in files:
            if any(c.startswith("_") for c in m.get("id", "").split("/")[1:]):
                print(
                    f"newslens-spark: error: {m['path']}: Spark does not read names starting "
                    "with _; rename it, or leave it out of the input",
                    file=sys.stderr,
                )
                return 2
        partitions = max(1, min(args.partitions or 2 * cores, len(files)))
        what = f"{len(files)} files in {partitions} partitions"
        meta = spark.createDataFrame(
            [
                (i, i * partitions // len(files), path, size, json.dumps(m))
                for i, (path, size, m) in enumerate(files)
            ],
            "idx long, part long, path string, size long, meta string",
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
        # Spark's file listing leaves out empty files: they travel with empty content and the
        # map reports them as empty, as locally
        empty = meta.where(F.col("size") == 0).withColumn(
            "content", F.lit(bytearray()).cast("binary")
        )
        envelopes = (
            content.dropDuplicates(["path"])
            .join(F.broadcast(meta.where(F.col("size") > 0)), "path")
            .unionByName(empty)
            .repartition(partitions, "part")
            .sortWithinPartitions("part", "idx")
            .select("part", "meta", "content")
        )
        mapped = envelopes.mapInArrow(map_partitions(name, map_args, False), OUT_SCHEMA)
    mapped = mapped.persist(StorageLevel.MEMORY_AND_DISK)
    records = mapped.count()
    t_map = time.time()
    say(f"{what} mapped to {records} records in {t_map - t0:.1f} s")

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
        check_statistics(spark, args.output, n_docs, terms, entities)
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
