//! The joint assignment's storage: where each year's assignment stands, its sections and
//! owners, and the directorates' sign-offs. The text is a document in the document kernel
//! (`assignment:<year>`), so every version is kept with its hash and any two compare.
//! Every change is audited in its own transaction.

use crate::audit::{self, Change, Who};
use crate::{Db, StoreResult, documents, now, on, outbox};
use samla_domain::access::{self, Actor, DIRECTORATES};
use samla_domain::assignment::{
    self, Carried, ReadDrafts, Requirement, SignOffState, Stage, check_move, check_sign_off,
    check_text, check_year,
};
use samla_domain::document::{self, Piece, Sections};
use samla_domain::notification;
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// One year's assignment in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub year: i64,
    pub stage: Stage,
    pub version: i64,
    /// How many directorates have signed the current version.
    pub signed: usize,
}

/// One section as it is read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Section {
    pub key: String,
    /// The secretariat's or a directorate's organisation code.
    pub owner: String,
    pub text: String,
    /// The section's requirements, in the order they were made.
    pub requirements: Vec<RequirementRow>,
}

/// A requirement as it is read, with how it stands against the year before.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequirementRow {
    #[serde(flatten)]
    pub requirement: Requirement,
    /// New, changed or unchanged since last year; `null` when there is no earlier year.
    pub carried: Option<Carried>,
}

/// One directorate's sign-off against the current version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignOff {
    pub directorate: String,
    pub state: SignOffState,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
}

/// A year's assignment, as a reader may see it: a public reader gets the published
/// version, a draft reader the current one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub year: i64,
    pub stage: Stage,
    /// The version shown.
    pub version: i64,
    /// The version's SHA-256, which a sign-off names.
    pub sha256: String,
    pub copied_from: Option<i64>,
    pub published_version: Option<i64>,
    pub sections: Vec<Section>,
    pub sign_offs: Vec<SignOff>,
}

impl Assignment {
    pub fn all_signed(&self) -> bool {
        self.sign_offs
            .iter()
            .all(|s| matches!(s.state, SignOffState::Valid { .. }))
    }
}

/// The requirements kept in a document's rows, in the order they were made.
fn requirements_in(texts: &Sections) -> Vec<Requirement> {
    let mut rows: Vec<Requirement> = texts
        .iter()
        .filter(|(k, _)| assignment::requirement_id(k).is_some())
        .filter_map(|(_, v)| serde_json::from_str(v).ok())
        .collect();
    rows.sort_by_key(|r| r.id);
    rows
}

/// How a requirement stands against last year's document.
fn carried(before: &Sections, r: &Requirement) -> Carried {
    match before
        .get(&assignment::requirement_key(r.id))
        .and_then(|v| serde_json::from_str::<Requirement>(v).ok())
    {
        None => Carried::New,
        Some(old) if old == *r => Carried::Unchanged,
        Some(_) => Carried::Changed,
    }
}

fn key_of(year: i64) -> String {
    format!("assignment:{year}")
}

fn to_content(sections: &Sections) -> String {
    serde_json::to_string(sections).unwrap_or_else(|_| "{}".into())
}

struct Row0 {
    stage: Stage,
    version: i64,
    copied_from: Option<i64>,
    published_version: Option<i64>,
}

async fn head(conn: crate::Conn<'_>, year: i64) -> StoreResult<Option<Row0>> {
    let row = on!(conn, |c| {
        sqlx::query(
            "SELECT stage, version, copied_from, published_version FROM assignment WHERE year = $1",
        )
        .bind(year)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>((
                r.try_get::<String, _>(0)?,
                r.try_get::<i64, _>(1)?,
                r.try_get::<Option<i64>, _>(2)?,
                r.try_get::<Option<i64>, _>(3)?,
            ))
        })
        .transpose()?
    });
    let Some((stage, version, copied_from, published_version)) = row else {
        return Ok(None);
    };
    Ok(Some(Row0 {
        stage: Stage::parse(&stage)?,
        version,
        copied_from,
        published_version,
    }))
}

