//! An embete's long-term plan for its 0–24 work: ambitions, the goals under each, and the
//! measures that carry a goal out (owner, deadline, status, indicators), each measure
//! linked to the requirements of the joint assignment it serves, to CRC articles and to
//! Sjumilssteget steps. The plan also names the embete's internal 0–24 group and its
//! leader-level reference group. An embete leader anchors a version; later changes make
//! new versions, and the history shows what changed since.
//!
//! The plan is one parted document (`plan:<embete>`): `summary`, `group`, and one part
//! per item (`ambition:<id>`, `goal:<id>`, `measure:<id>`), so co-authors who change
//! different items never conflict.

use crate::assignment::{TITLE_MAX, check_text};
use crate::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

/// The departments an embete's internal 0–24 group is drawn from.
pub const DEPARTMENTS: [&str; 4] = [
    "social_child_welfare",
    "health",
    "education_kindergarten",
    "coordination_preparedness",
];

/// Where a measure stands.
pub const MEASURE_STATUSES: [&str; 4] = ["planned", "in_progress", "done", "stopped"];

/// The kinds of item a plan is built from, outermost first.
pub const ITEM_KINDS: [&str; 3] = ["ambition", "goal", "measure"];

/// The most members a group lists, and indicators a measure has.
pub const MEMBERS_MAX: usize = 40;
pub const INDICATORS_MAX: usize = 10;

/// The longest name, title or owner, in characters.
pub const NAME_MAX: usize = 200;

/// A member of the internal 0–24 group or of the reference group. Members are staff and
/// leaders of the embete, never children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanMember)]
pub struct Member {
    pub name: String,
    /// Position, such as "seniorrådgiver" or "assisterende statsforvalter".
    pub title: String,
    /// One of [`DEPARTMENTS`] for the internal group; empty in the reference group.
    pub department: String,
}

/// Who does the 0–24 work in the embete, and which leaders it answers to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Group {
    pub internal: Vec<Member>,
    pub reference: Vec<Member>,
    /// Who the secretariat turns to, per requirement area (the assignment's sectors).
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// The embete's contact point for the secretariat in one requirement area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    /// One of the joint assignment's sectors (`crate::assignment::SECTORS`).
    pub area: String,
    pub name: String,
    pub email: String,
}

/// A contact row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub area: String,
    pub name: String,
    pub email: String,
}

/// An indicator of a measure: what is measured, from where to where, and each year's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Indicator {
    pub name: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// (year, value), by year.
    pub values: Vec<YearValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearValue {
    pub year: i64,
    pub value: f64,
}

/// One item of the plan. Its `id` is stable across versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanItem)]
pub struct Item {
    pub id: i64,
    /// `ambition`, `goal` or `measure`.
    pub kind: String,
    /// The ambition a goal is under, or the goal a measure carries out; `None` for an ambition.
    pub parent: Option<i64>,
    pub title: String,
    pub text: String,
    /// A measure's details; `None` for ambitions and goals.
    pub measure: Option<MeasureDetails>,
}

/// What only a measure has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeasureDetails {
    /// Who in the embete is responsible (a department, a role or a person).
    pub owner: String,
    /// `YYYY-MM-DD`, if it has one.
    pub deadline: Option<String>,
    /// One of [`MEASURE_STATUSES`].
    pub status: String,
    pub indicators: Vec<Indicator>,
    /// The joint assignment's requirements it serves, by their stable identity.
    pub requirements: Vec<i64>,
    pub crc_articles: Vec<u32>,
    /// Sjumilssteget steps 1–7.
    pub steps: Vec<u32>,
}

/// An item as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub parent: String,
    pub title: String,
    pub text: String,
    pub owner: String,
    pub deadline: String,
    pub status: String,
    pub requirements: Vec<String>,
    pub crc_articles: String,
    pub steps: String,
    pub indicators: Vec<IndicatorInput>,
}

/// An indicator row as typed: the yearly values as "2019: 12, 2020: 15".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorInput {
    pub name: String,
    pub baseline: String,
    pub target: String,
    pub values: String,
}

impl IndicatorInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.baseline, &self.target, &self.values]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// The part key an item is kept under in the plan's document.
pub fn item_key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

/// The kind and id of an item part, or `None` for another part.
pub fn item_of(key: &str) -> Option<(&str, i64)> {
    let (kind, id) = key.split_once(':')?;
    ITEM_KINDS
        .contains(&kind)
        .then(|| id.parse().ok().map(|id| (kind, id)))
        .flatten()
}

/// The document key of an embete's plan.
pub fn document_key(embete: &str) -> String {
    format!("plan:{embete}")
}

