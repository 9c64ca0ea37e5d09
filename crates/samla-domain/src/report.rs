//! The content of a dialogue: its two meetings and its report, and the rules a report
//! must meet before it is approved and published. Nothing about a child by name: the
//! youth meeting records a group, a count and age bands; free text passes the
//! publication gate ([`crate::publication`]) before approval and publication.

use crate::document::{self, Sections};
use crate::publication::Publishable;
use crate::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

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
    pub const ALL: [MeetingKind; 2] = [MeetingKind::Leaders, MeetingKind::Youth];

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

/// The Convention on the Rights of the Child has 54 articles.
pub const CRC_ARTICLES_MAX: u32 = 54;
/// Sjumilssteget has seven steps.
pub const STEPS_MAX: u32 = 7;
/// The most children and young people a youth meeting records.
pub const PARTICIPANTS_MAX: i64 = 500;
/// The longest meeting place.
pub const PLACE_MAX: usize = 200;
/// The longest comment on a follow-up item.
pub const COMMENT_MAX: usize = 4000;

/// CRC articles 1–54.
pub fn crc_articles(input: &str, field: &'static str) -> Result<Vec<u32>, DomainError> {
    number_list(input, CRC_ARTICLES_MAX, ErrorCode::InvalidCrcArticle, field)
}

/// Sjumilssteget steps 1–7.
pub fn steps(input: &str, field: &'static str) -> Result<Vec<u32>, DomainError> {
    number_list(input, STEPS_MAX, ErrorCode::InvalidStep, field)
}

/// The number of children and young people in the youth meeting: 1–500.
pub fn participants(input: &str) -> Result<i64, DomainError> {
    match input.trim().parse::<i64>() {
        Ok(n) if (1..=PARTICIPANTS_MAX).contains(&n) => Ok(n),
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

/// A leaders' meeting or a children's and youth meeting. Never names: a youth meeting
/// has a group, a count and age bands.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Meeting {
    #[schema(format = Date)]
    pub held_on: String,
    pub place: String,
    #[schema(schema_with = crate::schema::services)]
    pub services: Vec<String>,
    pub roles: String,
    pub notes: String,
    /// Null for a leaders' meeting.
    #[schema(schema_with = crate::schema::youth_group)]
    pub youth_group: Option<String>,
    pub participants: Option<i64>,
    #[schema(schema_with = crate::schema::age_bands)]
    pub age_bands: Vec<String>,
}

/// A meeting form as typed (strings), validated by [`save_meeting`].
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    pub held_on: String,
    pub place: String,
    pub services: Vec<String>,
    pub roles: String,
    pub notes: String,
    pub youth_group: String,
    pub participants: String,
    pub age_bands: Vec<String>,
}

/// A finding, tagged with articles and steps (400 required when its body is blank, at
/// findings when the whole row is).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct Finding {
    /// Stable across versions; 0 (or absent) for a new row. A row sent with its id is
    /// updated in place, so comments and status on a follow-up item survive; rows left out
    /// are removed.
    #[schema(minimum = 0, maximum = 9223372036854775807_i64)]
    pub id: i64,
    #[schema(required, pattern = "\\S")]
    pub body: String,
    /// Comma-separated article numbers; API clients may send a list of numbers.
    #[serde(deserialize_with = "number_list_text")]
    #[schema(schema_with = crate::schema::crc_articles)]
    pub crc_articles: String,
    #[serde(deserialize_with = "number_list_text")]
    #[schema(schema_with = crate::schema::steps)]
    pub steps: String,
}

/// Reads `"3, 12"` or `[3, 12]` into the comma text a form holds.
fn number_list_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Numbers(Vec<u32>),
    }
    Ok(match Either::deserialize(d)? {
        Either::Text(t) => t,
        Either::Numbers(n) => n.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
    })
}

/// A follow-up item: what is to be done, who owns it and by when (400 required when one
/// is blank; a row with all three blank is 400 required at follow_ups).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct FollowUp {
    /// Stable across versions, so the unit's comments and status stay with the item; 0
    /// (or absent) for a new row.
    #[schema(minimum = 0, maximum = 9223372036854775807_i64)]
    pub id: i64,
    #[schema(required, pattern = "\\S")]
    pub body: String,
    #[schema(required, pattern = "\\S")]
    pub owner: String,
    /// The date the item is due.
    #[schema(required, format = Date)]
    pub deadline: String,
    #[schema(required, schema_with = crate::schema::follow_up_status)]
    pub status: String,
}

