//! The server's sockets: bound from `-l`/`-p`, or inherited through systemd socket activation
//! (`sd_listen_fds(3)`: `LISTEN_PID` names this process, `LISTEN_FDS` counts the sockets from
//! fd 3). Parsed here rather than with `listenfd` (weighed for issue 20, +1,752 bytes):
//! listenfd takes the sockets when `LISTEN_PID` is absent (its systemfd extension), so a
//! `LISTEN_FDS` leaked into a child's environment would hand it fds that are not its own,
//! and it asks the caller to guess each socket's type, where this code reads it (TCP or UDP)
//! and names a descriptor of any other kind.
//!
//! * Default: `[::]` with `IPV6_V6ONLY` plus `0.0.0.0`, so both families work whatever the
//!   `net.ipv6.bindv6only` sysctl says; a host without IPv6 loses only the IPv6 listener.
//! * `-p 0` (SPEC §8): the kernel picks a port for the first socket and every other listener
//!   binds the same number; if another program holds it on one of them, start over.
//! * Sockets block with no timeout; a stop wakes them (see `blocking` and `stop`).
//! * TCP backlog 4096 (the kernel caps it at `net.core.somaxconn`): a connection flood queues
//!   in the kernel instead of being refused.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::os::fd::{FromRawFd, RawFd};

use socket2::{Domain, Protocol as SockProto, Socket, Type};

use crate::net::Family;
use crate::proto::time::Transport;

pub const BACKLOG: i32 = 4096;

/// One listening socket.
#[derive(Debug)]
pub enum Listener {
    Tcp(Socket),
    Udp(UdpSocket),
}

impl Listener {
    pub fn as_raw_fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsRawFd;
        match self {
            Listener::Tcp(s) => s.as_raw_fd(),
            Listener::Udp(s) => s.as_raw_fd(),
        }
    }

    pub fn transport(&self) -> Transport {
        match self {
            Listener::Tcp(_) => Transport::Tcp,
            Listener::Udp(_) => Transport::Udp,
        }
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match self {
            Listener::Tcp(s) => s
                .local_addr()?
                .as_socket()
                .ok_or_else(|| io::Error::other("not an IP socket")),
            Listener::Udp(s) => s.local_addr(),
        }
    }
}

