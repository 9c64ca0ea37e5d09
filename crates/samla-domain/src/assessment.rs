//! The secretariat's assessment of a submitted yearly report: per answer, how far the
//! requirement is fulfilled (a rubric), the risk it sees, its comment, and optionally a
//! question back to the embete, which the embete answers in the same thread. Each
//! assessment names the report version (and hash) it assessed. The embete sees the
//! assessments once the secretariat releases them; other embeter never do.

use crate::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

/// How far an answer fulfils its requirement.
pub const RUBRIC: [&str; 3] = ["fulfilled", "partly", "not_fulfilled"];

/// The risk the secretariat sees if nothing more is done.
pub const RISKS: [&str; 3] = ["low", "medium", "high"];

/// The longest comment or message, in characters.
pub const TEXT_MAX: usize = 4000;

/// The secretariat's assessment of one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    /// The requirement whose answer is assessed.
    pub requirement: i64,
    /// One of [`RUBRIC`].
    pub rubric: String,
    /// One of [`RISKS`].
    pub risk: String,
    pub comment: String,
    /// The report version assessed, and its SHA-256.
    pub report_version: i64,
    pub report_sha256: String,
    /// Unix seconds.
    pub assessed_at: i64,
    pub assessed_by: String,
}

/// An assessment as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub rubric: String,
    pub risk: String,
    pub comment: String,
    /// A question to the embete; empty for none.
    pub question: String,
}

impl AssessmentInput {
    pub fn of(a: &Assessment) -> AssessmentInput {
        AssessmentInput {
            rubric: a.rubric.clone(),
            risk: a.risk.clone(),
            comment: a.comment.clone(),
            question: String::new(),
        }
    }
}

/// What a checked assessment says, before the store stamps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub rubric: String,
    pub risk: String,
    pub comment: String,
    pub question: Option<String>,
}

/// One message in an answer's thread: the secretariat's question or the embete's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    pub id: i64,
    pub requirement: i64,
    /// `secretariat` or `embete`.
    pub from: String,
    pub text: String,
    /// Unix seconds.
    pub at: i64,
    pub by: String,
}

/// A text of a thread or a comment: trimmed, at most [`TEXT_MAX`] characters, and no
/// identity number (an assessment may be published with the synthesis).
pub fn check_message(text: &str, field: &'static str) -> Result<String, DomainError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > TEXT_MAX {
        return Err(DomainError::field(ErrorCode::TextTooLong, field));
    }
    crate::publication::check_name(field, &text)?;
    Ok(text)
}

/// Checks an assessment with every error at once. The comment says why; the rubric and
/// the risk are chosen from their lists.
pub fn check_assessment(input: &AssessmentInput) -> Result<Checked, Vec<DomainError>> {
    let mut errors = Vec::new();
    let rubric = input.rubric.trim();
    if !RUBRIC.contains(&rubric) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "rubric"));
    }
    let risk = input.risk.trim();
    if !RISKS.contains(&risk) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "risk"));
    }
    let comment = check_message(&input.comment, "comment").unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    if comment.is_empty() && !errors.iter().any(|e| e.field == Some("comment")) {
        errors.push(DomainError::field(ErrorCode::Required, "comment"));
    }
    let question = check_message(&input.question, "question").unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Checked {
        rubric: rubric.to_owned(),
        risk: risk.to_owned(),
        comment,
        question: (!question.is_empty()).then_some(question),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rubric: &str, risk: &str, comment: &str) -> AssessmentInput {
        AssessmentInput {
            rubric: rubric.into(),
            risk: risk.into(),
            comment: comment.into(),
            question: String::new(),
        }
    }

    #[test]
    fn every_mistake_is_named_at_once() {
        let errors: Vec<_> = check_assessment(&input("maybe", "", " "))
            .unwrap_err()
            .into_iter()
            .map(|e| (e.code, e.field))
            .collect();
        assert_eq!(
            errors,
            [
                (ErrorCode::InvalidChoice, Some("rubric")),
                (ErrorCode::InvalidChoice, Some("risk")),
                (ErrorCode::Required, Some("comment")),
            ]
        );
    }

    #[test]
    fn a_question_is_kept_only_when_asked() {
        let ok = check_assessment(&input("partly", "medium", "Godt arbeid.")).unwrap();
        assert_eq!(ok.question, None);
        let mut asked = input("partly", "medium", "Godt arbeid.");
        asked.question = "Hvilke kommuner gjenstår?".into();
        assert_eq!(
            check_assessment(&asked).unwrap().question.as_deref(),
            Some("Hvilke kommuner gjenstår?")
        );
    }

    #[test]
    fn an_identity_number_is_refused() {
        assert_eq!(
            check_message("Gjelder 15038700089.", "question")
                .unwrap_err()
                .code,
            ErrorCode::PersonalIdFound
        );
        assert_eq!(
            check_message(&"a".repeat(TEXT_MAX + 1), "comment")
                .unwrap_err()
                .code,
            ErrorCode::TextTooLong
        );
    }
}
