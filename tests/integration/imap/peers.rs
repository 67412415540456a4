//! `netkit imap` against scripted misbehaving servers.
