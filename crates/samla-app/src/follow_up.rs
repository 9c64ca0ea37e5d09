//! Follow-up after a published report: the unit's contacts mark progress on what was
//! agreed with the unit and comment; the embete follows every item of its reports.

use crate::who;
use samla_db::follow_up::{self, Item};
use samla_db::{Db, StoreResult};
use samla_domain::ErrorCode;
use samla_domain::access::{self, Actor};

/// The items the actor follows, overdue first, and whether they may update them: a
/// unit's contact gets the unit's items, an embete's staff every item of its reports.
pub async fn items(db: &Db, actor: &Actor) -> StoreResult<(Vec<Item>, bool)> {
    if let Ok(proof) = access::unit_work(actor) {
        return Ok((follow_up::for_unit(db, &proof).await?, true));
    }
    let proof = crate::dialogue::own_work(actor)?;
    Ok((follow_up::for_embete(db, &proof).await?, false))
}

/// A unit's contact sets an item's status and may add a comment; the item as it is now.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: &str,
    comment: &str,
) -> StoreResult<Item> {
    let proof = access::unit_work(actor)?;
    follow_up::update(db, &proof, &who(actor), id, status, comment).await?;
    follow_up::for_unit(db, &proof)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(ErrorCode::NotFound.into())
}
