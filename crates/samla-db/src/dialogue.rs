//! Dialogue cycles, the dialogues in them, their steps, and coverage: for a date,
//! every unit valid then with the furthest stage of its latest dialogue.
//!
//! Changing a dialogue takes an `EmbeteWork` proof for the dialogue's own embete and
//! the version the user saw; a stale version is an `edit_conflict`, never a silent
//! overwrite. Every step is dated, recorded in the workflow kernel's `workflow_step` and audited.

use crate::audit::{self, Change, Who};
use crate::{Db, StoreResult, now, on, regions, workflow};
use samla_domain::access::{EmbeteWork, PublicView};
use samla_domain::coverage::CoverageRow;
pub use samla_domain::coverage::{Coverage, CoverageUnit};
use samla_domain::dates::iso;
pub use samla_domain::dialogue::Unit;
use samla_domain::dialogue::{Stage, UnitKind, check_cycle, step};
use samla_domain::publication::{self, Publishable};
use samla_domain::regions::{MunicipalityChange, OSLO};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::BTreeSet;
use time::Date;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cycle {
    pub id: i64,
    pub embete: String,
    pub name: String,
    #[schema(format = Date)]
    pub starts_on: String,
    #[schema(format = Date)]
    pub ends_on: String,
}

impl Publishable for Cycle {
    fn public_texts(&self) -> Vec<(String, &str)> {
        vec![("name".to_owned(), self.name.as_str())]
    }

    fn not_text() -> &'static [&'static str] {
        &["embete", "starts_on", "ends_on"]
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dialogue {
    pub id: i64,
    pub cycle_id: i64,
    pub unit_kind: UnitKind,
    pub unit_number: String,
    pub unit_name: String,
    pub stage: Stage,
    #[schema(format = Date)]
    pub stage_date: String,
    /// Send it back with the next step; a newer one on the server means someone else
    /// moved the dialogue (409 edit_conflict).
    pub version: i64,
    /// The report version the public sees: set when the report is published, kept
    /// while it is reopened for correction, cleared when it is withdrawn.
    pub public_version: Option<i64>,
}

impl Dialogue {
    /// Whether the public sees a published report of this dialogue.
    pub fn is_public(&self) -> bool {
        self.public_version.is_some()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepRecord {
    pub id: i64,
    pub stage: Stage,
    #[schema(format = Date)]
    pub step_date: String,
    pub actor: String,
    /// When it was recorded (epoch seconds).
    pub at: i64,
    /// Set when the step was undone: when, by whom and why. It stays in the history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undone: Option<Undone>,
    /// Set when the step's date was corrected: from what, when, by whom and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Corrected>,
}

/// How a step's date was corrected.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Corrected {
    /// The date first recorded.
    #[schema(format = Date)]
    pub from: String,
    pub at: i64,
    pub by: String,
    pub reason: String,
}

/// How a step was undone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Undone {
    pub at: i64,
    pub by: String,
    pub reason: String,
}

/// A cycle with how far its dialogues have come.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CycleSummary {
    pub cycle: Cycle,
    pub dialogues: usize,
    pub published: usize,
}

fn cycle_from<R: Row>(r: &R) -> Result<Cycle, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Cycle {
        id: r.try_get("id")?,
        embete: r.try_get("embete")?,
        name: r.try_get("name")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
    })
}

fn dialogue_from<R: Row>(r: &R) -> Result<Dialogue, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = r.try_get("unit_kind")?;
    let stage: String = r.try_get("stage")?;
    Ok(Dialogue {
        id: r.try_get("id")?,
        cycle_id: r.try_get("cycle_id")?,
        unit_kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Municipality),
        unit_number: r.try_get("unit_number")?,
        unit_name: r.try_get("unit_name")?,
        stage: Stage::parse(&stage).unwrap_or(Stage::Planned),
        stage_date: r.try_get("stage_date")?,
        version: r.try_get("version")?,
        public_version: r.try_get("public_version")?,
    })
}

const CYCLE_COLUMNS: &str = "id, embete, name, starts_on, ends_on";
/// A dialogue's columns, joined with its cycle as `d`.
const DIALOGUE_COLUMNS_D: &str = "d.id, d.cycle_id, d.unit_kind, d.unit_number, d.unit_name, d.stage, d.stage_date, d.version, d.public_version";

