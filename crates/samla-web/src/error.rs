//! Errors as the user sees them. A handler returns an [`AppError`]; the
//! `render_errors` middleware turns it into a localized HTML page or, under
//! `/api/`, an RFC 9457 problem body. Internal detail is logged, never shown.

use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n;
use crate::routes::pages::Page;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;

/// A refusal or failure on its way to the user.
#[derive(Debug)]
pub enum AppError {
    /// A known reason with a stable code.
    Code(ErrorCode),
    /// A refusal about one input field.
    Field(DomainError),
    /// Several refusals at once (every wrong field of a JSON body).
    Fields(Vec<DomainError>),
    /// Someone else saved first: what is saved now (API clients merge from it) and the
    /// sections both sides changed.
    Conflict(Box<EditConflict>),
    /// Something broke inside; the cause is logged, the user gets a generic message.
    Internal(String),
}

/// What an API client needs to settle an edit conflict.
#[derive(Debug)]
pub struct EditConflict {
    /// What is saved now.
    pub current: serde_json::Value,
    /// The sections both sides changed, with `mine` and `theirs`.
    pub conflicts: serde_json::Value,
}

/// Carried from [`AppError::into_response`] to the middleware that renders it.
#[derive(Debug, Clone)]
struct ErrorInfo {
    code: Option<ErrorCode>,
    field: Option<&'static str>,
    /// Every refusal, when there are several.
    all: Vec<DomainError>,
    /// What an edit conflict met: what is saved now, and the sections both changed.
    conflict: Option<(serde_json::Value, serde_json::Value)>,
}

/// An API error: an RFC 9457 problem body with a stable `code`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    /// The stable error code.
    #[schema(schema_with = error_codes)]
    code: &'static str,
    detail: String,
    /// The input the error concerns.
    field: Option<&'static str>,
    /// Every refusal when a body had several wrong fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Refusal>,
    /// With 409 edit_conflict on a report: what is saved now (merge from it, then save
    /// with its version).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    current: Option<serde_json::Value>,
    /// With 409 edit_conflict on a report: each section both sides changed, with `mine`
    /// and `theirs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    conflicts: Option<serde_json::Value>,
}

/// One refusal of a request with several wrong fields.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Refusal {
    #[schema(schema_with = error_codes)]
    code: &'static str,
    field: Option<&'static str>,
    detail: String,
}

/// Every code an API error can carry: the domain's codes and `internal`.
fn error_codes() -> utoipa::openapi::schema::Object {
    let codes: Vec<&str> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(["internal"])
        .collect();
    samla_domain::schema::choice(&codes)
}

impl ErrorInfo {
    fn of(code: Option<ErrorCode>, field: Option<&'static str>) -> ErrorInfo {
        ErrorInfo {
            code,
            field,
            all: Vec::new(),
            conflict: None,
        }
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::NotFound | ErrorCode::UnknownMunicipality | ErrorCode::UnknownOrganisation => {
            StatusCode::NOT_FOUND
        }
        ErrorCode::Forbidden | ErrorCode::LeaderRequired => StatusCode::FORBIDDEN,
        ErrorCode::LoginRequired | ErrorCode::InvalidCredentials | ErrorCode::InvalidToken => {
            StatusCode::UNAUTHORIZED
        }
        ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::ReportWithdrawn | ErrorCode::ResetLinkInvalid => StatusCode::GONE,
        ErrorCode::EditConflict
        | ErrorCode::StageNotAllowed
        | ErrorCode::ReportRequired
        | ErrorCode::ReportLocked
        | ErrorCode::MeetingLocked
        | ErrorCode::NothingToUndo
        | ErrorCode::DuplicateName
        | ErrorCode::HasRecords
        | ErrorCode::AnswersMissing
        | ErrorCode::AssessmentsMissing => StatusCode::CONFLICT,
        // Well-formed, but refused by a rule that depends on stored data or the date:
        // what no schema can say. Everything else a schema can say is 400.
        ErrorCode::PersonalIdFound
        | ErrorCode::PersonalIdUnconfirmed
        | ErrorCode::ChildSummaryRequired
        | ErrorCode::DateInFuture
        | ErrorCode::DateBeforePreviousStep
        | ErrorCode::DateAfterNextStep
        | ErrorCode::InvalidPeriod
        | ErrorCode::UnknownUnit
        | ErrorCode::RequiredForYouthMeeting => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        if e.field.is_some() {
            AppError::Field(e)
        } else {
            AppError::Code(e.code)
        }
    }
}

/// An error with every cause under it (`pool timed out: …: connection refused`), so the
/// log line of a 5xx says what actually failed.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl From<samla_db::DbError> for AppError {
    fn from(e: samla_db::DbError) -> Self {
        AppError::Internal(chain(&e))
    }
}

