//! Tags as data: the articles of the Convention on the Rights of the Child and the
//! steps of each Sjumilssteget framework version (tables since migration 0011), and the
//! links from a report's findings to them.

use crate::report::Finding;
use crate::{Db, on};
use serde::Serialize;
use sqlx::Row;

/// The national version of Sjumilssteget, which dialogue findings are tagged with.
pub const NATIONAL_FRAMEWORK: i64 = 1;

/// A CRC article or a step, with its short name in each language.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Tag {
    pub number: i64,
    pub name_nb: String,
    pub name_nn: String,
    pub name_en: String,
}

impl Tag {
    /// The name in a language code (`nb`, `nn`, `en`); bokmål for any other.
    pub fn name(&self, lang: &str) -> &str {
        match lang {
            "nn" => &self.name_nn,
            "en" => &self.name_en,
            _ => &self.name_nb,
        }
    }
}

/// The 54 articles of the Convention.
pub async fn crc_articles(db: &Db) -> Result<Vec<Tag>, sqlx::Error> {
    named(
        db,
        "SELECT number, name_nb, name_nn, name_en FROM crc_article ORDER BY number",
        None,
    )
    .await
}

/// The steps of a framework version.
pub async fn steps(db: &Db, framework: i64) -> Result<Vec<Tag>, sqlx::Error> {
    named(
        db,
        "SELECT number, name_nb, name_nn, name_en FROM framework_step WHERE framework_id = $1 ORDER BY number",
        Some(framework),
    )
    .await
}

async fn named(
    db: &Db,
    sql: &'static str,
    framework: Option<i64>,
) -> Result<Vec<Tag>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    on!(conn.conn(), |c| {
        let mut query = sqlx::query(sql);
        if let Some(f) = framework {
            query = query.bind(f);
        }
        query
            .fetch_all(&mut *c)
            .await?
            .iter()
            .map(|r| {
                Ok(Tag {
                    number: r.try_get("number")?,
                    name_nb: r.try_get("name_nb")?,
                    name_nn: r.try_get("name_nn")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect()
    })
}

/// The article and step numbers a finding's (checked) lists name.
pub(crate) fn numbers_of(finding: &Finding) -> (Vec<i64>, Vec<i64>) {
    let parse = |text: &str| -> Vec<i64> {
        let mut out: Vec<i64> = text
            .split(',')
            .filter_map(|p| p.trim().parse::<i64>().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    (parse(&finding.crc_articles), parse(&finding.steps))
}

/// Fills findings' lists from their links `(finding id, "article" | "step", number)`.
pub(crate) fn apply_links(findings: &mut [Finding], links: &[(i64, &str, i64)]) {
    for f in findings {
        let of = |kind: &str| -> String {
            links
                .iter()
                .filter(|(id, k, _)| *id == f.id && *k == kind)
                .map(|(_, _, n)| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        f.crc_articles = of("article");
        f.steps = of("step");
    }
}

/// Links the findings saved before tags were tables, from their text lists. Runs after
/// migrating; finds nothing to do once done.
pub(crate) async fn link_untagged_findings(db: &Db) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    let count = on!(tx.conn(), |c| {
        let rows: Vec<Finding> = sqlx::query(
            "SELECT f.id, f.crc_articles, f.steps FROM finding f \
             WHERE (f.crc_articles <> '' OR f.steps <> '') \
             AND NOT EXISTS (SELECT 1 FROM finding_article a WHERE a.finding_id = f.id) \
             AND NOT EXISTS (SELECT 1 FROM finding_step s WHERE s.finding_id = f.id)",
        )
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| {
            Ok::<_, sqlx::Error>(Finding {
                id: r.try_get("id")?,
                crc_articles: r.try_get("crc_articles")?,
                steps: r.try_get("steps")?,
                ..Finding::default()
            })
        })
        .collect::<Result<_, _>>()?;
        for f in &rows {
            let (articles, steps) = numbers_of(f);
            for a in articles.into_iter().filter(|a| (1..=54).contains(a)) {
                sqlx::query("INSERT INTO finding_article (finding_id, article) VALUES ($1, $2)")
                    .bind(f.id)
                    .bind(a)
                    .execute(&mut *c)
                    .await?;
            }
            for s in steps.into_iter().filter(|s| (1..=7).contains(s)) {
                sqlx::query(
                    "INSERT INTO finding_step (finding_id, framework_id, step) VALUES ($1, $2, $3)",
                )
                .bind(f.id)
                .bind(NATIONAL_FRAMEWORK)
                .bind(s)
                .execute(&mut *c)
                .await?;
            }
        }
        rows.len()
    });
    tx.commit().await?;
    Ok(count)
}
