//! The secretariat's assessments of submitted yearly reports, the question-and-reply thread
//! of each answer, and the release of a report's assessments to its embete. The secretariat
//! reads and writes them with [`FollowReports`]; the embete reads its own with its
//! [`EmbeteWork`] proof once they are released, and replies to questions. Every change is
//! audited in its own transaction.

use crate::audit::{self, Change, Who};
use crate::documents;
use crate::{Db, StoreResult, now, on, outbox};
use samla_domain::access::{Actor, EmbeteWork, FollowReports};
use samla_domain::assessment::{Assessment, Checked, Message};
use samla_domain::notification;
use samla_domain::yearly_report as report;
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// A release of a report's assessments to its embete.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Release {
    /// Unix seconds.
    pub released_at: i64,
    pub released_by: String,
}

/// A report's assessments and threads as a reader may see them.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Assessed {
    pub assessments: Vec<Assessment>,
    /// Every message, oldest first.
    pub messages: Vec<Message>,
    pub released: Option<Release>,
}

impl Assessed {
    pub fn of(&self, requirement: i64) -> Option<&Assessment> {
        self.assessments
            .iter()
            .find(|a| a.requirement == requirement)
    }

    pub fn thread(&self, requirement: i64) -> impl Iterator<Item = &Message> {
        self.messages
            .iter()
            .filter(move |m| m.requirement == requirement)
    }

    /// Whether the newest message about an answer is a question the embete has not replied to.
    pub fn awaits_reply(&self, requirement: i64) -> bool {
        self.thread(requirement)
            .last()
            .is_some_and(|m| m.from == "secretariat")
    }
}

/// A submitted report's row: its embete, and the version submitted.
struct Submitted {
    embete: String,
    version: i64,
}

/// The submitted report's row, taken first so two changes of one report queue up
/// (PostgreSQL).
async fn locked_submitted(tx: &mut crate::Tx, report_id: i64) -> StoreResult<Submitted> {
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE yearly_report SET version = version WHERE id = $1")
            .bind(report_id)
            .execute(&mut *c)
            .await?;
    });
    let row: Option<(String, Option<i64>)> = on!(tx.conn(), |c| {
        sqlx::query("SELECT embete, submitted_version FROM yearly_report WHERE id = $1")
            .bind(report_id)
            .fetch_optional(&mut *c)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()?
    });
    match row {
        Some((embete, Some(version))) => Ok(Submitted { embete, version }),
        Some((_, None)) => Err(DomainError::field(ErrorCode::StageNotAllowed, "rubric").into()),
        None => Err(ErrorCode::NotFound.into()),
    }
}

