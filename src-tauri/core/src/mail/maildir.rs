//! Maildir walking: the message files of `cur/` and `new/` (or, for a plain folder of `.eml` files,
//! the folder itself), in a stable order so imports are reproducible.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub fn message_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a folder. Pass a maildir (with cur/ and new/) or a folder of .eml files.",
            dir.display()
        )));
    }
    let subdirs: Vec<PathBuf> = ["cur", "new"].iter().map(|s| dir.join(s)).filter(|p| p.is_dir()).collect();
    let roots = if subdirs.is_empty() { vec![dir.to_path_buf()] } else { subdirs };
    let mut files = Vec::new();
    for root in roots {
        for entry in std::fs::read_dir(&root).map_err(|e| Error::io(&root, e))? {
            let entry = entry.map_err(|e| Error::io(&root, e))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type().map_err(|e| Error::io(entry.path(), e))?.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}
