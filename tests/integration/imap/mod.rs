//! imap against real dovecot (STARTTLS, imaps) and scripted misbehaving peers.

mod dovecot;
mod hostile;
mod peers;