/// The kind a parent of `kind` must have.
pub fn parent_kind(kind: &str) -> Option<&'static str> {
    match kind {
        "goal" => Some("ambition"),
        "measure" => Some("goal"),
        _ => None,
    }
}

fn short(value: &str, field: &'static str, errors: &mut Vec<DomainError>) -> String {
    let v = value.trim();
    if v.chars().count() > NAME_MAX {
        errors.push(DomainError::field(ErrorCode::TextTooLong, field));
    }
    v.to_owned()
}

/// A number as Norwegians and others write it: "12", "12,5", "12.5", "1 200".
pub fn number(input: &str) -> Option<f64> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Yearly values written as "2019: 12, 2020: 15,5" (a semicolon or a new line also
/// separates them).
pub fn year_values(input: &str) -> Option<Vec<YearValue>> {
    let mut out: Vec<YearValue> = Vec::new();
    for pair in input
        .split([';', '\n'])
        .flat_map(split_pairs)
        .filter(|p| !p.trim().is_empty())
    {
        let (year, value) = pair.split_once([':', '='])?;
        let year: i64 = year.trim().parse().ok()?;
        if !(1990..=crate::assignment::LAST_YEAR).contains(&year) {
            return None;
        }
        let value = number(value)?;
        out.retain(|v| v.year != year);
        out.push(YearValue { year, value });
    }
    out.sort_by_key(|v| v.year);
    Some(out)
}

/// Splits "2019: 12, 2020: 15,5" at the commas that begin a new year, leaving decimal
/// commas in place.
fn split_pairs(line: &str) -> Vec<String> {
    let mut pairs: Vec<String> = Vec::new();
    for piece in line.split(',') {
        let starts_year = piece.contains([':', '=']);
        match pairs.last_mut() {
            Some(last) if !starts_year => {
                last.push(',');
                last.push_str(piece);
            }
            _ => pairs.push(piece.to_owned()),
        }
    }
    pairs
}

/// Checks an item of `kind` with every error at once. `parents` are the ids of the items
/// it may sit under (the plan's ambitions for a goal, its goals for a measure), and
/// `requirements` the identities a measure may point at.
pub fn check_item(
    kind: &str,
    input: &ItemInput,
    id: i64,
    parents: &[i64],
    requirements: &[i64],
) -> Result<Item, Vec<DomainError>> {
    let mut errors = Vec::new();
    if !ITEM_KINDS.contains(&kind) {
        return Err(vec![DomainError::new(ErrorCode::NotFound)]);
    }
    let parent = match parent_kind(kind) {
        None => None,
        Some(_) => match input.parent.trim().parse::<i64>() {
            Ok(p) if parents.contains(&p) => Some(p),
            _ => {
                errors.push(DomainError::field(ErrorCode::InvalidChoice, "parent"));
                None
            }
        },
    };
    let title = input.title.trim();
    if title.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "title"));
    } else if title.chars().count() > TITLE_MAX {
        errors.push(DomainError::field(ErrorCode::TextTooLong, "title"));
    }
    let text = check_text(&input.text).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let measure = (kind == "measure").then(|| check_measure(input, requirements, &mut errors));
    // The plan is public once anchored: an identity number is refused as it is typed.
    let owner = measure.as_ref().map(|m| m.owner.as_str()).unwrap_or("");
    for (field, value) in [("title", title), ("text", text.as_str()), ("owner", owner)] {
        if !errors.iter().any(|e| e.field == Some(field))
            && let Err(e) = crate::publication::check_name(field, value)
        {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Item {
        id,
        kind: kind.to_owned(),
        parent,
        title: title.to_owned(),
        text,
        measure,
    })
}

fn check_measure(
    input: &ItemInput,
    requirements: &[i64],
    errors: &mut Vec<DomainError>,
) -> MeasureDetails {
    let owner = short(&input.owner, "owner", errors);
    if owner.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "owner"));
    }
    let deadline = match input.deadline.trim() {
        "" => None,
        d => crate::dates::parse_date(d, "deadline")
            .map(|d| Some(crate::dates::iso(d)))
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            }),
    };
    let status = input.status.trim().to_owned();
    if !MEASURE_STATUSES.contains(&status.as_str()) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "status"));
    }
    let chosen =
        crate::yearly_report::chosen_ids(&input.requirements, requirements, "requirements", errors);
    let crc_articles = crate::report::crc_articles(&input.crc_articles, "crc_articles")
        .unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        });
    let steps = crate::report::steps(&input.steps, "steps").unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let rows: Vec<&IndicatorInput> = input.indicators.iter().filter(|i| !i.is_blank()).collect();
    let mut indicators = Vec::new();
    if rows.len() > INDICATORS_MAX {
        errors.push(DomainError::field(ErrorCode::InvalidInput, "indicators"));
    }
    for row in rows.into_iter().take(INDICATORS_MAX) {
        match check_indicator(row) {
            Some(i) => indicators.push(i),
            None => {
                errors.push(DomainError::field(ErrorCode::InvalidNumber, "indicators"));
                break;
            }
        }
    }
    MeasureDetails {
        owner,
        deadline,
        status,
        indicators,
        requirements: chosen,
        crc_articles,
        steps,
    }
}

