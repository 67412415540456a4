//! `netkit nntp` against a real INN 2.7 (innd + nnrpd, STARTTLS, nnrpd -S for NNTPS, a
//! group that needs AUTHINFO), seeded by the harness with fixed article numbers.

use crate::util::accounts::{NKUSER1, NKUSER2};
use crate::util::ca::TestCa;
use crate::util::inn::{Inn, seeded_id};
use crate::util::{code, netkit, netkit_env, run_with_stdin, stderr, stdout};

fn ok(out: &std::process::Output) -> String {
    assert_eq!(code(out), 0, "stderr: {}", stderr(out));
    stdout(out)
}

#[test]
fn over_lists_every_article_of_the_group_with_its_fields() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let text = ok(&netkit(&["nntp", "over", &inn.url("/local.test")]));
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0][0], "1");
    assert_eq!(lines[0][1], "First post");
    assert_eq!(lines[0][2], "Harness <harness@netkit.test>");
    assert_eq!(lines[0][4], seeded_id(0));
    assert_eq!(lines[2][1], "Re: First post");
    assert_eq!(lines[2][5], seeded_id(0), "references");
    // A range, options after the operands, and JSON keys.
    let text = ok(&netkit(&[
        "nntp",
        "over",
        &inn.url("/local.test"),
        "2-3",
        "--json",
    ]));
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["number"], 2);
    assert_eq!(rows[0]["subject"], "Dots");
    assert_eq!(rows[1]["references"], seeded_id(0));
    assert_eq!(rows[1]["message_id"], seeded_id(2));
    for key in ["from", "date"] {
        assert!(rows[0][key].is_string(), "{key}: {text}");
    }
    // An empty group lists nothing and succeeds.
    assert_eq!(ok(&netkit(&["nntp", "over", &inn.url("/local.empty")])), "");
}

#[test]
fn group_groups_hdr_and_date() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    assert_eq!(
        ok(&netkit(&["nntp", "group", &inn.url("/local.test")])),
        "local.test 3 1 3\n"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&netkit(&[
        "nntp",
        "--json",
        "group",
        &inn.url("/local.test"),
    ])))
    .expect("json");
    assert_eq!(
        v,
        serde_json::json!({"group":"local.test","count":3,"first":1,"last":3})
    );
    let groups = ok(&netkit(&["nntp", "groups", &inn.url(""), "local.*"]));
    assert!(
        groups.contains("local.test\t1\t3\ty\tA test group\n"),
        "{groups}"
    );
    assert!(groups.contains("local.noposting\t"), "{groups}");
    assert!(!groups.contains("junk"), "the wildmat is applied: {groups}");
    assert!(
        !groups.contains("local.private"),
        "anonymous readers do not see it: {groups}"
    );
    let hdr = ok(&netkit(&[
        "nntp",
        "hdr",
        &inn.url("/local.test"),
        "Subject",
    ]));
    assert_eq!(hdr, "1\tFirst post\n2\tDots\n3\tRe: First post\n");
    let date = ok(&netkit(&["nntp", "date", &inn.url("")]));
    let date = date.trim();
    assert!(
        date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T',
        "{date}"
    );
}

