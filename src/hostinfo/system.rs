//! The system's own databases through libc: the resolver (POSIX `getaddrinfo` with
//! `AI_CANONNAME`, `getnameinfo` with `NI_NAMEREQD`), the host name (`gethostname`), the
//! interface list (`getifaddrs`, through nix's safe wrapper: its list walking and sockaddr
//! casts were the riskiest unsafe code here, for 5 KiB of binary; if-addrs was weighed and
//! left out, it skips interfaces without an address and reads "loopback" from the address
//! rather than the flag) and the services database (`getservbyname_r`, `getservbyport_r`,
//! read from `/etc/services`, Debian package `netbase`).
//!
//! Every `unsafe` block is small and says why it is sound. None of these calls has a timeout:
//! callers that must not wait forever run them through [`super::run_bounded`].
//!
//! Quirks handled here:
//! * `getaddrinfo` with `ai_socktype = 0` returns each address once per socket type (STREAM,
//!   DGRAM, RAW): the list is deduplicated, first-seen order kept (that is the order RFC 6724
//!   sorting gave it).
//! * glibc answers a name that exists without addresses of the asked family with `EAI_NODATA`
//!   or `EAI_ADDRFAMILY`; both mean "does not resolve" to a user, like `EAI_NONAME`.
//! * `EAI_AGAIN` ("temporary failure in name resolution") is what glibc says when no DNS
//!   server answers at all, which a user also sees as "does not resolve": it maps to
//!   `Resolve` and the message says so.
//! * The libc crate does not bind the reentrant `getservby*_r` functions; glibc and musl both
//!   provide them with the signature declared below.

use std::ffi::{CStr, CString, c_char, c_int};
use std::mem::{self, MaybeUninit};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ptr;

use super::Family;
use crate::error::Result;
use crate::{Error, ErrorKind};

/// What a forward lookup found: every address once, and the canonical name when the
/// resolver reported one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub canonical_name: Option<String>,
    pub addresses: Vec<IpAddr>,
}

/// One network interface and its IP addresses (`getifaddrs` lists the name once per address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub up: bool,
    pub loopback: bool,
    pub addresses: Vec<IfAddr>,
}

/// An interface address with its prefix length (from the netmask's one bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfAddr {
    pub address: IpAddr,
    pub prefix_len: u8,
}

/// One entry of the services database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub port: u16,
    pub proto: String,
    pub aliases: Vec<String>,
}

/// Text for the C API: a NUL inside is a usage error (it would silently cut the name).
fn c_string(what: &str, text: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::usage(format!("{what} '{text}' contains a NUL byte")))
}

/// glibc's `EAI_ADDRFAMILY` (netdb.h, under `__USE_GNU`; the libc crate leaves it out).
const EAI_ADDRFAMILY: c_int = -9;

/// The message glibc has for a `getaddrinfo`/`getnameinfo` status.
fn gai_message(status: c_int) -> String {
    // SAFETY: gai_strerror returns a pointer to a static, NUL-terminated string (or NULL on
    // some libcs for unknown codes, which is checked).
    let text = unsafe { libc::gai_strerror(status) };
    if text.is_null() {
        return format!("resolver error {status}");
    }
    // SAFETY: non-null and NUL-terminated, as above; it lives for the whole program.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// Maps a resolver status to an error that names `subject` and says what to do.
fn gai_error(subject: &str, status: c_int) -> Error {
    let why = gai_message(status);
    match status {
        libc::EAI_NONAME | libc::EAI_NODATA | EAI_ADDRFAMILY | libc::EAI_FAIL => {
            crate::net::connect::does_not_resolve(subject, &why)
        }
        libc::EAI_AGAIN => Error::new(
            ErrorKind::Resolve,
            format!(
                "{subject}: does not resolve ({why}); the system's DNS servers did not answer, \
                 check /etc/resolv.conf or try again"
            ),
        ),
        libc::EAI_SYSTEM => Error::new(
            ErrorKind::LocalIo,
            format!(
                "{subject}: resolver failed: {}",
                std::io::Error::last_os_error()
            ),
        ),
        libc::EAI_MEMORY => Error::new(ErrorKind::LocalIo, format!("{subject}: {why}")),
        _ => Error::new(ErrorKind::Resolve, format!("{subject}: {why}")),
    }
}

/// Reads an IP address out of a socket address of family `AF_INET` or `AF_INET6`.
///
/// # Safety
/// `sa` must be null or point to a valid socket address whose real size matches its
/// `sa_family` (which is what getaddrinfo and getifaddrs hand out).
unsafe fn sockaddr_ip(sa: *const libc::sockaddr) -> Option<IpAddr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a valid sockaddr; read_unaligned because the C
    // structures carry no alignment promise for the wider types.
    unsafe {
        match c_int::from((*sa).sa_family) {
            libc::AF_INET => {
                let sin = ptr::read_unaligned(sa as *const libc::sockaddr_in);
                Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    sin.sin_addr.s_addr,
                ))))
            }
            libc::AF_INET6 => {
                let sin6 = ptr::read_unaligned(sa as *const libc::sockaddr_in6);
                Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
            }
            _ => None,
        }
    }
}