/// An indicator needs a name; its baseline, target and values, where given, must be numbers.
fn check_indicator(row: &IndicatorInput) -> Option<Indicator> {
    let name = row.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return None;
    }
    let optional = |s: &str| match s.trim() {
        "" => Some(None),
        v => number(v).map(Some),
    };
    Some(Indicator {
        name: name.to_owned(),
        baseline: optional(&row.baseline)?,
        target: optional(&row.target)?,
        values: year_values(&row.values)?,
    })
}

/// A member row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberInput {
    pub name: String,
    pub title: String,
    pub department: String,
}

impl MemberInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.title, &self.department]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// Checks both groups. An internal member needs a name and a department; a reference
/// member a name. Blank rows are dropped.
pub fn check_group(
    internal: &[MemberInput],
    reference: &[MemberInput],
    contacts: &[ContactInput],
) -> Result<Group, Vec<DomainError>> {
    let mut errors = Vec::new();
    let mut rows = |input: &[MemberInput], field: &'static str, with_department: bool| {
        let rows: Vec<&MemberInput> = input.iter().filter(|m| !m.is_blank()).collect();
        if rows.len() > MEMBERS_MAX {
            errors.push(DomainError::field(ErrorCode::InvalidInput, field));
        }
        let mut out = Vec::new();
        let mut bad = false;
        for m in rows.into_iter().take(MEMBERS_MAX) {
            let name = m.name.trim();
            let department = m.department.trim();
            let department_ok = if with_department {
                DEPARTMENTS.contains(&department)
            } else {
                department.is_empty()
            };
            if name.is_empty()
                || name.chars().count() > NAME_MAX
                || crate::publication::check_name(field, name).is_err()
                || m.title.trim().chars().count() > NAME_MAX
                || !department_ok
            {
                bad = true;
                continue;
            }
            out.push(Member {
                name: name.to_owned(),
                title: m.title.trim().to_owned(),
                department: department.to_owned(),
            });
        }
        if bad {
            errors.push(DomainError::field(ErrorCode::Required, field));
        }
        out
    };
    let internal = rows(internal, "internal", true);
    let reference = rows(reference, "reference", false);
    let contacts = check_contacts(contacts, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Group {
        internal,
        reference,
        contacts,
    })
}

/// Contact points: a row left blank names nobody; a filled one needs a known area, a name
/// and a valid address, and each area has at most one.
fn check_contacts(input: &[ContactInput], errors: &mut Vec<DomainError>) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::new();
    let mut bad = false;
    for c in input {
        let (name, email) = (c.name.trim(), c.email.trim());
        if name.is_empty() && email.is_empty() {
            continue;
        }
        let area = c.area.trim();
        let email = crate::users::parse_email(email);
        match email {
            Ok(email)
                if crate::assignment::SECTORS.contains(&area)
                    && !name.is_empty()
                    && name.chars().count() <= NAME_MAX
                    && crate::publication::check_name("contacts", name).is_ok()
                    && !out.iter().any(|o| o.area == area) =>
            {
                out.push(Contact {
                    area: area.to_owned(),
                    name: name.to_owned(),
                    email,
                })
            }
            _ => bad = true,
        }
    }
    if bad {
        errors.push(DomainError::field(ErrorCode::InvalidInput, "contacts"));
    }
    out
}

/// Where a plan stands against its anchoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Anchoring {
    /// No version has been anchored yet.
    NotAnchored,
    /// The current version is the anchored one.
    Anchored,
    /// A version was anchored, and the plan has changed since.
    ChangedSince,
}

