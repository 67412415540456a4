//! Property tests for the percent-encoders: round trips over arbitrary bytes, the output
//! alphabet, and that the chunked streaming forms equal the one-shot functions for any split.

use proptest::prelude::*;

use super::*;

/// Bytes a `%XX` escape may be made of, besides the literal bytes of the set.
fn is_escape_byte(b: u8) -> bool {
    b == b'%' || b.is_ascii_digit() || (b'A'..=b'F').contains(&b)
}

/// Feeds `input` to `feed` in pieces cut at `cuts` (positions, any order, any value).
fn chunks<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    at.push(0);
    at.push(input.len());
    at.sort_unstable();
    at.windows(2).map(|w| &input[w[0]..w[1]]).collect()
}

/// What a line stream must produce: each `\n`-ended line through `one`, plus a newline.
fn per_line(input: &[u8], one: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    if input.is_empty() {
        return out;
    }
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    for line in body.split(|&b| b == b'\n') {
        out.extend(one(line));
        out.push(b'\n');
    }
    out
}

fn safe_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..8)
}

proptest! {
    #[test]
    fn unquote_inverts_quote(x in prop::collection::vec(any::<u8>(), 0..64), safe in safe_strategy()) {
        // A '%' left literal by safe makes quote irreversible in Python too ('%41' stays
        // '%41' and then decodes to 'A'), and so does a literal '+' for quote_plus.
        if !safe.contains(&b'%') {
            prop_assert_eq!(unquote_to_bytes(quote(&x, &safe).as_bytes()), x.clone());
            if !safe.contains(&b'+') {
                prop_assert_eq!(unquote_plus_to_bytes(quote_plus(&x, &safe).as_bytes()), x);
            }
        }
    }

    #[test]
    fn unquote_plus_inverts_quote_plus(x in prop::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(unquote_plus_to_bytes(quote_plus(&x, b"").as_bytes()), x);
    }

    #[test]
    fn quote_emits_only_safe_bytes_and_escapes(x in prop::collection::vec(any::<u8>(), 0..64), safe in safe_strategy()) {
        let q = Quoter::python(&safe);
        for b in q.quote(&x).bytes() {
            let allowed = ALWAYS_SAFE.contains(&b) || (b.is_ascii() && safe.contains(&b))
                || is_escape_byte(b);
            prop_assert!(allowed, "byte {:#04x} from {:?}", b, x);
        }
        for b in quote_plus(&x, &safe).bytes() {
            let allowed = ALWAYS_SAFE.contains(&b) || (b.is_ascii() && safe.contains(&b))
                || is_escape_byte(b) || b == b'+';
            prop_assert!(allowed, "byte {:#04x} from {:?}", b, x);
        }
    }

    #[test]
    fn component_output_is_ascii_outside_its_set(x in prop::collection::vec(any::<u8>(), 0..64)) {
        for c in [Component::Path, Component::Query, Component::Fragment, Component::Userinfo] {
            let q = Quoter::component(c);
            for b in q.quote(&x).bytes() {
                prop_assert!(q.is_literal(b) || is_escape_byte(b), "{:?} wrote {:#04x}", c, b);
                prop_assert!(b.is_ascii() && !b.is_ascii_control());
            }
        }
    }

    #[test]
    fn unquoter_chunked_equals_one_shot(
        x in prop::collection::vec(prop::sample::select(b"%%%4a1fFg+ \n\xff".to_vec()), 0..48),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        plus in any::<bool>(),
    ) {
        let mut u = Unquoter::new(plus);
        let mut got = Vec::new();
        for piece in chunks(&x, &cuts) {
            u.feed(piece, &mut got);
        }
        u.finish(&mut got);
        let want = if plus { unquote_plus_to_bytes(&x) } else { unquote_to_bytes(&x) };
        prop_assert_eq!(got, want);
    }

    #[test]
    fn line_unquoter_chunked_equals_per_line(
        x in prop::collection::vec(prop::sample::select(b"%%4a1g+ \n\n\r".to_vec()), 0..48),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        plus in any::<bool>(),
    ) {
        let mut lu = LineUnquoter::new(plus);
        let mut got = Vec::new();
        for piece in chunks(&x, &cuts) {
            lu.feed(piece, &mut got);
        }
        lu.finish(&mut got);
        let want = per_line(&x, |l| if plus { unquote_plus_to_bytes(l) } else { unquote_to_bytes(l) });
        prop_assert_eq!(got, want);
    }

    #[test]
    fn line_quoter_chunked_equals_per_line(
        x in prop::collection::vec(any::<u8>(), 0..64),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        safe in safe_strategy(),
        plus in any::<bool>(),
    ) {
        let q = if plus { Quoter::python_plus(&safe) } else { Quoter::python(&safe) };
        let mut lq = LineQuoter::new(&q);
        let mut got = Vec::new();
        for piece in chunks(&x, &cuts) {
            lq.feed(piece, &mut got);
        }
        lq.finish(&mut got);
        prop_assert_eq!(got, per_line(&x, |l| q.quote(l).into_bytes()));
    }
}
