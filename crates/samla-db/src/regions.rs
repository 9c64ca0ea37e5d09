//! Regions through time: the embedded reference files, their import, and the
//! queries that resolve a date to the units valid then.
//!
//! The import compares the files with what is stored and writes only differences,
//! in one transaction with one audit row, so a second run changes nothing.

use crate::audit::{self, Change, Who};
use crate::{Conn, Db, StoreResult, decode, on};
use samla_domain::access::{DIRECTORATES, OrgKind, SECRETARIAT};
use samla_domain::dates::iso;
use samla_domain::regions::{
    ChangeKind, County, District, Embete, HistoryEntry, Municipality, MunicipalityChange, OSLO,
    Relation, sort_history,
};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

const EMBETER: &str = include_str!("../../../data/regions/embeter.csv");
const COUNTIES: &str = include_str!("../../../data/regions/counties.csv");
const MUNICIPALITIES: &str = include_str!("../../../data/regions/municipalities.csv");
const DISTRICTS: &str = include_str!("../../../data/regions/districts.csv");
const CHANGES: &str = include_str!("../../../data/regions/municipality_changes.csv");

/// The embeter's codes, from the reference data, in order.
pub fn embete_codes() -> Vec<String> {
    let mut codes: Vec<String> = csv_rows(EMBETER).map(|row| row[0].clone()).collect();
    codes.dedup();
    codes
}

/// Splits the reference CSV into rows of fields (RFC 4180 quoting; no newlines in fields).
fn csv_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|line| {
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(ch) = chars.next() {
            match (ch, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    if let Some(f) = fields.last_mut() {
                        f.push('"');
                    }
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(String::new()),
                (ch, _) => {
                    if let Some(f) = fields.last_mut() {
                        f.push(ch);
                    }
                }
            }
        }
        fields
    })
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// One table's rows keyed by their natural key, as text columns.
type Rows = BTreeMap<Vec<String>, Vec<Option<String>>>;

struct TableSpec {
    table: &'static str,
    key: &'static [&'static str],
    values: &'static [&'static str],
}

const TABLES: [TableSpec; 6] = [
    TableSpec {
        table: "embete_name",
        key: &["code", "valid_from"],
        values: &["name", "valid_to"],
    },
    TableSpec {
        table: "county",
        key: &["number", "valid_from"],
        values: &["name", "embete", "valid_to"],
    },
    TableSpec {
        table: "municipality",
        key: &["number", "valid_from"],
        values: &["name", "county", "embete", "valid_to"],
    },
    TableSpec {
        table: "district",
        key: &["number", "valid_from"],
        values: &["name", "valid_to"],
    },
    TableSpec {
        table: "municipality_change",
        key: &["change_date", "predecessor", "successor"],
        values: &["kind"],
    },
    TableSpec {
        table: "organisation",
        key: &["code"],
        values: &["kind", "name"],
    },
];

/// The rows the reference files describe, per table (same order as `TABLES`).
fn desired() -> Vec<Rows> {
    let mut embete_names = Rows::new();
    let mut latest_embete_name: BTreeMap<String, String> = BTreeMap::new();
    for r in csv_rows(EMBETER) {
        embete_names.insert(
            vec![r[0].clone(), r[2].clone()],
            vec![opt(&r[1]), opt(&r[3])],
        );
        latest_embete_name.insert(r[0].clone(), r[1].clone());
    }
    let mut counties = Rows::new();
    for r in csv_rows(COUNTIES) {
        counties.insert(
            vec![r[0].clone(), r[3].clone()],
            vec![opt(&r[1]), opt(&r[2]), opt(&r[4])],
        );
    }
    let mut municipalities = Rows::new();
    let mut latest_municipality_name: BTreeMap<String, String> = BTreeMap::new();
    for r in csv_rows(MUNICIPALITIES) {
        municipalities.insert(
            vec![r[0].clone(), r[4].clone()],
            vec![opt(&r[1]), opt(&r[2]), opt(&r[3]), opt(&r[5])],
        );
        latest_municipality_name.insert(r[0].clone(), r[1].clone());
    }
    let mut districts = Rows::new();
    let mut organisations = Rows::new();
    for r in csv_rows(DISTRICTS) {
        districts.insert(
            vec![r[0].clone(), r[2].clone()],
            vec![opt(&r[1]), opt(&r[3])],
        );
        organisations.insert(
            vec![r[0].clone()],
            vec![
                Some(OrgKind::District.as_str().into()),
                Some(format!("Bydel {}", r[1])),
            ],
        );
    }
    let mut changes = Rows::new();
    for r in csv_rows(CHANGES) {
        changes.insert(
            vec![r[0].clone(), r[1].clone(), r[2].clone()],
            vec![opt(&r[3])],
        );
    }
    let mut org = |code: &str, kind: OrgKind, name: &str| {
        organisations.insert(
            vec![code.into()],
            vec![Some(kind.as_str().into()), Some(name.into())],
        );
    };
    org(SECRETARIAT.0, OrgKind::Secretariat, SECRETARIAT.1);
    for (code, name) in DIRECTORATES {
        org(code, OrgKind::Directorate, name);
    }
    for (code, name) in &latest_embete_name {
        org(code, OrgKind::Embete, name);
    }
    for (number, name) in &latest_municipality_name {
        org(number, OrgKind::Municipality, &format!("{name} kommune"));
    }
    vec![
        embete_names,
        counties,
        municipalities,
        districts,
        changes,
        organisations,
    ]
}

