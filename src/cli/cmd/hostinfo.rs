//! `netkit hostinfo`: names, addresses, services, byte order and direct DNS questions
//! (SPEC §7, §8). Parses flags, calls `crate::hostinfo`, prints human lines or JSON.
//!
//! Several NAMEs give one result each (JSON Lines with `--json`); the exit is 0 when all
//! succeeded, 12 (partial) when some failed, and the first failure's code when all failed.
//! A failed item is reported on stderr as it happens, the others still print.

use std::net::IpAddr;

use clap::builder::TypedValueParser;
use serde::Serialize;
use serde_json::json;

use crate::cli::common::NetOpts;
use crate::cli::exit::{self, Outcome};
use crate::cli::render::{Stdout, clean_text};
use crate::hostinfo::dns::{self, AskOptions, QueryType};
use crate::hostinfo::{self, Family, Limits, byteorder, system};
use crate::{Error, ErrorKind};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Names or addresses to look up; none: this host. @SERVER means --dns SERVER (dig's spelling)
    #[arg(value_name = "NAME|ADDR|@SERVER", value_hint = clap::ValueHint::Hostname)]
    pub name: Vec<String>,

    /// Look up a service by name or port in the services database (default proto tcp; repeatable)
    #[arg(long, value_name = "NAME|PORT[/PROTO]", conflicts_with_all = ["name", "byteorder", "dns"])]
    pub service: Vec<String>,

    /// Show N in host and network byte order (16 and 32 bits)
    #[arg(long, value_name = "N", conflicts_with_all = ["name", "dns"],
          value_parser = |s: &str| byteorder::parse_value(s).map_err(|e| e.to_string()))]
    pub byteorder: Option<u32>,

    /// Ask this DNS server directly: ADDR, ADDR:PORT, [V6ADDR]:PORT or a name
    #[arg(long, value_name = "SERVER", requires = "name", value_hint = clap::ValueHint::Hostname)]
    pub dns: Option<String>,

    /// Record type to ask a DNS server for (default A). Without --dns or @SERVER, the first nameserver of /etc/resolv.conf is asked, as dig does
    #[arg(long = "type", value_name = "TYPE", requires = "name",
          value_parser = clap::builder::PossibleValuesParser::new(QueryType::NAMES)
              .map(|s| s.parse::<QueryType>().unwrap_or(QueryType::A)),
          ignore_case = true)]
    pub rtype: Option<QueryType>,

    /// DNS: use TCP only
    #[arg(long, requires = "name")]
    pub tcp: bool,

    /// DNS: send no EDNS(0) option (UDP replies then stop at 512 bytes)
    #[arg(long, requires = "name")]
    pub no_edns: bool,

    /// Print only the data: addresses, names, ports, record DATA
    #[arg(long)]
    pub short: bool,

    #[command(flatten)]
    pub net: NetOpts,

    /// Machine-readable result on stdout
    #[arg(long)]
    pub json: bool,
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    let limits = args.net.limits();
    let family = args.net.family();
    let mut out = Stdout::new();
    let server = dns_server(&mut args)?;
    let outcome = if let Some(n) = args.byteorder {
        show_byteorder(&mut out, &args, n).map(|()| Outcome::Success)
    } else if !args.service.is_empty() {
        each_service(&mut out, &args)
    } else if let Some(server) = &server {
        let spec = dns::parse_server(server)?;
        let addr = dns::resolve_server(&spec, family, &limits)?;
        let qtype = args.rtype.unwrap_or(QueryType::A);
        let opts = AskOptions {
            force_tcp: args.tcp,
            edns: !args.no_edns,
        };
        each(&mut out, &args, |out, name| {
            ask_dns(out, &args, addr, name, qtype, opts, &limits)
        })
    } else if args.name.is_empty() {
        show_local(&mut out, &args, family, &limits).map(|()| Outcome::Success)
    } else {
        each(&mut out, &args, |out, name| {
            lookup(out, &args, name, family, &limits)
        })
    };
    // Flush what was printed even when the command failed: earlier items stay visible.
    let flushed = out.finish();
    let outcome = outcome?;
    flushed?;
    Ok(outcome)
}

