//! Small filesystem helpers shared by the stages that build artefacts on disk.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh temporary folder path beside `target` (`.NAME.building-PID-N`), unique per
/// process and per call, so concurrent builds (threads or processes) never share one.
/// Build there, then rename onto `target`: readers never see a half-written folder.
pub fn temp_sibling(target: &Path) -> PathBuf {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent.join(format!(
        ".{name}.building-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_siblings_are_unique_and_beside_the_target() {
        let a = temp_sibling(Path::new("/x/y/index"));
        let b = temp_sibling(Path::new("/x/y/index"));
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(Path::new("/x/y")));
        assert!(a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".index.building-"));
    }
}