async fn owners(conn: crate::Conn<'_>, year: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT key, owner FROM assignment_section WHERE year = $1 ORDER BY position, key",
        )
        .bind(year)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    })
}

async fn sign_offs(
    conn: crate::Conn<'_>,
    year: i64,
    current: i64,
) -> Result<Vec<SignOff>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, String)> = on!(conn, |c| {
        sqlx::query(
            "SELECT directorate, version, signed_at, signed_by FROM assignment_sign_off WHERE year = $1",
        )
        .bind(year)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect::<Result<_, sqlx::Error>>()?
    });
    Ok(assignment::directorates()
        .map(|d| {
            let row = rows.iter().find(|r| r.0 == d);
            SignOff {
                directorate: d.to_owned(),
                state: assignment::sign_off_state(row.map(|r| r.1), current),
                signed_at: row.map(|r| r.2),
                signed_by: row.map(|r| r.3.clone()),
            }
        })
        .collect())
}

async fn sections_at(
    conn: crate::Conn<'_>,
    year: i64,
    version: i64,
) -> StoreResult<(Sections, String)> {
    documents::parts_at(conn, &key_of(year), version).await
}

async fn read(db: &Db, year: i64, drafts: bool) -> StoreResult<Option<Assignment>> {
    let mut conn = db.acquire().await?;
    let Some(head) = head(conn.conn(), year).await? else {
        return Ok(None);
    };
    let version = if drafts {
        head.version
    } else {
        match head.published_version {
            Some(v) => v,
            None => return Ok(None),
        }
    };
    let (texts, sha256) = sections_at(conn.conn(), year, version).await?;
    let before = match self::head(conn.conn(), year - 1).await? {
        Some(h) => {
            let v = if drafts {
                Some(h.version)
            } else {
                h.published_version
            };
            match v {
                Some(v) => Some(sections_at(conn.conn(), year - 1, v).await?.0),
                None => None,
            }
        }
        None => None,
    };
    let rows = requirements_in(&texts);
    let sections = owners(conn.conn(), year)
        .await?
        .into_iter()
        .map(|(key, owner)| Section {
            text: texts.get(&key).cloned().unwrap_or_default(),
            requirements: rows
                .iter()
                .filter(|r| r.section == key)
                .map(|r| RequirementRow {
                    carried: before.as_ref().map(|b| carried(b, r)),
                    requirement: r.clone(),
                })
                .collect(),
            key,
            owner,
        })
        .collect();
    let sign_offs = sign_offs(conn.conn(), year, head.version).await?;
    Ok(Some(Assignment {
        year,
        stage: head.stage,
        version,
        sha256,
        copied_from: head.copied_from,
        published_version: head.published_version,
        sections,
        sign_offs,
    }))
}

/// A year's assignment as it stands now, for a draft reader.
pub async fn draft(db: &Db, _proof: &ReadDrafts, year: i64) -> StoreResult<Option<Assignment>> {
    read(db, year, true).await
}

/// A year's published assignment, for anyone.
pub async fn published(
    db: &Db,
    _proof: &access::PublicView,
    year: i64,
) -> StoreResult<Option<Assignment>> {
    read(db, year, false).await
}

/// Every year's assignment, newest first: all of them for a draft reader, the published
/// ones for anyone else.
pub async fn list(db: &Db, drafts: Option<&ReadDrafts>) -> StoreResult<Vec<Summary>> {
    let mut conn = db.acquire().await?;
    let rows: Vec<(i64, String, i64, i64)> = on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT a.year, a.stage, a.version, \
             (SELECT COUNT(*) FROM assignment_sign_off s WHERE s.year = a.year AND s.version = a.version) \
             FROM assignment a WHERE $1 OR a.published_version IS NOT NULL ORDER BY a.year DESC",
        )
        .bind(drafts.is_some())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect::<Result<_, sqlx::Error>>()?
    });
    rows.into_iter()
        .map(|(year, stage, version, signed)| {
            Ok(Summary {
                year,
                stage: Stage::parse(&stage)?,
                version,
                signed: signed as usize,
            })
        })
        .collect()
}

