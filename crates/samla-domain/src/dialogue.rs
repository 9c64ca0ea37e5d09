//! The stages of a dialogue with a municipality or Oslo district (Sjumilstegdialog),
//! and the order they must come in. A step that is not allowed from the current
//! stage is refused with `stage_not_allowed`, never applied silently.

use crate::workflow::{self, By, How, Transition};
use crate::{DomainError, ErrorCode};
use serde::Serialize;

/// The longest reason a correction takes.
pub const REASON_MAX: usize = 1000;
/// The longest cycle name.
pub const NAME_MAX: usize = 200;

/// A unit a dialogue can be held with: a municipality or an Oslo district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub kind: UnitKind,
    pub number: String,
    pub name: String,
}

/// A dialogue's stage. Steps go in this order; declined ends a dialogue after the
/// invitation; withdrawn is a published report taken down by a leader (POST …/withdraw).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Planned,
    Invited,
    Accepted,
    Declined,
    LeadersMeetingHeld,
    YouthMeetingHeld,
    ReportDrafted,
    ReportApproved,
    Published,
    /// A published report taken down by a leader, with a reason that stays public.
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Planned,
        Stage::Invited,
        Stage::Accepted,
        Stage::Declined,
        Stage::LeadersMeetingHeld,
        Stage::YouthMeetingHeld,
        Stage::ReportDrafted,
        Stage::ReportApproved,
        Stage::Published,
        Stage::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Planned => "planned",
            Stage::Invited => "invited",
            Stage::Accepted => "accepted",
            Stage::Declined => "declined",
            Stage::LeadersMeetingHeld => "leaders_meeting_held",
            Stage::YouthMeetingHeld => "youth_meeting_held",
            Stage::ReportDrafted => "report_drafted",
            Stage::ReportApproved => "report_approved",
            Stage::Published => "published",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stages a dialogue may move to from this one by an ordinary step.
    pub fn next(self) -> Vec<Stage> {
        workflow::next(TRANSITIONS, self, true)
    }

    /// Whether taking this step needs the dialogue's report.
    pub fn needs_report(self) -> bool {
        matches!(
            self,
            Stage::ReportDrafted | Stage::ReportApproved | Stage::Published
        )
    }

    /// Whether the report may be written and changed at this stage: from the leaders'
    /// meeting until a leader approves it. Before, there is nothing to report; after,
    /// the approved text is what gets published.
    pub fn report_is_open(self) -> bool {
        matches!(
            self,
            Stage::LeadersMeetingHeld | Stage::YouthMeetingHeld | Stage::ReportDrafted
        )
    }

    /// Whether the report has been approved (and is locked until sent back, or, once
    /// withdrawn, taken up again).
    pub fn report_is_approved(self) -> bool {
        matches!(
            self,
            Stage::ReportApproved | Stage::Published | Stage::Withdrawn
        )
    }

    /// How far along the way to a published report this stage is (for coverage);
    /// a declined dialogue has not progressed past the invitation.
    pub fn progress(self) -> u8 {
        match self {
            Stage::Planned => 1,
            Stage::Invited | Stage::Declined => 2,
            Stage::Accepted => 3,
            Stage::LeadersMeetingHeld => 4,
            Stage::YouthMeetingHeld => 5,
            Stage::ReportDrafted => 6,
            Stage::ReportApproved | Stage::Withdrawn => 7,
            Stage::Published => 8,
        }
    }
}

/// The reason a leader gives for withdrawing a published report: required, at most
/// 1,000 characters, and public (it is shown where the report was), so it passes the
/// publication gate.
pub fn check_reason(reason: &str) -> Result<String, DomainError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::field(ErrorCode::Required, "reason"));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(DomainError::field(ErrorCode::TextTooLong, "reason"));
    }
    crate::publication::check_name("reason", reason)?;
    Ok(reason.to_owned())
}

