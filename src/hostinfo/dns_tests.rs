//! Unit tests of `dns` (compiled only under #[cfg(test)]): SERVER parsing, PTR names, query
//! building, reply validation, and property tests that no input makes the parsers panic.

use std::str::FromStr;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{Name, RData, Record};

use super::*;

fn spec(host: ServerHost, port: u16) -> ServerSpec {
    ServerSpec { host, port }
}

#[test]
fn server_forms_are_understood() {
    let ip = |s: &str| ServerHost::Ip(s.parse().unwrap());
    assert_eq!(
        parse_server("127.0.0.1").unwrap(),
        spec(ip("127.0.0.1"), 53)
    );
    assert_eq!(
        parse_server("127.0.0.1:5353").unwrap(),
        spec(ip("127.0.0.1"), 5353)
    );
    assert_eq!(parse_server("[::1]:5353").unwrap(), spec(ip("::1"), 5353));
    assert_eq!(parse_server("[::1]").unwrap(), spec(ip("::1"), 53));
    assert_eq!(parse_server("::1").unwrap(), spec(ip("::1"), 53));
    assert_eq!(
        parse_server("ns.example:54").unwrap(),
        spec(ServerHost::Name("ns.example".into()), 54)
    );
    assert_eq!(
        parse_server("localhost").unwrap(),
        spec(ServerHost::Name("localhost".into()), 53)
    );
}

#[test]
fn bad_servers_are_usage_errors() {
    for bad in [
        "",
        "1.2.3.4:",
        "1.2.3.4:0",
        "1.2.3.4:70000",
        "[::1",
        "[::1]x",
        "[1.2.3.4]:53",
        "fe80::1:53:x",
        "a b",
        "host:port",
    ] {
        let err = parse_server(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage, "{bad}");
    }
}

#[test]
fn ptr_names_for_both_families() {
    assert_eq!(
        ptr_name("192.0.2.10".parse().unwrap()),
        "10.2.0.192.in-addr.arpa."
    );
    assert_eq!(
        ptr_name("2001:db8::1".parse().unwrap()),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
    );
    let n = query_name("127.0.0.1", QueryType::Ptr).unwrap();
    assert_eq!(n.to_ascii(), "1.0.0.127.in-addr.arpa.");
    // Not PTR: an address is just a name.
    assert_eq!(
        query_name("www.netkit.test", QueryType::A)
            .unwrap()
            .to_ascii(),
        "www.netkit.test."
    );
}

#[test]
fn unicode_names_become_idna() {
    let n = query_name("bücher.example", QueryType::A).unwrap();
    assert_eq!(n.to_ascii(), "xn--bcher-kva.example.");
    assert!(query_name("a..b", QueryType::A).is_err());
}

#[test]
fn types_are_case_insensitive() {
    assert_eq!(QueryType::from_str("mx"), Ok(QueryType::Mx));
    assert_eq!(QueryType::from_str("AaAa"), Ok(QueryType::Aaaa));
    assert!(QueryType::from_str("SRVX").is_err());
}

fn query() -> Message {
    build_query(
        &Name::from_str("www.netkit.test.").unwrap(),
        QueryType::A,
        true,
    )
}

fn reply_to(q: &Message) -> Message {
    let mut r = Message::response(q.metadata.id, OpCode::Query);
    r.add_queries(q.queries.clone());
    r.add_answer(Record::from_rdata(
        Name::from_str("www.netkit.test.").unwrap(),
        60,
        RData::A(A::new(127, 0, 0, 1)),
    ));
    r
}

#[test]
fn query_carries_rd_and_edns() {
    let q = query();
    assert!(q.metadata.recursion_desired);
    assert_eq!(q.edns.as_ref().map(|e| e.max_payload()), Some(EDNS_PAYLOAD));
    let plain = build_query(&Name::root(), QueryType::Ns, false);
    assert!(plain.edns.is_none());
}

#[test]
fn matching_reply_is_accepted() {
    let q = query();
    let bytes = reply_to(&q).to_vec().unwrap();
    let msg = validate_reply(&bytes, &q).unwrap();
    assert_eq!(msg.answers.len(), 1);
}

#[test]
fn question_case_may_differ() {
    let q = query();
    let mut r = reply_to(&q);
    r.queries[0].set_name(Name::from_str("WWW.Netkit.TEST.").unwrap());
    assert!(validate_reply(&r.to_vec().unwrap(), &q).is_ok());
}

#[test]
fn other_id_is_ignored_not_fatal() {
    let q = query();
    let mut r = reply_to(&q);
    r.metadata.id = q.metadata.id.wrapping_add(1);
    assert!(matches!(
        validate_reply(&r.to_vec().unwrap(), &q),
        Err(Invalid::OtherId(_))
    ));
}