/// Starts a year's assignment as a copy of the year before (its current text and
/// sections), or with the first sections, empty, when there is none. The secretariat only.
pub async fn create(db: &Db, actor: &Actor, year: i64) -> StoreResult<()> {
    if !assignment::is_secretariat(actor) {
        return Err(ErrorCode::Forbidden.into());
    }
    check_year(year)?;
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    if head(tx.conn(), year).await?.is_some() {
        return Err(DomainError::field(ErrorCode::DuplicateName, "year").into());
    }
    let (sections, texts, copied_from) = match head(tx.conn(), year - 1).await? {
        Some(before) => {
            let (texts, _) = sections_at(tx.conn(), year - 1, before.version).await?;
            (owners(tx.conn(), year - 1).await?, texts, Some(year - 1))
        }
        None => {
            let sections = assignment::first_sections();
            let texts = sections
                .iter()
                .map(|(k, _)| (k.clone(), String::new()))
                .collect();
            (sections, texts, None)
        }
    };
    let t = now();
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO assignment (year, stage, version, copied_from, created_at) VALUES ($1, $2, 1, $3, $4)",
        )
        .bind(year)
        .bind(Stage::Drafting.as_str())
        .bind(copied_from)
        .bind(t)
        .execute(&mut *c)
        .await?;
        for (position, (key, owner)) in sections.iter().enumerate() {
            sqlx::query(
                "INSERT INTO assignment_section (year, key, owner, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(year)
            .bind(key)
            .bind(owner)
            .bind(position as i64)
            .execute(&mut *c)
            .await?;
        }
    });
    documents::record(tx.conn(), &key_of(year), 1, &to_content(&texts), &who.label).await?;
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assignment.create",
            entity_type: "assignment",
            entity_id: &year.to_string(),
            embete: None,
            before: None,
            after: Some(json!({ "copied_from": copied_from })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a section save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new version; `voided` names the directorates whose sign-off it voided.
    Version { version: i64, voided: Vec<String> },
    /// The text was as it stood: nothing changed.
    Unchanged,
}

/// Saves one section's text, written from version `base`. Other sections changed since
/// `base` are kept as they are now (a section is the unit of locking); if this section
/// was changed by someone else since `base`, the save is refused with `edit_conflict`
/// and nothing is lost: the caller still holds the text. A change after a sign-off
/// voids that sign-off.
pub async fn save_section(
    db: &Db,
    actor: &Actor,
    year: i64,
    section: &str,
    text: &str,
    base: i64,
) -> StoreResult<Saved> {
    if assignment::requirement_id(section).is_some() {
        return Err(ErrorCode::NotFound.into());
    }
    let text = check_text(text)?;
    save_part(db, actor, year, Part::Section(section), Some(text), base).await
}

/// Adds a checked requirement to a section; its new identity is set here. The
/// requirement as added, and the version it made.
pub async fn add_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    mut requirement: Requirement,
    base: i64,
) -> StoreResult<(Requirement, Saved)> {
    let mut tx = db.begin().await?;
    head(tx.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let id: i64 = on!(tx.conn(), |c| {
        sqlx::query_scalar(
            "INSERT INTO requirement_identity (first_year, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(year)
        .bind(now())
        .fetch_one(&mut *c)
        .await?
    });
    requirement.id = id;
    let saved = save_part_in(
        tx,
        actor,
        year,
        Part::Requirement(&requirement),
        Some(row(&requirement)),
        base,
    )
    .await?;
    Ok((requirement, saved))
}

/// Saves a checked requirement over the one with its identity in this year.
pub async fn save_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    requirement: &Requirement,
    base: i64,
) -> StoreResult<Saved> {
    save_part(
        db,
        actor,
        year,
        Part::Requirement(requirement),
        Some(row(requirement)),
        base,
    )
    .await
}

/// Takes a requirement out of this year's assignment (its identity stays, for the years
/// that have it).
pub async fn remove_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    id: i64,
    base: i64,
) -> StoreResult<Saved> {
    let current = draft_requirement(db, year, id).await?;
    save_part(db, actor, year, Part::Requirement(&current), None, base).await
}

