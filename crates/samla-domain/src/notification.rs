//! E-mail notifications: the kinds of message samla sends when something lands in a
//! person's work list, who each kind is for, and how often a failed one is tried again.

use crate::access::Role;

/// The assignment was sent for sign-off: each directorate's members sign their version.
pub const SIGN_OFF_REQUESTED: &str = "sign_off_requested";
/// An embete submitted its yearly report: the secretariat reads and assesses it.
pub const REPORT_SUBMITTED: &str = "report_submitted";
/// The secretariat released its assessment of a report to the embete.
pub const ASSESSMENT_RELEASED: &str = "assessment_released";
/// A requirement's deadline is seven days away and the embete has not submitted.
pub const DEADLINE_SOON: &str = "deadline_soon";

/// Every kind, in the order the preferences page lists them.
pub const KINDS: [&str; 4] = [
    SIGN_OFF_REQUESTED,
    REPORT_SUBMITTED,
    ASSESSMENT_RELEASED,
    DEADLINE_SOON,
];

/// How many days before a deadline the reminder goes out.
pub const REMIND_DAYS_BEFORE: i64 = 7;

/// The roles a kind is sent to; a person is offered the kinds their roles receive.
pub fn audience(kind: &str) -> &'static [Role] {
    match kind {
        SIGN_OFF_REQUESTED => &[Role::Directorate],
        REPORT_SUBMITTED => &[Role::Secretariat],
        ASSESSMENT_RELEASED | DEADLINE_SOON => &[Role::EmbeteStaff, Role::EmbeteLeader],
        _ => &[],
    }
}

/// The kinds someone with `roles` may receive.
pub fn kinds_for(roles: &[Role]) -> Vec<&'static str> {
    KINDS
        .into_iter()
        .filter(|k| audience(k).iter().any(|r| roles.contains(r)))
        .collect()
}

/// Attempts before a message is given up on.
pub const MAX_ATTEMPTS: i64 = 6;

/// Seconds to wait after the `attempts`-th failure: one minute, doubling each time.
pub fn retry_after(attempts: i64) -> i64 {
    60 << attempts.clamp(0, 10)
}

/// A message older than this (seconds) is not worth sending any more: it would arrive
/// after what it tells of was dealt with (e-mail was off for days, or the server failed).
pub const STALE_AFTER: i64 = 3 * 24 * 3600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_is_offered_the_kinds_it_receives() {
        assert_eq!(kinds_for(&[Role::Directorate]), vec![SIGN_OFF_REQUESTED]);
        assert_eq!(
            kinds_for(&[Role::EmbeteStaff]),
            vec![ASSESSMENT_RELEASED, DEADLINE_SOON]
        );
        assert!(kinds_for(&[Role::Municipality]).is_empty());
        assert!(KINDS.iter().all(|k| !audience(k).is_empty()));
    }

    #[test]
    fn retries_back_off() {
        assert_eq!(retry_after(0), 60);
        assert_eq!(retry_after(1), 120);
        assert!(retry_after(MAX_ATTEMPTS) < 24 * 3600);
    }
}
