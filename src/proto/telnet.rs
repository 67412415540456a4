//! Telnet option negotiation (RFC 854, RFC 855) as a sans-IO state machine: bytes from the
//! server go in, data and the replies to send come out. Options follow RFC 1143's rules
//! (reply only to a change of state), so two agreeing peers never loop; a peer that keeps
//! flipping an option anyway is answered a bounded number of times and then ignored.
//!
//! Accepted: the server's ECHO (1), SGA (3) and BINARY (0); ours: BINARY, SGA, TTYPE (24,
//! RFC 1091, from $TERM) and NAWS (31, RFC 1073) when there is a terminal. Everything else is
//! refused (DONT/WONT). Subnegotiations are bounded; CR NUL in data is CR (RFC 854).

pub const IAC: u8 = 255;
pub const DONT: u8 = 254;
pub const DO: u8 = 253;
pub const WONT: u8 = 252;
pub const WILL: u8 = 251;
pub const SB: u8 = 250;
pub const BRK: u8 = 243;
pub const SE: u8 = 240;

pub const BINARY: u8 = 0;
pub const ECHO: u8 = 1;
pub const SGA: u8 = 3;
pub const TTYPE: u8 = 24;
pub const NAWS: u8 = 31;

/// How many times one option may change state before netkit stops answering it.
const MAX_CHANGES: u8 = 16;
/// The longest subnegotiation kept; longer ones are dropped.
const MAX_SB: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    Data,
    Cr,
    Iac,
    Verb(u8),
    Sb,
    SbIac,
}

/// What the client offers: a terminal type and size when there is a terminal.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    pub term: Option<String>,
    pub size: Option<(u16, u16)>,
}

pub struct Negotiator {
    offer: Offer,
    /// The server's side of each option is enabled (it WILL, we said DO).
    his: [bool; 256],
    /// Our side is enabled (we WILL, it said DO).
    ours: [bool; 256],
    /// We asked and wait for the answer (RFC 1143 WANTYES).
    asked_his: [bool; 256],
    asked_ours: [bool; 256],
    changes: [u8; 256],
    state: Parse,
    sb: Vec<u8>,
}

impl Negotiator {
    pub fn new(offer: Offer) -> Self {
        Negotiator {
            offer,
            his: [false; 256],
            ours: [false; 256],
            asked_his: [false; 256],
            asked_ours: [false; 256],
            changes: [0; 256],
            state: Parse::Data,
            sb: Vec::new(),
        }
    }

    /// What to send first: SGA both ways (character at a time), and with a terminal, the
    /// offer of its size.
    pub fn start(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.asked_his[SGA as usize] = true;
        out.extend_from_slice(&[IAC, DO, SGA]);
        if self.offer.size.is_some() {
            self.asked_ours[NAWS as usize] = true;
            out.extend_from_slice(&[IAC, WILL, NAWS]);
        }
        out
    }

    /// The server echoes what we type (it WILL ECHO): no local echo.
    pub fn remote_echo(&self) -> bool {
        self.his[ECHO as usize]
    }

    /// Whether an option is on (server side, our side).
    pub fn is_on(&self, option: u8) -> (bool, bool) {
        (self.his[option as usize], self.ours[option as usize])
    }

    fn accepts_his(option: u8) -> bool {
        matches!(option, ECHO | SGA | BINARY)
    }

    fn accepts_ours(&self, option: u8) -> bool {
        match option {
            BINARY | SGA => true,
            TTYPE => self.offer.term.is_some(),
            NAWS => self.offer.size.is_some(),
            _ => false,
        }
    }

    /// Feeds bytes from the server: data to show goes to `data`, replies to `replies`.
    pub fn receive(&mut self, input: &[u8], data: &mut Vec<u8>, replies: &mut Vec<u8>) {
        for &b in input {
            self.state = match self.state {
                Parse::Data | Parse::Cr => {
                    let after_cr = self.state == Parse::Cr;
                    match b {
                        IAC => Parse::Iac,
                        0 if after_cr => Parse::Data,
                        b'\r' => {
                            data.push(b);
                            Parse::Cr
                        }
                        _ => {
                            data.push(b);
                            Parse::Data
                        }
                    }
                }
                Parse::Iac => match b {
                    IAC => {
                        data.push(IAC);
                        Parse::Data
                    }
                    DO | DONT | WILL | WONT => Parse::Verb(b),
                    SB => {
                        self.sb.clear();
                        Parse::Sb
                    }
                    // NOP, GA, DM, AYT…: nothing to show.
                    _ => Parse::Data,
                },
                Parse::Verb(verb) => {
                    self.negotiate(verb, b, replies);
                    Parse::Data
                }
                Parse::Sb => match b {
                    IAC => Parse::SbIac,
                    _ => {
                        if self.sb.len() < MAX_SB {
                            self.sb.push(b);
                        }
                        Parse::Sb
                    }
                },
                Parse::SbIac => match b {
                    SE => {
                        self.subnegotiation(replies);
                        Parse::Data
                    }
                    IAC => {
                        if self.sb.len() < MAX_SB {
                            self.sb.push(IAC);
                        }
                        Parse::Sb
                    }
                    _ => Parse::Sb,
                },
            };
        }
    }

