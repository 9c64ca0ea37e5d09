//! Passwords after the account exists: a user changes their own (knowing the current
//! one), and an administrator hands a user who cannot log in a one-time link to set a
//! new one. Either way every other session of the account ends, and the change is in
//! the audit log; the passwords themselves never are.

use crate::audit::{self, Change, Who};
use crate::auth::{
    HasherBusy, hash_password_async, new_secret, secret_hash, verify_password_async,
};
use crate::sessions::{reserve, throttle_key};
use crate::{Conn, Db, StoreResult, now, on};
use samla_domain::access::{Actor, ManageUsers};
use samla_domain::users::check_new_password;
use samla_domain::{DomainError, ErrorCode, throttle};
use sqlx::Row;

/// How long a reset link works.
pub const RESET_LIFETIME: i64 = 24 * 3600;

/// How a change of one's own password went.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    Changed,
    /// The new password is refused, or the current one is wrong: the errors name the field.
    Refused(Vec<DomainError>),
    /// Too many wrong current passwords lately.
    Throttled {
        retry_after: i64,
    },
    /// The password threads are full; try again shortly.
    Busy,
}

/// Changes the acting user's password. The current password is checked (and a wrong one
/// counted like a failed login, so a session left open is no way to guess it); every
/// other session of the account ends, `keep_session` (the one asking) stays.
pub async fn change_own(
    db: &Db,
    actor: &Actor,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
    repeated: &str,
) -> StoreResult<ChangeOutcome> {
    let mut errors = Vec::new();
    if let Err(e) = check_new_password(new, &[&actor.email, &actor.name]) {
        errors.push(e);
    } else if new != repeated {
        errors.push(DomainError::field(ErrorCode::PasswordMismatch, "repeated"));
    }
    if current.is_empty() || current.len() > throttle::PASSWORD_MAX_BYTES {
        errors.push(DomainError::field(ErrorCode::WrongPassword, "current"));
    }
    if !errors.is_empty() {
        return Ok(ChangeOutcome::Refused(errors));
    }
    let key = throttle_key("password-change", &actor.user_id.to_string());
    let t = now();
    let mut tx = db.begin().await?;
    let wait = reserve(&mut tx, &key, throttle::ACCOUNT, t).await?;
    tx.commit().await?;
    if let Some(retry_after) = wait {
        tracing::warn!(target: "security", user = actor.user_id, "password change throttled");
        return Ok(ChangeOutcome::Throttled { retry_after });
    }
    let stored = {
        let mut conn = db.acquire().await?;
        stored_hash(conn.conn(), actor.user_id).await?
    };
    let who = Who::user(actor.user_id, &actor.email);
    match verify_password_async(current.to_owned(), stored).await {
        Err(HasherBusy) => return Ok(ChangeOutcome::Busy),
        Ok(false) => {
            tracing::warn!(target: "security", user = actor.user_id, "password change: wrong current password");
            let mut tx = db.begin().await?;
            record(&mut tx, &who, "user.password_change_refused", actor.user_id).await?;
            tx.commit().await?;
            return Ok(ChangeOutcome::Refused(vec![DomainError::field(
                ErrorCode::WrongPassword,
                "current",
            )]));
        }
        Ok(true) => {}
    }
    let Ok(hash) = hash_password_async(new.to_owned()).await else {
        return Ok(ChangeOutcome::Busy);
    };
    let mut tx = db.begin().await?;
    set_hash(tx.conn(), actor.user_id, &hash, keep_session).await?;
    on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(&key)
            .execute(&mut *c)
            .await?;
    });
    record(&mut tx, &who, "user.password_change", actor.user_id).await?;
    tx.commit().await?;
    Ok(ChangeOutcome::Changed)
}

/// Makes a one-time link for a user to set a new password, replacing any earlier one.
/// Answers the secret for the link (shown once to the administrator, who hands it over).
pub async fn issue_reset(
    db: &Db,
    _proof: &ManageUsers,
    who: &Who,
    user_id: i64,
) -> StoreResult<String> {
    let secret = new_secret("");
    let t = now();
    let mut tx = db.begin().await?;
    let exists: Option<i64> = on!(tx.conn(), |c| {
        sqlx::query_scalar("SELECT id FROM app_user WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *c)
            .await?
    });
    exists.ok_or(ErrorCode::NotFound)?;
    on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM password_reset WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO password_reset (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(secret_hash(&secret))
        .bind(user_id)
        .bind(t)
        .bind(t + RESET_LIFETIME)
        .execute(&mut *c)
        .await?;
    });
    record(&mut tx, who, "user.password_reset_issued", user_id).await?;
    tx.commit().await?;
    Ok(secret)
}

/// The account a reset link is for (its e-mail address), while the link works.
pub async fn reset_for(db: &Db, secret: &str) -> StoreResult<Option<(i64, String, String)>> {
    let mut conn = db.acquire().await?;
    Ok(on!(conn.conn(), |c| {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM password_reset r JOIN app_user u ON u.id = r.user_id \
             WHERE r.id_hash = $1 AND r.expires_at > $2",
        )
        .bind(secret_hash(secret))
        .bind(now())
        .fetch_optional(&mut *c)
        .await?;
        match row {
            Some(r) => Some((r.try_get("id")?, r.try_get("email")?, r.try_get("name")?)),
            None => None,
        }
    }))
}

/// Sets a new password through a reset link, which is used up; every session of the
/// account ends. A link that does not work is `ResetLinkInvalid`.
pub async fn use_reset(
    db: &Db,
    secret: &str,
    new: &str,
    repeated: &str,
) -> StoreResult<Result<(), Vec<DomainError>>> {
    let Some((user_id, email, name)) = reset_for(db, secret).await? else {
        return Err(ErrorCode::ResetLinkInvalid.into());
    };
    if let Err(e) = check_new_password(new, &[&email, &name]) {
        return Ok(Err(vec![e]));
    }
    if new != repeated {
        return Ok(Err(vec![DomainError::field(
            ErrorCode::PasswordMismatch,
            "repeated",
        )]));
    }
    let hash = hash_password_async(new.to_owned())
        .await
        .map_err(|_| ErrorCode::Busy)?;
    let mut tx = db.begin().await?;
    // Used up in the same transaction that sets the password: a link works once.
    let used = on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM password_reset WHERE id_hash = $1 AND user_id = $2")
            .bind(secret_hash(secret))
            .bind(user_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if used == 0 {
        return Err(ErrorCode::ResetLinkInvalid.into());
    }
    set_hash(tx.conn(), user_id, &hash, None).await?;
    record(
        &mut tx,
        &Who::user(user_id, &email),
        "user.password_reset",
        user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

async fn stored_hash(conn: Conn<'_>, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query_scalar("SELECT password_hash FROM app_user WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *c)
            .await
    })
}

/// Stores a new hash and ends the account's sessions, except `keep` if given.
async fn set_hash(
    conn: Conn<'_>,
    user_id: i64,
    hash: &str,
    keep: Option<&str>,
) -> Result<(), sqlx::Error> {
    let keep = keep.map(secret_hash).unwrap_or_default();
    on!(conn, |c| {
        sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM session WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(&keep)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

async fn record(tx: &mut crate::Tx, who: &Who, action: &str, user_id: i64) -> StoreResult<()> {
    audit::record(
        tx,
        who,
        Change {
            action,
            entity_type: "user",
            entity_id: &user_id.to_string(),
            embete: None,
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(())
}