async fn stored(conn: Conn<'_>, spec: &TableSpec) -> Result<Rows, sqlx::Error> {
    let columns: Vec<&str> = spec.key.iter().chain(spec.values).copied().collect();
    let sql = format!("SELECT {} FROM {}", columns.join(", "), spec.table);
    on!(conn, |c| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *c)
            .await?;
        let mut out = Rows::new();
        for r in rows {
            let key = (0..spec.key.len())
                .map(|i| r.try_get::<String, _>(i))
                .collect::<Result<_, _>>()?;
            let values = (spec.key.len()..columns.len())
                .map(|i| r.try_get::<Option<String>, _>(i))
                .collect::<Result<_, _>>()?;
            out.insert(key, values);
        }
        Ok(out)
    })
}

async fn apply(
    conn: Conn<'_>,
    spec: &TableSpec,
    want: &Rows,
    have: &Rows,
) -> Result<ImportCounts, sqlx::Error> {
    let mut counts = ImportCounts::default();
    let key_match = spec
        .key
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ${}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let delete = format!("DELETE FROM {} WHERE {key_match}", spec.table);
    let set = spec
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{v} = ${}", spec.key.len() + i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let update = format!("UPDATE {} SET {set} WHERE {key_match}", spec.table);
    let columns: Vec<&str> = spec.key.iter().chain(spec.values).copied().collect();
    let placeholders = (1..=columns.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO {} ({}) VALUES ({placeholders})",
        spec.table,
        columns.join(", ")
    );
    on!(conn, |c| {
        for key in have.keys().filter(|k| !want.contains_key(*k)) {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(delete.clone()));
            for k in key {
                q = q.bind(k.clone());
            }
            q.execute(&mut *c).await?;
            counts.deleted += 1;
        }
        for (key, values) in want {
            let sql = match have.get(key) {
                Some(current) if current == values => continue,
                Some(_) => {
                    counts.updated += 1;
                    &update
                }
                None => {
                    counts.inserted += 1;
                    &insert
                }
            };
            // Both statements take the key columns first, then the value columns.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for v in key
                .iter()
                .map(|k| Some(k.clone()))
                .chain(values.iter().cloned())
            {
                q = q.bind(v);
            }
            q.execute(&mut *c).await?;
        }
        Ok(counts)
    })
}

/// How many rows an import inserted, updated and deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
}

impl ImportCounts {
    pub fn total(&self) -> usize {
        self.inserted + self.updated + self.deleted
    }
}

