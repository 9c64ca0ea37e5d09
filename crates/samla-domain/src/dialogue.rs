//! The stages of a dialogue with a municipality or Oslo district (Sjumilstegdialog),
//! and the order they must come in. A step that is not allowed from the current
//! stage is refused with `stage_not_allowed`, never applied silently.

use crate::{DomainError, ErrorCode};
use serde::Serialize;

/// Where a dialogue stands. The identifiers are the API's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Planned,
        Stage::Invited,
        Stage::Accepted,
        Stage::Declined,
        Stage::LeadersMeetingHeld,
        Stage::YouthMeetingHeld,
        Stage::ReportDrafted,
        Stage::ReportApproved,
        Stage::Published,
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
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stages a dialogue may move to from this one.
    pub fn next(self) -> &'static [Stage] {
        match self {
            Stage::Planned => &[Stage::Invited],
            Stage::Invited => &[Stage::Accepted, Stage::Declined],
            // A unit that said no can be invited again later in the cycle.
            Stage::Declined => &[Stage::Invited],
            Stage::Accepted => &[Stage::LeadersMeetingHeld],
            Stage::LeadersMeetingHeld => &[Stage::YouthMeetingHeld],
            Stage::YouthMeetingHeld => &[Stage::ReportDrafted],
            // A leader can send an approved report back for changes before it is published.
            Stage::ReportDrafted => &[Stage::ReportApproved],
            Stage::ReportApproved => &[Stage::Published, Stage::ReportDrafted],
            Stage::Published => &[],
        }
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
            Stage::ReportApproved => 7,
            Stage::Published => 8,
        }
    }
}

/// Checks one step; the new stage if it is allowed now.
pub fn step(from: Stage, to: Stage) -> Result<Stage, DomainError> {
    if from.next().contains(&to) {
        Ok(to)
    } else {
        Err(DomainError::field(ErrorCode::StageNotAllowed, "stage"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn identifiers_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}