impl Finding {
    /// A row with nothing typed in it: a form's spare row.
    pub fn is_blank(&self) -> bool {
        [&self.body, &self.crc_articles, &self.steps]
            .iter()
            .all(|text| text.trim().is_empty())
    }
}

impl FollowUp {
    /// A row with nothing typed in it: a form's spare row.
    pub fn is_blank(&self) -> bool {
        [&self.body, &self.owner, &self.deadline]
            .iter()
            .all(|text| text.trim().is_empty())
    }
}

/// Blank rows in a report sent whole (through the API, which has no spare rows): each
/// is refused as `required` at its list, rather than dropped without a word.
pub fn blank_rows(report: &Report) -> Vec<DomainError> {
    let mut errors = Vec::new();
    if report.findings.iter().any(Finding::is_blank) {
        errors.push(DomainError::field(ErrorCode::Required, "findings"));
    }
    if report.follow_ups.iter().any(FollowUp::is_blank) {
        errors.push(DomainError::field(ErrorCode::Required, "follow_ups"));
    }
    errors
}

/// A report as stored (and as a form holds it: lists are comma text). A save replaces
/// the whole report: a text left out is saved empty, rows left out are removed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct Report {
    #[schema(required, schema_with = crate::schema::report_language)]
    pub language: String,
    pub facts: String,
    pub leaders_said: String,
    pub youth_said: String,
    pub advice: String,
    /// The child-friendly summary; required before approval.
    pub child_summary: String,
    #[schema(schema_with = crate::schema::rows::<Finding>)]
    pub findings: Vec<Finding>,
    #[schema(schema_with = crate::schema::rows::<FollowUp>)]
    pub follow_ups: Vec<FollowUp>,
    /// The version last read (0, or left out, for a first save). If someone saved since,
    /// the two are merged field by field from that version: fields and rows only the other
    /// side changed keep their text, fields only this request changed take the new text.
    /// If both changed the same field or row, the answer is 409 edit_conflict with
    /// `current` (what is saved) and `conflicts` (each section both changed, with `mine`
    /// and `theirs`), and nothing is written.
    #[schema(minimum = -9223372036854775808_i64, maximum = 9223372036854775807_i64)]
    pub version: i64,
}

impl Publishable for Report {
    fn public_texts(&self) -> Vec<(String, &str)> {
        let mut fields = vec![
            ("facts".to_owned(), self.facts.as_str()),
            ("leaders_said".to_owned(), self.leaders_said.as_str()),
            ("youth_said".to_owned(), self.youth_said.as_str()),
            ("advice".to_owned(), self.advice.as_str()),
            ("child_summary".to_owned(), self.child_summary.as_str()),
        ];
        for (i, f) in self.findings.iter().enumerate() {
            fields.push((format!("finding_body_{i}"), f.body.as_str()));
        }
        for (i, f) in self.follow_ups.iter().enumerate() {
            fields.push((format!("follow_up_body_{i}"), f.body.as_str()));
            fields.push((format!("follow_up_owner_{i}"), f.owner.as_str()));
        }
        fields
    }

    fn not_text() -> &'static [&'static str] {
        &["language", "crc_articles", "steps", "deadline", "status"]
    }
}

