//! Coverage: how far each unit's latest dialogue has come on a date, and how many units
//! have had a published report under any of their numbers. Pure: the store reads the
//! units and dialogues, this decides.

use crate::dialogue::{Stage, Unit, UnitKind};
use crate::regions::{MunicipalityChange, Reach, lineage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One unit's line in a coverage view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageUnit {
    pub number: String,
    pub name: String,
    pub kind: UnitKind,
    /// The furthest stage of the unit's latest dialogue (under any of its numbers); null
    /// when none.
    pub stage: Option<Stage>,
    #[schema(format = Date)]
    pub stage_date: Option<String>,
    /// The public report page, when published.
    pub report_url: Option<String>,
}

/// Every unit valid on the date with its latest dialogue's stage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub units: Vec<CoverageUnit>,
    /// Units with a published report.
    pub completed: usize,
    pub total: usize,
}

/// A dialogue as coverage counts it.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub unit_number: String,
    /// The start of the dialogue's cycle (ISO date): the latest cycle counts.
    pub cycle_start: String,
    pub stage: Stage,
    pub stage_date: String,
    pub dialogue_id: i64,
    /// Whether the public reads a published report of it (also while it is corrected).
    pub public: bool,
}

/// Each unit with the furthest stage of its latest dialogue (under any number it came
/// from), and the count of units that have had a published report.
pub fn summarise(
    units: Vec<Unit>,
    rows: &[CoverageRow],
    changes: &[MunicipalityChange],
) -> Coverage {
    let mut latest: BTreeMap<&str, (&str, Stage, &str, i64)> = BTreeMap::new();
    let mut published: BTreeSet<&str> = BTreeSet::new();
    for row in rows {
        // A report reopened for correction is still published to the public.
        let stage = if row.public {
            Stage::Published
        } else {
            row.stage
        };
        if stage == Stage::Published {
            published.insert(&row.unit_number);
        }
        let candidate = (
            row.cycle_start.as_str(),
            stage,
            row.stage_date.as_str(),
            row.dialogue_id,
        );
        let better = match latest.get(row.unit_number.as_str()) {
            None => true,
            Some((s, st, ..)) => (row.cycle_start.as_str(), stage.progress()) > (*s, st.progress()),
        };
        if better {
            latest.insert(&row.unit_number, candidate);
        }
    }
    let mut out = Vec::with_capacity(units.len());
    let mut completed = 0;
    for unit in units {
        // The unit itself and every number it came from: what it was on earlier dates.
        let lineage = lineage(&unit.number, changes, Reach::Predecessors);
        let best = lineage
            .iter()
            .filter_map(|n| latest.get(n.as_str()))
            .max_by_key(|(start, stage, ..)| (*start, stage.progress()));
        // Completed: the unit (under any of its numbers) has had a dialogue with a
        // published report, even if a newer dialogue has started since.
        if lineage.iter().any(|n| published.contains(n.as_str())) {
            completed += 1;
        }
        out.push(CoverageUnit {
            number: unit.number,
            name: unit.name,
            kind: unit.kind,
            stage: best.map(|b| b.1),
            stage_date: best.map(|b| b.2.to_owned()),
            report_url: best
                .filter(|b| b.1 == Stage::Published)
                .map(|b| format!("/dialogues/{}", b.3)),
        });
    }
    let total = out.len();
    Coverage {
        units: out,
        completed,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(unit: &str, start: &str, stage: Stage, id: i64, public: bool) -> CoverageRow {
        CoverageRow {
            unit_number: unit.into(),
            cycle_start: start.into(),
            stage,
            stage_date: start.into(),
            dialogue_id: id,
            public,
        }
    }

    #[test]
    fn a_unit_counts_its_predecessors_dialogues_and_a_correction_stays_published() {
        let units = vec![Unit {
            kind: UnitKind::Municipality,
            number: "3037".into(),
            name: "Hurdal".into(),
        }];
        let changes = [MunicipalityChange {
            date: "2020-01-01".into(),
            predecessor: "0239".into(),
            successor: "3037".into(),
            kind: crate::regions::ChangeKind::Renumbered,
        }];
        // Published in 2019 under 0239; reopened for correction in 2020 (still public).
        let rows = [row("0239", "2019-01-01", Stage::ReportDrafted, 7, true)];
        let c = summarise(units, &rows, &changes);
        assert_eq!((c.completed, c.total), (1, 1));
        assert_eq!(c.units[0].stage, Some(Stage::Published));
        assert_eq!(c.units[0].report_url.as_deref(), Some("/dialogues/7"));
    }
}
