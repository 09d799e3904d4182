//! Parquet: a finished table as a Parquet file of the same columns and rows (`--format
//! parquet`).
//!
//! Takes the CSV file a table was just written to, with its [`TableDef`]; gives `NAME.parquet`
//! beside it. One Parquet column per CSV column, typed by the definition: text as UTF-8
//! strings (dictionary-encoded where values repeat, as `doc_id`, `label` and `method` do),
//! integers as INT64, floats as DOUBLE (the CSV's shortest round-trip text parses back to the
//! same value), booleans as BOOLEAN. Every column is optional: an empty CSV cell is null, as
//! pandas and R read an empty CSV cell. Text cells are the CSV's, formula guard included, so a
//! table reads back the same from either file. Snappy compression; a row group per
//! [`ROW_GROUP_ROWS`] rows, so memory holds one row group whatever the table's size.
//!
//! The conversion reads the CSV file back rather than taking the rows a second way: every
//! table has one writer, and the two formats cannot drift apart.

use crate::schema::{TableDef, Type};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type as Field;
use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::Path;
use std::sync::Arc;

/// Rows per row group.
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// One column's values of the current row group, with its definition levels (1 = a value,
/// 0 = null).
enum Values {
    Text(Vec<ByteArray>),
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
}

struct Column {
    name: String,
    values: Values,
    defined: Vec<i16>,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

fn parquet_err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e.to_string())
}

impl Column {
    fn new(name: &str, ty: Type) -> Column {
        Column {
            name: name.to_string(),
            values: match ty {
                Type::Text => Values::Text(Vec::new()),
                Type::Int => Values::Int(Vec::new()),
                Type::Float => Values::Float(Vec::new()),
                Type::Bool => Values::Bool(Vec::new()),
            },
            defined: Vec::new(),
        }
    }

