//! Follow-up items after a published report: the unit's contacts mark progress and
//! comment; both sides see what is overdue. Only items of published reports are shown
//! outside the embete.

use crate::audit::{self, Change, Who};
use crate::{Db, StoreResult, now, on, regions};
use samla_domain::access::{EmbeteWork, UnitWork};
use samla_domain::dates::{iso, today};
use samla_domain::report::FOLLOW_UP_STATUSES;
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub author: String,
    pub body: String,
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub dialogue_id: i64,
    pub unit_number: String,
    pub unit_name: String,
    pub cycle: String,
    pub body: String,
    pub owner: String,
    #[schema(format = Date)]
    pub deadline: String,
    #[schema(schema_with = samla_domain::schema::follow_up_status)]
    pub status: String,
    pub overdue: bool,
    pub comments: Vec<Comment>,
}

async fn items(
    db: &Db,
    embete: Option<&str>,
    units: Option<&[String]>,
) -> Result<Vec<Item>, sqlx::Error> {
    let today = iso(today());
    let mut conn = db.acquire().await?;
    let (mut items, comments) = on!(conn.conn(), |c| {
        let items = sqlx::query(
            "SELECT f.id, f.dialogue_id, d.unit_number, d.unit_name, c.name AS cycle, f.body, f.owner, f.deadline, f.status \
             FROM follow_up f JOIN dialogue d ON d.id = f.dialogue_id JOIN cycle c ON c.id = d.cycle_id \
             WHERE d.stage = 'published' AND ($1 IS NULL OR c.embete = $1) ORDER BY f.deadline, f.id",
        )
        .bind(embete)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let deadline: String = r.try_get("deadline")?;
            let status: String = r.try_get("status")?;
            Ok(Item {
                id: r.try_get("id")?,
                dialogue_id: r.try_get("dialogue_id")?,
                unit_number: r.try_get("unit_number")?,
                unit_name: r.try_get("unit_name")?,
                cycle: r.try_get("cycle")?,
                body: r.try_get("body")?,
                owner: r.try_get("owner")?,
                overdue: status != "done" && deadline < today,
                deadline,
                status,
                comments: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let comments = sqlx::query(
            "SELECT follow_up_id, author, body, at FROM follow_up_comment ORDER BY at, id",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>(0)?,
                Comment {
                    author: r.try_get(1)?,
                    body: r.try_get(2)?,
                    at: r.try_get(3)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        (items, comments)
    });
    if let Some(units) = units {
        items.retain(|i| units.contains(&i.unit_number));
    }
    for (id, comment) in comments {
        if let Some(item) = items.iter_mut().find(|i| i.id == id) {
            item.comments.push(comment);
        }
    }
    // Overdue first, then by deadline.
    items.sort_by(|a, b| (!a.overdue, &a.deadline).cmp(&(!b.overdue, &b.deadline)));
    Ok(items)
}

/// The items agreed with the actor's unit, under any of its numbers.
pub async fn for_unit(db: &Db, proof: &UnitWork) -> Result<Vec<Item>, sqlx::Error> {
    let numbers = regions::lineage(db, proof.unit())
        .await?
        .unwrap_or_default();
    items(db, None, Some(&numbers)).await
}

/// The items of an embete's published reports.
pub async fn for_embete(db: &Db, proof: &EmbeteWork) -> Result<Vec<Item>, sqlx::Error> {
    items(db, Some(proof.embete()), None).await
}

/// A unit's contact sets an item's status and may add a comment, audited together.
pub async fn update(
    db: &Db,
    proof: &UnitWork,
    who: &Who,
    id: i64,
    status: &str,
    comment: &str,
) -> StoreResult<()> {
    let mine = for_unit(db, proof).await?;
    let item = mine
        .iter()
        .find(|i| i.id == id)
        .ok_or(DomainError::new(ErrorCode::NotFound))?;
    if !FOLLOW_UP_STATUSES.contains(&status) {
        return Err(DomainError::field(ErrorCode::InvalidChoice, "status").into());
    }
    let comment = comment.trim();
    if comment.chars().count() > samla_domain::report::COMMENT_MAX {
        return Err(DomainError::field(ErrorCode::TextTooLong, "comment").into());
    }
    let mut tx = db.begin().await?;
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE follow_up SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(&mut *c)
            .await?;
        if !comment.is_empty() {
            sqlx::query("INSERT INTO follow_up_comment (follow_up_id, author, body, at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&who.label)
                .bind(comment)
                .bind(now())
                .execute(&mut *c)
                .await?;
        }
    });
    audit::record(
        &mut tx,
        who,
        Change {
            action: "follow_up.update",
            entity_type: "follow_up",
            entity_id: &id.to_string(),
            embete: None,
            before: Some(json!({ "status": item.status })),
            after: Some(
                json!({ "status": status, "comment": (!comment.is_empty()).then_some(comment) }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