/// The addresses to bind: `-l` values, or both wildcards (narrowed by `-4`/`-6`).
pub fn addresses(listen: &[IpAddr], family: Family) -> Vec<IpAddr> {
    if !listen.is_empty() {
        return listen.to_vec();
    }
    let mut out = Vec::new();
    if family != Family::V4 {
        out.push(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    }
    if family != Family::V6 {
        out.push(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    }
    out
}

/// Binds every (address, transport) pair on `port`; port 0 means one free port for all.
/// An IPv6 wildcard that the host cannot bind is skipped when other sockets remain (the
/// caller hears about it through `skipped`).
pub fn bind_all(
    addrs: &[IpAddr],
    transports: &[Transport],
    port: u16,
    skipped: &mut Vec<(SocketAddr, io::Error)>,
) -> io::Result<Vec<Listener>> {
    const ATTEMPTS: usize = 32;
    let mut last_err = None;
    for _ in 0..ATTEMPTS {
        skipped.clear();
        match bind_once(addrs, transports, port, skipped) {
            Ok(l) if !l.is_empty() => return Ok(l),
            Ok(_) => {
                return Err(skipped
                    .pop()
                    .map(|(_, e)| e)
                    .unwrap_or_else(|| io::Error::other("nothing to listen on")));
            }
            // Only a picked port can be retried: a port the user named stays taken.
            Err(e) if port == 0 && e.kind() == io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

fn bind_once(
    addrs: &[IpAddr],
    transports: &[Transport],
    port: u16,
    skipped: &mut Vec<(SocketAddr, io::Error)>,
) -> io::Result<Vec<Listener>> {
    let mut out: Vec<Listener> = Vec::new();
    let mut port = port;
    for ip in addrs {
        for t in transports {
            let addr = SocketAddr::new(*ip, port);
            match bind_one(addr, *t) {
                Ok(l) => {
                    if port == 0 {
                        port = l.local_addr()?.port();
                    }
                    out.push(l);
                }
                // No IPv6 on this host (container, ipv6.disable=1): serve IPv4 alone.
                Err(e)
                    if ip.is_ipv6()
                        && ip.is_unspecified()
                        && matches!(
                            e.raw_os_error(),
                            Some(libc::EAFNOSUPPORT | libc::EADDRNOTAVAIL)
                        ) =>
                {
                    skipped.push((addr, e));
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}

fn bind_one(addr: SocketAddr, transport: Transport) -> io::Result<Listener> {
    let domain = Domain::for_address(addr);
    let (ty, proto) = match transport {
        Transport::Tcp => (Type::STREAM, SockProto::TCP),
        Transport::Udp => (Type::DGRAM, SockProto::UDP),
    };
    let socket = Socket::new(domain, ty, Some(proto))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    if transport == Transport::Tcp {
        // Restarting the server must not wait for TIME_WAIT to drain.
        socket.set_reuse_address(true)?;
    }
    socket.bind(&addr.into())?;
    blocking(&socket)?;
    Ok(match transport {
        Transport::Tcp => {
            socket.listen(BACKLOG)?;
            Listener::Tcp(socket)
        }
        Transport::Udp => Listener::Udp(socket.into()),
    })
}

/// Blocking sockets with no timeout: a busy server makes one system call per client (no
/// `poll` first) and an idle one sleeps in `accept`/`recvfrom` until a client or a stop
/// (`stop` shuts the socket down to wake it).
fn blocking(socket: &Socket) -> io::Result<()> {
    socket.set_nonblocking(false)?;
    socket.set_read_timeout(None)
}

/// Sockets passed by systemd (or any `sd_listen_fds` launcher), or `None` when this process
/// was not socket-activated. Must run before other threads start: it clears the variables
/// so that children do not inherit them, as `sd_listen_fds(1)` does.
pub fn activated() -> io::Result<Option<Vec<Listener>>> {
    let pid_ok = std::env::var("LISTEN_PID")
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .is_some_and(|p| p == std::process::id());
    let count = std::env::var("LISTEN_FDS")
        .ok()
        .and_then(|n| n.trim().parse::<i32>().ok());
    let Some(count) = count.filter(|_| pid_ok) else {
        return Ok(None);
    };
    // SAFETY: called from the front end before any thread that reads the environment starts.
    unsafe {
        std::env::remove_var("LISTEN_PID");
        std::env::remove_var("LISTEN_FDS");
        std::env::remove_var("LISTEN_FDNAMES");
    }
    if !(1..=64).contains(&count) {
        return Err(io::Error::other(format!(
            "LISTEN_FDS={count}: expected 1 to 64 sockets"
        )));
    }
    let mut out = Vec::new();
    for fd in 3..3 + count {
        out.push(inherited(fd)?);
    }
    Ok(Some(out))
}

fn inherited(fd: RawFd) -> io::Result<Listener> {
    let mut ty: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes an int into `ty`; it fails with ENOTSOCK on a non-socket.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            (&mut ty as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(
            e.kind(),
            format!("LISTEN_FDS: fd {fd}: {}", crate::error::io_words(&e)),
        ));
    }
    // SAFETY: the launcher hands this fd to us alone (sd_listen_fds contract).
    let socket = unsafe { Socket::from_raw_fd(fd) };
    socket.set_cloexec(true)?;
    blocking(&socket)?;
    match ty {
        libc::SOCK_STREAM => Ok(Listener::Tcp(socket)),
        libc::SOCK_DGRAM => Ok(Listener::Udp(socket.into())),
        other => Err(io::Error::other(format!(
            "LISTEN_FDS: fd {fd} has socket type {other}"
        ))),
    }
}
