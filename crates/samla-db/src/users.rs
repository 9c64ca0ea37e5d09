//! Organisations, user accounts and roles (API tokens are in `tokens`).

use crate::audit::{self, Change, Who};
use crate::auth::hash_password_async;
use crate::{Conn, Db, StoreResult, now, on};
use samla_domain::access::{
    Actor, ManageUsers, OrgKind, OrgRef, Role, ViewOrganisation, check_roles_for,
};
use samla_domain::users::{check_new_password, parse_email, parse_name};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::sync::LazyLock;

/// An organisation that users belong to.
#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub code: String,
    pub kind: OrgKind,
    pub name: String,
}

/// A user account as lists and pages show it (never the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub organisation_name: String,
    pub organisation_kind: OrgKind,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: i64,
}

/// What it takes to create an account; validated by [`create_user`].
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub roles: Vec<String>,
    pub password: String,
}

/// Finds an organisation by code.
pub async fn organisation(db: &Db, code: &str) -> Result<Option<Organisation>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    organisation_on(conn.conn(), code).await
}

async fn organisation_on(conn: Conn<'_>, code: &str) -> Result<Option<Organisation>, sqlx::Error> {
    on!(conn, |c| {
        let row = sqlx::query("SELECT code, kind, name FROM organisation WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Organisation {
                code: r.try_get("code")?,
                kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Municipality),
                name: r.try_get("name")?,
            })
        })
        .transpose()
    })
}

/// The organisations a new user can be placed in, for the admin form: every one but
/// municipality numbers that are no longer in use are still listed, since history needs them.
pub async fn organisations(db: &Db) -> Result<Vec<Organisation>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query("SELECT code, kind, name FROM organisation ORDER BY kind, name")
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Organisation {
                    code: r.try_get("code")?,
                    kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Municipality),
                    name: r.try_get("name")?,
                })
            })
            .collect()
    })
}

const USER_SELECT: &str = "SELECT u.id, u.email, u.name, u.organisation, o.name AS organisation_name, \
     o.kind AS organisation_kind, u.disabled, u.created_at \
     FROM app_user u JOIN organisation o ON o.code = u.organisation \
     WHERE ($1 IS NULL OR u.organisation = $1) AND ($2 IS NULL OR u.id = $2) ORDER BY u.email";

/// Accounts, optionally only one organisation's or one id.
async fn users_where(
    conn: Conn<'_>,
    organisation: Option<&str>,
    id: Option<i64>,
) -> Result<Vec<User>, sqlx::Error> {
    on!(conn, |c| {
        let rows = sqlx::query(USER_SELECT)
            .bind(organisation)
            .bind(id)
            .fetch_all(&mut *c)
            .await?;
        let roles = sqlx::query(
            "SELECT user_id, role FROM user_role WHERE ($1 IS NULL OR user_id = $1) ORDER BY role",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        let mut users = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let mut user_roles = Vec::new();
            for rr in &roles {
                if rr.try_get::<i64, _>("user_id")? == id
                    && let Ok(role) = Role::parse(&rr.try_get::<String, _>("role")?)
                {
                    user_roles.push(role);
                }
            }
            let kind: String = r.try_get("organisation_kind")?;
            users.push(User {
                id,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                organisation: r.try_get("organisation")?,
                organisation_name: r.try_get("organisation_name")?,
                organisation_kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Municipality),
                roles: user_roles,
                disabled: r.try_get("disabled")?,
                created_at: r.try_get("created_at")?,
            });
        }
        Ok(users)
    })
}

/// Every account, for administrators.
pub async fn list_users(db: &Db, _proof: &ManageUsers) -> Result<Vec<User>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    users_where(conn.conn(), None, None).await
}

/// The members of one organisation, for those allowed to see its inside.
pub async fn members(db: &Db, proof: &ViewOrganisation) -> Result<Vec<User>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    users_where(conn.conn(), Some(proof.code()), None).await
}

