//! "What is done about CRC article 12 in Vestland this year": the published things that
//! answer it, across the year's joint assignment, the anchored county plans and the
//! published dialogue reports. Only what the public may read is searched: drafts, reports
//! not published and assessments never are.

use samla_db::dialogue::{self, Published, ReportFilter};
use samla_db::{Db, StoreResult};
use samla_domain::access::PublicView;
use serde::Serialize;

/// What is asked: an article, optionally one embete, and a year.
pub struct Question {
    pub crc_article: u32,
    pub embete: Option<String>,
    pub year: i64,
}

/// A requirement of the year's published assignment tagged with the article.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundRequirement {
    pub id: i64,
    /// `task` or `reporting`.
    pub kind: String,
    pub title: String,
    #[schema(format = Date)]
    pub deadline: Option<String>,
    pub url: String,
}

/// A measure of an anchored plan tagged with the article.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundMeasure {
    pub embete: String,
    pub id: i64,
    pub title: String,
    /// The goal the measure carries out.
    pub goal: String,
    pub owner: String,
    /// One of the plan's measure statuses (`planned`, `in_progress`, `done`, `stopped`).
    pub status: String,
    #[schema(format = Date)]
    pub deadline: Option<String>,
    /// The anchored version the measure is read from.
    pub plan_version: i64,
    pub url: String,
}

/// Everything found, by where it was found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Found {
    #[schema(minimum = 1, maximum = 54)]
    pub crc_article: u32,
    pub embete: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// What the joint assignment of the year asks about the article.
    pub requirements: Vec<FoundRequirement>,
    /// Measures in the anchored plans (the plans are long-term: every anchored measure
    /// with the article is listed with its status and deadline).
    pub measures: Vec<FoundMeasure>,
    /// Dialogue reports published in the year with a finding tagged with the article.
    pub dialogue_reports: Vec<Published>,
}

impl Found {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && self.measures.is_empty() && self.dialogue_reports.is_empty()
    }
}

/// Answers the question; `embeter` are the codes searched when it names none.
pub async fn crc(db: &Db, q: &Question, embeter: &[String]) -> StoreResult<Found> {
    let requirements = samla_db::assignment::published_year_requirements(db, q.year)
        .await?
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.crc_articles.contains(&q.crc_article))
        .map(|r| FoundRequirement {
            url: format!("/assignments/{}#requirement-{}", q.year, r.id),
            id: r.id,
            kind: r.kind,
            title: r.title,
            deadline: r.deadline,
        })
        .collect();
    let codes: Vec<String> = match &q.embete {
        Some(code) => vec![code.clone()],
        None => embeter.to_vec(),
    };
    let mut measures = Vec::new();
    for code in &codes {
        let Some(plan) = samla_db::plan::anchored(db, code).await? else {
            continue;
        };
        for item in &plan.items {
            let Some(m) = &item.measure else { continue };
            if !m.crc_articles.contains(&q.crc_article) {
                continue;
            }
            let goal = item
                .parent
                .and_then(|p| plan.items.iter().find(|i| i.id == p))
                .map(|g| g.title.clone())
                .unwrap_or_default();
            measures.push(FoundMeasure {
                embete: code.clone(),
                id: item.id,
                title: item.title.clone(),
                goal,
                owner: m.owner.clone(),
                status: m.status.clone(),
                deadline: m.deadline.clone(),
                plan_version: plan.version,
                url: format!("/plans/{code}#measure-{}", item.id),
            });
        }
    }
    let filter = ReportFilter {
        embete: q.embete.clone(),
        cycle: None,
        units: None,
        crc_article: Some(q.crc_article.into()),
        step: None,
    };
    let year = q.year.to_string();
    let dialogue_reports = dialogue::published(db, PublicView, &filter)
        .await?
        .into_iter()
        .filter(|r| r.published_on.starts_with(&year))
        .collect();
    Ok(Found {
        crc_article: q.crc_article,
        embete: q.embete.clone(),
        year: q.year,
        requirements,
        measures,
        dialogue_reports,
    })
}
