//! Login, sessions and the login throttle, all in the database so that they hold
//! across several instances behind a load balancer.
//!
//! A session id is random, given to the browser once, and stored only as a hash.
//! It ends after `idle` without use or `absolute` after login, on logout, and when
//! its user is disabled. Failed logins are counted per account and per source address,
//! and past a few they make the next attempt wait (`samla_domain::throttle`).

use crate::audit::{self, Change, Who};
use crate::auth::{new_secret, secret_hash, verify_password_async};
use crate::{Db, StoreResult, now, on, users};
use samla_domain::access::Actor;
use samla_domain::throttle;
use sqlx::Row;
use std::sync::LazyLock;

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

/// How a login attempt ended.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The secret to give the browser as its session cookie.
    Success { session: String, user_id: i64 },
    /// Wrong e-mail or password, or a disabled account: the same answer for all three.
    Refused,
    /// Too many failures for this account or from this address: try again in
    /// `retry_after` seconds.
    Throttled { retry_after: i64 },
    /// The password hasher has more work waiting than it takes; try again shortly.
    Busy,
}

/// The throttle's key for a value (an account, a source address): a hash, so that what
/// someone typed is never stored.
pub(crate) fn throttle_key(kind: &str, value: &str) -> String {
    format!("{kind}:{}", secret_hash(value))
}

/// Counts an attempt against `key` unless it must wait: one atomic check-and-count, so
/// attempts sent together cannot all pass a check made before any of them was counted.
/// Answers the seconds to wait when it is refused.
pub(crate) async fn reserve(
    tx: &mut crate::Tx,
    key: &str,
    policy: throttle::Policy,
    t: i64,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_at, blocked_until) VALUES ($1, 0, $2, 0) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(t)
        .execute(&mut *c)
        .await?;
        // A window without failures forgives the ones before it.
        let counted: Option<i64> = sqlx::query_scalar(
            "UPDATE login_throttle SET failures = CASE WHEN last_at < $1 THEN 1 ELSE failures + 1 END, \
             last_at = $2 WHERE key = $3 AND blocked_until <= $2 RETURNING failures",
        )
        .bind(t - policy.window)
        .bind(t)
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
        match counted {
            Some(failures) => {
                sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE key = $2")
                    .bind(t + policy.delay_after(failures))
                    .bind(key)
                    .execute(&mut *c)
                    .await?;
                None
            }
            None => {
                let until: i64 =
                    sqlx::query_scalar("SELECT blocked_until FROM login_throttle WHERE key = $1")
                        .bind(key)
                        .fetch_one(&mut *c)
                        .await?;
                Some((until - t).max(1))
            }
        }
    }))
}

/// Checks an e-mail and password and, if they match an enabled account, starts a session.
///
/// Input that cannot be an account (an e-mail address too long or malformed, a password
/// longer than [`throttle::PASSWORD_MAX_BYTES`]) is refused before any database work.
/// Otherwise the attempt is counted against the account and the source address before
/// the password is checked, in one transaction, and the count for the account is cleared
/// by a success. `source` is the client's address as the server sees it, when known.
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    source: Option<&str>,
) -> StoreResult<LoginOutcome> {
    login_at(db, email, password, source, now()).await
}

