//! pop against real dovecot (STLS, pop3s) and scripted misbehaving peers.

mod dovecot;
mod hostile;
mod peers;
