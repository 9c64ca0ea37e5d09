//! Yearly reports and mid-year statuses: the parted document `yearly_report:<id>` in the
//! document kernel (one part per answer, so every version is kept with its hash), and
//! the row that says which version is current, approved and submitted. The embete's own
//! people read the current version with their [`EmbeteWork`] proof; the secretariat reads
//! the submitted version with [`FollowReports`]. Every change is audited in its own
//! transaction.

use crate::audit::{self, Change, Who};
use crate::documents::{self, PartWritten};
use crate::{Db, StoreResult, now, on, outbox};
use samla_domain::access::{Actor, ApproveReports, EmbeteWork, FollowReports, SECRETARIAT};
use samla_domain::assignment::Requirement;
use samla_domain::document::Sections;
use samla_domain::notification;
use samla_domain::yearly_report::{self as domain, Answer};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// Who approved or submitted a version, and when.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = YearlyReportStamp)]
pub struct Stamp {
    pub version: i64,
    /// Unix seconds.
    pub at: i64,
    pub by: String,
}

/// The secretariat's reopening of a submitted report: when, by whom, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Reopened {
    /// Unix seconds.
    pub at: i64,
    pub by: String,
    pub reason: String,
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = YearlyReportStage)]
pub enum Stage {
    Drafting,
    /// A leader approved the current version.
    Approved,
    /// The embete submitted an approved version: locked.
    Submitted,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::Approved => "approved",
            Stage::Submitted => "submitted",
        }
    }
}

/// A report as a reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = YearlyReport)]
pub struct Report {
    pub id: i64,
    pub embete: String,
    pub year: i64,
    pub period: String,
    /// The version shown.
    pub version: i64,
    pub sha256: String,
    pub stage: Stage,
    pub approved: Option<Stamp>,
    pub submitted: Option<Stamp>,
    /// The latest reopening by the secretariat, if the report was reopened.
    pub reopened: Option<Reopened>,
    /// The reporting requirements of the year's published assignment.
    pub requirements: Vec<Requirement>,
    /// The answers given, by requirement.
    pub answers: Vec<Answer>,
}

impl Report {
    pub fn answer(&self, requirement: i64) -> Option<&Answer> {
        self.answers.iter().find(|a| a.requirement == requirement)
    }

    /// The requirements that have no answer yet.
    pub fn unanswered(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements
            .iter()
            .filter(|r| self.answer(r.id).is_none())
    }
}

/// A report in a list: the embete's own, or every embete's for the secretariat.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = YearlyReportSummary)]
pub struct Summary {
    pub embete: String,
    pub year: i64,
    pub period: String,
    pub stage: Stage,
    pub submitted: Option<Stamp>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new version; `voided` when it took a leader's approval away.
    Version { version: i64, voided: bool },
    /// The answer already said so: nothing changed.
    Unchanged,
}

struct Head {
    id: i64,
    version: i64,
    approved: Option<Stamp>,
    submitted: Option<Stamp>,
    reopened: Option<Reopened>,
}

impl Head {
    fn stage(&self) -> Stage {
        match (&self.submitted, &self.approved) {
            (Some(_), _) => Stage::Submitted,
            (None, Some(a)) if a.version == self.version => Stage::Approved,
            _ => Stage::Drafting,
        }
    }
}

fn stamp(version: Option<i64>, at: Option<i64>, by: Option<String>) -> Option<Stamp> {
    Some(Stamp {
        version: version?,
        at: at?,
        by: by?,
    })
}

/// The report rows that match, each with its embete, year and period.
async fn heads(
    conn: crate::Conn<'_>,
    embete: Option<&str>,
    year: Option<i64>,
    period: Option<&str>,
) -> Result<Vec<(String, i64, String, Head)>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT embete, year, period, id, version, approved_version, approved_at, approved_by, \
                    submitted_version, submitted_at, submitted_by, \
                    reopened_at, reopened_by, reopened_reason FROM yearly_report \
             WHERE ($1 IS NULL OR embete = $1) AND ($2 IS NULL OR year = $2) AND ($3 IS NULL OR period = $3) \
             ORDER BY year DESC, period DESC, embete",
        )
        .bind(embete)
        .bind(year)
        .bind(period)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                Head {
                    id: r.try_get(3)?,
                    version: r.try_get(4)?,
                    approved: stamp(r.try_get(5)?, r.try_get(6)?, r.try_get(7)?),
                    submitted: stamp(r.try_get(8)?, r.try_get(9)?, r.try_get(10)?),
                    reopened: match (r.try_get(11)?, r.try_get(12)?, r.try_get(13)?) {
                        (Some(at), Some(by), Some(reason)) => Some(Reopened { at, by, reason }),
                        _ => None,
                    },
                },
            ))
        })
        .collect()
    })
}