/// The DNS server to ask, if any: `--dns`, an `@SERVER` among the names (dig's spelling,
/// taken out of the names), or — when a DNS-only flag (`--type`, `--tcp`, `--no-edns`) is
/// given without one — the first nameserver of /etc/resolv.conf, as dig does.
fn dns_server(args: &mut Args) -> anyhow::Result<Option<String>> {
    let mut at = None;
    let mut names = Vec::with_capacity(args.name.len());
    for n in args.name.drain(..) {
        match n.strip_prefix('@') {
            Some(server) if at.is_none() => at = Some(server.to_owned()),
            Some(_) => return Err(Error::usage("give one @SERVER").into()),
            None => names.push(n),
        }
    }
    args.name = names;
    let server = match (args.dns.clone(), at) {
        (Some(_), Some(_)) => return Err(Error::usage("give --dns or @SERVER, not both").into()),
        (Some(s), None) | (None, Some(s)) => Some(s),
        (None, None) if args.rtype.is_some() || args.tcp || args.no_edns => {
            let conf = std::fs::read_to_string("/etc/resolv.conf").map_err(|e| {
                Error::usage(format!(
                    "/etc/resolv.conf: {} (give --dns SERVER)",
                    crate::error::io_words(&e)
                ))
            })?;
            let first = dns::first_nameserver(&conf).ok_or_else(|| {
                Error::usage("/etc/resolv.conf names no nameserver: give --dns SERVER")
            })?;
            Some(first)
        }
        (None, None) => None,
    };
    if server.is_some() && args.name.is_empty() {
        return Err(Error::usage("a DNS question needs a NAME").into());
    }
    Ok(server)
}

/// `--service` given several times: one answer each, partial failures as for NAMEs.
fn each_service(out: &mut Stdout, args: &Args) -> anyhow::Result<Outcome> {
    if let [only] = args.service.as_slice() {
        return show_service(out, args, only).map(|()| Outcome::Success);
    }
    let mut tally = exit::ItemTally::default();
    for s in &args.service {
        match show_service(out, args, s) {
            Ok(()) => tally.ok += 1,
            Err(err) if exit::is_broken_pipe(&err) => return Err(err),
            Err(err) => {
                std::io::Write::flush(out)?;
                exit::report_item("hostinfo", args.json, s, &err);
                tally.failed += 1;
            }
        }
    }
    Ok(tally.outcome())
}

/// Runs `item` for every NAME: one NAME fails the command with its own error; with several,
/// each failure is reported as it comes and the exit summarises (see the module docs).
fn each(
    out: &mut Stdout,
    args: &Args,
    mut item: impl FnMut(&mut Stdout, &str) -> anyhow::Result<()>,
) -> anyhow::Result<Outcome> {
    if let [only] = args.name.as_slice() {
        return item(out, only).map(|()| Outcome::Success);
    }
    let mut first_failure = None;
    let mut failures = 0;
    for name in &args.name {
        if let Err(err) = item(out, name) {
            if exit::is_broken_pipe(&err) {
                return Err(err);
            }
            // Keep stdout and stderr in order for a reader watching both.
            std::io::Write::flush(out)?;
            exit::report_item("hostinfo", args.json, name, &err);
            failures += 1;
            first_failure.get_or_insert(exit::classify(&err));
        }
    }
    Ok(match first_failure {
        None => Outcome::Success,
        Some(kind) if failures == args.name.len() => Outcome::Exit(kind),
        Some(_) => Outcome::Exit(ErrorKind::Partial),
    })
}