/// Creates a cycle for the proof's embete.
pub async fn create_cycle(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    name: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<Cycle, Result<Vec<DomainError>, crate::StoreError>> {
    let (name, start, end) = check_cycle(name, starts_on, ends_on).map_err(Ok)?;
    let result: StoreResult<Cycle> = async {
        let mut tx = db.begin().await?;
        let cycle = on!(tx.conn(), |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO cycle (embete, name, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {CYCLE_COLUMNS}"
            )))
            .bind(proof.embete())
            .bind(&name)
            .bind(iso(start))
            .bind(iso(end))
            .bind(now())
            .fetch_one(&mut *c)
            .await;
            // One name per cycle in an embete: a second submit of the same form lands here.
            match row {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(DomainError::field(ErrorCode::DuplicateName, "name").into());
                }
                row => cycle_from(&row?)?,
            }
        });
        audit::record(&mut tx, who, Change {
            action: "cycle.create",
            entity_type: "cycle",
            entity_id: &cycle.id.to_string(),
            embete: Some(proof.embete()),
            before: None,
            after: Some(serde_json::to_value(&cycle).unwrap_or_default()),
        })
        .await?;
        tx.commit().await?;
        Ok(cycle)
    }
    .await;
    result.map_err(|e| match e {
        crate::StoreError::Domain(d) if d.code == ErrorCode::DuplicateName => Ok(vec![d]),
        e => Err(e),
    })
}

/// One cycle by id, any embete's: for the store's own checks only.
pub(crate) async fn cycle_any(db: &Db, id: i64) -> Result<Option<Cycle>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CYCLE_COLUMNS} FROM cycle WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| cycle_from(&r))
        .transpose()
    })
}

/// One of the embete's own cycles; another embete's is not found.
pub async fn cycle(db: &Db, proof: &EmbeteWork, id: i64) -> StoreResult<Cycle> {
    let mut conn = db.acquire().await?;
    let found = on!(conn.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CYCLE_COLUMNS} FROM cycle WHERE id = $1 AND embete = $2"
        )))
        .bind(id)
        .bind(proof.embete())
        .fetch_optional(&mut *c)
        .await?
        .map(|r| cycle_from(&r))
        .transpose()?
    });
    Ok(found.ok_or(ErrorCode::NotFound)?)
}

/// An embete's cycles, newest first, with counts.
pub async fn cycles(db: &Db, proof: &EmbeteWork) -> Result<Vec<CycleSummary>, sqlx::Error> {
    Ok(cycles_window(db, proof, 0, i64::MAX).await?.0)
}

/// `limit` of an embete's cycles from `offset` on, newest first, with counts, and how
/// many cycles the embete has in all: one page of the list, read as one.
pub async fn cycles_window(
    db: &Db,
    proof: &EmbeteWork,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CycleSummary>, usize), sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        // The whole count comes with the page (a window over the grouped rows); only a
        // page past the end needs it asked for apart.
        let rows = sqlx::query(
            "SELECT c.id, c.embete, c.name, c.starts_on, c.ends_on, COUNT(*) OVER () AS total, \
                    COUNT(d.id) AS dialogues, \
                    SUM(CASE WHEN d.public_version IS NOT NULL THEN 1 ELSE 0 END) AS published \
             FROM cycle c LEFT JOIN dialogue d ON d.cycle_id = c.id \
             WHERE c.embete = $1 GROUP BY c.id, c.embete, c.name, c.starts_on, c.ends_on \
             ORDER BY c.starts_on DESC, c.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(proof.embete())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await?;
        let cycles = rows
            .iter()
            .map(|r| {
                Ok(CycleSummary {
                    cycle: cycle_from(r)?,
                    dialogues: r.try_get::<i64, _>("dialogues")? as usize,
                    published: r.try_get::<Option<i64>, _>("published")?.unwrap_or(0) as usize,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let total: i64 = match rows.first() {
            Some(r) => r.try_get("total")?,
            None => {
                sqlx::query_scalar("SELECT COUNT(*) FROM cycle WHERE embete = $1")
                    .bind(proof.embete())
                    .fetch_one(&mut *c)
                    .await?
            }
        };
        Ok((cycles, total as usize))
    })
}

/// An embete's cycles as (id, name), newest first, for filters: with the embete's proof
/// every cycle, without it (the public) only cycles with a published dialogue.
pub async fn cycle_names(
    db: &Db,
    embete: &str,
    proof: Option<&EmbeteWork>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let all = proof.is_some_and(|p| p.embete() == embete);
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT id, name FROM cycle WHERE embete = $1 \
             AND ($2 OR EXISTS (SELECT 1 FROM dialogue d WHERE d.cycle_id = cycle.id AND d.public_version IS NOT NULL)) \
             ORDER BY starts_on DESC, id DESC",
        )
        .bind(embete)
        .bind(all)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    })
}