/// Checks a meeting as typed; every field error at once.
pub fn check_meeting(kind: MeetingKind, input: &MeetingInput) -> Result<Meeting, Vec<DomainError>> {
    let mut errors = Vec::new();
    let held_on = crate::dates::parse_region_date(&input.held_on, "held_on")
        .map_err(|e| errors.push(e))
        .ok();
    let place = input.place.trim().to_owned();
    if place.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "place"));
    } else if place.chars().count() > PLACE_MAX {
        errors.push(DomainError::field(ErrorCode::TextTooLong, "place"));
    }
    let services = choices(&input.services, &SERVICES, "services")
        .map_err(|e| errors.push(e))
        .ok();
    let (youth_group, count, bands) = match kind {
        MeetingKind::Leaders => {
            // A leaders' meeting keeps no youth details, but what is sent must still be
            // valid: the same input is not refused in one meeting and taken in the other.
            if !input.participants.trim().is_empty() {
                errors.extend(participants(&input.participants).err());
            }
            if !input.youth_group.trim().is_empty() {
                errors.extend(
                    choices(
                        std::slice::from_ref(&input.youth_group),
                        &YOUTH_GROUPS,
                        "youth_group",
                    )
                    .err(),
                );
            }
            errors.extend(choices(&input.age_bands, &AGE_BANDS, "age_bands").err());
            (None, None, Vec::new())
        }
        MeetingKind::Youth
            if input.youth_group.trim().is_empty() || input.participants.trim().is_empty() =>
        {
            for (field, blank) in [
                ("youth_group", input.youth_group.trim().is_empty()),
                ("participants", input.participants.trim().is_empty()),
            ] {
                if blank {
                    errors.push(DomainError::field(
                        ErrorCode::RequiredForYouthMeeting,
                        field,
                    ));
                }
            }
            (None, None, Vec::new())
        }
        MeetingKind::Youth => (
            choices(
                std::slice::from_ref(&input.youth_group),
                &YOUTH_GROUPS,
                "youth_group",
            )
            .map_err(|e| errors.push(e))
            .ok()
            .and_then(|v| v.into_iter().next())
            .or_else(|| {
                errors.push(DomainError::field(ErrorCode::InvalidChoice, "youth_group"));
                None
            }),
            participants(&input.participants)
                .map_err(|e| errors.push(e))
                .ok(),
            choices(&input.age_bands, &AGE_BANDS, "age_bands")
                .map_err(|e| errors.push(e))
                .ok()
                .unwrap_or_default(),
        ),
    };
    let (Some(held_on), Some(services), true) = (held_on, services, errors.is_empty()) else {
        return Err(errors);
    };
    let meeting = Meeting {
        held_on: crate::dates::iso(held_on),
        place,
        services,
        roles: input.roles.trim().to_owned(),
        notes: input.notes.trim().to_owned(),
        youth_group,
        participants: count,
        age_bands: bands,
    };
    Ok(meeting)
}

/// Checks a report's structured parts; blank finding and follow-up rows are dropped.
pub fn check_report(mut input: Report) -> Result<Report, Vec<DomainError>> {
    let mut errors = Vec::new();
    if input.findings.len() > MAX_ROWS || input.follow_ups.len() > MAX_ROWS {
        return Err(vec![DomainError::new(ErrorCode::InvalidInput)]);
    }
    if !REPORT_LANGUAGES.contains(&input.language.as_str()) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "language"));
    }
    // Blank rows (the form's spare ones) are dropped, but only after checking, so that an
    // error names the row the editor typed in, not its position among the kept ones.
    // Ids are the store's (0 for a new row); a negative one names nothing.
    if input.findings.iter().any(|f| f.id < 0) {
        errors.push(DomainError::field(ErrorCode::InvalidInput, "findings"));
    }
    if input.follow_ups.iter().any(|f| f.id < 0) {
        errors.push(DomainError::field(ErrorCode::InvalidInput, "follow_ups"));
    }
    let blank_finding = Finding::is_blank;
    let blank_follow_up = FollowUp::is_blank;
    for (i, f) in input.findings.iter_mut().enumerate() {
        if blank_finding(f) {
            continue;
        }
        let field = |name: &str| field_name(&format!("finding_{name}_{i}"));
        match crc_articles(&f.crc_articles, field("crc")) {
            Ok(list) => {
                f.crc_articles = list
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Err(e) => errors.push(e),
        }
        match steps(&f.steps, field("steps")) {
            Ok(list) => {
                f.steps = list
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Err(e) => errors.push(e),
        }
        if f.body.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("body")));
        }
    }
    for (i, f) in input.follow_ups.iter_mut().enumerate() {
        if blank_follow_up(f) {
            continue;
        }
        let field = |name: &str| field_name(&format!("follow_up_{name}_{i}"));
        if f.body.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("body")));
        }
        if f.owner.trim().is_empty() {
            errors.push(DomainError::field(ErrorCode::Required, field("owner")));
        }
        if let Err(e) = crate::dates::parse_date(&f.deadline, field("deadline")) {
            errors.push(e);
        }
        if !FOLLOW_UP_STATUSES.contains(&f.status.as_str()) {
            errors.push(DomainError::field(
                ErrorCode::InvalidChoice,
                field("status"),
            ));
        }
    }
    if errors.is_empty() {
        // Browsers send line breaks as CRLF, API clients mostly as LF: one form is
        // stored, so that versions compare by what was written.
        for field in [
            &mut input.facts,
            &mut input.leaders_said,
            &mut input.youth_said,
            &mut input.advice,
            &mut input.child_summary,
        ] {
            *field = field.replace("\r\n", "\n");
        }
        for f in &mut input.findings {
            f.body = f.body.replace("\r\n", "\n");
        }
        for f in &mut input.follow_ups {
            f.body = f.body.replace("\r\n", "\n");
        }
        input.findings.retain(|f| !blank_finding(f));
        input.follow_ups.retain(|f| !blank_follow_up(f));
        Ok(input)
    } else {
        Err(errors)
    }
}

