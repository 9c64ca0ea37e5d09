//! The audit log: who changed what, when, with the state before and after.
//!
//! [`record`] takes the open transaction of the change it describes, so a change
//! without its audit row cannot commit. Rows are never updated or deleted (one
//! migration redacted the draft texts earlier versions kept; see [`draft_change`]).
//!
//! Published and structural data (steps, cycles, users) keep full before/after. Drafts
//! (report text, meeting notes) keep only which fields changed and a SHA-256 of each
//! new value: a draft is unpublished work, and it may hold what the publication gate
//! refused, which must be gone once it is removed.

use crate::{Conn, Db, Tx, decode, now, on};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Who did something: a user, or the system itself (command line, import, demo set-up).
#[derive(Debug, Clone)]
pub struct Who {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Who {
    pub fn user(id: i64, email: &str) -> Who {
        Who {
            user_id: Some(id),
            label: email.to_owned(),
        }
    }

    pub fn system(label: &str) -> Who {
        Who {
            user_id: None,
            label: label.to_owned(),
        }
    }
}

/// A change to record. `before`/`after` are JSON snapshots (None where nothing existed).
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    /// The embete whose own work this is (its cycles and dialogues): such rows are read
    /// only by that embete's leaders, never by anyone outside it, administrators included.
    pub embete: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// What the log keeps of a change to a draft: each field whose value changed, with
/// `sha256:` and the hash of its new value (as JSON), and the draft's `version`.
pub fn draft_change(
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
) -> serde_json::Value {
    let mut kept = serde_json::Map::new();
    if let Some(fields) = after.as_object() {
        for (field, value) in fields {
            if field == "version" {
                kept.insert(field.clone(), value.clone());
            } else if before.and_then(|b| b.get(field)) != Some(value) {
                let hash = crate::auth::hex(&Sha256::digest(value.to_string().as_bytes()));
                kept.insert(field.clone(), format!("sha256:{hash}").into());
            }
        }
    }
    serde_json::Value::Object(kept)
}

/// Writes one audit row inside the change's own transaction.
pub async fn record(tx: &mut Tx, who: &Who, change: Change<'_>) -> Result<(), sqlx::Error> {
    record_on(tx.conn(), who, change).await
}

pub(crate) async fn record_on(
    conn: Conn<'_>,
    who: &Who,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    let before = change.before.map(|v| v.to_string());
    let after = change.after.map(|v| v.to_string());
    on!(conn, |c| {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor, action, entity_type, entity_id, before_json, after_json, embete) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(now())
        .bind(who.user_id)
        .bind(&who.label)
        .bind(change.action)
        .bind(change.entity_type)
        .bind(change.entity_id)
        .bind(before)
        .bind(after)
        .bind(change.embete)
        .execute(&mut *c)
        .await?.rows_affected()
    });
    Ok(())
}

/// One row of the log as the admin page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Filters for reading the log; every one is optional. `from`/`to` are epoch seconds.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Show rows with an id below this (for paging newest-first).
    pub before_id: Option<i64>,
}

/// Reads the newest matching rows, at most `limit`. Needs proof of the right to read it.
pub async fn list(
    db: &Db,
    proof: &samla_domain::access::ReadAudit,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    let actor = filter
        .actor
        .as_ref()
        .map(|a| format!("%{}%", a.to_lowercase()));
    let action = filter.action.as_ref().map(|a| format!("{a}%"));
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, entity_type, entity_id, before_json, after_json FROM audit_log \
             WHERE ($1 IS NULL OR LOWER(actor) LIKE $1) \
               AND ($2 IS NULL OR action LIKE $2) \
               AND ($3 IS NULL OR entity_type = $3) \
               AND ($4 IS NULL OR entity_id = $4) \
               AND ($5 IS NULL OR at >= $5) \
               AND ($6 IS NULL OR at < $6) \
               AND ($7 IS NULL OR id < $7) \
               AND (($9 IS NULL AND embete IS NULL) OR embete = $9) \
             ORDER BY id DESC LIMIT $8",
        )
        .bind(actor.as_deref())
        .bind(action.as_deref())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.before_id)
        .bind(limit)
        .bind(proof.embete())
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(decode!(
                    r,
                    Entry {
                        id,
                        at,
                        actor,
                        action,
                        entity_type,
                        entity_id,
                        before_json,
                        after_json
                    }
                ))
            })
            .collect()
    })
}

/// The distinct actions in the rows a proof reads, for the filter's choices.
pub async fn actions(
    db: &Db,
    proof: &samla_domain::access::ReadAudit,
) -> Result<Vec<String>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT DISTINCT action FROM audit_log \
             WHERE (($1 IS NULL AND embete IS NULL) OR embete = $1) ORDER BY action",
        )
        .bind(proof.embete())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_draft_change_names_fields_and_hashes_never_text() {
        let before = json!({"facts": "Gammel tekst", "advice": "Samme", "version": 2});
        let after = json!({"facts": "Ny tekst 15038700089", "advice": "Samme", "version": 3});
        let kept = super::draft_change(Some(&before), &after);
        let text = kept.to_string();
        assert!(!text.contains("15038700089") && !text.contains("Ny tekst"));
        assert_eq!(kept["version"], 3);
        assert!(kept["facts"].as_str().unwrap().starts_with("sha256:"));
        assert!(
            kept.get("advice").is_none(),
            "unchanged fields are left out"
        );
    }
}
