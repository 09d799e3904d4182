//! Workbook: the output tables as one Excel file, `newslens.xlsx`.
//!
//! Takes the CSV files in a folder; gives `newslens.xlsx` with an `about` sheet (what each
//! sheet holds, its rows, and what was left out) and one sheet per table in [`SHEETS`]: a bold,
//! frozen header row with an autofilter, column widths from the header and the first
//! [`WIDTH_SAMPLE`] rows (capped at [`MAX_WIDTH`]), numbers as numbers and text as text. Which
//! columns are numeric is decided by column NAME ([`kind`]), never by looking at a cell, so a
//! `doc_id` such as `2023` stays text. Text is written as text cells (never evaluated), so the
//! CSV formula guard is removed ([`super::unguard`]) and a text that starts like a formula gets
//! Excel's own "quote prefix" style instead: the cell shows `=SUM(A1)`, and editing it keeps
//! it text; a text longer than Excel's 32,767 characters is cut with `…`. The coverage matrix's document columns get a 3-colour heat map. A sheet holds at
//! most [`MAX_ROWS`] data rows (Excel's limit), `corpus_terms` the first [`CORPUS_TERMS_ROWS`]
//! (the terms in the most documents); the `about` sheet says when the CSV has more.
//! Sheets are written in constant-memory mode (rows streamed to temporary files in the same
//! folder), so memory does not grow with the corpus. The per-term and per-token tables
//! (`terms.csv`, `mentions.csv`, `sentences.csv`, `tokens.csv`) are not copied: they are
//! large and best read from the CSV.

use super::{CsvTable, Written, unguard};
use rayon::prelude::*;
use rust_xlsxwriter::{
    ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook,
    Worksheet, XlsxError,
};
use std::io;
use std::path::Path;

/// The file name.
pub const FILE: &str = "newslens.xlsx";
/// Data rows per sheet: Excel's 1,048,576 rows less the header.
pub const MAX_ROWS: u32 = 1_048_575;
/// Data rows per sheet of a run's workbook unless `--workbook-rows` says otherwise: a sheet
/// to look at and filter, not a copy of the table (which would double the output: the
/// sheets' XML, zipped, is about as large as the CSV files). The tables' files have every row;
/// the `about` sheet says where a sheet stops. 5,000 since the quotes sheet came (BBC set:
/// 3.9 MB at 10,000 rows a sheet, 2.2 MB at 5,000).
pub const DEFAULT_ROWS: u32 = 5_000;
/// Data rows of the `corpus_terms` sheet: the terms in the most documents (the CSV's order).
/// The vocabulary of a corpus is mostly terms seen once, and its full sheet was the largest
/// of the workbook (290,000 rows for 2,225 articles, a third of its sheets' XML);
/// `corpus_terms.csv` has every term.
pub const CORPUS_TERMS_ROWS: u32 = 100_000;

/// The data rows sheet `file` may hold, with `max_rows` for every sheet.
fn cap(file: &str, max_rows: u32) -> u32 {
    if file == "corpus_terms.csv" {
        max_rows.min(CORPUS_TERMS_ROWS)
    } else {
        max_rows
    }
}

/// Rows read to size the columns.
pub const WIDTH_SAMPLE: usize = 200;
/// Widest column, in characters.
pub const MAX_WIDTH: usize = 60;

/// The sheets, in order: (sheet name, CSV file).
pub const SHEETS: &[(&str, &str)] = &[
    ("documents", "documents.csv"),
    ("keywords", "keywords.csv"),
    ("entities", "entities.csv"),
    ("corpus_entities", "corpus_entities.csv"),
    ("quotes", "quotes.csv"),
    ("corpus_sources", "corpus_sources.csv"),
    ("coverage", "coverage.csv"),
    ("coverage_matrix", "coverage_matrix.csv"),
    ("similarity", "similarity.csv"),
    ("keyness", "keyness.csv"),
    ("collocations", "collocations.csv"),
    ("kwic", "kwic.csv"),
    ("timeline", "timeline.csv"),
    ("corpus_terms", "corpus_terms.csv"),
    ("duplicates", "duplicates.csv"),
    ("diagnostics", "diagnostics.csv"),
];

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Bool,
}

