//! The joint assignment as its readers and writers meet it: the assignment opened for
//! the acting person (the current draft for the secretariat, the directorates and the
//! steering group; the published version for everyone else) with what this person may
//! do with it, and the commands, the same for the pages and the API.

use samla_db::assignment::{self as store, Assignment, Saved};
use samla_db::{Db, StoreResult};
use samla_domain::ErrorCode;
use samla_domain::access::{Actor, PublicView};
use samla_domain::assignment::{
    self, Requirement, RequirementInput, SignOffState, Stage, TRANSITIONS,
};

/// An assignment opened for one reader.
#[derive(Debug, Clone)]
pub struct Opened {
    pub assignment: Assignment,
    /// Whether the reader sees the working draft (not only the published version).
    pub draft: bool,
    /// The sections this reader may write now, by key.
    pub writable: Vec<String>,
    /// The directorate this reader may sign for now, if any.
    pub may_sign: Option<String>,
    /// The stages the reader may move the assignment to now.
    pub moves: Vec<Stage>,
}

impl Opened {
    pub fn may_write(&self, key: &str) -> bool {
        self.writable.iter().any(|k| k == key)
    }
}

/// Opens a year's assignment for `actor` (or a visitor). Not found when the reader may
/// not see any version of it.
pub async fn open(db: &Db, actor: Option<&Actor>, year: i64) -> StoreResult<Opened> {
    let drafts = actor.and_then(|a| assignment::read_drafts(a).ok());
    let found = match &drafts {
        Some(proof) => store::draft(db, proof, year).await?,
        None => store::published(db, &PublicView, year).await?,
    };
    let a = found.ok_or(ErrorCode::NotFound)?;
    let Some(actor) = actor.filter(|_| drafts.is_some()) else {
        return Ok(Opened {
            assignment: a,
            draft: false,
            writable: Vec::new(),
            may_sign: None,
            moves: Vec::new(),
        });
    };
    let writable = if a.stage.open_for_edits() {
        a.sections
            .iter()
            .filter(|s| assignment::may_write(actor, &s.owner))
            .map(|s| s.key.clone())
            .collect()
    } else {
        Vec::new()
    };
    let may_sign = assignment::check_sign_off(actor, a.stage)
        .ok()
        .filter(|d| {
            a.sign_offs
                .iter()
                .any(|s| s.directorate == *d && !matches!(s.state, SignOffState::Valid { .. }))
        })
        .map(str::to_owned);
    let all_signed = a.all_signed();
    let moves = TRANSITIONS
        .iter()
        .filter(|t| t.from == a.stage)
        .filter(|t| assignment::check_move(actor, t.from, t.to, all_signed).is_ok())
        .map(|t| t.to)
        .collect();
    Ok(Opened {
        assignment: a,
        draft: true,
        writable,
        may_sign,
        moves,
    })
}

/// The years a reader may open, newest first.
pub async fn list(db: &Db, actor: Option<&Actor>) -> StoreResult<Vec<store::Summary>> {
    let drafts = actor.and_then(|a| assignment::read_drafts(a).ok());
    store::list(db, drafts.as_ref()).await
}

/// Whether the actor may start a new year's assignment.
pub fn may_create(actor: Option<&Actor>) -> bool {
    actor.is_some_and(assignment::is_secretariat)
}

/// The secretariat starts the assignment for the year typed as `year`; the year it made.
pub async fn create(db: &Db, actor: &Actor, year: &str) -> StoreResult<i64> {
    if !assignment::is_secretariat(actor) {
        return Err(ErrorCode::Forbidden.into());
    }
    let year = year
        .trim()
        .parse::<i64>()
        .map_err(|_| samla_domain::DomainError::field(ErrorCode::InvalidNumber, "year"))?;
    store::create(db, actor, year).await?;
    Ok(year)
}

/// Someone who does not read the draft has nothing to act on: not found, as on the page.
fn draft_reader(actor: &Actor) -> StoreResult<()> {
    assignment::read_drafts(actor)
        .map(|_| ())
        .map_err(|_| ErrorCode::NotFound.into())
}

pub async fn save_section(
    db: &Db,
    actor: &Actor,
    year: i64,
    key: &str,
    text: &str,
    base: i64,
) -> StoreResult<Saved> {
    draft_reader(actor)?;
    store::save_section(db, actor, year, key, text, base).await
}

pub async fn sign_off(db: &Db, actor: &Actor, year: i64, version: i64) -> StoreResult<()> {
    draft_reader(actor)?;
    store::sign_off(db, actor, year, version).await
}

/// The secretariat moves the assignment to the stage named `to`.
pub async fn move_to(db: &Db, actor: &Actor, year: i64, to: &str) -> StoreResult<()> {
    draft_reader(actor)?;
    if !assignment::is_secretariat(actor) {
        return Err(ErrorCode::Forbidden.into());
    }
    store::move_to(db, actor, year, Stage::parse(to)?).await
}

/// This year's assignment against last year's, for the reader: the drafts for a draft
/// reader, the published versions for anyone else (none before this year's is published).
pub async fn against_last_year(
    db: &Db,
    actor: Option<&Actor>,
    year: i64,
) -> StoreResult<Option<Vec<store::SectionDiff>>> {
    let drafts = actor.and_then(|a| assignment::read_drafts(a).ok());
    store::yearly_diff(db, drafts.as_ref(), year).await
}

/// A requirement refused: its fields' errors (all at once), or a refusal of the save.
pub type RequirementResult<T> =
    Result<T, Result<Vec<samla_domain::DomainError>, samla_db::StoreError>>;

/// Adds a requirement to a section of this year's assignment, written from `base`.
pub async fn add_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    section: &str,
    input: &RequirementInput,
    base: i64,
) -> RequirementResult<(Requirement, Saved)> {
    draft_reader(actor).map_err(Err)?;
    let requirement = assignment::check_requirement(input, 0, section).map_err(Ok)?;
    store::add_requirement(db, actor, year, requirement, base)
        .await
        .map_err(Err)
}

/// Saves a requirement's fields, written from `base`; it stays in its section.
pub async fn save_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    id: i64,
    input: &RequirementInput,
    base: i64,
) -> RequirementResult<Saved> {
    draft_reader(actor).map_err(Err)?;
    let current = store::draft_requirement(db, year, id).await.map_err(Err)?;
    let requirement = assignment::check_requirement(input, id, &current.section).map_err(Ok)?;
    store::save_requirement(db, actor, year, &requirement, base)
        .await
        .map_err(Err)
}

/// Takes a requirement out of this year's assignment.
pub async fn remove_requirement(
    db: &Db,
    actor: &Actor,
    year: i64,
    id: i64,
    base: i64,
) -> StoreResult<Saved> {
    draft_reader(actor)?;
    store::remove_requirement(db, actor, year, id, base).await
}

/// One requirement of this year's draft, for its editor.
pub async fn requirement(db: &Db, actor: &Actor, year: i64, id: i64) -> StoreResult<Requirement> {
    draft_reader(actor)?;
    store::draft_requirement(db, year, id).await
}
