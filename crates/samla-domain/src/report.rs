//! The content of a dialogue: its two meetings and its report, and the rules a report
//! must meet before it is approved and published. Nothing about a child by name: the
//! youth meeting records a group, a count and age bands; free text passes the
//! publication gate ([`crate::publication`]) before approval and publication.

use crate::{DomainError, ErrorCode};
use serde::Serialize;

/// Services that take part in the leaders' meeting.
pub const SERVICES: [&str; 8] = [
    "health",
    "nav",
    "child_welfare",
    "kindergarten_school",
    "planning",
    "culture_leisure",
    "police",
    "other",
];

/// Who the children and young people in the youth meeting were.
pub const YOUTH_GROUPS: [&str; 4] = ["youth_council", "pupil_council", "user_group", "other"];

/// Age bands instead of ages or birth dates.
pub const AGE_BANDS: [&str; 4] = ["6-12", "13-15", "16-18", "19-24"];

/// A follow-up item's status.
pub const FOLLOW_UP_STATUSES: [&str; 3] = ["open", "in_progress", "done"];

/// The written standards a report can be in.
pub const REPORT_LANGUAGES: [&str; 2] = ["nb", "nn"];

/// At most this many findings or follow-up items in one report.
pub const MAX_ROWS: usize = 100;

const ROW_PREFIXES: [&str; 7] = [
    "finding_body",
    "finding_crc",
    "finding_steps",
    "follow_up_body",
    "follow_up_owner",
    "follow_up_deadline",
    "follow_up_status",
];

const REPORT_FIELDS: [&str; 6] = [
    "language",
    "facts",
    "leaders_said",
    "youth_said",
    "advice",
    "child_summary",
];

/// The form name of a report field as a static string (errors carry `&'static str`):
/// the fixed fields, and `<prefix>_<row>` for rows below [`MAX_ROWS`]; otherwise "form".
pub fn field_name(name: &str) -> &'static str {
    static ROWS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if let Some(f) = REPORT_FIELDS.iter().find(|f| **f == name) {
        return f;
    }
    let rows = ROWS.get_or_init(|| {
        ROW_PREFIXES
            .iter()
            .flat_map(|p| (0..MAX_ROWS).map(move |i| format!("{p}_{i}")))
            .collect()
    });
    rows.iter()
        .find(|r| r.as_str() == name)
        .map(String::as_str)
        .unwrap_or("form")
}

/// Which of the two meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    Leaders,
    Youth,
}

impl MeetingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Leaders => "leaders",
            MeetingKind::Youth => "youth",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingKind> {
        match s {
            "leaders" => Some(MeetingKind::Leaders),
            "youth" => Some(MeetingKind::Youth),
            _ => None,
        }
    }
}

/// Keeps only known choices from a list; any unknown one is an error on `field`.
pub fn choices(
    values: &[String],
    allowed: &[&str],
    field: &'static str,
) -> Result<Vec<String>, DomainError> {
    values
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| {
            allowed
                .iter()
                .find(|a| **a == v.as_str())
                .map(|a| (*a).to_owned())
                .ok_or(DomainError::field(ErrorCode::InvalidChoice, field))
        })
        .collect()
}

/// Parses a comma list of numbers within `range` ("3, 12" → [3, 12]), sorted, no repeats.
pub fn number_list(
    input: &str,
    max: u32,
    code: ErrorCode,
    field: &'static str,
) -> Result<Vec<u32>, DomainError> {
    let mut out = Vec::new();
    let cleaned = input.to_lowercase().replace("art.", " ");
    for part in cleaned
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let n: u32 = part.parse().map_err(|_| DomainError::field(code, field))?;
        if n == 0 || n > max {
            return Err(DomainError::field(code, field));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// CRC articles 1–54.
pub fn crc_articles(input: &str, field: &'static str) -> Result<Vec<u32>, DomainError> {
    number_list(input, 54, ErrorCode::InvalidCrcArticle, field)
}

/// Sjumilssteget steps 1–7.
pub fn steps(input: &str, field: &'static str) -> Result<Vec<u32>, DomainError> {
    number_list(input, 7, ErrorCode::InvalidStep, field)
}

/// The number of children and young people in the youth meeting: 1–500.
pub fn participants(input: &str) -> Result<i64, DomainError> {
    match input.trim().parse::<i64>() {
        Ok(n) if (1..=500).contains(&n) => Ok(n),
        _ => Err(DomainError::field(ErrorCode::InvalidNumber, "participants")),
    }
}

/// A report can be approved only with its child-friendly summary written.
pub fn check_approvable(child_summary: &str) -> Result<(), DomainError> {
    if child_summary.trim().is_empty() {
        Err(DomainError::field(
            ErrorCode::ChildSummaryRequired,
            "child_summary",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_articles_and_steps() {
        assert_eq!(crc_articles("12, 3, art. 12", "f").unwrap(), vec![3, 12]);
        assert!(crc_articles("55", "f").is_err());
        assert!(crc_articles("tolv", "f").is_err());
        assert_eq!(steps("1 4", "f").unwrap(), vec![1, 4]);
        assert_eq!(steps("8", "f").unwrap_err().code, ErrorCode::InvalidStep);
        assert_eq!(crc_articles("", "f").unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn a_child_summary_is_required() {
        assert!(check_approvable("  ").is_err());
        assert!(check_approvable("Vi snakket med ungdomsrådet.").is_ok());
    }
}
