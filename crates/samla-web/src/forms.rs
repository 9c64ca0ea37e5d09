//! Form errors: each refusal points at its field, and the form is shown again with
//! everything the user typed (except passwords) still in it.

use crate::i18n::{self, Lang};
use samla_domain::DomainError;

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