/// The kind of column `name` of `file` (column `index`): its type in the table's definition
/// ([`crate::schema`]), never a guess from the cells. A column the definition does not know
/// (a CSV file from elsewhere, remade by `examples/report.rs`) is text.
pub fn kind(file: &str, index: usize, name: &str) -> Kind {
    let Some(def) = crate::schema::by_file(file) else {
        return Kind::Text;
    };
    // the columns after the fixed ones (coverage_matrix.csv's documents) by place: a
    // document may be called `item`
    let ty = if index >= def.header.len() {
        def.type_of(index)
    } else {
        match def.header.iter().position(|h| *h == name) {
            Some(i) => def.types[i],
            None => crate::schema::Type::Text,
        }
    };
    match ty {
        crate::schema::Type::Text => Kind::Text,
        crate::schema::Type::Int | crate::schema::Type::Float => Kind::Number,
        crate::schema::Type::Bool => Kind::Bool,
    }
}

/// Columns a text needs on screen: two for wide (CJK, full-width) characters.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn xlsx_err(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) => e,
        e => io::Error::other(e.to_string()),
    }
}

/// What happened to one table.
struct SheetNote {
    sheet: &'static str,
    file: &'static str,
    /// Rows in the table's file; `None` when the run did not write it.
    rows: Option<u64>,
    shown: u64,
}

struct Formats {
    header: Format,
    quoted: Format,
}

/// Writes `dir/newslens.xlsx` from the CSV files in `dir`, at most `max_rows` data rows a
/// sheet.
pub fn write(dir: &Path, max_rows: u32) -> io::Result<Written> {
    write_capped(dir, max_rows)
}

/// Bytes of disk the workbook takes while it is written, per byte of CSV: the sheets' XML in
/// temporary files is about 5.2 times the CSV, and the zip file 0.6 (measured on the bundled
/// corpus).
const SPACE_PER_CSV_BYTE: u64 = 6;

/// Fails with `StorageFull` when the folder's file system has too little free space for the
/// workbook: rust_xlsxwriter's constant-memory sheets panic on a write error instead of
/// returning it, so a full disk must be caught before.
fn check_space<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = &'a str>,
    max_rows: u32,
) -> io::Result<()> {
    let mut csv = 0u64;
    for file in files {
        csv += sheet_bytes(&dir.join(file), cap(file, max_rows))?;
    }
    let need = csv * SPACE_PER_CSV_BYTE + (64 << 10);
    #[cfg(target_os = "linux")]
    {
        let st = rustix::fs::statvfs(dir).map_err(io::Error::from)?;
        let free = st.f_bavail.saturating_mul(st.f_frsize);
        if free < need {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!(
                    "it needs about {} MB of disk space while it is written and {} MB are free (the sheets stop at {max_rows} rows)",
                    need.div_ceil(1_000_000),
                    free / 1_000_000
                ),
            ));
        }
    }
    let _ = need;
    Ok(())
}

/// Free disk space a sheet filled while the run still writes tables must leave: the tables
/// to come are not measured yet, so at least this much, and twice what the tables finished so
/// far take (the tables still to come are rarely larger than those).
const HEADROOM: u64 = 512 << 20;

/// Whether the sheet of table `file` can be filled now, while tables are still being written,
/// and leave [`HEADROOM`] (or twice the bytes of the tables in `finished`) free for them. When it
/// cannot, the sheet waits until every table is finished and [`check_space`] is exact: a
/// nearly full disk then loses the workbook, never a table.
fn room_to_spare(dir: &Path, file: &str, finished: &[&str], max_rows: u32) -> io::Result<bool> {
    let sheet = sheet_bytes(&dir.join(file), cap(file, max_rows))?;
    let written: u64 = finished
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let need = sheet * SPACE_PER_CSV_BYTE + HEADROOM.max(2 * written);
    #[cfg(target_os = "linux")]
    {
        let st = rustix::fs::statvfs(dir).map_err(io::Error::from)?;
        return Ok(st.f_bavail.saturating_mul(st.f_frsize) >= need);
    }
    #[allow(unreachable_code)]
    {
        let _ = need;
        Ok(true)
    }
}

