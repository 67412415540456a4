//! The serving loops: accept-and-answer for TCP, receive-and-answer for UDP, on blocking
//! sockets that a stop shuts down (`stop`) to wake an idle thread. A busy
//! server makes one `accept4` + one `send` + one `close` per TCP client; the daytime line is
//! formatted once per second, not per client.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use socket2::Socket;

use super::{Event, Listener, Replies, Sink, Stats, guard, stop};
use crate::proto::time::ntp::{self, Timestamp};
use crate::proto::time::{Protocol, Transport, UnixTime, daytime, rfc868};

pub struct Context {
    pub replies: Replies,
    pub stats: Arc<Stats>,
    pub sink: Arc<dyn Sink>,
    pub once: bool,
    pub max_conns: usize,
    /// `--once`: the one client has been taken by some listener.
    pub claimed: AtomicBool,
}

impl Context {
    /// `--once`: true for the first client only; the others are not served.
    fn claim(&self) -> bool {
        !self.once || !self.claimed.swap(true, Ordering::SeqCst)
    }

    fn served(&self, transport: Transport, peer: Option<SocketAddr>, time: UnixTime) {
        self.stats.clients.fetch_add(1, Ordering::Relaxed);
        self.sink.event(Event::Connection {
            time,
            transport,
            peer,
        });
    }

    fn error(&self, peer: Option<SocketAddr>, message: String) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        self.sink.event(Event::Error { peer, message });
    }
}

/// The reply for the current second, rebuilt when the second changes (a daytime line costs a
/// `localtime_r` and a format; a time reply is four bytes).
#[derive(Default)]
struct ReplyCache {
    secs: Option<i64>,
    bytes: Vec<u8>,
}

impl ReplyCache {
    fn get(&mut self, replies: &Replies, now: UnixTime) -> &[u8] {
        // RFC 3339 lines carry microseconds: never cached.
        let cacheable =
            replies.format != daytime::Format::Rfc3339 || replies.protocol != Protocol::Daytime;
        if !cacheable || self.secs != Some(now.secs) {
            self.bytes = stream_reply(replies, now);
            self.secs = Some(now.secs);
        }
        &self.bytes
    }
}

/// The reply to a daytime or time client at `now`.
pub fn stream_reply(replies: &Replies, now: UnixTime) -> Vec<u8> {
    match replies.protocol {
        Protocol::Time => rfc868::encode(now).to_vec(),
        _ => daytime::format_line(now, replies.format).into_bytes(),
    }
}

pub fn listener(listener: &Listener, ctx: &Context) {
    let result = match listener {
        Listener::Tcp(s) if ctx.replies.protocol != Protocol::Ntp => tcp_loop(s, ctx),
        Listener::Tcp(_) => Ok(()),
        Listener::Udp(s) => udp_loop(s, ctx),
    };
    if let Err(e) = result {
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        ctx.error(
            None,
            format!("listener {addr} failed: {}", crate::error::io_words(&e)),
        );
    }
}

fn idle(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn tcp_loop(listener: &Socket, ctx: &Context) -> io::Result<()> {
    let mut cache = ReplyCache::default();
    loop {
        if stop::stopping() {
            return Ok(());
        }
        // --max-conns: every client is closed before the next accept, so this bounds the
        // clients open across all listener threads.
        if ctx.stats.open.load(Ordering::Relaxed) >= ctx.max_conns {
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        let accepted = listener.accept();
        // A stop shuts the listener down (accept fails with EINVAL): not an error.
        if stop::stopping() {
            return Ok(());
        }
        match accepted {
            Ok((client, addr)) => {
                if !ctx.claim() {
                    return Ok(());
                }
                ctx.stats.open.fetch_add(1, Ordering::Relaxed);
                serve_tcp(&client, addr.as_socket(), ctx, &mut cache);
                drop(client);
                ctx.stats.open.fetch_sub(1, Ordering::Relaxed);
                if ctx.once {
                    stop::request_stop();
                    return Ok(());
                }
            }
            // A signal that was not a stop: look at the stop flag again.
            Err(e) if idle(&e) => {}
            // The client gave up before we took it: nothing to serve.
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
                ) =>
            {
                // Out of descriptors or memory: say so, and let the backlog wait a moment
                // instead of spinning on the same error.
                ctx.error(None, format!("accept: {}", crate::error::io_words(&e)));
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) if e.raw_os_error() == Some(libc::EPROTO) => {}
            Err(e) => return Err(e),
        }
    }
}

fn serve_tcp(client: &Socket, peer: Option<SocketAddr>, ctx: &Context, cache: &mut ReplyCache) {
    let now = UnixTime::now();
    let reply = cache.get(&ctx.replies, now);
    // MSG_DONTWAIT: a client that never reads cannot hold this thread.
    match client.send_with_flags(reply, libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) {
        Ok(n) if n == reply.len() => ctx.served(Transport::Tcp, peer, now),
        Ok(n) => ctx.error(
            peer,
            format!("sent {n} of {} bytes; client not reading", reply.len()),
        ),
        Err(e) => ctx.error(peer, format!("send: {}", crate::error::io_words(&e))),
    }
}

/// `recvfrom` that tolerates a datagram with no sender address (what a shut-down socket
/// returns): std's `UdpSocket::recv_from` asserts on it, socket2 hands it back.
fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, Option<SocketAddr>)> {
    // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout, and recv only writes
    // initialised bytes into an already initialised buffer.
    let uninit = unsafe { &mut *(buf as *mut [u8] as *mut [std::mem::MaybeUninit<u8>]) };
    let (n, from) = socket2::SockRef::from(socket).recv_from(uninit)?;
    Ok((n, from.as_socket()))
}

fn udp_loop(socket: &UdpSocket, ctx: &Context) -> io::Result<()> {
    let mut cache = ReplyCache::default();
    let own_port = socket.local_addr()?.port();
    let mut buf = [0u8; 2048];
    loop {
        if stop::stopping() {
            return Ok(());
        }
        let received = recv_from(socket, &mut buf);
        // A stop shuts the socket down (an empty read with no sender): not a datagram.
        if stop::stopping() {
            return Ok(());
        }
        match received {
            Ok((_, None)) => {}
            Ok((n, Some(from))) => {
                let received = UnixTime::now();
                let datagram = &buf[..n];
                if !guard::may_answer(ctx.replies.protocol, from, own_port, datagram, received) {
                    ctx.stats.dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                let reply = match ctx.replies.protocol {
                    Protocol::Ntp => {
                        let t2 = Timestamp::from_unix(received);
                        match ntp::reply(datagram, &ctx.replies.ntp, t2, Timestamp::now()) {
                            Some(r) => r.to_vec(),
                            None => {
                                ctx.stats.dropped.fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                        }
                    }
                    _ => cache.get(&ctx.replies, received).to_vec(),
                };
                if !ctx.claim() {
                    return Ok(());
                }
                match socket.send_to(&reply, from) {
                    Ok(_) => ctx.served(Transport::Udp, Some(from), received),
                    // A full send buffer drops the reply, as the network might have.
                    Err(e) => {
                        ctx.error(Some(from), format!("send: {}", crate::error::io_words(&e)))
                    }
                }
                if ctx.once {
                    stop::request_stop();
                    return Ok(());
                }
            }
            Err(e) if idle(&e) => {}
            // ICMP errors from earlier replies surface here on some systems: not ours to fix.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
}
