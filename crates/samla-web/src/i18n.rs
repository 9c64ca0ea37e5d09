//! The interface's languages: bokmål (default), nynorsk and English.
//!
//! Texts are Fluent files embedded in the binary (`locales/<lang>/<feature>.ftl`). Dates,
//! times and numbers are formatted the Norwegian way (`1. januar 2020`, `1 234`),
//! and times are shown in Norwegian time (CET/CEST).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;
use time::{Date, OffsetDateTime};
use unic_langid::LanguageIdentifier;

// `FEATURES` and `locale_files!`, made from the files in `locales/` by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Nb,
    Nn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    /// The code used in `<html lang>`, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }

    /// The language's own name, as the language choice shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Nb => "Bokmål",
            Lang::Nn => "Nynorsk",
            Lang::En => "English",
        }
    }

    /// The language's texts, one Fluent file per feature.
    fn sources(self) -> [(&'static str, &'static str); FEATURES.len()] {
        match self {
            Lang::Nb => locale_files!("nb"),
            Lang::Nn => locale_files!("nn"),
            Lang::En => locale_files!("en"),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| Lang::ALL.map(build_bundle));
    &bundles[lang as usize]
}

fn build_bundle(lang: Lang) -> Bundle {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: the text goes into HTML, where they show up as junk in copies.
    bundle.set_use_isolating(false);
    for (feature, source) in lang.sources() {
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(_, errors)| {
            panic!(
                "invalid Fluent file {feature}.ftl for {}: {errors:?}",
                lang.code()
            )
        });
        bundle.add_resource(resource).unwrap_or_else(|errors| {
            panic!(
                "duplicate Fluent keys in {feature}.ftl for {}: {errors:?}",
                lang.code()
            )
        });
    }
    bundle
}

/// The message ids of one language's file for a feature (for the test that the
/// languages match, file by file).
pub fn keys(lang: Lang, feature: &str) -> Vec<String> {
    let source = lang
        .sources()
        .into_iter()
        .find(|(f, _)| *f == feature)
        .map(|(_, s)| s)
        .unwrap_or_default();
    let mut keys: Vec<String> = source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .collect();
    keys.sort();
    keys
}

/// Looks up a text; a missing key shows the key itself (and a test keeps that from shipping).
pub fn text(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_owned();
    };
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        // Counts go in as numbers so that plural variants ([one], [other]) apply; codes
        // with leading zeros ("0301") stay text.
        match value.parse::<i64>() {
            Ok(n) if !value.starts_with('0') || *value == "0" => {
                fargs.set(*name, FluentValue::from(n))
            }
            _ => fargs.set(*name, FluentValue::from(*value)),
        }
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, (!args.is_empty()).then_some(&fargs), &mut errors)
        .into_owned()
}

use samla_domain::dates::MONTHS_NO;
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `1. januar 2020` (nb, nn) or `1 January 2020` (en).
pub fn format_date(lang: Lang, date: Date) -> String {
    let m = date.month() as usize - 1;
    match lang {
        Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[m], date.year()),
        _ => format!("{}. {} {}", date.day(), MONTHS_NO[m], date.year()),
    }
}

/// Formats an ISO date string; anything unparsable is shown as it is.
pub fn format_iso_date(lang: Lang, iso: &str) -> String {
    samla_domain::dates::parse_date(iso, "date")
        .map(|d| format_date(lang, d))
        .unwrap_or_else(|_| iso.to_owned())
}

/// Groups thousands with a no-break space (nb, nn) or a comma (en).
pub fn format_number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::En { "," } else { "\u{a0}" };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    if n < 0 { format!("−{out}") } else { out }
}

/// A figure with up to two decimals, grouped like [`format_number`], with a decimal comma
/// in Norwegian and a point in English: `1 200,5`, `1,200.5`.
pub fn format_decimal(lang: Lang, n: f64) -> String {
    let rounded = (n * 100.0).round() / 100.0;
    let whole = rounded.trunc() as i64;
    let mut out = format_number(lang, whole);
    if rounded < 0.0 && whole == 0 {
        out = format!("−{out}");
    }
    let fraction = ((rounded - rounded.trunc()).abs() * 100.0).round() as i64;
    if fraction != 0 {
        let digits = format!("{fraction:02}");
        let digits = digits.trim_end_matches('0');
        out.push(if lang == Lang::En { '.' } else { ',' });
        out.push_str(digits);
    }
    out
}

pub use samla_domain::dates::norway_offset;

/// An epoch timestamp in Norwegian time: `23.11.2026 kl. 16:05` (nb, nn) or `23 Nov 2026, 16:05` (en).
pub fn format_timestamp(lang: Lang, epoch: i64) -> String {
    let Ok(utc) = OffsetDateTime::from_unix_timestamp(epoch) else {
        return epoch.to_string();
    };
    let t = utc.to_offset(norway_offset(utc));
    match lang {
        Lang::En => format!(
            "{} {} {}, {:02}:{:02}",
            t.day(),
            &MONTHS_EN[t.month() as usize - 1][..3],
            t.year(),
            t.hour(),
            t.minute()
        ),
        _ => format!(
            "{:02}.{:02}.{} kl. {:02}:{:02}",
            t.day(),
            t.month() as u8,
            t.year(),
            t.hour(),
            t.minute()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_and_nynorsk_have_the_same_keys() {
        let mut all = 0;
        for feature in FEATURES {
            let nb = keys(Lang::Nb, feature);
            all += nb.len();
            assert_eq!(
                nb,
                keys(Lang::Nn, feature),
                "{feature}.ftl: nb and nn differ"
            );
            assert_eq!(
                nb,
                keys(Lang::En, feature),
                "{feature}.ftl: nb and en differ"
            );
        }
        assert!(all > 400);
    }

    #[test]
    fn every_error_code_and_role_has_a_text() {
        for lang in Lang::ALL {
            for code in samla_domain::ErrorCode::ALL {
                let key = format!("error-{}", code.as_str().replace('_', "-"));
                assert_ne!(text(lang, &key, &[]), key, "{} lacks {key}", lang.code());
            }
            for role in samla_domain::access::Role::ALL {
                let key = format!("role-{}", role.as_str().replace('_', "-"));
                assert_ne!(text(lang, &key, &[]), key, "{} lacks {key}", lang.code());
            }
        }
    }

    #[test]
    fn dates_numbers_and_times_are_norwegian() {
        let d = Date::from_calendar_date(2020, time::Month::January, 1).unwrap();
        assert_eq!(format_date(Lang::Nb, d), "1. januar 2020");
        assert_eq!(format_date(Lang::En, d), "1 January 2020");
        assert_eq!(format_number(Lang::Nb, 1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(format_number(Lang::En, 1234), "1,234");
        assert_eq!(format_number(Lang::Nn, 999), "999");
        // 2026-07-01 12:00 UTC is 14:00 in Oslo (summer); 2026-01-01 12:00 UTC is 13:00.
        assert_eq!(
            format_timestamp(Lang::Nb, 1_782_907_200),
            "01.07.2026 kl. 14:00"
        );
        assert_eq!(
            format_timestamp(Lang::Nb, 1_767_268_800),
            "01.01.2026 kl. 13:00"
        );
    }

    #[test]
    fn arguments_are_filled_in() {
        assert!(
            text(Lang::Nb, "regions-valid-on", &[("date", "1. januar 2020")])
                .contains("1. januar 2020")
        );
    }
}