/// Owns a `getaddrinfo` result list and frees it on drop.
struct AddrInfo(*mut libc::addrinfo);

impl Drop for AddrInfo {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a successful getaddrinfo and is freed once.
            unsafe { libc::freeaddrinfo(self.0) };
        }
    }
}

/// Forward lookup through the system resolver (`/etc/hosts`, DNS, … per nsswitch.conf).
pub fn lookup_host(name: &str, family: Family) -> Result<Forward> {
    let c_name = c_string("name", name)?;
    // SAFETY: addrinfo is plain data; all-zero is the documented "no hints" starting point.
    let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
    hints.ai_flags = libc::AI_CANONNAME;
    hints.ai_family = match family {
        Family::Any => libc::AF_UNSPEC,
        Family::V4 => libc::AF_INET,
        Family::V6 => libc::AF_INET6,
    };
    let mut list: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: c_name and hints outlive the call; list receives a pointer we own afterwards.
    let status = unsafe { libc::getaddrinfo(c_name.as_ptr(), ptr::null(), &hints, &mut list) };
    if status != 0 {
        return Err(gai_error(name, status));
    }
    let list = AddrInfo(list);
    let mut forward = Forward {
        canonical_name: None,
        addresses: Vec::new(),
    };
    let mut node = list.0 as *const libc::addrinfo;
    while !node.is_null() {
        // SAFETY: node is an element of the list getaddrinfo built; it stays valid until
        // `list` is dropped at the end of this function.
        let info = unsafe { &*node };
        if forward.canonical_name.is_none() && !info.ai_canonname.is_null() {
            // SAFETY: ai_canonname is a NUL-terminated string owned by the list.
            let canon = unsafe { CStr::from_ptr(info.ai_canonname) };
            forward.canonical_name = Some(canon.to_string_lossy().into_owned());
        }
        // SAFETY: ai_addr points to a sockaddr of ai_addrlen bytes matching its family.
        if let Some(ip) = unsafe { sockaddr_ip(info.ai_addr) }
            && !forward.addresses.contains(&ip)
        {
            forward.addresses.push(ip);
        }
        node = info.ai_next;
    }
    Ok(forward)
}

/// Reverse lookup: the name the system has for `addr`, or `Resolve` when it has none.
pub fn lookup_addr(addr: IpAddr) -> Result<String> {
    // SAFETY: sockaddr_storage is plain data and large enough for either family.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let len = match addr {
        IpAddr::V4(v4) => {
            // SAFETY: as above; zeroed is a valid sockaddr_in.
            let mut sin: libc::sockaddr_in = unsafe { mem::zeroed() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from(v4).to_be();
            // SAFETY: storage is bigger than sockaddr_in; unaligned write for the same reason
            // as in sockaddr_ip.
            unsafe { ptr::write_unaligned(&mut storage as *mut _ as *mut libc::sockaddr_in, sin) };
            mem::size_of::<libc::sockaddr_in>()
        }
        IpAddr::V6(v6) => {
            // SAFETY: as above.
            let mut sin6: libc::sockaddr_in6 = unsafe { mem::zeroed() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_addr.s6_addr = v6.octets();
            // SAFETY: storage is bigger than sockaddr_in6.
            unsafe {
                ptr::write_unaligned(&mut storage as *mut _ as *mut libc::sockaddr_in6, sin6)
            };
            mem::size_of::<libc::sockaddr_in6>()
        }
    };
    let mut host = [0 as c_char; libc::NI_MAXHOST as usize];
    // SAFETY: storage holds a valid sockaddr of `len` bytes; host is a writable buffer of
    // the size passed; no service buffer is asked for.
    let status = unsafe {
        libc::getnameinfo(
            &storage as *const _ as *const libc::sockaddr,
            len as libc::socklen_t,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    if status != 0 {
        let mut err = gai_error(&addr.to_string(), status);
        if err.kind() == ErrorKind::Resolve {
            err = Error::new(
                ErrorKind::Resolve,
                format!("{addr}: has no name ({})", gai_message(status)),
            );
        }
        return Err(err);
    }
    // SAFETY: on success getnameinfo wrote a NUL-terminated string into host.
    let name = unsafe { CStr::from_ptr(host.as_ptr()) };
    Ok(name.to_string_lossy().into_owned())
}

/// This host's name as the kernel knows it (`uname -n`).
pub fn host_name() -> Result<String> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: buf is writable for len - 1 bytes; the last byte stays NUL, so the result is
    // terminated even when POSIX's truncation rules leave it unterminated.
    let status = unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len() - 1) };
    if status != 0 {
        return Err(Error::new(
            ErrorKind::LocalIo,
            format!(
                "cannot read the host name: {}",
                std::io::Error::last_os_error()
            ),
        ));
    }
    // SAFETY: terminated, see above.
    let name = unsafe { CStr::from_ptr(buf.as_ptr()) };
    Ok(name.to_string_lossy().into_owned())
}

