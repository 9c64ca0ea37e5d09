//! The syntheses for the steering group: the parted document `synthesis:<year>` in the
//! document kernel and the row that says which version is current, released and
//! published. The secretariat writes with [`FollowReports`]; the steering group reads the
//! released version and everyone the published one. Every change is audited in its own
//! transaction.

use crate::audit::{self, Change, Who};
use crate::documents::{self, PartWritten};
use crate::{Db, StoreResult, now, on};
use samla_domain::access::{Actor, FollowReports};
use samla_domain::document::Sections;
use samla_domain::synthesis::{self as domain, Figures, Row};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row as _;

/// Where a synthesis stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SynthesisStage)]
pub enum Stage {
    Drafting,
    /// The steering group reads it; its figures are kept as they stood.
    Released,
    /// Everyone reads it.
    Published,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::Released => "released",
            Stage::Published => "published",
        }
    }
}

/// A synthesis as a reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Synthesis {
    pub year: i64,
    pub version: i64,
    pub stage: Stage,
    /// The secretariat's texts by section key (`intro`, `requirement:<id>`).
    pub texts: Sections,
    /// The figures as they stood at the release; `None` while drafting.
    pub figures: Option<Figures>,
    /// Unix seconds.
    pub released_at: Option<i64>,
    pub published_at: Option<i64>,
}

/// Who may read what: the working version, the released one, or the published one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Secretariat,
    SteeringGroup,
    Public,
}

struct Head {
    version: i64,
    released_version: Option<i64>,
    released_at: Option<i64>,
    published_at: Option<i64>,
}

/// The stage a synthesis is at, from its released version and publication.
fn stage_of(released_version: Option<i64>, published_at: Option<i64>) -> Stage {
    match (released_version, published_at) {
        (Some(_), Some(_)) => Stage::Published,
        (Some(_), None) => Stage::Released,
        _ => Stage::Drafting,
    }
}

impl Head {
    fn stage(&self) -> Stage {
        stage_of(self.released_version, self.published_at)
    }
}

async fn head(conn: crate::Conn<'_>, year: i64) -> Result<Option<Head>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT version, released_version, released_at, published_at FROM synthesis WHERE year = $1",
        )
        .bind(year)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>(Head {
                version: r.try_get(0)?,
                released_version: r.try_get(1)?,
                released_at: r.try_get(2)?,
                published_at: r.try_get(3)?,
            })
        })
        .transpose()
    })
}

/// A year's synthesis for `reader`, or `None` when it has nothing that reader may see.
pub async fn read(db: &Db, year: i64, reader: Reader) -> StoreResult<Option<Synthesis>> {
    let mut conn = db.acquire().await?;
    let Some(head) = head(conn.conn(), year).await? else {
        return Ok(None);
    };
    let version = match (reader, head.stage()) {
        (Reader::Secretariat, _) => head.version,
        (Reader::SteeringGroup, Stage::Released | Stage::Published)
        | (Reader::Public, Stage::Published) => head.released_version.unwrap_or(head.version),
        _ => return Ok(None),
    };
    let (mut texts, _) =
        documents::parts_at(conn.conn(), &domain::document_key(year), version).await?;
    let figures = texts
        .remove("figures")
        .and_then(|f| serde_json::from_str(&f).ok());
    Ok(Some(Synthesis {
        year,
        version,
        stage: head.stage(),
        texts,
        figures,
        released_at: head.released_at,
        published_at: head.published_at,
    }))
}

/// The years that have a synthesis `reader` may see, newest first.
pub async fn years(db: &Db, reader: Reader) -> StoreResult<Vec<(i64, Stage)>> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = on!(db.acquire().await?.conn(), |c| {
        sqlx::query("SELECT year, released_version, published_at FROM synthesis ORDER BY year DESC")
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()?
    });
    Ok(rows
        .into_iter()
        .map(|(year, released, published)| (year, stage_of(released, published)))
        .filter(|(_, stage)| match reader {
            Reader::Secretariat => true,
            Reader::SteeringGroup => *stage != Stage::Drafting,
            Reader::Public => *stage == Stage::Published,
        })
        .collect())
}

/// Every assessment of a yearly report up to `year`, for the secretariat's figures.
pub async fn rows(db: &Db, _proof: &FollowReports, year: i64) -> StoreResult<Vec<Row>> {
    Ok(on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT y.year, y.embete, a.requirement, a.rubric, a.risk FROM assessment a \
             JOIN yearly_report y ON y.id = a.report_id \
             WHERE y.period = 'year' AND y.year <= $1 ORDER BY y.year, y.embete, a.requirement",
        )
        .bind(year)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(Row {
                year: r.try_get(0)?,
                embete: r.try_get(1)?,
                requirement: r.try_get(2)?,
                rubric: r.try_get(3)?,
                risk: r.try_get(4)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    }))
}