    fn negotiate(&mut self, verb: u8, option: u8, replies: &mut Vec<u8>) {
        let i = option as usize;
        if self.changes[i] >= MAX_CHANGES {
            return;
        }
        let before = (self.his[i], self.ours[i]);
        match verb {
            WILL => {
                if Self::accepts_his(option) {
                    if !self.his[i] {
                        self.his[i] = true;
                        if !self.asked_his[i] {
                            replies.extend_from_slice(&[IAC, DO, option]);
                        }
                    }
                } else if !self.asked_his[i] || self.his[i] {
                    replies.extend_from_slice(&[IAC, DONT, option]);
                    self.changes[i] += 1;
                }
                self.asked_his[i] = false;
            }
            WONT => {
                if self.his[i] || self.asked_his[i] {
                    if self.his[i] {
                        replies.extend_from_slice(&[IAC, DONT, option]);
                    }
                    self.his[i] = false;
                }
                self.asked_his[i] = false;
            }
            DO => {
                if self.accepts_ours(option) {
                    if !self.ours[i] {
                        self.ours[i] = true;
                        if !self.asked_ours[i] {
                            replies.extend_from_slice(&[IAC, WILL, option]);
                        }
                        if option == NAWS {
                            replies.extend_from_slice(&self.naws_bytes());
                        }
                    }
                } else if !self.asked_ours[i] || self.ours[i] {
                    replies.extend_from_slice(&[IAC, WONT, option]);
                    self.changes[i] += 1;
                }
                self.asked_ours[i] = false;
            }
            DONT => {
                if self.ours[i] {
                    replies.extend_from_slice(&[IAC, WONT, option]);
                    self.ours[i] = false;
                }
                self.asked_ours[i] = false;
            }
            _ => {}
        }
        if (self.his[i], self.ours[i]) != before {
            self.changes[i] += 1;
        }
    }

    fn subnegotiation(&mut self, replies: &mut Vec<u8>) {
        // TTYPE SEND (RFC 1091): answer IS <type>.
        if self.sb.first() == Some(&TTYPE)
            && self.sb.get(1) == Some(&1)
            && self.ours[TTYPE as usize]
            && let Some(term) = &self.offer.term
        {
            replies.extend_from_slice(&[IAC, SB, TTYPE, 0]);
            for b in term
                .to_ascii_uppercase()
                .bytes()
                .filter(|b| b.is_ascii_graphic())
            {
                replies.push(b);
            }
            replies.extend_from_slice(&[IAC, SE]);
        }
    }

    fn naws_bytes(&self) -> Vec<u8> {
        let Some((cols, rows)) = self.offer.size else {
            return Vec::new();
        };
        let mut out = vec![IAC, SB, NAWS];
        for b in cols.to_be_bytes().into_iter().chain(rows.to_be_bytes()) {
            out.push(b);
            if b == IAC {
                out.push(IAC);
            }
        }
        out.extend_from_slice(&[IAC, SE]);
        out
    }

    /// The window changed (SIGWINCH): the NAWS update to send, if NAWS is on.
    pub fn resize(&mut self, cols: u16, rows: u16) -> Vec<u8> {
        self.offer.size = Some((cols, rows));
        if self.ours[NAWS as usize] {
            self.naws_bytes()
        } else {
            Vec::new()
        }
    }

    /// Data from the user for the wire: IAC doubled, a bare CR as CR NUL unless BINARY is on.
    pub fn encode(&self, input: &[u8], out: &mut Vec<u8>) {
        let binary = self.ours[BINARY as usize];
        for (k, &b) in input.iter().enumerate() {
            match b {
                IAC => out.extend_from_slice(&[IAC, IAC]),
                b'\r' if !binary && input.get(k + 1) != Some(&b'\n') => {
                    out.extend_from_slice(b"\r\0")
                }
                _ => out.push(b),
            }
        }
    }
}