/// The dialogues of one of the embete's cycles, by unit name.
pub async fn dialogues_in(
    db: &Db,
    proof: &EmbeteWork,
    cycle_id: i64,
) -> Result<Vec<Dialogue>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DIALOGUE_COLUMNS_D} FROM dialogue d JOIN cycle c ON c.id = d.cycle_id \
             WHERE d.cycle_id = $1 AND c.embete = $2 ORDER BY d.unit_name"
        )))
        .bind(cycle_id)
        .bind(proof.embete())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(dialogue_from)
        .collect()
    })
}

/// One of the embete's own dialogues with its cycle; another embete's is not found.
pub async fn dialogue(db: &Db, proof: &EmbeteWork, id: i64) -> StoreResult<(Dialogue, Cycle)> {
    Ok(dialogue_where(db, id, Some(proof.embete()), false)
        .await?
        .ok_or(ErrorCode::NotFound)?)
}

/// A dialogue the public may know of: one with a published report, or one whose report
/// was withdrawn (its page says when and why).
pub async fn public_dialogue(
    db: &Db,
    _: PublicView,
    id: i64,
) -> Result<Option<(Dialogue, Cycle)>, sqlx::Error> {
    dialogue_where(db, id, None, true).await
}

async fn dialogue_where(
    db: &Db,
    id: i64,
    embete: Option<&str>,
    public: bool,
) -> Result<Option<(Dialogue, Cycle)>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let found = on!(conn.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DIALOGUE_COLUMNS_D} FROM dialogue d JOIN cycle c ON c.id = d.cycle_id \
             WHERE d.id = $1 AND ($2 IS NULL OR c.embete = $2) \
             AND (NOT $3 OR d.public_version IS NOT NULL OR d.stage = 'withdrawn')"
        )))
        .bind(id)
        .bind(embete)
        .bind(public)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| dialogue_from(&r))
        .transpose()?
    });
    drop(conn);
    match found {
        Some(d) => Ok(cycle_any(db, d.cycle_id).await?.map(|c| (d, c))),
        None => Ok(None),
    }
}

/// One of the embete's dialogues' steps, oldest first, undone ones included.
pub async fn steps(
    db: &Db,
    proof: &EmbeteWork,
    dialogue_id: i64,
) -> Result<Vec<StepRecord>, sqlx::Error> {
    steps_where(db, dialogue_id, Some(proof.embete()), false).await
}

/// The steps that stand of a dialogue the public may know of, oldest first.
pub async fn public_steps(
    db: &Db,
    _: PublicView,
    dialogue_id: i64,
) -> Result<Vec<StepRecord>, sqlx::Error> {
    steps_where(db, dialogue_id, None, true).await
}

async fn steps_where(
    db: &Db,
    dialogue_id: i64,
    embete: Option<&str>,
    public: bool,
) -> Result<Vec<StepRecord>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT s.id, s.stage, s.step_date, s.actor, s.at, s.undone_at, s.undone_by, s.undo_reason, \
                    s.original_date, s.corrected_at, s.corrected_by, s.correction_reason FROM workflow_step s \
             JOIN dialogue d ON d.id = s.item_id AND s.item_kind = 'dialogue' JOIN cycle c ON c.id = d.cycle_id \
             WHERE s.item_id = $1 AND ($2 IS NULL OR c.embete = $2) \
             AND (NOT $3 OR ((d.public_version IS NOT NULL OR d.stage = 'withdrawn') AND s.undone_at IS NULL)) \
             ORDER BY s.at, s.id",
        )
        .bind(dialogue_id)
        .bind(embete)
        .bind(public)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let stage: String = r.try_get("stage")?;
            let undone_at: Option<i64> = r.try_get("undone_at")?;
            Ok(StepRecord {
                id: r.try_get("id")?,
                stage: Stage::parse(&stage).unwrap_or(Stage::Planned),
                step_date: r.try_get("step_date")?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
                undone: match undone_at {
                    Some(at) => Some(Undone {
                        at,
                        by: r.try_get::<Option<String>, _>("undone_by")?.unwrap_or_default(),
                        reason: r
                            .try_get::<Option<String>, _>("undo_reason")?
                            .unwrap_or_default(),
                    }),
                    None => None,
                },
                corrected: match r.try_get::<Option<i64>, _>("corrected_at")? {
                    Some(at) => Some(Corrected {
                        from: r.try_get::<Option<String>, _>("original_date")?.unwrap_or_default(),
                        at,
                        by: r.try_get::<Option<String>, _>("corrected_by")?.unwrap_or_default(),
                        reason: r
                            .try_get::<Option<String>, _>("correction_reason")?
                            .unwrap_or_default(),
                    }),
                    None => None,
                },
            })
        })
        .collect()
    })
}

