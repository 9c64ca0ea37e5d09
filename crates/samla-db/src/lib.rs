//! The only crate that speaks SQL.
//!
//! [`Db`] holds a concrete SQLite or PostgreSQL pool; every repository function runs
//! the same SQL text on either (`$1…` placeholders work on both). Migrations are kept
//! per backend and embedded in the binary. Writes that need an audit row take a
//! [`Tx`], so the change and its record commit together or not at all.

pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod corrections;
pub mod dialogue;
pub mod documents;
pub mod follow_up;
pub mod kept_forms;
pub mod maintenance;
mod migrate;
pub mod outbox;
pub mod passwords;
pub mod plan;
pub mod regions;
pub mod report;
pub mod schema;
pub mod sessions;
pub mod synthesis;
pub mod tags;
pub mod testing;
pub mod tokens;
pub mod users;
pub mod workflow;
pub mod yearly_report;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

pub use migrate::migrate;

/// A database driver error, for layers that must not name the driver crate.
pub type DbError = sqlx::Error;

/// A database: embedded SQLite (the default) or PostgreSQL.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One open transaction on either backend.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A borrowed connection on either backend; the [`on!`] macro runs a body against it.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// A pooled connection on either backend.
pub enum PoolConn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

/// Runs the same body against whichever backend a [`Conn`] holds. The body is
/// compiled once per backend, so the same SQL and decoding code serve both.
#[macro_export]
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

/// Builds a struct from a row whose column names are the field names.
#[macro_export]
macro_rules! decode {
    ($row:expr, $ty:ident { $($field:ident),* $(,)? }) => {
        $ty { $($field: ::sqlx::Row::try_get($row, stringify!($field))?),* }
    };
}

/// Which backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!(
                "unsupported database URL (expected sqlite://PATH or postgres://…): {}",
                redact(url)
            )
        }
    }
}

/// Hides the passwords in a database URL before it is shown or logged: the one after the
/// user name, and any query parameter whose name holds "password" (`?password=`,
/// `sslpassword=`).
pub fn redact(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let head = match head.find("://") {
        Some(scheme) => {
            let rest = &head[scheme + 3..];
            // The credentials end at the host, which ends at the first slash.
            let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
            match authority.rfind('@').map(|at| (&authority[..at], at)) {
                Some((credentials, at)) => match credentials.split_once(':') {
                    Some((user, _)) => {
                        format!("{}{user}:***{}", &head[..scheme + 3], &rest[at..])
                    }
                    None => head.to_owned(),
                },
                None => head.to_owned(),
            }
        }
        None => head.to_owned(),
    };
    match query {
        None => head,
        Some(query) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{head}?{}", pairs.join("&"))
        }
    }
}

impl Db {
    /// Opens a pool for the URL. A SQLite file (and its folder) is created when missing.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("invalid SQLite URL {url}"))?;
                if let Some(dir) = options.get_filename().parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let options = options
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    // 2 MiB of page cache per connection is plenty for our working set and
                    // keeps the idle server small (ENGINEERING.md: ≤ 30 MB).
                    .pragma("cache_size", "-2048")
                    // Deleted and overwritten content is zeroed in the file, so a draft's
                    // text (an identity number the gate refused) does not linger in free pages.
                    .pragma("secure_delete", "on");
                // Few connections: SQLite has one writer, and two cores serve reads well with four.
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    // An embedded database's connection does not go stale: no ping (a
                    // round trip to its thread) before every use.
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(60))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .with_context(|| format!("cannot open SQLite database {url}"))?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
                Self::connect_postgres(options).await
            }
        }
    }

    /// Opens a PostgreSQL pool with explicit options (tests use this to pick a schema).
    pub async fn connect_postgres(options: PgConnectOptions) -> anyhow::Result<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")?;
        Ok(Db::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection from the pool, for reads.
    pub async fn acquire(&self) -> Result<PoolConn, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so that two writers queue instead of failing mid-way.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Answers whether the database can be reached (for `/healthz`).
    pub async fn ping(&self) -> bool {
        let Ok(mut conn) = self.acquire().await else {
            return false;
        };
        on!(conn.conn(), |c| sqlx::query("SELECT 1")
            .execute(&mut *c)
            .await
            .is_ok())
    }

    /// The pool's connections now: (open, idle, most allowed), for `/metrics`.
    pub fn pool_state(&self) -> (u32, u32, u32) {
        match self {
            Db::Sqlite(p) => (
                p.size(),
                p.num_idle() as u32,
                p.options().get_max_connections(),
            ),
            Db::Postgres(p) => (
                p.size(),
                p.num_idle() as u32,
                p.options().get_max_connections(),
            ),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl PoolConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(&mut *c),
            PoolConn::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// Seconds since the Unix epoch, the unit of every timestamp column.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// What a store call can fail with: a domain refusal the user can act on, or a database fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] samla_domain::DomainError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<samla_domain::ErrorCode> for StoreError {
    fn from(code: samla_domain::ErrorCode) -> Self {
        StoreError::Domain(samla_domain::DomainError::new(code))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("sqlite://./data/samla.db"),
            "sqlite://./data/samla.db"
        );
        // Issue 8: query-string passwords too, and an @ in a password or the query.
        assert_eq!(
            redact("postgres://h/db?user=u&password=s3cret&sslmode=require"),
            "postgres://h/db?user=u&password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgresql://u:p@ss@h:5432/db?sslpassword=k&application_name=a@b"),
            "postgresql://u:***@h:5432/db?sslpassword=***&application_name=a@b"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
