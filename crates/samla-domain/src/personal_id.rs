//! Finds Norwegian national identity numbers (fødselsnummer), D-numbers, H-numbers
//! and synthetic test numbers in free text, so that nothing personal is published.
//!
//! Two tiers: a number whose date part is valid and whose check digits hold under the
//! current rule or the 2032 rule **blocks**; any other number of exactly 11 digits (a
//! mistyped number still identifies a person) **warns** and needs a person's
//! confirmation. Numbers are found however they are written: digits of any script,
//! any separators between any digits (every kind of space, tabs, line breaks, dots,
//! dashes, slashes), invisible characters anywhere (see [`scan`]).
//!
//! Rules: `DDMMYY` + three individual digits + check digits k1, k2 with weights
//! `3 7 6 1 8 9 4 5 2` and `5 4 3 2 7 6 5 4 3 2`. Until 2032 the weighted sum with k1
//! must be 0 mod 11; from 2032 it may be 0, 1, 2 or 3 mod 11 (k1 only; k2 unchanged).
//! D-numbers add 40 to the day, H-numbers 40 to the month, synthetic test numbers
//! (Tenor/TestNorge) 80 to the month. Sources: Skatteetaten's documentation of the
//! 2032 change and NAV's published validator.

use serde::Serialize;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

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

/// How the scanner sees one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A decimal digit of any script, with its value.
    Digit(u32),
    /// Something people and word processors put between the parts of a number:
    /// whitespace of every kind (tabs and line breaks too), dashes, dots, slashes.
    Separator,
    /// A character that is not shown (zero-width space and joiners, soft hyphen,
    /// direction marks): it neither joins nor splits anything.
    Invisible,
    /// Anything else (letters, commas, colons …) ends a number.
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        return Class::Digit(c as u32 - '0' as u32);
    }
    if c.is_ascii_alphabetic() {
        return Class::Other;
    }
    match c.general_category() {
        GeneralCategory::DecimalNumber => Class::Digit(decimal_value(c)),
        GeneralCategory::Format => Class::Invisible,
        GeneralCategory::DashPunctuation
        | GeneralCategory::SpaceSeparator
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => Class::Separator,
        _ if c.is_whitespace() => Class::Separator,
        _ if matches!(
            c,
            '.' | '\u{2024}' // one dot leader
                | '\u{ff0e}' // full-width full stop
                | '\u{b7}'
                | '/'
                | '\u{2044}' // fraction slash
                | '\u{2215}' // division slash
                | '\u{ff0f}' // full-width solidus
                | '_'
                | '\u{ff3f}'
                | '\u{2212}' // minus sign
                | '\u{2010}'..='\u{2015}'
        ) =>
        {
            Class::Separator
        }
        _ => Class::Other,
    }
}

/// The value of a decimal digit of any script. Unicode encodes every script's decimal
/// digits as contiguous runs of ten, 0 to 9 (a stability guarantee of the standard),
/// sometimes several runs back to back, so the value is the distance from the start
/// of the run, modulo ten.
fn decimal_value(c: char) -> u32 {
    let mut first = c as u32;
    while first > 0
        && char::from_u32(first - 1)
            .is_some_and(|p| p.general_category() == GeneralCategory::DecimalNumber)
    {
        first -= 1;
    }
    (c as u32 - first) % 10
}

/// Digits written together, with the byte range they cover and how strongly they are
/// set apart from the group before them.
#[derive(Debug)]
struct Group {
    digits: Vec<u32>,
    start: usize,
    end: usize,
    gap: Gap,
}

/// How strong the break between two groups is: `1.2` < `1 2` < `1  2`, `1 / 2` <
/// `1⏎2`. The start and end of a sequence are the strongest break of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    Punctuation,
    Space,
    Wide,
    Line,
    Edge,
}

