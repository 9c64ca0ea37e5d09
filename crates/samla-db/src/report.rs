//! A dialogue's meetings and report, and the report's own steps (drafted, approved,
//! published), which check its content first.
//!
//! Saving a report takes the version the editor started from; if someone else saved
//! in between, nothing is written and the caller gets the saved report back, so the
//! page can keep the editor's text and show what changed.

use crate::audit::{self, Change, Who};
use crate::dialogue::{self, Cycle, Dialogue, apply_step};
use crate::{Conn, Db, StoreError, StoreResult, now, on};
use samla_domain::access::{ApproveReports, EmbeteWork};
use samla_domain::dialogue::Stage;
use samla_domain::publication::{self, Publishable};
use samla_domain::report::{
    AGE_BANDS, FOLLOW_UP_STATUSES, MAX_ROWS, MeetingKind, REPORT_LANGUAGES, SERVICES, YOUTH_GROUPS,
    check_approvable, choices, crc_articles, field_name, participants, steps,
};
use samla_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use time::Date;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Meeting {
    pub held_on: String,
    pub place: String,
    pub services: Vec<String>,
    pub roles: String,
    pub notes: String,
    pub youth_group: Option<String>,
    pub participants: Option<i64>,
    pub age_bands: Vec<String>,
}

/// A meeting form as typed (strings), validated by [`save_meeting`].
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    pub held_on: String,
    pub place: String,
    pub services: Vec<String>,
    pub roles: String,
    pub notes: String,
    pub youth_group: String,
    pub participants: String,
    pub age_bands: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Finding {
    pub body: String,
    /// Comma-separated article numbers; API clients may send a list of numbers.
    #[serde(deserialize_with = "number_list_text")]
    pub crc_articles: String,
    #[serde(deserialize_with = "number_list_text")]
    pub steps: String,
}

/// Reads `"3, 12"` or `[3, 12]` into the comma text a form holds.
fn number_list_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Numbers(Vec<u32>),
    }
    Ok(match Either::deserialize(d)? {
        Either::Text(t) => t,
        Either::Numbers(n) => n.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct FollowUp {
    pub body: String,
    pub owner: String,
    pub deadline: String,
    pub status: String,
}

/// A report as stored (and as a form holds it: lists are comma text).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Report {
    pub language: String,
    pub facts: String,
    pub leaders_said: String,
    pub youth_said: String,
    pub advice: String,
    pub child_summary: String,
    pub findings: Vec<Finding>,
    pub follow_ups: Vec<FollowUp>,
    pub version: i64,
}

impl Publishable for Report {
    fn public_texts(&self) -> Vec<(String, &str)> {
        let mut fields = vec![
            ("facts".to_owned(), self.facts.as_str()),
            ("leaders_said".to_owned(), self.leaders_said.as_str()),
            ("youth_said".to_owned(), self.youth_said.as_str()),
            ("advice".to_owned(), self.advice.as_str()),
            ("child_summary".to_owned(), self.child_summary.as_str()),
        ];
        for (i, f) in self.findings.iter().enumerate() {
            fields.push((format!("finding_body_{i}"), f.body.as_str()));
        }
        for (i, f) in self.follow_ups.iter().enumerate() {
            fields.push((format!("follow_up_body_{i}"), f.body.as_str()));
            fields.push((format!("follow_up_owner_{i}"), f.owner.as_str()));
        }
        fields
    }

    fn not_text() -> &'static [&'static str] {
        &["language", "crc_articles", "steps", "deadline", "status"]
    }
}

