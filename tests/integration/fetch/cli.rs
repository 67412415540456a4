//! fetch's own command line: refusals that happen before any connection.

use super::fetch;
use crate::util::{code, stderr};

#[test]
fn contradictory_or_unsafe_requests_are_usage_errors_before_connecting() {
    // Port 9 on loopback: nothing listens, so an attempt would be exit 4, not 2.
    let u = "http://127.0.0.1:9/x";
    for (args, says) in [
        (vec!["-o", "f", u, u], "-o names one file"),
        (vec!["--json", u], "--json prints the report"),
        (vec!["-C", u], "-C resumes a file"),
        (vec!["-I", "-d", "a=1", u], "HEAD"),
        (vec!["-d", "a", "-F", "b=c", u], "one body"),
        (vec!["-O", "-J", "-C", u], "-J"),
        (vec!["-P", "2", u, u], "-P writes files"),
        (vec!["-H", "NoColon", u], "Name: value"),
        (vec!["--sha256", "abc", u], "64 hex"),
        (vec!["--limit-rate", "0", u], "at least 1 byte"),
        (vec!["ftp://127.0.0.1/x", u], "separate runs"),
        (vec!["-X", "PUT", "ftp://127.0.0.1/x"], "not ftp://"),
        (vec!["-X", "PUT", "gopher://127.0.0.1:9/"], "not gopher://"),
        (vec!["gopher://127.0.0.1:9/", u], "separate runs"),
        (vec!["file:///etc/passwd"], "http:// and https://"),
        (vec!["-O", "http://127.0.0.1:9/dir/"], "names no file"),
    ] {
        let out = fetch(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_refused_connection_is_exit_4_and_names_the_url() {
    let out = fetch(&["http://127.0.0.1:9/x"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).starts_with("netkit fetch: http://127.0.0.1:9/x: connection refused"));
}

#[test]
fn a_password_in_the_url_never_shows_in_errors() {
    let out = fetch(&["--json", "-o", "/dev/null", "http://u:s3cret@127.0.0.1:9/x"]);
    assert_eq!(code(&out), 4);
    let err = stderr(&out);
    assert!(!err.contains("s3cret"), "{err}");
    assert!(err.contains("\"kind\":\"connect\""), "{err}");
}