async fn head(
    conn: crate::Conn<'_>,
    embete: &str,
    year: i64,
    period: &str,
) -> Result<Option<Head>, sqlx::Error> {
    Ok(heads(conn, Some(embete), Some(year), Some(period))
        .await?
        .pop()
        .map(|(_, _, _, h)| h))
}

/// The report's row, taken first so two writes of one report queue up (PostgreSQL).
async fn locked_head(
    tx: &mut crate::Tx,
    embete: &str,
    year: i64,
    period: &str,
) -> StoreResult<Head> {
    on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE yearly_report SET version = version WHERE embete = $1 AND year = $2 AND period = $3",
        )
        .bind(embete)
        .bind(year)
        .bind(period)
        .execute(&mut *c)
        .await?;
    });
    Ok(head(tx.conn(), embete, year, period)
        .await?
        .ok_or(ErrorCode::NotFound)?)
}

fn answers_in(parts: &Sections) -> Vec<Answer> {
    let mut answers: Vec<Answer> = parts
        .iter()
        .filter(|(k, _)| domain::answer_of(k).is_some())
        .filter_map(|(_, v)| serde_json::from_str(v).ok())
        .collect();
    answers.sort_by_key(|a| a.requirement);
    answers
}

/// The reporting requirements of a year, or `stage_not_allowed` on `year` when its
/// assignment is not published.
async fn requirements_of(db: &Db, year: i64) -> StoreResult<Vec<Requirement>> {
    let all = crate::assignment::published_year_requirements(db, year)
        .await?
        .ok_or_else(|| DomainError::field(ErrorCode::StageNotAllowed, "year"))?;
    Ok(domain::answered(&all).into_iter().cloned().collect())
}

async fn read(
    db: &Db,
    embete: &str,
    year: i64,
    period: &str,
    submitted_only: bool,
) -> StoreResult<Option<Report>> {
    let mut conn = db.acquire().await?;
    let Some(head) = head(conn.conn(), embete, year, period).await? else {
        return Ok(None);
    };
    let version = match (&head.submitted, submitted_only) {
        (_, false) => head.version,
        (Some(s), true) => s.version,
        (None, true) => return Ok(None),
    };
    let (parts, sha256) =
        documents::parts_at(conn.conn(), &domain::document_key(head.id), version).await?;
    drop(conn);
    Ok(Some(Report {
        id: head.id,
        embete: embete.to_owned(),
        year,
        period: period.to_owned(),
        version,
        sha256,
        stage: head.stage(),
        approved: head.approved,
        submitted: head.submitted,
        reopened: head.reopened,
        requirements: requirements_of(db, year).await?,
        answers: answers_in(&parts),
    }))
}

/// The embete's report as it stands now, for its own people.
pub async fn draft(
    db: &Db,
    proof: &EmbeteWork,
    year: i64,
    period: &str,
) -> StoreResult<Option<Report>> {
    read(db, proof.embete(), year, period, false).await
}

/// An embete's submitted report, for the secretariat.
pub async fn submitted(
    db: &Db,
    _proof: &FollowReports,
    embete: &str,
    year: i64,
    period: &str,
) -> StoreResult<Option<Report>> {
    read(db, embete, year, period, true).await
}

async fn summaries(db: &Db, embete: Option<&str>, year: Option<i64>) -> StoreResult<Vec<Summary>> {
    let rows = heads(db.acquire().await?.conn(), embete, year, None).await?;
    Ok(rows
        .into_iter()
        .map(|(embete, year, period, head)| Summary {
            embete,
            year,
            period,
            stage: head.stage(),
            submitted: head.submitted,
        })
        .collect())
}

/// The embete's own reports, newest year first.
pub async fn own(db: &Db, proof: &EmbeteWork) -> StoreResult<Vec<Summary>> {
    summaries(db, Some(proof.embete()), None).await
}

/// Every embete's reports of a year, for the secretariat to follow.
pub async fn of_year(db: &Db, _proof: &FollowReports, year: i64) -> StoreResult<Vec<Summary>> {
    summaries(db, None, Some(year)).await
}