/// Loads the embedded reference files and the organisations they imply, in one transaction.
pub async fn import(
    db: &Db,
    _authority: &samla_domain::access::SystemAuthority,
    who: &Who,
) -> StoreResult<ImportCounts> {
    let want = desired();
    let mut tx = db.begin().await?;
    let mut total = ImportCounts::default();
    let mut per_table = serde_json::Map::new();
    for (spec, want) in TABLES.iter().zip(&want) {
        let have = stored(tx.conn(), spec).await?;
        let counts = apply(tx.conn(), spec, want, &have).await?;
        if counts.total() > 0 {
            per_table.insert(
                spec.table.into(),
                serde_json::to_value(counts).unwrap_or_default(),
            );
        }
        total.inserted += counts.inserted;
        total.updated += counts.updated;
        total.deleted += counts.deleted;
    }
    if total.total() > 0 {
        audit::record(
            &mut tx,
            who,
            Change {
                action: "regions.import",
                entity_type: "regions",
                entity_id: "reference",
                embete: None,
                before: None,
                after: Some(serde_json::Value::Object(per_table)),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(total)
}

const MUNICIPALITY_COLUMNS: &str = "number, name, county, embete, valid_from, valid_to";

fn municipality_rows<R: RowExt>(rows: Vec<R>) -> Result<Vec<Municipality>, sqlx::Error> {
    rows.iter().map(|r| r.municipality()).collect()
}

/// Decoding shared by both backends' row types.
trait RowExt {
    fn municipality(&self) -> Result<Municipality, sqlx::Error>;
}

impl RowExt for sqlx::sqlite::SqliteRow {
    fn municipality(&self) -> Result<Municipality, sqlx::Error> {
        Ok(decode!(
            self,
            Municipality {
                number,
                name,
                county,
                embete,
                valid_from,
                valid_to
            }
        ))
    }
}

impl RowExt for sqlx::postgres::PgRow {
    fn municipality(&self) -> Result<Municipality, sqlx::Error> {
        Ok(decode!(
            self,
            Municipality {
                number,
                name,
                county,
                embete,
                valid_from,
                valid_to
            }
        ))
    }
}

/// The municipalities valid on `date`, optionally only one embete's, ordered by number.
pub async fn municipalities_on(
    db: &Db,
    date: Date,
    embete: Option<&str>,
) -> Result<Vec<Municipality>, sqlx::Error> {
    let d = iso(date);
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let rows = sqlx::query(
            "SELECT number, name, county, embete, valid_from, valid_to FROM municipality \
             WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1) AND ($2 IS NULL OR embete = $2) \
             ORDER BY number",
        )
        .bind(&d)
        .bind(embete)
        .fetch_all(&mut *c)
        .await?;
        municipality_rows(rows)
    })
}

/// Every stored version of one municipality number, oldest first.
pub async fn municipality_versions(
    db: &Db,
    number: &str,
) -> Result<Vec<Municipality>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MUNICIPALITY_COLUMNS} FROM municipality WHERE number = $1 ORDER BY valid_from"
        )))
        .bind(number)
        .fetch_all(&mut *c)
        .await?;
        municipality_rows(rows)
    })
}

/// Every municipality change of every reform.
pub async fn all_changes(db: &Db) -> Result<Vec<MunicipalityChange>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query("SELECT change_date, predecessor, successor, kind FROM municipality_change")
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(MunicipalityChange {
                    date: r.try_get("change_date")?,
                    predecessor: r.try_get("predecessor")?,
                    successor: r.try_get("successor")?,
                    kind: ChangeKind::parse(&kind).unwrap_or(ChangeKind::Renumbered),
                })
            })
            .collect()
    })
}

/// A unit under every number it has had, across every reform (see
/// [`samla_domain::regions::lineage`]); `None` for a municipality number that has
/// never existed.
pub async fn lineage(db: &Db, number: &str) -> Result<Option<Vec<String>>, sqlx::Error> {
    if number.len() == 4 && municipality_versions(db, number).await?.is_empty() {
        return Ok(None);
    }
    let changes = all_changes(db).await?;
    Ok(Some(samla_domain::regions::lineage(
        number,
        &changes,
        samla_domain::regions::Reach::Both,
    )))
}

/// A municipality's whole history: every version of its number, every version it came
/// from (transitively) and every version it became (transitively), oldest first.
/// `None` when the number has never existed.
pub async fn history(db: &Db, number: &str) -> Result<Option<Vec<HistoryEntry>>, sqlx::Error> {
    let own = municipality_versions(db, number).await?;
    if own.is_empty() {
        return Ok(None);
    }
    let changes = all_changes(db).await?;
    let walk = |forward: bool| {
        let mut seen = BTreeSet::new();
        let mut queue = vec![number.to_owned()];
        while let Some(n) = queue.pop() {
            for ch in &changes {
                let (from, to) = if forward {
                    (&ch.predecessor, &ch.successor)
                } else {
                    (&ch.successor, &ch.predecessor)
                };
                if from == &n && to != number && seen.insert(to.clone()) {
                    queue.push(to.clone());
                }
            }
        }
        seen
    };
    let mut entries: Vec<HistoryEntry> = own
        .into_iter()
        .map(|m| HistoryEntry {
            municipality: m,
            relation: Relation::Itself,
        })
        .collect();
    for (numbers, relation) in [
        (walk(false), Relation::Predecessor),
        (walk(true), Relation::Successor),
    ] {
        for n in numbers {
            for m in municipality_versions(db, &n).await? {
                entries.push(HistoryEntry {
                    municipality: m,
                    relation,
                });
            }
        }
    }
    sort_history(&mut entries);
    Ok(Some(entries))
}

