//! Test databases. Each test gets its own database, cloned from a template that is
//! migrated (and, if asked, filled with the region data) once per test process: a file
//! copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. The database is dropped
//! when the test lets go of it. PostgreSQL runs when `SAMLA_TEST_DATABASE_URL` is set;
//! with `CI=true` it is required, so a missing server fails the run instead of silently
//! testing one backend.

use crate::Db;
use crate::audit::Who;
use sqlx::postgres::PgConnectOptions;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::OnceCell;

/// What a test database holds when the test gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The schema and nothing else.
    Empty,
    /// The schema and the embedded region data (embeter, counties, municipalities,
    /// districts and their changes), as `samla import-regions` leaves it.
    Regions,
}

impl Start {
    fn index(self) -> usize {
        match self {
            Start::Empty => 0,
            Start::Regions => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Start::Empty => "empty",
            Start::Regions => "regions",
        }
    }
}

/// A test's own database; it is removed when this is dropped. Derefs to [`Db`].
pub struct TestDb {
    db: Db,
    /// What to remove afterwards.
    place: Place,
}

enum Place {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.place {
            Place::File(path) => remove_sqlite(path),
            // Dropping needs a connection of its own and an await, which `drop` cannot
            // do on the test's runtime: a short-lived thread does it. FORCE ends the
            // test's own connections that are still open.
            Place::Database { admin_url, name } => {
                let (url, name) = (admin_url.clone(), name.clone());
                let dropped = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map(|rt| rt.block_on(drop_database(&url, &name)))
                })
                .join();
                if !matches!(dropped, Ok(Ok(Ok(())))) {
                    eprintln!("test database {} was not dropped", self.place_name());
                }
            }
        }
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} test database {}",
            self.db.backend(),
            self.place_name()
        )
    }
}

impl TestDb {
    fn place_name(&self) -> String {
        match &self.place {
            Place::File(path) => path.display().to_string(),
            Place::Database { name, .. } => name.clone(),
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test of any process uses: the process id and a counter.
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

async fn fill(db: &Db, start: Start) {
    crate::migrate(db).await.expect("migrate the template");
    if start == Start::Regions {
        crate::regions::import(
            db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &Who::system("test"),
        )
        .await
        .expect("import regions into the template");
    }
}

fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

static SQLITE_TEMPLATES: [OnceCell<PathBuf>; 2] = [OnceCell::const_new(), OnceCell::const_new()];

/// The process's SQLite template: migrated once, written out whole (`VACUUM INTO`, so
/// the copy needs no write-ahead log beside it).
async fn sqlite_template(start: Start) -> &'static Path {
    SQLITE_TEMPLATES[start.index()]
        .get_or_init(|| async move {
            let dir = std::env::temp_dir();
            let build = dir.join(format!("{}.db", unique("samla_build")));
            let template = dir.join(format!(
                "samla_template_{}_{}.db",
                start.name(),
                std::process::id()
            ));
            remove_sqlite(&template);
            let db = Db::connect(&format!("sqlite://{}", build.display()))
                .await
                .expect("open the template");
            fill(&db, start).await;
            if let Db::Sqlite(pool) = &db {
                sqlx::query("VACUUM INTO ?")
                    .bind(template.display().to_string())
                    .execute(pool)
                    .await
                    .expect("write the template");
            }
            db.close().await;
            remove_sqlite(&build);
            template
        })
        .await
}

/// A SQLite database of its own, in the system's temporary folder.
pub async fn sqlite(start: Start) -> TestDb {
    let template = sqlite_template(start).await;
    let path = std::env::temp_dir().join(format!("{}.db", unique("samla_test")));
    std::fs::copy(template, &path).expect("copy the template");
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open sqlite");
    TestDb {
        db,
        place: Place::File(path),
    }
}

fn postgres_url() -> Option<String> {
    match std::env::var("SAMLA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but SAMLA_TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI"
            );
            None
        }
    }
}

async fn admin(url: &str) -> sqlx::PgPool {
    sqlx::PgPool::connect(url)
        .await
        .expect("connect to SAMLA_TEST_DATABASE_URL")
}

async fn drop_database(url: &str, name: &str) -> Result<(), sqlx::Error> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&pool)
    .await?;
    pool.close().await;
    Ok(())
}

/// Drops what test processes that are no longer running left behind (a run stopped
/// half-way): their test databases and templates carry their process id.
async fn sweep(pool: &sqlx::PgPool) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'samla\\_t\\_%' \
         OR datname LIKE 'samla\\_template\\_%'",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    for name in names {
        let pid = name.split('_').find_map(|part| part.parse::<u32>().ok());
        let running = pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !running && Path::new("/proc/self").exists() {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(pool)
            .await;
        }
    }
}

static POSTGRES_TEMPLATES: [OnceCell<String>; 2] = [OnceCell::const_new(), OnceCell::const_new()];

