//! Finds Norwegian national identity numbers (fødselsnummer), D-numbers, H-numbers
//! and synthetic test numbers in free text, so that nothing personal is published.
//!
//! Two tiers: a run whose date part is valid and whose check digits hold under the
//! current rule or the 2032 rule **blocks**; any other run of 11 digits (a mistyped
//! number still identifies a person) **warns** and needs a person's confirmation.
//! Candidates are 11 digits, or 6 + 5 digits with one space, no-break space, dot or
//! hyphen between (`DDMMYY XXXXX`), not touching other digits.
//!
//! Rules: `DDMMYY` + three individual digits + check digits k1, k2 with weights
//! `3 7 6 1 8 9 4 5 2` and `5 4 3 2 7 6 5 4 3 2`. Until 2032 the weighted sum with k1
//! must be 0 mod 11; from 2032 it may be 0, 1, 2 or 3 mod 11 (k1 only; k2 unchanged).
//! D-numbers add 40 to the day, H-numbers 40 to the month, synthetic test numbers
//! (Tenor/TestNorge) 80 to the month. Sources: Skatteetaten's documentation of the
//! 2032 change and NAV's published validator.

use serde::Serialize;

const W1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// What kind of number a blocking hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Fnr,
    DNumber,
    HNumber,
    Synthetic,
}

/// How serious a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A valid identity number: publication is refused.
    Block,
    /// Eleven digits that are not a valid number: a person must confirm.
    Warn,
}

/// One hit: where it is (byte offsets into the text) and how serious.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub severity: Severity,
    pub kind: Option<IdKind>,
}

/// A decimal digit, also from full-width forms (as pasted from some documents).
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{ff10}'..='\u{ff19}' => Some(c as u32 - 0xff10),
        _ => None,
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.' | '-')
}

fn days_in(month: u32) -> u32 {
    match month {
        2 => 29, // the century is unknown, so 29 February is always possible
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The kind of number the date part describes, if it is a possible date.
pub fn date_kind(d: &[u32; 11]) -> Option<IdKind> {
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let (day, d_number) = if day > 40 {
        (day - 40, true)
    } else {
        (day, false)
    };
    let (month, kind) = match month {
        1..=12 => (
            month,
            if d_number {
                IdKind::DNumber
            } else {
                IdKind::Fnr
            },
        ),
        41..=52 => (month - 40, IdKind::HNumber),
        81..=92 => (month - 80, IdKind::Synthetic),
        _ => return None,
    };
    (day >= 1 && day <= days_in(month)).then_some(kind)
}

/// Whether the check digits hold under the current or the 2032 rule.
pub fn checksum_ok(d: &[u32; 11]) -> bool {
    let s1: u32 = W1.iter().zip(d).map(|(w, x)| w * x).sum::<u32>() + d[9];
    let s2: u32 = W2.iter().zip(d).map(|(w, x)| w * x).sum::<u32>() + d[10];
    s1 % 11 <= 3 && s2.is_multiple_of(11)
}

/// Whether eleven digits form a valid identity number, and of which kind.
pub fn classify(d: &[u32; 11]) -> Option<IdKind> {
    date_kind(d).filter(|_| checksum_ok(d))
}

/// Every candidate in `text`, in order.
pub fn scan(text: &str) -> Vec<Hit> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map(|(b, _)| *b).unwrap_or(text.len());
    let is_digit = |i: usize| chars.get(i).is_some_and(|(_, c)| digit(*c).is_some());
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(i) || (i > 0 && is_digit(i - 1)) {
            i += 1;
            continue;
        }
        let run = (i..).take_while(|&j| is_digit(j)).count();
        let mut digits: Vec<u32> = (i..i + run).filter_map(|j| digit(chars[j].1)).collect();
        let mut last = i + run; // one past the candidate's last char
        let mut candidate = run == 11;
        if run == 6
            && chars.get(i + 6).is_some_and(|(_, c)| is_separator(*c))
            && (i + 7..).take_while(|&j| is_digit(j)).count() == 5
        {
            digits.extend((i + 7..i + 12).filter_map(|j| digit(chars[j].1)));
            last = i + 12;
            candidate = true;
        }
        if candidate {
            let mut d = [0u32; 11];
            d.copy_from_slice(&digits[..11]);
            let kind = classify(&d);
            hits.push(Hit {
                start: chars[i].0,
                end: end_of(last),
                severity: if kind.is_some() {
                    Severity::Block
                } else {
                    Severity::Warn
                },
                kind,
            });
        }
        i = last.max(i + 1);
    }
    hits
}

