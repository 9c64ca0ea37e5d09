//! Rules for user accounts: e-mail addresses, passwords and display names.

use crate::{DomainError, ErrorCode};

/// Passwords shorter than this are refused (ASVS 5.0: at least 8; we ask for more).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Normalizes and validates an e-mail address (trimmed, lower case, one `@`, a dot in the domain).
pub fn parse_email(input: &str) -> Result<String, DomainError> {
    let email = input.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if ok {
        Ok(email)
    } else {
        Err(DomainError::field(ErrorCode::InvalidEmail, "email"))
    }
}

/// Checks a new password's length (in characters, so æøå count once).
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() >= MIN_PASSWORD_LEN {
        Ok(())
    } else {
        Err(DomainError::field(ErrorCode::PasswordTooShort, "password"))
    }
}

/// A display name: trimmed, not empty, at most 200 characters.
pub fn parse_name(input: &str) -> Result<String, DomainError> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > 200 {
        Err(DomainError::field(ErrorCode::NameRequired, "name"))
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            parse_email("  Kari@Example.NO ").unwrap(),
            "kari@example.no"
        );
        for bad in [
            "kari",
            "kari@",
            "@example.no",
            "kari@example",
            "ka ri@example.no",
            "a@b@c.no",
        ] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(check_password("æøåæøåæøåæ").is_ok());
        assert_eq!(
            check_password("kort").unwrap_err().code,
            ErrorCode::PasswordTooShort
        );
    }
}