/// The units of an embete valid on a date (all embeter when `embete` is None):
/// its municipalities, with Oslo counted by its districts.
pub async fn units_on(db: &Db, embete: Option<&str>, date: Date) -> Result<Vec<Unit>, sqlx::Error> {
    let municipalities = regions::municipalities_on(db, date, embete).await?;
    let mut units: Vec<Unit> = municipalities
        .iter()
        .filter(|m| m.number != OSLO)
        .map(|m| Unit {
            kind: UnitKind::Municipality,
            number: m.number.clone(),
            name: m.name.clone(),
        })
        .collect();
    if municipalities.iter().any(|m| m.number == OSLO) {
        units.extend(
            regions::districts_on(db, date)
                .await?
                .into_iter()
                .map(|d| Unit {
                    kind: UnitKind::District,
                    number: d.number,
                    name: format!("Bydel {}", d.name),
                }),
        );
    }
    Ok(units)
}

/// The unit "number" that adds every unit of the cycle's area.
pub const ALL_UNITS: &str = "all";

/// Adds dialogues with units of the cycle's area (valid on its first day); units that
/// already have one in the cycle are left as they are. Each starts as planned on
/// `planned_on`. Returns how many were added.
pub async fn add_dialogues(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    cycle: &Cycle,
    numbers: &[String],
    planned_on: Date,
) -> StoreResult<usize> {
    if cycle.embete != proof.embete() {
        return Err(DomainError::new(ErrorCode::Forbidden).into());
    }
    // A past planning date lets work already under way be entered with its real dates;
    // a date to come would be a plan recorded as done.
    if planned_on > samla_domain::dates::today() {
        return Err(DomainError::field(ErrorCode::DateInFuture, "planned_on").into());
    }
    let start = samla_domain::dates::parse_date(&cycle.starts_on, "starts_on")?;
    let area = units_on(db, Some(&cycle.embete), start).await?;
    // "all" stands for every unit of the area: the goal is a dialogue with each of them.
    let everyone = numbers.iter().any(|n| n == ALL_UNITS);
    let chosen: Vec<&Unit> = area
        .iter()
        .filter(|u| everyone || numbers.contains(&u.number))
        .collect();
    // Every number given must be one of the area's units, "all" or not.
    let unknown = numbers
        .iter()
        .any(|n| n != ALL_UNITS && !area.iter().any(|u| &u.number == n));
    if chosen.is_empty() || unknown {
        return Err(DomainError::field(ErrorCode::UnknownUnit, "units").into());
    }
    let existing: BTreeSet<String> = dialogues_in(db, proof, cycle.id)
        .await?
        .into_iter()
        .map(|d| d.unit_number)
        .collect();
    let mut tx = db.begin().await?;
    let mut added = 0;
    for unit in chosen.into_iter().filter(|u| !existing.contains(&u.number)) {
        let id: i64 = on!(tx.conn(), |c| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dialogue (cycle_id, unit_kind, unit_number, unit_name, stage, stage_date, version, created_at) \
                 VALUES ($1, $2, $3, $4, 'planned', $5, 1, $6) RETURNING id",
            )
            .bind(cycle.id)
            .bind(unit.kind.as_str())
            .bind(&unit.number)
            .bind(&unit.name)
            .bind(iso(planned_on))
            .bind(now())
            .fetch_one(&mut *c)
            .await?;
            id
        });
        let date = iso(planned_on);
        workflow::record(
            tx.conn(),
            workflow::DIALOGUE,
            id,
            "planned",
            &date,
            &who.label,
            None,
        )
        .await?;
        audit::record(&mut tx, who, Change {
            action: "dialogue.create",
            entity_type: "dialogue",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: None,
            after: Some(json!({ "cycle": cycle.id, "unit": unit.number, "name": unit.name, "stage": "planned", "date": iso(planned_on) })),
        })
        .await?;
        added += 1;
    }
    tx.commit().await?;
    Ok(added)
}