/// The dialogue's workflow: every move between stages, who may make it and how. A unit
/// that said no can be invited again later in the cycle; a leader can send an approved
/// report back for changes before it is published; withdrawing and reopening a published
/// report for correction need a reason, so they are actions, not steps; a withdrawn
/// report can be taken up again, corrected and published anew.
pub const TRANSITIONS: &[Transition<Stage>] = &{
    use By::{Leader, Member};
    use How::{Step, WithReason};
    const fn t(from: Stage, to: Stage, by: By, how: How) -> Transition<Stage> {
        Transition { from, to, by, how }
    }
    [
        t(Stage::Planned, Stage::Invited, Member, Step),
        t(Stage::Invited, Stage::Accepted, Member, Step),
        t(Stage::Invited, Stage::Declined, Member, Step),
        t(Stage::Declined, Stage::Invited, Member, Step),
        t(Stage::Accepted, Stage::LeadersMeetingHeld, Member, Step),
        t(
            Stage::LeadersMeetingHeld,
            Stage::YouthMeetingHeld,
            Member,
            Step,
        ),
        t(Stage::YouthMeetingHeld, Stage::ReportDrafted, Member, Step),
        t(Stage::ReportDrafted, Stage::ReportApproved, Leader, Step),
        t(Stage::ReportApproved, Stage::Published, Member, Step),
        t(Stage::ReportApproved, Stage::ReportDrafted, Leader, Step),
        t(Stage::Published, Stage::Withdrawn, Leader, WithReason),
        t(Stage::Published, Stage::ReportDrafted, Leader, WithReason),
        t(Stage::Withdrawn, Stage::ReportDrafted, Leader, Step),
    ]
};

/// What undoing a dialogue's last step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undo {
    /// The stage the dialogue goes back to.
    pub to: Stage,
    /// Whether only a leader may undo it (as only a leader may take it).
    pub needs_leader: bool,
}

/// Whether the step from `previous` into `last` can be undone. The first step has
/// nothing before it (a unit added by mistake is removed instead); a publication is
/// corrected by withdrawing or reopening it, never silently; and a withdrawal, whose
/// reason is public, is followed by taking the report up again.
pub fn undo(previous: Option<Stage>, last: Stage) -> Result<Undo, DomainError> {
    let previous = match previous {
        Some(p) if !matches!(last, Stage::Planned | Stage::Published | Stage::Withdrawn) => p,
        _ => return Err(DomainError::field(ErrorCode::NothingToUndo, "stage")),
    };
    // What only a leader may do, only a leader may undo.
    let needs_leader = needs_leader(previous, last);
    Ok(Undo {
        to: previous,
        needs_leader,
    })
}

/// Checks a corrected date for a step at `stage`: not in the future, not before the
/// standing step before it, not after the one after it (all ISO dates). Publications
/// and withdrawals are not corrected: samla dated them when they happened, and the
/// public reads those dates.
pub fn check_corrected_date(
    stage: Stage,
    previous: Option<&str>,
    next: Option<&str>,
    date: &str,
    today: &str,
) -> Result<(), DomainError> {
    if matches!(stage, Stage::Published | Stage::Withdrawn) {
        return Err(DomainError::field(ErrorCode::StageNotAllowed, "step"));
    }
    if date > today {
        return Err(DomainError::field(ErrorCode::DateInFuture, "date"));
    }
    if previous.is_some_and(|p| date < p) {
        return Err(DomainError::field(
            ErrorCode::DateBeforePreviousStep,
            "date",
        ));
    }
    if next.is_some_and(|n| date > n) {
        return Err(DomainError::field(ErrorCode::DateAfterNextStep, "date"));
    }
    Ok(())
}

/// Whether a step from `from` to `to` is a leader's decision: approving a report, and
/// sending an approved (or withdrawn) report back to be written again.
pub fn needs_leader(from: Stage, to: Stage) -> bool {
    workflow::find(TRANSITIONS, from, to).is_some_and(|t| t.by == By::Leader)
}

