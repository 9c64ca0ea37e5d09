//! JSON Schemas of the values the domain checks, for the OpenAPI document. They are
//! built from the same constants the checks use (the lists of choices, the date range,
//! the row limit), so the document cannot promise less or more than the server holds.
//! Types name them with `#[schema(schema_with = …)]`.

use crate::report::{
    AGE_BANDS, FOLLOW_UP_STATUSES, MAX_ROWS, REPORT_LANGUAGES, SERVICES, YOUTH_GROUPS,
};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};

/// The dates [`crate::dates::parse_region_date`] accepts, 2019-01-01 to 2100-12-31, as a
/// pattern (the day within its month is checked by the server, 400 `invalid_date`).
pub const DATE_PATTERN: &str =
    "^(2019|20[2-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// A pattern that refuses blank text (spaces only).
pub const NOT_BLANK: &str = "\\S";

/// A date as a request sends it.
pub fn date() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .build()
}

/// A moment, in RFC 3339 (UTC).
pub fn timestamp() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .build()
}

/// A moment that may not have happened (`null`), in RFC 3339 (UTC).
pub fn timestamp_or_null() -> Object {
    let mut schema = timestamp();
    schema.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
    schema
}

/// `?date=`, which a parameter built by a function cannot describe itself.
pub fn date_filter() -> Object {
    let mut schema = date();
    schema.description = Some("A date from 2019-01-01 (YYYY-MM-DD); today if left out.".into());
    schema
}

/// A schema with a description: a query parameter's, which the derive leaves out when
/// the parameter's schema is built by a function.
pub fn described(schema: RefOr<Schema>, text: &str) -> RefOr<Schema> {
    let mut schema = schema;
    if let RefOr::T(Schema::AnyOf(any_of)) = &mut schema {
        any_of.description = Some(text.into());
    }
    schema
}

/// Text that must not be blank, at most `max` characters.
pub fn text(max: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(NOT_BLANK))
        .build()
}

/// One of the given strings.
pub fn choice(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

/// A query filter: the value, or the empty text a form sends for "no filter".
pub fn or_empty(value: impl Into<RefOr<Schema>>) -> RefOr<Schema> {
    AnyOfBuilder::new().item(value).item(choice(&[""])).into()
}

/// An identity: a positive 64-bit integer.
pub fn id() -> Object {
    let mut schema = integer(1, i64::MAX);
    schema.example = Some(1.into());
    schema
}

/// A filter by cycle: its id, or empty for none.
pub fn cycle_filter() -> RefOr<Schema> {
    described(
        or_empty(integer(1, i64::MAX)),
        "Only this cycle's. Empty or left out: no filter.",
    )
}

/// The most items one page of a list holds, and how many it holds unless asked.
pub const PER_PAGE_MAX: i64 = 500;
pub const PER_PAGE_DEFAULT: i64 = 100;
/// The highest page number taken: far past any list, and a number every backend holds.
pub const PAGE_MAX: i64 = 1_000_000;

pub fn page_number() -> RefOr<Schema> {
    described(
        or_empty(integer(1, PAGE_MAX)),
        "Which page of the list, from 1 (at most 1,000,000). Empty or left out: the first.",
    )
}

pub fn per_page() -> RefOr<Schema> {
    described(
        or_empty(integer(1, PER_PAGE_MAX)),
        "Items per page, at most 500. Empty or left out: 100.",
    )
}

/// One of the given strings, or null.
fn choice_or_null(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            values
                .iter()
                .map(|v| serde_json::Value::from(*v))
                .chain([serde_json::Value::Null]),
        ))
        .build()
}

/// An integer from `min` to `max`.
pub fn integer(min: i64, max: i64) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .build()
}

/// A list of numbers from 1 to `max`, sent as a list or as comma text ("3, 12").
fn number_list(max: u32, description: &str) -> RefOr<Schema> {
    let text = format!("^\\s*({n}\\s*(,\\s*{n}\\s*)*)?$", n = number_pattern(max));
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(text)),
        )
        .item(ArrayBuilder::new().items(integer(1, max.into())))
        .description(Some(description))
        .into()
}

/// A regular expression for the whole numbers 1 to `max` (`max` below 100).
fn number_pattern(max: u32) -> String {
    let (tens, ones) = (max / 10, max % 10);
    match tens {
        0 => format!("[1-{ones}]"),
        1 => format!("([1-9]|1[0-{ones}])"),
        _ => format!("([1-9]|[1-{}][0-9]|{tens}[0-{ones}])", tens - 1),
    }
}