/// One requirement as it stands in a year's draft.
pub async fn draft_requirement(db: &Db, year: i64, id: i64) -> StoreResult<Requirement> {
    let mut conn = db.acquire().await?;
    let head = head(conn.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let (texts, _) = sections_at(conn.conn(), year, head.version).await?;
    texts
        .get(&assignment::requirement_key(id))
        .and_then(|v| serde_json::from_str(v).ok())
        .ok_or(ErrorCode::NotFound.into())
}

fn row(r: &Requirement) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

/// A part of the document: a section's text, or a requirement row (which its section's
/// owner writes).
enum Part<'a> {
    Section(&'a str),
    Requirement(&'a Requirement),
}

impl Part<'_> {
    fn key(&self) -> String {
        match self {
            Part::Section(key) => (*key).to_owned(),
            Part::Requirement(r) => assignment::requirement_key(r.id),
        }
    }

    fn section(&self) -> &str {
        match self {
            Part::Section(key) => key,
            Part::Requirement(r) => &r.section,
        }
    }
}

async fn save_part(
    db: &Db,
    actor: &Actor,
    year: i64,
    part: Part<'_>,
    value: Option<String>,
    base: i64,
) -> StoreResult<Saved> {
    let tx = db.begin().await?;
    save_part_in(tx, actor, year, part, value, base).await
}

/// Writes `value` (or removes the part, for `None`) as a new version, inside `tx`, which
/// it commits.
async fn save_part_in(
    mut tx: crate::Tx,
    actor: &Actor,
    year: i64,
    part: Part<'_>,
    value: Option<String>,
    base: i64,
) -> StoreResult<Saved> {
    let who = Who::user(actor.user_id, &actor.email);
    // Take the assignment's row first, so two saves of one year queue up (PostgreSQL).
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE assignment SET version = version WHERE year = $1")
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let head = head(tx.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let owner = owners(tx.conn(), year)
        .await?
        .into_iter()
        .find(|(k, _)| k == part.section())
        .map(|(_, owner)| owner)
        .ok_or(ErrorCode::NotFound)?;
    if !assignment::may_write(actor, &owner) {
        return Err(ErrorCode::Forbidden.into());
    }
    if !head.stage.open_for_edits() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "text").into());
    }
    let key = part.key();
    if let Part::Requirement(r) = &part {
        // A requirement stays in the section it was made in.
        let (current, _) = sections_at(tx.conn(), year, head.version).await?;
        let stored: Option<Requirement> =
            current.get(&key).and_then(|v| serde_json::from_str(v).ok());
        if stored.is_some_and(|s| s.section != r.section) {
            return Err(ErrorCode::NotFound.into());
        }
    }
    let written = documents::write_part(
        &mut tx,
        &key_of(year),
        head.version,
        base,
        &key,
        value.as_deref(),
        &who.label,
        "text",
    )
    .await?;
    let (version, now_value) = match written {
        documents::PartWritten::Unchanged => return Ok(Saved::Unchanged),
        documents::PartWritten::Version { version, before } => (version, before),
    };
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE assignment SET version = $1 WHERE year = $2")
            .bind(version)
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let voided: Vec<String> = sign_offs(tx.conn(), year, head.version)
        .await?
        .into_iter()
        .filter(|s| matches!(s.state, SignOffState::Valid { .. }))
        .map(|s| s.directorate)
        .collect();
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assignment.save",
            entity_type: "assignment",
            entity_id: &year.to_string(),
            embete: None,
            before: Some(json!({ "version": head.version, "part": key, "value": now_value })),
            after: Some(json!({ "version": version, "part": key, "value": value, "voided_sign_offs": voided })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved::Version { version, voided })
}