/// Bytes of the CSV file `path` that become a sheet: its first `max_rows` lines (all of a
/// file too small to hold more); 0 when the run did not write it.
fn sheet_bytes(path: &Path, max_rows: u32) -> io::Result<u64> {
    use std::io::BufRead;
    let Ok(m) = std::fs::metadata(path) else {
        return Ok(0);
    };
    // a row takes at least 2 bytes: a file this small cannot pass the cap
    if m.len() <= 2 * (max_rows as u64 + 1) {
        return Ok(m.len());
    }
    let mut r = io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let (mut lines, mut bytes) = (0u64, 0u64);
    while lines <= max_rows as u64 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let mut used = buf.len();
        for (i, _) in buf.iter().enumerate().filter(|(_, b)| **b == b'\n') {
            lines += 1;
            if lines > max_rows as u64 {
                used = i + 1;
                break;
            }
        }
        bytes += used as u64;
        r.consume(used);
    }
    Ok(bytes)
}

/// [`write`] with at most `max_rows` data rows per sheet (tests use a small cap).
pub fn write_capped(dir: &Path, max_rows: u32) -> io::Result<Written> {
    let max_rows = max_rows.clamp(1, MAX_ROWS);
    check_space(dir, SHEETS.iter().map(|s| s.1), max_rows)?;
    catch_panic(|| build(dir, max_rows, None))
}

/// Where the writing of a run's tables is, as [`write_as_ready`] sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// Tables are still being written.
    #[default]
    Writing,
    /// Every table a sheet is made from is finished.
    Done,
    /// The run failed: no more tables will come.
    Failed,
}

/// The tables of a run still being written, as [`write_as_ready`] sees them.
pub trait Tables: Sync {
    /// Blocks until more than `seen` tables are finished, or the writing is no longer
    /// [`Progress::Writing`]; gives the names of the tables finished so far (in the order they
    /// were) and where the writing is.
    fn finished_beyond(&self, seen: usize) -> (Vec<&'static str>, Progress);
}

/// [`write`] while the run is still writing its tables, on a thread of its own: a sheet is
/// filled as soon as its table is finished (the disk space checked sheet by sheet); once every
/// table a sheet is made from is ([`Progress::Done`]), the sheets left are filled in parallel
/// on `pool`. A sheet is filled early only while the disk has room to spare for the tables
/// still to come ([`room_to_spare`]). The sheets are put in [`SHEETS`]
/// order before the file is saved, so the bytes are those of [`write`].
pub fn write_as_ready(
    dir: &Path,
    tables: &dyn Tables,
    pool: &rayon::ThreadPool,
    max_rows: u32,
) -> io::Result<Written> {
    catch_panic(|| build(dir, max_rows.clamp(1, MAX_ROWS), Some((tables, pool))))
}

/// `f()`, with a panic turned into an error. A write error that gets past [`check_space`]
/// (the disk filled meanwhile, e.g. by a table written alongside) panics inside
/// rust_xlsxwriter; it must end the run with an error, not a crash, and without the panic's
/// message: the run's error is the one line the user sees.
fn catch_panic(f: impl FnOnce() -> io::Result<Written>) -> io::Result<Written> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| quiet_panics(f))).unwrap_or_else(
        |_| {
            Err(io::Error::other(format!(
                "{FILE} could not be written (disk full?); run with --no-workbook to skip it"
            )))
        },
    )
}

thread_local! {
    /// Whether this thread is inside [`quiet_panics`].
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the panic message of a panic on this thread left out (the panic itself goes
/// on, to be caught). The process's panic hook is wrapped once, so that every other panic is
/// reported as before.
fn quiet_panics<R>(f: impl FnOnce() -> R) -> R {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(self.0));
        }
    }
    let _restore = Restore(QUIET.with(|q| q.replace(true)));
    f()
}

