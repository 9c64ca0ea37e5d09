//! Login, sessions and the login throttle, all in the database so that they hold
//! across several instances behind a load balancer.
//!
//! A session id is random, given to the browser once, and stored only as a hash.
//! It ends after `idle` without use or `absolute` after login, on logout, and when
//! its user is disabled. Failed logins are counted per account; too many in the
//! window refuse further attempts until it has passed.

use crate::audit::{self, Change, Who};
use crate::auth::{new_secret, secret_hash, verify_password_async};
use crate::{Db, StoreResult, now, on, users};
use samla_domain::ErrorCode;
use samla_domain::access::Actor;
use serde_json::json;
use sqlx::Row;

/// Session lifetimes, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: i64,
    pub absolute: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            idle: 30 * 60,
            absolute: 12 * 60 * 60,
        }
    }
}

/// Failed attempts allowed per account within [`THROTTLE_WINDOW`] seconds.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: i64 = 15 * 60;

/// How a login attempt ended.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The secret to give the browser as its session cookie.
    Success {
        session: String,
        user_id: i64,
    },
    Refused(ErrorCode),
}

/// Checks an e-mail and password and, if they match an enabled account, starts a session.
pub async fn login(db: &Db, email: &str, password: &str) -> StoreResult<LoginOutcome> {
    let account = email.trim().to_lowercase();
    let t = now();
    // Reads and the slow password check happen outside the write transaction, so a
    // login never holds SQLite's write lock while argon2 runs.
    let (failures, found) = {
        let mut conn = db.acquire().await?;
        let failures: i64 = on!(conn.conn(), |c| {
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failure WHERE account = $1 AND at > $2")
                .bind(&account)
                .bind(t - THROTTLE_WINDOW)
                .fetch_one(&mut *c)
                .await?
        });
        (failures, users::password_hash(conn.conn(), &account).await?)
    };
    if failures >= MAX_FAILURES {
        return Ok(LoginOutcome::Refused(ErrorCode::TooManyAttempts));
    }
    let matches = verify_password_async(
        password.to_owned(),
        found.as_ref().map(|(_, h, _)| h.clone()),
    )
    .await;
    let mut tx = db.begin().await?;
    let who = Who {
        user_id: found.as_ref().map(|(id, _, _)| *id),
        label: account.clone(),
    };
    let outcome = match found {
        Some((user_id, _, false)) if matches => {
            let session = new_secret("");
            on!(tx.conn(), |c| {
                sqlx::query("DELETE FROM login_failure WHERE account = $1")
                    .bind(&account)
                    .execute(&mut *c)
                    .await?;
                sqlx::query("INSERT INTO session (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
                    .bind(secret_hash(&session))
                    .bind(user_id)
                    .bind(t)
                    .execute(&mut *c)
                    .await?;
            });
            audit::record(
                &mut tx,
                &who,
                Change {
                    action: "auth.login",
                    entity_type: "user",
                    entity_id: &user_id.to_string(),
                    embete: None,
                    before: None,
                    after: None,
                },
            )
            .await?;
            LoginOutcome::Success { session, user_id }
        }
        Some((user_id, _, true)) if matches => {
            audit::record(
                &mut tx,
                &who,
                Change {
                    action: "auth.login_refused_disabled",
                    entity_type: "user",
                    entity_id: &user_id.to_string(),
                    embete: None,
                    before: None,
                    after: None,
                },
            )
            .await?;
            LoginOutcome::Refused(ErrorCode::UserDisabled)
        }
        _ => {
            on!(tx.conn(), |c| {
                sqlx::query("INSERT INTO login_failure (account, at) VALUES ($1, $2)")
                    .bind(&account)
                    .bind(t)
                    .execute(&mut *c)
                    .await?;
                sqlx::query("DELETE FROM login_failure WHERE at < $1")
                    .bind(t - THROTTLE_WINDOW)
                    .execute(&mut *c)
                    .await?;
            });
            audit::record(
                &mut tx,
                &who,
                Change {
                    action: "auth.login_failed",
                    entity_type: "account",
                    entity_id: &account,
                    embete: None,
                    before: None,
                    after: Some(json!({ "failures_in_window": failures + 1 })),
                },
            )
            .await?;
            LoginOutcome::Refused(ErrorCode::InvalidCredentials)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// What a session cookie stands for.
#[derive(Debug)]
pub enum SessionState {
    Alive(Actor),
    /// The session ran out (idle or absolute); it is removed, but whose it was is known,
    /// so a form posted with it can be kept for that user.
    Expired {
        user_id: i64,
    },
    /// No such session, or its user can no longer act.
    Unknown,
}

/// The actor behind a session cookie, if the session is alive; a dead one is removed.
pub async fn resolve(db: &Db, secret: &str, lifetimes: Lifetimes) -> StoreResult<Option<Actor>> {
    Ok(match inspect(db, secret, lifetimes).await? {
        SessionState::Alive(actor) => Some(actor),
        SessionState::Expired { .. } | SessionState::Unknown => None,
    })
}

/// Like [`resolve`], but tells an expired session from an unknown one.
pub async fn inspect(db: &Db, secret: &str, lifetimes: Lifetimes) -> StoreResult<SessionState> {
    let hash = secret_hash(secret);
    let t = now();
    let mut conn = db.acquire().await?;
    let row: Option<(i64, i64, i64)> = on!(conn.conn(), |c| {
        sqlx::query("SELECT user_id, created_at, last_seen_at FROM session WHERE id_hash = $1")
            .bind(&hash)
            .fetch_optional(&mut *c)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()?
    });
    let Some((user_id, created, seen)) = row else {
        return Ok(SessionState::Unknown);
    };
    if t - seen > lifetimes.idle || t - created > lifetimes.absolute {
        on!(conn.conn(), |c| {
            sqlx::query("DELETE FROM session WHERE id_hash = $1")
                .bind(&hash)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        return Ok(SessionState::Expired { user_id });
    }
    // Touch at most once a minute: idle expiry needs no finer grain, and reads stay reads.
    if t - seen >= 60 {
        on!(conn.conn(), |c| {
            sqlx::query("UPDATE session SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(t)
                .bind(&hash)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
    }
    Ok(match users::actor(conn.conn(), user_id).await? {
        Some(actor) => SessionState::Alive(actor),
        None => SessionState::Unknown,
    })
}

/// Ends a session on the server.
pub async fn logout(db: &Db, secret: &str, who: &Who) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let deleted = on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM session WHERE id_hash = $1")
            .bind(secret_hash(secret))
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if deleted > 0 {
        audit::record(
            &mut tx,
            who,
            Change {
                action: "auth.logout",
                entity_type: "user",
                entity_id: &who.user_id.unwrap_or_default().to_string(),
                embete: None,
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How many live sessions a user has (for tests and the account page).
pub async fn count_for_user(db: &Db, user_id: i64) -> StoreResult<i64> {
    let mut conn = db.acquire().await?;
    Ok(on!(conn.conn(), |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM session WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *c)
            .await?
    }))
}

/// Moves a session's clock back (tests of expiry use this instead of waiting).
#[doc(hidden)]
pub async fn age_session(db: &Db, secret: &str, seconds: i64) -> StoreResult<()> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query("UPDATE session SET created_at = created_at - $1, last_seen_at = last_seen_at - $1 WHERE id_hash = $2")
            .bind(seconds)
            .bind(secret_hash(secret))
            .execute(&mut *c)
            .await?.rows_affected()
    });
    Ok(())
}