impl Gap {
    fn of(separators: &[char]) -> Gap {
        let spaces = separators.iter().filter(|c| c.is_whitespace()).count();
        if separators
            .iter()
            .any(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
        {
            Gap::Line
        } else if spaces == 0 {
            Gap::Punctuation
        } else if separators.len() == 1 {
            Gap::Space
        } else {
            Gap::Wide
        }
    }
}

/// Splits text into sequences of digit groups: digits with nothing (or only
/// invisible characters) between them form a group; groups with only separators
/// between them form a sequence; anything else ends it.
fn sequences(text: &str) -> Vec<Vec<Group>> {
    let mut out: Vec<Vec<Group>> = Vec::new();
    let mut current: Vec<Group> = Vec::new();
    // The separators since the last digit; a digit after any starts a new group.
    let mut between: Vec<char> = Vec::new();
    for (at, c) in text.char_indices() {
        match class(c) {
            Class::Digit(d) => match current.last_mut() {
                Some(group) if between.is_empty() => {
                    group.digits.push(d);
                    group.end = at + c.len_utf8();
                }
                last => {
                    let gap = if last.is_some() {
                        Gap::of(&between)
                    } else {
                        Gap::Edge
                    };
                    current.push(Group {
                        digits: vec![d],
                        start: at,
                        end: at + c.len_utf8(),
                        gap,
                    });
                    between.clear();
                }
            },
            Class::Invisible => {}
            Class::Separator => between.push(c),
            Class::Other => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                between.clear();
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a stretch of groups stands apart from its neighbours at least as clearly as
/// its own parts are apart: `270 / 76464699` inside `+47 203 01 270 / 76464699` is
/// not a number, `150387 00089` in `150387 00089 / 150387 00090` is.
fn stands_apart(groups: &[Group], a: usize, b: usize) -> bool {
    let inside = groups[a + 1..=b]
        .iter()
        .map(|g| g.gap)
        .max()
        .unwrap_or(Gap::Punctuation);
    let before = groups[a].gap;
    let after = groups.get(b + 1).map_or(Gap::Edge, |g| g.gap);
    inside <= before && inside <= after
}

/// `DD.MM.YYYY` (or `D.M.YYYY`) followed by more digits is a date, not an identity
/// number written with its century (which has thirteen digits).
fn starts_with_full_date(window: &[Group]) -> bool {
    let value = |g: &Group| g.digits.iter().fold(0, |n, d| n * 10 + d);
    window.len() >= 3
        && window[0].digits.len() <= 2
        && window[1].digits.len() <= 2
        && window[2].digits.len() == 4
        && window[1].gap == Gap::Punctuation
        && window[2].gap == Gap::Punctuation
        && (1..=31).contains(&value(&window[0]))
        && (1..=12).contains(&value(&window[1]))
        && matches!(value(&window[2]) / 100, 19 | 20)
}

/// `XXXX.XX.XXXXX` is how Norwegian account numbers are written. Their check digit
/// uses the same weights as an identity number's second one, so about one in twelve
/// would pass as an identity number; in this shape they are read as account numbers.
fn account_number(text: &str, window: &[Group]) -> bool {
    window.iter().map(|g| g.digits.len()).eq([4, 2, 5])
        && text[window[0].end..window[1].start] == *"."
        && text[window[1].end..window[2].start] == *"."
}

/// Whether eleven digits that are not a valid number are written the way identity
/// numbers are: together, or split after the date part (`DDMMYY XXXXX`,
/// `DD.MM.YY XXXXX`, `XXX XXX XXX XX`, one digit at a time). Other shapes (table
/// figures) are not worth a warning.
fn written_like_a_number(groups: &[Group]) -> bool {
    let mut at = 0;
    groups.len() == 1
        || groups.iter().any(|g| {
            at += g.digits.len();
            at == 6
        })
}

fn eleven(digits: impl Iterator<Item = u32>) -> [u32; 11] {
    let mut d = [0u32; 11];
    for (slot, x) in d.iter_mut().zip(digits) {
        *slot = x;
    }
    d
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
///
/// Inside a sequence of digit groups, every stretch of whole groups that holds eleven
/// digits is a candidate (`15.03.87 00089`, `150 387 000 89`, one digit at a time …),
/// and so is a stretch of thirteen where the third group is a four-digit year
/// (`15.03.1987 00089`), read without the century. A valid number anywhere blocks;
/// a sequence of exactly eleven digits that is not valid warns.
pub fn scan(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for groups in sequences(text) {
        let total: usize = groups.iter().map(|g| g.digits.len()).sum();
        for a in 0..groups.len() {
            let mut count = 0;
            for b in a..groups.len() {
                count += groups[b].digits.len();
                if count > 13 {
                    break;
                }
                let window = &groups[a..=b];
                if !matches!(count, 11 | 13) || !stands_apart(&groups, a, b) {
                    continue;
                }
                let digits = window.iter().flat_map(|g| g.digits.iter().copied());
                let kind = match count {
                    11 if starts_with_full_date(window) || account_number(text, window) => None,
                    11 => classify(&eleven(digits)),
                    13 if window.len() >= 3
                        && window.iter().take(3).map(|g| g.digits.len()).eq([2, 2, 4]) =>
                    {
                        let century = &window[2].digits[..2];
                        if century == [1, 9] || century == [2, 0] {
                            let d: Vec<u32> = digits.collect();
                            classify(&eleven(d[..4].iter().chain(&d[6..]).copied()))
                        } else {
                            None
                        }
                    }
                    _ => continue,
                };
                let severity = match kind {
                    Some(_) => Severity::Block,
                    None if count == 11
                        && total == 11
                        && written_like_a_number(&groups)
                        && !account_number(text, window) =>
                    {
                        Severity::Warn
                    }
                    None => continue,
                };
                hits.push(Hit {
                    start: window[0].start,
                    end: window[window.len() - 1].end,
                    severity,
                    kind,
                });
            }
        }
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

    /// What may stand between two digits: nothing (most often), or any separator.
    const GAPS: [&str; 14] = [
        "", "", "", "", " ", "  ", "\t", "\n", "\u{a0}", "\u{200b}", "\u{ad}", "\u{2013}", "/", ".",
    ];

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
        fn every_valid_number_blocks_however_it_is_written((number, kind) in valid_number(), gaps in proptest::collection::vec(0usize..GAPS.len(), 10), before in "[a-zæøå ,.]{0,12}", after in "[a-zæøå ,.]{0,12}") {
            let mut shown = String::new();
            for (i, c) in number.chars().enumerate() {
                if i > 0 {
                    shown.push_str(GAPS[gaps[i - 1]]);
                }
                shown.push(c);
            }
            let text = format!("{before}{shown}{after}");
            let hits = scan(&text);
            prop_assert_eq!(hits.len(), 1, "{:?}", text);
            prop_assert_eq!(hits[0].severity, Severity::Block);
            prop_assert_eq!(hits[0].kind, Some(kind));
            let found = &text[hits[0].start..hits[0].end];
            prop_assert!(shown.contains(found) && found.chars().filter(char::is_ascii_digit).count() == 11, "{:?}", found);
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

    /// The ways of writing a number that the security review (F2) and the new-user
    /// review (M1) got past the earlier detector, with their fictitious numbers.
    #[test]
    fn the_reviewed_writings_are_all_found() {
        for text in [
            "150387\u{200b}00089",
            "150387\u{ad}00089",
            "15.03.87 00089",
            "150387  00089",
            "150387\t00089",
            "150387\n00089",
            "150387\u{2013}00089",
            "150387/00089",
            "150387_00089",
            "150387 000 89",
            "150 387 000 89",
            "1 5 0 3 8 7 0 0 0 8 9",
            "\u{661}\u{665}\u{660}\u{663}\u{668}\u{667}\u{660}\u{660}\u{660}\u{668}\u{669}",
            "\u{1d7cf}\u{1d7d3}\u{1d7ce}\u{1d7d1}\u{1d7d6}\u{1d7d5}\u{1d7ce}\u{1d7ce}\u{1d7ce}\u{1d7d6}\u{1d7d7}",
            "55038700072",
            "15438700061",
            "Vi møtte barnet født 15.03.85 00047 og 15 03 85 000 47.",
            "150 385 000 47",
            "1503 8500 047",
            "15.03.85-00047",
            "fnr: 15.03.1985 00047",
        ] {
            assert_eq!(worst(text), Some(Severity::Block), "{text:?}");
        }
    }

    #[test]
    fn ordinary_figures_are_left_alone() {
        for text in [
            "Kontonummer 1234.56.78903",
            "Org.nr. 974 760 673, tlf. 22 24 90 90",
            "Perioden 22.9.2016 – 04.01.23",
            "Møtet 15.03.2024 kl. 09.00–11.30",
            "Tlf. +47 203 01 270 / 76464699",
            "kr 1 250 000 i 2024 og 2025",
        ] {
            assert_eq!(worst(text), None, "{text:?}");
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
