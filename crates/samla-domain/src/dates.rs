//! Calendar dates as the domain uses them: ISO 8601 (`YYYY-MM-DD`) at the edges,
//! `time::Date` inside. Region data starts when the ten embeter were formed.

use crate::{DomainError, ErrorCode};
use time::{
    Date, Month, OffsetDateTime, UtcOffset, Weekday, format_description::BorrowedFormatItem,
    macros::format_description,
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

/// The months' names, the same in bokmål and nynorsk.
pub const MONTHS_NO: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// Formats a date as `YYYY-MM-DD`.
pub fn iso(date: Date) -> String {
    date.format(ISO).unwrap_or_default()
}

/// An epoch timestamp as RFC 3339 in UTC (`2026-12-03T20:19:43Z`), as the API gives times.
pub fn rfc3339(epoch: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| epoch.to_string())
}

/// The date in Norway at an epoch timestamp, as `YYYY-MM-DD`.
pub fn iso_at(epoch: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(epoch) {
        Ok(utc) => iso(utc.to_offset(norway_offset(utc)).date()),
        Err(_) => epoch.to_string(),
    }
}

/// Today's date in Norway (a step taken just after midnight belongs to the new day).
pub fn today() -> Date {
    let now = OffsetDateTime::now_utc();
    now.to_offset(norway_offset(now)).date()
}

/// Norway's offset from UTC at an instant: CEST from the last Sunday of March to the
/// last Sunday of October (01:00 UTC both), CET otherwise.
pub fn norway_offset(at: OffsetDateTime) -> UtcOffset {
    let year = at.year();
    let last_sunday = |month: Month| {
        let mut d = Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MIN);
        while d.weekday() != Weekday::Sunday {
            d = d.previous_day().unwrap_or(Date::MIN);
        }
        d.with_hms(1, 0, 0)
            .map(|t| t.assume_utc())
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    };
    let summer = at >= last_sunday(Month::March) && at < last_sunday(Month::October);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
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
