//! Calendar dates as the domain uses them: ISO 8601 (`YYYY-MM-DD`) at the edges,
//! `time::Date` inside. Region data starts when the ten embeter were formed.

use crate::{DomainError, ErrorCode};
use time::{
    Date, Month, OffsetDateTime, format_description::BorrowedFormatItem, macros::format_description,
};

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The first day the region reference data describes (the ten embeter from 1 January 2019).
pub const REGIONS_START: Date = match Date::from_calendar_date(2019, Month::January, 1) {
    Ok(d) => d,
    Err(_) => panic!("valid date"),
};

/// Parses `YYYY-MM-DD`; anything else is `invalid_date` pointing at `field`.
pub fn parse_date(input: &str, field: &'static str) -> Result<Date, DomainError> {
    Date::parse(input.trim(), ISO).map_err(|_| DomainError::field(ErrorCode::InvalidDate, field))
}

/// Parses a date that the region data must cover.
pub fn parse_region_date(input: &str, field: &'static str) -> Result<Date, DomainError> {
    let date = parse_date(input, field)?;
    if date < REGIONS_START || date.year() > 2100 {
        return Err(DomainError::field(ErrorCode::DateOutOfRange, field));
    }
    Ok(date)
}

/// Formats a date as `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    date.format(ISO).unwrap_or_default()
}

/// Today's date in UTC.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates_and_rejects_the_rest() {
        assert_eq!(iso(parse_date("2021-03-04", "date").unwrap()), "2021-03-04");
        for bad in [
            "2021-13-01",
            "2021-02-30",
            "04.03.2021",
            "",
            "2021-3-4",
            "yesterday",
        ] {
            let err = parse_date(bad, "date").unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidDate, "{bad}");
            assert_eq!(err.field, Some("date"));
        }
    }

    #[test]
    fn region_dates_start_in_2019() {
        assert!(parse_region_date("2019-01-01", "date").is_ok());
        let err = parse_region_date("2018-12-31", "date").unwrap_err();
        assert_eq!(err.code, ErrorCode::DateOutOfRange);
    }
}
