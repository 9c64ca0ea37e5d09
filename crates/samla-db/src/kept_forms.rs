//! Forms posted after their session expired. The posted body is kept for the user the
//! session belonged to, and only that user gets it back, after logging in again. A kept
//! form is removed when it is sent again, discarded, or [`KEEP_FOR`] after it was kept,
//! so a draft (which may hold text the publication gate would refuse) does not linger.

use crate::{Db, StoreResult, now, on};
use sqlx::Row;

/// How long a kept form waits for its user: long enough to come back the next working day.
pub const KEEP_FOR: i64 = 24 * 60 * 60;

/// Largest body that is kept; forms in samla are far smaller.
pub const MAX_BODY: usize = 1 << 20;

/// A form as it was posted.
#[derive(Debug, Clone)]
pub struct KeptForm {
    pub id: i64,
    /// The path (and query) it was posted to.
    pub action: String,
    /// The page it was posted from, to go back to if the user discards it.
    pub return_to: String,
    /// The `application/x-www-form-urlencoded` body.
    pub body: String,
    pub kept_at: i64,
}

/// Keeps a form for `user_id`; returns its id. Forms past their time go at the same moment.
pub async fn keep(
    db: &Db,
    user_id: i64,
    action: &str,
    return_to: &str,
    body: &str,
) -> StoreResult<i64> {
    let t = now();
    let mut tx = db.begin().await?;
    let id = on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM kept_form WHERE kept_at < $1")
            .bind(t - KEEP_FOR)
            .execute(&mut *c)
            .await?;
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO kept_form (user_id, action, return_to, body, kept_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(action)
        .bind(return_to)
        .bind(body)
        .bind(t)
        .fetch_one(&mut *c)
        .await?
    });
    tx.commit().await?;
    Ok(id)
}

/// The kept form `id` if it belongs to `user_id` and has not expired.
pub async fn get(db: &Db, id: i64, user_id: i64) -> StoreResult<Option<KeptForm>> {
    let mut conn = db.acquire().await?;
    let row = on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT id, action, return_to, body, kept_at FROM kept_form WHERE id = $1 AND user_id = $2 AND kept_at >= $3",
        )
        .bind(id)
        .bind(user_id)
        .bind(now() - KEEP_FOR)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>(KeptForm {
                id: r.try_get(0)?,
                action: r.try_get(1)?,
                return_to: r.try_get(2)?,
                body: r.try_get(3)?,
                kept_at: r.try_get(4)?,
            })
        })
        .transpose()?
    });
    Ok(row)
}

/// The newest kept form of a user, if any is waiting (shown after login).
pub async fn newest(db: &Db, user_id: i64) -> StoreResult<Option<i64>> {
    let mut conn = db.acquire().await?;
    Ok(on!(conn.conn(), |c| {
        sqlx::query_scalar(
            "SELECT id FROM kept_form WHERE user_id = $1 AND kept_at >= $2 ORDER BY kept_at DESC, id DESC LIMIT 1",
        )
        .bind(user_id)
        .bind(now() - KEEP_FOR)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Removes a kept form of `user_id`; whether there was one.
pub async fn remove(db: &Db, id: i64, user_id: i64) -> StoreResult<bool> {
    let mut conn = db.acquire().await?;
    let removed = on!(conn.conn(), |c| {
        sqlx::query("DELETE FROM kept_form WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}

/// Moves a kept form's clock back (tests of expiry use this instead of waiting).
#[doc(hidden)]
pub async fn age(db: &Db, id: i64, seconds: i64) -> StoreResult<()> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query("UPDATE kept_form SET kept_at = kept_at - $1 WHERE id = $2")
            .bind(seconds)
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(())
}
