//! The publication gate: one place that decides whether text may become public.
//!
//! Every type whose values can become public implements [`Publishable`] where the type is
//! defined, listing each free text with the field it is edited in, and naming the string
//! fields that are not free text (codes, dates). [`undeclared_texts`] lets a test prove
//! that no text field was forgotten. The gate runs when a name that is public at once is
//! saved ([`check_name`]), and when anything is approved, published or exported
//! ([`gate`]).

use crate::personal_id::{self, Severity};

/// The licence of everything samla publishes (reports and the open data made from them):
/// the Norwegian Licence for Open Government Data, version 2.0.
pub const LICENCE: &str = "NLOD 2.0";
pub const LICENCE_URL: &str = "https://data.norge.no/nlod/no/2.0";
use crate::{DomainError, ErrorCode};
use serde::Serialize;

/// A type whose values can become public.
pub trait Publishable {
    /// Every free text that can become public, with the form field it is edited in.
    fn public_texts(&self) -> Vec<(String, &str)>;

    /// The serialized names of string fields that are not free text (codes, dates,
    /// number lists), which the gate need not read.
    fn not_text() -> &'static [&'static str]
    where
        Self: Sized;
}

/// Checks a name or title that is public as soon as it is saved (a cycle's name): any
/// eleven-digit number in it is refused, naming the field.
pub fn check_name(field: &'static str, text: &str) -> Result<(), DomainError> {
    match personal_id::worst(text) {
        None => Ok(()),
        Some(_) => Err(DomainError::field(ErrorCode::PersonalIdFound, field)),
    }
}

/// Checks everything that is about to be approved, published or exported. A valid
/// identity number blocks, naming the field. Other 11-digit numbers need `confirmed`;
/// the fields they were in are returned so the confirmation can be audited.
pub fn gate(
    items: &[&dyn Publishable],
    confirmed: bool,
) -> Result<Vec<String>, (ErrorCode, String)> {
    let mut warned = Vec::new();
    for (field, text) in items.iter().flat_map(|i| i.public_texts()) {
        match personal_id::worst(text) {
            Some(Severity::Block) => return Err((ErrorCode::PersonalIdFound, field)),
            Some(Severity::Warn) => warned.push(field),
            None => {}
        }
    }
    match warned.first() {
        Some(first) if !confirmed => Err((ErrorCode::PersonalIdUnconfirmed, first.clone())),
        _ => Ok(warned),
    }
}

/// Whether everything in `items` may be shown to the public as it is.
pub fn is_clean(items: &[&dyn Publishable]) -> bool {
    items
        .iter()
        .flat_map(|i| i.public_texts())
        .all(|(_, text)| personal_id::worst(text) != Some(Severity::Block))
}

/// For tests: the string values of `sample` (serialized) that are neither declared by
/// [`Publishable::public_texts`] nor named in [`Publishable::not_text`]. Fill every
/// field of the sample with distinct, non-empty text, and expect an empty answer.
pub fn undeclared_texts<T: Publishable + Serialize>(sample: &T) -> Vec<String> {
    fn walk(value: &serde_json::Value, key: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(s) => out.push((key.to_owned(), s.clone())),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
            serde_json::Value::Object(fields) => fields.iter().for_each(|(k, v)| walk(v, k, out)),
            _ => {}
        }
    }
    let mut strings = Vec::new();
    walk(
        &serde_json::to_value(sample).unwrap_or_default(),
        "",
        &mut strings,
    );
    let declared: Vec<&str> = sample.public_texts().into_iter().map(|(_, t)| t).collect();
    strings
        .into_iter()
        .filter(|(key, text)| {
            !T::not_text().contains(&key.as_str()) && !declared.contains(&text.as_str())
        })
        .map(|(key, text)| format!("{key}: {text}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Notice {
        title: String,
        body: String,
        kind: String,
    }

    impl Publishable for Notice {
        fn public_texts(&self) -> Vec<(String, &str)> {
            vec![("title".into(), &self.title)]
        }
        fn not_text() -> &'static [&'static str] {
            &["kind"]
        }
    }

    #[test]
    fn a_forgotten_text_field_is_found() {
        let n = Notice {
            title: "Tittel".into(),
            body: "Tekst".into(),
            kind: "notice".into(),
        };
        assert_eq!(undeclared_texts(&n), vec!["body: Tekst".to_owned()]);
    }

    #[test]
    fn names_refuse_any_eleven_digit_number() {
        assert!(check_name("name", "Dialogrunde 2026").is_ok());
        let refused = check_name("name", "Runde 150387 00089").unwrap_err();
        assert_eq!(
            (refused.code, refused.field),
            (ErrorCode::PersonalIdFound, Some("name"))
        );
        assert!(check_name("name", "Runde 99999999999").is_err());
    }

    #[test]
    fn the_gate_blocks_valid_numbers_and_asks_about_other_runs() {
        let n = |title: &str| Notice {
            title: title.into(),
            body: String::new(),
            kind: String::new(),
        };
        let (fine, warn, block) = (
            n("Fine words"),
            n("Ring 99999999999"),
            n("Nr 15.03.87 00089"),
        );
        assert_eq!(
            gate(&[&fine, &warn], false).unwrap_err(),
            (ErrorCode::PersonalIdUnconfirmed, "title".into())
        );
        assert_eq!(gate(&[&fine, &warn], true).unwrap(), vec!["title"]);
        assert_eq!(
            gate(&[&warn, &block], true).unwrap_err(),
            (ErrorCode::PersonalIdFound, "title".into())
        );
        assert!(is_clean(&[&fine, &warn]) && !is_clean(&[&block]));
    }
}
