//! Stable error codes. The web layer turns a code into localized text; the API
//! returns it as `code` in a problem body. Internal detail never reaches a user.

use std::fmt;

/// A stable, machine-readable reason for refusing input or an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidDate,
    DateOutOfRange,
    InvalidMunicipalityNumber,
    UnknownMunicipality,
    UnknownEmbete,
    UnknownOrganisation,
    InvalidEmail,
    EmailTaken,
    PasswordTooShort,
    InvalidRole,
    RoleNotAllowedForOrganisation,
    NameRequired,
    NotFound,
    Forbidden,
    LoginRequired,
    /// A bearer token that is not valid: mistyped, expired or revoked.
    InvalidToken,
    InvalidCredentials,
    TooManyAttempts,
    /// The server has more password work waiting than it takes: try again shortly.
    Busy,
    /// A new password that is on the list of common passwords, or easily guessed
    /// from the user's own name and e-mail address.
    PasswordGuessable,
    /// The new password and its repetition differ.
    PasswordMismatch,
    /// The current password given to change it is not the account's.
    WrongPassword,
    /// A password reset link that is used, expired or unknown.
    ResetLinkInvalid,
    CannotDisableSelf,
    InvalidInput,
    /// The request's body is larger than the endpoint takes.
    BodyTooLarge,
    StageNotAllowed,
    InvalidPeriod,
    EditConflict,
    UnknownUnit,
    ReportRequired,
    PersonalIdFound,
    PersonalIdUnconfirmed,
    ChildSummaryRequired,
    InvalidCrcArticle,
    InvalidStep,
    InvalidNumber,
    InvalidChoice,
    LeaderRequired,
    Required,
    TextTooLong,
    DateInFuture,
    DateBeforePreviousStep,
    ReportLocked,
    MeetingLocked,
    NothingToUndo,
    DuplicateName,
    HasRecords,
    /// A published report that a leader withdrew: its page says when and why.
    ReportWithdrawn,
    DateAfterNextStep,
    /// A youth meeting needs its group and how many took part.
    RequiredForYouthMeeting,
    /// A report is approved only when every requirement it answers has an answer.
    AnswersMissing,
    /// Assessments are released only when every answer is assessed.
    AssessmentsMissing,
}

impl ErrorCode {
    /// The code as it appears in the API and in translation keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidDate => "invalid_date",
            Self::DateOutOfRange => "date_out_of_range",
            Self::InvalidMunicipalityNumber => "invalid_municipality_number",
            Self::UnknownMunicipality => "unknown_municipality",
            Self::UnknownEmbete => "unknown_embete",
            Self::UnknownOrganisation => "unknown_organisation",
            Self::InvalidEmail => "invalid_email",
            Self::EmailTaken => "email_taken",
            Self::PasswordTooShort => "password_too_short",
            Self::InvalidRole => "invalid_role",
            Self::RoleNotAllowedForOrganisation => "role_not_allowed_for_organisation",
            Self::NameRequired => "name_required",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::LoginRequired => "login_required",
            Self::InvalidToken => "invalid_token",
            Self::InvalidCredentials => "invalid_credentials",
            Self::TooManyAttempts => "too_many_attempts",
            Self::Busy => "busy",
            Self::PasswordGuessable => "password_guessable",
            Self::PasswordMismatch => "password_mismatch",
            Self::WrongPassword => "wrong_password",
            Self::ResetLinkInvalid => "reset_link_invalid",
            Self::CannotDisableSelf => "cannot_disable_self",
            Self::InvalidInput => "invalid_input",
            Self::BodyTooLarge => "body_too_large",
            Self::StageNotAllowed => "stage_not_allowed",
            Self::InvalidPeriod => "invalid_period",
            Self::EditConflict => "edit_conflict",
            Self::UnknownUnit => "unknown_unit",
            Self::ReportRequired => "report_required",
            Self::PersonalIdFound => "personal_id_found",
            Self::PersonalIdUnconfirmed => "personal_id_unconfirmed",
            Self::ChildSummaryRequired => "child_summary_required",
            Self::InvalidCrcArticle => "invalid_crc_article",
            Self::InvalidStep => "invalid_step",
            Self::InvalidNumber => "invalid_number",
            Self::InvalidChoice => "invalid_choice",
            Self::LeaderRequired => "leader_required",
            Self::Required => "required",
            Self::TextTooLong => "text_too_long",
            Self::DateInFuture => "date_in_future",
            Self::DateBeforePreviousStep => "date_before_previous_step",
            Self::ReportLocked => "report_locked",
            Self::MeetingLocked => "meeting_locked",
            Self::NothingToUndo => "nothing_to_undo",
            Self::DuplicateName => "duplicate_name",
            Self::HasRecords => "has_records",
            Self::ReportWithdrawn => "report_withdrawn",
            Self::AnswersMissing => "answers_missing",
            Self::AssessmentsMissing => "assessments_missing",
            Self::DateAfterNextStep => "date_after_next_step",
            Self::RequiredForYouthMeeting => "required_for_youth_meeting",
        }
    }

    /// Every code, so tests can prove each one has a translation.
    pub const ALL: [ErrorCode; 53] = [
        Self::InvalidDate,
        Self::DateOutOfRange,
        Self::InvalidMunicipalityNumber,
        Self::UnknownMunicipality,
        Self::UnknownEmbete,
        Self::UnknownOrganisation,
        Self::InvalidEmail,
        Self::EmailTaken,
        Self::PasswordTooShort,
        Self::InvalidRole,
        Self::RoleNotAllowedForOrganisation,
        Self::NameRequired,
        Self::NotFound,
        Self::Forbidden,
        Self::LoginRequired,
        Self::InvalidToken,
        Self::InvalidCredentials,
        Self::TooManyAttempts,
        Self::Busy,
        Self::PasswordGuessable,
        Self::PasswordMismatch,
        Self::WrongPassword,
        Self::ResetLinkInvalid,
        Self::CannotDisableSelf,
        Self::InvalidInput,
        Self::BodyTooLarge,
        Self::StageNotAllowed,
        Self::InvalidPeriod,
        Self::EditConflict,
        Self::UnknownUnit,
        Self::ReportRequired,
        Self::PersonalIdFound,
        Self::PersonalIdUnconfirmed,
        Self::ChildSummaryRequired,
        Self::InvalidCrcArticle,
        Self::InvalidStep,
        Self::InvalidNumber,
        Self::InvalidChoice,
        Self::LeaderRequired,
        Self::Required,
        Self::TextTooLong,
        Self::DateInFuture,
        Self::DateBeforePreviousStep,
        Self::ReportLocked,
        Self::MeetingLocked,
        Self::NothingToUndo,
        Self::DuplicateName,
        Self::HasRecords,
        Self::ReportWithdrawn,
        Self::DateAfterNextStep,
        Self::RequiredForYouthMeeting,
        Self::AnswersMissing,
        Self::AssessmentsMissing,
    ];
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal with its code and, where it concerns one input, the field it points at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}{}", field.map(|f| format!(" ({f})")).unwrap_or_default())]
pub struct DomainError {
    pub code: ErrorCode,
    pub field: Option<&'static str>,
}

impl DomainError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, field: None }
    }

    pub fn field(code: ErrorCode, field: &'static str) -> Self {
        Self {
            code,
            field: Some(field),
        }
    }
}
