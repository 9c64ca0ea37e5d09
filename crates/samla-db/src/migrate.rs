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

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "dialogues",
        sqlite: include_str!("../migrations/sqlite/0002_dialogues.sql"),
        postgres: include_str!("../migrations/postgres/0002_dialogues.sql"),
    },
    Migration {
        version: 3,
        name: "reports",
        sqlite: include_str!("../migrations/sqlite/0003_reports.sql"),
        postgres: include_str!("../migrations/postgres/0003_reports.sql"),
    },
    Migration {
        version: 4,
        name: "follow_up_comments",
        sqlite: include_str!("../migrations/sqlite/0004_follow_up_comments.sql"),
        postgres: include_str!("../migrations/postgres/0004_follow_up_comments.sql"),
    },
    Migration {
        version: 5,
        name: "audit_without_drafts",
        sqlite: include_str!("../migrations/sqlite/0005_audit_without_drafts.sql"),
        postgres: include_str!("../migrations/postgres/0005_audit_without_drafts.sql"),
    },
    Migration {
        version: 6,
        name: "step_reasons",
        sqlite: include_str!("../migrations/sqlite/0006_step_reasons.sql"),
        postgres: include_str!("../migrations/postgres/0006_step_reasons.sql"),
    },
    Migration {
        version: 7,
        name: "kept_forms",
        sqlite: include_str!("../migrations/sqlite/0007_kept_forms.sql"),
        postgres: include_str!("../migrations/postgres/0007_kept_forms.sql"),
    },
    Migration {
        version: 8,
        name: "corrections",
        sqlite: include_str!("../migrations/sqlite/0008_corrections.sql"),
        postgres: include_str!("../migrations/postgres/0008_corrections.sql"),
    },
    Migration {
        version: 9,
        name: "documents",
        sqlite: include_str!("../migrations/sqlite/0009_documents.sql"),
        postgres: include_str!("../migrations/postgres/0009_documents.sql"),
    },
    Migration {
        version: 10,
        name: "audit_per_embete",
        sqlite: include_str!("../migrations/sqlite/0010_audit_per_embete.sql"),
        postgres: include_str!("../migrations/postgres/0010_audit_per_embete.sql"),
    },
    Migration {
        version: 11,
        name: "tags",
        sqlite: include_str!("../migrations/sqlite/0011_tags.sql"),
        postgres: include_str!("../migrations/postgres/0011_tags.sql"),
    },
    Migration {
        version: 12,
        name: "step_dates",
        sqlite: include_str!("../migrations/sqlite/0012_step_dates.sql"),
        postgres: include_str!("../migrations/postgres/0012_step_dates.sql"),
    },
    Migration {
        version: 13,
        name: "workflow_steps",
        sqlite: include_str!("../migrations/sqlite/0013_workflow_steps.sql"),
        postgres: include_str!("../migrations/postgres/0013_workflow_steps.sql"),
    },
];

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