impl Report {
    /// A version's content as the document kernel stores and hashes it: the whole
    /// report but its version number.
    pub fn content(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            fields.remove("version");
        }
        value.to_string()
    }

    /// The SHA-256 of [`Report::content`]: what an approval names.
    pub fn sha256(&self) -> String {
        document::hash(&self.content())
    }

    /// The report as the kernel's sections: each text field, and each row under its
    /// stable id (rows not saved yet under their position), so that two editors who
    /// changed different fields or rows never conflict.
    pub fn sections(&self) -> Sections {
        let mut out = Sections::new();
        for (key, text) in self.text_fields() {
            out.insert(key.to_owned(), text.replace("\r\n", "\n"));
        }
        for (i, f) in self.findings.iter().enumerate() {
            let row = Finding { id: 0, ..f.clone() };
            out.insert(row_key("finding", f.id, i), json_of(&row));
        }
        for (i, f) in self.follow_ups.iter().enumerate() {
            let row = FollowUp { id: 0, ..f.clone() };
            out.insert(row_key("follow_up", f.id, i), json_of(&row));
        }
        out
    }

    fn text_fields(&self) -> [(&'static str, &str); 6] {
        [
            ("language", self.language.as_str()),
            ("child_summary", self.child_summary.as_str()),
            ("facts", self.facts.as_str()),
            ("leaders_said", self.leaders_said.as_str()),
            ("youth_said", self.youth_said.as_str()),
            ("advice", self.advice.as_str()),
        ]
    }

    fn text_field_mut(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "language" => &mut self.language,
            "child_summary" => &mut self.child_summary,
            "facts" => &mut self.facts,
            "leaders_said" => &mut self.leaders_said,
            "youth_said" => &mut self.youth_said,
            "advice" => &mut self.advice,
            _ => return None,
        })
    }

    /// Puts `text` (a section's content, `None` for a removed row) in place of section
    /// `key`. A row that is new to this report is added at the end.
    pub fn set_section(&mut self, key: &str, text: Option<&str>) {
        if let Some(field) = self.text_field_mut(key) {
            *field = text.unwrap_or_default().to_owned();
            return;
        }
        fn place<T: for<'de> Deserialize<'de> + Clone>(
            rows: &mut Vec<T>,
            key: &str,
            kind: &str,
            text: Option<&str>,
            id_of: fn(&T) -> i64,
            with_id: fn(T, i64) -> T,
        ) {
            let at = rows
                .iter()
                .enumerate()
                .position(|(i, r)| row_key(kind, id_of(r), i) == key);
            let id = key
                .strip_prefix(kind)
                .and_then(|k| k.strip_prefix('_'))
                .and_then(|k| k.parse::<i64>().ok())
                .unwrap_or(0);
            let row = text.and_then(|t| serde_json::from_str::<T>(t).ok());
            match (at, row) {
                (Some(i), Some(row)) => rows[i] = with_id(row, id),
                (Some(i), None) => {
                    rows.remove(i);
                }
                (None, Some(row)) => rows.push(with_id(row, id)),
                (None, None) => {}
            }
        }
        if key.starts_with("finding_") {
            place(
                &mut self.findings,
                key,
                "finding",
                text,
                |f| f.id,
                |f, id| Finding { id, ..f },
            );
        } else if key.starts_with("follow_up_") {
            place(
                &mut self.follow_ups,
                key,
                "follow_up",
                text,
                |f| f.id,
                |f, id| FollowUp { id, ..f },
            );
        }
    }
}

