//! Housekeeping the server runs by itself: rows that have outlived their use are
//! removed, so that sessions, login counts, kept forms and reset links do not pile up
//! (finding 5 of the reliability review: nothing was ever removed unless its user came
//! back).

use crate::sessions::Lifetimes;
use crate::{Db, on};
use samla_domain::throttle;

/// How many rows one round removed, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub login_counts: u64,
    pub kept_forms: u64,
    pub reset_links: u64,
    /// E-mail sent or given up on a while ago, and unsent e-mail that grew stale.
    pub mail: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.sessions + self.login_counts + self.kept_forms + self.reset_links + self.mail
    }
}

/// How long sent and failed e-mail stays in the outbox, for questions about what went out.
pub const KEEP_MAIL_FOR: i64 = 30 * 24 * 3600;

/// Removes, as at `t`: sessions past their idle or absolute lifetime, login counts whose
/// window has passed and that hold no wait, kept forms past their time, and reset links
/// past theirs. One short transaction per kind, so a round never holds SQLite's write
/// lock for long.
pub async fn prune(db: &Db, lifetimes: Lifetimes, t: i64) -> Result<Pruned, sqlx::Error> {
    let longest_window = throttle::ACCOUNT.window.max(throttle::SOURCE.window);
    let statements: [(&str, i64, i64); 6] = [
        (
            "DELETE FROM session WHERE last_seen_at < $1 OR created_at < $2",
            t - lifetimes.idle,
            t - lifetimes.absolute,
        ),
        (
            "DELETE FROM login_throttle WHERE last_at < $1 AND blocked_until < $2",
            t - longest_window,
            t,
        ),
        (
            "DELETE FROM kept_form WHERE kept_at < $1 AND $2 = $2",
            t - crate::kept_forms::KEEP_FOR,
            0,
        ),
        (
            "DELETE FROM password_reset WHERE expires_at < $1 AND $2 = $2",
            t,
            0,
        ),
        // With e-mail off nothing sends, so stale messages are given up on here too.
        (
            "UPDATE outbox SET failed_at = $1, last_error = 'stale' \
             WHERE sent_at IS NULL AND failed_at IS NULL AND created_at < $2",
            t,
            t - samla_domain::notification::STALE_AFTER,
        ),
        (
            "DELETE FROM outbox WHERE created_at < $1 AND $2 = $2",
            t - KEEP_MAIL_FOR,
            0,
        ),
    ];
    let mut counts = [0u64; 6];
    for (i, (sql, a, b)) in statements.into_iter().enumerate() {
        let mut tx = db.begin().await?;
        counts[i] = on!(tx.conn(), |c| {
            sqlx::query(sql)
                .bind(a)
                .bind(b)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
        tx.commit().await?;
    }
    Ok(Pruned {
        sessions: counts[0],
        login_counts: counts[1],
        kept_forms: counts[2],
        reset_links: counts[3],
        mail: counts[4] + counts[5],
    })
}
