//! Shell completions and man pages, generated from the same clap definition that parses
//! the arguments: `netkit completions SHELL` and `netkit man [COMMAND]` print them, and
//! `cargo xtask gen` writes the committed copies in `completions/` and `man/` (a test fails
//! when those drift from the code).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap_complete::Shell;

/// The shells `netkit completions` knows, by the names users type.
pub const SHELLS: &[(&str, Shell)] = &[
    ("bash", Shell::Bash),
    ("zsh", Shell::Zsh),
    ("fish", Shell::Fish),
    ("elvish", Shell::Elvish),
    ("powershell", Shell::PowerShell),
];

/// The completion script for `shell`: netkit's own, then (bash, zsh, fish) the same
/// completions for the command names `netkit --install` links, which complete as
/// `netkit NAME` does.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = with_value_hints(super::command());
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "netkit", &mut out);
    let names = super::command_names().join(" ");
    let applets = match shell {
        // The words are rewritten to `netkit NAME …` and handed to clap's function.
        Shell::Bash => format!(
            r#"
# The command names that `netkit --install DIR` links complete as `netkit NAME` does.
_netkit_applet() {{
    local applet="${{COMP_WORDS[0]##*/}}"
    COMP_WORDS=(netkit "$applet" "${{COMP_WORDS[@]:1}}")
    COMP_CWORD=$((COMP_CWORD + 1))
    _netkit netkit "$2" "$3"
}}
if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F _netkit_applet -o nosort -o bashdefault -o default {names}
else
    complete -F _netkit_applet -o bashdefault -o default {names}
fi
"#
        ),
        Shell::Zsh => format!(
            r#"
# The command names that `netkit --install DIR` links complete as `netkit NAME` does.
_netkit_applet() {{
    words=(netkit "${{words[1]:t}}" "${{(@)words[2,-1]}}")
    (( CURRENT += 1 ))
    _netkit "$@"
}}
if (( $+functions[compdef] )); then
    compdef _netkit_applet {names}
fi
"#
        ),
        Shell::Fish => {
            let mut s = String::from(
                "\n# The command names that `netkit --install DIR` links complete as `netkit NAME` does.\n",
            );
            for name in super::command_names() {
                s.push_str(&format!("complete -c {name} -w 'netkit {name}'\n"));
            }
            s
        }
        _ => String::new(),
    };
    out.extend_from_slice(applets.as_bytes());
    out
}

/// Every value an argument takes gets a completion hint, decided here once for all 13
/// commands: a value list (`--type`, `--proto`, `--auth`) completes from the list; a FILE
/// or DIR completes paths, a URL or SERVER as the shell completes those; anything else
/// (seconds, counts, addresses, text) completes nothing, where clap's default would offer
/// the file names of the current directory. An argument that says its hint keeps it.
fn with_value_hints(cmd: clap::Command) -> clap::Command {
    use clap::ValueHint;
    cmd.mut_subcommands(with_value_hints).mut_args(|arg| {
        let takes_value = arg.get_action().takes_values();
        if !takes_value
            || arg.get_value_hint() != ValueHint::Unknown
            || !arg.get_possible_values().is_empty()
        {
            return arg;
        }
        let name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map(|n| n.as_str().to_ascii_uppercase())
            .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase());
        let hint = if name.contains("FILE") || name == "MESSAGE" || name == "PATH" {
            ValueHint::FilePath
        } else if name.contains("DIR") {
            ValueHint::DirPath
        } else if name.contains("URL") {
            ValueHint::Url
        } else if name == "SERVER" || name == "HOST" {
            ValueHint::Hostname
        } else {
            ValueHint::Other
        };
        arg.value_hint(hint)
    })
}

/// The man page of `netkit` (`None` or `"netkit"`) or of one of its commands.
pub fn man_page(command: Option<&str>) -> Result<Vec<u8>, String> {
    let root = super::command();
    match command {
        None | Some("netkit") => {
            // `netkit help CMD` works, but it is no command of its own: no netkit-help(1).
            render_man_page(root.disable_help_subcommand(true), "netkit")
        }
        Some(name) => {
            let sub = root
                .get_subcommands()
                .find(|s| s.get_name() == name && name != "help")
                .ok_or_else(|| format!("no man page for '{name}'"))?;
            let page = format!("netkit-{name}");
            let sub = sub
                .clone()
                .bin_name(format!("netkit {name}"))
                .display_name(page.clone());
            render_man_page(sub, &page)
        }
    }
}

/// The names `netkit man` takes: netkit itself, its commands, and the two doc commands.
pub fn man_page_names() -> Vec<&'static str> {
    std::iter::once("netkit")
        .chain(super::COMMANDS.iter().map(|e| e.name))
        .chain(["completions", "man"])
        .collect()
}

/// Every generated file, by path relative to the project root, with its contents.
pub fn generated_files() -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    for (_, shell) in SHELLS {
        let name = match shell {
            Shell::Bash => "netkit.bash",
            Shell::Zsh => "_netkit",
            Shell::Fish => "netkit.fish",
            Shell::Elvish => "netkit.elv",
            _ => "_netkit.ps1",
        };
        files.insert(PathBuf::from("completions").join(name), completion(*shell));
    }
    for name in man_page_names() {
        let page = if name == "netkit" {
            name.to_owned()
        } else {
            format!("netkit-{name}")
        };
        files.insert(
            PathBuf::from(format!("man/{page}.1")),
            man_page(Some(name))?,
        );
    }
    Ok(files)
}

/// clap_mangen's sections, then EXAMPLES (the command's long after-help, which `--help`
/// shows too) and EXIT STATUS (netkit's one exit-code table).
fn render_man_page(cmd: clap::Command, name: &str) -> Result<Vec<u8>, String> {
    let examples = cmd.get_after_long_help().map(|s| s.to_string());
    let cmd = cmd.after_long_help(None::<&str>).after_help(None::<&str>);
    let version = super::command().get_version().unwrap_or("").to_owned();
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
    for (code, kind, example) in super::exit::TABLE {
        out.extend_from_slice(format!(".TP\n\\fB{code}\\fR {kind}\n").as_bytes());
        if !example.is_empty() {
            out.extend_from_slice(roff_line(example).as_bytes());
            out.push(b'\n');
        }
    }
    let pages: Vec<String> = std::iter::once("netkit".to_owned())
        .chain(
            super::command_names()
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
    Ok(ascii_roff(&out))
}

/// Non-ASCII characters as roff's `\[uXXXX]` escapes: troff reads bytes, and a page piped to
/// `man -l -` or groff without preconv would otherwise warn and drop `…`, `≥` or `é`.
fn ascii_roff(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
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
