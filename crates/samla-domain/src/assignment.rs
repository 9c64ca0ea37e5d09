//! The joint assignment (fellesoppdraget): the five directorates' one yearly assignment to
//! the ten county governors. It is a document of sections, each owned by one directorate
//! or by the secretariat (the common parts). It goes from drafting, through sign-off by
//! all five directorates, to quality assurance, adoption and publication. A sign-off names
//! the version it signed; a later change voids it, and the page says so.

use crate::access::{self, Actor, OrgKind, Role};
use crate::workflow::{By, How, Transition};
use crate::{DomainError, ErrorCode};

/// The owner of the common parts: the secretariat's organisation code.
pub const SECRETARIAT: &str = access::SECRETARIAT.0;

/// The five directorates that give the assignment, by organisation code, in the order
/// the assignment lists them.
pub fn directorates() -> impl Iterator<Item = &'static str> {
    access::DIRECTORATES.iter().map(|(code, _)| *code)
}

fn is_directorate(code: &str) -> bool {
    directorates().any(|d| d == code)
}

/// The longest section text, in characters.
pub const SECTION_MAX: usize = 20_000;

/// The years an assignment can be for.
pub const FIRST_YEAR: i64 = 2019;
pub const LAST_YEAR: i64 = 2100;

/// Where an assignment stands. Whether all five have signed is not a stage of its own:
/// it follows from the sign-offs of the current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Drafting,
    SignOff,
    QualityAssured,
    Adopted,
    Published,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Drafting,
        Stage::SignOff,
        Stage::QualityAssured,
        Stage::Adopted,
        Stage::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::SignOff => "sign_off",
            Stage::QualityAssured => "quality_assured",
            Stage::Adopted => "adopted",
            Stage::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Result<Stage, DomainError> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or(DomainError::field(ErrorCode::InvalidChoice, "stage"))
    }

    /// Sections can be written while drafting and during sign-off (a change then voids
    /// the sign-offs already given); from quality assurance on, the text is settled.
    pub fn open_for_edits(self) -> bool {
        matches!(self, Stage::Drafting | Stage::SignOff)
    }
}

/// The assignment's stages, all moved by the secretariat (`By::Member` of it). Going
/// from sign-off to quality assurance also needs every directorate's valid sign-off,
/// which [`check_move`] checks.
pub const TRANSITIONS: [Transition<Stage>; 5] = [
    Transition {
        from: Stage::Drafting,
        to: Stage::SignOff,
        by: By::Member,
        how: How::Step,
    },
    Transition {
        from: Stage::SignOff,
        to: Stage::Drafting,
        by: By::Member,
        how: How::Step,
    },
    Transition {
        from: Stage::SignOff,
        to: Stage::QualityAssured,
        by: By::Member,
        how: How::Step,
    },
    Transition {
        from: Stage::QualityAssured,
        to: Stage::Adopted,
        by: By::Member,
        how: How::Step,
    },
    Transition {
        from: Stage::Adopted,
        to: Stage::Published,
        by: By::Member,
        how: How::Step,
    },
];

/// A section's owner: the secretariat or one of the directorates.
pub fn check_owner(owner: &str) -> Result<(), DomainError> {
    if owner == SECRETARIAT || is_directorate(owner) {
        Ok(())
    } else {
        Err(DomainError::field(ErrorCode::InvalidChoice, "owner"))
    }
}

/// A year an assignment can be made for.
pub fn check_year(year: i64) -> Result<(), DomainError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(DomainError::field(ErrorCode::InvalidNumber, "year"))
    }
}