    fn field(&self) -> parquet::errors::Result<Field> {
        let (physical, logical) = match self.values {
            Values::Text(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            Values::Int(_) => (Physical::INT64, None),
            Values::Float(_) => (Physical::DOUBLE, None),
            Values::Bool(_) => (Physical::BOOLEAN, None),
        };
        Field::primitive_type_builder(&self.name, physical)
            .with_repetition(Repetition::OPTIONAL)
            .with_logical_type(logical)
            .build()
    }

    /// Adds one cell (`None` past the end of a short row).
    fn push(&mut self, cell: Option<&[u8]>) -> Result<(), String> {
        let Some(cell) = cell.filter(|c| !c.is_empty()) else {
            self.defined.push(0);
            return Ok(());
        };
        let text = || std::str::from_utf8(cell).map_err(|e| e.to_string());
        match &mut self.values {
            Values::Text(v) => v.push(ByteArray::from(cell.to_vec())),
            Values::Int(v) => v.push(text()?.parse().map_err(|e| format!("{e}"))?),
            Values::Float(v) => v.push(text()?.parse().map_err(|e| format!("{e}"))?),
            Values::Bool(v) => v.push(match cell {
                b"true" => true,
                b"false" => false,
                _ => return Err("not true or false".into()),
            }),
        }
        self.defined.push(1);
        Ok(())
    }

    /// Writes the buffered values as this column's chunk of the row group and clears them.
    fn write(
        &mut self,
        w: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    ) -> parquet::errors::Result<()> {
        let def = Some(&self.defined[..]);
        match &mut self.values {
            Values::Text(v) => {
                w.typed::<ByteArrayType>().write_batch(v, def, None)?;
                v.clear();
            }
            Values::Int(v) => {
                w.typed::<Int64Type>().write_batch(v, def, None)?;
                v.clear();
            }
            Values::Float(v) => {
                w.typed::<DoubleType>().write_batch(v, def, None)?;
                v.clear();
            }
            Values::Bool(v) => {
                w.typed::<BoolType>().write_batch(v, def, None)?;
                v.clear();
            }
        }
        self.defined.clear();
        Ok(())
    }
}

/// Writes the CSV table `csv_path` (header row first, as [`crate::output::Table`] writes it) as
/// the Parquet file `out`, its columns typed by `def`; gives the number of rows.
pub fn convert(def: &TableDef, csv_path: &Path, out: &Path) -> io::Result<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, File::open(csv_path)?));
    let header = reader
        .byte_headers()
        .map_err(|e| invalid(format!("{}: {e}", def.file)))?
        .clone();
    let mut columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = String::from_utf8_lossy(name);
            Column::new(name.trim_start_matches('\u{feff}'), def.type_of(i))
        })
        .collect();
    let fields = columns
        .iter()
        .map(|c| c.field().map(Arc::new))
        .collect::<parquet::errors::Result<Vec<_>>>()
        .map_err(parquet_err)?;
    let schema = Field::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .map_err(parquet_err)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("newslens {}", env!("CARGO_PKG_VERSION")))
        .build();
    let file = BufWriter::with_capacity(1 << 16, File::create(out)?);
    let mut writer =
        SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(parquet_err)?;
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut pending) = (0u64, 0usize);
    let flush = |columns: &mut [Column],
                 writer: &mut SerializedFileWriter<BufWriter<File>>|
     -> parquet::errors::Result<()> {
        let mut group = writer.next_row_group()?;
        for c in columns.iter_mut() {
            if let Some(mut w) = group.next_column()? {
                c.write(&mut w)?;
                w.close()?;
            }
        }
        group.close()?;
        Ok(())
    };
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| invalid(format!("{}: {e}", def.file)))?
    {
        rows += 1;
        for (i, c) in columns.iter_mut().enumerate() {
            c.push(record.get(i)).map_err(|e| {
                invalid(format!(
                    "{} row {rows}, column {}: {e} (a newslens bug: please report it)",
                    def.file, c.name
                ))
            })?;
        }
        pending += 1;
        if pending == ROW_GROUP_ROWS {
            flush(&mut columns, &mut writer).map_err(parquet_err)?;
            pending = 0;
        }
    }
    if pending > 0 {
        flush(&mut columns, &mut writer).map_err(parquet_err)?;
    }
    let file = writer.into_inner().map_err(parquet_err)?;
    let file = file.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field as Cell;

    fn read_back(path: &Path) -> Vec<Vec<String>> {
        let r = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
        r.get_row_iter(None)
            .unwrap()
            .map(|row| {
                row.unwrap()
                    .get_column_iter()
                    .map(|(_, c)| match c {
                        Cell::Null => "∅".to_string(),
                        Cell::Str(s) => format!("s:{s}"),
                        Cell::Long(n) => format!("i:{n}"),
                        Cell::Double(x) => format!("f:{x}"),
                        Cell::Bool(b) => format!("b:{b}"),
                        other => format!("?{other:?}"),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn cells_keep_their_type_and_empty_cells_are_null() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("documents.csv");
        let mut text = crate::schema::DOCUMENTS.header.join(",") + "\n";
        text.push_str(
            "a,src,\"Title, with \"\"quotes\"\"\",2024-01-02,eng,0.5,10,1,3,2,2,true,eng:1,,a.txt,\n",
        );
        text.push_str("'=b,src,,,fra,1e-7,0,0,0,0,0,false,,,b.jsonl,7\n");
        std::fs::write(&csv, text).unwrap();
        let out = dir.path().join("documents.parquet");
        assert_eq!(convert(&crate::schema::DOCUMENTS, &csv, &out).unwrap(), 2);
        let rows = read_back(&out);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], "s:a");
        assert_eq!(rows[0][2], "s:Title, with \"quotes\"");
        assert_eq!(rows[0][5], "f:0.5");
        assert_eq!(rows[0][6], "i:10");
        assert_eq!(rows[0][11], "b:true");
        assert_eq!(rows[0][13], "∅");
        assert_eq!(rows[0][15], "∅");
        // the formula guard stays, as in the CSV
        assert_eq!(rows[1][0], "s:'=b");
        assert_eq!(rows[1][2], "∅");
        assert_eq!(rows[1][5], "f:0.0000001");
        assert_eq!(rows[1][15], "i:7");
    }

    #[test]
    fn an_empty_table_has_its_columns_and_no_rows() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("timeline.csv");
        std::fs::write(&csv, crate::schema::TIMELINE.header.join(",") + "\n").unwrap();
        let out = dir.path().join("timeline.parquet");
        assert_eq!(convert(&crate::schema::TIMELINE, &csv, &out).unwrap(), 0);
        let r = SerializedFileReader::new(File::open(&out).unwrap()).unwrap();
        let schema = r.metadata().file_metadata().schema_descr();
        assert_eq!(schema.num_columns(), crate::schema::TIMELINE.header.len());
        assert_eq!(r.metadata().file_metadata().num_rows(), 0);
    }

    #[test]
    fn a_cell_that_does_not_parse_is_an_error_naming_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("similarity.csv");
        std::fs::write(
            &csv,
            "doc_a,doc_b,rank,cosine,shared_entities,shared_keyphrases\na,b,x,0.5,1,1\n",
        )
        .unwrap();
        let err = convert(
            &crate::schema::SIMILARITY,
            &csv,
            &dir.path().join("s.parquet"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("column rank"), "{err}");
    }

    #[test]
    fn row_groups_split_a_long_table() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sentences.csv");
        let mut text = String::from("doc_id,sentence,start,end\n");
        let n = ROW_GROUP_ROWS + 5;
        for i in 0..n {
            text.push_str(&format!("d{},{i},{},{}\n", i % 7, 2 * i, 2 * i + 1));
        }
        std::fs::write(&csv, text).unwrap();
        let out = dir.path().join("sentences.parquet");
        assert_eq!(
            convert(&crate::schema::SENTENCES, &csv, &out).unwrap(),
            n as u64
        );
        let r = SerializedFileReader::new(File::open(&out).unwrap()).unwrap();
        assert_eq!(r.metadata().num_row_groups(), 2);
        assert_eq!(r.metadata().file_metadata().num_rows(), n as i64);
    }
}
