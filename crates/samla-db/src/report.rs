//! A dialogue's meetings and report, and the report's own steps (drafted, approved,
//! published), which check its content first.
//!
//! Saving a report takes the version the editor started from; if someone else saved
//! in between, nothing is written and the caller gets the saved report back, so the
//! page can keep the editor's text and show what changed.

use crate::audit::{self, Change, Who};
use crate::dialogue::{self, Cycle, Dialogue, ReportPin, apply_step};
use crate::documents;
use crate::{Conn, Db, StoreError, StoreResult, now, on, workflow};
use samla_domain::access::{ApproveReports, EmbeteWork, PublicView};
use samla_domain::dialogue::Stage;
use samla_domain::document::{self, Clash};
use samla_domain::publication;
use samla_domain::report::{
    MeetingKind, check_approvable, check_meeting, check_report, field_name, merge_reports,
};
// The report's types and rules are the domain's; they are named here too because the
// store reads and writes them.
pub use samla_domain::report::{Finding, FollowUp, Meeting, MeetingInput, Report, section_part};
use samla_domain::{DomainError, ErrorCode};
use serde_json::json;
use sqlx::Row;
use time::Date;

/// Why a report could not be saved.
#[derive(Debug)]
pub enum SaveError {
    Invalid(Vec<DomainError>),
    /// Someone else saved first and changed what this editor changed too.
    Conflict(Box<Conflict>),
    Store(StoreError),
}

impl<E: Into<StoreError>> From<E> for SaveError {
    fn from(e: E) -> Self {
        SaveError::Store(e.into())
    }
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn own_dialogue(db: &Db, proof: &EmbeteWork, id: i64) -> StoreResult<(Dialogue, Cycle)> {
    dialogue::dialogue(db, proof, id).await
}

/// One of the embete's dialogues' meetings, if recorded.
pub async fn meeting(
    db: &Db,
    proof: &EmbeteWork,
    dialogue_id: i64,
    kind: MeetingKind,
) -> StoreResult<Option<Meeting>> {
    own_dialogue(db, proof, dialogue_id).await?;
    Ok(meeting_any(db, dialogue_id, kind).await?)
}

/// A meeting of a dialogue whose report is published (its page shows the children's
/// meeting's count and age bands).
pub async fn public_meeting(
    db: &Db,
    view: PublicView,
    dialogue_id: i64,
    kind: MeetingKind,
) -> Result<Option<Meeting>, sqlx::Error> {
    match dialogue::public_dialogue(db, view, dialogue_id).await? {
        Some((d, _)) if d.is_public() => meeting_any(db, dialogue_id, kind).await,
        _ => Ok(None),
    }
}

async fn meeting_any(
    db: &Db,
    dialogue_id: i64,
    kind: MeetingKind,
) -> Result<Option<Meeting>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT held_on, place, services, roles, notes, youth_group, participants, age_bands FROM meeting \
             WHERE dialogue_id = $1 AND kind = $2",
        )
        .bind(dialogue_id)
        .bind(kind.as_str())
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok(Meeting {
                held_on: r.try_get("held_on")?,
                place: r.try_get("place")?,
                services: list(&r.try_get::<String, _>("services")?),
                roles: r.try_get("roles")?,
                notes: r.try_get("notes")?,
                youth_group: r.try_get("youth_group")?,
                participants: r.try_get("participants")?,
                age_bands: list(&r.try_get::<Option<String>, _>("age_bands")?.unwrap_or_default()),
            })
        })
        .transpose()
    })
}