/// A section's text: trimmed at the ends, at most [`SECTION_MAX`] characters.
pub fn check_text(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.chars().count() > SECTION_MAX {
        return Err(DomainError::field(ErrorCode::TextTooLong, "text"));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// Whether the actor works in the secretariat.
pub fn is_secretariat(actor: &Actor) -> bool {
    actor.organisation.kind == OrgKind::Secretariat && actor.has(Role::Secretariat)
}

/// The directorate the actor signs and writes for, if any.
pub fn directorate_of(actor: &Actor) -> Option<&str> {
    (actor.organisation.kind == OrgKind::Directorate
        && actor.has(Role::Directorate)
        && is_directorate(&actor.organisation.code))
    .then_some(actor.organisation.code.as_str())
}

/// Who reads an assignment before it is published: the secretariat, the directorates
/// and the steering group. Everyone reads it once it is published.
pub fn may_read_drafts(actor: &Actor) -> bool {
    is_secretariat(actor) || directorate_of(actor).is_some() || actor.has(Role::SteeringGroup)
}

/// Proof that the actor may read assignments before they are published.
#[derive(Debug)]
pub struct ReadDrafts {
    _sealed: (),
}

/// The secretariat, the directorates and the steering group read drafts.
pub fn read_drafts(actor: &Actor) -> Result<ReadDrafts, DomainError> {
    if may_read_drafts(actor) {
        Ok(ReadDrafts { _sealed: () })
    } else {
        Err(DomainError::new(ErrorCode::Forbidden))
    }
}

/// Whether the actor may write a section with this owner: the owning directorate's
/// members, and the secretariat for every section.
pub fn may_write(actor: &Actor, owner: &str) -> bool {
    is_secretariat(actor) || directorate_of(actor) == Some(owner)
}

/// One directorate's sign-off as it stands against the current version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignOffState {
    /// Not signed, or never since the assignment was sent for sign-off.
    Missing,
    /// Signed the current version.
    Valid { version: i64 },
    /// Signed an earlier version; a change after it voided it.
    Void { version: i64 },
}

/// The state of a sign-off of `signed` (if any) when the current version is `current`.
pub fn sign_off_state(signed: Option<i64>, current: i64) -> SignOffState {
    match signed {
        None => SignOffState::Missing,
        Some(v) if v == current => SignOffState::Valid { version: v },
        Some(v) => SignOffState::Void { version: v },
    }
}

/// Checks a move of the assignment from `from` to `to` by the actor. `all_signed` says
/// whether every directorate has signed the current version.
pub fn check_move(
    actor: &Actor,
    from: Stage,
    to: Stage,
    all_signed: bool,
) -> Result<(), DomainError> {
    if !is_secretariat(actor) {
        return Err(DomainError::new(ErrorCode::Forbidden));
    }
    if crate::workflow::find(&TRANSITIONS, from, to).is_none() {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage"));
    }
    if to == Stage::QualityAssured && !all_signed {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage"));
    }
    Ok(())
}

/// Checks a sign-off: a directorate member, while the assignment is out for sign-off.
pub fn check_sign_off(actor: &Actor, stage: Stage) -> Result<&str, DomainError> {
    let directorate = directorate_of(actor).ok_or(DomainError::new(ErrorCode::Forbidden))?;
    if stage != Stage::SignOff {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "stage"));
    }
    Ok(directorate)
}

/// The sections a new assignment starts with when there is no earlier year to copy:
/// (key, owner). The secretariat writes the common parts; each directorate its own.
pub fn first_sections() -> Vec<(String, String)> {
    let mut sections = vec![("innledning".to_owned(), SECRETARIAT.to_owned())];
    sections.extend(directorates().map(|d| (d.to_owned(), d.to_owned())));
    sections.push(("rapportering".to_owned(), SECRETARIAT.to_owned()));
    sections
}

/// The sectors a requirement can concern.
pub const SECTORS: [&str; 6] = [
    "kindergarten",
    "school",
    "child_welfare",
    "health",
    "social_services",
    "work",
];

/// The longest requirement title, in characters.
pub const TITLE_MAX: usize = 200;

/// What a requirement asks for: something to do, or something to report on.
pub const REQUIREMENT_KINDS: [&str; 2] = ["task", "reporting"];

