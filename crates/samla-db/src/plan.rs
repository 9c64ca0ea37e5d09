//! An embete's long-term plan: the parted document `plan:<embete>` in the document kernel
//! (so every version is kept with its hash, and any two compare), the row that says which
//! version is current, every anchoring by a leader, and the items' stable identities.
//! Drafts are read with the embete's own [`EmbeteWork`] proof; everyone reads the newest
//! anchored version. Every change is audited in its own transaction.

use crate::audit::{self, Change, Who};
use crate::documents::{self, PartWritten};
use crate::{Db, StoreResult, now, on};
use samla_domain::access::{Actor, ApproveReports, EmbeteWork};
use samla_domain::document::{self, Piece, Sections};
use samla_domain::plan::{self, Anchoring, Group, Item};
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// An anchoring by an embete leader.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Anchored {
    pub version: i64,
    pub sha256: String,
    /// Unix seconds.
    pub anchored_at: i64,
    pub anchored_by: String,
}

/// A plan as a reader may see it: the embete's own people get the current version, everyone
/// else the newest anchored one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub embete: String,
    /// The version shown.
    pub version: i64,
    pub sha256: String,
    /// Where the current version stands against the newest anchoring.
    pub anchoring: Anchoring,
    pub anchored: Option<Anchored>,
    pub summary: String,
    pub group: Group,
    /// Every ambition, goal and measure, in the order they were made.
    pub items: Vec<Item>,
}

impl Plan {
    pub fn children(&self, parent: i64) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.parent == Some(parent))
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Item> {
        self.items.iter().filter(move |i| i.kind == kind)
    }

    pub fn item(&self, kind: &str, id: i64) -> Option<&Item> {
        self.items.iter().find(|i| i.kind == kind && i.id == id)
    }
}

/// A plan in the list of embeter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub embete: String,
    pub anchored: Option<Anchored>,
    /// Measures in the newest anchored version.
    pub measures: usize,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new version; `after_anchoring` when an anchored version now lies behind it.
    Version { version: i64, after_anchoring: bool },
    /// The plan already said so: nothing changed.
    Unchanged,
}

fn items_in(parts: &Sections) -> Vec<Item> {
    let mut items: Vec<Item> = parts
        .iter()
        .filter(|(k, _)| plan::item_of(k).is_some())
        .filter_map(|(_, v)| serde_json::from_str(v).ok())
        .collect();
    items.sort_by_key(|i: &Item| i.id);
    items
}

async fn current(conn: crate::Conn<'_>, embete: &str) -> Result<Option<i64>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query_scalar("SELECT version FROM county_plan WHERE embete = $1")
            .bind(embete)
            .fetch_optional(&mut *c)
            .await
    })
}

async fn newest_anchoring(
    conn: crate::Conn<'_>,
    embete: &str,
) -> Result<Option<Anchored>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT version, sha256, anchored_at, anchored_by FROM plan_anchoring \
             WHERE embete = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(embete)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| {
            Ok::<_, sqlx::Error>(Anchored {
                version: r.try_get(0)?,
                sha256: r.try_get(1)?,
                anchored_at: r.try_get(2)?,
                anchored_by: r.try_get(3)?,
            })
        })
        .transpose()
    })
}

async fn read(db: &Db, embete: &str, drafts: bool) -> StoreResult<Option<Plan>> {
    let mut conn = db.acquire().await?;
    let Some(head) = current(conn.conn(), embete).await? else {
        return Ok(None);
    };
    let anchored = newest_anchoring(conn.conn(), embete).await?;
    let version = match (drafts, &anchored) {
        (true, _) => head,
        (false, Some(a)) => a.version,
        (false, None) => return Ok(None),
    };
    let (parts, sha256) =
        documents::parts_at(conn.conn(), &plan::document_key(embete), version).await?;
    Ok(Some(Plan {
        embete: embete.to_owned(),
        version,
        sha256,
        anchoring: plan::anchoring(anchored.as_ref().map(|a| a.version), head),
        anchored,
        summary: parts.get("summary").cloned().unwrap_or_default(),
        group: parts
            .get("group")
            .and_then(|g| serde_json::from_str(g).ok())
            .unwrap_or_default(),
        items: items_in(&parts),
    }))
}