pub fn anchoring(anchored: Option<i64>, current: i64) -> Anchoring {
    match anchored {
        None => Anchoring::NotAnchored,
        Some(v) if v == current => Anchoring::Anchored,
        Some(_) => Anchoring::ChangedSince,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(input: ItemInput) -> Result<Item, Vec<DomainError>> {
        check_item("measure", &input, 7, &[3], &[11, 12])
    }

    fn fields(errors: Vec<DomainError>) -> Vec<&'static str> {
        errors.into_iter().filter_map(|e| e.field).collect()
    }

    #[test]
    fn yearly_values_keep_decimal_commas() {
        let v = year_values("2019: 12, 2020: 15,5; 2021=1 200").unwrap();
        let pairs: Vec<(i64, f64)> = v.iter().map(|v| (v.year, v.value)).collect();
        assert_eq!(pairs, vec![(2019, 12.0), (2020, 15.5), (2021, 1200.0)]);
        assert_eq!(year_values("").unwrap(), vec![]);
        assert!(year_values("tjue: 3").is_none());
        assert!(year_values("2019 12").is_none());
        assert!(year_values("1850: 3").is_none());
    }

    #[test]
    fn a_measure_is_checked_field_by_field_all_at_once() {
        let errors = measure(ItemInput {
            parent: "4".into(),
            title: " ".into(),
            status: "maybe".into(),
            requirements: vec!["99".into()],
            crc_articles: "3, 60".into(),
            steps: "8".into(),
            deadline: "2020-02-30".into(),
            indicators: vec![IndicatorInput {
                name: "Andel".into(),
                baseline: "mye".into(),
                ..IndicatorInput::default()
            }],
            ..ItemInput::default()
        })
        .unwrap_err();
        assert_eq!(
            fields(errors),
            vec![
                "parent",
                "title",
                "owner",
                "deadline",
                "status",
                "requirements",
                "crc_articles",
                "steps",
                "indicators"
            ]
        );
    }

    #[test]
    fn a_good_measure_is_kept_in_order() {
        let item = measure(ItemInput {
            parent: "3".into(),
            title: " Felles plan for ettervern ".into(),
            text: "Tekst".into(),
            owner: "Helse- og sosialavdelingen".into(),
            status: "in_progress".into(),
            requirements: vec!["12".into(), "11".into(), "12".into()],
            crc_articles: "12, 3".into(),
            steps: "2".into(),
            indicators: vec![
                IndicatorInput::default(),
                IndicatorInput {
                    name: "Kommuner med plan".into(),
                    baseline: "4".into(),
                    target: "26".into(),
                    values: "2020: 9, 2019: 6".into(),
                },
            ],
            ..ItemInput::default()
        })
        .unwrap();
        assert_eq!(item.title, "Felles plan for ettervern");
        assert_eq!(item.parent, Some(3));
        let m = item.measure.unwrap();
        assert_eq!(m.requirements, vec![11, 12]);
        assert_eq!(m.crc_articles, vec![3, 12]);
        assert_eq!(m.indicators.len(), 1, "the blank row is dropped");
        assert_eq!(m.indicators[0].values[0].year, 2019);
    }

    #[test]
    fn an_ambition_has_no_parent_and_a_goal_needs_one() {
        let input = ItemInput {
            title: "Ingen barn utsettes for vold".into(),
            ..ItemInput::default()
        };
        assert!(check_item("ambition", &input, 1, &[], &[]).is_ok());
        assert_eq!(
            fields(check_item("goal", &input, 2, &[1], &[]).unwrap_err()),
            vec!["parent"]
        );
    }

    #[test]
    fn group_members_need_a_name_and_the_internal_ones_a_department() {
        let ok = MemberInput {
            name: "Kari Fjell".into(),
            title: "seniorrådgiver".into(),
            department: "health".into(),
        };
        let lead = MemberInput {
            name: "Per Li".into(),
            title: "direktør".into(),
            department: String::new(),
        };
        let contact = ContactInput {
            area: "school".into(),
            name: "Kari Fjell".into(),
            email: " Kari.Fjell@SF.example ".into(),
        };
        let group = check_group(
            &[ok.clone(), MemberInput::default()],
            std::slice::from_ref(&lead),
            &[contact.clone(), ContactInput::default()],
        )
        .unwrap();
        assert_eq!(group.internal.len(), 1);
        assert_eq!(group.contacts[0].email, "kari.fjell@sf.example");
        let no_address = ContactInput {
            email: "kari".into(),
            ..contact
        };
        assert_eq!(
            fields(check_group(&[], &[], &[no_address]).unwrap_err()),
            vec!["contacts"]
        );
        let no_department = MemberInput {
            department: String::new(),
            ..ok
        };
        assert_eq!(
            fields(check_group(&[no_department], &[lead], &[]).unwrap_err()),
            vec!["internal"]
        );
    }

    #[test]
    fn item_keys_go_both_ways() {
        assert_eq!(item_of(&item_key("goal", 4)), Some(("goal", 4)));
        assert_eq!(item_of("summary"), None);
        assert_eq!(item_of("req:4"), None);
    }
}
