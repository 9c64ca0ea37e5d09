//! An embete's yearly report on the joint assignment: one answer per reporting
//! requirement of the year's published assignment, with a status, the embete's text, the
//! plan measures, dialogue reports and follow-up items that show the work, and figures
//! where the requirement asks for them. Staff draft it, an embete leader approves a
//! version (a later change voids the approval and says so), and the embete submits the
//! approved version; submitted answers are locked. A mid-year status report to the
//! steering group has the same shape (`period` `midyear`).
//!
//! The report is one parted document (`yearly_report:<id>`) with one part per answer
//! (`answer:<requirement>`), so co-authors answering different requirements never
//! conflict.

use crate::assignment::{Requirement, check_text};
use crate::plan::{NAME_MAX, number};
use crate::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The reports an embete writes in a year: the yearly report, and the mid-year status.
pub const PERIODS: [&str; 2] = ["year", "midyear"];

/// Where an answer says the work stands.
pub const ANSWER_STATUSES: [&str; 4] = ["done", "partly", "not_started", "not_relevant"];

/// The most figure lines an answer holds.
pub const FIGURES_MAX: usize = 20;

/// A number the requirement asks for, with what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figure {
    pub name: String,
    pub value: f64,
}

/// The embete's answer to one reporting requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = YearlyReportAnswer)]
pub struct Answer {
    /// The requirement's stable identity.
    pub requirement: i64,
    /// One of [`ANSWER_STATUSES`].
    pub status: String,
    pub text: String,
    /// Why the requirement does not concern the embete (`not_relevant` only).
    pub reason: String,
    /// The plan's measures that carry the work, by their stable identity.
    pub measures: Vec<i64>,
    /// Dialogues whose reports show the work.
    pub dialogues: Vec<i64>,
    /// Follow-up items agreed in dialogues.
    pub follow_ups: Vec<i64>,
    pub figures: Vec<Figure>,
}

/// An answer as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub status: String,
    pub text: String,
    pub reason: String,
    pub measures: Vec<String>,
    pub dialogues: Vec<String>,
    pub follow_ups: Vec<String>,
    /// One figure per line: "Kommuner med dialogmøte: 12".
    pub figures: String,
}

impl AnswerInput {
    /// The form filled in with a saved answer.
    pub fn of(answer: &Answer) -> AnswerInput {
        let ids = |v: &[i64]| v.iter().map(i64::to_string).collect();
        AnswerInput {
            status: answer.status.clone(),
            text: answer.text.clone(),
            reason: answer.reason.clone(),
            measures: ids(&answer.measures),
            dialogues: ids(&answer.dialogues),
            follow_ups: ids(&answer.follow_ups),
            figures: answer
                .figures
                .iter()
                .map(|f| format!("{}: {}", f.name, f.value))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// What an answer may point at: the embete's own measures, dialogues and follow-up items.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub measures: Vec<i64>,
    pub dialogues: Vec<i64>,
    pub follow_ups: Vec<i64>,
}

/// The part key an answer is kept under.
pub fn answer_key(requirement: i64) -> String {
    format!("answer:{requirement}")
}

/// The requirement an answer part answers, or `None` for another part.
pub fn answer_of(key: &str) -> Option<i64> {
    key.strip_prefix("answer:")?.parse().ok()
}

/// The document key of a report.
pub fn document_key(id: i64) -> String {
    format!("yearly_report:{id}")
}

pub fn check_period(period: &str) -> Result<&'static str, DomainError> {
    PERIODS
        .iter()
        .find(|p| **p == period)
        .copied()
        .ok_or_else(|| DomainError::field(ErrorCode::NotFound, "period"))
}

/// The requirements a report answers: the reporting requirements of its year.
pub fn answered(requirements: &[Requirement]) -> Vec<&Requirement> {
    requirements
        .iter()
        .filter(|r| r.kind == "reporting")
        .collect()
}

/// When a report is due if its requirement names no date: the yearly report by 1 March
/// the year after (as the embeter's årsrapporter are), the mid-year status by 15 August.
pub fn default_deadline(year: i64, period: &str) -> Date {
    let (y, m, d) = match period {
        "midyear" => (year, 8, 15),
        _ => (year + 1, 3, 1),
    };
    Date::from_calendar_date(y as i32, Month::try_from(m).unwrap_or(Month::March), d)
        .unwrap_or(crate::dates::today())
}

/// When the answer to `requirement` is due: the requirement's own deadline in the yearly
/// report, the period's date otherwise.
pub fn deadline_of(requirement: &Requirement, year: i64, period: &str) -> Date {
    requirement
        .deadline
        .as_deref()
        .filter(|_| period == "year")
        .and_then(|d| crate::dates::parse_date(d, "deadline").ok())
        .unwrap_or_else(|| default_deadline(year, period))
}

/// Where one requirement stands for one embete, as the secretariat follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reported {
    /// Not submitted, and the deadline has not passed.
    Expected,
    OnTime,
    Late,
    /// Not submitted, and the deadline has passed.
    Missing,
}