/// One account by id.
pub async fn user(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    user_on(conn.conn(), id).await
}

async fn user_on(conn: Conn<'_>, id: i64) -> Result<Option<User>, sqlx::Error> {
    Ok(users_where(conn, None, Some(id)).await?.pop())
}

/// The joins that make an acting identity: the user, its organisation and one row per role.
/// Callers add the table they start from and the key (a user id, a session, a token).
pub(crate) const ACTOR_COLUMNS: &str = "u.id, u.email, u.name, u.organisation, \
     o.kind AS organisation_kind, r.role";
pub(crate) const ACTOR_JOINS: &str = "JOIN organisation o ON o.code = u.organisation \
     LEFT JOIN user_role r ON r.user_id = u.id";

/// Loads the acting identity of an enabled user, in one read (every request with a
/// session or a token asks for it).
pub async fn actor(conn: Conn<'_>, user_id: i64) -> Result<Option<Actor>, sqlx::Error> {
    // Built once from constant parts: no input reaches the text.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {ACTOR_COLUMNS} FROM app_user u {ACTOR_JOINS} \
             WHERE u.id = $1 AND NOT u.disabled ORDER BY r.role"
        )
    });
    on!(conn, |c| {
        let rows = sqlx::query(SQL.as_str())
            .bind(user_id)
            .fetch_all(&mut *c)
            .await?;
        actor_of(&rows)
    })
}

/// Builds the acting identity from the rows of a query that selects [`ACTOR_COLUMNS`]
/// (one row per role); no rows is no actor.
pub(crate) fn actor_of<R: sqlx::Row>(rows: &[R]) -> Result<Option<Actor>, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let kind: String = first.try_get("organisation_kind")?;
    let mut roles = Vec::new();
    for r in rows {
        if let Some(role) = r.try_get::<Option<String>, _>("role")?
            && let Ok(role) = Role::parse(&role)
        {
            roles.push(role);
        }
    }
    Ok(Some(Actor {
        user_id: first.try_get("id")?,
        email: first.try_get("email")?,
        name: first.try_get("name")?,
        organisation: OrgRef {
            code: first.try_get("organisation")?,
            kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Municipality),
        },
        roles,
    }))
}

fn snapshot(u: &User) -> serde_json::Value {
    json!({
        "email": u.email,
        "name": u.name,
        "organisation": u.organisation,
        "roles": u.roles,
        "disabled": u.disabled,
    })
}

/// Why an account could not be created: bad input (every field error at once, so a
/// form can show them together) or a database fault.
#[derive(Debug)]
pub enum CreateUserError {
    Invalid(Vec<DomainError>),
    Store(crate::StoreError),
}

impl From<sqlx::Error> for CreateUserError {
    fn from(e: sqlx::Error) -> Self {
        CreateUserError::Store(e.into())
    }
}

impl From<anyhow::Error> for CreateUserError {
    fn from(e: anyhow::Error) -> Self {
        CreateUserError::Store(e.into())
    }
}

impl From<ErrorCode> for CreateUserError {
    fn from(e: ErrorCode) -> Self {
        CreateUserError::Store(e.into())
    }
}

