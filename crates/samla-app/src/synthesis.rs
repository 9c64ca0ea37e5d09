//! The synthesis for the steering group as its writers and readers meet it: the
//! secretariat writes it over live figures, releases it to the steering group (the
//! figures are kept as they stood) and publishes it; the steering group reads the released
//! version, everyone the published one.

use samla_db::synthesis::{self as store, Reader, Stage, Synthesis};
use samla_db::{Db, StoreResult};
use samla_domain::access::{self, Actor, FollowReports, Role};
use samla_domain::synthesis::{self as domain, Figures};
use samla_domain::{ErrorCode, dates};

/// A synthesis opened for one reader.
#[derive(Debug, Clone)]
pub struct Opened {
    pub synthesis: Synthesis,
    /// The figures shown: as kept at the release, or live while drafting.
    pub figures: Figures,
    /// The secretariat, while drafting: may write the texts and release.
    pub writable: bool,
    /// The secretariat, once released: may publish.
    pub may_publish: bool,
}

impl Opened {
    pub fn text(&self, key: &str) -> &str {
        self.synthesis.texts.get(key).map_or("", String::as_str)
    }
}

fn reader(actor: Option<&Actor>) -> Reader {
    match actor {
        Some(a) if access::follow_reports(a).is_ok() => Reader::Secretariat,
        Some(a) if a.has(Role::SteeringGroup) => Reader::SteeringGroup,
        _ => Reader::Public,
    }
}

fn secretariat(actor: &Actor) -> StoreResult<FollowReports> {
    Ok(access::follow_reports(actor)?)
}

/// The year's figures as the assessments stand now: its reporting requirements across
/// today's embeter, with the trend from earlier years.
async fn live_figures(db: &Db, proof: &FollowReports, year: i64) -> StoreResult<Figures> {
    let all = samla_db::assignment::published_year_requirements(db, year)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let requirements: Vec<(i64, String)> = samla_domain::yearly_report::answered(&all)
        .iter()
        .map(|r| (r.id, r.title.clone()))
        .collect();
    let embeter: Vec<String> = samla_db::regions::embeter_on(db, dates::today())
        .await?
        .into_iter()
        .map(|e| e.code)
        .collect();
    let rows = store::rows(db, proof, year).await?;
    Ok(domain::figures(year, &requirements, &embeter, &rows))
}

/// Opens a year's synthesis for `actor` (or a visitor); not found when there is nothing
/// that reader may see.
pub async fn open(db: &Db, actor: Option<&Actor>, year: i64) -> StoreResult<Opened> {
    let reader = reader(actor);
    let synthesis = store::read(db, year, reader)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let figures = match (
        &synthesis.figures,
        actor.and_then(|a| access::follow_reports(a).ok()),
    ) {
        (Some(kept), _) => kept.clone(),
        (None, Some(proof)) => live_figures(db, &proof, year).await?,
        (None, None) => return Err(ErrorCode::NotFound.into()),
    };
    let is_secretariat = reader == Reader::Secretariat;
    Ok(Opened {
        writable: is_secretariat && synthesis.stage == Stage::Drafting,
        may_publish: is_secretariat && synthesis.stage == Stage::Released,
        figures,
        synthesis,
    })
}

/// The syntheses the reader may see, newest first.
pub async fn list(db: &Db, actor: Option<&Actor>) -> StoreResult<Vec<(i64, Stage)>> {
    store::years(db, reader(actor)).await
}

pub async fn create(db: &Db, actor: &Actor, year: i64) -> StoreResult<()> {
    store::create(db, actor, &secretariat(actor)?, year).await
}

pub async fn save_section(
    db: &Db,
    actor: &Actor,
    year: i64,
    key: &str,
    text: &str,
    base: i64,
) -> StoreResult<i64> {
    let proof = access::follow_reports(actor).map_err(|_| ErrorCode::NotFound)?;
    store::save_section(db, actor, &proof, year, key, text, base).await
}

/// Releases the version the secretariat read, with the figures as they stand now.
pub async fn release(db: &Db, actor: &Actor, year: i64, version: i64) -> StoreResult<()> {
    let proof = secretariat(actor)?;
    let figures = live_figures(db, &proof, year).await?;
    store::release(db, actor, &proof, year, version, &figures).await
}

pub async fn publish(db: &Db, actor: &Actor, year: i64) -> StoreResult<()> {
    store::publish(db, actor, &secretariat(actor)?, year).await
}