/// The steps that may come next from `stage` for someone who is (or is not) one of the
/// embete's leaders. The pages offer exactly these, the API lists them as `next`, and the
/// store refuses the others.
pub fn allowed_next(stage: Stage, is_leader: bool) -> Vec<Stage> {
    workflow::next(TRANSITIONS, stage, is_leader)
}

/// Whether `to` is one of the actions with a reason that leave a published report.
pub fn leaves_published(to: Stage) -> bool {
    workflow::find(TRANSITIONS, Stage::Published, to).is_some_and(|t| t.how == How::WithReason)
}

/// Checks one step; the new stage if it is allowed now.
pub fn step(from: Stage, to: Stage) -> Result<Stage, DomainError> {
    if workflow::find(TRANSITIONS, from, to).is_some_and(|t| t.how == How::Step) {
        Ok(to)
    } else {
        Err(DomainError::field(ErrorCode::StageNotAllowed, "stage"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_date_stays_between_its_neighbours() {
        let check = |prev, next, date| {
            check_corrected_date(Stage::Invited, prev, next, date, "2026-12-03").map_err(|e| e.code)
        };
        assert_eq!(
            check(Some("2026-01-01"), Some("2026-02-01"), "2026-01-15"),
            Ok(())
        );
        assert_eq!(
            check(Some("2026-01-01"), None, "2025-12-31"),
            Err(ErrorCode::DateBeforePreviousStep)
        );
        assert_eq!(
            check(None, Some("2026-02-01"), "2026-02-02"),
            Err(ErrorCode::DateAfterNextStep)
        );
        assert_eq!(
            check(None, None, "2027-01-01"),
            Err(ErrorCode::DateInFuture)
        );
        assert!(
            check_corrected_date(Stage::Published, None, None, "2026-01-01", "2026-12-03").is_err()
        );
    }

    #[test]
    fn only_leaders_are_offered_approval_and_sending_back() {
        assert_eq!(
            allowed_next(Stage::ReportDrafted, false),
            Vec::<Stage>::new()
        );
        assert_eq!(
            allowed_next(Stage::ReportDrafted, true),
            vec![Stage::ReportApproved]
        );
        assert_eq!(
            allowed_next(Stage::ReportApproved, false),
            vec![Stage::Published]
        );
        assert_eq!(
            allowed_next(Stage::YouthMeetingHeld, false),
            vec![Stage::ReportDrafted]
        );
        assert_eq!(allowed_next(Stage::Withdrawn, false), Vec::<Stage>::new());
    }

    #[test]
    fn the_last_step_can_be_undone_except_the_first_and_publication() {
        let u = undo(Some(Stage::Planned), Stage::Invited).unwrap();
        assert_eq!(u.to, Stage::Planned);
        assert!(!u.needs_leader);
        assert_eq!(
            undo(Some(Stage::Invited), Stage::Declined).unwrap().to,
            Stage::Invited
        );
        for (previous, last) in [
            (None, Stage::Planned),
            (Some(Stage::ReportApproved), Stage::Published),
            (Some(Stage::Published), Stage::Withdrawn),
        ] {
            assert_eq!(
                undo(previous, last).unwrap_err().code,
                ErrorCode::NothingToUndo,
                "{last:?}"
            );
        }
        // What only a leader may do, only a leader may undo.
        assert!(
            undo(Some(Stage::ReportDrafted), Stage::ReportApproved)
                .unwrap()
                .needs_leader
        );
        assert!(
            undo(Some(Stage::ReportApproved), Stage::ReportDrafted)
                .unwrap()
                .needs_leader
        );
        assert!(
            !undo(Some(Stage::YouthMeetingHeld), Stage::ReportDrafted)
                .unwrap()
                .needs_leader
        );
    }

    #[test]
    fn the_happy_path_is_allowed_in_order() {
        let path = [
            Stage::Planned,
            Stage::Invited,
            Stage::Accepted,
            Stage::LeadersMeetingHeld,
            Stage::YouthMeetingHeld,
            Stage::ReportDrafted,
            Stage::ReportApproved,
            Stage::Published,
        ];
        for pair in path.windows(2) {
            assert_eq!(step(pair[0], pair[1]), Ok(pair[1]));
            assert!(pair[0].progress() < pair[1].progress());
        }
    }

    #[test]
    fn skipping_or_going_back_is_refused() {
        for (from, to) in [
            (Stage::Planned, Stage::Published),
            (Stage::Invited, Stage::LeadersMeetingHeld),
            (Stage::Accepted, Stage::YouthMeetingHeld),
            (Stage::Declined, Stage::Accepted),
            (Stage::Published, Stage::ReportDrafted),
            (Stage::ReportDrafted, Stage::Published),
        ] {
            assert_eq!(
                step(from, to).unwrap_err().code,
                ErrorCode::StageNotAllowed,
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn a_withdrawal_needs_a_public_reason() {
        assert_eq!(check_reason("  ").unwrap_err().field, Some("reason"));
        assert_eq!(
            check_reason("Feil i fakta 150387 00089").unwrap_err().code,
            ErrorCode::PersonalIdFound
        );
        assert_eq!(
            check_reason(" Rapporten inneholdt en feil. ").unwrap(),
            "Rapporten inneholdt en feil."
        );
        assert_eq!(
            step(Stage::Withdrawn, Stage::ReportDrafted),
            Ok(Stage::ReportDrafted)
        );
        assert!(step(Stage::Published, Stage::Withdrawn).is_err());
    }

    #[test]
    fn identifiers_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}

/// What kind of unit a dialogue is held with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Municipality,
    District,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Municipality => "municipality",
            UnitKind::District => "district",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        match s {
            "municipality" => Some(UnitKind::Municipality),
            "district" => Some(UnitKind::District),
            _ => None,
        }
    }
}

/// A cycle's name and period, validated: a name (public at once, so it passes the
/// publication gate), a period from 2019 that does not run backwards and lasts at
/// most three years.
pub fn check_cycle(
    name: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<(String, time::Date, time::Date), Vec<DomainError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        errors.push(DomainError::field(ErrorCode::NameRequired, "name"));
    } else if let Err(e) = crate::publication::check_name("name", name) {
        errors.push(e);
    }
    let start = crate::dates::parse_region_date(starts_on, "starts_on")
        .map_err(|e| errors.push(e))
        .ok();
    let end = crate::dates::parse_date(ends_on, "ends_on")
        .map_err(|e| errors.push(e))
        .ok();
    if let (Some(s), Some(e)) = (start, end)
        && (e < s || (e - s).whole_days() > 3 * 366)
    {
        errors.push(DomainError::field(ErrorCode::InvalidPeriod, "ends_on"));
    }
    match (start, end, errors.is_empty()) {
        (Some(s), Some(e), true) => Ok((name.to_owned(), s, e)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::*;

    #[test]
    fn cycles_need_a_name_and_a_forward_period() {
        assert!(check_cycle("Dialogrunde 2019", "2019-01-01", "2019-12-31").is_ok());
        let errors = check_cycle(" ", "2018-01-01", "2017-01-01").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&Some("name")) && fields.contains(&Some("starts_on")));
        let errors = check_cycle("x", "2020-06-01", "2020-01-01").unwrap_err();
        assert_eq!(errors[0].code, ErrorCode::InvalidPeriod);
        // F1 of the security review: a name is public at once.
        let errors = check_cycle("Runde 15.03.87 00089", "2019-01-01", "2019-12-31").unwrap_err();
        assert_eq!(
            (errors[0].code, errors[0].field),
            (ErrorCode::PersonalIdFound, Some("name"))
        );
    }
}