/// A row's section key: `finding_12` for a saved row, `finding_new_0` for a new one.
fn row_key(kind: &str, id: i64, position: usize) -> String {
    if id > 0 {
        format!("{kind}_{id}")
    } else {
        format!("{kind}_new_{position}")
    }
}

fn json_of<T: Serialize>(row: &T) -> String {
    serde_json::to_string(row).unwrap_or_default()
}

/// Which part of the report a section key belongs to, for lists of what changed:
/// the field itself, or `findings` / `follow_ups` for a row.
pub fn section_part(key: &str) -> &str {
    if key.starts_with("finding_") {
        "findings"
    } else if key.starts_with("follow_up_") {
        "follow_ups"
    } else {
        key
    }
}

/// `mine` merged into `theirs` from `base`: the sections only the other editor changed
/// carry their text, and a section both changed keeps mine for now and is listed.
pub fn merge_reports(
    base: Option<&Report>,
    mine: &Report,
    theirs: &Report,
) -> (Report, document::Merge) {
    let base = base.map(Report::sections).unwrap_or_default();
    let their_sections = theirs.sections();
    let mut merge = document::merge(&base, &mine.sections(), &their_sections);
    let mut merged = mine.clone();
    // The same row added on both sides is kept once: the saved one, with its id.
    let added_by_them: Vec<&String> = their_sections
        .iter()
        .filter(|(k, _)| !base.contains_key(*k))
        .map(|(_, v)| v)
        .collect();
    let twins: Vec<String> = merge
        .settled
        .iter()
        .filter(|(k, v)| k.contains("_new_") && added_by_them.contains(v))
        .map(|(k, _)| k.clone())
        .collect();
    // Removed last row first, so that the positions in the other keys still hold.
    let mut twins = twins;
    twins.sort_by_key(|k| {
        std::cmp::Reverse(
            k.rsplit('_')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0),
        )
    });
    for key in twins {
        merge.settled.remove(&key);
        merged.set_section(&key, None);
    }
    for key in &merge.taken {
        merged.set_section(key, merge.settled.get(key).map(String::as_str));
    }
    (merged, merge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(youth_group: &str, participants: &str) -> MeetingInput {
        MeetingInput {
            held_on: "2021-03-15".into(),
            place: "Skolen".into(),
            youth_group: youth_group.into(),
            participants: participants.into(),
            ..MeetingInput::default()
        }
    }

    fn codes(result: Result<Meeting, Vec<DomainError>>) -> Vec<(ErrorCode, Option<&'static str>)> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| (e.code, e.field))
            .collect()
    }

    #[test]
    fn a_youth_meeting_needs_its_group_and_count_and_a_leaders_meeting_refuses_bad_ones() {
        let required = ErrorCode::RequiredForYouthMeeting;
        assert_eq!(
            codes(check_meeting(MeetingKind::Youth, &meeting("", ""))),
            [
                (required, Some("youth_group")),
                (required, Some("participants"))
            ]
        );
        assert_eq!(
            codes(check_meeting(
                MeetingKind::Youth,
                &meeting("youth_council", "0")
            )),
            [(ErrorCode::InvalidNumber, Some("participants"))]
        );
        // Not kept for leaders, but not taken when it would be refused for the youth.
        assert_eq!(
            codes(check_meeting(MeetingKind::Leaders, &meeting("", "501"))),
            [(ErrorCode::InvalidNumber, Some("participants"))]
        );
        let kept = check_meeting(MeetingKind::Leaders, &meeting("youth_council", "9")).unwrap();
        assert_eq!((kept.youth_group, kept.participants), (None, None));
    }

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
