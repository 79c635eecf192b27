//! Why: a really full disk under the curation database, not a simulated one. The
//! database lives on a tiny tmpfs that is filled up while the server runs: asks keep
//! answering, SQLite's "database or disk is full" is counted in /metrics as failed
//! and shows in /readyz, and once space is freed, logging resumes on the same
//! connection and the database passes SQLite's integrity check.
//!
//! Mounting needs root (or CAP_SYS_ADMIN). Where `mount` is refused the test says so
//! on stderr (uncaptured, so it shows in `cargo test` output) and skips;
//! `MADOGUCHI_REQUIRE_MOUNT=1` turns the skip into a failure.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::curation::{ask_and_settle, events, readyz_curation, server};
use madoguchi::store::sqlite::SqliteStore;

/// A tmpfs mounted on a temporary folder, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `1m`), or says why it cannot.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Something still holds a file open: detach it instead of leaking a mount.
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

/// Writes zeros to `path` until the filesystem is full; returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
    }
    // Small writes take the last partial pages.
    while matches!(f.write(&[0u8; 512]), Ok(n) if n > 0) {
        total += 512;
    }
    total
}

#[tokio::test]
async fn a_full_disk_under_the_curation_database_degrades_logging_not_answering() {
    let fs = match Tmpfs::mount("2m") {
        Ok(fs) => fs,
        Err(reason) => {
            assert!(
                std::env::var_os("MADOGUCHI_REQUIRE_MOUNT").is_none(),
                "MADOGUCHI_REQUIRE_MOUNT is set but {reason}"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED curation_disk_full: {reason} (needs root to mount a tmpfs)"
            );
            return;
        }
    };
    let db: PathBuf = fs.path().join("curation.sqlite3");
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let (app, state, _data) = server(store);

    for i in 0..3 {
        assert_eq!(ask_and_settle(&app, &state, i).await, 200);
    }
    assert_eq!(events(&app, "written").await, 3);
    assert_eq!(events(&app, "failed").await, 0);

    let filler = fs.path().join("filler");
    let filled = fill(&filler);
    assert!(filled > 0, "the tmpfs had room before");
    // Each ask is its own transaction; the disk is full, so one of the first few
    // cannot append to the WAL (the bound only stops a broken test from looping).
    let mut i = 3;
    while events(&app, "failed").await == 0 {
        assert!(i < 200, "200 asks written to a full disk");
        assert_eq!(ask_and_settle(&app, &state, i).await, 200, "ask {i}");
        i += 1;
    }
    assert!(
        !readyz_curation(&app).await,
        "/readyz shows curation degraded"
    );
    for j in i..i + 5 {
        assert_eq!(
            ask_and_settle(&app, &state, j).await,
            200,
            "ask {j} on a full disk"
        );
    }
    let failed = events(&app, "failed").await;
    let written = events(&app, "written").await;

    std::fs::remove_file(&filler).unwrap();
    for j in i + 5..i + 8 {
        assert_eq!(ask_and_settle(&app, &state, j).await, 200);
    }
    assert_eq!(
        events(&app, "written").await,
        written + 3,
        "logging resumed after space was freed"
    );
    assert_eq!(events(&app, "failed").await, failed);
    assert!(readyz_curation(&app).await, "curation back on");

    state.close();
    drop(state);
    drop(app);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let rows: u64 = conn
        .query_row("SELECT SUM(n) FROM daily WHERE metric = 'asks'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(rows, written + 3, "every written event is in the database");
}