/// A directorate member signs the current version for their directorate, naming it:
/// `version` is the version they read, and a newer one is refused (`edit_conflict`).
pub async fn sign_off(db: &Db, actor: &Actor, year: i64, version: i64) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE assignment SET version = version WHERE year = $1")
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let head = head(tx.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let directorate = check_sign_off(actor, head.stage)?.to_owned();
    if version != head.version {
        return Err(DomainError::field(ErrorCode::EditConflict, "version").into());
    }
    let (_, sha) = sections_at(tx.conn(), year, version).await?;
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO assignment_sign_off (year, directorate, version, sha256, signed_at, signed_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (year, directorate) DO UPDATE SET \
             version = excluded.version, sha256 = excluded.sha256, signed_at = excluded.signed_at, \
             signed_by = excluded.signed_by",
        )
        .bind(year)
        .bind(&directorate)
        .bind(version)
        .bind(&sha)
        .bind(now())
        .bind(&who.label)
        .execute(&mut *c)
        .await?;
    });
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assignment.sign_off",
            entity_type: "assignment",
            entity_id: &year.to_string(),
            embete: None,
            before: None,
            after: Some(json!({ "directorate": directorate, "version": version, "sha256": sha })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The secretariat moves the assignment to its next stage (or back from sign-off to
/// drafting). Quality assurance needs all five sign-offs of the current version;
/// publishing makes the current version the public one.
pub async fn move_to(db: &Db, actor: &Actor, year: i64, to: Stage) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE assignment SET version = version WHERE year = $1")
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let head = head(tx.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let all_signed = sign_offs(tx.conn(), year, head.version)
        .await?
        .iter()
        .all(|s| matches!(s.state, SignOffState::Valid { .. }));
    check_move(actor, head.stage, to, all_signed)?;
    let published = (to == Stage::Published).then_some(head.version);
    on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE assignment SET stage = $1, published_version = COALESCE($2, published_version) WHERE year = $3",
        )
        .bind(to.as_str())
        .bind(published)
        .bind(year)
        .execute(&mut *c)
        .await?;
    });
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "assignment.move",
            entity_type: "assignment",
            entity_id: &year.to_string(),
            embete: None,
            before: Some(json!({ "stage": head.stage.as_str() })),
            after: Some(json!({ "stage": to.as_str(), "version": head.version })),
        },
    )
    .await?;
    if to == Stage::SignOff {
        // Each directorate's members are asked to sign, once per version sent.
        let params = json!({ "year": year, "version": head.version, "path": format!("/assignments/{year}") });
        let dedupe = format!("sign_off:{year}:{}", head.version);
        for (directorate, _) in DIRECTORATES {
            let to = outbox::Audience {
                organisation: directorate,
                roles: notification::audience(notification::SIGN_OFF_REQUESTED),
            };
            outbox::enqueue(
                &mut tx,
                notification::SIGN_OFF_REQUESTED,
                to,
                &params,
                Some(&dedupe),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// One section compared between two texts, word by word.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    pub key: String,
    /// A requirement's title (this year's, or last year's if it was taken out).
    pub requirement: Option<String>,
    pub changed: bool,
    pub pieces: Vec<Piece>,
}

/// A part's text as a comparison reads it: a section's text as it is, a requirement as
/// its title, text, deadline and articles on lines of their own.
fn readable(key: &str, value: Option<&String>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    if assignment::requirement_id(key).is_none() {
        return value.clone();
    }
    match serde_json::from_str::<Requirement>(value) {
        Ok(r) => {
            let mut text = format!("{}\n{}", r.title, r.text);
            if let Some(d) = &r.deadline {
                text.push_str(&format!("\n{d}"));
            }
            if !r.crc_articles.is_empty() {
                let articles: Vec<String> = r.crc_articles.iter().map(u32::to_string).collect();
                text.push_str(&format!("\nCRC {}", articles.join(", ")));
            }
            text
        }
        Err(_) => String::new(),
    }
}

/// The parts compared in reading order: each section, then its requirements.
fn compare(sections: &[String], old: &Sections, new: &Sections) -> Vec<SectionDiff> {
    let rows_of = |section: &str| {
        let mut ids: Vec<i64> = requirements_in(old)
            .into_iter()
            .chain(requirements_in(new))
            .filter(|r| r.section == section)
            .map(|r| r.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(assignment::requirement_key)
    };
    sections
        .iter()
        .flat_map(|s| std::iter::once(s.clone()).chain(rows_of(s)))
        .map(|key| {
            let (changed, pieces) = document::compare_part(&key, old, new, readable);
            let title = |doc: &Sections| {
                doc.get(&key)
                    .and_then(|v| serde_json::from_str::<Requirement>(v).ok())
                    .map(|r| r.title)
            };
            SectionDiff {
                requirement: title(new).or_else(|| title(old)),
                changed,
                pieces,
                key,
            }
        })
        .collect()
}

/// Two versions of a year's assignment compared section by section, for a draft reader.
pub async fn versions_diff(
    db: &Db,
    _proof: &ReadDrafts,
    year: i64,
    from: i64,
    to: i64,
) -> StoreResult<Vec<SectionDiff>> {
    let mut conn = db.acquire().await?;
    head(conn.conn(), year).await?.ok_or(ErrorCode::NotFound)?;
    let keys: Vec<String> = owners(conn.conn(), year)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let (old, _) = sections_at(conn.conn(), year, from).await?;
    let (new, _) = sections_at(conn.conn(), year, to).await?;
    Ok(compare(&keys, &old, &new))
}

/// A year's published assignment against the year before's published one: public once
/// this year's is published. `None` when either is not published.
pub async fn yearly_diff(
    db: &Db,
    drafts: Option<&ReadDrafts>,
    year: i64,
) -> StoreResult<Option<Vec<SectionDiff>>> {
    let mut conn = db.acquire().await?;
    let (Some(this), Some(before)) = (
        head(conn.conn(), year).await?,
        head(conn.conn(), year - 1).await?,
    ) else {
        return Ok(None);
    };
    let pick = |h: &Row0| {
        if drafts.is_some() {
            Some(h.version)
        } else {
            h.published_version
        }
    };
    let (Some(new_v), Some(old_v)) = (pick(&this), pick(&before)) else {
        return Ok(None);
    };
    let keys: Vec<String> = owners(conn.conn(), year)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let (old, _) = sections_at(conn.conn(), year - 1, old_v).await?;
    let (new, _) = sections_at(conn.conn(), year, new_v).await?;
    Ok(Some(compare(&keys, &old, &new)))
}

/// The requirements of a year's published assignment, in the order they were made; `None`
/// when that year's assignment is not published.
pub async fn published_year_requirements(
    db: &Db,
    year: i64,
) -> StoreResult<Option<Vec<Requirement>>> {
    let mut conn = db.acquire().await?;
    let Some(version) = head(conn.conn(), year)
        .await?
        .and_then(|h| h.published_version)
    else {
        return Ok(None);
    };
    let (parts, _) = sections_at(conn.conn(), year, version).await?;
    Ok(Some(requirements_in(&parts)))
}

/// Every requirement of a published assignment, as the newest published year words it,
/// with that year: what plans, reports and assessments may point at.
pub async fn published_requirements(db: &Db) -> StoreResult<Vec<(i64, Requirement)>> {
    // One read of every published year's content, newest year first, so the first
    // wording of an identity met is the newest.
    let years: Vec<(i64, Option<String>)> = on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT a.year, v.content FROM assignment a JOIN document_version v \
             ON v.document = 'assignment:' || a.year AND v.version = a.published_version \
             ORDER BY a.year DESC",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?
    });
    let mut out: Vec<(i64, Requirement)> = Vec::new();
    for (year, content) in years {
        let parts: Sections = content
            .and_then(|c| serde_json::from_str(&c).ok())
            .unwrap_or_default();
        for r in requirements_in(&parts) {
            if !out.iter().any(|(_, o)| o.id == r.id) {
                out.push((year, r));
            }
        }
    }
    out.sort_by_key(|(_, r)| r.id);
    Ok(out)
}
