//! Form errors: each refusal points at its field, and the form is shown again with
//! everything the user typed (except passwords) still in it.

use crate::i18n::{self, Lang};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use samla_domain::DomainError;
use std::collections::HashMap;

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

/// A form body where a field may repeat (`role=a&role=b`), which serde_urlencoded
/// cannot put into a struct; parsed by hand, once, into the values of each field, so
/// reading a field costs the same however large the form is (F8 of the security review:
/// a scan per field made a large form quadratic).
pub struct MultiForm(HashMap<String, Vec<String>>);

impl MultiForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> MultiForm {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in pairs {
            fields.entry(key).or_default().push(value);
        }
        MultiForm(fields)
    }

    /// The field's first value; empty when it is missing.
    pub fn get(&self, key: &str) -> String {
        self.0
            .get(key)
            .and_then(|values| values.first())
            .cloned()
            .unwrap_or_default()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.get(key).cloned().unwrap_or_default()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The names of the fields sent.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
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
        Ok(MultiForm::from_pairs(form_urlencoded_pairs(&bytes)))
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` escapes (and `+` as a space, as a form field is written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
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
    fn repeated_fields_and_escapes() {
        let pairs = super::form_urlencoded_pairs(
            b"role=admin&role=secretariat&name=Kari+N%C3%B8rdmann&x=%",
        );
        assert_eq!(pairs[0], ("role".into(), "admin".into()));
        assert_eq!(pairs[1].1, "secretariat");
        assert_eq!(pairs[2].1, "Kari Nørdmann");
        assert_eq!(pairs[3].1, "%");
    }
}