impl Reported {
    pub const ALL: [Reported; 4] = [
        Reported::Expected,
        Reported::OnTime,
        Reported::Late,
        Reported::Missing,
    ];

    pub fn of(deadline: Date, submitted_on: Option<Date>, today: Date) -> Reported {
        match submitted_on {
            Some(d) if d <= deadline => Reported::OnTime,
            Some(_) => Reported::Late,
            None if today > deadline => Reported::Missing,
            None => Reported::Expected,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reported::Expected => "expected",
            Reported::OnTime => "on_time",
            Reported::Late => "late",
            Reported::Missing => "missing",
        }
    }
}

/// The ids chosen among `allowed`, each once, in order; an id that is not allowed is
/// refused on `field`.
pub(crate) fn chosen_ids(
    values: &[String],
    allowed: &[i64],
    field: &'static str,
    errors: &mut Vec<DomainError>,
) -> Vec<i64> {
    let mut chosen: Vec<i64> = Vec::new();
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        match value.trim().parse::<i64>() {
            Ok(id) if allowed.contains(&id) => {
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            _ => {
                errors.push(DomainError::field(ErrorCode::InvalidChoice, field));
                break;
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Figure lines as "name: value"; blank lines are skipped.
fn figures(input: &str, errors: &mut Vec<DomainError>) -> Vec<Figure> {
    let mut out = Vec::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let parsed = line.rsplit_once(':').and_then(|(name, value)| {
            let name = name.trim();
            (!name.is_empty() && name.chars().count() <= NAME_MAX)
                .then_some(())
                .and(number(value))
                .map(|value| Figure {
                    name: name.to_owned(),
                    value,
                })
        });
        match parsed {
            Some(f) => out.push(f),
            None => {
                errors.push(DomainError::field(ErrorCode::InvalidNumber, "figures"));
                return out;
            }
        }
    }
    if out.len() > FIGURES_MAX {
        errors.push(DomainError::field(ErrorCode::InvalidInput, "figures"));
    }
    out
}

/// Checks an answer to `requirement` with every error at once. Done and partly done
/// need the text that says what was done; not relevant needs the reason.
pub fn check_answer(
    input: &AnswerInput,
    requirement: i64,
    evidence: &Evidence,
) -> Result<Answer, Vec<DomainError>> {
    let mut errors = Vec::new();
    let status = input.status.trim();
    if !ANSWER_STATUSES.contains(&status) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "status"));
    }
    let text = check_text(&input.text).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let reason = check_text(&input.reason)
        .map_err(|e| DomainError::field(e.code, "reason"))
        .unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
    if matches!(status, "done" | "partly") && text.trim().is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "text"));
    }
    if status == "not_relevant" && reason.trim().is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "reason"));
    }
    let measures = chosen_ids(&input.measures, &evidence.measures, "measures", &mut errors);
    let dialogues = chosen_ids(
        &input.dialogues,
        &evidence.dialogues,
        "dialogues",
        &mut errors,
    );
    let follow_ups = chosen_ids(
        &input.follow_ups,
        &evidence.follow_ups,
        "follow_ups",
        &mut errors,
    );
    let figures = figures(&input.figures, &mut errors);
    // A report may be published by the secretariat: an identity number is refused here.
    for (field, value) in [("text", text.as_str()), ("reason", reason.as_str())] {
        if !errors.iter().any(|e| e.field == Some(field))
            && let Err(e) = crate::publication::check_name(field, value)
        {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Answer {
        requirement,
        status: status.to_owned(),
        text,
        reason: if status == "not_relevant" {
            reason
        } else {
            String::new()
        },
        measures,
        dialogues,
        follow_ups,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: &str, text: &str) -> AnswerInput {
        AnswerInput {
            status: status.into(),
            text: text.into(),
            ..AnswerInput::default()
        }
    }

    fn codes(r: Result<Answer, Vec<DomainError>>) -> Vec<(ErrorCode, Option<&'static str>)> {
        r.unwrap_err().iter().map(|e| (e.code, e.field)).collect()
    }

    #[test]
    fn done_needs_text_and_not_relevant_needs_a_reason() {
        let e = Evidence::default();
        assert_eq!(
            codes(check_answer(&input("done", " "), 1, &e)),
            [(ErrorCode::Required, Some("text"))]
        );
        assert_eq!(
            codes(check_answer(&input("not_relevant", ""), 1, &e)),
            [(ErrorCode::Required, Some("reason"))]
        );
        assert_eq!(
            codes(check_answer(&input("maybe", ""), 1, &e)),
            [(ErrorCode::InvalidChoice, Some("status"))]
        );
        let ok = check_answer(&input("not_started", ""), 7, &e).unwrap();
        assert_eq!((ok.requirement, ok.status.as_str()), (7, "not_started"));
    }

    #[test]
    fn a_reason_is_kept_only_when_not_relevant() {
        let mut i = input("done", "Alle kommuner fikk besøk.");
        i.reason = "Gjelder ikke".into();
        assert_eq!(
            check_answer(&i, 1, &Evidence::default()).unwrap().reason,
            ""
        );
        i.status = "not_relevant".into();
        assert_eq!(
            check_answer(&i, 1, &Evidence::default()).unwrap().reason,
            "Gjelder ikke"
        );
    }

    #[test]
    fn evidence_must_be_the_embetes_own() {
        let e = Evidence {
            measures: vec![3, 4],
            dialogues: vec![10],
            follow_ups: vec![],
        };
        let mut i = input("partly", "Godt i gang.");
        i.measures = vec!["4".into(), "3".into(), "4".into()];
        i.dialogues = vec!["10".into()];
        let a = check_answer(&i, 1, &e).unwrap();
        assert_eq!((a.measures, a.dialogues), (vec![3, 4], vec![10]));
        i.follow_ups = vec!["99".into()];
        assert_eq!(
            codes(check_answer(&i, 1, &e)),
            [(ErrorCode::InvalidChoice, Some("follow_ups"))]
        );
    }

    #[test]
    fn figures_are_read_line_by_line_with_norwegian_decimals() {
        let mut i = input("done", "Se tall.");
        i.figures = "Kommuner med dialogmøte: 12\n\nAndel, prosent: 45,5\n".into();
        let a = check_answer(&i, 1, &Evidence::default()).unwrap();
        assert_eq!(
            a.figures,
            [
                Figure {
                    name: "Kommuner med dialogmøte".into(),
                    value: 12.0
                },
                Figure {
                    name: "Andel, prosent".into(),
                    value: 45.5
                }
            ]
        );
        i.figures = "Kommuner: mange".into();
        assert_eq!(
            codes(check_answer(&i, 1, &Evidence::default())),
            [(ErrorCode::InvalidNumber, Some("figures"))]
        );
    }

    #[test]
    fn an_identity_number_is_refused_in_the_text() {
        let i = input("done", "Gjelder 15038700089 i saken.");
        let errors = codes(check_answer(&i, 1, &Evidence::default()));
        assert!(errors.iter().all(|(_, f)| *f == Some("text")), "{errors:?}");
    }

    #[test]
    fn reported_follows_the_deadline() {
        let d = |s: &str| crate::dates::parse_date(s, "d").unwrap();
        let deadline = default_deadline(2019, "year");
        assert_eq!(crate::dates::iso(deadline), "2020-03-01");
        assert_eq!(
            crate::dates::iso(default_deadline(2019, "midyear")),
            "2019-08-15"
        );
        assert_eq!(
            Reported::of(deadline, Some(d("2020-02-28")), d("2020-06-01")),
            Reported::OnTime
        );
        assert_eq!(
            Reported::of(deadline, Some(d("2020-03-02")), d("2020-06-01")),
            Reported::Late
        );
        assert_eq!(
            Reported::of(deadline, None, d("2020-03-01")),
            Reported::Expected
        );
        assert_eq!(
            Reported::of(deadline, None, d("2020-03-02")),
            Reported::Missing
        );
    }
}
