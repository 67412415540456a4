//! The time protocols of SPEC §7: RFC 867 daytime, RFC 868 time and RFC 4330 SNTP.
//!
//! `clock`, `daytime`, `rfc868` and `ntp` are sans-IO (bytes in, values out, never a panic on
//! input); `client` is the blocking exchange over `crate::net` that `timeclient` runs, and
//! the server side lives in `crate::timeserver`.

pub mod client;
pub mod clock;
pub mod daytime;
pub mod ntp;
pub mod rfc868;

pub use clock::UnixTime;

/// Which time protocol (`--proto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Protocol {
    /// RFC 867: one line of text.
    #[default]
    Daytime,
    /// RFC 868: four bytes.
    Time,
    /// RFC 4330: SNTP, UDP only.
    Ntp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Daytime => "daytime",
            Protocol::Time => "time",
            Protocol::Ntp => "ntp",
        }
    }

    /// The IANA port, from the one scheme table (`daytime://`, `time://`, `ntp://`).
    pub fn well_known_port(self) -> u16 {
        crate::url::scheme::default_port(self.name()).unwrap_or_default()
    }
}

/// TCP or UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Protocol;

    #[test]
    fn every_protocol_has_its_iana_port_in_the_scheme_table() {
        assert_eq!(Protocol::Daytime.well_known_port(), 13);
        assert_eq!(Protocol::Time.well_known_port(), 37);
        assert_eq!(Protocol::Ntp.well_known_port(), 123);
    }
}
