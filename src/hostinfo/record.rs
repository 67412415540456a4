//! DNS resource records as text, the way dig's answer section shows them (RFC 1035 §5.1
//! master-file format): `NAME TTL CLASS TYPE DATA`. Names are absolute (trailing dot), in
//! their ASCII (IDNA) form. DATA per type: A/AAAA the address; CNAME/NS/PTR a name; MX
//! `PREF EXCHANGE`; TXT every character-string quoted, `"` and `\` escaped and bytes outside
//! printable ASCII as `\DDD` (RFC 1035 §5.1); SOA all seven fields. Other types use
//! hickory's presentation.

use hickory_proto::rr::{RData, Record};
use serde::Serialize;

/// One resource record, ready to print or serialise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rr {
    pub name: String,
    pub ttl: u32,
    pub class: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub data: String,
    /// The parts of DATA as fields, for the types scripts pick apart (MX: `preference`,
    /// `exchange`; SRV: `priority`, `weight`, `port`, `target`).
    #[serde(flatten, skip_serializing_if = "serde_json::Map::is_empty")]
    pub parts: serde_json::Map<String, serde_json::Value>,
}

impl Rr {
    pub fn from_record(record: &Record) -> Rr {
        Rr {
            name: record.name.to_ascii(),
            ttl: record.ttl,
            class: record.dns_class.to_string(),
            rtype: record.record_type().to_string(),
            data: rdata_text(&record.data),
            parts: rdata_parts(&record.data),
        }
    }

    /// The zone-file line.
    pub fn zone_line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.name, self.ttl, self.class, self.rtype, self.data
        )
    }
}

/// DATA's parts as JSON fields (empty for types whose DATA is one value).
pub fn rdata_parts(data: &RData) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    match data {
        RData::MX(mx) => {
            m.insert("preference".into(), mx.preference.into());
            m.insert("exchange".into(), mx.exchange.to_ascii().into());
        }
        RData::SRV(srv) => {
            m.insert("priority".into(), srv.priority.into());
            m.insert("weight".into(), srv.weight.into());
            m.insert("port".into(), srv.port.into());
            m.insert("target".into(), srv.target.to_ascii().into());
        }
        _ => {}
    }
    m
}

/// The DATA column for one record.
pub fn rdata_text(data: &RData) -> String {
    match data {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(a) => a.0.to_string(),
        RData::CNAME(n) => n.0.to_ascii(),
        RData::NS(n) => n.0.to_ascii(),
        RData::PTR(n) => n.0.to_ascii(),
        RData::MX(mx) => format!("{} {}", mx.preference, mx.exchange.to_ascii()),
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|s| quote_character_string(s))
            .collect::<Vec<_>>()
            .join(" "),
        RData::SOA(soa) => format!(
            "{} {} {} {} {} {} {}",
            soa.mname.to_ascii(),
            soa.rname.to_ascii(),
            soa.serial,
            soa.refresh,
            soa.retry,
            soa.expire,
            soa.minimum
        ),
        other => other.to_string(),
    }
}

/// One `<character-string>` in master-file form: quoted, `"` and `\` escaped, bytes outside
/// printable ASCII as `\DDD` (decimal), as dig prints them.
pub fn quote_character_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use hickory_proto::rr::rdata::{A, CNAME, MX, SOA, TXT};
    use hickory_proto::rr::{Name, RData, Record};

    use super::*;

    fn rr(data: RData) -> Rr {
        Rr::from_record(&Record::from_rdata(
            Name::from_str("www.netkit.test.").unwrap(),
            60,
            data,
        ))
    }

    #[test]
    fn a_record_is_a_zone_line() {
        let line = rr(RData::A(A::new(127, 0, 0, 1))).zone_line();
        assert_eq!(line, "www.netkit.test. 60 IN A 127.0.0.1");
    }

    #[test]
    fn mx_is_preference_then_exchange() {
        let r = rr(RData::MX(MX::new(
            10,
            Name::from_str("mail.netkit.test.").unwrap(),
        )));
        assert_eq!(r.data, "10 mail.netkit.test.");
        assert_eq!(r.rtype, "MX");
    }

    #[test]
    fn txt_strings_are_quoted_and_escaped() {
        let r = rr(RData::TXT(TXT::from_bytes(vec![
            b"a b".as_slice(),
            b"say \"hi\"\\".as_slice(),
            b"\x1b\xff".as_slice(),
        ])));
        assert_eq!(r.data, r#""a b" "say \"hi\"\\" "\027\255""#);
    }

    #[test]
    fn soa_shows_all_fields_and_cname_a_name() {
        let soa = SOA::new(
            Name::from_str("ns.netkit.test.").unwrap(),
            Name::from_str("hostmaster.netkit.test.").unwrap(),
            7,
            1200,
            180,
            1_209_600,
            600,
        );
        assert_eq!(
            rr(RData::SOA(soa)).data,
            "ns.netkit.test. hostmaster.netkit.test. 7 1200 180 1209600 600"
        );
        let c = rr(RData::CNAME(CNAME(
            Name::from_str("www.netkit.test.").unwrap(),
        )));
        assert_eq!(c.data, "www.netkit.test.");
    }
}
