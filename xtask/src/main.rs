//! Project chores that must not ship in the netkit binary: `cargo xtask gen` writes the shell
//! completions and man pages from the clap definition; `cargo xtask gen --check` fails when
//! the committed ones differ (the docs cannot drift from the code).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap_complete::Shell;

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

/// Every generated file, by path relative to the project root, with its contents.
fn generate() -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut cmd = netkit::cli::command();
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd, "netkit", &mut out);
        let name = match shell {
            Shell::Bash => "netkit.bash",
            Shell::Zsh => "_netkit",
            Shell::Fish => "netkit.fish",
            Shell::Elvish => "netkit.elv",
            _ => "_netkit.ps1",
        };
        files.insert(Path::new("completions").join(name), out);
    }
    let root = netkit::cli::command();
    // `netkit help CMD` works, but it is no command of its own: no netkit-help(1) to list.
    files.insert(
        PathBuf::from("man/netkit.1"),
        man_page(root.clone().disable_help_subcommand(true), "netkit")?,
    );
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("netkit-{}", sub.get_name());
        let sub = sub
            .clone()
            .bin_name(format!("netkit {}", sub.get_name()))
            .display_name(name.clone());
        files.insert(
            PathBuf::from(format!("man/{name}.1")),
            man_page(sub, &name)?,
        );
    }
    Ok(files)
}

/// clap_mangen's sections, then EXAMPLES (the command's long after-help, which `--help`
/// shows too) and EXIT STATUS (netkit's one exit-code table).
fn man_page(cmd: clap::Command, name: &str) -> Result<Vec<u8>, String> {
    let examples = cmd.get_after_long_help().map(|s| s.to_string());
    let cmd = cmd.after_long_help(None::<&str>).after_help(None::<&str>);
    let version = netkit::cli::command()
        .get_version()
        .unwrap_or("")
        .to_owned();
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .source(format!("netkit {version}"));
    let mut out = Vec::new();
    let io = |e: std::io::Error| format!("{name}: {e}");
    man.render_title(&mut out).map_err(io)?;
    man.render_name_section(&mut out).map_err(io)?;
    // Our own synopsis: clap_mangen's leaves out value names and `...` on repeatable ones.
    out.extend_from_slice(format!(".SH SYNOPSIS\n{}\n", synopsis(&cmd)).as_bytes());
    man.render_description_section(&mut out).map_err(io)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out).map_err(io)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out).map_err(io)?;
    }
    if let Some(text) = examples {
        let (notes, examples) = split_long_help(&text);
        if !notes.is_empty() {
            out.extend_from_slice(b".SH NOTES\n");
            for paragraph in notes {
                out.extend_from_slice(b".PP\n");
                out.extend_from_slice(roff_line(&paragraph).as_bytes());
                out.push(b'\n');
            }
        }
        if !examples.is_empty() {
            out.extend_from_slice(b".SH EXAMPLES\n.nf\n");
            for line in examples {
                out.extend_from_slice(roff_line(line.trim_start()).as_bytes());
                out.push(b'\n');
            }
            out.extend_from_slice(b".fi\n");
        }
    }
    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    for (code, kind, example) in netkit::cli::exit::TABLE {
        out.extend_from_slice(format!(".TP\n\\fB{code}\\fR {kind}\n").as_bytes());
        if !example.is_empty() {
            out.extend_from_slice(roff_line(example).as_bytes());
            out.push(b'\n');
        }
    }
    let pages: Vec<String> = std::iter::once("netkit".to_owned())
        .chain(
            netkit::cli::command_names()
                .into_iter()
                .map(|n| format!("netkit-{n}")),
        )
        .filter(|page| page != name)
        .map(|page| format!("\\fB{}\\fR(1)", page.replace('-', "\\-")))
        .collect();
    out.extend_from_slice(
        format!(
            ".SH \"SEE ALSO\"\n{}\n.PP\nREADME.md in the netkit source tree.\n",
            pages.join(", ")
        )
        .as_bytes(),
    );
    out.extend_from_slice(format!(".SH VERSION\nv{version}\n").as_bytes());
    Ok(out)
}

/// `netkit urlparse [--join REF]... [--get TEMPLATE] [URL]...` in roff.
fn synopsis(cmd: &clap::Command) -> String {
    let bold = |t: &str| format!("\\fB{}\\fR", t.replace('-', "\\-"));
    let italic = |t: &str| format!("\\fI{}\\fR", t.replace('-', "\\-"));
    let bin = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_owned();
    let mut parts = vec![bold(&bin)];
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let repeatable = matches!(
            a.get_action(),
            clap::ArgAction::Append | clap::ArgAction::Count
        ) || a.get_num_args().is_some_and(|n| n.max_values() > 1);
        let value = a
            .get_value_names()
            .map(|v| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| a.get_id().as_str().to_uppercase());
        let flag = match (a.get_short(), a.get_long()) {
            (Some(s), Some(l)) => format!("{}|{}", bold(&format!("-{s}")), bold(&format!("--{l}"))),
            (None, Some(l)) => bold(&format!("--{l}")),
            (Some(s), None) => bold(&format!("-{s}")),
            (None, None) => String::new(),
        };
        let mut part = if flag.is_empty() {
            format!("[{}]", italic(&value))
        } else if a.get_action().takes_values() {
            format!("[{flag} {}]", italic(&value))
        } else {
            format!("[{flag}]")
        };
        if repeatable {
            part.push_str("...");
        }
        parts.push(part);
    }
    if cmd.has_subcommands() {
        parts.push(format!("[{}]", italic("COMMAND")));
    }
    parts.join(" ")
}

/// A command's long help split for the man page: prose paragraphs (NOTES) and the indented
/// lines under "Examples:" (EXAMPLES). `--help` shows the text as it is.
fn split_long_help(text: &str) -> (Vec<String>, Vec<&str>) {
    let mut notes = Vec::new();
    let mut examples = Vec::new();
    let mut paragraph = String::new();
    let mut in_examples = false;
    for line in text.lines() {
        if line.trim() == "Examples:" {
            in_examples = true;
            continue;
        }
        if in_examples && line.starts_with("  ") {
            examples.push(line);
            continue;
        }
        in_examples = false;
        if line.trim().is_empty() {
            if !paragraph.is_empty() {
                notes.push(std::mem::take(&mut paragraph));
            }
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim());
        }
    }
    if !paragraph.is_empty() {
        notes.push(paragraph);
    }
    (notes, examples)
}

/// Plain text made safe for roff: backslashes, leading control characters, hyphens.
fn roff_line(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
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
