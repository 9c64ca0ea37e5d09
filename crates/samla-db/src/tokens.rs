//! API tokens: made by their user on the account page or from the command line, shown
//! once (only a hash is kept), with a label, an expiry and the time they were last used;
//! revoked by their user, from the command line, or all at once when the account is
//! disabled (so enabling it again does not bring them back).

use crate::audit::{self, Change, Who};
use crate::auth::{new_secret, secret_hash};
use crate::{Conn, Db, StoreResult, now, on};
use samla_domain::ErrorCode;
use samla_domain::access::{Actor, SystemAuthority};
use samla_domain::tokens::{self, DAY, TokenState};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::sync::LazyLock;

/// Last use is written at most this often per token, so that a busy client does not
/// turn every read into a write.
const LAST_USED_PRECISION: i64 = 3600;

/// A token as its list shows it (never the secret, never its hash).
#[derive(Debug, Clone, Serialize)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub label: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Token {
    pub fn state(&self, now: i64) -> TokenState {
        TokenState::of(self.expires_at, self.revoked_at, now)
    }
}

/// A token just made: the secret is in the answer and nowhere else.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub secret: String,
    pub token: Token,
}

/// Makes a token for the acting user.
pub async fn create_own(db: &Db, actor: &Actor, label: &str, days: i64) -> StoreResult<NewToken> {
    let who = Who::user(actor.user_id, &actor.email);
    insert(db, &who, actor.user_id, label, days).await
}

/// Makes a token for any user, from the command line.
pub async fn create_for(
    db: &Db,
    _authority: &SystemAuthority,
    who: &Who,
    user_id: i64,
    label: &str,
    days: i64,
) -> StoreResult<NewToken> {
    insert(db, who, user_id, label, days).await
}

async fn insert(db: &Db, who: &Who, user_id: i64, label: &str, days: i64) -> StoreResult<NewToken> {
    let (label, days) = tokens::check(label, days).map_err(|mut e| e.remove(0))?;
    let secret = new_secret("samla_");
    let created_at = now();
    let expires_at = created_at + days * DAY;
    let mut tx = db.begin().await?;
    let id: i64 = on!(tx.conn(), |c| {
        sqlx::query_scalar(
            "INSERT INTO api_token (user_id, token_hash, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(secret_hash(&secret))
        .bind(&label)
        .bind(created_at)
        .bind(expires_at)
        .fetch_one(&mut *c)
        .await?
    });
    let token = one_on(tx.conn(), id).await?.ok_or(ErrorCode::NotFound)?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "api_token.create",
            entity_type: "api_token",
            entity_id: &id.to_string(),
            embete: None,
            before: None,
            after: Some(json!({ "user_id": user_id, "label": label, "expires_at": expires_at })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken { secret, token })
}

/// Tokens, optionally one user's or one id, newest first (the token just made is at
/// the top of its list).
const SELECT: &str = "SELECT t.id, t.user_id, u.email, t.label, t.created_at, \
     COALESCE(t.expires_at, 0) AS expires_at, t.last_used_at, t.revoked_at \
     FROM api_token t JOIN app_user u ON u.id = t.user_id \
     WHERE ($1 IS NULL OR t.user_id = $1) AND ($2 IS NULL OR t.id = $2) ORDER BY t.id DESC";

macro_rules! token {
    ($row:expr) => {
        $crate::decode!(
            $row,
            Token {
                id,
                user_id,
                email,
                label,
                created_at,
                expires_at,
                last_used_at,
                revoked_at
            }
        )
    };
}

async fn one_on(conn: Conn<'_>, id: i64) -> Result<Option<Token>, sqlx::Error> {
    Ok(list_on(conn, None, Some(id)).await?.pop())
}

async fn list_on(
    conn: Conn<'_>,
    user_id: Option<i64>,
    id: Option<i64>,
) -> Result<Vec<Token>, sqlx::Error> {
    on!(conn, |c| {
        let rows = sqlx::query(SELECT)
            .bind(user_id)
            .bind(id)
            .fetch_all(&mut *c)
            .await?;
        let mut tokens = Vec::with_capacity(rows.len());
        for r in &rows {
            tokens.push(token!(r));
        }
        Ok(tokens)
    })
}

async fn list(db: &Db, user_id: Option<i64>) -> Result<Vec<Token>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    list_on(conn.conn(), user_id, None).await
}

