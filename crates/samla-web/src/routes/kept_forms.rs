//! Nothing typed is lost when a session runs out. A form posted with an expired
//! session is kept on the server for the user whose session it was (`keep_expired`),
//! the login page says why the login is needed, and after logging in that user alone
//! sees the kept form and sends it again to where it was going, or discards it.
//! Sending it again runs the form's own handler, so its rules (versions, the
//! publication gate, conflicts that keep both texts) apply as on the first try.

use super::auth::safe_next;
use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::{Ctx, cookie};
use crate::error::AppError;
use crate::forms::form_urlencoded_pairs;
use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use samla_db::kept_forms::{self, KeptForm};
use samla_db::sessions::{self, SessionState};
use samla_domain::ErrorCode;

/// The query parameter that marks a form sent again from its kept copy.
const KEPT_PARAM: &str = "kept";

/// Paths whose forms are never kept: logging in and out carry nothing typed worth keeping.
fn keeps_forms(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/login" && path != "/logout"
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The id in `kept=ID` of a query string, if any.
fn kept_id(query: Option<&str>) -> Option<i64> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(KEPT_PARAM)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// `action` with `kept=ID` set (and any earlier one dropped).
fn action_with_kept(action: &str, id: i64) -> String {
    let (path, query) = action.split_once('?').unwrap_or((action, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("kept="))
        .collect();
    let marker = format!("{KEPT_PARAM}={id}");
    pairs.push(&marker);
    format!("{path}?{}", pairs.join("&"))
}

/// The local page a request came from, from its `Referer`, if it is on this site.
fn came_from(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer.split_once("://")?.1;
    let path = rest.strip_prefix(host)?;
    let path = safe_next(Some(path));
    (path != "/").then_some(path)
}

/// Middleware: a page form posted with an expired session is kept for its user, who is
/// sent to log in and then back to it. A form sent again from its kept copy removes
/// the copy once its handler has answered (unless the server failed).
pub async fn keep_expired(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST
        || !keeps_forms(request.uri().path())
        || !is_form(request.headers())
    {
        return next.run(request).await;
    }
    let Some(secret) = cookie(request.headers(), state.config.session_cookie())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
    else {
        return next.run(request).await;
    };
    let resent = kept_id(request.uri().query());
    let session = match sessions::inspect(&state.db, &secret, state.config.session).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    match session {
        SessionState::Expired { user_id } => keep(&state, user_id, request).await,
        SessionState::Alive(actor) => {
            let response = next.run(request).await;
            if let Some(id) = resent
                && !response.status().is_server_error()
                && let Err(e) = kept_forms::remove(&state.db, id, actor.user_id).await
            {
                tracing::error!(error = %e, id, "a kept form that was sent again stays");
            }
            response
        }
        SessionState::Unknown => next.run(request).await,
    }
}

async fn keep(state: &AppState, user_id: i64, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let action = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| parts.uri.path().to_owned());
    let return_to = came_from(&parts.headers).unwrap_or_else(|| parts.uri.path().to_owned());
    let login = "/login?reason=expired";
    let Ok(bytes) = axum::body::to_bytes(body, kept_forms::MAX_BODY).await else {
        // Too large to keep (no form of samla's is): the user is told the session ran out.
        return Redirect::to(login).into_response();
    };
    let body = String::from_utf8_lossy(&bytes);
    match kept_forms::keep(&state.db, user_id, &action, &return_to, &body).await {
        Ok(id) => Redirect::to(&format!("{login}&next=/kept-forms/{id}")).into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "kept_forms/show.html")]
struct KeptPage {
    page: Page,
    kept: KeptForm,
    /// Where "send again" posts: the form's own action, marked as a resend.
    send_to: String,
    /// Every field as it was posted, sent again unchanged.
    fields: Vec<(String, String)>,
    /// The texts the user wrote, shown so they can see what is kept.
    texts: Vec<String>,
}

/// Whether a posted value is something a person wrote rather than a code, number or
/// date the form filled in (`report_approved`, `nb`, `12`, `2021-04-02`).
fn is_typed_text(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && value
            .chars()
            .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'))
}

async fn own_kept(state: &AppState, ctx: &Ctx, id: i64) -> Result<KeptForm, AppError> {
    let actor = ctx.require_actor()?;
    kept_forms::get(&state.db, id, actor.user_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let kept = own_kept(&state, &ctx, id).await?;
    let fields = form_urlencoded_pairs(kept.body.as_bytes());
    // Each text once, in the order typed; a set keeps a large form linear.
    let mut seen = std::collections::HashSet::new();
    let texts: Vec<String> = fields
        .iter()
        .map(|(_, value)| value)
        .filter(|value| is_typed_text(value) && seen.insert(value.as_str()))
        .cloned()
        .collect();
    let title = ctx.t("kept-title");
    render(&KeptPage {
        page: Page::new(&ctx, &title, ""),
        send_to: action_with_kept(&kept.action, kept.id),
        kept,
        fields,
        texts,
    })
}

pub async fn discard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let kept = own_kept(&state, &ctx, id).await?;
    kept_forms::remove(&state.db, kept.id, ctx.require_actor()?.user_id).await?;
    Ok(Redirect::to(&safe_next(Some(&kept.return_to))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resend_marker_is_read_and_replaced() {
        assert_eq!(kept_id(Some("kept=12")), Some(12));
        assert_eq!(kept_id(Some("a=1&kept=7")), Some(7));
        assert_eq!(kept_id(Some("kept_x=7")), None);
        assert_eq!(kept_id(None), None);
        assert_eq!(action_with_kept("/a/b", 3), "/a/b?kept=3");
        assert_eq!(action_with_kept("/a?x=1&kept=2", 3), "/a?x=1&kept=3");
    }

    #[test]
    fn typed_text_is_told_from_codes() {
        for code in ["report_approved", "nb", "12", "2021-04-02", " "] {
            assert!(!is_typed_text(code), "{code}");
        }
        for text in ["Funn", "Lederne vil samarbeide.", "ungdomsrådet"] {
            assert!(is_typed_text(text), "{text}");
        }
    }

    #[test]
    fn only_this_site_is_gone_back_to() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "samla.test".parse().unwrap());
        h.insert(
            header::REFERER,
            "https://samla.test/dialogue/dialogues/4/report"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            came_from(&h).as_deref(),
            Some("/dialogue/dialogues/4/report")
        );
        h.insert(
            header::REFERER,
            "https://evil.example/samla.test/x".parse().unwrap(),
        );
        assert_eq!(came_from(&h), None);
    }
}