/// Records (or corrects) a meeting. Every field error is returned at once.
pub async fn save_meeting(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    dialogue_id: i64,
    kind: MeetingKind,
    input: &MeetingInput,
) -> Result<Meeting, SaveError> {
    // What the approved report says about the meetings is what gets published.
    if own_dialogue(db, proof, dialogue_id)
        .await?
        .0
        .stage
        .report_is_approved()
    {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::MeetingLocked,
        )]));
    }
    let meeting = check_meeting(kind, input).map_err(SaveError::Invalid)?;
    let before = meeting_any(db, dialogue_id, kind).await?;
    let mut tx = db.begin().await?;
    if !dialogue::lock_at(&mut tx, dialogue_id, |s| !s.report_is_approved()).await? {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::MeetingLocked,
        )]));
    }
    replace_meeting(tx.conn(), dialogue_id, kind, &meeting).await?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: "meeting.save",
            entity_type: "dialogue",
            entity_id: &dialogue_id.to_string(),
            embete: Some(proof.embete()),
            before: None,
            after: Some(json!({
                kind.as_str(): audit::draft_change(
                    before.map(|m| serde_json::to_value(m).unwrap_or_default()).as_ref(),
                    &serde_json::to_value(&meeting).unwrap_or_default(),
                )
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(meeting)
}

/// The current draft of one of the embete's dialogues' reports, if one has been saved.
pub async fn report(db: &Db, proof: &EmbeteWork, dialogue_id: i64) -> StoreResult<Option<Report>> {
    own_dialogue(db, proof, dialogue_id).await?;
    Ok(current(db, dialogue_id).await?)
}

/// A report's current draft, any embete's: for the store's own checks only.
pub(crate) async fn current(db: &Db, dialogue_id: i64) -> Result<Option<Report>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let Some(r) = sqlx::query(
            "SELECT language, facts, leaders_said, youth_said, advice, child_summary, version FROM report WHERE dialogue_id = $1",
        )
        .bind(dialogue_id)
        .fetch_optional(&mut *c)
        .await?
        else {
            return Ok(None);
        };
        let findings = sqlx::query("SELECT id, body, crc_articles, steps FROM finding WHERE dialogue_id = $1 ORDER BY position")
            .bind(dialogue_id)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|f| Ok(Finding { id: f.try_get("id")?, body: f.try_get("body")?, crc_articles: String::new(), steps: String::new() }))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut findings = findings;
        let links: Vec<(i64, &str, i64)> = sqlx::query(
            "SELECT fa.finding_id, 'article' AS kind, fa.article AS number FROM finding_article fa \
             JOIN finding f ON f.id = fa.finding_id WHERE f.dialogue_id = $1 \
             UNION ALL SELECT fs.finding_id, 'step' AS kind, fs.step AS number FROM finding_step fs \
             JOIN finding f ON f.id = fs.finding_id WHERE f.dialogue_id = $1 ORDER BY 1, 2, 3",
        )
        .bind(dialogue_id)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok((
                r.try_get("finding_id")?,
                if kind == "article" { "article" } else { "step" },
                r.try_get("number")?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        crate::tags::apply_links(&mut findings, &links);
        let follow_ups = sqlx::query(
            "SELECT id, body, owner, deadline, status FROM follow_up WHERE dialogue_id = $1 ORDER BY position",
        )
        .bind(dialogue_id)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|f| {
            Ok(FollowUp {
                id: f.try_get("id")?,
                body: f.try_get("body")?,
                owner: f.try_get("owner")?,
                deadline: f.try_get("deadline")?,
                status: f.try_get("status")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Some(Report {
            language: r.try_get("language")?,
            facts: r.try_get("facts")?,
            leaders_said: r.try_get("leaders_said")?,
            youth_said: r.try_get("youth_said")?,
            advice: r.try_get("advice")?,
            child_summary: r.try_get("child_summary")?,
            findings,
            follow_ups,
            version: r.try_get("version")?,
        }))
    })
}

/// Replaces a report's findings and follow-up items, in the caller's transaction.
/// Writes a checked meeting in place of the one recorded before, if any.
pub(crate) async fn replace_meeting(
    conn: Conn<'_>,
    dialogue_id: i64,
    kind: MeetingKind,
    meeting: &Meeting,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query("DELETE FROM meeting WHERE dialogue_id = $1 AND kind = $2")
            .bind(dialogue_id)
            .bind(kind.as_str())
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO meeting (dialogue_id, kind, held_on, place, services, roles, notes, youth_group, participants, age_bands) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(dialogue_id)
        .bind(kind.as_str())
        .bind(&meeting.held_on)
        .bind(&meeting.place)
        .bind(meeting.services.join(","))
        .bind(&meeting.roles)
        .bind(&meeting.notes)
        .bind(meeting.youth_group.as_deref())
        .bind(meeting.participants)
        .bind((kind == MeetingKind::Youth).then(|| meeting.age_bands.join(",")))
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Writes a report's findings and follow-up items over the stored ones, in the
/// caller's transaction. A row that comes with the id of one of this report's rows is
/// updated in place, so its id (and the comments and status that hang on a follow-up
/// item) survives the save; new rows get their ids here; rows left out are removed.
pub(crate) async fn replace_rows(
    conn: Conn<'_>,
    dialogue_id: i64,
    report: &mut Report,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        let mut kept = Vec::new();
        for (i, f) in report.findings.iter_mut().enumerate() {
            let updated = f.id > 0
                && sqlx::query(
                    "UPDATE finding SET position = $1, body = $2, crc_articles = $3, steps = $4 WHERE id = $5 AND dialogue_id = $6",
                )
                .bind(i as i64)
                .bind(f.body.trim())
                .bind(&f.crc_articles)
                .bind(&f.steps)
                .bind(f.id)
                .bind(dialogue_id)
                .execute(&mut *c)
                .await?
                .rows_affected()
                    == 1;
            if !updated {
                f.id = sqlx::query_scalar(
                    "INSERT INTO finding (dialogue_id, position, body, crc_articles, steps) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(dialogue_id)
                .bind(i as i64)
                .bind(f.body.trim())
                .bind(&f.crc_articles)
                .bind(&f.steps)
                .fetch_one(&mut *c)
                .await?;
            }
            f.body = f.body.trim().to_owned();
            kept.push(f.id.to_string());
            // The finding's tags, as links to the tables of articles and steps.
            let (articles, steps) = crate::tags::numbers_of(f);
            sqlx::query("DELETE FROM finding_article WHERE finding_id = $1")
                .bind(f.id)
                .execute(&mut *c)
                .await?;
            sqlx::query("DELETE FROM finding_step WHERE finding_id = $1")
                .bind(f.id)
                .execute(&mut *c)
                .await?;
            for article in articles {
                sqlx::query("INSERT INTO finding_article (finding_id, article) VALUES ($1, $2)")
                    .bind(f.id)
                    .bind(article)
                    .execute(&mut *c)
                    .await?;
            }
            for step in steps {
                sqlx::query(
                    "INSERT INTO finding_step (finding_id, framework_id, step) VALUES ($1, $2, $3)",
                )
                .bind(f.id)
                .bind(crate::tags::NATIONAL_FRAMEWORK)
                .bind(step)
                .execute(&mut *c)
                .await?;
            }
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM finding WHERE dialogue_id = $1 AND id NOT IN ({})",
            ids_or_none(&kept)
        )))
        .bind(dialogue_id)
        .execute(&mut *c)
        .await?;
        let mut kept = Vec::new();
        // While the public reads the report, an item's status is the unit's: it marks
        // progress on it, and a correction of the report's text must not undo that.
        let handed_over: bool =
            sqlx::query_scalar("SELECT public_version IS NOT NULL FROM dialogue WHERE id = $1")
                .bind(dialogue_id)
                .fetch_one(&mut *c)
                .await?;
        for (i, f) in report.follow_ups.iter_mut().enumerate() {
            let stored: Option<String> = if f.id > 0 {
                sqlx::query_scalar(
                    "UPDATE follow_up SET position = $1, body = $2, owner = $3, deadline = $4, \
                     status = CASE WHEN $5 THEN status ELSE $6 END \
                     WHERE id = $7 AND dialogue_id = $8 RETURNING status",
                )
                .bind(i as i64)
                .bind(f.body.trim())
                .bind(f.owner.trim())
                .bind(f.deadline.trim())
                .bind(handed_over)
                .bind(&f.status)
                .bind(f.id)
                .bind(dialogue_id)
                .fetch_optional(&mut *c)
                .await?
            } else {
                None
            };
            let updated = stored.is_some();
            if let Some(status) = stored {
                f.status = status;
            }
            if !updated {
                f.id = sqlx::query_scalar(
                    "INSERT INTO follow_up (dialogue_id, position, body, owner, deadline, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(dialogue_id)
                .bind(i as i64)
                .bind(f.body.trim())
                .bind(f.owner.trim())
                .bind(f.deadline.trim())
                .bind(&f.status)
                .fetch_one(&mut *c)
                .await?;
            }
            f.body = f.body.trim().to_owned();
            f.owner = f.owner.trim().to_owned();
            f.deadline = f.deadline.trim().to_owned();
            kept.push(f.id.to_string());
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM follow_up WHERE dialogue_id = $1 AND id NOT IN ({})",
            ids_or_none(&kept)
        )))
        .bind(dialogue_id)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

/// Ids (numbers the store assigned, never input) as an SQL list; `-1` for none.
fn ids_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "-1".into()
    } else {
        ids.join(", ")
    }
}

