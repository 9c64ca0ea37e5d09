//! Mistakes corrected in the open, each with a reason that is kept in the history and
//! the audit log: undoing a dialogue's last step, removing a unit added to a cycle by
//! mistake before anything happened with it, and renaming or deleting a cycle while
//! none of its dialogues has gone past "planned". See docs/designs/0008-corrections.md.

use crate::audit::{self, Change, Who};
use crate::dialogue::{Cycle, Dialogue, cycle, dialogue};
use crate::{Db, StoreResult, Tx, on, workflow};
use samla_domain::access::{ApproveReports, EmbeteWork};
use samla_domain::dialogue::{Stage, check_cycle, check_reason};
use samla_domain::{DomainError, ErrorCode};
use serde_json::json;
use sqlx::Row;

/// Undoes a dialogue's last step, with a reason that is kept: the dialogue goes back to
/// the stage and date before it, and the step stays in its history marked as undone.
/// Undoing what only a leader may do needs a leader (`leader`).
pub async fn undo_step(
    db: &Db,
    proof: &EmbeteWork,
    leader: Option<&ApproveReports>,
    who: &Who,
    id: i64,
    reason: &str,
    seen_version: i64,
) -> StoreResult<Dialogue> {
    let (before, _) = dialogue(db, proof, id).await?;
    let reason = samla_domain::dialogue::check_reason(reason)?;
    let mut tx = db.begin().await?;
    take_row(&mut tx, id, seen_version).await?;
    let steps = workflow::standing(tx.conn(), workflow::DIALOGUE, id).await?;
    let mut live = steps.iter().rev();
    let stage_of = |s: &str| Stage::parse(s).unwrap_or(Stage::Planned);
    let last = live
        .next()
        .ok_or(DomainError::field(ErrorCode::NothingToUndo, "stage"))?;
    let previous = live.next();
    let undo =
        samla_domain::dialogue::undo(previous.map(|p| stage_of(&p.stage)), stage_of(&last.stage))?;
    if undo.needs_leader && leader.is_none() {
        return Err(DomainError::field(ErrorCode::LeaderRequired, "stage").into());
    }
    let back_to = previous.map(|p| p.date.clone()).unwrap_or_default();
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE dialogue SET stage = $1, stage_date = $2 WHERE id = $3")
            .bind(undo.to.as_str())
            .bind(&back_to)
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    workflow::mark_undone(tx.conn(), last.id, &who.label, &reason).await?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "dialogue.undo_step",
            entity_type: "dialogue",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "stage": before.stage, "stage_date": before.stage_date })),
            after: Some(json!({ "stage": undo.to, "stage_date": back_to, "undone": last.stage, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dialogue(db, proof, id).await?.0)
}

/// Corrects the date of one of a dialogue's standing steps, with a reason that is kept:
/// the step keeps the date first recorded beside the new one. The date stays between
/// the steps before and after it; correcting what only a leader may do needs a leader.
#[allow(clippy::too_many_arguments)]
pub async fn correct_date(
    db: &Db,
    proof: &EmbeteWork,
    leader: Option<&ApproveReports>,
    who: &Who,
    id: i64,
    step_id: i64,
    date: time::Date,
    reason: &str,
    seen_version: i64,
) -> StoreResult<Dialogue> {
    // Another embete's dialogue is not found.
    dialogue(db, proof, id).await?;
    let reason = check_reason(reason)?;
    let date = samla_domain::dates::iso(date);
    let mut tx = db.begin().await?;
    take_row(&mut tx, id, seen_version).await?;
    let standing = workflow::standing(tx.conn(), workflow::DIALOGUE, id).await?;
    let at = standing
        .iter()
        .position(|s| s.id == step_id)
        .ok_or(DomainError::field(ErrorCode::NotFound, "step"))?;
    let stage_of = |s: &str| Stage::parse(s).unwrap_or(Stage::Planned);
    let (stage, old_date) = (&standing[at].stage, &standing[at].date);
    let previous = at.checked_sub(1).map(|i| &standing[i]);
    let next = standing.get(at + 1);
    samla_domain::dialogue::check_corrected_date(
        stage_of(stage),
        previous.map(|p| p.date.as_str()),
        next.map(|n| n.date.as_str()),
        &date,
        &samla_domain::dates::iso(samla_domain::dates::today()),
    )?;
    let from = previous
        .map(|p| stage_of(&p.stage))
        .unwrap_or(Stage::Planned);
    if samla_domain::dialogue::needs_leader(from, stage_of(stage)) && leader.is_none() {
        return Err(DomainError::field(ErrorCode::LeaderRequired, "step").into());
    }
    let is_last = next.is_none();
    workflow::correct_date(tx.conn(), step_id, &date, &who.label, &reason).await?;
    on!(tx.conn(), |c| {
        if is_last {
            sqlx::query("UPDATE dialogue SET stage_date = $1 WHERE id = $2")
                .bind(&date)
                .bind(id)
                .execute(&mut *c)
                .await?;
        }
    });
    audit::record(
        &mut tx,
        who,
        Change {
            action: "dialogue.correct_date",
            entity_type: "dialogue",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "step": step_id, "stage": stage, "date": old_date })),
            after: Some(json!({ "step": step_id, "stage": stage, "date": date, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dialogue(db, proof, id).await?.0)
}

/// Takes the dialogue's row with a version-guarded write, before anything else: two
/// corrections (or a correction and a step) of the same dialogue never both win.
async fn take_row(tx: &mut Tx, id: i64, seen_version: i64) -> StoreResult<()> {
    let taken = on!(tx.conn(), |c| {
        sqlx::query("UPDATE dialogue SET version = version + 1 WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(seen_version)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if taken != 1 {
        return Err(DomainError::new(ErrorCode::EditConflict).into());
    }
    Ok(())
}

/// A planned dialogue has nothing recorded yet: no meeting and no report.
const NOTHING_RECORDED: &str = "NOT EXISTS (SELECT 1 FROM meeting m WHERE m.dialogue_id = d.id) \
     AND NOT EXISTS (SELECT 1 FROM report r WHERE r.dialogue_id = d.id)";

/// Removes a unit added to a cycle by mistake: only while its dialogue is planned and
/// nothing is recorded for it (a meeting or a report would be lost with it). Returns the
/// cycle it was in.
pub async fn remove_dialogue(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    id: i64,
    reason: &str,
    seen_version: i64,
) -> StoreResult<Cycle> {
    let (before, cycle) = dialogue(db, proof, id).await?;
    let reason = check_reason(reason)?;
    let mut tx = db.begin().await?;
    let removed = on!(tx.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM dialogue WHERE id = $1 AND version = $2 AND stage = 'planned' AND id IN \
             (SELECT d.id FROM dialogue d WHERE d.id = $1 AND {NOTHING_RECORDED})"
        )))
        .bind(id)
        .bind(seen_version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if removed != 1 {
        return Err(if before.version != seen_version {
            DomainError::new(ErrorCode::EditConflict)
        } else if before.stage != Stage::Planned {
            DomainError::field(ErrorCode::StageNotAllowed, "stage")
        } else {
            DomainError::field(ErrorCode::HasRecords, "reason")
        }
        .into());
    }
    workflow::forget(tx.conn(), workflow::DIALOGUE, "SELECT $2", id).await?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "dialogue.remove",
            entity_type: "dialogue",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "cycle": cycle.id, "unit": before.unit_number, "name": before.unit_name, "stage": before.stage })),
            after: Some(json!({ "removed": true, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(cycle)
}

/// Takes the rows of a cycle's dialogues for the transaction and says whether any of
/// them has gone past "planned" (or, with `or_recorded`, has a meeting or a report).
async fn cycle_has_begun(
    tx: &mut Tx,
    cycle_id: i64,
    or_recorded: bool,
) -> Result<bool, sqlx::Error> {
    let recorded = if or_recorded {
        format!(" OR NOT ({NOTHING_RECORDED})")
    } else {
        String::new()
    };
    let begun: i64 = on!(tx.conn(), |c| {
        // A write first: on PostgreSQL it locks the rows, so a step taken at the same time
        // waits, and on SQLite it takes the write lock before the check.
        sqlx::query("UPDATE dialogue SET version = version WHERE cycle_id = $1")
            .bind(cycle_id)
            .execute(&mut *c)
            .await?;
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM dialogue d WHERE d.cycle_id = $1 AND (d.stage <> 'planned'{recorded})"
        )))
        .bind(cycle_id)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(begun > 0)
}

async fn own_cycle(db: &Db, proof: &EmbeteWork, id: i64) -> StoreResult<Cycle> {
    cycle(db, proof, id).await
}

/// Renames a cycle while none of its dialogues has gone past "planned" (after that, the
/// units have been told its name). The name is public at once, so it passes the gate.
pub async fn rename_cycle(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    id: i64,
    name: &str,
    reason: &str,
) -> StoreResult<Cycle> {
    let before = own_cycle(db, proof, id).await?;
    let (name, _, _) = check_cycle(name, &before.starts_on, &before.ends_on).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or(DomainError::new(ErrorCode::InvalidInput))
    })?;
    let reason = check_reason(reason)?;
    let mut tx = db.begin().await?;
    if cycle_has_begun(&mut tx, id, false).await? {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "name").into());
    }
    let renamed = on!(tx.conn(), |c| {
        sqlx::query("UPDATE cycle SET name = $1 WHERE id = $2")
            .bind(&name)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    });
    match renamed {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(DomainError::field(ErrorCode::DuplicateName, "name").into());
        }
        other => other?,
    };
    audit::record(
        &mut tx,
        who,
        Change {
            action: "cycle.rename",
            entity_type: "cycle",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "name": before.name })),
            after: Some(json!({ "name": name, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    cycle(db, proof, id).await
}

/// Deletes a cycle made by mistake, with its dialogues, while every one of them is
/// planned with nothing recorded. The audit log keeps what it was and why it went.
pub async fn delete_cycle(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    id: i64,
    reason: &str,
) -> StoreResult<()> {
    let before = own_cycle(db, proof, id).await?;
    let reason = check_reason(reason)?;
    let mut tx = db.begin().await?;
    if cycle_has_begun(&mut tx, id, true).await? {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "reason").into());
    }
    let units: Vec<String> = on!(tx.conn(), |c| {
        sqlx::query("SELECT unit_number FROM dialogue WHERE cycle_id = $1 ORDER BY unit_number")
            .bind(id)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<Vec<String>, _>>()?
    });
    workflow::forget(
        tx.conn(),
        workflow::DIALOGUE,
        "SELECT id FROM dialogue WHERE cycle_id = $2",
        id,
    )
    .await?;
    on!(tx.conn(), |c| {
        sqlx::query("DELETE FROM cycle WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    audit::record(
        &mut tx,
        who,
        Change {
            action: "cycle.delete",
            entity_type: "cycle",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "cycle": before, "units": units })),
            after: Some(json!({ "deleted": true, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