/// Starts the embete's report for a year whose assignment is published.
pub async fn create(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    year: i64,
    period: &str,
) -> StoreResult<()> {
    let embete = proof.embete();
    let period = domain::check_period(period)?;
    requirements_of(db, year).await?;
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    if head(tx.conn(), embete, year, period).await?.is_some() {
        return Err(DomainError::field(ErrorCode::DuplicateName, "year").into());
    }
    let id: i64 = on!(tx.conn(), |c| {
        sqlx::query_scalar(
            "INSERT INTO yearly_report (embete, year, period, version, created_at) \
             VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(embete)
        .bind(year)
        .bind(period)
        .bind(now())
        .fetch_one(&mut *c)
        .await?
    });
    documents::record(tx.conn(), &domain::document_key(id), 1, "{}", &who.label).await?;
    let entity = id.to_string();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "yearly_report.create",
            entity_type: "yearly_report",
            entity_id: &entity,
            embete: Some(embete),
            before: None,
            after: Some(json!({ "year": year, "period": period })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves a checked answer from version `base`, under the kernel's per-part locking. A
/// submitted report is locked; a save after a leader's approval voids it.
pub async fn save_answer(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    year: i64,
    period: &str,
    answer: &Answer,
    base: i64,
) -> StoreResult<Saved> {
    let embete = proof.embete();
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked_head(&mut tx, embete, year, period).await?;
    if head.submitted.is_some() {
        return Err(DomainError::field(ErrorCode::ReportLocked, "status").into());
    }
    let key = domain::answer_key(answer.requirement);
    let value = serde_json::to_string(answer).unwrap_or_default();
    let written = documents::write_part(
        &mut tx,
        &domain::document_key(head.id),
        head.version,
        base,
        &key,
        Some(&value),
        &who.label,
        "text",
    )
    .await?;
    let (version, before) = match written {
        PartWritten::Unchanged => return Ok(Saved::Unchanged),
        PartWritten::Version { version, before } => (version, before),
    };
    let voided = head.stage() == Stage::Approved;
    on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE yearly_report SET version = $1, approved_version = NULL, approved_at = NULL, \
             approved_by = NULL WHERE id = $2",
        )
        .bind(version)
        .bind(head.id)
        .execute(&mut *c)
        .await?;
    });
    let entity = head.id.to_string();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "yearly_report.save",
            entity_type: "yearly_report",
            entity_id: &entity,
            embete: Some(embete),
            before: Some(json!({ "version": head.version, "part": key, "value": before })),
            after: Some(
                json!({ "version": version, "part": key, "value": value, "voided": voided }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved::Version { version, voided })
}

/// A leader approves the version they read: every requirement answered, nothing newer.
pub async fn approve(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    _leader: &ApproveReports,
    year: i64,
    period: &str,
    version: i64,
) -> StoreResult<()> {
    let report = draft(db, proof, year, period)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if report.unanswered().next().is_some() {
        return Err(DomainError::field(ErrorCode::AnswersMissing, "version").into());
    }
    stamp_version(db, actor, proof, year, period, version, "approve").await
}

/// The embete submits the approved version: it is locked and the secretariat reads it.
pub async fn submit(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    year: i64,
    period: &str,
    version: i64,
) -> StoreResult<()> {
    stamp_version(db, actor, proof, year, period, version, "submit").await
}

/// Records an approval or a submission of `version`, which must be the current one, at
/// the stage before it.
async fn stamp_version(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    year: i64,
    period: &str,
    version: i64,
    action: &'static str,
) -> StoreResult<()> {
    let embete = proof.embete();
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked_head(&mut tx, embete, year, period).await?;
    if version != head.version {
        return Err(DomainError::field(ErrorCode::EditConflict, "version").into());
    }
    let (from, sql) = match action {
        "approve" => (
            Stage::Drafting,
            "UPDATE yearly_report SET approved_version = $1, approved_at = $2, approved_by = $3 WHERE id = $4",
        ),
        _ => (
            Stage::Approved,
            "UPDATE yearly_report SET submitted_version = $1, submitted_at = $2, submitted_by = $3 WHERE id = $4",
        ),
    };
    if head.stage() != from {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "version").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query(sql)
            .bind(version)
            .bind(now())
            .bind(&who.label)
            .bind(head.id)
            .execute(&mut *c)
            .await?;
    });
    let entity = head.id.to_string();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: if action == "approve" {
                "yearly_report.approve"
            } else {
                "yearly_report.submit"
            },
            entity_type: "yearly_report",
            entity_id: &entity,
            embete: Some(embete),
            before: Some(json!({ "stage": from.as_str() })),
            after: Some(json!({ "version": version })),
        },
    )
    .await?;
    if action == "submit" {
        let kind = notification::REPORT_SUBMITTED;
        let to = outbox::Audience {
            organisation: SECRETARIAT.0,
            roles: notification::audience(kind),
        };
        let params = json!({
            "embete": embete, "year": year, "period": period,
            "path": format!("/yearly-reports/{embete}/{year}/{period}"),
        });
        outbox::enqueue(&mut tx, kind, to, &params, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Dates a demo report's approval and submission as the demo's story tells them (the
/// store stamps them with the time of the save).
pub async fn date_for_demo(
    db: &Db,
    _authority: &samla_domain::access::SystemAuthority,
    embete: &str,
    year: i64,
    period: &str,
    (approved_at, submitted_at): (i64, i64),
) -> StoreResult<()> {
    on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "UPDATE yearly_report SET approved_at = $1, submitted_at = $2 \
             WHERE embete = $3 AND year = $4 AND period = $5 AND submitted_version IS NOT NULL",
        )
        .bind(approved_at)
        .bind(submitted_at)
        .bind(embete)
        .bind(year)
        .bind(period)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Writes the reminders for reporting deadlines at most [`notification::REMIND_DAYS_BEFORE`]
/// days after `today` to the staff and leaders of every embete that has not submitted its
/// yearly report, once per person, requirement and deadline however often it runs.
/// Answers how many were written.
pub async fn remind_deadlines(db: &Db, today: time::Date) -> StoreResult<u64> {
    let kind = notification::DEADLINE_SOON;
    let embeter = crate::regions::embeter_on(db, today).await?;
    let mut written = 0;
    for year in [today.year() as i64 - 1, today.year() as i64] {
        let Some(requirements) = crate::assignment::published_year_requirements(db, year).await?
        else {
            continue;
        };
        for r in requirements.iter().filter(|r| r.kind == "reporting") {
            let due = domain::deadline_of(r, year, "year");
            let days = (due - today).whole_days();
            if !(0..=notification::REMIND_DAYS_BEFORE).contains(&days) {
                continue;
            }
            let mut tx = db.begin().await?;
            for embete in &embeter {
                let submitted: Option<i64> = on!(tx.conn(), |c| {
                    sqlx::query_scalar(
                        "SELECT submitted_version FROM yearly_report \
                         WHERE embete = $1 AND year = $2 AND period = 'year'",
                    )
                    .bind(&embete.code)
                    .bind(year)
                    .fetch_optional(&mut *c)
                    .await?
                    .flatten()
                });
                if submitted.is_some() {
                    continue;
                }
                let params = json!({
                    "embete": embete.code, "year": year, "period": "year",
                    "requirement": r.title, "deadline": samla_domain::dates::iso(due),
                    "path": format!("/yearly-reports/{}/{year}/year", embete.code),
                });
                let dedupe = format!(
                    "deadline:{year}:{}:{}:{}",
                    r.id,
                    samla_domain::dates::iso(due),
                    embete.code
                );
                let to = outbox::Audience {
                    organisation: &embete.code,
                    roles: notification::audience(kind),
                };
                written += outbox::enqueue(&mut tx, kind, to, &params, Some(&dedupe)).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(written)
}

/// The secretariat reopens a submitted report whose assessment is not released, with the
/// reason the embete reads: the approval and the submission are cleared and the embete
/// works on it again; the assessments already written stay for the next submission.
pub async fn reopen(
    db: &Db,
    actor: &Actor,
    _proof: &FollowReports,
    embete: &str,
    year: i64,
    period: &str,
    reason: &str,
) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked_head(&mut tx, embete, year, period).await?;
    let Some(submitted) = &head.submitted else {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "reason").into());
    };
    let released: Option<i64> = on!(tx.conn(), |c| {
        sqlx::query_scalar("SELECT released_at FROM assessment_release WHERE report_id = $1")
            .bind(head.id)
            .fetch_optional(&mut *c)
            .await?
    });
    if released.is_some() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "reason").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE yearly_report SET approved_version = NULL, approved_at = NULL, approved_by = NULL, \
             submitted_version = NULL, submitted_at = NULL, submitted_by = NULL, \
             reopened_at = $1, reopened_by = $2, reopened_reason = $3 WHERE id = $4",
        )
        .bind(now())
        .bind(&who.label)
        .bind(reason)
        .bind(head.id)
        .execute(&mut *c)
        .await?;
    });
    let entity = head.id.to_string();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "yearly_report.reopen",
            entity_type: "yearly_report",
            entity_id: &entity,
            embete: Some(embete),
            before: Some(json!({ "stage": "submitted", "version": submitted.version })),
            after: Some(json!({ "stage": "drafting", "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
