//! nntp against real INN (nnrpd, STARTTLS, nnrpd -S, a restricted group) and scripted
//! misbehaving peers.

mod inn;
mod peers;