/// Prefix length of a netmask: its one bits (a non-contiguous mask counts its ones too).
pub fn prefix_len(mask: IpAddr) -> u8 {
    let ones = match mask {
        IpAddr::V4(m) => u32::from(m).count_ones(),
        IpAddr::V6(m) => u128::from(m).count_ones(),
    };
    ones as u8
}

/// The interfaces and their IPv4/IPv6 addresses, in the kernel's order; an interface with
/// no address (a down one, say) is listed too.
pub fn interfaces(family: Family) -> Result<Vec<Interface>> {
    use nix::net::if_::InterfaceFlags;
    let list = nix::ifaddrs::getifaddrs().map_err(|e| {
        Error::new(
            ErrorKind::LocalIo,
            format!("cannot list the interfaces: {e}"),
        )
    })?;
    let ip = |s: Option<nix::sys::socket::SockaddrStorage>| -> Option<IpAddr> {
        let s = s?;
        if let Some(v4) = s.as_sockaddr_in() {
            return Some(IpAddr::V4(v4.ip()));
        }
        s.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
    };
    let mut out: Vec<Interface> = Vec::new();
    for i in list {
        let pos = match out.iter().position(|x| x.name == i.interface_name) {
            Some(p) => p,
            None => {
                out.push(Interface {
                    name: i.interface_name.clone(),
                    up: i.flags.contains(InterfaceFlags::IFF_UP),
                    loopback: i.flags.contains(InterfaceFlags::IFF_LOOPBACK),
                    addresses: Vec::new(),
                });
                out.len() - 1
            }
        };
        let Some(address) = ip(i.address) else {
            continue;
        };
        let wanted = match family {
            Family::Any => true,
            Family::V4 => address.is_ipv4(),
            Family::V6 => address.is_ipv6(),
        };
        if wanted {
            let full = if address.is_ipv4() { 32 } else { 128 };
            out[pos].addresses.push(IfAddr {
                address,
                prefix_len: ip(i.netmask).map_or(full, prefix_len),
            });
        }
    }
    Ok(out)
}

unsafe extern "C" {
    // glibc and musl: `int getservbyname_r(const char *name, const char *proto,
    // struct servent *result_buf, char *buf, size_t buflen, struct servent **result)`.
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
    // The port is in network byte order, as in `struct servent`.
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
}

/// What to look up in the services database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceKey {
    Name(String),
    Port(u16),
}

