//! Embedded migrations, one folder per backend, applied in order and recorded in
//! `samla_migration`. On PostgreSQL an advisory lock keeps two starting instances
//! from migrating at once.

use crate::{Db, Tx, now, on};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

// The list is made from the files in `migrations/` by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Applies every migration not yet applied; returns how many ran.
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS samla_migration (version BIGINT PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *c)
        .await?.rows_affected()
    });
    drop(conn);
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        // Held until the transaction ends.
        sqlx::query("SELECT pg_advisory_xact_lock(4242001)")
            .execute(&mut **t)
            .await?;
    }
    let applied: Vec<i64> = on!(tx.conn(), |c| {
        sqlx::query_scalar("SELECT version FROM samla_migration")
            .fetch_all(&mut *c)
            .await?
    });
    let mut count = 0;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        on!(tx.conn(), |c| {
            let script = match db.backend() {
                crate::Backend::Sqlite => m.sqlite,
                crate::Backend::Postgres => m.postgres,
            };
            sqlx::raw_sql(script).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO samla_migration (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(now())
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
        tracing::info!(version = m.version, name = m.name, "migration applied");
        count += 1;
    }
    tx.commit().await?;
    // Findings saved before tags were tables get their links.
    let linked = crate::tags::link_untagged_findings(db).await?;
    if linked > 0 {
        tracing::info!(findings = linked, "finding tags linked");
    }
    // Reports saved before the document kernel kept versions get theirs.
    let recorded = crate::report::record_missing_versions(db).await?;
    if recorded > 0 {
        tracing::info!(reports = recorded, "report versions recorded");
    }
    Ok(count)
}
