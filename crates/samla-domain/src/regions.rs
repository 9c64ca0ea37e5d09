//! Regions through time: embeter, counties, municipalities and Oslo's districts,
//! each version valid for a period. Numbers are text (leading zeros matter).

use crate::{DomainError, ErrorCode};
use serde::Serialize;
use time::Date;

/// Oslo's municipality number; its districts are numbered 0301xx.
pub const OSLO: &str = "0301";

/// One version of a municipality, valid from `valid_from` to `valid_to` (inclusive, open if none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    pub number: String,
    pub name: String,
    pub county: String,
    pub embete: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// One version of an Oslo district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct District {
    pub number: String,
    pub name: String,
    pub municipality: String,
    pub embete: String,
    pub valid_from: String,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Embete {
    pub code: String,
    pub name: String,
    pub valid_from: String,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// One entry of a municipality's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