pub fn crc_articles() -> RefOr<Schema> {
    number_list(
        crate::report::CRC_ARTICLES_MAX,
        "Articles of the Convention on the Rights of the Child (1–54): a list, or comma text \
         (\"3, 12\"). Returned as comma text.",
    )
}

pub fn steps() -> RefOr<Schema> {
    number_list(
        crate::report::STEPS_MAX,
        "Sjumilssteget steps (1–7), as for crc_articles.",
    )
}

pub fn meeting_kind() -> Object {
    choice(&crate::report::MeetingKind::ALL.map(|k| k.as_str()))
}

/// A unit number as a cycle takes it: a municipality (4 digits), an Oslo district
/// (6 digits), or `all`.
pub fn unit_numbers() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^([0-9]{4}|[0-9]{6}|all)$")),
        )
        .min_items(Some(1))
        .description(Some(
            "Municipality numbers (4 digits) or Oslo district numbers (6 digits), or [\"all\"] for every unit of the area.",
        ))
        .into()
}

/// A unit filter: a municipality or district number, or empty for none.
pub fn unit_filter() -> RefOr<Schema> {
    described(
        or_empty(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^([0-9]{4}|[0-9]{6})$")),
        ),
        "A municipality number (its predecessors and successors are included) or a district number. Empty: no filter.",
    )
}

/// A filter by CRC article, or empty for none.
pub fn crc_article_filter() -> RefOr<Schema> {
    described(
        or_empty(integer(1, crate::report::CRC_ARTICLES_MAX.into())),
        "Reports with a finding tagged with this article of the Convention on the Rights of the Child (400 invalid_crc_article outside 1–54). Empty: no filter.",
    )
}

/// A filter by Sjumilssteget step, or empty for none.
pub fn step_filter() -> RefOr<Schema> {
    described(
        or_empty(integer(1, crate::report::STEPS_MAX.into())),
        "Reports with a finding tagged with this Sjumilssteget step, national version (400 invalid_step outside 1–7). Empty: no filter.",
    )
}

pub fn participants() -> Object {
    let mut schema = integer(1, crate::report::PARTICIPANTS_MAX);
    schema.schema_type = SchemaType::from_iter([Type::Integer, Type::Null]);
    schema.description = Some(
        "How many took part: required for a youth meeting (422 required_for_youth_meeting when left out).".into(),
    );
    schema
}

/// When dialogues were planned.
pub fn planned_on() -> Object {
    let mut schema = date();
    schema.description = Some(
        "When the dialogues were planned (not in the future); today when left out, an earlier date when entering work already under way.".into(),
    );
    schema
}

pub fn place() -> Object {
    let mut schema = text(crate::report::PLACE_MAX);
    schema.min_length = None;
    schema
}

pub fn reason() -> Object {
    text(crate::dialogue::REASON_MAX)
}

pub fn cycle_name() -> Object {
    text(crate::dialogue::NAME_MAX)
}

pub fn comment() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(crate::report::COMMENT_MAX))
        .build()
}

pub fn report_language() -> Object {
    choice(&REPORT_LANGUAGES)
}

pub fn report_language_or_null() -> Object {
    choice_or_null(&REPORT_LANGUAGES)
}

pub fn follow_up_status() -> Object {
    choice(&FOLLOW_UP_STATUSES)
}

pub fn youth_group() -> Object {
    let mut schema = choice_or_null(&YOUTH_GROUPS);
    schema.description = Some(
        "Required for a youth meeting (422 required_for_youth_meeting when left out); null for a leaders' meeting.".into(),
    );
    schema
}

fn choices(values: &[&str], description: &str) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(choice(values))
        .description(Some(description))
        .into()
}

pub fn services() -> RefOr<Schema> {
    choices(&SERVICES, "Services that took part.")
}

pub fn age_bands() -> RefOr<Schema> {
    choices(&AGE_BANDS, "The age bands of those who took part.")
}

/// A list of at most [`MAX_ROWS`] rows of `T`.
pub fn rows<T: utoipa::ToSchema>() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(T::schema())
        .max_items(Some(MAX_ROWS))
        .into()
}

#[cfg(test)]
mod tests {
    use super::number_pattern;

    #[test]
    fn number_patterns_cover_one_to_max() {
        assert_eq!(number_pattern(7), "[1-7]");
        assert_eq!(number_pattern(54), "([1-9]|[1-4][0-9]|5[0-4])");
        assert_eq!(number_pattern(19), "([1-9]|1[0-9])");
    }
}
