//! Regions through time: embeter, counties, municipalities and Oslo's districts,
//! each version valid for a period. Numbers are text (leading zeros matter).

use crate::{DomainError, ErrorCode};
use serde::Serialize;
use time::Date;

/// Oslo's municipality number; its districts are numbered 0301xx.
pub const OSLO: &str = "0301";

/// One version of a municipality, valid from `valid_from` to `valid_to` (inclusive, open if none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Municipality {
    #[schema(pattern = "^[0-9]{4}$")]
    pub number: String,
    pub name: String,
    #[schema(pattern = "^[0-9]{2}$")]
    pub county: String,
    /// Embete code, e.g. oslo-og-viken.
    pub embete: String,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_to: Option<String>,
}

/// One version of an Oslo district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct District {
    #[schema(pattern = "^0301[0-9]{2}$")]
    pub number: String,
    pub name: String,
    pub municipality: String,
    pub embete: String,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_to: Option<String>,
}

/// A county version with the embete that covered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct County {
    pub number: String,
    pub name: String,
    pub embete: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// An embete with the name valid at the date it was looked up for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Embete {
    pub code: String,
    /// The name valid at the date asked for (Fylkesmannen i … until 2020, Statsforvalteren
    /// i … from 2021).
    pub name: String,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_to: Option<String>,
}

/// How a municipality version became another at a reform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Renumbered,
    Merged,
    Split,
    Renamed,
}

impl ChangeKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "renumbered" => Self::Renumbered,
            "merged" => Self::Merged,
            "split" => Self::Split,
            "renamed" => Self::Renamed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Renumbered => "renumbered",
            Self::Merged => "merged",
            Self::Split => "split",
            Self::Renamed => "renamed",
        }
    }
}

/// Where a version stands relative to the municipality whose history is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Predecessor,
    #[serde(rename = "self")]
    Itself,
    Successor,
}

/// A link between two municipality versions at a reform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalityChange {
    pub date: String,
    pub predecessor: String,
    pub successor: String,
    pub kind: ChangeKind,
}

/// Which way a unit's lineage reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The numbers it came from, transitively: what counts as "this unit" on a date.
    Predecessors,
    /// Those, and the numbers it became, transitively: the unit across every reform.
    Both,
}

/// Every number a unit has had, itself first, then the others in the order they are
/// reached. The one answer to "this unit under any of its numbers", for coverage,
/// follow-up and the report filters. An Oslo district (six digits) is itself.
pub fn lineage(number: &str, changes: &[MunicipalityChange], reach: Reach) -> Vec<String> {
    let mut out = vec![number.to_owned()];
    if number.len() != 4 {
        return out;
    }
    // Each way is walked on its own, so a unit merged with another does not take in
    // the other (its sibling), only what both became.
    let mut walk = |backwards: bool| {
        let mut queue = vec![number.to_owned()];
        while let Some(current) = queue.pop() {
            for ch in changes {
                let (from, to) = if backwards {
                    (&ch.successor, &ch.predecessor)
                } else {
                    (&ch.predecessor, &ch.successor)
                };
                if *from == current && !out.contains(to) {
                    out.push(to.clone());
                    queue.push(to.clone());
                }
            }
        }
    };
    walk(true);
    if reach == Reach::Both {
        walk(false);
    }
    out
}

/// One entry of a municipality's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub municipality: Municipality,
    pub relation: Relation,
}

/// Validates a four-digit municipality number.
pub fn parse_municipality_number(input: &str) -> Result<String, DomainError> {
    let s = input.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(DomainError::field(
            ErrorCode::InvalidMunicipalityNumber,
            "number",
        ))
    }
}

/// Whether a version with this period is valid on `date` (ISO strings compare as dates).
pub fn valid_on(valid_from: &str, valid_to: Option<&str>, date: Date) -> bool {
    let d = crate::dates::iso(date);
    valid_from <= d.as_str() && valid_to.is_none_or(|to| to >= d.as_str())
}

/// Orders history entries oldest first, then by number.
pub fn sort_history(entries: &mut [HistoryEntry]) {
    entries.sort_by(|a, b| {
        (&a.municipality.valid_from, &a.municipality.number)
            .cmp(&(&b.municipality.valid_from, &b.municipality.number))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: &str, to: &str) -> MunicipalityChange {
        MunicipalityChange {
            date: "2020-01-01".into(),
            predecessor: from.into(),
            successor: to.into(),
            kind: ChangeKind::Merged,
        }
    }

    #[test]
    fn a_lineage_reaches_back_and_forth_but_not_to_siblings() {
        // 0233 and 0234 became 3029 in 2020, which became 3205 in 2024.
        let changes = [
            change("0233", "3029"),
            change("0234", "3029"),
            change("3029", "3205"),
        ];
        assert_eq!(
            lineage("3029", &changes, Reach::Predecessors),
            vec!["3029", "0233", "0234"]
        );
        assert_eq!(
            lineage("0233", &changes, Reach::Both),
            vec!["0233", "3029", "3205"],
            "not its sibling 0234"
        );
        assert_eq!(lineage("030109", &changes, Reach::Both), vec!["030109"]);
    }

    use crate::dates::parse_date;

    #[test]
    fn municipality_numbers_are_four_digits() {
        assert_eq!(parse_municipality_number("0239").unwrap(), "0239");
        for bad in ["239", "02390", "02a9", ""] {
            assert!(parse_municipality_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validity_is_inclusive() {
        let d = |s| parse_date(s, "d").unwrap();
        assert!(valid_on("2020-01-01", Some("2023-12-31"), d("2023-12-31")));
        assert!(!valid_on("2020-01-01", Some("2023-12-31"), d("2024-01-01")));
        assert!(valid_on("2024-01-01", None, d("2090-01-01")));
    }
}