fn build(
    dir: &Path,
    max_rows: u32,
    ready: Option<(&dyn Tables, &rayon::ThreadPool)>,
) -> io::Result<Written> {
    let mut wb = Workbook::new();
    wb.set_tempdir(dir).map_err(xlsx_err)?;
    // deflate level 6: with sheets of DEFAULT_ROWS rows it costs the BBC run 0.1 s more
    // than level 2 for a file 15 % smaller (3.15 → 2.68 MB); a workbook of whole tables
    // (--workbook-rows 0) at level 2 took half the CPU time of level 6 (1.76 vs 3.40 s) for
    // a file 17 % larger
    wb.set_zip_compression_level(if max_rows > DEFAULT_ROWS { 2 } else { 6 });
    // a fixed creation time: the same tables give the same bytes (run.json has the run's facts)
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("newslens tables")
            .set_creation_datetime(&epoch),
    );
    let formats = Formats {
        header: Format::new().set_bold().set_align(FormatAlign::Top),
        quoted: Format::new().set_quote_prefix(),
    };
    // the formats get their style ids now, in a fixed order, so that sheets filled on
    // different threads give the same styles.xml whichever thread uses a format first
    wb.register_format(&formats.header);
    wb.register_format(&formats.quoted);
    // the about sheet is small and filled in last
    wb.add_worksheet().set_name("about").map_err(xlsx_err)?;
    // (rows in the CSV, rows written) by sheet, in SHEETS order; None for a table not written
    let mut filled: Vec<Option<(u64, u64)>> = vec![None; SHEETS.len()];
    match ready {
        Some((tables, pool)) => {
            // each sheet as soon as its table is there, on this thread, in the order the run
            // finishes them, until it has finished every table; then the rest at once
            let mut done = vec![false; SHEETS.len()];
            let mut seen = 0;
            loop {
                let (names, progress) = tables.finished_beyond(seen);
                match progress {
                    Progress::Writing => {}
                    Progress::Done => break,
                    Progress::Failed => {
                        return Err(io::Error::other("the run's tables were not all written"));
                    }
                }
                for name in &names[seen..] {
                    let Some(i) = SHEETS.iter().position(|s| s.1 == *name) else {
                        continue;
                    };
                    // a sheet filled now takes disk space that tables still being written may
                    // need: only with room to spare, else it waits for the exact check below
                    if !room_to_spare(dir, name, &names, max_rows)? {
                        continue;
                    }
                    filled[i] = fill(&mut wb, dir, &SHEETS[i..=i], max_rows, &formats)?[0];
                    done[i] = true;
                }
                seen = names.len();
            }
            let rest: Vec<_> = (0..SHEETS.len()).filter(|&i| !done[i]).collect();
            let sheets: Vec<_> = rest.iter().map(|&i| SHEETS[i]).collect();
            check_space(dir, sheets.iter().map(|s| s.1), max_rows)?;
            let more = pool.install(|| fill(&mut wb, dir, &sheets, max_rows, &formats))?;
            for (i, f) in rest.into_iter().zip(more) {
                filled[i] = f;
            }
            // the sheets in SHEETS order, after the about sheet (their names are unique)
            let order = |ws: &Worksheet| {
                SHEETS
                    .iter()
                    .position(|s| s.0 == ws.name())
                    .map_or(0, |i| i + 1)
            };
            wb.worksheets_mut().sort_by_key(order);
        }
        None => filled = fill(&mut wb, dir, SHEETS, max_rows, &formats)?,
    }
    let mut notes = Vec::new();
    let mut total = 0u64;
    for (&(sheet, file), filled) in SHEETS.iter().zip(filled) {
        let (rows, shown) = match filled {
            Some((rows, shown)) => (Some(rows), shown),
            None => (None, 0),
        };
        total += shown;
        // the file the run publishes: with --format parquet, the table's Parquet file (written
        // beside its CSV file, which the sheets are read from)
        let file = match crate::schema::by_file(file) {
            Some(def) if dir.join(def.parquet).exists() => def.parquet,
            _ => file,
        };
        notes.push(SheetNote {
            sheet,
            file,
            rows,
            shown,
        });
    }
    let about = wb.worksheet_from_index(0).map_err(xlsx_err)?;
    write_about(about, &notes, max_rows, &formats).map_err(xlsx_err)?;
    let sheets = 1 + notes.iter().filter(|n| n.rows.is_some()).count() as u64;
    wb.save(dir.join(FILE)).map_err(xlsx_err)?;
    let mut info = serde_json::Map::new();
    info.insert("sheets".into(), sheets.into());
    info.insert("rows".into(), total.into());
    Ok(Written { name: FILE, info })
}