/// A requirement inside the assignment: a task or a reporting requirement with a stable
/// identity across years (carried forward when a year is copied), a deadline, the
/// sectors it concerns and CRC article tags. It belongs to one section, whose owner
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Requirement {
    /// The stable identity, the same in every year the requirement is carried into.
    pub id: i64,
    /// The section it belongs to.
    pub section: String,
    /// `task` or `reporting`.
    pub kind: String,
    pub title: String,
    pub text: String,
    /// `YYYY-MM-DD`, if it has one.
    pub deadline: Option<String>,
    pub sectors: Vec<String>,
    pub crc_articles: Vec<u32>,
}

/// A requirement as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct RequirementInput {
    pub kind: String,
    pub title: String,
    pub text: String,
    pub deadline: String,
    pub sectors: Vec<String>,
    pub crc_articles: String,
}

/// Checks a requirement's fields, every error at once (so a form shows them together).
pub fn check_requirement(
    input: &RequirementInput,
    id: i64,
    section: &str,
) -> Result<Requirement, Vec<DomainError>> {
    let mut errors = Vec::new();
    if !REQUIREMENT_KINDS.contains(&input.kind.as_str()) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "kind"));
    }
    let title = input.title.trim();
    if title.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "title"));
    } else if title.chars().count() > TITLE_MAX {
        errors.push(DomainError::field(ErrorCode::TextTooLong, "title"));
    }
    let text = match check_text(&input.text) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let deadline = match input.deadline.trim() {
        "" => None,
        d => match crate::dates::parse_date(d, "deadline") {
            Ok(date) => Some(crate::dates::iso(date)),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    let mut sectors: Vec<String> = Vec::new();
    for s in &input.sectors {
        if !SECTORS.contains(&s.as_str()) {
            errors.push(DomainError::field(ErrorCode::InvalidChoice, "sectors"));
            break;
        }
        if !sectors.contains(s) {
            sectors.push(s.clone());
        }
    }
    sectors.sort_by_key(|s| SECTORS.iter().position(|x| x == s));
    let crc_articles = match crate::report::crc_articles(&input.crc_articles, "crc_articles") {
        Ok(a) => a,
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Requirement {
        id,
        section: section.to_owned(),
        kind: input.kind.clone(),
        title: title.to_owned(),
        text,
        deadline,
        sectors,
        crc_articles,
    })
}

/// How a requirement stands against the year before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Carried {
    /// Not in last year's assignment.
    New,
    /// Carried forward, with changes.
    Changed,
    /// Carried forward as it was.
    Unchanged,
}

/// The document key a requirement is kept under (one section of the document per row,
/// as the document kernel keeps rows).
pub fn requirement_key(id: i64) -> String {
    format!("req:{id}")
}

