//! Reads the live schema back from either backend in one normalized shape, so a test
//! can prove that the SQLite and PostgreSQL migrations describe the same tables.

use crate::{Db, on};
use sqlx::Row;
use std::collections::BTreeMap;

/// A column as both backends can describe it: a coarse type and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    pub kind: &'static str,
    pub nullable: bool,
}

fn kind_of(declared: &str) -> &'static str {
    let t = declared.to_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("char") || t.contains("text") {
        "text"
    } else {
        "other"
    }
}

/// Table name → its columns sorted by name.
pub async fn describe(db: &Db) -> Result<BTreeMap<String, Vec<Column>>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let mut out: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    match db {
        Db::Sqlite(_) => {
            let tables: Vec<String> = on!(conn.conn(), |c| {
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_all(&mut *c)
                    .await?
            });
            for table in tables {
                let rows = on!(conn.conn(), |c| {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "PRAGMA table_info(\"{table}\")"
                    )))
                    .fetch_all(&mut *c)
                    .await?
                    .iter()
                    .map(|r| {
                        let pk: i64 = r.try_get("pk")?;
                        let notnull: i64 = r.try_get("notnull")?;
                        Ok::<_, sqlx::Error>(Column {
                            name: r.try_get("name")?,
                            kind: kind_of(&r.try_get::<String, _>("type")?),
                            nullable: notnull == 0 && pk == 0,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?
                });
                out.insert(table, rows);
            }
        }
        Db::Postgres(_) => {
            let rows = on!(conn.conn(), |c| {
                sqlx::query(
                    "SELECT table_name::TEXT, column_name::TEXT, data_type::TEXT, is_nullable::TEXT \
                     FROM information_schema.columns WHERE table_schema = current_schema()",
                )
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
                .collect::<Result<Vec<(String, String, String, String)>, _>>()?
            });
            for (table, name, data_type, nullable) in rows {
                out.entry(table).or_default().push(Column {
                    name,
                    kind: kind_of(&data_type),
                    nullable: nullable == "YES",
                });
            }
        }
    }
    for cols in out.values_mut() {
        cols.sort();
    }
    Ok(out)
}