fn audit_change<'a>(action: &'static str, entity: &'a str, after: serde_json::Value) -> Change<'a> {
    Change {
        action,
        entity_type: "synthesis",
        entity_id: entity,
        embete: None,
        before: None,
        after: Some(after),
    }
}

/// Starts a year's synthesis, once the year's assignment is published.
pub async fn create(db: &Db, actor: &Actor, _proof: &FollowReports, year: i64) -> StoreResult<()> {
    crate::assignment::published_year_requirements(db, year)
        .await?
        .ok_or_else(|| DomainError::field(ErrorCode::StageNotAllowed, "year"))?;
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    if head(tx.conn(), year).await?.is_some() {
        return Err(DomainError::field(ErrorCode::DuplicateName, "year").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query("INSERT INTO synthesis (year, version, created_at) VALUES ($1, 1, $2)")
            .bind(year)
            .bind(now())
            .execute(&mut *c)
            .await?;
    });
    documents::record(tx.conn(), &domain::document_key(year), 1, "{}", &who.label).await?;
    let entity = year.to_string();
    audit::record(
        &mut tx,
        &who,
        audit_change("synthesis.create", &entity, json!({})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The row, taken first so two writes queue up (PostgreSQL); not found without one.
async fn locked(tx: &mut crate::Tx, year: i64) -> StoreResult<Head> {
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE synthesis SET version = version WHERE year = $1")
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    Ok(head(tx.conn(), year).await?.ok_or(ErrorCode::NotFound)?)
}

/// Writes one part from version `base` (the kernel's per-part locking) and moves the row
/// to the new version; the version now.
async fn write(
    tx: &mut crate::Tx,
    who: &Who,
    year: i64,
    head: &Head,
    (key, value): (&str, &str),
    base: i64,
) -> StoreResult<i64> {
    let written = documents::write_part(
        tx,
        &domain::document_key(year),
        head.version,
        base,
        key,
        Some(value),
        &who.label,
        "text",
    )
    .await?;
    let PartWritten::Version { version, .. } = written else {
        return Ok(head.version);
    };
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE synthesis SET version = $1 WHERE year = $2")
            .bind(version)
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    Ok(version)
}

/// Saves the secretariat's text of one section, written from `base`, while drafting.
pub async fn save_section(
    db: &Db,
    actor: &Actor,
    _proof: &FollowReports,
    year: i64,
    key: &str,
    text: &str,
    base: i64,
) -> StoreResult<i64> {
    if !domain::is_section(key) {
        return Err(ErrorCode::NotFound.into());
    }
    let text = samla_domain::assignment::check_text(text)?;
    samla_domain::publication::check_name("text", &text)?;
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked(&mut tx, year).await?;
    if head.stage() != Stage::Drafting {
        return Err(DomainError::field(ErrorCode::ReportLocked, "text").into());
    }
    let version = write(&mut tx, &who, year, &head, (key, &text), base).await?;
    let entity = year.to_string();
    let after = json!({ "part": key, "text": text, "version": version });
    audit::record(
        &mut tx,
        &who,
        audit_change("synthesis.save", &entity, after),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Releases the version the secretariat read to the steering group, with the figures as
/// they stand now kept in it.
pub async fn release(
    db: &Db,
    actor: &Actor,
    _proof: &FollowReports,
    year: i64,
    version: i64,
    figures: &Figures,
) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked(&mut tx, year).await?;
    if head.stage() != Stage::Drafting {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "version").into());
    }
    if version != head.version {
        return Err(DomainError::field(ErrorCode::EditConflict, "version").into());
    }
    let kept = serde_json::to_string(figures).unwrap_or_default();
    let released = write(&mut tx, &who, year, &head, ("figures", &kept), version).await?;
    on!(tx.conn(), |c| {
        sqlx::query(
            "UPDATE synthesis SET released_version = $1, released_at = $2, released_by = $3 WHERE year = $4",
        )
        .bind(released)
        .bind(now())
        .bind(&who.label)
        .bind(year)
        .execute(&mut *c)
        .await?;
    });
    let entity = year.to_string();
    let after = json!({ "version": released });
    audit::record(
        &mut tx,
        &who,
        audit_change("synthesis.release", &entity, after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes the released synthesis.
pub async fn publish(db: &Db, actor: &Actor, _proof: &FollowReports, year: i64) -> StoreResult<()> {
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked(&mut tx, year).await?;
    if head.stage() != Stage::Released {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "version").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE synthesis SET published_at = $1, published_by = $2 WHERE year = $3")
            .bind(now())
            .bind(&who.label)
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let entity = year.to_string();
    audit::record(
        &mut tx,
        &who,
        audit_change("synthesis.publish", &entity, json!({})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
