//! Property tests (compiled only under #[cfg(test)]): parsing, joining and templating never
//! panic on any input, and `--set` gives back, when the result is parsed, the part that was
//! set.

use percent_encoding::percent_decode_str;
use proptest::prelude::*;

use super::Url;
use super::build::{Edit, Part, apply};
use super::join::join;
use super::template::{FIELDS, Template};

const BASE: &str = "http://u:p@h:1/p;x?q#f";

/// URL-ish text: delimiters and brackets are likely, so the interesting branches run.
fn urlish() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9:/?#\\[\\]@!$&'()*+,;=%._~ \t\u{fc}\u{2100}-]{0,40}")
        .expect("valid regex")
}

fn set_and_parse(part: Part, value: &str) -> String {
    let edit = Edit::new(part, value).expect("value from the strategy is valid");
    apply(Some(&Url::parse(BASE).expect("base parses")), &[edit])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_strings(s in any::<String>()) {
        let _ = Url::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = Url::parse(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn parse_never_panics_on_urlish_text(s in urlish(), scheme in "(http|imap|gopher|x)://") {
        if let Ok(u) = Url::parse(&format!("{scheme}{s}")) {
            let _ = u.query_pairs().count();
        }
    }

    #[test]
    fn join_never_panics(base in urlish(), reference in urlish()) {
        let _ = join(&base, &reference);
        let _ = join(&format!("http://a/b/c/{base}"), &reference);
    }

    #[test]
    fn template_never_panics(s in urlish()) {
        let all: String = FIELDS.iter().map(|f| format!("{{{f}}}")).collect();
        let t = Template::compile(&format!("{all}{{query:a}}")).expect("all fields compile");
        if let Ok(u) = Url::parse(&s) {
            let mut out = String::new();
            t.render(&u, &mut out);
        }
    }

    #[test]
    fn set_scheme_round_trips(v in "[a-z][a-z0-9+.-]{0,8}") {
        let out = set_and_parse(Part::Scheme, &v);
        prop_assert_eq!(Url::parse(&out).map(|u| u.scheme().to_owned()).ok(), Some(v));
    }

    #[test]
    fn set_user_round_trips(v in "[a-zA-Z0-9._~!$&'()*+,;=-]{1,10}") {
        let out = set_and_parse(Part::User, &v);
        prop_assert_eq!(Url::parse(&out).ok().and_then(|u| u.user().map(str::to_owned)), Some(v));
    }

    #[test]
    fn set_password_round_trips(v in "[a-zA-Z0-9._~!$&'()*+,;=:-]{1,10}") {
        let out = set_and_parse(Part::Password, &v);
        let got = Url::parse(&out).ok().and_then(|u| u.password().map(str::to_owned));
        prop_assert_eq!(got, Some(v));
    }

    #[test]
    fn set_host_round_trips(v in "[a-z0-9]{1,10}(\\.[a-z0-9]{1,10}){0,3}") {
        let out = set_and_parse(Part::Host, &v);
        prop_assert_eq!(Url::parse(&out).ok().and_then(|u| u.host().map(str::to_owned)), Some(v));
    }

    #[test]
    fn set_ipv6_host_round_trips(segs in proptest::collection::vec(any::<u16>(), 8)) {
        let addr = std::net::Ipv6Addr::from(<[u16; 8]>::try_from(segs).expect("8 segments"));
        let out = set_and_parse(Part::Host, &addr.to_string());
        let got = Url::parse(&out).ok().and_then(|u| u.host().map(str::to_owned));
        prop_assert_eq!(got, Some(addr.to_string()));
    }

    #[test]
    fn set_port_round_trips(v in any::<u16>()) {
        let out = set_and_parse(Part::Port, &v.to_string());
        prop_assert_eq!(Url::parse(&out).ok().and_then(|u| u.port()), Some(v));
    }

    #[test]
    fn set_path_round_trips(v in "(/[a-zA-Z0-9._~!$&'()*+,=:@-]{0,8}){1,4}") {
        let out = set_and_parse(Part::Path, &v);
        prop_assert_eq!(Url::parse(&out).map(|u| u.path().to_owned()).ok(), Some(v));
    }

    #[test]
    fn set_params_round_trips(v in "[a-zA-Z0-9._~=;,-]{1,10}") {
        let out = set_and_parse(Part::Params, &v);
        prop_assert_eq!(Url::parse(&out).map(|u| u.params().to_owned()).ok(), Some(v));
    }

    #[test]
    fn set_query_round_trips(v in "[a-zA-Z0-9._~=&/?:@;-]{1,12}") {
        let out = set_and_parse(Part::Query, &v);
        prop_assert_eq!(Url::parse(&out).map(|u| u.query().to_owned()).ok(), Some(v));
    }

    #[test]
    fn set_fragment_round_trips(v in "[a-zA-Z0-9._~=&/?:@#;-]{1,12}") {
        let out = set_and_parse(Part::Fragment, &v);
        prop_assert_eq!(Url::parse(&out).map(|u| u.fragment().to_owned()).ok(), Some(v));
    }

    /// Any text without `%` (escapes are kept as written) decodes back to itself.
    #[test]
    fn set_any_text_decodes_back(v in "[^%]{1,16}", which in 0usize..6) {
        let part = [Part::User, Part::Password, Part::Path, Part::Params, Part::Query,
            Part::Fragment][which];
        let out = set_and_parse(part, &v);
        let u = Url::parse(&out);
        prop_assert!(u.is_ok(), "{:?} -> {:?}", v, out);
        let u = u.expect("checked");
        let got = match part {
            Part::User => u.user().unwrap_or(""),
            Part::Password => u.password().unwrap_or(""),
            Part::Path => u.path(),
            Part::Params => u.params(),
            Part::Query => u.query(),
            _ => u.fragment(),
        };
        let decoded = percent_decode_str(got).decode_utf8_lossy();
        // A path gets the leading `/` that a URL with a host needs.
        let want = if part == Part::Path && !v.starts_with('/') { format!("/{v}") } else { v };
        prop_assert_eq!(decoded, want, "{}", out);
    }
}
