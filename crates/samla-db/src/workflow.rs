//! The workflow kernel's storage: one table of dated steps (`workflow_step`, migration
//! 0013) for every kind of item, keyed by `item_kind` and `item_id`. A feature keeps its
//! item's current stage and version on its own row and calls in here for the history:
//! the standing steps, marking one undone, correcting one's date, forgetting an item.

use crate::{Conn, now, on};
use sqlx::Row;

/// The item kind of a dialogue's steps.
pub const DIALOGUE: &str = "dialogue";

/// Records a step of an item, dated `date` (ISO), with an optional reason that is kept.
pub(crate) async fn record(
    conn: Conn<'_>,
    kind: &str,
    item: i64,
    stage: &str,
    date: &str,
    by: &str,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "INSERT INTO workflow_step (item_kind, item_id, stage, step_date, actor, at, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(kind)
        .bind(item)
        .bind(stage)
        .bind(date)
        .bind(by)
        .bind(now())
        .bind(reason)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Names, on an item's latest step, the document version and hash it was taken on.
pub(crate) async fn pin_last(
    conn: Conn<'_>,
    kind: &str,
    item: i64,
    version: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "UPDATE workflow_step SET document_version = $1, document_hash = $2 \
             WHERE id = (SELECT MAX(id) FROM workflow_step WHERE item_kind = $3 AND item_id = $4)",
        )
        .bind(version)
        .bind(hash)
        .bind(kind)
        .bind(item)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A standing (not undone) step: its id, stage and date.
#[derive(Debug, Clone)]
pub(crate) struct Standing {
    pub id: i64,
    pub stage: String,
    pub date: String,
}

/// An item's standing steps, oldest first.
pub(crate) async fn standing(
    conn: Conn<'_>,
    kind: &str,
    item: i64,
) -> Result<Vec<Standing>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT id, stage, step_date FROM workflow_step \
             WHERE item_kind = $1 AND item_id = $2 AND undone_at IS NULL ORDER BY at, id",
        )
        .bind(kind)
        .bind(item)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(Standing {
                id: r.try_get(0)?,
                stage: r.try_get(1)?,
                date: r.try_get(2)?,
            })
        })
        .collect()
    })
}

/// Marks a step undone, with who did it and why; it stays in the history.
pub(crate) async fn mark_undone(
    conn: Conn<'_>,
    step: i64,
    by: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "UPDATE workflow_step SET undone_at = $1, undone_by = $2, undo_reason = $3 WHERE id = $4",
        )
        .bind(now())
        .bind(by)
        .bind(reason)
        .bind(step)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Gives a step a corrected date; the date first recorded is kept beside it.
pub(crate) async fn correct_date(
    conn: Conn<'_>,
    step: i64,
    date: &str,
    by: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "UPDATE workflow_step SET original_date = COALESCE(original_date, step_date), step_date = $1, \
             corrected_at = $2, corrected_by = $3, correction_reason = $4 WHERE id = $5",
        )
        .bind(date)
        .bind(now())
        .bind(by)
        .bind(reason)
        .bind(step)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Removes the steps of items that are themselves removed (a unit added by mistake, a
/// cycle deleted before anything began); `items` is an SQL subquery of their ids.
pub(crate) async fn forget(
    conn: Conn<'_>,
    kind: &str,
    items: &'static str,
    bind: i64,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM workflow_step WHERE item_kind = $1 AND item_id IN ({items})"
        )))
        .bind(kind)
        .bind(bind)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}
