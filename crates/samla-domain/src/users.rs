//! Rules for user accounts: e-mail addresses, passwords and display names.

use crate::{DomainError, ErrorCode};

/// Passwords shorter than this are refused (ASVS 5.0 asks for at least 12 characters).
pub const MIN_PASSWORD_LEN: usize = 12;

/// A strength below this on zxcvbn's 0–4 scale is refused. 4 (at least 10^10 guesses)
/// rather than the 3 that would do against a throttled online attack: its dictionaries
/// are English, and a Norwegian word with a year around it ("Sommer2024sommer") still
/// scores 3.
const MIN_STRENGTH: u8 = 4;

/// Words a Norwegian password is often built on that the English-language dictionaries
/// shipped with zxcvbn do not know; scored as if they were the user's own words.
const NORWEGIAN_WORDS: &[&str] = &[
    "passord",
    "hemmelig",
    "samla",
    "statsforvalteren",
    "statsforvalter",
    "kommune",
    "fylkesmannen",
    "norge",
    "noreg",
    "oslo",
    "bergen",
    "trondheim",
    "stavanger",
    "tromsø",
    "sommer",
    "vinter",
    "høst",
    "vår",
    "mandag",
    "fredag",
    "velkommen",
    "hei",
    "heisann",
    "elsker",
    "kjæreste",
    "fotball",
    "rosenborg",
    "brann",
    "barn",
    "unge",
    "ungdom",
    "sjumilssteget",
    "barnekonvensjonen",
    "qwertyuiopå",
    "æøå",
];

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

/// Checks a new password: long enough, not longer than a login takes, and not easily
/// guessed. zxcvbn (shipped in the binary with its 30,000 common passwords and word
/// lists) scores it, with the user's own name and e-mail address and common Norwegian
/// words as extra dictionary entries.
pub fn check_new_password(password: &str, own_words: &[&str]) -> Result<(), DomainError> {
    check_password(password)?;
    if password.len() > crate::throttle::PASSWORD_MAX_BYTES {
        return Err(DomainError::field(ErrorCode::TextTooLong, "password"));
    }
    let mut words: Vec<&str> = NORWEGIAN_WORDS.to_vec();
    words.extend(crate::dates::MONTHS_NO);
    for word in own_words {
        words.push(word);
        // The parts of an e-mail address and a name are guessed one by one too.
        words.extend(
            word.split(['@', '.', ' ', '-', '_'])
                .filter(|w| w.len() > 2),
        );
    }
    let strength = zxcvbn::zxcvbn(password, &words);
    if (strength.score() as u8) < MIN_STRENGTH {
        return Err(DomainError::field(ErrorCode::PasswordGuessable, "password"));
    }
    Ok(())
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
    fn common_or_personal_passwords_are_refused() {
        for common in [
            "passwordpassword",
            "123456789012",
            "qwertyuiop123",
            "passord12345",
            "Sommer2024sommer",
            "iloveyou1234",
        ] {
            assert_eq!(
                check_new_password(common, &[]).unwrap_err().code,
                ErrorCode::PasswordGuessable,
                "{common}"
            );
        }
        assert_eq!(
            check_new_password(
                "kari.nordmann1",
                &["kari.nordmann@agder.example", "Kari Nordmann"]
            )
            .unwrap_err()
            .code,
            ErrorCode::PasswordGuessable
        );
        assert!(check_new_password("grønn fjellbekk under isen", &[]).is_ok());
        assert!(check_new_password("Tre-Mus-Spiser-Havregrøt", &[]).is_ok());
        assert_eq!(
            check_new_password("kort", &[]).unwrap_err().code,
            ErrorCode::PasswordTooShort
        );
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(check_password("æøåæøåæøåæøå").is_ok());
        assert_eq!(
            check_password("kort").unwrap_err().code,
            ErrorCode::PasswordTooShort
        );
    }
}