/// Why a report could not be saved.
#[derive(Debug)]
pub enum SaveError {
    Invalid(Vec<DomainError>),
    /// Someone else saved first; this is what they saved.
    Conflict(Box<Report>),
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
    let (d, cycle) = dialogue::dialogue(db, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if cycle.embete != proof.embete() {
        return Err(DomainError::new(ErrorCode::NotFound).into());
    }
    Ok((d, cycle))
}

/// One of a dialogue's meetings, if recorded.
pub async fn meeting(
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
    let mut errors = Vec::new();
    let held_on = samla_domain::dates::parse_region_date(&input.held_on, "held_on")
        .map_err(|e| errors.push(e))
        .ok();
    let place = input.place.trim().to_owned();
    if place.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "place"));
    } else if place.chars().count() > 200 {
        errors.push(DomainError::field(ErrorCode::TextTooLong, "place"));
    }
    let services = choices(&input.services, &SERVICES, "services")
        .map_err(|e| errors.push(e))
        .ok();
    let (youth_group, count, bands) = match kind {
        MeetingKind::Leaders => (None, None, Vec::new()),
        MeetingKind::Youth => (
            choices(
                std::slice::from_ref(&input.youth_group),
                &YOUTH_GROUPS,
                "youth_group",
            )
            .map_err(|e| errors.push(e))
            .ok()
            .and_then(|v| v.into_iter().next())
            .or_else(|| {
                errors.push(DomainError::field(ErrorCode::InvalidChoice, "youth_group"));
                None
            }),
            participants(&input.participants)
                .map_err(|e| errors.push(e))
                .ok(),
            choices(&input.age_bands, &AGE_BANDS, "age_bands")
                .map_err(|e| errors.push(e))
                .ok()
                .unwrap_or_default(),
        ),
    };
    let (Some(held_on), Some(services), true) = (held_on, services, errors.is_empty()) else {
        return Err(SaveError::Invalid(errors));
    };
    let meeting = Meeting {
        held_on: samla_domain::dates::iso(held_on),
        place,
        services,
        roles: input.roles.trim().to_owned(),
        notes: input.notes.trim().to_owned(),
        youth_group,
        participants: count,
        age_bands: bands,
    };
    let before = self::meeting(db, dialogue_id, kind).await?;
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

/// A dialogue's report, if one has been saved.
pub async fn report(db: &Db, dialogue_id: i64) -> Result<Option<Report>, sqlx::Error> {
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
        let findings = sqlx::query("SELECT body, crc_articles, steps FROM finding WHERE dialogue_id = $1 ORDER BY position")
            .bind(dialogue_id)
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|f| Ok(Finding { body: f.try_get("body")?, crc_articles: f.try_get("crc_articles")?, steps: f.try_get("steps")? }))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let follow_ups = sqlx::query(
            "SELECT body, owner, deadline, status FROM follow_up WHERE dialogue_id = $1 ORDER BY position",
        )
        .bind(dialogue_id)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|f| {
            Ok(FollowUp {
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

pub(crate) async fn replace_rows(
    conn: Conn<'_>,
    dialogue_id: i64,
    report: &Report,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        sqlx::query("DELETE FROM finding WHERE dialogue_id = $1")
            .bind(dialogue_id)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM follow_up WHERE dialogue_id = $1")
            .bind(dialogue_id)
            .execute(&mut *c)
            .await?;
        for (i, f) in report.findings.iter().enumerate() {
            sqlx::query("INSERT INTO finding (dialogue_id, position, body, crc_articles, steps) VALUES ($1, $2, $3, $4, $5)")
                .bind(dialogue_id)
                .bind(i as i64)
                .bind(f.body.trim())
                .bind(&f.crc_articles)
                .bind(&f.steps)
                .execute(&mut *c)
                .await?;
        }
        for (i, f) in report.follow_ups.iter().enumerate() {
            sqlx::query(
                "INSERT INTO follow_up (dialogue_id, position, body, owner, deadline, status) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(dialogue_id)
            .bind(i as i64)
            .bind(f.body.trim())
            .bind(f.owner.trim())
            .bind(f.deadline.trim())
            .bind(&f.status)
            .execute(&mut *c)
            .await?;
        }
        Ok(())
    })
}

/// Checks a report's structured parts; blank finding and follow-up rows are dropped.
fn validate(mut input: Report) -> Result<Report, Vec<DomainError>> {
    let mut errors = Vec::new();
    if input.findings.len() > MAX_ROWS || input.follow_ups.len() > MAX_ROWS {
        return Err(vec![DomainError::new(ErrorCode::InvalidInput)]);
    }
    if !REPORT_LANGUAGES.contains(&input.language.as_str()) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "language"));
    }
    // Blank rows (the form's spare ones) are dropped, but only after checking, so that an
    // error names the row the editor typed in, not its position among the kept ones.
    let blank_finding = |f: &Finding| {
        f.body.trim().is_empty() && f.crc_articles.trim().is_empty() && f.steps.trim().is_empty()
    };
    let blank_follow_up = |f: &FollowUp| {
        f.body.trim().is_empty() && f.owner.trim().is_empty() && f.deadline.trim().is_empty()
    };
    for (i, f) in input.findings.iter_mut().enumerate() {
        if blank_finding(f) {
            continue;
        }
        let field = |name: &str| field_name(&format!("finding_{name}_{i}"));
        match crc_articles(&f.crc_articles, field("crc")) {
            Ok(list) => {
                f.crc_articles = list
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Err(e) => errors.push(e),
        }
        match steps(&f.steps, field("steps")) {
            Ok(list) => {
                f.steps = list
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Err(e) => errors.push(e),
        }
        if f.body.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("body")));
        }
    }
    for (i, f) in input.follow_ups.iter_mut().enumerate() {
        if blank_follow_up(f) {
            continue;
        }
        let field = |name: &str| field_name(&format!("follow_up_{name}_{i}"));
        if f.body.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("body")));
        }
        if f.owner.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("owner")));
        }
        if let Err(e) = samla_domain::dates::parse_date(&f.deadline, field("deadline")) {
            errors.push(e);
        }
        if !FOLLOW_UP_STATUSES.contains(&f.status.as_str()) {
            errors.push(DomainError::field(
                ErrorCode::InvalidChoice,
                field("status"),
            ));
        }
    }
    if errors.is_empty() {
        input.findings.retain(|f| !blank_finding(f));
        input.follow_ups.retain(|f| !blank_follow_up(f));
        Ok(input)
    } else {
        Err(errors)
    }
}