#[test]
fn articles_by_number_and_message_id_come_back_unstuffed() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let body = ok(&netkit(&["nntp", "body", &inn.url("/local.test"), "2"]));
    assert_eq!(body, "line one\n.starts with a dot\n..two dots\nlast\n");
    let head = ok(&netkit(&["nntp", "head", &inn.url(""), &seeded_id(1)]));
    assert!(head.contains("Subject: Dots\n"), "{head}");
    assert!(!head.contains("line one"), "{head}");
    let article = ok(&netkit(&["nntp", "article", &inn.url("/local.test"), "1"]));
    assert!(article.contains("Newsgroups: local.test\n"), "{article}");
    assert!(
        article.ends_with("\n\nhello from the harness\n"),
        "{article}"
    );
    let stat = ok(&netkit(&["nntp", "stat", &inn.url("/local.test"), "1-3"]));
    assert_eq!(
        stat,
        format!(
            "1 {}\n2 {}\n3 {}\n",
            seeded_id(0),
            seeded_id(1),
            seeded_id(2)
        )
    );
    // Several articles into a directory, one file each.
    let dir = tempfile::tempdir().expect("tempdir");
    ok(&netkit(&[
        "nntp",
        "article",
        &inn.url("/local.test"),
        "1-",
        "--output-dir",
        dir.path().to_str().expect("path"),
    ]));
    let saved = std::fs::read_to_string(dir.path().join("2")).expect("file 2");
    assert!(saved.ends_with("\n\nline one\n.starts with a dot\n..two dots\nlast\n"));
    assert!(dir.path().join("3").is_file());
    // No such article: exit 1, the id named.
    let out = netkit(&["nntp", "article", &inn.url(""), "<nope@netkit.test>"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("<nope@netkit.test>"),
        "{}",
        stderr(&out)
    );
    let out = netkit(&["nntp", "article", &inn.url("/local.test"), "99"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = netkit(&["nntp", "group", &inn.url("/no.such.group")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn posts_composed_and_raw_are_visible_afterwards() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let out = netkit(&[
        "nntp",
        "post",
        &inn.url("/local.test"),
        "--from",
        "Tester <tester@netkit.test>",
        "--subject",
        "Grüße from netkit",
        "--body",
        "first line\n.a dot line\n",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).expect("json");
    let id = v["message_id"].as_str().expect("id").to_owned();
    assert!(id.ends_with("@netkit.test>"), "{id}");
    assert_eq!(v["newsgroups"], "local.test");
    let raw = "From: raw@netkit.test\nSubject: raw post\n\n.leading dot\nend\n";
    let out = run_with_stdin(
        &["nntp", "post", &inn.url("/local.test"), "-"],
        raw.as_bytes(),
    );
    let printed = ok(&out);
    assert!(
        printed.starts_with("posted <") && printed.contains(" to local.test"),
        "{printed}"
    );
    let over = ok(&netkit(&["nntp", "over", &inn.url("/local.test"), "4-"]));
    let lines: Vec<&str> = over.lines().collect();
    assert_eq!(lines.len(), 2, "{over}");
    assert!(lines[0].contains(&id), "{over}");
    assert!(lines[1].contains("\traw post\t"), "{over}");
    let body = ok(&netkit(&["nntp", "body", &inn.url("/local.test"), "5"]));
    assert_eq!(body, ".leading dot\nend\n");
    // The composed body: quoted-printable or 7bit, but the dot line survives whole.
    let body = ok(&netkit(&["nntp", "body", &inn.url(""), &id]));
    assert!(body.contains(".a dot line"), "{body}");
    // A group that takes no posts: 441/440 is a refusal, exit 1.
    let out = netkit(&[
        "nntp",
        "post",
        &inn.url("/local.noposting"),
        "--from",
        "t@netkit.test",
        "--subject",
        "x",
        "--body",
        "y",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("44"), "{}", stderr(&out));
}

#[test]
fn the_restricted_group_needs_authinfo() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let out = netkit(&["nntp", "group", &inn.url("/local.private")]);
    assert_eq!(code(&out), 7, "480 without credentials: {}", stderr(&out));
    assert!(stderr(&out).contains("480"), "{}", stderr(&out));
    let url = format!(
        "nntp://{}:{}@127.0.0.1:{}/local.private",
        NKUSER2.user,
        NKUSER2.url_pass,
        inn.port()
    );
    let text = ok(&netkit(&["nntp", "over", &url, "-q"]));
    assert!(text.starts_with("1\tSecret\t"), "{text}");
    let dir = tempfile::tempdir().expect("tempdir");
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{}\n", NKUSER1.pass)).expect("pw");
    let url = format!("nntp://127.0.0.1:{}/local.private", inn.port());
    let text = ok(&netkit(&[
        "nntp",
        "body",
        &url,
        "1",
        "-u",
        NKUSER1.user,
        "--password-file",
        pw.to_str().expect("path"),
        "-v",
    ]));
    assert_eq!(text, "for members only\n");
    let bad = netkit_env(
        &["nntp", "group", &url, "-u", NKUSER1.user, "--no-netrc"],
        &[("NETKIT_PASSWORD", "wrong")],
    );
    assert_eq!(code(&bad), 7, "{}", stderr(&bad));
    assert!(stderr(&bad).contains("481"), "{}", stderr(&bad));
    assert!(!stderr(&bad).contains("wrong"), "{}", stderr(&bad));
}

#[test]
fn starttls_and_nntps_verify_the_test_ca() {
    let ca = TestCa::new();
    let inn = Inn::start_with(&ca, true);
    let cacert = ca.ca_pem();
    let cacert = cacert.to_str().expect("path");
    let out = netkit(&[
        "nntp",
        "group",
        &inn.url("/local.test"),
        "--tls",
        "required",
        "--cacert",
        cacert,
        "-v",
    ]);
    assert_eq!(ok(&out), "local.test 3 1 3\n");
    assert!(stderr(&out).contains("> STARTTLS"), "{}", stderr(&out));
    let nntps = format!("nntps://127.0.0.1:{}/local.test", inn.tls_port());
    let text = ok(&netkit(&["nntp", "over", &nntps, "--cacert", cacert]));
    assert_eq!(text.lines().count(), 3, "{text}");
    // Over TLS a login to a remote-looking name is allowed; here: the private group.
    let private = format!(
        "nntps://{}:{}@localhost:{}/local.private",
        NKUSER1.user,
        NKUSER1.url_pass,
        inn.tls_port()
    );
    let text = ok(&netkit(&[
        "nntp", "group", &private, "--cacert", cacert, "-q",
    ]));
    assert_eq!(text, "local.private 1 1 1\n");
    // Without the test CA the certificate is unknown: exit 6.
    let out = netkit(&["nntp", "group", &nntps]);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
}

#[test]
fn over_new_lists_only_what_arrived_since_the_last_run() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state").join("newsrc");
    let state_s = state.to_str().expect("path");
    let url = inn.url("/local.test");
    let first = ok(&netkit(&[
        "nntp", "over", &url, "--new", "--state", state_s,
    ]));
    assert_eq!(first.lines().count(), 3, "the first run lists everything");
    let again = ok(&netkit(&[
        "nntp", "over", "--new", &url, "--state", state_s,
    ]));
    assert_eq!(again, "");
    inn.raw_post(
        "From: late@netkit.test\r\nNewsgroups: local.test\r\nSubject: Late\r\n\r\nnew\r\n.\r\n",
        false,
    )
    .expect("post");
    let later = ok(&netkit(&[
        "nntp", "over", &url, "--new", "--state", state_s,
    ]));
    assert!(later.starts_with("4\tLate\t"), "{later}");
    assert_eq!(later.lines().count(), 1);
    let text = std::fs::read_to_string(&state).expect("state");
    assert!(
        text.contains(&format!("[127.0.0.1:{}]\nlocal.test: 1-4\n", inn.port())),
        "{text}"
    );
    // The XDG default, and NNTPSERVER giving the server.
    let xdg = dir.path().join("xdg");
    let env = [
        ("XDG_STATE_HOME", xdg.to_str().expect("path")),
        ("NNTPSERVER", &format!("127.0.0.1:{}", inn.port())),
    ];
    let text = ok(&netkit_env(&["nntp", "over", "local.test", "--new"], &env));
    assert_eq!(text.lines().count(), 4);
    assert!(xdg.join("netkit/newsrc").is_file());
    let text = ok(&netkit_env(&["nntp", "group", "local.test"], &env));
    assert_eq!(text, "local.test 4 1 4\n");
}

#[test]
fn newnews_lists_message_ids_since_a_time() {
    let ca = TestCa::new();
    let inn = Inn::start(&ca);
    let text = ok(&netkit(&[
        "nntp",
        "newnews",
        &inn.url("/local.test"),
        "--since",
        "2000-01-01",
    ]));
    let mut ids: Vec<&str> = text.lines().collect();
    ids.sort();
    assert_eq!(ids, [seeded_id(0), seeded_id(1), seeded_id(2)]);
    let text = ok(&netkit(&[
        "nntp",
        "newnews",
        &inn.url("/local.test"),
        "--since",
        "2099-01-01T00:00:00Z",
    ]));
    assert_eq!(text, "");
}
