//! Embedded migrations, one folder per backend, applied in order and recorded in
//! `samla_migration`. On PostgreSQL an advisory lock keeps two starting instances
//! from migrating at once.

use crate::{Db, now, on};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

// The list is made from the files in `migrations/` by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The advisory lock instances starting on one PostgreSQL database take in turn.
const MIGRATION_LOCK: i64 = 4242001;

/// Applies every migration not yet applied; returns how many ran.
///
/// On PostgreSQL the whole of it (creating the bookkeeping table, the migrations, and
/// the data steps after them) runs under a session advisory lock held on one
/// connection, so instances started at once take turns: the second finds the work
/// done. Two concurrent `CREATE TABLE IF NOT EXISTS` can otherwise fail on PostgreSQL's
/// catalogue.
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    let crate::Db::Postgres(pool) = db else {
        return migrate_locked(db).await;
    };
    let mut holder = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await?;
    let result = migrate_locked(db).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await;
    if unlocked.is_err() {
        // A connection that may still hold the lock does not go back to the pool.
        drop(holder.detach());
    }
    result
}

async fn migrate_locked(db: &Db) -> anyhow::Result<usize> {
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