/// The requirement's id, if `key` is a requirement's document key.
pub fn requirement_id(key: &str) -> Option<i64> {
    key.strip_prefix("req:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::OrgRef;

    fn actor(code: &str, kind: OrgKind, role: Role) -> Actor {
        Actor {
            user_id: 1,
            email: "a@b.no".into(),
            name: "A".into(),
            organisation: OrgRef {
                code: code.into(),
                kind,
            },
            roles: vec![role],
        }
    }

    #[test]
    fn directorates_write_their_own_sections_and_the_secretariat_every_section() {
        let bufdir = actor("bufdir", OrgKind::Directorate, Role::Directorate);
        let secretariat = actor("sekretariatet", OrgKind::Secretariat, Role::Secretariat);
        let embete = actor("vestland", OrgKind::Embete, Role::EmbeteLeader);
        assert!(may_write(&bufdir, "bufdir"));
        assert!(!may_write(&bufdir, "hdir"));
        assert!(!may_write(&bufdir, SECRETARIAT));
        assert!(may_write(&secretariat, "hdir"));
        assert!(may_write(&secretariat, SECRETARIAT));
        assert!(!may_write(&embete, "bufdir"));
        assert!(!may_read_drafts(&embete));
        assert!(may_read_drafts(&actor(
            "hdir",
            OrgKind::Directorate,
            Role::SteeringGroup
        )));
    }

    #[test]
    fn quality_assurance_needs_every_directorates_valid_sign_off() {
        let secretariat = actor("sekretariatet", OrgKind::Secretariat, Role::Secretariat);
        let bufdir = actor("bufdir", OrgKind::Directorate, Role::Directorate);
        assert!(check_move(&secretariat, Stage::Drafting, Stage::SignOff, false).is_ok());
        assert!(check_move(&bufdir, Stage::Drafting, Stage::SignOff, false).is_err());
        let refused = check_move(&secretariat, Stage::SignOff, Stage::QualityAssured, false);
        assert_eq!(refused.unwrap_err().code, ErrorCode::StageNotAllowed);
        assert!(check_move(&secretariat, Stage::SignOff, Stage::QualityAssured, true).is_ok());
        assert!(check_move(&secretariat, Stage::Drafting, Stage::Published, true).is_err());
        assert!(check_move(&secretariat, Stage::Published, Stage::Drafting, true).is_err());
    }

    #[test]
    fn a_sign_off_of_an_earlier_version_is_void() {
        assert_eq!(sign_off_state(None, 3), SignOffState::Missing);
        assert_eq!(
            sign_off_state(Some(3), 3),
            SignOffState::Valid { version: 3 }
        );
        assert_eq!(
            sign_off_state(Some(2), 3),
            SignOffState::Void { version: 2 }
        );
    }

    #[test]
    fn only_a_directorate_signs_and_only_during_sign_off() {
        let bufdir = actor("bufdir", OrgKind::Directorate, Role::Directorate);
        assert_eq!(check_sign_off(&bufdir, Stage::SignOff).unwrap(), "bufdir");
        assert!(check_sign_off(&bufdir, Stage::Drafting).is_err());
        let secretariat = actor("sekretariatet", OrgKind::Secretariat, Role::Secretariat);
        assert!(check_sign_off(&secretariat, Stage::SignOff).is_err());
    }

    #[test]
    fn a_requirement_is_checked_field_by_field() {
        let good = RequirementInput {
            kind: "reporting".into(),
            title: " Samordning av tjenester ".into(),
            text: "Rapporter hvor mange kommuner som har en samordnet plan.".into(),
            deadline: "2020-03-01".into(),
            sectors: vec!["work".into(), "health".into(), "health".into()],
            crc_articles: "3, 12".into(),
        };
        let r = check_requirement(&good, 7, "nav").unwrap();
        assert_eq!(r.title, "Samordning av tjenester");
        assert_eq!(r.sectors, ["health", "work"]);
        assert_eq!(r.crc_articles, [3, 12]);
        assert_eq!(r.deadline.as_deref(), Some("2020-03-01"));
        let bad = RequirementInput {
            kind: "wish".into(),
            title: "".into(),
            deadline: "1. mars".into(),
            sectors: vec!["police".into()],
            crc_articles: "99".into(),
            ..good
        };
        let fields: Vec<&str> = check_requirement(&bad, 7, "nav")
            .unwrap_err()
            .iter()
            .filter_map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["kind", "title", "deadline", "sectors", "crc_articles"]
        );
        assert_eq!(requirement_id(&requirement_key(42)), Some(42));
        assert_eq!(requirement_id("hdir"), None);
    }

    #[test]
    fn texts_owners_and_years_are_checked() {
        assert_eq!(check_text("  Tekst\r\nlinje  ").unwrap(), "Tekst\nlinje");
        assert!(check_text(&"x".repeat(SECTION_MAX + 1)).is_err());
        assert!(check_owner("nav").is_ok());
        assert!(check_owner("politiet").is_err());
        assert!(check_year(2019).is_ok());
        assert!(check_year(2018).is_err());
        assert_eq!(first_sections().len(), 7);
    }
}
