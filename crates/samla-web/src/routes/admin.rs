//! Administration: user accounts and the audit log. Every handler first gets its
//! capability from the access policy; without it nothing is read or changed.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::FormErrors;
use crate::forms::MultiForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samla_db::audit::{self, Entry, Filter, Who};
use samla_db::users::{self, CreateUserError, NewUser, Organisation, User};
use samla_domain::access::{self, OrgKind, Role};
use samla_domain::dates::{parse_date, today};
use serde::Deserialize;

fn who(actor: &samla_domain::access::Actor) -> Who {
    Who::user(actor.user_id, &actor.email)
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<User>,
    notice: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let proof = access::manage_users(ctx.require_actor()?)?;
    let users = users::list_users(&state.db, &proof).await?;
    let notice = flash.text(&ctx, &[Notice::UserCreated, Notice::UserChanged]);
    let title = ctx.t("admin-users-title");
    Ok(render(&UsersPage {
        page: Page::new(&ctx, &title, "admin"),
        users,
        notice,
    })?
    .into_response())
}

/// The organisations offered in the form, grouped by kind; municipalities only as valid today.
pub struct OrgGroup {
    pub label_key: &'static str,
    pub organisations: Vec<Organisation>,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewUserPage {
    page: Page,
    groups: Vec<OrgGroup>,
    roles: Vec<Role>,
    form: NewUser,
    errors: FormErrors,
}

impl NewUserPage {
    fn role_checked(&self, role: &Role) -> bool {
        self.form.roles.iter().any(|r| r == role.as_str())
    }
}

async fn org_groups(state: &AppState) -> Result<Vec<OrgGroup>, AppError> {
    let all = users::organisations(&state.db).await?;
    let current: std::collections::BTreeSet<String> =
        samla_db::regions::municipalities_on(&state.db, today(), None)
            .await?
            .into_iter()
            .map(|m| m.number)
            .collect();
    let group = |kind: OrgKind, label_key: &'static str| OrgGroup {
        label_key,
        organisations: all
            .iter()
            .filter(|o| {
                o.kind == kind && (kind != OrgKind::Municipality || current.contains(&o.code))
            })
            .cloned()
            .collect(),
    };
    Ok(vec![
        group(OrgKind::Secretariat, "org-kind-secretariat"),
        group(OrgKind::Directorate, "org-kind-directorate"),
        group(OrgKind::Embete, "org-kind-embete"),
        group(OrgKind::Municipality, "org-kind-municipality"),
        group(OrgKind::District, "org-kind-district"),
    ])
}

async fn new_user_page(
    state: &AppState,
    ctx: &Ctx,
    form: NewUser,
    errors: FormErrors,
) -> Result<axum::response::Html<String>, AppError> {
    let title = ctx.t("admin-new-user-title");
    render(&NewUserPage {
        page: Page::new(ctx, &title, "admin"),
        groups: org_groups(state).await?,
        roles: Role::ALL.to_vec(),
        form,
        errors,
    })
}

pub async fn new_user(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    access::manage_users(ctx.require_actor()?)?;
    Ok(
        new_user_page(&state, &ctx, NewUser::default(), FormErrors::default())
            .await?
            .into_response(),
    )
}

pub async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let proof = access::manage_users(actor)?;
    let input = NewUser {
        email: form.get("email"),
        name: form.get("name"),
        organisation: form.get("organisation"),
        roles: form.all("role"),
        password: form.get("password"),
    };
    match users::create_user(&state.db, &proof, &who(actor), &input).await {
        Ok(user) => Ok(
            Redirect::to(&Notice::UserCreated.with("/admin/users", &user.email)).into_response(),
        ),
        Err(CreateUserError::Invalid(errors)) => {
            let errors = FormErrors::from_domain(ctx.lang, &errors);
            // The password is not sent back into the page.
            let form = NewUser {
                password: String::new(),
                ..input
            };
            let html = new_user_page(&state, &ctx, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(CreateUserError::Store(e)) => Err(e.into()),
    }
}

async fn set_disabled(
    state: AppState,
    ctx: Ctx,
    id: i64,
    disabled: bool,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let proof = access::manage_users(actor)?;
    let user = users::set_disabled(&state.db, &proof, &who(actor), id, disabled).await?;
    Ok(Redirect::to(&Notice::UserChanged.with("/admin/users", &user.email)).into_response())
}

pub async fn disable_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(state, ctx, id, true).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(state, ctx, id, false).await
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

const AUDIT_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    q: AuditQuery,
    actions: Vec<String>,
    /// Whether this is an embete leader's view of the embete's own rows.
    embete_scope: bool,
    entries: Vec<Entry>,
    errors: FormErrors,
    next_href: Option<String>,
}

impl AuditPage {
    /// What an entry changed, one line per field: a new value, or "before → after".
    fn changes(&self, e: &Entry) -> Vec<(String, String)> {
        audit_changes(e.before_json.as_deref(), e.after_json.as_deref())
    }
}

/// Compares two JSON snapshots field by field, for people to read.
pub fn audit_changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String)> {
    let object = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        match s.and_then(|s| serde_json::from_str(s).ok()) {
            Some(serde_json::Value::Object(map)) => map,
            Some(other) => std::iter::once(("value".to_owned(), other)).collect(),
            None => serde_json::Map::new(),
        }
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| match (b.get(k), a.get(k)) {
            (Some(x), Some(y)) if x == y => None,
            (Some(x), Some(y)) => Some((k.clone(), format!("{} → {}", show(x), show(y)))),
            (None, Some(y)) => Some((k.clone(), show(y))),
            (Some(x), None) => Some((k.clone(), format!("{} → –", show(x)))),
            (None, None) => None,
        })
        .collect()
}

fn day_start(
    input: &str,
    field: &'static str,
    ctx: &Ctx,
    errors: &mut Vec<samla_domain::DomainError>,
    add_days: i64,
) -> Option<i64> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let _ = ctx;
    match parse_date(s, field) {
        Ok(d) => Some(d.midnight().assume_utc().unix_timestamp() + add_days * 86_400),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let proof = access::read_audit(ctx.require_actor()?)?;
    let mut errors = Vec::new();
    let from = day_start(&q.from, "from", &ctx, &mut errors, 0);
    let to = day_start(&q.to, "to", &ctx, &mut errors, 1);
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let filter = Filter {
        actor: non_empty(&q.actor),
        action: non_empty(&q.action),
        entity_type: non_empty(&q.entity_type),
        entity_id: None,
        from,
        to,
        before_id: q.before,
    };
    let entries = if errors.is_empty() {
        audit::list(&state.db, &proof, &filter, AUDIT_PAGE).await?
    } else {
        vec![]
    };
    let next_href = (entries.len() as i64 == AUDIT_PAGE).then(|| {
        let last = entries.last().map(|e| e.id).unwrap_or_default();
        format!(
            "/admin/audit?actor={}&action={}&entity_type={}&from={}&to={}&before={last}",
            crate::error::urlencode(&q.actor),
            crate::error::urlencode(&q.action),
            crate::error::urlencode(&q.entity_type),
            crate::error::urlencode(&q.from),
            crate::error::urlencode(&q.to),
        )
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = ctx.t("audit-title");
    let html = render(&AuditPage {
        page: Page::new(&ctx, &title, "audit"),
        q,
        actions: audit::actions(&state.db, &proof).await?,
        embete_scope: proof.embete().is_some(),
        entries,
        errors: FormErrors::from_domain(ctx.lang, &errors),
        next_href,
    })?;
    Ok((status, html).into_response())
}