/// [`login`] at time `t` (epoch seconds), so tests can hold the clock still.
pub async fn login_at(
    db: &Db,
    email: &str,
    password: &str,
    source: Option<&str>,
    t: i64,
) -> StoreResult<LoginOutcome> {
    let Ok(account) = samla_domain::users::parse_email(email) else {
        tracing::warn!(target: "security", "login refused: not an e-mail address");
        return Ok(LoginOutcome::Refused);
    };
    if password.len() > throttle::PASSWORD_MAX_BYTES {
        tracing::warn!(target: "security", "login refused: password too long");
        return Ok(LoginOutcome::Refused);
    }
    let account_key = throttle_key("account", &account);
    let source_key = source.map(|s| throttle_key("source", s));
    let mut tx = db.begin().await?;
    let mut wait = reserve(&mut tx, &account_key, throttle::ACCOUNT, t).await?;
    if let Some(key) = &source_key {
        let source_wait = reserve(&mut tx, key, throttle::SOURCE, t).await?;
        wait = wait.max(source_wait);
    }
    tx.commit().await?;
    if let Some(retry_after) = wait {
        tracing::warn!(target: "security", retry_after, "login throttled");
        return Ok(LoginOutcome::Throttled { retry_after });
    }
    // The slow password check happens outside any transaction, so a login never holds
    // SQLite's write lock while argon2 runs.
    let found = {
        let mut conn = db.acquire().await?;
        users::password_hash(conn.conn(), &account).await?
    };
    let Ok(matches) = verify_password_async(
        password.to_owned(),
        found.as_ref().map(|(_, h, _)| h.clone()),
    )
    .await
    else {
        tracing::warn!(target: "security", "login refused: the password hasher is busy");
        return Ok(LoginOutcome::Busy);
    };
    let mut tx = db.begin().await?;
    // A known account is named in the audit log; what was typed for an unknown one is not.
    let who = match &found {
        Some((id, _, _)) => Who::user(*id, &account),
        None => Who::system("unknown account"),
    };
    let (outcome, (action, entity_type, entity_id)) = match found {
        Some((user_id, _, false)) if matches => {
            let session = new_secret("");
            on!(tx.conn(), |c| {
                // The success clears the account's count, and the source's own attempt.
                sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                    .bind(&account_key)
                    .execute(&mut *c)
                    .await?;
                if let Some(key) = &source_key {
                    sqlx::query(
                        "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
                    )
                    .bind(key)
                    .execute(&mut *c)
                    .await?;
                }
                sqlx::query("INSERT INTO session (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
                    .bind(secret_hash(&session))
                    .bind(user_id)
                    .bind(t)
                    .execute(&mut *c)
                    .await?;
            });
            (
                LoginOutcome::Success { session, user_id },
                ("auth.login", "user", user_id.to_string()),
            )
        }
        Some((user_id, _, true)) if matches => (
            LoginOutcome::Refused,
            ("auth.login_refused_disabled", "user", user_id.to_string()),
        ),
        Some((user_id, _, _)) => (
            LoginOutcome::Refused,
            ("auth.login_failed", "user", user_id.to_string()),
        ),
        None => (
            LoginOutcome::Refused,
            ("auth.login_failed", "account", "unknown".to_owned()),
        ),
    };
    if !matches!(outcome, LoginOutcome::Success { .. }) {
        tracing::warn!(target: "security", action, "login refused");
    }
    audit::record(
        &mut tx,
        &who,
        Change {
            action,
            entity_type,
            entity_id: &entity_id,
            embete: None,
            before: None,
            after: None,
        },
    )
    .await?;
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
    // The session and its user's identity in one read: this runs on every signed-in request.
    // Built once from constant parts: no input reaches the text.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT s.user_id, s.created_at, s.last_seen_at, {} \
             FROM session s JOIN app_user u ON u.id = s.user_id {} \
             WHERE s.id_hash = $1 AND NOT u.disabled ORDER BY r.role",
            users::ACTOR_COLUMNS,
            users::ACTOR_JOINS
        )
    });
    let found = on!(conn.conn(), |c| {
        let rows = sqlx::query(SQL.as_str())
            .bind(&hash)
            .fetch_all(&mut *c)
            .await?;
        match rows.first() {
            Some(first) => Some((
                first.try_get::<i64, _>("user_id")?,
                first.try_get::<i64, _>("created_at")?,
                first.try_get::<i64, _>("last_seen_at")?,
                users::actor_of(&rows)?,
            )),
            None => None,
        }
    });
    // A disabled user's sessions are gone (disabling ends them), so no row is unknown.
    let Some((user_id, created, seen, Some(actor))) = found else {
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
    Ok(SessionState::Alive(actor))
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