/// System resolver, forward or reverse.
fn lookup(
    out: &mut Stdout,
    args: &Args,
    name: &str,
    family: Family,
    limits: &Limits,
) -> anyhow::Result<()> {
    let wait = limits.cap(limits.connect_timeout, "--connect-timeout");
    let shown = clean_text(name);
    if let Ok(addr) = name.parse::<IpAddr>() {
        let found = hostinfo::run_bounded(&shown, wait, "the system resolver", move || {
            system::lookup_addr(addr)
        })?;
        let found = clean_text(&found);
        if args.json {
            out.json(&json!({"query": name, "kind": "reverse", "address": addr, "name": found}))?;
        } else if args.short {
            out.line(&found)?;
        } else {
            out.line(&format!("{addr} has name {found}"))?;
        }
        return Ok(());
    }
    let ascii = to_ascii_name(name)?;
    let query = ascii.clone();
    let found = hostinfo::run_bounded(&shown, wait, "the system resolver", move || {
        system::lookup_host(&query, family)
    });
    let found = match found {
        Ok(f) if !f.addresses.is_empty() => f,
        // -4/-6: a name that resolves in the other family has no address of this one;
        // "does not resolve" would send the user to check the spelling.
        failed if family != Family::Any => {
            let query = ascii.clone();
            let other = hostinfo::run_bounded(&shown, wait, "the system resolver", move || {
                system::lookup_host(&query, Family::Any)
            });
            if other.is_ok_and(|f| !f.addresses.is_empty()) {
                let which = if family == Family::V6 { "IPv6" } else { "IPv4" };
                return Err(Error::new(
                    ErrorKind::Resolve,
                    format!("{shown}: has no {which} address"),
                )
                .into());
            }
            failed?
        }
        Ok(_) => {
            return Err(Error::new(ErrorKind::Resolve, format!("{shown}: has no address")).into());
        }
        Err(e) => return Err(e.into()),
    };
    if found.addresses.is_empty() {
        return Err(Error::new(ErrorKind::Resolve, format!("{shown}: has no address")).into());
    }
    let canon = found.canonical_name.as_deref().map(clean_text);
    if args.json {
        out.json(&json!({
            "query": name,
            "kind": "forward",
            "canonical_name": canon,
            "addresses": found.addresses,
        }))?;
        return Ok(());
    }
    if args.short {
        for a in &found.addresses {
            out.line(&a.to_string())?;
        }
        return Ok(());
    }
    if let Some(c) = &canon
        && !c
            .trim_end_matches('.')
            .eq_ignore_ascii_case(ascii.trim_end_matches('.'))
    {
        out.line(&format!("{shown} is an alias for {c}"))?;
    }
    let owner = canon.unwrap_or_else(|| shown.clone());
    for a in &found.addresses {
        let kind = if a.is_ipv6() {
            "IPv6 address"
        } else {
            "address"
        };
        out.line(&format!("{owner} has {kind} {a}"))?;
    }
    Ok(())
}

/// Non-ASCII names go to the resolver in IDNA form (glibc's AI_IDN is not portable).
fn to_ascii_name(name: &str) -> anyhow::Result<String> {
    if name.is_ascii() {
        return Ok(name.to_owned());
    }
    idna::domain_to_ascii(name).map_err(|e| {
        Error::usage(format!(
            "'{}': not a valid host name ({e})",
            clean_text(name)
        ))
        .into()
    })
}

fn ask_dns(
    out: &mut Stdout,
    args: &Args,
    server: std::net::SocketAddr,
    name: &str,
    qtype: QueryType,
    opts: AskOptions,
    limits: &Limits,
) -> anyhow::Result<()> {
    let qname = dns::query_name(name, qtype)?;
    let reply = dns::ask(server, &qname, qtype, opts, limits)?;
    let summary = dns::Summary::new(&reply, &qname, qtype);
    // The reply is printed whatever its rcode (JSON keeps rcode for scripts); the verdict
    // then decides the exit.
    if args.json {
        out.json(&summary)?;
    } else {
        for rr in &summary.answers {
            let line = if args.short {
                rr.data.clone()
            } else {
                rr.zone_line()
            };
            out.line(&clean_text(&line))?;
        }
    }
    dns::verdict(&reply, &qname, qtype)?;
    Ok(())
}