/// Oslo's districts valid on `date`.
pub async fn districts_on(db: &Db, date: Date) -> Result<Vec<District>, sqlx::Error> {
    let d = iso(date);
    let oslo_embete = embete_of_municipality(db, OSLO, date)
        .await?
        .unwrap_or_default();
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT number, name, valid_from, valid_to FROM district \
             WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1) ORDER BY number",
        )
        .bind(&d)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(District {
                number: r.try_get("number")?,
                name: r.try_get("name")?,
                municipality: OSLO.to_owned(),
                embete: oslo_embete.clone(),
                valid_from: r.try_get("valid_from")?,
                valid_to: r.try_get("valid_to")?,
            })
        })
        .collect()
    })
}

async fn embete_of_municipality(
    db: &Db,
    number: &str,
    date: Date,
) -> Result<Option<String>, sqlx::Error> {
    let d = iso(date);
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query_scalar(
            "SELECT embete FROM municipality WHERE number = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)",
        )
        .bind(number)
        .bind(&d)
        .fetch_optional(&mut *c)
        .await
    })
}

/// Embete name versions, optionally one embete's and optionally only those valid on a date.
async fn embete_versions(
    db: &Db,
    code: Option<&str>,
    date: Option<Date>,
) -> Result<Vec<Embete>, sqlx::Error> {
    let d = date.map(iso);
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT code, name, valid_from, valid_to FROM embete_name \
             WHERE ($1 IS NULL OR code = $1) \
               AND ($2 IS NULL OR (valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2))) \
             ORDER BY code, valid_from",
        )
        .bind(code)
        .bind(d.as_deref())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(decode!(
                r,
                Embete {
                    code,
                    name,
                    valid_from,
                    valid_to
                }
            ))
        })
        .collect()
    })
}

/// County versions, optionally one embete's and optionally only those valid on a date.
async fn county_versions(
    db: &Db,
    embete: Option<&str>,
    date: Option<Date>,
) -> Result<Vec<County>, sqlx::Error> {
    let d = date.map(iso);
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        sqlx::query(
            "SELECT number, name, embete, valid_from, valid_to FROM county \
             WHERE ($1 IS NULL OR embete = $1) \
               AND ($2 IS NULL OR (valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2))) \
             ORDER BY number, valid_from",
        )
        .bind(embete)
        .bind(d.as_deref())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok(decode!(
                r,
                County {
                    number,
                    name,
                    embete,
                    valid_from,
                    valid_to
                }
            ))
        })
        .collect()
    })
}

/// The embeter with the names valid on `date`, ordered by code.
pub async fn embeter_on(db: &Db, date: Date) -> Result<Vec<Embete>, sqlx::Error> {
    embete_versions(db, None, Some(date)).await
}

/// One embete with its name valid on `date`, if it exists then.
pub async fn embete_on(db: &Db, code: &str, date: Date) -> Result<Option<Embete>, sqlx::Error> {
    Ok(embete_versions(db, Some(code), Some(date)).await?.pop())
}

/// Every name an embete has had, oldest first.
pub async fn embete_names(db: &Db, code: &str) -> Result<Vec<Embete>, sqlx::Error> {
    embete_versions(db, Some(code), None).await
}

/// The counties valid on `date`, optionally only one embete's.
pub async fn counties_on(
    db: &Db,
    date: Date,
    embete: Option<&str>,
) -> Result<Vec<County>, sqlx::Error> {
    county_versions(db, embete, Some(date)).await
}

/// Every embete name and every county version: small tables that pages use to
/// show, for each dated row, the names valid at its date.
pub async fn name_tables(db: &Db) -> Result<(Vec<Embete>, Vec<County>), sqlx::Error> {
    Ok((
        embete_versions(db, None, None).await?,
        county_versions(db, None, None).await?,
    ))
}

/// Whether an embete code exists at all (at any date).
pub async fn embete_exists(db: &Db, code: &str) -> Result<bool, sqlx::Error> {
    Ok(!embete_names(db, code).await?.is_empty())
}
