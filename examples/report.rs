//! Remakes `newslens.xlsx` and `report.html` from the CSV files already in a folder (an output
//! folder, or tables from elsewhere with the same columns), without rerunning the analysis:
//! `cargo run --release --example report -- output/`. The files are written in place, outside
//! the run's atomic publishing, so `run.json` is not updated.
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "output".into());
    match newslens::report::write(
        std::path::Path::new(&dir),
        Some(newslens::report::workbook::DEFAULT_ROWS),
        true,
    ) {
        Ok((written, skipped)) => {
            for w in written {
                println!("{dir}/{}: {}", w.name, serde_json::Value::from(w.info));
            }
            for d in skipped {
                eprintln!("{dir}: {}", d.message);
            }
        }
        Err(e) => {
            eprintln!("{dir}: {e}");
            std::process::exit(2);
        }
    }
}
