//! Backups of a SQLite database, taken while the server runs, and putting one back.
//!
//! Copying `samla.db` is not a backup: in WAL mode recent commits live in `samla.db-wal`
//! until a checkpoint, so a copy of the main file alone can hold no tables at all, and a
//! copy made while the server writes can be corrupt (finding 2 of the reliability
//! review). `VACUUM INTO` writes a consistent copy of the database as one transaction
//! sees it, WAL included, while other connections go on reading and writing. PostgreSQL
//! has its own tools (`pg_dump`, `pg_restore`), which the README describes.

use crate::Db;
use anyhow::{Context, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a backup file holds, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub migrations: i64,
    pub users: i64,
    pub dialogues: i64,
    pub audit_entries: i64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} migrations, {} users, {} dialogues, {} audit entries",
            self.migrations, self.users, self.dialogues, self.audit_entries
        )
    }
}

/// The file a SQLite URL names.
pub fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let options = SqliteConnectOptions::from_str(url).context("invalid SQLite URL")?;
    Ok(options.get_filename().to_path_buf())
}

/// Writes a consistent copy of the running database to `to` (which must not exist yet)
/// and checks it.
pub async fn backup(db: &Db, to: &Path) -> anyhow::Result<Summary> {
    let Db::Sqlite(pool) = db else {
        bail!("samla backup copies SQLite databases; for PostgreSQL use pg_dump (see the README)");
    };
    if to.exists() {
        bail!("{} exists already; choose a new file", to.display());
    }
    let target = to
        .to_str()
        .context("the backup file's path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await
        .with_context(|| format!("cannot write the backup to {}", to.display()))?;
    check(to).await
}

/// Opens a backup read-only and checks that it is whole and is samla's.
pub async fn check(file: &Path) -> anyhow::Result<Summary> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("cannot open {}", file.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    if integrity != "ok" {
        bail!(
            "{} fails SQLite's integrity check: {integrity}",
            file.display()
        );
    }
    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let mut counts = Vec::new();
    for table in ["samla_migration", "app_user", "dialogue", "audit_log"] {
        let sql = count(table);
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .with_context(|| format!("{} is not a samla database (no {table})", file.display()))?;
        counts.push(n);
    }
    conn.close().await.ok();
    if counts[0] == 0 {
        bail!(
            "{} has no migrations: it is not a samla database",
            file.display()
        );
    }
    Ok(Summary {
        migrations: counts[0],
        users: counts[1],
        dialogues: counts[2],
        audit_entries: counts[3],
    })
}

/// Puts a checked backup in place of the database at `url`. The server must be stopped:
/// a `-wal` or `-shm` file beside the database means it is open (or was not shut down),
/// and then only `force` goes on. The copy is written beside the target and renamed over it, so
/// a restore cut short leaves the old database as it was.
pub async fn restore(from: &Path, url: &str, force: bool) -> anyhow::Result<Summary> {
    let summary = check(from).await?;
    let target = sqlite_path(url)?;
    let sidecar = |suffix: &str| {
        let mut name = target.clone().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (wal, shm) = (sidecar("-wal"), sidecar("-shm"));
    // SQLite keeps both while any connection has the database open in WAL mode, and
    // removes them when the last one closes cleanly.
    if let Some(open) = [&wal, &shm].into_iter().find(|f| f.exists())
        && !force
    {
        bail!(
            "{} exists: a server may have the database open. Stop it first \
             (or pass --force if it crashed and you mean to discard what it had not checkpointed)",
            open.display()
        );
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = sidecar(".restoring");
    std::fs::copy(from, &partial)
        .with_context(|| format!("cannot copy {} to {}", from.display(), partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    for stale in [wal, shm] {
        match std::fs::remove_file(&stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", stale.display()));
            }
            _ => {}
        }
    }
    std::fs::rename(&partial, &target)
        .with_context(|| format!("cannot put the backup in place at {}", target.display()))?;
    Ok(summary)
}
