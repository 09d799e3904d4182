//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The crate root: tests run the binary from there so paths in outputs are stable.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `newslens` as built for this test run, started in the crate root.
pub fn newslens() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_newslens"));
    cmd.current_dir(root());
    cmd
}

/// Rows of a CSV file as maps from column name to value.
pub fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The evaluation data folder (`../shared/eval`), when this checkout has one.
pub fn shared_eval() -> Option<PathBuf> {
    let p = root().join("../shared/eval");
    p.is_dir().then_some(p)
}