/// Moves a dialogue one step, dated `date`, if the step is allowed now and nobody else
/// changed the dialogue since `seen_version`. The report's own steps are refused here:
/// they go through [`crate::report::report_step`], which checks the report.
pub async fn take_step(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    id: i64,
    to: Stage,
    date: Date,
    seen_version: i64,
) -> StoreResult<Dialogue> {
    if to.needs_report() {
        let (before, _) = dialogue(db, proof, id).await?;
        step(before.stage, to)?;
        return Err(DomainError::field(ErrorCode::ReportRequired, "stage").into());
    }
    apply_step(db, proof, who, id, to, date, seen_version, None, None).await
}

/// The report version a step is taken on (approval, publication): checked once more
/// with the dialogue held, and named in the step with its hash.
pub(crate) struct ReportPin {
    pub version: i64,
    pub hash: String,
    /// Set when the step publishes this version.
    pub publication: Option<crate::documents::Publication>,
}

/// Takes a step after its preconditions are checked; `extra` is written to the audit
/// log with it (the report step's confirmations).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_step(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    id: i64,
    to: Stage,
    date: Date,
    seen_version: i64,
    report: Option<ReportPin>,
    extra: Option<serde_json::Value>,
) -> StoreResult<Dialogue> {
    let (before, _) = dialogue(db, proof, id).await?;
    if before.version != seen_version {
        return Err(DomainError::new(ErrorCode::EditConflict).into());
    }
    step(before.stage, to)?;
    let date_s = iso(date);
    // A dialogue planned today may record an invitation sent earlier, so the planned
    // date does not bound the next step; every later step does.
    if date_s < before.stage_date && before.stage != Stage::Planned {
        return Err(DomainError::field(ErrorCode::DateBeforePreviousStep, "date").into());
    }
    if date > samla_domain::dates::today() {
        return Err(DomainError::field(ErrorCode::DateInFuture, "date").into());
    }
    let mut tx = db.begin().await?;
    let changed = on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE dialogue SET stage = $1, stage_date = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(to.as_str())
        .bind(&date_s)
        .bind(id)
        .bind(seen_version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if changed != 1 {
        return Err(DomainError::new(ErrorCode::EditConflict).into());
    }
    workflow::record(
        tx.conn(),
        workflow::DIALOGUE,
        id,
        to.as_str(),
        &date_s,
        &who.label,
        None,
    )
    .await?;
    // The row is ours now: a report saved since the caller checked it is a conflict
    // (the step is rolled back when `tx` drops).
    if let Some(pin) = &report {
        if report_version_in(&mut tx, id).await? != pin.version {
            return Err(DomainError::field(ErrorCode::EditConflict, "report_version").into());
        }
        workflow::pin_last(tx.conn(), workflow::DIALOGUE, id, pin.version, &pin.hash).await?;
        on!(tx.conn(), |c| {
            if pin.publication.is_some() {
                sqlx::query("UPDATE dialogue SET public_version = $1 WHERE id = $2")
                    .bind(pin.version)
                    .bind(id)
                    .execute(&mut *c)
                    .await?;
            }
        });
        if let Some(publication) = &pin.publication {
            crate::documents::publish(tx.conn(), &crate::report::document_key(id), publication)
                .await?;
        }
    }
    let mut after = json!({ "stage": to, "stage_date": date_s });
    if let (Some(pin), Some(obj)) = (&report, after.as_object_mut()) {
        obj.insert("report_version".into(), json!(pin.version));
        obj.insert("report_sha256".into(), json!(pin.hash));
    }
    if let (Some(extra), Some(obj)) = (extra, after.as_object_mut()) {
        obj.insert("confirmed".into(), extra);
    }
    audit::record(
        &mut tx,
        who,
        Change {
            action: "dialogue.step",
            entity_type: "dialogue",
            entity_id: &id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "stage": before.stage, "stage_date": before.stage_date })),
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dialogue(db, proof, id).await?.0)
}