/// The document key of a dialogue's report in the document kernel.
pub fn document_key(dialogue_id: i64) -> String {
    format!("report:{dialogue_id}")
}

/// A save that met a newer version with sections both editors changed.
#[derive(Debug)]
pub struct Conflict {
    /// What is saved now.
    pub current: Report,
    /// The editor's report with every section the other editor alone changed taken in.
    pub merged: Report,
    /// The sections both changed; each needs an explicit choice.
    pub clashes: Vec<Clash>,
}

/// A report that was saved, and the sections another editor had changed meanwhile
/// that were merged in.
#[derive(Debug)]
pub struct Saved {
    pub report: Report,
    pub merged: Vec<String>,
}

/// A stored version of a dialogue's report, for its own embete.
pub async fn version(
    db: &Db,
    proof: &EmbeteWork,
    dialogue_id: i64,
    version: i64,
) -> StoreResult<Option<Report>> {
    own_dialogue(db, proof, dialogue_id).await?;
    Ok(stored_version(db, dialogue_id, version).await?)
}

pub(crate) async fn stored_version(
    db: &Db,
    dialogue_id: i64,
    version: i64,
) -> Result<Option<Report>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let found = documents::content(conn.conn(), &document_key(dialogue_id), version).await?;
    Ok(found
        .and_then(|(content, _)| content)
        .and_then(|c| serde_json::from_str::<Report>(&c).ok())
        .map(|r| Report { version, ..r }))
}