/// The embete's plan as it stands now, for its own people.
pub async fn draft(db: &Db, proof: &EmbeteWork) -> StoreResult<Option<Plan>> {
    read(db, proof.embete(), true).await
}

/// The newest anchored version of an embete's plan: what everyone may read.
pub async fn anchored(db: &Db, embete: &str) -> StoreResult<Option<Plan>> {
    read(db, embete, false).await
}

/// Every embete that has started a plan, with its newest anchoring.
pub async fn list(db: &Db) -> StoreResult<Vec<Summary>> {
    // One read: each plan with its newest anchoring and that version's content.
    type Row5 = (String, Option<Anchored>, Option<String>);
    let rows: Vec<Row5> = on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT p.embete, a.version, a.sha256, a.anchored_at, a.anchored_by, v.content \
             FROM county_plan p \
             LEFT JOIN plan_anchoring a ON a.embete = p.embete AND a.version = \
               (SELECT MAX(b.version) FROM plan_anchoring b WHERE b.embete = p.embete) \
             LEFT JOIN document_version v ON v.document = 'plan:' || p.embete AND v.version = a.version \
             ORDER BY p.embete",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let anchored = match r.try_get::<Option<i64>, _>(1)? {
                Some(version) => Some(Anchored {
                    version,
                    sha256: r.try_get(2)?,
                    anchored_at: r.try_get(3)?,
                    anchored_by: r.try_get(4)?,
                }),
                None => None,
            };
            Ok((r.try_get(0)?, anchored, r.try_get(5)?))
        })
        .collect::<Result<_, sqlx::Error>>()?
    });
    Ok(rows
        .into_iter()
        .map(|(embete, anchored, content)| {
            let parts: Sections = content
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default();
            Summary {
                embete,
                measures: items_in(&parts)
                    .iter()
                    .filter(|i| i.kind == "measure")
                    .count(),
                anchored,
            }
        })
        .collect())
}

/// Starts the embete's plan, empty.
pub async fn create(db: &Db, actor: &Actor, proof: &EmbeteWork) -> StoreResult<()> {
    let embete = proof.embete();
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    if current(tx.conn(), embete).await?.is_some() {
        return Err(DomainError::field(ErrorCode::DuplicateName, "embete").into());
    }
    on!(tx.conn(), |c| {
        sqlx::query("INSERT INTO county_plan (embete, version, created_at) VALUES ($1, 1, $2)")
            .bind(embete)
            .bind(now())
            .execute(&mut *c)
            .await?;
    });
    documents::record(tx.conn(), &plan::document_key(embete), 1, "{}", &who.label).await?;
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "plan.create",
            entity_type: "plan",
            entity_id: embete,
            embete: Some(embete),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The current version, with the plan's row taken first, so two writes of one plan queue
/// up (PostgreSQL).
async fn locked_head(tx: &mut crate::Tx, embete: &str) -> StoreResult<i64> {
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE county_plan SET version = version WHERE embete = $1")
            .bind(embete)
            .execute(&mut *c)
            .await?;
    });
    let head = current(tx.conn(), embete)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(head)
}

/// What must hold in the current version before a part is written, checked under the
/// plan's lock so that no other write slips in between the check and the write.
enum Guard {
    Nothing,
    /// The item's parent (this part key) is still in the plan.
    Parent(String),
    /// The item (this part key, this identity) is there, with nothing under it.
    Childless(String, i64),
}

impl Guard {
    async fn check(&self, tx: &mut crate::Tx, embete: &str, head: i64) -> StoreResult<()> {
        if matches!(self, Guard::Nothing) {
            return Ok(());
        }
        let (parts, _) = documents::parts_at(tx.conn(), &plan::document_key(embete), head).await?;
        match self {
            Guard::Nothing => Ok(()),
            Guard::Parent(key) if !parts.contains_key(key) => {
                Err(DomainError::field(ErrorCode::InvalidChoice, "parent").into())
            }
            Guard::Parent(_) => Ok(()),
            Guard::Childless(key, _) if !parts.contains_key(key) => Err(ErrorCode::NotFound.into()),
            Guard::Childless(_, id) if items_in(&parts).iter().any(|i| i.parent == Some(*id)) => {
                Err(DomainError::field(ErrorCode::HasRecords, "title").into())
            }
            Guard::Childless(..) => Ok(()),
        }
    }
}

