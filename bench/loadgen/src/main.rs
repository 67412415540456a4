//! Load generator for bench/time.sh: N worker threads (std only) hammer one server for a fixed
//! time and report replies/s, p50/p99 latency and errors as one JSON line.
//!
//! * `tcp`: each request is connect → read to EOF → close (a daytime/time exchange).
//! * `udp`: send one datagram, wait for one reply (1 s timeout = an error).
//! * `ntp`: the same with a 48-byte SNTP mode-3 request.
//! * `--idle N`: first open N TCP connections and keep them open (never read) while measuring.
//!
//! Usage: loadgen tcp|udp|ntp ADDR:PORT [--workers 64] [--secs 5] [--idle 0]

use std::io::Read;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

struct Opts {
    mode: String,
    addr: SocketAddr,
    workers: usize,
    secs: f64,
    idle: usize,
}

fn parse() -> Result<Opts, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().ok_or("mode: tcp|udp|ntp")?;
    let addr = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .ok_or("ADDR:PORT")?;
    let mut o = Opts {
        mode,
        addr,
        workers: 64,
        secs: 5.0,
        idle: 0,
    };
    let mut i = 2;
    while i + 1 < args.len() {
        let v = &args[i + 1];
        match args[i].as_str() {
            "--workers" => o.workers = v.parse().map_err(|_| "--workers N")?,
            "--secs" => o.secs = v.parse().map_err(|_| "--secs S")?,
            "--idle" => o.idle = v.parse().map_err(|_| "--idle N")?,
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(o)
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
}

fn tcp_once(addr: SocketAddr, buf: &mut [u8]) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    if s.set_read_timeout(Some(Duration::from_secs(2))).is_err() {
        return false;
    }
    let mut got = 0;
    loop {
        match s.read(&mut buf[got..]) {
            Ok(0) => return got > 0,
            Ok(n) => {
                got += n;
                if got == buf.len() {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
}

fn worker(o: Arc<Opts>, stop: Arc<AtomicBool>) -> Tally {
    let mut t = Tally::default();
    let mut buf = [0u8; 512];
    let udp = if o.mode == "tcp" {
        None
    } else {
        let local: SocketAddr = if o.addr.is_ipv6() {
            "[::]:0"
        } else {
            "0.0.0.0:0"
        }
        .parse()
        .ok()
        .unwrap_or(o.addr);
        let s = UdpSocket::bind(local).and_then(|s| s.connect(o.addr).map(|()| s));
        match s {
            Ok(s) => {
                let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
                Some(s)
            }
            Err(_) => {
                return Tally {
                    latencies_us: Vec::new(),
                    errors: 1,
                };
            }
        }
    };
    let mut ntp_req = [0u8; 48];
    ntp_req[0] = 0x23;
    while !stop.load(Ordering::Relaxed) {
        let start = Instant::now();
        let ok = match &udp {
            None => tcp_once(o.addr, &mut buf),
            Some(s) => {
                let payload: &[u8] = if o.mode == "ntp" {
                    let nanos = start.elapsed().as_nanos() as u64 ^ (t.latencies_us.len() as u64);
                    ntp_req[40..48].copy_from_slice(&nanos.to_be_bytes());
                    ntp_req[40] = 0xe0;
                    &ntp_req
                } else {
                    b""
                };
                s.send(payload).is_ok() && s.recv(&mut buf).is_ok()
            }
        };
        if ok {
            t.latencies_us
                .push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
        } else {
            t.errors += 1;
        }
    }
    t
}

fn main() {
    let o = match parse() {
        Ok(o) => Arc::new(o),
        Err(e) => {
            eprintln!(
                "loadgen: {e}\nusage: loadgen tcp|udp|ntp ADDR:PORT [--workers N] [--secs S] [--idle N]"
            );
            std::process::exit(2);
        }
    };
    let idle: Vec<TcpStream> = (0..o.idle)
        .filter_map(|_| TcpStream::connect_timeout(&o.addr, Duration::from_secs(2)).ok())
        .collect();
    let idle_open = idle.len();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = (0..o.workers)
        .map(|_| {
            let (o, stop) = (Arc::clone(&o), Arc::clone(&stop));
            thread::spawn(move || worker(o, stop))
        })
        .collect();
    thread::sleep(Duration::from_secs_f64(o.secs));
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        if let Ok(t) = h.join() {
            all.extend(t.latencies_us);
            errors += t.errors;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        f64::from(all[i]) / 1000.0
    };
    println!(
        "{{\"replies\":{},\"replies_per_s\":{:.0},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"errors\":{},\"idle_open\":{},\"secs\":{:.2}}}",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        errors,
        idle_open,
        elapsed
    );
    drop(idle);
}