/// Every saved version of the report, newest first, for its own embete.
pub async fn versions(
    db: &Db,
    proof: &EmbeteWork,
    dialogue_id: i64,
) -> StoreResult<Vec<documents::VersionInfo>> {
    own_dialogue(db, proof, dialogue_id).await?;
    Ok(documents::versions(db, &document_key(dialogue_id)).await?)
}

/// Saves a report, if the dialogue is at a stage where it is written. If someone saved
/// since `input.version` (0 for a first save), the two are merged section by section
/// from the version this editor started from; a section both changed is a conflict and
/// nothing is written.
pub async fn save_report(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    dialogue_id: i64,
    input: Report,
) -> Result<Saved, SaveError> {
    let (d, _) = own_dialogue(db, proof, dialogue_id).await?;
    if !d.stage.report_is_open() {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::ReportLocked,
        )]));
    }
    let seen = input.version;
    let mut report = check_report(input).map_err(SaveError::Invalid)?;
    let current = self::current(db, dialogue_id).await?;
    let mut merged = Vec::new();
    let at = current.as_ref().map(|r| r.version).unwrap_or(0);
    if at != seen {
        let Some(current) = current.clone() else {
            return Err(SaveError::Invalid(vec![DomainError::new(
                ErrorCode::EditConflict,
            )]));
        };
        // A first save started from the empty report.
        let base = match seen {
            0 => Some(Report::default()),
            _ => stored_version(db, dialogue_id, seen).await?,
        };
        let (result, merge) = merge_reports(base.as_ref(), &report, &current);
        if !merge.clashes.is_empty() {
            return Err(SaveError::Conflict(Box::new(Conflict {
                current,
                merged: Report {
                    version: at,
                    ..result
                },
                clashes: merge.clashes,
            })));
        }
        merged = merge.taken;
        report = result;
    }
    let version = at + 1;
    let mut tx = db.begin().await?;
    // Checked again with the dialogue held: an approval that got in first wins.
    if !dialogue::lock_at(&mut tx, dialogue_id, Stage::report_is_open).await? {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::ReportLocked,
        )]));
    }
    let written = on!(tx.conn(), |c| {
        if at == 0 {
            sqlx::query(
                "INSERT INTO report (dialogue_id, language, facts, leaders_said, youth_said, advice, child_summary, version, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) ON CONFLICT (dialogue_id) DO NOTHING",
            )
            .bind(dialogue_id)
            .bind(&report.language)
            .bind(&report.facts)
            .bind(&report.leaders_said)
            .bind(&report.youth_said)
            .bind(&report.advice)
            .bind(&report.child_summary)
            .bind(now())
            .bind(&who.label)
            .execute(&mut *c)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE report SET language = $1, facts = $2, leaders_said = $3, youth_said = $4, advice = $5, child_summary = $6, \
                 version = version + 1, updated_at = $7, updated_by = $8 WHERE dialogue_id = $9 AND version = $10",
            )
            .bind(&report.language)
            .bind(&report.facts)
            .bind(&report.leaders_said)
            .bind(&report.youth_said)
            .bind(&report.advice)
            .bind(&report.child_summary)
            .bind(now())
            .bind(&who.label)
            .bind(dialogue_id)
            .bind(at)
            .execute(&mut *c)
            .await?
            .rows_affected()
        }
    });
    if written != 1 {
        // Lost a race with another save between our read and our write: the caller
        // sees everything that differs, as a conflict to settle.
        drop(tx);
        let current = self::current(db, dialogue_id).await?.unwrap_or_default();
        let (result, merge) = merge_reports(None, &report, &current);
        return Err(SaveError::Conflict(Box::new(Conflict {
            merged: Report {
                version: current.version,
                ..result
            },
            current,
            clashes: merge.clashes,
        })));
    }
    replace_rows(tx.conn(), dialogue_id, &mut report).await?;
    let saved = Report { version, ..report };
    let key = document_key(dialogue_id);
    documents::record(tx.conn(), &key, version, &saved.content(), &who.label).await?;
    if samla_domain::personal_id::scan(&saved.content()).is_empty() {
        documents::forget_numbers(tx.conn(), &key, version).await?;
    }
    audit::record(
        &mut tx,
        who,
        Change {
            action: "report.save",
            entity_type: "dialogue",
            entity_id: &dialogue_id.to_string(),
            embete: Some(proof.embete()),
            before: None,
            after: Some(audit::draft_change(
                current
                    .map(|r| serde_json::to_value(r).unwrap_or_default())
                    .as_ref(),
                &serde_json::to_value(&saved).unwrap_or_default(),
            )),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved {
        report: saved,
        merged,
    })
}