/// Validates and creates an account with its roles, audited in the same transaction.
pub async fn create_user(
    db: &Db,
    _proof: &ManageUsers,
    who: &Who,
    input: &NewUser,
) -> Result<User, CreateUserError> {
    let mut errors = Vec::new();
    let email = parse_email(&input.email).map_err(|e| errors.push(e)).ok();
    let name = if input.name.trim().is_empty() {
        email
            .as_ref()
            .map(|e| e.split('@').next().unwrap_or_default().to_owned())
    } else {
        parse_name(&input.name).map_err(|e| errors.push(e)).ok()
    };
    let own_words = [input.email.as_str(), input.name.as_str()];
    if let Err(e) = check_new_password(&input.password, &own_words) {
        errors.push(e);
    }
    let roles: Vec<Role> = input
        .roles
        .iter()
        .filter_map(|r| Role::parse(r).map_err(|e| errors.push(e)).ok())
        .collect();
    let org = organisation(db, input.organisation.trim()).await?;
    match &org {
        None => errors.push(DomainError::field(
            ErrorCode::UnknownOrganisation,
            "organisation",
        )),
        Some(org) if errors.iter().all(|e| e.field != Some("role")) => {
            if let Err(e) = check_roles_for(org.kind, &roles) {
                errors.push(e);
            }
        }
        Some(_) => {}
    }
    if let Some(email) = &email
        && find_user_id(db, email).await?.is_some()
    {
        errors.push(DomainError::field(ErrorCode::EmailTaken, "email"));
    }
    let (Some(email), Some(name), Some(org), true) = (email, name, org, errors.is_empty()) else {
        return Err(CreateUserError::Invalid(errors));
    };
    let hash = hash_password_async(input.password.clone()).await?;
    let mut tx = db.begin().await?;
    let id: i64 = on!(tx.conn(), |c| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO app_user (email, name, organisation, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
        )
        .bind(&email)
        .bind(&name)
        .bind(&org.code)
        .bind(&hash)
        .bind(now())
        .fetch_one(&mut *c)
        .await?;
        for role in &roles {
            sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_str())
                .execute(&mut *c)
                .await?;
        }
        id
    });
    let user = user_on(tx.conn(), id).await?.ok_or(ErrorCode::NotFound)?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "user.create",
            entity_type: "user",
            entity_id: &id.to_string(),
            embete: None,
            before: None,
            after: Some(snapshot(&user)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// The id of the account with this (normalized) address.
pub async fn find_user_id(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query_scalar("SELECT id FROM app_user WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *c)
            .await
    })
}

/// Disables or enables an account. Disabling ends all its sessions at once.
pub async fn set_disabled(
    db: &Db,
    proof: &ManageUsers,
    who: &Who,
    id: i64,
    disabled: bool,
) -> StoreResult<User> {
    let _ = proof;
    if disabled && who.user_id == Some(id) {
        return Err(DomainError::new(ErrorCode::CannotDisableSelf).into());
    }
    let mut tx = db.begin().await?;
    let before = user_on(tx.conn(), id).await?.ok_or(ErrorCode::NotFound)?;
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE app_user SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&mut *c)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM session WHERE user_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
        }
    });
    // Revoked, not paused: enabling the account again does not bring them back.
    if disabled {
        crate::tokens::revoke_all_on(tx.conn(), id).await?;
    }
    let after = user_on(tx.conn(), id).await?.ok_or(ErrorCode::NotFound)?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            entity_type: "user",
            entity_id: &id.to_string(),
            embete: None,
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Remembers the interface language a user chose (`nb`, `nn`, `en`).
pub async fn set_language(db: &Db, user_id: i64, language: &str) -> Result<(), sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query("UPDATE app_user SET language = $1 WHERE id = $2")
            .bind(language)
            .bind(user_id)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// The interface language a user chose, if they have chosen one.
pub async fn language(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let language: Option<Option<String>> =
            sqlx::query_scalar("SELECT language FROM app_user WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *c)
                .await?;
        Ok(language.flatten())
    })
}

/// Whether the database has any account yet (the demo fills an empty one).
pub async fn any_users(db: &Db) -> Result<bool, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_user")
            .fetch_one(&mut *c)
            .await?;
        Ok(n > 0)
    })
}

pub(crate) async fn password_hash(
    conn: Conn<'_>,
    email: &str,
) -> Result<Option<(i64, String, bool)>, sqlx::Error> {
    on!(conn, |c| {
        let row = sqlx::query("SELECT id, password_hash, disabled FROM app_user WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("password_hash")?,
                r.try_get("disabled")?,
            ))
        })
        .transpose()
    })
}