fn show_local(
    out: &mut Stdout,
    args: &Args,
    family: Family,
    limits: &Limits,
) -> anyhow::Result<()> {
    let host = system::host_name()?;
    let wait = limits.cap(limits.connect_timeout, "--connect-timeout");
    let query = host.clone();
    // The FQDN is the canonical name of the host name; any failure falls back to the name.
    let fqdn = hostinfo::run_bounded(&host, wait, "the system resolver", move || {
        system::lookup_host(&query, Family::Any)
    })
    .ok()
    .and_then(|f| f.canonical_name)
    .unwrap_or_else(|| host.clone());
    let interfaces = system::interfaces(family)?;
    if args.short {
        // This host's addresses, loopback left out, as `hostname -I` prints them.
        for i in interfaces.iter().filter(|i| !i.loopback) {
            for a in &i.addresses {
                out.line(&a.address.to_string())?;
            }
        }
        return Ok(());
    }
    if args.json {
        #[derive(Serialize)]
        struct Addr {
            family: &'static str,
            address: IpAddr,
            prefix_len: u8,
        }
        let ifaces: Vec<_> = interfaces
            .iter()
            .map(|i| {
                let addrs: Vec<Addr> = i
                    .addresses
                    .iter()
                    .map(|a| Addr {
                        family: family_name(a.address),
                        address: a.address,
                        prefix_len: a.prefix_len,
                    })
                    .collect();
                json!({"name": clean_text(&i.name), "up": i.up, "loopback": i.loopback,
                       "addresses": addrs})
            })
            .collect();
        out.json(
            &json!({"hostname": clean_text(&host), "fqdn": clean_text(&fqdn),
                         "interfaces": ifaces}),
        )?;
        return Ok(());
    }
    out.line(&format!("hostname: {}", clean_text(&host)))?;
    out.line(&format!("fqdn: {}", clean_text(&fqdn)))?;
    for i in &interfaces {
        let mut flags = vec![if i.up { "up" } else { "down" }];
        if i.loopback {
            flags.push("loopback");
        }
        let name = clean_text(&i.name);
        if i.addresses.is_empty() {
            out.line(&format!("{name} - - {}", flags.join(",")))?;
        }
        for a in &i.addresses {
            let fam = if a.address.is_ipv6() { "inet6" } else { "inet" };
            out.line(&format!(
                "{name} {fam} {}/{} {}",
                a.address,
                a.prefix_len,
                flags.join(",")
            ))?;
        }
    }
    Ok(())
}

fn family_name(ip: IpAddr) -> &'static str {
    if ip.is_ipv6() { "ipv6" } else { "ipv4" }
}

fn show_service(out: &mut Stdout, args: &Args, text: &str) -> anyhow::Result<()> {
    let (key, proto) = hostinfo::parse_service(text)?;
    let s = system::service(&key, &proto)?;
    if args.json {
        out.json(&json!({"name": s.name, "port": s.port, "proto": s.proto,
                         "aliases": s.aliases}))?;
    } else if args.short {
        match key {
            system::ServiceKey::Name(_) => out.line(&s.port.to_string())?,
            system::ServiceKey::Port(_) => out.line(&clean_text(&s.name))?,
        }
    } else {
        let mut line = format!("{} {}/{}", s.name, s.port, s.proto);
        if !s.aliases.is_empty() {
            line.push_str(&format!(" aliases: {}", s.aliases.join(" ")));
        }
        out.line(&clean_text(&line))?;
    }
    Ok(())
}

fn show_byteorder(out: &mut Stdout, args: &Args, n: u32) -> anyhow::Result<()> {
    let b = byteorder::convert(n);
    let order = if b.little_endian {
        "little-endian"
    } else {
        "big-endian"
    };
    if args.json {
        out.json(&json!({
            "value": n,
            "host_order": order,
            "htons": b.sixteen, "ntohs": b.sixteen,
            "htonl": b.thirty_two, "ntohl": b.thirty_two,
        }))?;
        return Ok(());
    }
    out.line(&format!("value: {n} = {n:#010x} (host is {order})"))?;
    match b.sixteen {
        Some(s) => {
            out.line(&format!("htons: {s} = {s:#06x}"))?;
            out.line(&format!("ntohs: {s} = {s:#06x}"))?;
        }
        None => out.line(&format!("htons/ntohs: n/a ({n} does not fit in 16 bits)"))?,
    }
    let l = b.thirty_two;
    out.line(&format!("htonl: {l} = {l:#010x}"))?;
    out.line(&format!("ntohl: {l} = {l:#010x}"))?;
    Ok(())
}
