//! `netkit ftp` against scripted misbehaving FTP peers (`peers`) and real servers.

mod peers;
mod servers;
