//! netrc files with curl's semantics (`lib/netrc.c`): `machine NAME`, `default`, `login`,
//! `password`, `account` (ignored), `macdef NAME` bodies skipped up to the next empty line,
//! and double-quoted tokens with `\"`, `\\`, `\n`, `\r`, `\t` escapes (curl 7.84). The first
//! `machine` that matches the host (and the login, when the user named one) wins; `default`
//! matches any host but only when no `machine` did.

use std::path::{Path, PathBuf};

use super::Secret;

/// What a netrc entry gives for a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub login: Option<String>,
    pub password: Option<Secret>,
}

/// `~/.netrc`, or `$NETRC` when set (as curl 8 honours it).
pub fn default_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NETRC").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| Path::new(&home).join(".netrc"))
}

/// Splits netrc text into tokens, skipping `macdef` bodies. Comments start with `#` at the
/// beginning of a token and run to the end of the line.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut skipping_macro = false;
    for line in text.lines() {
        if skipping_macro {
            if line.trim().is_empty() {
                skipping_macro = false;
            }
            continue;
        }
        let mut chars = line.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&first) = chars.peek() else { break };
            if first == '#' {
                break;
            }
            let mut token = String::new();
            if first == '"' {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => token.push('\n'),
                            Some('r') => token.push('\r'),
                            Some('t') => token.push('\t'),
                            Some(other) => token.push(other),
                            None => break,
                        },
                        _ => token.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    token.push(c);
                    chars.next();
                }
            }
            let is_macdef = token == "macdef";
            out.push(token);
            if is_macdef {
                // The macro's name is on this line; its body follows until an empty line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                out.push(chars.by_ref().take_while(|c| !c.is_whitespace()).collect());
                skipping_macro = true;
                break;
            }
        }
    }
    out
}

#[derive(Default)]
struct Block {
    host: Option<String>,
    is_default: bool,
    login: Option<String>,
    password: Option<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let toks = tokens(text);
    let mut out: Vec<Block> = Vec::new();
    let mut it = toks.into_iter();
    while let Some(tok) = it.next() {
        match tok.as_str() {
            "machine" => out.push(Block {
                host: it.next(),
                ..Block::default()
            }),
            "default" => out.push(Block {
                is_default: true,
                ..Block::default()
            }),
            "login" | "password" | "account" | "macdef" => {
                let value = it.next();
                if let Some(block) = out.last_mut() {
                    match tok.as_str() {
                        "login" => block.login = value,
                        "password" => block.password = value,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The entry for `host`, given the user name the user already chose (if any).
pub fn lookup(text: &str, host: &str, user: Option<&str>) -> Option<Entry> {
    let all = blocks(text);
    let fits = |b: &Block| user.is_none() || b.login.is_none() || b.login.as_deref() == user;
    let found = all
        .iter()
        .filter(|b| !b.is_default)
        .find(|b| {
            b.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
                && fits(b)
        })
        .or_else(|| all.iter().find(|b| b.is_default && fits(b)))?;
    Some(Entry {
        login: found.login.clone(),
        password: found.password.clone().map(Secret::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# comment line
machine mail.example.org login alice password \"p@ss word\\\"q\"
macdef init
cd /pub
machine fake login mallory password nope

machine ftp.example.org
  login bob
  password b0b
machine ftp.example.org login carol password c4rol
default login anonymous password guest@
";

    #[test]
    fn machine_entry_with_quoted_password() {
        let e = lookup(SAMPLE, "MAIL.example.org", None).unwrap();
        assert_eq!(e.login.as_deref(), Some("alice"));
        assert_eq!(e.password.unwrap().expose(), "p@ss word\"q");
    }

    #[test]
    fn macdef_bodies_are_skipped() {
        // "machine fake" sits inside the macro body: it is not an entry.
        let e = lookup(SAMPLE, "fake", None).unwrap();
        assert_eq!(e.login.as_deref(), Some("anonymous"));
    }

    #[test]
    fn login_given_by_the_user_picks_the_matching_entry() {
        let e = lookup(SAMPLE, "ftp.example.org", Some("carol")).unwrap();
        assert_eq!(e.password.unwrap().expose(), "c4rol");
        let e = lookup(SAMPLE, "ftp.example.org", None).unwrap();
        assert_eq!(e.login.as_deref(), Some("bob"));
    }

    #[test]
    fn default_applies_only_when_no_machine_matches() {
        let e = lookup(SAMPLE, "other.example", None).unwrap();
        assert_eq!(e.password.unwrap().expose(), "guest@");
        assert!(lookup("machine a login b password c", "z", None).is_none());
    }

    #[test]
    fn entries_never_print_their_password() {
        let e = lookup(SAMPLE, "mail.example.org", None).unwrap();
        assert!(!format!("{e:?}").contains("p@ss"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}", host in "[a-z.]{0,12}") {
            let _ = lookup(&text, &host, None);
            let _ = lookup(&text, &host, Some("x"));
        }
    }
}