/// Saves a report, if the dialogue is at a stage where it is written and nobody saved
/// since `input.version` (0 for a first save).
pub async fn save_report(
    db: &Db,
    proof: &EmbeteWork,
    who: &Who,
    dialogue_id: i64,
    input: Report,
) -> Result<Report, SaveError> {
    let (d, _) = own_dialogue(db, proof, dialogue_id).await?;
    if !d.stage.report_is_open() {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::ReportLocked,
        )]));
    }
    let seen = input.version;
    let report = validate(input).map_err(SaveError::Invalid)?;
    let current = self::report(db, dialogue_id).await?;
    if current.as_ref().map(|r| r.version).unwrap_or(0) != seen {
        return Err(match current {
            Some(current) => SaveError::Conflict(Box::new(current)),
            None => SaveError::Invalid(vec![DomainError::new(ErrorCode::EditConflict)]),
        });
    }
    let version = seen + 1;
    let mut tx = db.begin().await?;
    // Checked again with the dialogue held: an approval that got in first wins.
    if !dialogue::lock_at(&mut tx, dialogue_id, Stage::report_is_open).await? {
        return Err(SaveError::Invalid(vec![DomainError::new(
            ErrorCode::ReportLocked,
        )]));
    }
    let written = on!(tx.conn(), |c| {
        if seen == 0 {
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
            .bind(seen)
            .execute(&mut *c)
            .await?
            .rows_affected()
        }
    });
    if written != 1 {
        // Lost a race with another save between our read and our write.
        drop(tx);
        let current = self::report(db, dialogue_id).await?.unwrap_or_default();
        return Err(SaveError::Conflict(Box::new(current)));
    }
    replace_rows(tx.conn(), dialogue_id, &report).await?;
    let saved = Report { version, ..report };
    audit::record(
        &mut tx,
        who,
        Change {
            action: "report.save",
            entity_type: "dialogue",
            entity_id: &dialogue_id.to_string(),
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
    Ok(saved)
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
    confirmed: bool,
) -> StoreResult<Dialogue> {
    let (d, cycle) = own_dialogue(db, proof, dialogue_id).await?;
    samla_domain::dialogue::step(d.stage, to)?;
    if !to.needs_report() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage").into());
    }
    let report = report(db, dialogue_id)
        .await?
        .ok_or(DomainError::field(ErrorCode::ReportRequired, "stage"))?;
    // Sending an approved report back, and approving, are the leaders' decisions.
    let sends_back =
        matches!(d.stage, Stage::ReportApproved | Stage::Withdrawn) && to == Stage::ReportDrafted;
    if (to == Stage::ReportApproved || sends_back) && leader.is_none() {
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
    let mut extra = None;
    if matches!(to, Stage::ReportApproved | Stage::Published) {
        check_approvable(&report.child_summary)?;
        let warned = publication::gate(&[&report, &cycle], confirmed)
            .map_err(|(code, field)| DomainError::field(code, field_name(&field)))?;
        if !warned.is_empty() {
            extra = Some(json!({ "eleven_digit_runs_in": warned }));
        }
    }
    apply_step(
        db,
        proof,
        who,
        dialogue_id,
        to,
        date,
        seen_version,
        Some(report.version),
        extra,
    )
    .await
}

/// Withdraws a published report: its public page then says when and why, and it leaves
/// every list and the coverage count. For the embete's leaders; the reason is public.
#[allow(clippy::too_many_arguments)]
pub async fn withdraw(
    db: &Db,
    proof: &EmbeteWork,
    _leader: &ApproveReports,
    who: &Who,
    dialogue_id: i64,
    reason: &str,
    seen_version: i64,
) -> StoreResult<Dialogue> {
    let reason = samla_domain::dialogue::check_reason(reason)?;
    let (before, _) = own_dialogue(db, proof, dialogue_id).await?;
    let today = samla_domain::dates::iso(samla_domain::dates::today());
    let mut tx = db.begin().await?;
    let changed = on!(tx.conn(), |c| {
        let n = sqlx::query(
            "UPDATE dialogue SET stage = 'withdrawn', stage_date = $1, version = version + 1 \
             WHERE id = $2 AND version = $3 AND stage = 'published'",
        )
        .bind(&today)
        .bind(dialogue_id)
        .bind(seen_version)
        .execute(&mut *c)
        .await?
        .rows_affected();
        if n == 1 {
            sqlx::query(
                "INSERT INTO dialogue_step (dialogue_id, stage, step_date, actor, at, reason) VALUES ($1, 'withdrawn', $2, $3, $4, $5)",
            )
            .bind(dialogue_id)
            .bind(&today)
            .bind(&who.label)
            .bind(now())
            .bind(&reason)
            .execute(&mut *c)
            .await?;
        }
        n
    });
    if changed != 1 {
        return Err(if before.version != seen_version {
            DomainError::new(ErrorCode::EditConflict)
        } else {
            DomainError::field(ErrorCode::StageNotAllowed, "stage")
        }
        .into());
    }
    audit::record(
        &mut tx,
        who,
        Change {
            action: "dialogue.withdraw",
            entity_type: "dialogue",
            entity_id: &dialogue_id.to_string(),
            before: Some(json!({ "stage": before.stage, "stage_date": before.stage_date })),
            after: Some(
                json!({ "stage": Stage::Withdrawn, "stage_date": today, "reason": reason }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dialogue::dialogue(db, dialogue_id)
        .await?
        .ok_or(ErrorCode::NotFound)?
        .0)
}

/// When and why a withdrawn report was withdrawn (public: it is what its page says).
pub async fn withdrawal(
    db: &Db,
    dialogue_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT s.step_date, s.reason FROM dialogue_step s JOIN dialogue d ON d.id = s.dialogue_id \
             WHERE s.dialogue_id = $1 AND d.stage = 'withdrawn' AND s.stage = 'withdrawn' AND s.undone_at IS NULL \
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