/// Takes the dialogue's row for the rest of the transaction, if its stage is one of
/// `stages`, and says whether it did. Everything that changes a dialogue's report or
/// meetings, and every step, starts with this, so a save and an approval of the same
/// dialogue never interleave: on PostgreSQL the second waits for the row, on SQLite
/// for the write lock, and each then sees what the other committed. (A write as the
/// first statement also keeps SQLite from starting on a snapshot it cannot upgrade.)
pub(crate) async fn lock_at(
    tx: &mut crate::Tx,
    id: i64,
    stages: impl Fn(Stage) -> bool,
) -> Result<bool, sqlx::Error> {
    let allowed: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|s| stages(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    if allowed.is_empty() {
        return Ok(false);
    }
    // The stage names are the fixed identifiers of `Stage`, never input.
    let sql = format!(
        "UPDATE dialogue SET version = version WHERE id = $1 AND stage IN ({})",
        allowed.join(", ")
    );
    let n = on!(tx.conn(), |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

/// The saved report's version (0 when none), read inside a transaction.
pub(crate) async fn report_version_in(tx: &mut crate::Tx, id: i64) -> Result<i64, sqlx::Error> {
    let v: Option<i64> = on!(tx.conn(), |c| {
        sqlx::query_scalar("SELECT version FROM report WHERE dialogue_id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(v.unwrap_or(0))
}

/// Every unit valid on `date` (one embete's, or the whole country), with the furthest
/// stage of its latest dialogue that started by then, optionally only in one cycle.
/// Dialogues with a unit's predecessors count for it (Hurdal 0239 in 2019 → 3037).
pub async fn coverage(
    db: &Db,
    embete: Option<&str>,
    date: Date,
    cycle: Option<i64>,
) -> Result<Coverage, sqlx::Error> {
    let changes = regions::all_changes(db).await?;
    coverage_with(db, embete, date, cycle, &changes).await
}

/// [`coverage`], with the change table already read (the map needs it too).
pub async fn coverage_with(
    db: &Db,
    embete: Option<&str>,
    date: Date,
    cycle: Option<i64>,
    changes: &[MunicipalityChange],
) -> Result<Coverage, sqlx::Error> {
    let units = units_on(db, embete, date).await?;
    let d = iso(date);
    let mut conn = db.acquire().await?;
    // (unit number) → (cycle start, stage, stage date, dialogue id) of its latest dialogue
    let rows: Vec<(String, String, String, String, i64, Option<i64>)> = on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT d.unit_number, c.starts_on, d.stage, d.stage_date, d.id, d.public_version FROM dialogue d JOIN cycle c ON c.id = d.cycle_id \
             WHERE c.starts_on <= $1 AND ($2 IS NULL OR c.embete = $2) AND ($3 IS NULL OR c.id = $3)",
        )
        .bind(&d)
        .bind(embete)
        .bind(cycle)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)))
        .collect::<Result<Vec<_>, _>>()?
    });
    let rows: Vec<CoverageRow> = rows
        .into_iter()
        .map(
            |(unit_number, cycle_start, stage, stage_date, dialogue_id, public_version)| {
                CoverageRow {
                    unit_number,
                    cycle_start,
                    stage: Stage::parse(&stage).unwrap_or(Stage::Planned),
                    stage_date,
                    dialogue_id,
                    public: public_version.is_some(),
                }
            },
        )
        .collect();
    Ok(samla_domain::coverage::summarise(units, &rows, changes))
}

/// A generated dialogue for the demo world: its cycle and its steps in order.
#[derive(Debug, Clone)]
pub struct SeedDialogue {
    pub unit: Unit,
    pub steps: Vec<(Stage, String)>,
    /// The report, for dialogues that have come that far.
    pub report: Option<crate::report::Report>,
    /// The meetings held, for dialogues that have come that far.
    pub meetings: Vec<(samla_domain::report::MeetingKind, crate::report::Meeting)>,
}

/// A generated cycle for the demo world.
#[derive(Debug, Clone)]
pub struct SeedCycle {
    pub embete: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub dialogues: Vec<SeedDialogue>,
}