/// The most serious hit in a text, if any.
pub fn worst(text: &str) -> Option<Severity> {
    let hits = scan(text);
    if hits.iter().any(|h| h.severity == Severity::Block) {
        Some(Severity::Block)
    } else if hits.is_empty() {
        None
    } else {
        Some(Severity::Warn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a valid number from a date part and individual digits, with a k1 that
    /// satisfies the old rule (`remainder == 0`) or only the 2032 rule (`1..=3`).
    fn build(date: [u32; 6], ind: [u32; 3], remainder: u32) -> Option<String> {
        let mut d = [0u32; 11];
        d[..6].copy_from_slice(&date);
        d[6..9].copy_from_slice(&ind);
        let base: u32 = W1.iter().zip(&d).map(|(w, x)| w * x).sum();
        d[9] = (0..10).find(|k| (base + k) % 11 == remainder)?;
        let s2: u32 = W2.iter().zip(&d).map(|(w, x)| w * x).sum();
        let k2 = (11 - s2 % 11) % 11;
        if k2 == 10 {
            return None;
        }
        d[10] = k2;
        Some(
            d.iter()
                .map(|x| char::from_digit(*x, 10).unwrap_or('0'))
                .collect(),
        )
    }

    fn date_part(day: u32, month: u32, year: u32) -> [u32; 6] {
        [
            day / 10,
            day % 10,
            month / 10,
            month % 10,
            year / 10,
            year % 10,
        ]
    }

    fn valid_number() -> impl Strategy<Value = (String, IdKind)> {
        (
            1u32..=12,
            1u32..=28,
            0u32..100,
            [0u32..10, 0u32..10, 0u32..10],
            0u32..4,
            0usize..4,
        )
            .prop_filter_map(
                "k1 or k2 impossible",
                |(month, day, year, ind, remainder, kind)| {
                    let (kind, day, month) = match kind {
                        0 => (IdKind::Fnr, day, month),
                        1 => (IdKind::DNumber, day + 40, month),
                        2 => (IdKind::HNumber, day, month + 40),
                        _ => (IdKind::Synthetic, day, month + 80),
                    };
                    build(date_part(day, month, year), ind, remainder).map(|n| (n, kind))
                },
            )
    }

    proptest! {
        #[test]
        fn every_valid_number_blocks_with_or_without_a_space((number, kind) in valid_number(), spaced in any::<bool>(), before in "[a-zæøå ,.]{0,12}", after in "[a-zæøå ,.]{0,12}") {
            let shown = if spaced { format!("{} {}", &number[..6], &number[6..]) } else { number.clone() };
            let text = format!("{before}{shown}{after}");
            let hits = scan(&text);
            prop_assert_eq!(hits.len(), 1, "{}", text);
            prop_assert_eq!(hits[0].severity, Severity::Block);
            prop_assert_eq!(hits[0].kind, Some(kind));
            prop_assert_eq!(&text[hits[0].start..hits[0].end], shown.as_str());
        }

        #[test]
        fn a_wrong_second_check_digit_only_warns(date in (1u32..=28, 1u32..=12, 0u32..100), ind in [0u32..10, 0u32..10, 0u32..10]) {
            if let Some(number) = build(date_part(date.0, date.1, date.2), ind, 0) {
                let mut d: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
                d[10] = (d[10] + 1) % 10; // k2 has one right value
                let broken: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
                prop_assert_eq!(worst(&broken), Some(Severity::Warn));
            }
        }

        #[test]
        fn runs_of_other_lengths_are_not_candidates(len in prop_oneof![1usize..=10, 12usize..=20], seed in any::<u64>()) {
            let digits: String = (0..len).map(|i| char::from_digit(((seed >> (i % 60)) % 10) as u32, 10).unwrap_or('0')).collect();
            prop_assert!(scan(&digits).is_empty());
        }

        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = scan(&text);
        }
    }

    #[test]
    fn examples() {
        // Synthetic numbers built by the rules above, never real ones.
        let n = build(date_part(1, 81, 24), [1, 2, 3], 0).unwrap();
        assert_eq!(
            worst(&format!("Elev med nr. {n} ble hørt")),
            Some(Severity::Block)
        );
        assert_eq!(worst("Telefon 12345678901 er feil"), Some(Severity::Warn));
        assert_eq!(worst("Saksnummer 2024/12345"), None);
        assert_eq!(worst("Kontonummer 1234.56.78903"), None);
        assert_eq!(worst("311299 99999"), Some(Severity::Warn));
        let wide: String = n
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xff10).unwrap())
            .collect();
        assert_eq!(worst(&wide), Some(Severity::Block), "full-width digits");
    }
}
