//! The synthesis for the steering group: a year's assessments counted per requirement
//! across the embeter and per embete across the requirements, with the secretariat's own
//! text per section and the trend against earlier years. The secretariat writes it,
//! releases it to the steering group (the figures are then kept as they stood) and may
//! later publish it.
//!
//! The synthesis is one parted document (`synthesis:<year>`): `intro`, one part per
//! requirement (`requirement:<id>`) for the secretariat's text, and `figures`, the counts
//! kept at the release.

use crate::assessment::RUBRIC;
use serde::{Deserialize, Serialize};

/// The document key of a year's synthesis.
pub fn document_key(year: i64) -> String {
    format!("synthesis:{year}")
}

/// The part key of the secretariat's text about one requirement.
pub fn section_key(requirement: i64) -> String {
    format!("requirement:{requirement}")
}

/// Whether `key` names a section the secretariat writes: `intro` or a requirement's.
pub fn is_section(key: &str) -> bool {
    key == "intro"
        || key
            .strip_prefix("requirement:")
            .is_some_and(|id| id.parse::<i64>().is_ok())
}

/// One assessment as the synthesis counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub year: i64,
    pub embete: String,
    pub requirement: i64,
    pub rubric: String,
    pub risk: String,
}

/// How the embeter stand on one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequirementCount {
    pub requirement: i64,
    pub title: String,
    pub fulfilled: usize,
    pub partly: usize,
    pub not_fulfilled: usize,
    /// Embeter without an assessment of this requirement.
    pub unassessed: usize,
    /// Assessments with a high risk.
    pub high_risk: usize,
    /// The share fulfilled in earlier years, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// The share of the assessed embeter that fulfilled a requirement in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub year: i64,
    /// Whole percent.
    pub percent: u32,
}

impl RequirementCount {
    pub fn assessed(&self) -> usize {
        self.fulfilled + self.partly + self.not_fulfilled
    }

    /// The share fulfilled this year, in whole percent of those assessed.
    pub fn share_fulfilled(&self) -> Option<u32> {
        share(self.fulfilled, self.assessed())
    }

    pub fn count(&self, rubric: &str) -> usize {
        match rubric {
            "fulfilled" => self.fulfilled,
            "partly" => self.partly,
            "not_fulfilled" => self.not_fulfilled,
            _ => self.unassessed,
        }
    }
}

/// One embete's assessments across the requirements, in the requirements' order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmbeteCount {
    pub embete: String,
    /// The rubric per requirement, `None` where it is not assessed.
    pub rubrics: Vec<Option<String>>,
    pub fulfilled: usize,
}

/// The year's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub year: i64,
    pub requirements: Vec<RequirementCount>,
    pub embeter: Vec<EmbeteCount>,
}

fn share(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part * 100 + whole / 2) / whole) as u32)
}

/// Counts `rows` of `year` for the requirements `(id, title)` and the embeter listed;
/// rows of earlier years give each requirement's trend (by its stable identity).
pub fn figures(
    year: i64,
    requirements: &[(i64, String)],
    embeter: &[String],
    rows: &[Row],
) -> Figures {
    let this: Vec<&Row> = rows.iter().filter(|r| r.year == year).collect();
    let counted = |id: i64, rubric: &str| {
        this.iter()
            .filter(|r| r.requirement == id && r.rubric == rubric && embeter.contains(&r.embete))
            .count()
    };
    let counts = requirements
        .iter()
        .map(|(id, title)| {
            let mut years: Vec<i64> = rows
                .iter()
                .filter(|r| r.requirement == *id && r.year < year)
                .map(|r| r.year)
                .collect();
            years.sort_unstable();
            years.dedup();
            let trend = years
                .into_iter()
                .filter_map(|y| {
                    let of_year: Vec<&Row> = rows
                        .iter()
                        .filter(|r| r.requirement == *id && r.year == y)
                        .collect();
                    let fulfilled = of_year.iter().filter(|r| r.rubric == "fulfilled").count();
                    share(fulfilled, of_year.len()).map(|percent| TrendPoint { year: y, percent })
                })
                .collect();
            let fulfilled = counted(*id, "fulfilled");
            let partly = counted(*id, "partly");
            let not_fulfilled = counted(*id, "not_fulfilled");
            RequirementCount {
                requirement: *id,
                title: title.clone(),
                fulfilled,
                partly,
                not_fulfilled,
                unassessed: embeter
                    .len()
                    .saturating_sub(fulfilled + partly + not_fulfilled),
                high_risk: this
                    .iter()
                    .filter(|r| r.requirement == *id && r.risk == "high")
                    .count(),
                trend,
            }
        })
        .collect();
    let embeter = embeter
        .iter()
        .map(|e| {
            let rubrics: Vec<Option<String>> = requirements_order(&this, e, requirements);
            EmbeteCount {
                embete: e.clone(),
                fulfilled: rubrics
                    .iter()
                    .filter(|r| r.as_deref() == Some("fulfilled"))
                    .count(),
                rubrics,
            }
        })
        .collect();
    Figures {
        year,
        requirements: counts,
        embeter,
    }
}

fn requirements_order(
    rows: &[&Row],
    embete: &str,
    requirements: &[(i64, String)],
) -> Vec<Option<String>> {
    requirements
        .iter()
        .map(|(id, _)| {
            rows.iter()
                .find(|r| r.embete == embete && r.requirement == *id)
                .map(|r| r.rubric.clone())
                .filter(|r| RUBRIC.contains(&r.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(year: i64, embete: &str, requirement: i64, rubric: &str, risk: &str) -> Row {
        Row {
            year,
            embete: embete.into(),
            requirement,
            rubric: rubric.into(),
            risk: risk.into(),
        }
    }

    #[test]
    fn counts_per_requirement_and_embete_with_a_trend() {
        let embeter = [
            "agder".to_owned(),
            "rogaland".to_owned(),
            "vestland".to_owned(),
        ];
        let requirements = [(3, "Samordnet".to_owned()), (4, "Fullføring".to_owned())];
        let rows = [
            row(2019, "agder", 3, "not_fulfilled", "high"),
            row(2019, "rogaland", 3, "fulfilled", "low"),
            row(2020, "agder", 3, "fulfilled", "low"),
            row(2020, "rogaland", 3, "fulfilled", "low"),
            row(2020, "vestland", 3, "partly", "high"),
            row(2020, "rogaland", 4, "partly", "medium"),
        ];
        let f = figures(2020, &requirements, &embeter, &rows);
        let first = &f.requirements[0];
        assert_eq!(
            (
                first.fulfilled,
                first.partly,
                first.not_fulfilled,
                first.unassessed
            ),
            (2, 1, 0, 0)
        );
        assert_eq!(first.high_risk, 1);
        assert_eq!(first.share_fulfilled(), Some(67));
        assert_eq!(
            first.trend,
            [TrendPoint {
                year: 2019,
                percent: 50
            }]
        );
        let second = &f.requirements[1];
        assert_eq!((second.partly, second.unassessed), (1, 2));
        assert!(second.trend.is_empty());
        let rogaland = f.embeter.iter().find(|e| e.embete == "rogaland").unwrap();
        assert_eq!(
            rogaland.rubrics,
            [Some("fulfilled".to_owned()), Some("partly".to_owned())]
        );
        assert_eq!(rogaland.fulfilled, 1);
    }

    #[test]
    fn sections_are_the_intro_and_the_requirements() {
        assert!(is_section("intro"));
        assert!(is_section(&section_key(12)));
        assert!(!is_section("figures"));
        assert!(!is_section("requirement:x"));
    }
}
