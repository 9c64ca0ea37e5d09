//! Rules for API tokens: a label that says what the token is for, and a lifetime after
//! which it stops working by itself (finding F15 of the security review: tokens lived
//! forever and could not be revoked).

use crate::{DomainError, ErrorCode};

/// A label is for people reading the token list: short.
pub const LABEL_MAX: usize = 100;

/// The lifetimes a token may be made with, in days; the account page offers these.
pub const LIFETIMES: [i64; 4] = [30, 90, 180, 365];

/// Unless chosen otherwise.
pub const DEFAULT_DAYS: i64 = 90;

pub const DAY: i64 = 86_400;

/// A token's label (trimmed) and lifetime in days, or what is wrong with them.
pub fn check(label: &str, days: i64) -> Result<(String, i64), Vec<DomainError>> {
    let label = label.trim();
    let mut errors = Vec::new();
    if label.is_empty() {
        errors.push(DomainError::field(ErrorCode::Required, "label"));
    } else if label.chars().count() > LABEL_MAX {
        errors.push(DomainError::field(ErrorCode::TextTooLong, "label"));
    }
    if !(1..=LIFETIMES[LIFETIMES.len() - 1]).contains(&days) {
        errors.push(DomainError::field(ErrorCode::InvalidChoice, "days"));
    }
    if errors.is_empty() {
        Ok((label.to_owned(), days))
    } else {
        Err(errors)
    }
}

/// Where a token stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn of(expires_at: i64, revoked_at: Option<i64>, now: i64) -> TokenState {
        if revoked_at.is_some() {
            TokenState::Revoked
        } else if now >= expires_at {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_needs_a_short_label_and_a_lifetime_of_at_most_a_year() {
        assert_eq!(
            check("  Rapportuttrekk ", 90).unwrap(),
            ("Rapportuttrekk".into(), 90)
        );
        assert_eq!(check(" ", 90).unwrap_err()[0].code, ErrorCode::Required);
        let long = "x".repeat(LABEL_MAX + 1);
        assert_eq!(
            check(&long, 90).unwrap_err()[0].code,
            ErrorCode::TextTooLong
        );
        for days in [0, -1, 366] {
            assert_eq!(check("ok", days).unwrap_err()[0].field, Some("days"));
        }
    }

    #[test]
    fn revoked_wins_over_expired() {
        assert_eq!(TokenState::of(100, None, 99), TokenState::Active);
        assert_eq!(TokenState::of(100, None, 100), TokenState::Expired);
        assert_eq!(TokenState::of(100, Some(50), 200), TokenState::Revoked);
    }
}