#[test]
fn echoed_query_and_wrong_question_are_malformed() {
    let q = query();
    let echoed = q.to_vec().unwrap();
    assert!(matches!(
        validate_reply(&echoed, &q),
        Err(Invalid::Malformed(_))
    ));
    let mut r = reply_to(&q);
    r.queries[0].set_name(Name::from_str("evil.example.").unwrap());
    assert!(matches!(
        validate_reply(&r.to_vec().unwrap(), &q),
        Err(Invalid::Malformed(_))
    ));
}

#[test]
fn garbage_with_our_id_is_malformed_and_tc_garbage_means_tcp() {
    let q = query();
    let id = q.metadata.id.to_be_bytes();
    // Header says one question, none follows.
    let mut bytes = vec![id[0], id[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0];
    assert!(matches!(
        validate_reply(&bytes, &q),
        Err(Invalid::Malformed(_))
    ));
    bytes[2] |= 0x02; // TC
    assert_eq!(validate_reply(&bytes, &q), Err(Invalid::TruncatedUnparsed));
    assert!(matches!(
        validate_reply(&[id[0]], &q),
        Err(Invalid::Malformed(_))
    ));
}

#[test]
fn refused_reply_may_omit_the_question() {
    let q = query();
    let r = Message::error_msg(q.metadata.id, OpCode::Query, ResponseCode::Refused);
    let msg = validate_reply(&r.to_vec().unwrap(), &q).unwrap();
    assert_eq!(msg.metadata.response_code, ResponseCode::Refused);
    assert_eq!(msg.metadata.message_type, MessageType::Response);
}

fn reply_with(code: ResponseCode, answers: bool) -> Reply {
    let q = query();
    let mut m = reply_to(&q);
    if !answers {
        m.answers.clear();
    }
    m.metadata.response_code = code;
    Reply {
        server: "127.0.0.1:53".parse().unwrap(),
        transport: Transport::Udp,
        tcp_fallback: false,
        message: m,
        elapsed: Duration::from_millis(3),
    }
}

#[test]
fn rcodes_map_to_exit_kinds() {
    let name = Name::from_str("www.netkit.test.").unwrap();
    let kind = |code, answers| {
        verdict(&reply_with(code, answers), &name, QueryType::A)
            .err()
            .map(|e| e.kind())
    };
    assert_eq!(kind(ResponseCode::NoError, true), None);
    assert_eq!(kind(ResponseCode::NoError, false), Some(ErrorKind::Resolve));
    assert_eq!(
        kind(ResponseCode::NXDomain, false),
        Some(ErrorKind::Resolve)
    );
    assert_eq!(kind(ResponseCode::Refused, false), Some(ErrorKind::Refused));
    assert_eq!(
        kind(ResponseCode::ServFail, false),
        Some(ErrorKind::Temporary)
    );
    assert_eq!(
        kind(ResponseCode::FormErr, false),
        Some(ErrorKind::Protocol)
    );
}

#[test]
fn summary_has_flags_and_answers() {
    let name = Name::from_str("www.netkit.test.").unwrap();
    let s = Summary::new(
        &reply_with(ResponseCode::NoError, true),
        &name,
        QueryType::A,
    );
    assert_eq!(s.rcode, "NOERROR");
    assert_eq!(s.answers[0].data, "127.0.0.1");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["transport"], "udp");
    assert_eq!(json["answers"][0]["type"], "A");
}

proptest::proptest! {
    #[test]
    fn reply_validation_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let q = query();
        let _ = validate_reply(&bytes, &q);
    }

    #[test]
    fn reply_validation_never_panics_with_our_id(mut bytes in proptest::collection::vec(proptest::num::u8::ANY, 2..600)) {
        let q = query();
        let id = q.metadata.id.to_be_bytes();
        bytes[0] = id[0];
        bytes[1] = id[1];
        if let Ok(msg) = validate_reply(&bytes, &q) {
            // Whatever parsed must also format without panicking.
            let _ = msg.answers.iter().map(Rr::from_record).count();
        }
    }

    #[test]
    fn server_parsing_never_panics(s in "\\PC{0,40}") {
        let _ = parse_server(&s);
    }

    #[test]
    fn server_ports_round_trip(port in 1u16..) {
        let s = parse_server(&format!("[::1]:{port}")).unwrap();
        proptest::prop_assert_eq!(s.port, port);
        let s = parse_server(&format!("10.0.0.1:{port}")).unwrap();
        proptest::prop_assert_eq!(s.port, port);
    }

    #[test]
    fn query_names_never_panic(s in "\\PC{0,80}") {
        let _ = query_name(&s, QueryType::A);
        let _ = query_name(&s, QueryType::Ptr);
    }
}

#[test]
fn every_type_name_round_trips_and_the_first_nameserver_is_found() {
    for name in QueryType::NAMES {
        let t = QueryType::from_str(&name.to_ascii_lowercase()).unwrap();
        assert_eq!(t.name(), name);
    }
    let conf = "# comment\nsearch x.test\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n";
    assert_eq!(super::first_nameserver(conf).as_deref(), Some("192.0.2.1"));
    assert_eq!(super::first_nameserver("search x\n"), None);
}