/// Adds a sheet for each of `sheets` whose table the run wrote, in order, and fills them in
/// parallel (on the current rayon pool: one thread with -j1), each streaming its own CSV file
/// into its own temporary file; gives (rows in the CSV, rows written) per sheet, `None` for a
/// table not written.
fn fill(
    wb: &mut Workbook,
    dir: &Path,
    sheets: &[(&str, &'static str)],
    max_rows: u32,
    formats: &Formats,
) -> io::Result<Vec<Option<(u64, u64)>>> {
    let mut tables = Vec::new();
    for &(sheet, file) in sheets {
        let table = CsvTable::open(dir, file)?;
        if table.is_some() {
            let ws = wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
            ws.set_name(sheet).map_err(xlsx_err)?;
        }
        tables.push((file, table));
    }
    let added = tables.iter().filter(|t| t.1.is_some()).count();
    let all = wb.worksheets_mut();
    let first = all.len() - added;
    let mut new_sheets = all[first..].iter_mut();
    let jobs: Vec<_> = tables
        .into_iter()
        .map(|(file, table)| {
            (
                file,
                table.map(|t| (t, new_sheets.next().expect("a sheet"))),
            )
        })
        .collect();
    jobs.into_par_iter()
        .map(|(file, job)| {
            job.map(|(table, ws)| {
                // on a pool thread: quiet like the caller's (see catch_panic)
                quiet_panics(|| write_sheet(ws, file, table, cap(file, max_rows), formats))
            })
            .transpose()
        })
        .collect()
}

fn write_about(
    ws: &mut Worksheet,
    notes: &[SheetNote],
    max_rows: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_string(0, 0, "newslens tables: one sheet per table of the run")?;
    let header = ["sheet", "file", "rows in the file", "rows here", "note"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
    }
    for (i, n) in notes.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, n.sheet)?;
        ws.write_string(r, 1, n.file)?;
        match n.rows {
            None => {
                let why = match n.file {
                    "coverage_matrix.csv" => {
                        "not in this run: written only for corpora of at most 1,000 documents (coverage.csv has the same counts, one row per cell)"
                    }
                    "entities.csv" | "corpus_entities.csv" => {
                        "not in this run: named entities were not extracted"
                    }
                    _ => "not in this run: the run did not write this table",
                };
                ws.write_string(r, 4, why)?;
            }
            Some(rows) => {
                ws.write_number(r, 2, rows as f64)?;
                ws.write_number(r, 3, n.shown as f64)?;
                if rows > n.shown {
                    ws.write_string(
                        r,
                        4,
                        if cap(n.file, max_rows) < max_rows {
                            format!(
                                "only the {} terms in the most documents; {} has all {rows}",
                                n.shown, n.file
                            )
                        } else if max_rows < MAX_ROWS {
                            format!(
                                "the first {max_rows} rows (--workbook-rows); {} has all {rows}",
                                n.file
                            )
                        } else {
                            format!(
                                "only the first {max_rows} rows fit in a sheet; {} has all {rows}",
                                n.file
                            )
                        },
                    )?;
                }
            }
        }
    }
    let r = 4 + notes.len() as u32;
    ws.write_string(
        r,
        0,
        "The terms, mentions, sentences and tokens tables are not copied here (too large); open their files.",
    )?;
    ws.write_string(
        r + 1,
        0,
        "Numbers are numbers; text is text. A text starting with = + - @ is shown as written (the CSV files put ' in front of it).",
    )?;
    for (c, w) in [16.0, 22.0, 16.0, 12.0, 70.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

/// Copies one table into `ws`; returns (rows in the CSV, rows written).
fn write_sheet(
    ws: &mut Worksheet,
    file: &str,
    mut table: CsvTable,
    max_rows: u32,
    f: &Formats,
) -> io::Result<(u64, u64)> {
    let kinds: Vec<Kind> = table
        .header
        .iter()
        .enumerate()
        .map(|(i, h)| kind(file, i, h))
        .collect();
    let ncols = table.header.len().clamp(1, 16_384);
    // size the columns from the header and the first rows
    let mut sample = Vec::new();
    let mut rec = csv::StringRecord::new();
    while sample.len() < WIDTH_SAMPLE && table.next(&mut rec)? {
        sample.push(rec.clone());
    }
    let mut widths: Vec<usize> = table.header.iter().map(|h| display_width(h)).collect();
    for r in &sample {
        for (w, v) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(display_width(unguard(v)));
        }
    }
    let e = xlsx_err;
    for (c, w) in widths.iter().enumerate().take(ncols) {
        ws.set_column_width(c as u16, (w + 2).clamp(6, MAX_WIDTH) as f64)
            .map_err(e)?;
    }
    for (c, h) in table.header.iter().enumerate().take(ncols) {
        ws.write_string_with_format(0, c as u16, &*fit(unguard(h)), &f.header)
            .map_err(e)?;
    }
    ws.set_freeze_panes(1, 0).map_err(e)?;

    let mut rows = 0u64;
    let mut shown = 0u32;
    let mut write_row = |rec: &csv::StringRecord, rows: &mut u64, shown: &mut u32| {
        *rows += 1;
        if *shown >= max_rows {
            return Ok(());
        }
        *shown += 1;
        let r = *shown;
        for (c, v) in rec.iter().enumerate().take(ncols) {
            write_cell(ws, r, c as u16, kinds.get(c).copied(), v, f)?;
        }
        Ok::<(), XlsxError>(())
    };
    for r in &sample {
        write_row(r, &mut rows, &mut shown).map_err(e)?;
    }
    drop(sample);
    while shown < max_rows && table.next(&mut rec)? {
        write_row(&rec, &mut rows, &mut shown).map_err(e)?;
    }
    // the rows past the cap are only counted
    rows += table.count_rest()?;
    let last_col = (ncols - 1) as u16;
    ws.autofilter(0, 0, shown, last_col).map_err(e)?;
    if file == "coverage_matrix.csv"
        && shown > 0
        && ncols > crate::schema::COVERAGE_MATRIX.header.len()
    {
        let heat = ConditionalFormat3ColorScale::new()
            .set_minimum_color("FFFFFF")
            .set_midpoint_color("FFEB84")
            .set_maximum_color("F8696B");
        ws.add_conditional_format(
            1,
            crate::schema::COVERAGE_MATRIX.header.len() as u16,
            shown,
            last_col,
            &heat,
        )
        .map_err(e)?;
    }
    Ok((rows, shown as u64))
}

/// Characters in one cell, Excel's limit.
pub const MAX_CELL_CHARS: usize = 32_767;

/// `s`, cut to [`MAX_CELL_CHARS`] with an ellipsis (the CSV keeps the whole text).
fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        None => s.into(),
        Some(_) => {
            let mut t: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
            t.push('…');
            t.into()
        }
    }
}