/// The commands in `bytes`, for the `-v` transcript (`DO SGA, WILL NAWS`).
pub fn describe(bytes: &[u8]) -> String {
    fn name(o: u8) -> String {
        match o {
            BINARY => "BINARY".into(),
            ECHO => "ECHO".into(),
            SGA => "SGA".into(),
            TTYPE => "TTYPE".into(),
            NAWS => "NAWS".into(),
            _ => o.to_string(),
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != IAC {
            i += 1;
            continue;
        }
        let verb = bytes[i + 1];
        let opt = bytes.get(i + 2).copied().unwrap_or(0);
        match verb {
            DO | DONT | WILL | WONT => {
                let v = match verb {
                    DO => "DO",
                    DONT => "DONT",
                    WILL => "WILL",
                    _ => "WONT",
                };
                out.push(format!("{v} {}", name(opt)));
                i += 3;
            }
            SB => {
                out.push(format!("SB {}", name(opt)));
                i += 3;
            }
            BRK => {
                out.push("BRK".into());
                i += 2;
            }
            _ => i += 2,
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn feed(n: &mut Negotiator, input: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut d, mut r) = (Vec::new(), Vec::new());
        n.receive(input, &mut d, &mut r);
        (d, r)
    }

    #[test]
    fn busybox_opening_is_accepted_once() {
        let mut n = Negotiator::new(Offer {
            term: Some("xterm".into()),
            size: Some((80, 24)),
        });
        let start = n.start();
        assert_eq!(start, [IAC, DO, SGA, IAC, WILL, NAWS]);
        // busybox telnetd: DO ECHO, DO NAWS, WILL ECHO, WILL SGA.
        let (data, replies) = feed(
            &mut n,
            &[
                IAC, DO, ECHO, IAC, DO, NAWS, IAC, WILL, ECHO, IAC, WILL, SGA, b'h', b'i',
            ],
        );
        assert_eq!(data, b"hi");
        assert_eq!(
            replies,
            [
                IAC, WONT, ECHO, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE, IAC, DO, ECHO
            ]
        );
        assert!(n.remote_echo());
        // The same again changes nothing, so nothing is answered: no loop.
        let (_, replies) = feed(&mut n, &[IAC, WILL, ECHO, IAC, DO, NAWS, IAC, WILL, SGA]);
        assert!(replies.is_empty(), "{replies:?}");
    }

    #[test]
    fn unknown_options_are_refused_and_ttype_answers_with_term() {
        let mut n = Negotiator::new(Offer {
            term: Some("xterm-256color".into()),
            size: None,
        });
        let (_, r) = feed(
            &mut n,
            &[IAC, DO, 39, IAC, WILL, 37, IAC, DO, NAWS, IAC, DO, TTYPE],
        );
        assert_eq!(
            r,
            [
                IAC, WONT, 39, IAC, DONT, 37, IAC, WONT, NAWS, IAC, WILL, TTYPE
            ]
        );
        let (_, r) = feed(&mut n, &[IAC, SB, TTYPE, 1, IAC, SE]);
        let mut want = vec![IAC, SB, TTYPE, 0];
        want.extend_from_slice(b"XTERM-256COLOR");
        want.extend_from_slice(&[IAC, SE]);
        assert_eq!(r, want);
    }

    #[test]
    fn a_peer_that_flips_an_option_for_ever_is_answered_a_bounded_number_of_times() {
        let mut n = Negotiator::new(Offer::default());
        let mut total = 0;
        for _ in 0..10_000 {
            let (_, r) = feed(&mut n, &[IAC, WILL, ECHO, IAC, WONT, ECHO]);
            total += r.len();
        }
        assert!(total <= 3 * MAX_CHANGES as usize * 2, "{total}");
        let (_, r) = feed(&mut n, &[IAC, DO, 77]);
        let mut total = r.len();
        for _ in 0..1000 {
            let (_, r) = feed(&mut n, &[IAC, DO, 77]);
            total += r.len();
        }
        assert!(total <= 3 * MAX_CHANGES as usize, "{total}");
    }

    #[test]
    fn data_escapes_both_ways() {
        let mut n = Negotiator::new(Offer::default());
        let (d, _) = feed(
            &mut n,
            &[b'a', IAC, IAC, b'b', b'\r', 0, b'c', b'\r', b'\n'],
        );
        assert_eq!(d, [b'a', IAC, b'b', b'\r', b'c', b'\r', b'\n']);
        let mut out = Vec::new();
        n.encode(&[b'x', IAC, b'\r', b'y', b'\r', b'\n'], &mut out);
        assert_eq!(out, [b'x', IAC, IAC, b'\r', 0, b'y', b'\r', b'\n']);
        let (_, _) = feed(&mut n, &[IAC, DO, BINARY]);
        let mut out = Vec::new();
        n.encode(b"\r", &mut out);
        assert_eq!(out, b"\r");
    }

    #[test]
    fn naws_doubles_an_iac_in_the_size_and_resize_updates() {
        let mut n = Negotiator::new(Offer {
            term: None,
            size: Some((255, 40)),
        });
        let (_, r) = feed(&mut n, &[IAC, DO, NAWS]);
        assert_eq!(
            r,
            [IAC, WILL, NAWS, IAC, SB, NAWS, 0, IAC, IAC, 0, 40, IAC, SE]
        );
        assert_eq!(n.resize(100, 30), [IAC, SB, NAWS, 0, 100, 0, 30, IAC, SE]);
    }

    proptest! {
        #[test]
        fn any_input_is_bounded_and_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut n = Negotiator::new(Offer { term: Some("vt100".into()), size: Some((80, 24)) });
            let (d, r) = feed(&mut n, &bytes);
            prop_assert!(d.len() <= bytes.len());
            prop_assert!(r.len() <= 3 * 256 * MAX_CHANGES as usize + 64 * bytes.len());
        }

        #[test]
        fn data_without_iac_passes_unchanged(text in "[a-z \n]{0,100}") {
            let mut n = Negotiator::new(Offer::default());
            let (d, r) = feed(&mut n, text.as_bytes());
            prop_assert_eq!(d, text.as_bytes().to_vec());
            prop_assert!(r.is_empty());
        }
    }
}