/// The acting user's tokens, newest first, revoked and expired ones included.
pub async fn own(db: &Db, actor: &Actor) -> Result<Vec<Token>, sqlx::Error> {
    list(db, Some(actor.user_id)).await
}

/// Every token, or one user's, from the command line.
pub async fn all(
    db: &Db,
    _authority: &SystemAuthority,
    user_id: Option<i64>,
) -> Result<Vec<Token>, sqlx::Error> {
    list(db, user_id).await
}

/// Revokes one of the acting user's tokens; another user's token is not found.
pub async fn revoke_own(db: &Db, actor: &Actor, id: i64) -> StoreResult<Token> {
    let who = Who::user(actor.user_id, &actor.email);
    revoke(db, &who, id, Some(actor.user_id)).await
}

/// Revokes any token, from the command line.
pub async fn revoke_any(
    db: &Db,
    _authority: &SystemAuthority,
    who: &Who,
    id: i64,
) -> StoreResult<Token> {
    revoke(db, who, id, None).await
}

async fn revoke(db: &Db, who: &Who, id: i64, owner: Option<i64>) -> StoreResult<Token> {
    let mut tx = db.begin().await?;
    let before = one_on(tx.conn(), id)
        .await?
        .filter(|t| owner.is_none_or(|o| o == t.user_id))
        .ok_or(ErrorCode::NotFound)?;
    if before.revoked_at.is_some() {
        // Revoking twice changes nothing and is not an error: the token stays revoked.
        return Ok(before);
    }
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    let after = one_on(tx.conn(), id).await?.ok_or(ErrorCode::NotFound)?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "api_token.revoke",
            entity_type: "api_token",
            entity_id: &id.to_string(),
            embete: None,
            before: Some(json!({ "user_id": before.user_id, "label": before.label })),
            after: Some(json!({ "revoked_at": after.revoked_at })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Revokes every live token of a user (when the account is disabled), in the caller's
/// transaction.
pub(crate) async fn revoke_all_on(conn: Conn<'_>, user_id: i64) -> Result<u64, sqlx::Error> {
    on!(conn, |c| {
        let done = sqlx::query(
            "UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .execute(&mut *c)
        .await?;
        Ok(done.rows_affected())
    })
}

/// The actor behind a bearer token, if the token is live (not revoked, not expired)
/// and its user enabled. Its last use is noted, to the hour.
pub async fn actor_for(db: &Db, secret: &str) -> Result<Option<Actor>, sqlx::Error> {
    actor_at(db, secret, now()).await
}

/// [`actor_for`] as at the moment `at` (so that expiry can be tested).
pub async fn actor_at(db: &Db, secret: &str, at: i64) -> Result<Option<Actor>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    // The token and its user's identity in one read: this runs on every API call.
    // Built once from constant parts: no input reaches the text.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT t.id AS token_id, t.last_used_at, {} \
             FROM api_token t JOIN app_user u ON u.id = t.user_id {} \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 \
             AND NOT u.disabled ORDER BY r.role",
            crate::users::ACTOR_COLUMNS,
            crate::users::ACTOR_JOINS
        )
    });
    let found: Option<(i64, Option<i64>, Option<Actor>)> = on!(conn.conn(), |c| {
        let rows = sqlx::query(SQL.as_str())
            .bind(secret_hash(secret))
            .bind(at)
            .fetch_all(&mut *c)
            .await?;
        match rows.first() {
            Some(r) => Some((
                r.try_get("token_id")?,
                r.try_get("last_used_at")?,
                crate::users::actor_of(&rows)?,
            )),
            None => None,
        }
    });
    let Some((id, last_used, actor)) = found else {
        return Ok(None);
    };
    if actor.is_some() && last_used.is_none_or(|t| at - t >= LAST_USED_PRECISION) {
        on!(conn.conn(), |c| {
            sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(&mut *c)
                .await?;
        });
    }
    Ok(actor)
}
