//! An embete's long-term plan as its readers and writers meet it: its own staff and
//! leaders work on the current version, its leaders anchor it, and everyone else reads
//! the newest anchored version. The same functions serve the pages and the API.

use samla_db::plan::{self as store, Plan, Saved};
use samla_db::{Db, StoreResult};
use samla_domain::access::{self, Actor, EmbeteWork};
use samla_domain::assignment::Requirement;
use samla_domain::plan::{self, ContactInput, Item, ItemInput, MemberInput};
use samla_domain::{DomainError, ErrorCode};

/// A plan opened for one reader.
#[derive(Debug, Clone)]
pub struct Opened {
    pub plan: Plan,
    /// The reader works in this embete: sees and may change the current version.
    pub writable: bool,
    /// The reader leads this embete and may anchor the current version now.
    pub may_anchor: bool,
    /// The joint assignment's requirements, as the newest published year words them.
    pub requirements: Vec<(i64, Requirement)>,
}

impl Opened {
    pub fn requirement(&self, id: i64) -> Option<&Requirement> {
        self.requirements
            .iter()
            .map(|(_, r)| r)
            .find(|r| r.id == id)
    }
}

/// The proof that the actor works in `embete`, or not found: outside the embete, a plan's
/// drafts do not exist.
fn own(actor: &Actor, embete: &str) -> StoreResult<EmbeteWork> {
    access::embete_work(actor, embete).map_err(|_| ErrorCode::NotFound.into())
}

/// Opens an embete's plan for `actor` (or a visitor). Not found when the reader may not
/// see any version of it.
pub async fn open(db: &Db, actor: Option<&Actor>, embete: &str) -> StoreResult<Opened> {
    let proof = actor.and_then(|a| access::embete_work(a, embete).ok());
    let found = match &proof {
        Some(p) => store::draft(db, p).await?,
        None => store::anchored(db, embete).await?,
    };
    let plan = found.ok_or(ErrorCode::NotFound)?;
    let may_anchor = proof.is_some()
        && actor.is_some_and(|a| access::approve_reports(a, embete).is_ok())
        && plan.anchoring != plan::Anchoring::Anchored
        && !plan.items.is_empty();
    Ok(Opened {
        writable: proof.is_some(),
        may_anchor,
        requirements: samla_db::assignment::published_requirements(db).await?,
        plan,
    })
}

/// The plans everyone may read, and whether the actor's own embete has started one.
pub async fn list(db: &Db) -> StoreResult<Vec<store::Summary>> {
    store::list(db).await
}

/// The embete's staff start its plan.
pub async fn create(db: &Db, actor: &Actor, embete: &str) -> StoreResult<()> {
    let proof = access::embete_work(actor, embete)?;
    store::create(db, actor, &proof).await
}

pub async fn save_summary(
    db: &Db,
    actor: &Actor,
    embete: &str,
    text: &str,
    base: i64,
) -> StoreResult<Saved> {
    store::save_summary(db, actor, &own(actor, embete)?, text, base).await
}

/// What was refused: the fields' errors (all at once), or a refusal of the save.
pub type FormResult<T> = Result<T, Result<Vec<DomainError>, samla_db::StoreError>>;

pub async fn save_group(
    db: &Db,
    actor: &Actor,
    embete: &str,
    internal: &[MemberInput],
    reference: &[MemberInput],
    contacts: &[ContactInput],
    base: i64,
) -> FormResult<Saved> {
    let proof = own(actor, embete).map_err(Err)?;
    let group = plan::check_group(internal, reference, contacts).map_err(Ok)?;
    store::save_group(db, actor, &proof, &group, base)
        .await
        .map_err(Err)
}

/// Checks an item against the plan as it stands (its possible parents) and the published
/// requirements.
async fn checked(
    db: &Db,
    proof: &EmbeteWork,
    kind: &str,
    input: &ItemInput,
    id: i64,
) -> FormResult<Item> {
    let parents = match plan::parent_kind(kind) {
        Some(parent) => store::item_ids(db, proof, parent).await.map_err(Err)?,
        None => Vec::new(),
    };
    let requirements: Vec<i64> = samla_db::assignment::published_requirements(db)
        .await
        .map_err(Err)?
        .iter()
        .map(|(_, r)| r.id)
        .collect();
    plan::check_item(kind, input, id, &parents, &requirements).map_err(Ok)
}

/// Adds an ambition, goal or measure, written from `base`.
pub async fn add_item(
    db: &Db,
    actor: &Actor,
    embete: &str,
    kind: &str,
    input: &ItemInput,
    base: i64,
) -> FormResult<(Item, Saved)> {
    let proof = own(actor, embete).map_err(Err)?;
    let item = checked(db, &proof, kind, input, 0).await?;
    store::add_item(db, actor, &proof, item, base)
        .await
        .map_err(Err)
}

/// Saves an item's fields, written from `base`.
pub async fn save_item(
    db: &Db,
    actor: &Actor,
    embete: &str,
    kind: &str,
    id: i64,
    input: &ItemInput,
    base: i64,
) -> FormResult<Saved> {
    let proof = own(actor, embete).map_err(Err)?;
    store::item(db, &proof, kind, id).await.map_err(Err)?;
    let item = checked(db, &proof, kind, input, id).await?;
    store::save_item(db, actor, &proof, &item, base)
        .await
        .map_err(Err)
}

pub async fn remove_item(
    db: &Db,
    actor: &Actor,
    embete: &str,
    kind: &str,
    id: i64,
    base: i64,
) -> StoreResult<Saved> {
    store::remove_item(db, actor, &own(actor, embete)?, kind, id, base).await
}

/// One item of the current version, for its editor.
pub async fn item(db: &Db, actor: &Actor, embete: &str, kind: &str, id: i64) -> StoreResult<Item> {
    store::item(db, &own(actor, embete)?, kind, id).await
}

/// An embete leader anchors the version they read.
pub async fn anchor(
    db: &Db,
    actor: &Actor,
    embete: &str,
    version: i64,
) -> StoreResult<store::Anchored> {
    let proof = own(actor, embete)?;
    let leader = access::approve_reports(actor, embete)
        .map_err(|_| DomainError::field(ErrorCode::LeaderRequired, "version"))?;
    store::anchor(db, actor, &proof, &leader, version).await
}

/// The plan's history for this reader: every version for its own people (with the
/// anchorings), only the anchorings for everyone else.
pub struct History {
    pub versions: Vec<samla_db::documents::VersionInfo>,
    pub anchorings: Vec<store::Anchored>,
}

pub async fn history(db: &Db, actor: Option<&Actor>, embete: &str) -> StoreResult<History> {
    let proof = actor.and_then(|a| access::embete_work(a, embete).ok());
    let anchorings = store::anchorings(db, embete).await?;
    let versions = match &proof {
        Some(p) => store::versions(db, p).await?,
        None if anchorings.is_empty() => return Err(ErrorCode::NotFound.into()),
        None => Vec::new(),
    };
    Ok(History {
        versions,
        anchorings,
    })
}

/// Two versions compared for this reader (outside the embete, anchored ones only).
pub async fn compare(
    db: &Db,
    actor: Option<&Actor>,
    embete: &str,
    from: i64,
    to: i64,
) -> StoreResult<Vec<store::PartDiff>> {
    let proof = actor.and_then(|a| access::embete_work(a, embete).ok());
    store::compare(db, embete, from, to, proof.as_ref()).await
}