/// The process's PostgreSQL template database, migrated once. Nothing stays connected
/// to it, as `CREATE DATABASE … TEMPLATE` requires.
async fn postgres_template(url: &str, start: Start) -> &'static str {
    POSTGRES_TEMPLATES[start.index()]
        .get_or_init(|| async move {
            let pool = admin(url).await;
            sweep(&pool).await;
            let name = format!("samla_template_{}_{}", start.name(), std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&pool)
            .await
            .expect("drop an old template");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .expect("create the template");
            pool.close().await;
            let options = PgConnectOptions::from_str(url)
                .expect("postgres url")
                .database(&name);
            let db = Db::connect_postgres(options)
                .await
                .expect("connect to the template");
            fill(&db, start).await;
            db.close().await;
            name
        })
        .await
}

/// A PostgreSQL database of its own, or None when no test server is configured.
pub async fn postgres(start: Start) -> Option<TestDb> {
    let url = postgres_url()?;
    let template = postgres_template(&url, start).await;
    let name = unique("samla_t");
    let pool = admin(&url).await;
    // Two tests cloning at the same moment can find the template busy for an instant.
    let mut tries = 0;
    loop {
        let created = sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .execute(&pool)
        .await;
        match created {
            Ok(_) => break,
            Err(e) if tries < 50 => {
                tries += 1;
                tracing::debug!(error = %e, "template busy; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("create a test database from the template: {e}"),
        }
    }
    pool.close().await;
    let options = PgConnectOptions::from_str(&url)
        .expect("postgres url")
        .database(&name);
    let db = Db::connect_postgres(options)
        .await
        .expect("connect to the test database");
    Some(TestDb {
        db,
        place: Place::Database {
            admin_url: url,
            name,
        },
    })
}

/// Every backend this run tests: SQLite always, PostgreSQL when configured.
pub async fn all(start: Start) -> Vec<TestDb> {
    let mut dbs = vec![sqlite(start).await];
    dbs.extend(postgres(start).await);
    dbs
}

/// The backend `SAMLA_TEST_BACKEND` names (`sqlite`, the default, or `postgres`), for
/// suites that run once per backend rather than on every backend in one run.
pub async fn chosen(start: Start) -> TestDb {
    match std::env::var("SAMLA_TEST_BACKEND").as_deref() {
        Ok("postgres") => postgres(start)
            .await
            .expect("SAMLA_TEST_BACKEND=postgres needs SAMLA_TEST_DATABASE_URL"),
        _ => sqlite(start).await,
    }
}

/// Everything the database holds, as text, for tests that prove something is not kept: every row of every table on PostgreSQL;
/// the database file itself (after a checkpoint) on SQLite.
pub async fn dump(db: &Db) -> String {
    use sqlx::Row;
    match db {
        Db::Sqlite(pool) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
            let file: String = sqlx::query("PRAGMA database_list")
                .fetch_one(pool)
                .await
                .unwrap()
                .get::<String, _>("file");
            let mut bytes = std::fs::read(&file).unwrap();
            bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Db::Postgres(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(tables.len() > 10, "{tables:?}");
            let mut out = String::new();
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT row_to_json(t)::text FROM \"{table}\" t"
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                out.push_str(&rows.join("\n"));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(db: &Db, sql: &'static str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql);
        match db {
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }

    async fn execute(db: &Db, sql: &'static str) {
        let sql = sqlx::AssertSqlSafe(sql);
        match db {
            Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop).unwrap(),
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop).unwrap(),
        }
    }

    async fn municipalities(db: &Db) -> i64 {
        run(db, "SELECT COUNT(*) FROM municipality").await
    }

    async fn exists(db: &TestDb) -> bool {
        match &db.place {
            Place::File(path) => path.exists(),
            Place::Database { admin_url, name } => {
                let pool = admin(admin_url).await;
                let found: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                        .bind(name)
                        .fetch_optional(&pool)
                        .await
                        .unwrap();
                pool.close().await;
                found.is_some()
            }
        }
    }

    #[tokio::test]
    async fn each_test_gets_a_copy_of_its_template_and_it_is_gone_afterwards() {
        for (empty, regions) in all(Start::Empty)
            .await
            .into_iter()
            .zip(all(Start::Regions).await)
        {
            assert_eq!(municipalities(&empty).await, 0, "{empty:?}");
            assert!(municipalities(&regions).await > 300, "{regions:?}");
            // A write to one copy is not seen by the next one.
            execute(&regions, "DELETE FROM municipality_change").await;
            execute(&regions, "DELETE FROM municipality").await;
            assert_eq!(municipalities(&regions).await, 0);
            let again = match regions.backend() {
                crate::Backend::Sqlite => sqlite(Start::Regions).await,
                crate::Backend::Postgres => postgres(Start::Regions).await.unwrap(),
            };
            assert!(municipalities(&again).await > 300);
            for db in [empty, regions, again] {
                assert!(exists(&db).await, "{db:?}");
                let place = TestDb {
                    db: db.db.clone(),
                    place: match &db.place {
                        Place::File(p) => Place::File(p.clone()),
                        Place::Database { admin_url, name } => Place::Database {
                            admin_url: admin_url.clone(),
                            name: name.clone(),
                        },
                    },
                };
                drop(db);
                assert!(!exists(&place).await, "{place:?} is still there");
                std::mem::forget(place);
            }
        }
    }
}