impl From<samla_db::StoreError> for AppError {
    fn from(e: samla_db::StoreError) -> Self {
        match e {
            samla_db::StoreError::Domain(d) => d.into(),
            other => AppError::Internal(chain(&other)),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {}", chain(&e)))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, info) = match self {
            AppError::Code(code) => (status_of(code), ErrorInfo::of(Some(code), None)),
            AppError::Field(e) => (status_of(e.code), ErrorInfo::of(Some(e.code), e.field)),
            AppError::Fields(all) => {
                let first = all
                    .first()
                    .cloned()
                    .unwrap_or(DomainError::new(ErrorCode::InvalidInput));
                (
                    status_of(first.code),
                    ErrorInfo {
                        all,
                        ..ErrorInfo::of(Some(first.code), first.field)
                    },
                )
            }
            AppError::Conflict(conflict) => (
                StatusCode::CONFLICT,
                ErrorInfo {
                    conflict: Some((conflict.current, conflict.conflicts)),
                    ..ErrorInfo::of(Some(ErrorCode::EditConflict), None)
                },
            ),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorInfo::of(None, None))
            }
        };
        if status == StatusCode::FORBIDDEN {
            // Refused access is a security event (F16); the request's span names the route.
            tracing::warn!(target: "security", code = ?info.code, "access refused");
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(info);
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    heading: String,
    message: String,
    status: u16,
    show_login: bool,
}

/// Renders errors (and unmatched routes) for people and for API clients.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers().clone();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let mut status = response.status();
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None if status == StatusCode::NOT_FOUND
            && response.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            ErrorInfo::of(Some(ErrorCode::NotFound), None)
        }
        // axum's own rejections (a query or form that cannot be read) come as plain text.
        // A body of the wrong shape is 400 like any other malformed input (axum says 422,
        // which this service keeps for rules that refuse well-formed input).
        None if status.is_client_error()
            && status != StatusCode::METHOD_NOT_ALLOWED
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/plain")) =>
        {
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                status = StatusCode::BAD_REQUEST;
            }
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                ErrorCode::BodyTooLarge
            } else {
                ErrorCode::InvalidInput
            };
            ErrorInfo::of(Some(code), None)
        }
        None if status == StatusCode::METHOD_NOT_ALLOWED
            && response.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            ErrorInfo::of(Some(ErrorCode::NotFound), None)
        }
        None => return response,
    };
    let lang = crate::ctx::lang_of(&headers);
    let key = info
        .code
        .map(|c| format!("error-{}", c.as_str().replace('_', "-")))
        .unwrap_or_else(|| "error-internal".into());
    let message = i18n::text(lang, &key, &[]);
    if is_api {
        let detail = |code: ErrorCode| {
            i18n::text(
                i18n::Lang::En,
                &format!("error-{}", code.as_str().replace('_', "-")),
                &[],
            )
        };
        let (current, conflicts) = info.conflict.unzip();
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code: info.code.map(|c| c.as_str()).unwrap_or("internal"),
            detail: i18n::text(i18n::Lang::En, &key, &[]),
            field: info.field,
            errors: info
                .all
                .iter()
                .map(|e| Refusal {
                    code: e.code.as_str(),
                    field: e.field,
                    detail: detail(e.code),
                })
                .collect(),
            current,
            conflicts,
        };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&body).unwrap_or_default(),
        )
            .into_response();
        // RFC 6750: a 401 names the scheme, and says when the token itself was the trouble.
        if status == StatusCode::UNAUTHORIZED {
            let challenge = if info.code == Some(ErrorCode::InvalidToken) {
                "Bearer error=\"invalid_token\""
            } else {
                "Bearer"
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(challenge),
            );
        }
        return response;
    }
    if info.code == Some(ErrorCode::LoginRequired) {
        let next = urlencode(&path);
        // A session cookie that no longer works means the session ran out: say so.
        let expired = crate::ctx::cookie(&headers, state.config.session_cookie())
            .is_some_and(|s| !s.is_empty());
        let reason = if expired { "&reason=expired" } else { "" };
        return Redirect::to(&format!("/login?next={next}{reason}")).into_response();
    }
    let ctx = match Ctx::from_headers(&state, &headers, path).await {
        Ok(ctx) => ctx,
        Err(_) => Ctx {
            lang,
            actor: None,
            session: None,
            path: "/".into(),
        },
    };
    let heading = match i18n::text(lang, &format!("error-heading-{}", status.as_u16()), &[]) {
        // A status without a heading of its own gets the general one, in the title too.
        missing if missing.starts_with("error-heading") => {
            i18n::text(lang, "error-heading-other", &[])
        }
        heading => heading,
    };
    let page = ErrorPage {
        heading: heading.clone(),
        page: Page::new(&ctx, &heading, ""),
        message,
        status: status.as_u16(),
        show_login: status == StatusCode::FORBIDDEN && ctx.actor.is_none(),
    };
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, "Error").into_response()
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn an_internal_error_keeps_its_causes() {
        let io = std::io::Error::other("connection refused");
        let e = samla_db::StoreError::Other(
            anyhow::Error::new(io).context("cannot reach the database"),
        );
        let AppError::Internal(text) = AppError::from(e) else {
            panic!("an internal error");
        };
        assert!(
            text.contains("cannot reach the database") && text.contains("connection refused"),
            "{text}"
        );
    }
}