/// A demo report's rows, its first version, and (when it is published) its publication.
pub(crate) async fn seed_rows(
    tx: &mut crate::Tx,
    dialogue_id: i64,
    mut report: Report,
    published_on: Option<&str>,
    saved_by: &str,
) -> Result<(), sqlx::Error> {
    replace_rows(tx.conn(), dialogue_id, &mut report).await?;
    let key = document_key(dialogue_id);
    documents::record(tx.conn(), &key, 1, &report.content(), saved_by).await?;
    if let Some(date) = published_on {
        documents::publish(
            tx.conn(),
            &key,
            &documents::Publication {
                version: 1,
                published_on: date.to_owned(),
                reason: None,
                changes: Vec::new(),
            },
        )
        .await?;
        on!(tx.conn(), |c| {
            sqlx::query("UPDATE dialogue SET public_version = 1 WHERE id = $1")
                .bind(dialogue_id)
                .execute(&mut *c)
                .await?;
        });
    }
    Ok(())
}

/// Gives every report saved before versions were kept its current version in the
/// kernel, and every report published then its publication. Runs after migrating;
/// finds nothing to do once done.
pub(crate) async fn record_missing_versions(db: &Db) -> Result<usize, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let missing: Vec<(i64, String, Option<String>)> = on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT r.dialogue_id, r.updated_by, CASE WHEN d.public_version IS NOT NULL THEN d.stage_date END AS published_on \
             FROM report r JOIN dialogue d ON d.id = r.dialogue_id WHERE NOT EXISTS \
             (SELECT 1 FROM document_version v WHERE v.document = 'report:' || CAST(r.dialogue_id AS TEXT) AND v.version = r.version)",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<_>, _>>()?
    });
    drop(conn);
    for (id, by, published_on) in &missing {
        let Some(report) = current(db, *id).await? else {
            continue;
        };
        let mut tx = db.begin().await?;
        let key = document_key(*id);
        documents::record(tx.conn(), &key, report.version, &report.content(), by).await?;
        if let Some(date) = published_on {
            documents::publish(
                tx.conn(),
                &key,
                &documents::Publication {
                    version: report.version,
                    published_on: date.clone(),
                    reason: None,
                    changes: Vec::new(),
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(missing.len())
}

/// Takes one of the report's steps. Approval needs a leader's proof and the child-friendly
/// summary and the version of the report the leader read (`report_version`); approval
/// and publication pass the publication gate (other 11-digit runs need `confirmed`,
/// which is audited).
#[allow(clippy::too_many_arguments)]
pub async fn report_step(
    db: &Db,
    proof: &EmbeteWork,
    leader: Option<&ApproveReports>,
    who: &Who,
    dialogue_id: i64,
    to: Stage,
    date: Date,
    seen_version: i64,
    report_version: Option<i64>,
    report_hash: Option<&str>,
    confirmed: bool,
) -> StoreResult<Dialogue> {
    let (d, cycle) = own_dialogue(db, proof, dialogue_id).await?;
    samla_domain::dialogue::step(d.stage, to)?;
    if !to.needs_report() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage").into());
    }
    let report = current(db, dialogue_id)
        .await?
        .ok_or(DomainError::field(ErrorCode::ReportRequired, "stage"))?;
    // Sending an approved report back, and approving, are the leaders' decisions.
    if !samla_domain::dialogue::allowed_next(d.stage, leader.is_some()).contains(&to) {
        return Err(DomainError::field(ErrorCode::LeaderRequired, "stage").into());
    }
    // A leader approves the text they read: its version comes with the approval, and
    // a save since then is a conflict, checked again when the step is written.
    match report_version {
        None if to == Stage::ReportApproved => {
            return Err(DomainError::field(ErrorCode::Required, "report_version").into());
        }
        Some(v) if v != report.version => {
            return Err(DomainError::field(ErrorCode::EditConflict, "report_version").into());
        }
        _ => {}
    }
    let hash = report.sha256();
    if report_hash.is_some_and(|h| !h.eq_ignore_ascii_case(&hash)) {
        return Err(DomainError::field(ErrorCode::EditConflict, "report_version").into());
    }
    let mut extra = None;
    if matches!(to, Stage::ReportApproved | Stage::Published) {
        check_approvable(&report.child_summary)?;
        let warned = publication::gate(&[&report, &cycle], confirmed)
            .map_err(|(code, field)| DomainError::field(code, field_name(&field)))?;
        if !warned.is_empty() {
            extra = Some(json!({ "eleven_digit_runs_in": warned }));
        }
    }
    let publication = if to == Stage::Published {
        Some(publication_of(db, dialogue_id, &report, date).await?)
    } else {
        None
    };
    let pin = ReportPin {
        version: report.version,
        hash,
        publication,
    };
    apply_step(
        db,
        proof,
        who,
        dialogue_id,
        to,
        date,
        seen_version,
        Some(pin),
        extra,
    )
    .await
}

/// What publishing `report` records: for a correction, the sections that changed since
/// the version published before, and the reason the report was reopened.
async fn publication_of(
    db: &Db,
    dialogue_id: i64,
    report: &Report,
    date: Date,
) -> StoreResult<documents::Publication> {
    let mut conn = db.acquire().await?;
    let earlier = documents::publications(conn.conn(), &document_key(dialogue_id)).await?;
    drop(conn);
    let mut publication = documents::Publication {
        version: report.version,
        published_on: samla_domain::dates::iso(date),
        reason: None,
        changes: Vec::new(),
    };
    if let Some(last) = earlier.last() {
        let before = stored_version(db, dialogue_id, last.version)
            .await?
            .unwrap_or_default();
        let mut parts: Vec<String> = Vec::new();
        for key in document::changed_sections(&before.sections(), &report.sections()) {
            let part = section_part(&key).to_owned();
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        publication.changes = parts;
        publication.reason = reopen_reason(db, dialogue_id).await?;
    }
    Ok(publication)
}

/// Why the report was taken away from its last publication: the reason it was reopened
/// for correction, or withdrawn, since then.
async fn reopen_reason(db: &Db, dialogue_id: i64) -> Result<Option<String>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query_scalar(
            "SELECT reason FROM workflow_step WHERE item_kind = 'dialogue' AND item_id = $1 \
             AND stage IN ('report_drafted', 'withdrawn') AND reason IS NOT NULL AND undone_at IS NULL \
             AND id > COALESCE((SELECT MAX(p.id) FROM workflow_step p WHERE p.item_kind = 'dialogue' \
                 AND p.item_id = $1 AND p.stage = 'published' AND p.undone_at IS NULL), 0) \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(dialogue_id)
        .fetch_optional(&mut *c)
        .await
    })
}

/// Moves a published dialogue to `to` today, with a public reason, for the embete's
/// leaders: withdrawn (`Stage::Withdrawn`: its public page then says when and why, and
/// it leaves every list and the coverage count), or reopened for correction
/// (`Stage::ReportDrafted`: it can be edited, approved and published again, and until
/// then the published version stays public).
#[allow(clippy::too_many_arguments)]
pub async fn leave_published(
    db: &Db,
    proof: &EmbeteWork,
    _leader: &ApproveReports,
    who: &Who,
    dialogue_id: i64,
    reason: &str,
    seen_version: i64,
    to: Stage,
) -> StoreResult<Dialogue> {
    if !samla_domain::dialogue::leaves_published(to) {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage").into());
    }
    let reason = samla_domain::dialogue::check_reason(reason)?;
    let (before, _) = own_dialogue(db, proof, dialogue_id).await?;
    let today = samla_domain::dates::iso(samla_domain::dates::today());
    let withdraws = to == Stage::Withdrawn;
    let mut tx = db.begin().await?;
    let changed = on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE dialogue SET stage = $1, stage_date = $2, version = version + 1, \
             public_version = CASE WHEN $3 THEN NULL ELSE public_version END \
             WHERE id = $4 AND version = $5 AND stage = 'published'",
        )
        .bind(to.as_str())
        .bind(&today)
        .bind(withdraws)
        .bind(dialogue_id)
        .bind(seen_version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if changed != 1 {
        return Err(if before.version != seen_version {
            DomainError::new(ErrorCode::EditConflict)
        } else {
            DomainError::field(ErrorCode::StageNotAllowed, "stage")
        }
        .into());
    }
    workflow::record(
        tx.conn(),
        workflow::DIALOGUE,
        dialogue_id,
        to.as_str(),
        &today,
        &who.label,
        Some(&reason),
    )
    .await?;
    audit::record(
        &mut tx,
        who,
        Change {
            action: if withdraws {
                "dialogue.withdraw"
            } else {
                "dialogue.reopen"
            },
            entity_type: "dialogue",
            entity_id: &dialogue_id.to_string(),
            embete: Some(proof.embete()),
            before: Some(json!({ "stage": before.stage, "stage_date": before.stage_date })),
            after: Some(json!({ "stage": to, "stage_date": today, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dialogue::dialogue(db, proof, dialogue_id).await?.0)
}

/// A published report as the public reads it: the version last published (which stays
/// while a correction is drafted), and every publication of it, oldest first.
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub report: Report,
    pub publications: Vec<documents::Publication>,
}

impl PublicReport {
    /// The latest correction, if the report was corrected after it was first published.
    pub fn corrected(&self) -> Option<&documents::Publication> {
        self.publications.iter().skip(1).last()
    }
}

/// The published version of a dialogue's report, if the dialogue has one the public
/// may see (not withdrawn). Only published rows are read.
pub async fn public_report(
    db: &Db,
    _: PublicView,
    dialogue_id: i64,
) -> Result<Option<PublicReport>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let version: Option<i64> = on!(conn.conn(), |c| {
        sqlx::query_scalar::<_, Option<i64>>("SELECT public_version FROM dialogue WHERE id = $1")
            .bind(dialogue_id)
            .fetch_optional(&mut *c)
            .await?
            .flatten()
    });
    let Some(version) = version else {
        return Ok(None);
    };
    let key = document_key(dialogue_id);
    let publications = documents::publications(conn.conn(), &key).await?;
    // Only what was published is read: a publication row names the version.
    if !publications.iter().any(|p| p.version == version) {
        return Ok(None);
    }
    drop(conn);
    let Some(report) = stored_version(db, dialogue_id, version).await? else {
        return Ok(None);
    };
    Ok(Some(PublicReport {
        report,
        publications,
    }))
}

/// The report as published in an earlier publication, for the comparison a corrected
/// report's page shows. Only published versions are read.
pub async fn published_version(
    db: &Db,
    _: PublicView,
    dialogue_id: i64,
    version: i64,
) -> Result<Option<Report>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let publications = documents::publications(conn.conn(), &document_key(dialogue_id)).await?;
    drop(conn);
    if !publications.iter().any(|p| p.version == version) {
        return Ok(None);
    }
    stored_version(db, dialogue_id, version).await
}

/// When and why a withdrawn report was withdrawn (public: it is what its page says).
pub async fn withdrawal(
    db: &Db,
    _: PublicView,
    dialogue_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT s.step_date, s.reason FROM workflow_step s JOIN dialogue d ON d.id = s.item_id AND s.item_kind = 'dialogue' \
             WHERE s.item_id = $1 AND d.stage = 'withdrawn' AND s.stage = 'withdrawn' AND s.undone_at IS NULL \
             ORDER BY s.id DESC LIMIT 1",
        )
        .bind(dialogue_id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>((
                r.try_get("step_date")?,
                r.try_get::<Option<String>, _>("reason")?.unwrap_or_default(),
            ))
        })
        .transpose()
    })
}