/// Writes one part of the plan (or removes it, for `None`) from version `base`, under
/// the kernel's per-part locking, inside `tx`, which it commits.
#[allow(clippy::too_many_arguments)]
async fn write(
    mut tx: crate::Tx,
    actor: &Actor,
    embete: &str,
    key: &str,
    value: Option<String>,
    base: i64,
    field: &'static str,
    guard: Guard,
) -> StoreResult<Saved> {
    let who = Who::user(actor.user_id, &actor.email);
    let head = locked_head(&mut tx, embete).await?;
    guard.check(&mut tx, embete, head).await?;
    let written = documents::write_part(
        &mut tx,
        &plan::document_key(embete),
        head,
        base,
        key,
        value.as_deref(),
        &who.label,
        field,
    )
    .await?;
    let (version, before) = match written {
        PartWritten::Unchanged => return Ok(Saved::Unchanged),
        PartWritten::Version { version, before } => (version, before),
    };
    on!(tx.conn(), |c| {
        sqlx::query("UPDATE county_plan SET version = $1 WHERE embete = $2")
            .bind(version)
            .bind(embete)
            .execute(&mut *c)
            .await?;
    });
    let anchored = newest_anchoring(tx.conn(), embete).await?;
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "plan.save",
            entity_type: "plan",
            entity_id: embete,
            embete: Some(embete),
            before: Some(json!({ "version": head, "part": key, "value": before })),
            after: Some(json!({ "version": version, "part": key, "value": value })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved::Version {
        version,
        after_anchoring: anchored.is_some(),
    })
}

/// Saves the plan's own text (its purpose and frame).
pub async fn save_summary(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    text: &str,
    base: i64,
) -> StoreResult<Saved> {
    let text = samla_domain::assignment::check_text(text)?;
    samla_domain::publication::check_name("text", &text)?;
    let tx = db.begin().await?;
    write(
        tx,
        actor,
        proof.embete(),
        "summary",
        Some(text),
        base,
        "text",
        Guard::Nothing,
    )
    .await
}

/// Saves the internal 0–24 group and the reference group.
pub async fn save_group(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    group: &Group,
    base: i64,
) -> StoreResult<Saved> {
    let value = serde_json::to_string(group).unwrap_or_default();
    let tx = db.begin().await?;
    write(
        tx,
        actor,
        proof.embete(),
        "group",
        Some(value),
        base,
        "internal",
        Guard::Nothing,
    )
    .await
}

/// The items of `kind` in the current version: what a goal or a measure may sit under.
pub async fn item_ids(db: &Db, proof: &EmbeteWork, kind: &str) -> StoreResult<Vec<i64>> {
    Ok(draft(db, proof)
        .await?
        .map(|p| p.of_kind(kind).map(|i| i.id).collect())
        .unwrap_or_default())
}

