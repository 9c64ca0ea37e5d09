//! The document kernel's storage: every saved version of a document with its SHA-256,
//! and every publication of a version. A document is named by a key such as
//! `report:42`; the feature that owns it checks access before it calls in here, and
//! decides what the content is (canonical JSON of its sections).

use crate::{Conn, Db, now, on};
use samla_domain::document;
use serde::Serialize;
use sqlx::Row;

/// One saved version, without its content.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: i64,
    pub sha256: String,
    pub saved_at: i64,
    pub saved_by: String,
    /// The content was removed because it held an identity number a later version did not.
    pub redacted: bool,
    /// The version was published (at least once).
    pub published: bool,
}

/// One publication of a version: the first one, or a correction.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Publication {
    pub version: i64,
    pub published_on: String,
    /// Why the report was reopened before this publication (corrections only).
    pub reason: Option<String>,
    /// The sections that changed since the publication before.
    pub changes: Vec<String>,
}

/// Records a version's content and returns its hash.
pub(crate) async fn record(
    conn: Conn<'_>,
    document: &str,
    version: i64,
    content: &str,
    saved_by: &str,
) -> Result<String, sqlx::Error> {
    let sha = document::hash(content);
    on!(conn, |c| {
        sqlx::query(
            "INSERT INTO document_version (document, version, content, sha256, saved_at, saved_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (document, version) DO NOTHING",
        )
        .bind(document)
        .bind(version)
        .bind(content)
        .bind(&sha)
        .bind(now())
        .bind(saved_by)
        .execute(&mut *c)
        .await?;
    });
    Ok(sha)
}

/// A version's content and hash; the content is `None` if it was redacted.
pub(crate) async fn content(
    conn: Conn<'_>,
    document: &str,
    version: i64,
) -> Result<Option<(Option<String>, String)>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT content, sha256 FROM document_version WHERE document = $1 AND version = $2",
        )
        .bind(document)
        .bind(version)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()
    })
}

/// Every version of a document, newest first.
pub(crate) async fn versions(db: &Db, document: &str) -> Result<Vec<VersionInfo>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT v.version, v.sha256, v.saved_at, v.saved_by, v.content IS NULL AS redacted, \
                    EXISTS (SELECT 1 FROM document_publication p WHERE p.document = v.document AND p.version = v.version) AS published \
             FROM document_version v WHERE v.document = $1 ORDER BY v.version DESC",
        )
        .bind(document)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(VersionInfo {
                version: r.try_get("version")?,
                sha256: r.try_get("sha256")?,
                saved_at: r.try_get("saved_at")?,
                saved_by: r.try_get("saved_by")?,
                redacted: r.try_get("redacted")?,
                published: r.try_get("published")?,
            })
        })
        .collect()
    })
}

/// Removes the content of earlier, never published versions that hold what looks like
/// an identity number, once the latest save no longer does: a number taken out of a
/// draft is then gone from the database, not kept in its history.
pub(crate) async fn forget_numbers(
    conn: Conn<'_>,
    document: &str,
    latest: i64,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        let rows: Vec<(i64, String)> = sqlx::query(
            "SELECT v.version, v.content FROM document_version v WHERE v.document = $1 AND v.version < $2 \
             AND v.content IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM document_publication p WHERE p.document = v.document AND p.version = v.version)",
        )
        .bind(document)
        .bind(latest)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, _>>()?;
        for (version, content) in rows {
            if samla_domain::personal_id::scan(&content).is_empty() {
                continue;
            }
            sqlx::query(
                "UPDATE document_version SET content = NULL WHERE document = $1 AND version = $2",
            )
            .bind(document)
            .bind(version)
            .execute(&mut *c)
            .await?;
        }
    });
    Ok(())
}

/// Records that a version was published.
pub(crate) async fn publish(
    conn: Conn<'_>,
    document: &str,
    publication: &Publication,
) -> Result<(), sqlx::Error> {
    let changes = serde_json::to_string(&publication.changes).unwrap_or_else(|_| "[]".into());
    on!(conn, |c| {
        sqlx::query(
            "INSERT INTO document_publication (document, version, published_on, reason, changes, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(document)
        .bind(publication.version)
        .bind(&publication.published_on)
        .bind(publication.reason.as_deref())
        .bind(&changes)
        .bind(now())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A document's publications, oldest first.
pub(crate) async fn publications(
    conn: Conn<'_>,
    document: &str,
) -> Result<Vec<Publication>, sqlx::Error> {
    on!(conn, |c| {
        sqlx::query(
            "SELECT version, published_on, reason, changes FROM document_publication \
             WHERE document = $1 ORDER BY id",
        )
        .bind(document)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            let changes: String = r.try_get("changes")?;
            Ok(Publication {
                version: r.try_get("version")?,
                published_on: r.try_get("published_on")?,
                reason: r.try_get("reason")?,
                changes: serde_json::from_str(&changes).unwrap_or_default(),
            })
        })
        .collect()
    })
}

/// What writing one part of a parted document did.
pub(crate) enum PartWritten {
    /// The part already held that value: no new version.
    Unchanged,
    /// A new version was recorded; `before` is what the part held until then.
    Version {
        version: i64,
        before: Option<String>,
    },
}

/// A parted document's content at one version: a JSON object of part key → value.
pub(crate) async fn parts_at(
    conn: Conn<'_>,
    document: &str,
    version: i64,
) -> crate::StoreResult<(document::Sections, String)> {
    let (content, sha) = content(conn, document, version)
        .await?
        .ok_or(samla_domain::ErrorCode::NotFound)?;
    let parts = content
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default();
    Ok((parts, sha))
}

/// Writes one part of a parted document as version `current + 1`: `value` under `key`, or
/// the part removed for `None`. The writer began from version `base`. The part is the unit
/// of locking: parts that others changed since `base` are kept as they are now, and if
/// this part was changed since `base` to anything but `value`, the write is refused with
/// `edit_conflict` on `field`, so the caller can show the writer their text again. The
/// caller holds the row that says which version is current, inside `tx`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_part(
    tx: &mut crate::Tx,
    document: &str,
    current: i64,
    base: i64,
    key: &str,
    value: Option<&str>,
    saved_by: &str,
    field: &'static str,
) -> crate::StoreResult<PartWritten> {
    use samla_domain::{DomainError, ErrorCode};
    if base < 1 || base > current {
        return Err(DomainError::field(ErrorCode::EditConflict, field).into());
    }
    let (mut parts, _) = parts_at(tx.conn(), document, current).await?;
    let now_value = parts.get(key).cloned();
    if now_value.as_deref() == value {
        return Ok(PartWritten::Unchanged);
    }
    if base != current {
        let (then, _) = parts_at(tx.conn(), document, base).await?;
        if now_value != then.get(key).cloned() {
            return Err(DomainError::field(ErrorCode::EditConflict, field).into());
        }
    }
    match value {
        Some(v) => parts.insert(key.to_owned(), v.to_owned()),
        None => parts.remove(key),
    };
    let content = serde_json::to_string(&parts).unwrap_or_else(|_| "{}".into());
    let version = current + 1;
    record(tx.conn(), document, version, &content, saved_by).await?;
    Ok(PartWritten::Version {
        version,
        before: now_value,
    })
}
