//! Project chores: `cargo xtask gen` writes the shell completions and man pages that
//! `netkit completions` and `netkit man` print (src/cli/docs.rs) into the source tree; `cargo xtask gen --check` fails when
//! the committed ones differ (the docs cannot drift from the code).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["gen"] => match write_all(&project_root()) {
            Ok(n) => {
                println!("xtask: wrote {n} files");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask: {e}");
                ExitCode::FAILURE
            }
        },
        ["gen", "--check"] => match stale_files(&project_root()) {
            Ok(stale) if stale.is_empty() => ExitCode::SUCCESS,
            Ok(stale) => {
                eprintln!("xtask: stale generated docs (run `cargo xtask gen`): {stale:?}");
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("xtask: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask gen [--check]");
            ExitCode::from(2)
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn generate() -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    netkit::cli::docs::generated_files()
}

fn write_all(root: &Path) -> Result<usize, String> {
    let files = generate()?;
    for dir in ["completions", "man"] {
        let dir = root.join(dir);
        // Remove what is no longer generated (a renamed command) so nothing stale remains.
        if dir.is_dir() {
            fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    for (path, contents) in &files {
        let path = root.join(path);
        fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(files.len())
}

/// The generated files that are missing, differ, or should not be there.
fn stale_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let files = generate()?;
    let mut stale: Vec<PathBuf> = files
        .iter()
        .filter(|(path, contents)| fs::read(root.join(path)).ok().as_ref() != Some(*contents))
        .map(|(path, _)| path.clone())
        .collect();
    for dir in ["completions", "man"] {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = Path::new(dir).join(entry.file_name());
            if !files.contains_key(&rel) {
                stale.push(rel);
            }
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_docs_match_the_code() {
        let stale = stale_files(&project_root()).expect("generate docs");
        assert!(
            stale.is_empty(),
            "completions/ or man/ are stale, run `cargo xtask gen` and commit: {stale:?}"
        );
    }

    #[test]
    fn every_command_has_a_man_page() {
        let files = generate().expect("generate docs");
        for name in netkit::cli::command_names() {
            let page = PathBuf::from(format!("man/netkit-{name}.1"));
            let text = String::from_utf8_lossy(&files[&page]).into_owned();
            assert!(text.contains("EXIT STATUS"), "{name}");
        }
    }
}
