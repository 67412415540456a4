//! telnet against busybox and inetutils telnetd, scripted misbehaving peers, and a real
//! terminal (tmux) for the interactive mode.

mod hostile;
mod peers;
mod servers;
mod terminal;
