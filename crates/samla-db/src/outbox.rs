//! The e-mail outbox: messages written in the transaction of the change they tell of,
//! picked up and sent by a worker (`samla_web::mail`), tried again with growing pauses,
//! and given up on when they fail too often or grow stale. People say no to a kind of
//! message with an opt-out; every kind is sent unless they did.

use crate::{Db, StoreResult, Tx, now, on};
use samla_domain::access::Role;
use samla_domain::notification::{self, MAX_ATTEMPTS, STALE_AFTER};
use serde_json::Value;
use sqlx::Row as _;

/// Who a message goes to: the active members of an organisation with one of the roles.
pub struct Audience<'a> {
    pub organisation: &'a str,
    pub roles: &'a [Role],
}

/// Writes one message of `kind` to everyone in `to` who has not said no to the kind, in
/// the caller's transaction. With a `dedupe` key, each person gets it once however often
/// this is called (the key is made per person). Answers how many were written.
pub async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    to: Audience<'_>,
    params: &Value,
    dedupe: Option<&str>,
) -> StoreResult<u64> {
    // Roles travel as ",a,b," so one statement serves any number of them on both backends.
    let roles: String = to
        .roles
        .iter()
        .fold(",".to_owned(), |s, r| s + r.as_str() + ",");
    let at = now();
    let written = on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO outbox (kind, user_id, recipient, params, dedupe_key, created_at, next_attempt_at) \
             SELECT $1, u.id, u.email, $2, $3 || ':' || u.id, $4, $4 FROM app_user u \
             WHERE u.organisation = $5 AND NOT u.disabled \
               AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id \
                           AND $6 LIKE '%,' || r.role || ',%') \
               AND NOT EXISTS (SELECT 1 FROM email_opt_out o WHERE o.user_id = u.id AND o.kind = $1) \
             ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(params.to_string())
        .bind(dedupe)
        .bind(at)
        .bind(to.organisation)
        .bind(&roles)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(written)
}

/// A message due to be sent.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub params: Value,
    pub attempts: i64,
    pub created_at: i64,
}

/// Up to `limit` messages whose time has come, oldest first; a stale one is never sent
/// (housekeeping gives up on it).
pub async fn due(db: &Db, at: i64, limit: i64) -> StoreResult<Vec<Message>> {
    let rows = on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT id, kind, recipient, params, attempts, created_at FROM outbox \
             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
               AND created_at >= $2 \
             ORDER BY next_attempt_at, id LIMIT $3",
        )
        .bind(at)
        .bind(at - STALE_AFTER)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let params: String = r.try_get("params")?;
            Ok::<_, sqlx::Error>(Message {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                recipient: r.try_get("recipient")?,
                params: serde_json::from_str(&params).unwrap_or(Value::Null),
                attempts: r.try_get("attempts")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?
    });
    Ok(rows)
}

/// The server took the message.
pub async fn mark_sent(db: &Db, id: i64) -> StoreResult<()> {
    on!(db.acquire().await?.conn(), |c| {
        sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// A try failed: the message waits longer each time, and after [`MAX_ATTEMPTS`] (or when
/// the server refused it for good) it is given up on.
pub async fn mark_failed(
    db: &Db,
    message: &Message,
    error: &str,
    permanent: bool,
) -> StoreResult<()> {
    let attempts = message.attempts + 1;
    let at = now();
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "UPDATE outbox SET attempts = $1, last_error = $2, next_attempt_at = $3, failed_at = $4 \
             WHERE id = $5",
        )
        .bind(attempts)
        .bind(error.chars().take(500).collect::<String>())
        .bind(at + notification::retry_after(attempts - 1))
        .bind(give_up.then_some(at))
        .bind(message.id)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// How the outbox stands: waiting, sent and given up on (for the administrators' view and
/// `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
}

pub async fn counts(db: &Db) -> StoreResult<Counts> {
    let row = on!(db.acquire().await?.conn(), |c| {
        let r = sqlx::query(
            "SELECT \
               COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting, \
               COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent, \
               COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS failed \
             FROM outbox",
        )
        .fetch_one(&mut *c)
        .await?;
        Counts {
            waiting: r.try_get("waiting")?,
            sent: r.try_get("sent")?,
            failed: r.try_get("failed")?,
        }
    });
    Ok(row)
}

/// The kinds `user_id` has said no to.
pub async fn opt_outs(db: &Db, user_id: i64) -> StoreResult<Vec<String>> {
    Ok(on!(db.acquire().await?.conn(), |c| {
        sqlx::query_scalar("SELECT kind FROM email_opt_out WHERE user_id = $1 ORDER BY kind")
            .bind(user_id)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Replaces the kinds `user_id` says no to. Unknown kinds are ignored.
pub async fn set_opt_outs(db: &Db, user_id: i64, kinds: &[&str]) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM email_opt_out WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        for kind in kinds.iter().filter(|k| notification::KINDS.contains(k)) {
            sqlx::query("INSERT INTO email_opt_out (user_id, kind) VALUES ($1, $2)")
                .bind(user_id)
                .bind(*kind)
                .execute(&mut *c)
                .await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

/// Takes a due message for this sender for `lease` seconds; false if another took it first.
pub async fn claim(db: &Db, id: i64, at: i64, lease: i64) -> StoreResult<bool> {
    Ok(on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 \
             WHERE id = $2 AND next_attempt_at <= $3 AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(at + lease)
        .bind(id)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
            == 1
    }))
}
