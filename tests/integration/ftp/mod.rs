//! `netkit ftp` against scripted misbehaving FTP peers (`peers`) and real servers.

mod abort;
mod durable;
mod hidden;
mod hostile;
mod ipv6;
mod mirror_cli;
mod peers;
mod servers;
mod tls_peers;
mod usage;
