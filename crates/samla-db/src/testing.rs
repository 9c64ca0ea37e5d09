//! Test databases: a fresh SQLite file, and a fresh PostgreSQL schema when
//! `SAMLA_TEST_DATABASE_URL` is set. With `CI=true` PostgreSQL is required, so a
//! missing server fails the run instead of silently testing one backend.

use crate::Db;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A migrated, empty SQLite database in the system's temporary folder.
pub async fn sqlite() -> Db {
    let path = std::env::temp_dir().join(format!("{}.db", unique("samla_test")));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open sqlite");
    crate::migrate(&db).await.expect("migrate sqlite");
    db
}

/// A migrated, empty PostgreSQL schema, or None when no test server is configured.
pub async fn postgres() -> Option<Db> {
    let url = match std::env::var("SAMLA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but SAMLA_TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI"
            );
            return None;
        }
    };
    let schema = unique("t");
    let admin = Db::connect(&url)
        .await
        .expect("connect to SAMLA_TEST_DATABASE_URL");
    if let Db::Postgres(pool) = &admin {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(pool)
            .await
            .expect("create test schema");
    }
    admin.close().await;
    let options = PgConnectOptions::from_str(&url)
        .expect("postgres url")
        .options([("search_path", schema.as_str())]);
    let db = Db::connect_postgres(options)
        .await
        .expect("connect test schema");
    crate::migrate(&db).await.expect("migrate postgres");
    Some(db)
}

/// Every backend this run tests: SQLite always, PostgreSQL when configured.
pub async fn all() -> Vec<Db> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}

/// The backend `SAMLA_TEST_BACKEND` names (`sqlite`, the default, or `postgres`), for
/// suites that run once per backend rather than on every backend in one run.
pub async fn chosen() -> Db {
    match std::env::var("SAMLA_TEST_BACKEND").as_deref() {
        Ok("postgres") => postgres()
            .await
            .expect("SAMLA_TEST_BACKEND=postgres needs SAMLA_TEST_DATABASE_URL"),
        _ => sqlite().await,
    }
}
