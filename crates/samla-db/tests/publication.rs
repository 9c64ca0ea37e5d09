//! Every text field of a type that can become public is declared to the publication
//! gate: a new field that is neither declared nor named as a code fails here.

use samla_db::dialogue::{Cycle, Published};
use samla_db::report::{Finding, FollowUp, Report};
use samla_domain::dialogue::UnitKind;
use samla_domain::publication::undeclared_texts;

#[test]
fn a_report_declares_every_text() {
    let report = Report {
        language: "nb".into(),
        facts: "facts".into(),
        leaders_said: "leaders".into(),
        youth_said: "youth".into(),
        advice: "advice".into(),
        child_summary: "summary".into(),
        findings: vec![Finding {
            id: 0,
            body: "finding".into(),
            crc_articles: "12".into(),
            steps: "4".into(),
        }],
        follow_ups: vec![FollowUp {
            id: 0,
            body: "follow-up".into(),
            owner: "owner".into(),
            deadline: "2027-01-01".into(),
            status: "open".into(),
        }],
        version: 1,
    };
    assert_eq!(undeclared_texts(&report), Vec::<String>::new());
}

#[test]
fn a_cycle_and_a_published_row_declare_their_names() {
    let cycle = Cycle {
        id: 1,
        embete: "oslo-og-viken".into(),
        name: "Dialogrunde".into(),
        starts_on: "2019-01-01".into(),
        ends_on: "2019-12-31".into(),
    };
    assert_eq!(undeclared_texts(&cycle), Vec::<String>::new());
    let row = Published {
        id: 1,
        embete: "oslo-og-viken".into(),
        cycle_id: 1,
        cycle: "Dialogrunde".into(),
        unit_number: "3242".into(),
        unit_name: "Hurdal".into(),
        unit_kind: UnitKind::Municipality,
        published_on: "2019-12-01".into(),
        language: Some("nb".into()),
        url: "/dialogues/1".into(),
    };
    assert_eq!(undeclared_texts(&row), Vec::<String>::new());
}
