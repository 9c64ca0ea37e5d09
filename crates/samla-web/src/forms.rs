//! Form errors: each refusal points at its field, and the form is shown again with
//! everything the user typed (except passwords) still in it.

use crate::i18n::{self, Lang};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use samla_domain::DomainError;

/// The largest body most routes read: a login, a step, a cycle with every unit of the
/// country. A body over it is answered 413 `body_too_large` before it is parsed.
pub const BODY_MAX: usize = 64 * 1024;

/// The largest body of a report (page form or API): its sections and rows at their
/// maximum lengths fit, and so does a kept copy of it.
pub const REPORT_BODY_MAX: usize = samla_db::kept_forms::MAX_BODY;

/// One message on a form, linked to the field it concerns.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The errors of one form submission.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn from_domain(lang: Lang, errors: &[DomainError]) -> FormErrors {
        FormErrors(
            errors
                .iter()
                .map(|e| FieldError {
                    field: e.field.unwrap_or("form").to_owned(),
                    message: i18n::text(
                        lang,
                        &format!("error-{}", e.code.as_str().replace('_', "-")),
                        &[],
                    ),
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}

/// A refused form as its page answers it: the status and every field's message.
pub struct Refusal {
    pub status: axum::http::StatusCode,
    pub errors: FormErrors,
}

impl Refusal {
    /// The fields' errors become the form's messages, answered 409 when one clashed with
    /// the stored state, 403 when one is a step the actor may not take, 422 otherwise. A
    /// refusal that names no field is the error page's to answer.
    pub fn of(
        lang: Lang,
        refused: Result<Vec<DomainError>, samla_db::StoreError>,
    ) -> Result<Refusal, crate::error::AppError> {
        use axum::http::StatusCode;
        let errors = match refused {
            Ok(errors) => errors,
            Err(samla_db::StoreError::Domain(e)) if e.field.is_some() => vec![e],
            Err(e) => return Err(e.into()),
        };
        let status = errors
            .iter()
            .map(|e| match crate::error::status_of(e.code) {
                s @ (StatusCode::CONFLICT | StatusCode::FORBIDDEN) => s,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            })
            .max()
            .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        Ok(Refusal {
            status,
            errors: FormErrors::from_domain(lang, &errors),
        })
    }

    /// A single store refusal (one field, or the error page).
    pub fn of_store(
        lang: Lang,
        refused: samla_db::StoreError,
    ) -> Result<Refusal, crate::error::AppError> {
        Refusal::of(lang, Err(refused))
    }
}

/// A form body where a field may repeat (`role=a&role=b`), which serde_urlencoded
/// cannot put into a struct. Parsed by hand, once: every decoded name and value goes end
/// to end into one string, and an index of their places, sorted by name, finds a field
/// by binary search. A megabyte of fields costs one pass, one sort and a handful of
/// allocations (F8 of the security review: a scan per field made a large form
/// quadratic, and a string per field made it slow).
pub struct MultiForm {
    text: String,
    /// (name, value) places in `text`, sorted by name; a name's values keep their order.
    fields: Vec<(Span, Span)>,
}

#[derive(Clone, Copy)]
struct Span(u32, u32);

impl MultiForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> MultiForm {
        let mut form = MultiForm {
            text: String::new(),
            fields: Vec::with_capacity(pairs.len()),
        };
        for (key, value) in &pairs {
            let key = form.push(key);
            let value = form.push(value);
            form.fields.push((key, value));
        }
        form.sort();
        form
    }

    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn from_body(body: &[u8]) -> MultiForm {
        let mut form = MultiForm {
            text: String::with_capacity(body.len()),
            fields: Vec::new(),
        };
        let mut scratch = Vec::new();
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (key, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &pair[..0]),
            };
            let key = form.push_decoded(key, &mut scratch);
            let value = form.push_decoded(value, &mut scratch);
            form.fields.push((key, value));
        }
        form.sort();
        form
    }

    fn push(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span(start, self.text.len() as u32)
    }

    fn push_decoded(&mut self, raw: &[u8], scratch: &mut Vec<u8>) -> Span {
        scratch.clear();
        decode_into(raw, scratch);
        let start = self.text.len() as u32;
        self.text.push_str(&String::from_utf8_lossy(scratch));
        Span(start, self.text.len() as u32)
    }

    fn sort(&mut self) {
        let text = &self.text;
        // Stable: the values of a repeated name stay in the order they were sent.
        self.fields.sort_by(|a, b| {
            text[a.0.0 as usize..a.0.1 as usize].cmp(&text[b.0.0 as usize..b.0.1 as usize])
        });
    }

    fn str(&self, span: Span) -> &str {
        &self.text[span.0 as usize..span.1 as usize]
    }

    /// The places of a name's values.
    fn values(&self, key: &str) -> &[(Span, Span)] {
        let start = self.fields.partition_point(|(k, _)| self.str(*k) < key);
        let len = self.fields[start..]
            .iter()
            .take_while(|(k, _)| self.str(*k) == key)
            .count();
        &self.fields[start..start + len]
    }

    /// The field's first value; empty when it is missing.
    pub fn get(&self, key: &str) -> String {
        self.values(key)
            .first()
            .map(|(_, v)| self.str(*v).to_owned())
            .unwrap_or_default()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.values(key)
            .iter()
            .map(|(_, v)| self.str(*v).to_owned())
            .collect()
    }

    pub fn has(&self, key: &str) -> bool {
        !self.values(key).is_empty()
    }

    /// The names of the fields sent, each once.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let mut last: Option<&str> = None;
        self.fields.iter().filter_map(move |(k, _)| {
            let key = self.str(*k);
            (last != Some(key)).then(|| {
                last = Some(key);
                key
            })
        })
    }

    /// The names that start with `prefix`, each once (found by binary search).
    pub fn keys_starting(&self, prefix: &str) -> impl Iterator<Item = &str> {
        let start = self.fields.partition_point(|(k, _)| self.str(*k) < prefix);
        let mut last: Option<&str> = None;
        self.fields[start..]
            .iter()
            .map(|(k, _)| self.str(*k))
            .take_while(move |k| k.starts_with(prefix))
            .filter(move |key| {
                let new = last != Some(*key);
                last = Some(*key);
                new
            })
    }
}