/// Looks `key` up for `proto` (`tcp`, `udp`, …). Not found is `Resolve`.
pub fn service(key: &ServiceKey, proto: &str) -> Result<Service> {
    let c_proto = c_string("protocol", proto)?;
    let c_name = match key {
        ServiceKey::Name(n) => Some(c_string("service", n)?),
        ServiceKey::Port(_) => None,
    };
    // Grow the scratch buffer on ERANGE: a service with many aliases needs more room.
    let mut size = 1024usize;
    loop {
        let mut buf = vec![0 as c_char; size];
        let mut entry = MaybeUninit::<libc::servent>::zeroed();
        let mut found: *mut libc::servent = ptr::null_mut();
        // SAFETY: all pointers are valid for the call; buf is writable for `size` bytes;
        // on success `found` points at `entry`, whose strings point into `buf`.
        let status = unsafe {
            match (&c_name, key) {
                (Some(n), _) => getservbyname_r(
                    n.as_ptr(),
                    c_proto.as_ptr(),
                    entry.as_mut_ptr(),
                    buf.as_mut_ptr(),
                    size,
                    &mut found,
                ),
                (None, ServiceKey::Port(p)) => getservbyport_r(
                    c_int::from(p.to_be()),
                    c_proto.as_ptr(),
                    entry.as_mut_ptr(),
                    buf.as_mut_ptr(),
                    size,
                    &mut found,
                ),
                (None, ServiceKey::Name(_)) => libc::EINVAL,
            }
        };
        if status == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if status != 0 || found.is_null() {
            let what = match key {
                ServiceKey::Name(n) => format!("service '{n}/{proto}'"),
                ServiceKey::Port(p) => format!("port {p}/{proto}"),
            };
            return Err(Error::new(
                ErrorKind::Resolve,
                format!(
                    "{what}: not in the services database (/etc/services, Debian package \
                     netbase); check the name, the port or the protocol"
                ),
            ));
        }
        // SAFETY: success: `found` points to an initialised servent whose strings and alias
        // array (NULL-terminated) live in `buf`, which is alive here.
        return Ok(unsafe { servent_to_service(&*found) });
    }
}

/// Copies a `servent` out of libc's buffers.
///
/// # Safety
/// `s` must be a servent filled by a successful getservby*_r call whose buffer is alive.
unsafe fn servent_to_service(s: &libc::servent) -> Service {
    // SAFETY: per the function contract, every pointer is valid and NUL-terminated.
    unsafe {
        let text = |p: *const c_char| CStr::from_ptr(p).to_string_lossy().into_owned();
        let mut aliases = Vec::new();
        let mut alias = s.s_aliases as *const *mut c_char;
        while !alias.is_null() && !(*alias).is_null() {
            aliases.push(text(*alias));
            alias = alias.add(1);
        }
        Service {
            name: text(s.s_name),
            // s_port is an int holding the 16-bit port in network byte order.
            port: u16::from_be(s.s_port as u16),
            proto: text(s.s_proto),
            aliases,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_length_counts_mask_bits() {
        assert_eq!(prefix_len("255.255.255.0".parse().unwrap()), 24);
        assert_eq!(prefix_len("255.0.0.0".parse().unwrap()), 8);
        assert_eq!(prefix_len("ffff:ffff:ffff:ffff::".parse().unwrap()), 64);
        assert_eq!(prefix_len("0.0.0.0".parse().unwrap()), 0);
    }

    #[test]
    fn localhost_resolves_to_loopback() {
        let f = lookup_host("localhost", Family::V4).unwrap();
        assert!(
            f.addresses.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)),
            "{f:?}"
        );
        // socktype duplicates are gone
        let mut sorted = f.addresses.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), f.addresses.len());
    }

    #[test]
    fn nul_in_a_name_is_a_usage_error() {
        let err = lookup_host("a\0b", Family::Any).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage);
    }

    #[test]
    fn every_interface_is_listed_with_or_without_an_address() {
        // /sys/class/net names every interface the kernel has, addressed or not.
        let mut kernel: Vec<String> = std::fs::read_dir("/sys/class/net")
            .expect("/sys/class/net")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        kernel.sort();
        let mut listed: Vec<String> = interfaces(Family::Any)
            .expect("interfaces")
            .into_iter()
            .map(|i| i.name)
            .collect();
        listed.sort();
        assert_eq!(listed, kernel);
    }

    #[test]
    fn loopback_interface_is_listed() {
        let all = interfaces(Family::V4).unwrap();
        let lo = all
            .iter()
            .find(|i| i.loopback)
            .expect("a loopback interface");
        assert!(lo.addresses.iter().any(|a| a.address.is_loopback()));
    }

    #[test]
    fn services_both_ways() {
        let smtp = service(&ServiceKey::Name("smtp".into()), "tcp").unwrap();
        assert_eq!((smtp.port, smtp.proto.as_str()), (25, "tcp"));
        let https = service(&ServiceKey::Port(443), "tcp").unwrap();
        assert_eq!(https.name, "https");
        let none = service(&ServiceKey::Name("no-such-service-x".into()), "tcp").unwrap_err();
        assert_eq!(none.kind(), ErrorKind::Resolve);
    }
}