/// Writes generated history in one transaction, with one audit row. Only for the demo:
/// it takes no proof and runs no checks, since the generator builds valid histories.
#[doc(hidden)]
pub async fn seed(
    db: &Db,
    _authority: &samla_domain::access::SystemAuthority,
    who: &Who,
    cycles: &[SeedCycle],
) -> StoreResult<usize> {
    let mut tx = db.begin().await?;
    let mut count = 0;
    for cy in cycles {
        let cycle_id: i64 = on!(tx.conn(), |c| {
            sqlx::query_scalar(
                "INSERT INTO cycle (embete, name, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&cy.embete)
            .bind(&cy.name)
            .bind(&cy.starts_on)
            .bind(&cy.ends_on)
            .bind(now())
            .fetch_one(&mut *c)
            .await?
        });
        for d in &cy.dialogues {
            let Some((last_stage, last_date)) = d.steps.last() else {
                continue;
            };
            // What the public reads of a published dialogue is its report's version.
            if *last_stage == Stage::Published && d.report.is_none() {
                return Err(DomainError::field(ErrorCode::ReportRequired, "report").into());
            }
            let id: i64 = on!(tx.conn(), |c| {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO dialogue (cycle_id, unit_kind, unit_number, unit_name, stage, stage_date, version, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(cycle_id)
                .bind(d.unit.kind.as_str())
                .bind(&d.unit.number)
                .bind(&d.unit.name)
                .bind(last_stage.as_str())
                .bind(last_date)
                .bind(d.steps.len() as i64)
                .bind(now())
                .fetch_one(&mut *c)
                .await?;
                if let Some(r) = &d.report {
                    sqlx::query(
                        "INSERT INTO report (dialogue_id, language, facts, leaders_said, youth_said, advice, child_summary, version, updated_at, updated_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)",
                    )
                    .bind(id)
                    .bind(&r.language)
                    .bind(&r.facts)
                    .bind(&r.leaders_said)
                    .bind(&r.youth_said)
                    .bind(&r.advice)
                    .bind(&r.child_summary)
                    .bind(now())
                    .bind(&who.label)
                    .execute(&mut *c)
                    .await?;
                }
                id
            });
            for (stage, date) in &d.steps {
                workflow::record(
                    tx.conn(),
                    workflow::DIALOGUE,
                    id,
                    stage.as_str(),
                    date,
                    &who.label,
                    None,
                )
                .await?;
            }
            if let Some(r) = &d.report {
                let published_on = (*last_stage == Stage::Published).then_some(last_date.as_str());
                crate::report::seed_rows(&mut tx, id, r.clone(), published_on, &who.label).await?;
            }
            for (kind, meeting) in &d.meetings {
                crate::report::replace_meeting(tx.conn(), id, *kind, meeting).await?;
            }
            count += 1;
        }
    }
    audit::record(
        &mut tx,
        who,
        Change {
            action: "demo.seed_dialogues",
            entity_type: "dialogue",
            entity_id: "demo",
            embete: None,
            before: None,
            after: Some(json!({ "cycles": cycles.len(), "dialogues": count })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// Whether any cycle exists (the demo seeds an empty database only).
pub async fn any_cycles(db: &Db) -> Result<bool, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cycle")
            .fetch_one(&mut *c)
            .await?;
        Ok(n > 0)
    })
}

/// A published report, as public lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Published {
    pub id: i64,
    pub embete: String,
    pub cycle_id: i64,
    pub cycle: String,
    pub unit_number: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    #[schema(format = Date)]
    pub published_on: String,
    #[schema(schema_with = samla_domain::schema::report_language_or_null)]
    pub language: Option<String>,
    pub url: String,
}

impl Publishable for Published {
    fn public_texts(&self) -> Vec<(String, &str)> {
        vec![("cycle".to_owned(), self.cycle.as_str())]
    }

    fn not_text() -> &'static [&'static str] {
        &[
            "embete",
            "unit_number",
            "unit_name",
            "unit_kind",
            "published_on",
            "language",
            "url",
        ]
    }
}

/// Which published reports to list: all, or one embete's, one cycle's, those of any of
/// `units` (a unit and its predecessors and successors), those with a finding tagged
/// with a CRC article or a Sjumilssteget step.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub embete: Option<String>,
    pub cycle: Option<i64>,
    pub units: Option<Vec<String>>,
    pub crc_article: Option<i64>,
    pub step: Option<i64>,
}

/// Whether a report (as published) has a finding tagged with the filter's article and
/// one tagged with its step, as the tag tables answer for a report that is not reopened.
fn matches_tags(report: &crate::report::Report, filter: &ReportFilter) -> bool {
    let tagged = |asked: Option<i64>, tags: fn(&crate::report::Finding) -> Vec<u32>| {
        asked.is_none_or(|n| {
            report
                .findings
                .iter()
                .any(|f| tags(f).iter().any(|t| i64::from(*t) == n))
        })
    };
    tagged(filter.crc_article, |f| {
        samla_domain::report::crc_articles(&f.crc_articles, "crc_articles").unwrap_or_default()
    }) && tagged(filter.step, |f| {
        samla_domain::report::steps(&f.steps, "steps").unwrap_or_default()
    })
}

