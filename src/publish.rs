//! Publish: output that is whole or absent.
//!
//! Takes the output folder; gives a [`Staging`] folder to write tables into and, at the end of a
//! successful run, publishes them all at once. While a run is writing, `OUT/.newslens.lock`
//! holds its process id, so a second run into the same folder refuses with a message; a lock
//! left by a dead process is detected and replaced. On Linux the staging folder is a sibling of
//! the output folder, and publishing swaps the two folders in one atomic `renameat2(EXCHANGE)`
//! (files of the user's kept in the output folder are carried over by hard links), so a run
//! killed at any moment leaves either the previous complete output or the new one — never a
//! mix. Where that is not possible (another OS, a file system without the exchange, a parent
//! folder that is not writable, sub-folders in the output folder), the staging folder sits
//! inside the output folder and files are renamed one by one, `run.json` last: every file is
//! still whole, and `run.json` (which lists each file's row count) says which run they belong
//! to.

use crate::output::{Table, output_files};
use crate::schema::{Format, TableDef};
use std::cell::RefCell;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Name of the lock file inside the output folder.
pub const LOCK_FILE: &str = ".newslens.lock";
const STAGING_PREFIX: &str = ".newslens-staging-";

/// Why the output folder cannot be used now.
#[derive(Debug)]
pub enum PublishError {
    /// Another newslens run (this process id) is writing there.
    Busy(u32),
    /// The file system refused.
    Io(io::Error),
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Busy(pid) => write!(
                f,
                "another newslens run (process {pid}) is writing here; wait for it to finish, or use another folder with -o"
            ),
            PublishError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for PublishError {
    fn from(e: io::Error) -> Self {
        PublishError::Io(e)
    }
}

/// The lock of an output folder; released (file removed) when dropped.
struct Lock {
    path: PathBuf,
}

/// Whether process `pid` is a running newslens.
fn running_newslens(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        // a process caught in the middle of exec shows an empty command line for a moment
        for _ in 0..20 {
            match fs::read(format!("/proc/{pid}/cmdline")) {
                Err(_) => return false,
                Ok(c) if !c.is_empty() => return String::from_utf8_lossy(&c).contains("newslens"),
                Ok(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
        fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.contains("newslens"))
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

impl Lock {
    /// Takes the lock of `out`; returns it and, if a stale lock was replaced, its process id.
    fn acquire(out: &Path) -> Result<(Lock, Option<u32>), PublishError> {
        let path = out.join(LOCK_FILE);
        let mut stale = None;
        for _ in 0..3 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id())?;
                    return Ok((Lock { path }, stale));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let pid: u32 = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0);
                    if pid != 0 && running_newslens(pid) {
                        return Err(PublishError::Busy(pid));
                    }
                    stale = Some(pid);
                    fs::remove_file(&path).or_else(|e| {
                        if e.kind() == io::ErrorKind::NotFound {
                            Ok(())
                        } else {
                            Err(e)
                        }
                    })?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(PublishError::Io(io::Error::other(
            "could not take the lock file",
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Where the staging folder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Next to the output folder; published by swapping the two folders.
    Sibling,
    /// Inside the output folder; published file by file.
    Inside,
}

/// The staging folder of one run. Dropped unpublished (an error), it is removed and the
/// output folder is untouched.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    mode: Mode,
    bom: bool,
    format: Format,
    done: Rc<RefCell<Vec<(&'static str, u64)>>>,
    published: bool,
    stale_lock: Option<u32>,
    _lock: Lock,
}

/// The sibling staging folder's name prefix for output folder `out`.
fn sibling_prefix(out: &Path) -> Option<(PathBuf, String)> {
    let parent = out.parent()?;
    let name = out.file_name()?.to_string_lossy();
    Some((parent.to_path_buf(), format!(".{name}{STAGING_PREFIX}")))
}

/// Removes staging folders of earlier, killed runs (safe: we hold the lock).
fn remove_stale(dir: &Path, prefix: &str) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Staging {
    /// Creates the output folder if needed, takes its lock, clears staging folders left by
    /// killed runs, and creates this run's staging folder.
    pub fn create(out: &Path, bom: bool) -> Result<Staging, PublishError> {
        fs::create_dir_all(out)?;
        let out = out.canonicalize()?;
        let (lock, stale_lock) = Lock::acquire(&out)?;
        remove_stale(&out, STAGING_PREFIX);
        let pid = std::process::id();
        let mut mode = Mode::Inside;
        let mut dir = out.join(format!("{STAGING_PREFIX}{pid}"));
        if cfg!(target_os = "linux")
            && let Some((parent, prefix)) = sibling_prefix(&out)
        {
            remove_stale(&parent, &prefix);
            let sibling = parent.join(format!("{prefix}{pid}"));
            if fs::create_dir(&sibling).is_ok() {
                mode = Mode::Sibling;
                dir = sibling;
            }
        }
        if mode == Mode::Inside {
            fs::create_dir(&dir)?;
        }
        Ok(Staging {
            dir,
            out,
            mode,
            bom,
            format: Format::Csv,
            done: Rc::new(RefCell::new(Vec::new())),
            published: false,
            stale_lock,
            _lock: lock,
        })
    }

    /// The staging folder (tables and spool files go here).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The process id of a dead run whose lock was replaced, if any.
    pub fn stale_lock(&self) -> Option<u32> {
        self.stale_lock
    }

    /// Starts the table `def`: creates the file and writes the BOM (with `--bom`) and the
    /// header.
    pub fn table(&self, def: &'static TableDef) -> io::Result<Table> {
        self.table_with_header(def, def.header)
    }

    /// Starts the table `def` with a header that begins with `def.header` and has more
    /// columns (`coverage_matrix.csv`'s document columns).
    pub fn table_with_header(&self, def: &'static TableDef, header: &[&str]) -> io::Result<Table> {
        let parquet = (self.format == Format::Parquet).then(|| (def, self.dir.join(def.parquet)));
        Table::create(
            def.file,
            &self.dir.join(def.file),
            header,
            // the CSV file of a Parquet run is not published: no mark for Excel
            self.bom && parquet.is_none(),
            self.done.clone(),
            parquet,
        )
    }

    /// Writes the tables in `format` from now on (CSV by default).
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
    }

    /// The file the run publishes for `name`, a table's CSV file name or another file: the
    /// table's file in the run's format (`terms.parquet` for `terms.csv` with `--format
    /// parquet`), else `name` itself.
    pub fn published_name(&self, name: &'static str) -> &'static str {
        match crate::schema::by_file(name) {
            Some(def) => self.format.file(def),
            None => name,
        }
    }

    /// The finished tables so far, with their row counts.
    pub fn finished(&self) -> Vec<(&'static str, u64)> {
        self.done.borrow().clone()
    }

    /// Publishes the finished tables `files` and `run.json` together (see the module docs).
    /// Outputs of earlier runs that this run did not produce are removed.
    pub fn publish(mut self, files: &[&str], run_json: &str) -> io::Result<()> {
        let mut f = fs::File::create(self.dir.join("run.json"))?;
        f.write_all(run_json.as_bytes())?;
        f.sync_all()?;
        // spool files and anything else temporary stay behind
        for e in fs::read_dir(&self.dir)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "run.json" && !files.contains(&name.as_str()) {
                fs::remove_file(e.path())?;
            }
        }
        if self.mode == Mode::Sibling && self.swap(files)? {
            self.published = true;
            return fs::remove_dir_all(&self.dir); // now the previous output
        }
        self.one_by_one(files)
    }

    /// Swaps the staging and output folders; false when this file system cannot.
    fn swap(&self, files: &[&str]) -> io::Result<bool> {
        // carry the user's files (and our lock) over by hard links; give up on sub-folders
        let ours = output_files();
        for e in fs::read_dir(&self.out)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if files.contains(&name.as_str())
                || ours.contains(&name.as_str())
                || name.starts_with(STAGING_PREFIX)
            {
                continue;
            }
            if e.file_type()?.is_dir() || fs::hard_link(e.path(), self.dir.join(&name)).is_err() {
                return Ok(false);
            }
        }
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            Ok(renameat_with(CWD, &self.dir, CWD, &self.out, RenameFlags::EXCHANGE).is_ok())
        }
        #[cfg(not(target_os = "linux"))]
        {
            Ok(false)
        }
    }

    /// Publishes file by file: the previous `run.json` goes first (its files are being
    /// replaced), the new one last.
    fn one_by_one(mut self, files: &[&str]) -> io::Result<()> {
        let old = self.out.join("run.json");
        if old.exists() {
            fs::remove_file(old)?;
        }
        for name in files {
            fs::rename(self.dir.join(name), self.out.join(name))?;
        }
        for stale in output_files()
            .iter()
            .filter(|f| !files.contains(f) && **f != "run.json")
        {
            let path = self.out.join(stale);
            if path.exists() {
                fs::remove_file(path)?;
            }
        }
        fs::rename(self.dir.join("run.json"), self.out.join("run.json"))?;
        self.published = true;
        fs::remove_dir_all(&self.dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish_one(out: &Path, content: &str) {
        let s = Staging::create(out, false).unwrap();
        let mut t = s
            .table_with_header(&crate::schema::DOCUMENTS, &["doc_id"])
            .unwrap();
        t.raw(content.as_bytes()).unwrap();
        t.finish().unwrap();
        assert_eq!(
            s.finished(),
            [("documents.csv", content.lines().count() as u64)]
        );
        fs::write(s.dir().join("terms.spool"), "temp").unwrap();
        s.publish(&["documents.csv"], "{}\n").unwrap();
    }

    #[test]
    fn publishes_whole_and_keeps_user_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(".gitkeep"), "").unwrap();
        fs::write(out.join("tokens.csv"), "stale").unwrap();
        publish_one(&out, "a\n");
        publish_one(&out, "b\nc\n");
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".gitkeep", "documents.csv", "run.json"]);
        assert_eq!(
            fs::read_to_string(out.join("documents.csv")).unwrap(),
            "doc_id\nb\nc\n"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn lock_refuses_a_live_run_and_replaces_a_dead_one() {
        let dir = tempfile::tempdir().unwrap();
        // a dead process id: far above the usual pid_max
        fs::write(dir.path().join(LOCK_FILE), "4000000000\n").unwrap();
        let s = Staging::create(dir.path(), false).unwrap();
        assert_eq!(s.stale_lock(), Some(4_000_000_000));
        drop(s);
        assert!(!dir.path().join(LOCK_FILE).exists());
        // a live one: spawn a process whose command line says newslens
        #[cfg(target_os = "linux")]
        {
            // a copy of sleep named newslens-…: its command line names newslens for sure
            let sleeper = dir.path().join("newslens-sleep");
            fs::copy("/bin/sleep", &sleeper).unwrap();
            let mut child = std::process::Command::new(&sleeper)
                .arg("5")
                .spawn()
                .unwrap();
            fs::write(dir.path().join(LOCK_FILE), format!("{}\n", child.id())).unwrap();
            let busy = Staging::create(dir.path(), false);
            child.kill().unwrap();
            let _ = child.wait();
            assert!(
                matches!(busy, Err(PublishError::Busy(_))),
                "{:?}",
                busy.as_ref().err()
            );
        }
    }

    #[test]
    fn dropped_unpublished_leaves_output_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        publish_one(&out, "a\n");
        let s = Staging::create(&out, false).unwrap();
        let mut t = s
            .table_with_header(&crate::schema::DOCUMENTS, &["doc_id"])
            .unwrap();
        t.raw(b"zzz\n").unwrap();
        drop(t);
        drop(s);
        assert_eq!(
            fs::read_to_string(out.join("documents.csv")).unwrap(),
            "doc_id\na\n"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