/// Adds a checked item; its identity is set here. The item as added, and the version.
pub async fn add_item(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    mut item: Item,
    base: i64,
) -> StoreResult<(Item, Saved)> {
    let embete = proof.embete();
    let mut tx = db.begin().await?;
    current(tx.conn(), embete)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let id: i64 = on!(tx.conn(), |c| {
        sqlx::query_scalar(
            "INSERT INTO plan_item (embete, kind, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(embete)
        .bind(&item.kind)
        .bind(now())
        .fetch_one(&mut *c)
        .await?
    });
    item.id = id;
    let saved = write_item(tx, actor, embete, &item, base).await?;
    Ok((item, saved))
}

/// Writes an item over the one with its identity, if that is an item of this plan and kind
/// whose parent is still there.
async fn write_item(
    mut tx: crate::Tx,
    actor: &Actor,
    embete: &str,
    item: &Item,
    base: i64,
) -> StoreResult<Saved> {
    let kind: Option<String> = on!(tx.conn(), |c| {
        sqlx::query_scalar("SELECT kind FROM plan_item WHERE id = $1 AND embete = $2")
            .bind(item.id)
            .bind(embete)
            .fetch_optional(&mut *c)
            .await?
    });
    if kind.as_deref() != Some(item.kind.as_str()) {
        return Err(ErrorCode::NotFound.into());
    }
    let guard = match (item.parent, plan::parent_kind(&item.kind)) {
        (Some(parent), Some(parent_kind)) => Guard::Parent(plan::item_key(parent_kind, parent)),
        _ => Guard::Nothing,
    };
    let key = plan::item_key(&item.kind, item.id);
    let value = serde_json::to_string(item).unwrap_or_default();
    write(tx, actor, embete, &key, Some(value), base, "title", guard).await
}

/// Saves a checked item over the one with its identity.
pub async fn save_item(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    item: &Item,
    base: i64,
) -> StoreResult<Saved> {
    let tx = db.begin().await?;
    write_item(tx, actor, proof.embete(), item, base).await
}

/// One item as it stands in the current version.
pub async fn item(db: &Db, proof: &EmbeteWork, kind: &str, id: i64) -> StoreResult<Item> {
    draft(db, proof)
        .await?
        .and_then(|p| p.item(kind, id).cloned())
        .ok_or(ErrorCode::NotFound.into())
}

/// Takes an item out of the plan; one with goals or measures under it is refused
/// (`has_records`), so nothing is left without its parent.
pub async fn remove_item(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    kind: &str,
    id: i64,
    base: i64,
) -> StoreResult<Saved> {
    let tx = db.begin().await?;
    let key = plan::item_key(kind, id);
    let guard = Guard::Childless(key.clone(), id);
    write(tx, actor, proof.embete(), &key, None, base, "title", guard).await
}

/// An embete leader anchors the current version, naming it: `version` is the one they
/// read, and a newer one is refused (`edit_conflict`).
pub async fn anchor(
    db: &Db,
    actor: &Actor,
    proof: &EmbeteWork,
    _leader: &ApproveReports,
    version: i64,
) -> StoreResult<Anchored> {
    let embete = proof.embete();
    let who = Who::user(actor.user_id, &actor.email);
    let mut tx = db.begin().await?;
    let head = locked_head(&mut tx, embete).await?;
    if version != head {
        return Err(DomainError::field(ErrorCode::EditConflict, "version").into());
    }
    if newest_anchoring(tx.conn(), embete)
        .await?
        .is_some_and(|a| a.version == head)
    {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "version").into());
    }
    let (parts, sha256) = documents::parts_at(tx.conn(), &plan::document_key(embete), head).await?;
    if items_in(&parts).is_empty() {
        return Err(DomainError::field(ErrorCode::Required, "version").into());
    }
    let anchored = Anchored {
        version: head,
        sha256,
        anchored_at: now(),
        anchored_by: who.label.clone(),
    };
    on!(tx.conn(), |c| {
        sqlx::query(
            "INSERT INTO plan_anchoring (embete, version, sha256, anchored_at, anchored_by) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(embete)
        .bind(anchored.version)
        .bind(&anchored.sha256)
        .bind(anchored.anchored_at)
        .bind(&anchored.anchored_by)
        .execute(&mut *c)
        .await?;
    });
    audit::record(
        &mut tx,
        &who,
        Change {
            action: "plan.anchor",
            entity_type: "plan",
            entity_id: embete,
            embete: Some(embete),
            before: None,
            after: Some(json!({ "version": head, "sha256": anchored.sha256 })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(anchored)
}

/// Every anchoring of a plan, newest first: public, like the anchored versions.
pub async fn anchorings(db: &Db, embete: &str) -> StoreResult<Vec<Anchored>> {
    Ok(on!(db.acquire().await?.conn(), |c| {
        sqlx::query(
            "SELECT version, sha256, anchored_at, anchored_by FROM plan_anchoring \
             WHERE embete = $1 ORDER BY version DESC",
        )
        .bind(embete)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok::<_, sqlx::Error>(Anchored {
                version: r.try_get(0)?,
                sha256: r.try_get(1)?,
                anchored_at: r.try_get(2)?,
                anchored_by: r.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?
    }))
}

/// Every saved version of the plan, newest first, for its own people.
pub async fn versions(db: &Db, proof: &EmbeteWork) -> StoreResult<Vec<documents::VersionInfo>> {
    Ok(documents::versions(db, &plan::document_key(proof.embete())).await?)
}

/// One part compared between two versions, word by word.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartDiff {
    /// `summary`, `group` or an item's key (`measure:12`).
    pub key: String,
    /// An item's kind and title (the newer one's, or the older one's if it was taken out).
    pub kind: Option<String>,
    pub title: Option<String>,
    pub changed: bool,
    pub pieces: Vec<Piece>,
}

/// A part as words to compare: an item's fields one per line, the groups one member per
/// line, the summary as written.
fn readable(key: &str, value: Option<&String>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    if key == "group" {
        let group: Group = serde_json::from_str(value).unwrap_or_default();
        return group
            .internal
            .iter()
            .chain(&group.reference)
            .map(|m| format!("{} ({}) {}", m.name, m.title, m.department))
            .collect::<Vec<_>>()
            .join("\n");
    }
    let Ok(item) = serde_json::from_str::<Item>(value) else {
        return value.clone();
    };
    let mut lines = vec![item.title.clone(), item.text.clone()];
    if let Some(m) = &item.measure {
        lines.push(m.owner.clone());
        lines.push(m.status.clone());
        lines.extend(m.deadline.clone());
        for i in &m.indicators {
            let values: Vec<String> = i
                .values
                .iter()
                .map(|v| format!("{}: {}", v.year, v.value))
                .collect();
            lines.push(format!(
                "{} {} → {} ({})",
                i.name,
                i.baseline.map(|b| b.to_string()).unwrap_or_default(),
                i.target.map(|t| t.to_string()).unwrap_or_default(),
                values.join(", ")
            ));
        }
        let numbers = |n: &[u32]| n.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        if !m.crc_articles.is_empty() {
            lines.push(format!("CRC {}", numbers(&m.crc_articles)));
        }
        if !m.steps.is_empty() {
            lines.push(format!("Sjumilssteget {}", numbers(&m.steps)));
        }
    }
    lines.join("\n")
}

/// Two versions of a plan, part by part: the summary, the groups, then every item either
/// version has, in the order they were made.
pub async fn compare(
    db: &Db,
    embete: &str,
    from: i64,
    to: i64,
    drafts: Option<&EmbeteWork>,
) -> StoreResult<Vec<PartDiff>> {
    let mut conn = db.acquire().await?;
    if drafts.is_none() {
        // Outside the embete, only anchored versions compare.
        let anchored: Vec<i64> = anchorings(db, embete)
            .await?
            .iter()
            .map(|a| a.version)
            .collect();
        if !anchored.contains(&from) || !anchored.contains(&to) {
            return Err(ErrorCode::NotFound.into());
        }
    }
    let key = plan::document_key(embete);
    let (old, _) = documents::parts_at(conn.conn(), &key, from).await?;
    let (new, _) = documents::parts_at(conn.conn(), &key, to).await?;
    let mut items = items_in(&old);
    for i in items_in(&new) {
        items.retain(|o| o.id != i.id);
        items.push(i);
    }
    items.sort_by_key(|i| i.id);
    let keys = ["summary".to_owned(), "group".to_owned()]
        .into_iter()
        .chain(items.iter().map(|i| plan::item_key(&i.kind, i.id)));
    Ok(keys
        .map(|key| {
            let item = items.iter().find(|i| plan::item_key(&i.kind, i.id) == key);
            let (changed, pieces) = document::compare_part(&key, &old, &new, readable);
            PartDiff {
                kind: item.map(|i| i.kind.clone()),
                title: item.map(|i| i.title.clone()),
                changed,
                pieces,
                key,
            }
        })
        .collect())
}