async fn read(conn: crate::Conn<'_>, report_id: i64) -> Result<Assessed, sqlx::Error> {
    on!(conn, |c| {
        let assessments = sqlx::query(
            "SELECT requirement, rubric, risk, comment, report_version, report_sha256, assessed_at, assessed_by \
             FROM assessment WHERE report_id = $1 ORDER BY requirement",
        )
        .bind(report_id)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(Assessment {
                requirement: r.try_get(0)?,
                rubric: r.try_get(1)?,
                risk: r.try_get(2)?,
                comment: r.try_get(3)?,
                report_version: r.try_get(4)?,
                report_sha256: r.try_get(5)?,
                assessed_at: r.try_get(6)?,
                assessed_by: r.try_get(7)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let messages = sqlx::query(
            "SELECT id, requirement, sender, body, sent_at, sent_by FROM assessment_message \
             WHERE report_id = $1 ORDER BY id",
        )
        .bind(report_id)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(Message {
                id: r.try_get(0)?,
                requirement: r.try_get(1)?,
                from: r.try_get(2)?,
                text: r.try_get(3)?,
                at: r.try_get(4)?,
                by: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let released = sqlx::query(
            "SELECT released_at, released_by FROM assessment_release WHERE report_id = $1",
        )
        .bind(report_id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>(Release {
                released_at: r.try_get(0)?,
                released_by: r.try_get(1)?,
            })
        })
        .transpose()?;
        Ok(Assessed {
            assessments,
            messages,
            released,
        })
    })
}

/// The submitted reports whose assessments are not released yet, as (embete, year,
/// period): what the secretariat has left to assess.
pub async fn awaiting_release(
    db: &Db,
    _proof: &FollowReports,
) -> StoreResult<Vec<(String, i64, String)>> {
    Ok(on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT y.embete, y.year, y.period FROM yearly_report y \
             WHERE y.submitted_version IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM assessment_release r WHERE r.report_id = y.id) \
             ORDER BY y.year, y.period, y.embete",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    }))
}

/// A report's assessments and threads, for the secretariat.
pub async fn for_secretariat(
    db: &Db,
    _proof: &FollowReports,
    report_id: i64,
) -> StoreResult<Assessed> {
    Ok(read(db.acquire().await?.conn(), report_id).await?)
}

/// The embete's own report's assessments, once the secretariat has released them.
pub async fn for_embete(
    db: &Db,
    proof: &EmbeteWork,
    report_id: i64,
) -> StoreResult<Option<Assessed>> {
    let mut conn = db.acquire().await?;
    let embete: Option<String> = on!(conn.conn(), |c| {
        sqlx::query_scalar("SELECT embete FROM yearly_report WHERE id = $1")
            .bind(report_id)
            .fetch_optional(&mut *c)
            .await?
    });
    if embete.as_deref() != Some(proof.embete()) {
        return Ok(None);
    }
    let assessed = read(conn.conn(), report_id).await?;
    Ok(assessed.released.is_some().then_some(assessed))
}

/// The secretariat assesses one answer of a submitted report, naming the submitted
/// version; a question starts (or continues) the answer's thread.
pub async fn save(
    db: &Db,
    actor: &Actor,
    _proof: &FollowReports,
    report_id: i64,
    requirement: i64,
    checked: &Checked,
) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let row = locked_submitted(&mut tx, report_id).await?;
    let (parts, sha) =
        documents::parts_at(tx.conn(), &report::document_key(report_id), row.version).await?;
    if !parts.contains_key(&report::answer_key(requirement)) {
        return Err(ErrorCode::NotFound.into());
    }
    let at = now();
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO assessment (report_id, requirement, rubric, risk, comment, report_version, report_sha256, assessed_at, assessed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (report_id, requirement) DO UPDATE SET rubric = $3, risk = $4, comment = $5, \
             report_version = $6, report_sha256 = $7, assessed_at = $8, assessed_by = $9",
        )
        .bind(report_id)
        .bind(requirement)
        .bind(&checked.rubric)
        .bind(&checked.risk)
        .bind(&checked.comment)
        .bind(row.version)
        .bind(&sha)
        .bind(at)
        .bind(&who.label)
        .execute(&mut *c)
        .await?;
    });
    if let Some(question) = &checked.question {
        add_message(
            &mut tx,
            report_id,
            requirement,
            "secretariat",
            question,
            &who,
        )
        .await?;
    }
    let entity = format!("{report_id}:{requirement}");
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assessment.save",
            entity_type: "assessment",
            entity_id: &entity,
            embete: Some(&row.embete),
            before: None,
            after: Some(json!({
                "rubric": checked.rubric, "risk": checked.risk, "comment": checked.comment,
                "question": checked.question, "report_version": row.version,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn add_message(
    tx: &mut crate::Tx,
    report_id: i64,
    requirement: i64,
    sender: &str,
    text: &str,
    who: &Who,
) -> Result<(), sqlx::Error> {
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO assessment_message (report_id, requirement, sender, body, sent_at, sent_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(report_id)
        .bind(requirement)
        .bind(sender)
        .bind(text)
        .bind(now())
        .bind(&who.label)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// The secretariat releases a report's assessments to its embete, once every answer of
/// the submitted version is assessed.
pub async fn release(
    db: &Db,
    actor: &Actor,
    _proof: &FollowReports,
    report_id: i64,
) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let row = locked_submitted(&mut tx, report_id).await?;
    let (parts, _) =
        documents::parts_at(tx.conn(), &report::document_key(report_id), row.version).await?;
    let assessed = read(tx.conn(), report_id).await?;
    if assessed.released.is_some() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "release").into());
    }
    let unassessed = parts
        .keys()
        .filter_map(|k| report::answer_of(k))
        .any(|r| assessed.of(r).is_none());
    if unassessed {
        return Err(DomainError::field(ErrorCode::AssessmentsMissing, "release").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO assessment_release (report_id, released_at, released_by) VALUES ($1, $2, $3)",
        )
        .bind(report_id)
        .bind(now())
        .bind(&who.label)
        .execute(&mut *c)
        .await?;
    });
    let entity = report_id.to_string();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assessment.release",
            entity_type: "yearly_report",
            entity_id: &entity,
            embete: Some(&row.embete),
            before: None,
            after: None,
        },
    )
    .await?;
    let (year, period): (i64, String) = on!(tx.conn(), |c| {
        let r = sqlx::query("SELECT year, period FROM yearly_report WHERE id = $1")
            .bind(report_id)
            .fetch_one(&mut *c)
            .await?;
        (r.try_get(0)?, r.try_get(1)?)
    });
    let kind = notification::ASSESSMENT_RELEASED;
    let to = outbox::Audience {
        organisation: &row.embete,
        roles: notification::audience(kind),
    };
    let params = json!({
        "embete": row.embete, "year": year, "period": period,
        "path": format!("/yearly-reports/{}/{year}/{period}", row.embete),
    });
    outbox::enqueue(&mut tx, kind, to, &params, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The embete replies to the secretariat's question about one answer, after the release.
pub async fn reply(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    report_id: i64,
    requirement: i64,
    text: &str,
) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let row = locked_submitted(&mut tx, report_id).await?;
    let assessed = read(tx.conn(), report_id).await?;
    if row.embete != proof.embete() || assessed.released.is_none() {
        return Err(ErrorCode::NotFound.into());
    }
    if !assessed.awaits_reply(requirement) {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "reply").into());
    }
    add_message(&mut tx, report_id, requirement, "embete", text, &who).await?;
    let entity = format!("{report_id}:{requirement}");
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assessment.reply",
            entity_type: "assessment",
            entity_id: &entity,
            embete: Some(&row.embete),
            before: None,
            after: Some(json!({ "reply": text })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