impl<S: Send + Sync> FromRequest<S> for MultiForm {
    type Rejection = crate::error::AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A body over the limit is the sender's doing, never a server error.
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let code = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                samla_domain::ErrorCode::BodyTooLarge
            } else {
                samla_domain::ErrorCode::InvalidInput
            };
            crate::error::AppError::Code(code)
        })?;
        Ok(MultiForm::from_body(&bytes))
    }
}

/// The type an input is shown with. A date input can only hold a real date, so a value
/// kept as typed after an error ("2019-13-01") is shown in a text input instead: the
/// person sees what they wrote, and the page stays valid HTML.
pub fn shown_type<'a>(kind: &'a str, value: &str) -> &'a str {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    if kind == "date" && !value.is_empty() && time::Date::parse(value, date).is_err() {
        "text"
    } else {
        kind
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` escapes (and `+` as a space, as a form field is written) onto `out`.
fn decode_into(bytes: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
}

/// Decodes `%XX` escapes (and `+` as a space, as a form field is written).
pub fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    decode_into(s.as_bytes(), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_date_that_is_not_a_date_is_shown_as_text() {
        assert_eq!(super::shown_type("date", "2019-13-01"), "text");
        assert_eq!(super::shown_type("date", "15.03.2021"), "text");
        assert_eq!(super::shown_type("date", "2021-03-15"), "date");
        assert_eq!(super::shown_type("date", ""), "date");
        assert_eq!(super::shown_type("email", "not an address"), "email");
    }

    #[test]
    fn repeated_fields_and_escapes() {
        let pairs = super::form_urlencoded_pairs(
            b"role=admin&role=secretariat&name=Kari+N%C3%B8rdmann&x=%",
        );
        assert_eq!(pairs[0], ("role".into(), "admin".into()));
        assert_eq!(pairs[1].1, "secretariat");
        assert_eq!(pairs[2].1, "Kari Nørdmann");
        assert_eq!(pairs[3].1, "%");
    }

    #[test]
    fn a_multi_form_finds_fields_by_name_in_the_order_sent() {
        let form = super::MultiForm::from_body(
            b"role=b&name=Kari+N%C3%B8rdmann&role=a&row_1=x&row_0=y&empty=&bare&bad=%FF",
        );
        assert_eq!(form.all("role"), ["b", "a"], "values keep the order sent");
        assert_eq!(form.get("role"), "b");
        assert_eq!(form.get("name"), "Kari Nørdmann");
        assert_eq!(form.get("missing"), "");
        assert!(form.has("empty") && form.has("bare") && !form.has("missing"));
        assert_eq!(
            form.get("bad"),
            "\u{FFFD}",
            "bytes that are not UTF-8 are replaced"
        );
        assert_eq!(
            form.keys_starting("row_").collect::<Vec<_>>(),
            ["row_0", "row_1"]
        );
        let mut keys: Vec<&str> = form.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["bad", "bare", "empty", "name", "role", "row_0", "row_1"]
        );
        let same =
            super::MultiForm::from_pairs(vec![("a".into(), "1".into()), ("a".into(), "2".into())]);
        assert_eq!(same.all("a"), ["1", "2"]);
    }
}