/// Writes one cell by its column's kind; empty cells stay blank, and a cell that does not
/// parse as its kind is kept as text.
fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    kind: Option<Kind>,
    v: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if v.is_empty() {
        return Ok(());
    }
    match kind {
        Some(Kind::Number) => {
            if let Ok(x) = v.parse::<f64>()
                && x.is_finite()
            {
                ws.write_number(r, c, x)?;
                return Ok(());
            }
        }
        Some(Kind::Bool) => match v {
            "true" => {
                ws.write_boolean(r, c, true)?;
                return Ok(());
            }
            "false" => {
                ws.write_boolean(r, c, false)?;
                return Ok(());
            }
            _ => {}
        },
        _ => {}
    }
    let text = fit(unguard(v));
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        ws.write_string_with_format(r, c, &*text, &f.quoted)?;
    } else {
        ws.write_string(r, c, &*text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_names() {
        assert_eq!(kind("documents.csv", 0, "doc_id"), Kind::Text);
        assert_eq!(kind("documents.csv", 6, "chars"), Kind::Number);
        assert_eq!(kind("documents.csv", 11, "language_reliable"), Kind::Bool);
        assert_eq!(kind("keyness.csv", 1, "group"), Kind::Text);
        assert_eq!(kind("coverage_matrix.csv", 4, "mentions"), Kind::Number);
        assert_eq!(kind("coverage_matrix.csv", 5, "2023"), Kind::Number);
        assert_eq!(kind("timeline.csv", 2, "date"), Kind::Text);
        assert_eq!(kind("coverage_matrix.csv", 6, "item"), Kind::Number);
        assert_eq!(kind("elsewhere.csv", 0, "count"), Kind::Text);
    }

    #[test]
    fn long_text_fits_a_cell() {
        let long = "é".repeat(MAX_CELL_CHARS + 10);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("short"), "short");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("北京"), 4);
        assert_eq!(display_width("وزارة"), 5);
    }
}