/// What a dialogue's public page is made from changes only with the dialogue's row (a
/// step: publication, withdrawal, reopening) or a new publication of its report: the two
/// together say whether a page rendered before is still the page. `None` when the
/// dialogue has never been public. One indexed read.
pub async fn public_marker(
    db: &Db,
    _: PublicView,
    id: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let row = sqlx::query(
            "SELECT d.version, COALESCE((SELECT MAX(p.id) FROM document_publication p \
             WHERE p.document = 'report:' || CAST(d.id AS TEXT)), 0) AS publication \
             FROM dialogue d WHERE d.id = $1 AND d.public_version IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
        match row {
            Some(r) => Ok(Some((r.try_get("version")?, r.try_get("publication")?))),
            None => Ok(None),
        }
    })
}

/// A marker that changes whenever any dialogue is added, removed or changed (every
/// change bumps its row's version): what coverage is computed from, in one read.
pub async fn dialogues_marker(db: &Db) -> Result<(i64, i64, i64), sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(version), 0) AS BIGINT) AS versions, COALESCE(MAX(id), 0) AS last FROM dialogue",
        )
        .fetch_one(&mut *c)
        .await?;
        Ok((r.try_get("n")?, r.try_get("versions")?, r.try_get("last")?))
    })
}

/// Published reports, newest first, as the filter asks.
pub async fn published(
    db: &Db,
    _: PublicView,
    filter: &ReportFilter,
) -> Result<Vec<Published>, sqlx::Error> {
    let embete = filter.embete.as_deref();
    let cycle = filter.cycle;
    let units = filter.units.as_deref();
    let mut conn = db.acquire().await?;
    // A report reopened for correction is listed as it was published: the draft's
    // language and tags are not public yet, so it passes the tag filters here and is
    // checked against its published version below.
    let all: Vec<(Published, Option<i64>)> = on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT d.id, c.embete, c.id AS cycle_id, c.name AS cycle, d.unit_number, d.unit_name, d.unit_kind, \
                    p.published_on AS stage_date, r.language, \
                    CASE WHEN d.stage = 'published' THEN NULL ELSE d.public_version END AS corrected_from \
             FROM dialogue d JOIN cycle c ON c.id = d.cycle_id LEFT JOIN report r ON r.dialogue_id = d.id \
             JOIN document_publication p ON p.id = (SELECT MAX(l.id) FROM document_publication l WHERE l.document = 'report:' || CAST(d.id AS TEXT)) \
             WHERE d.public_version IS NOT NULL AND ($1 IS NULL OR c.embete = $1) AND ($2 IS NULL OR c.id = $2) \
             AND ($3 IS NULL OR d.stage <> 'published' OR EXISTS (SELECT 1 FROM finding f JOIN finding_article fa ON fa.finding_id = f.id \
                  WHERE f.dialogue_id = d.id AND fa.article = $3)) \
             AND ($4 IS NULL OR d.stage <> 'published' OR EXISTS (SELECT 1 FROM finding f JOIN finding_step fs ON fs.finding_id = f.id \
                  WHERE f.dialogue_id = d.id AND fs.framework_id = $5 AND fs.step = $4)) \
             ORDER BY p.published_on DESC, d.unit_name",
        )
        .bind(embete)
        .bind(cycle)
        .bind(filter.crc_article)
        .bind(filter.step)
        .bind(crate::tags::NATIONAL_FRAMEWORK)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let kind: String = r.try_get("unit_kind")?;
            let published = Published {
                id,
                embete: r.try_get("embete")?,
                cycle_id: r.try_get("cycle_id")?,
                cycle: r.try_get("cycle")?,
                unit_number: r.try_get("unit_number")?,
                unit_name: r.try_get("unit_name")?,
                unit_kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Municipality),
                published_on: r.try_get("stage_date")?,
                language: r.try_get("language")?,
                url: format!("/dialogues/{id}"),
            };
            Ok((published, r.try_get("corrected_from")?))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    });
    drop(conn);
    let mut listed = Vec::with_capacity(all.len());
    for (mut published, corrected_from) in all {
        if let Some(version) = corrected_from {
            let Some(public) = crate::report::stored_version(db, published.id, version).await?
            else {
                continue;
            };
            if !matches_tags(&public, filter) {
                continue;
            }
            published.language = Some(public.language);
        }
        listed.push(published);
    }
    Ok(listed
        .into_iter()
        .filter(|p| units.is_none_or(|numbers| numbers.contains(&p.unit_number)))
        .filter(|p| {
            // The gate again on the way out (lists, CSV, JSON).
            let clean = publication::is_clean(&[p]);
            if !clean {
                tracing::error!(
                    dialogue = p.id,
                    "published report withheld from lists: it fails the publication gate"
                );
            }
            clean
        })
        .collect())
}
