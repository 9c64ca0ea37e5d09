//! A number typed into a draft and removed again is gone from the database: not in
//! any table (the audit log keeps hashes of draft fields), and on SQLite not in the
//! file either (deleted content is zeroed). Both backends.

use samla_db::audit::Who;
use samla_db::dialogue::{self, SeedCycle, SeedDialogue, Unit};
use samla_db::report::{self, MeetingInput, Report};
use samla_db::testing;
use samla_domain::access::{self, Actor, OrgKind, OrgRef, Role};
use samla_domain::dialogue::{Stage, UnitKind};
use samla_domain::report::MeetingKind;

/// A fictitious number with valid check digits, written so it is easy to find.
const NUMBER: &str = "15038700089";

fn staff() -> Actor {
    Actor {
        user_id: 0,
        email: "staff@samla.example".into(),
        name: "Staff".into(),
        organisation: OrgRef {
            code: "oslo-og-viken".into(),
            kind: OrgKind::Embete,
        },
        roles: vec![Role::EmbeteStaff],
    }
}

#[tokio::test]
async fn a_number_removed_from_a_draft_is_gone_from_the_database() {
    for db in testing::all(samla_db::testing::Start::Empty).await {
        let cycle = SeedCycle {
            embete: "oslo-og-viken".into(),
            name: "Runde 2021".into(),
            starts_on: "2021-01-01".into(),
            ends_on: "2021-12-31".into(),
            dialogues: vec![SeedDialogue {
                unit: Unit {
                    kind: UnitKind::Municipality,
                    number: "3037".into(),
                    name: "Hurdal".into(),
                },
                steps: vec![
                    (Stage::Planned, "2021-01-10".into()),
                    (Stage::YouthMeetingHeld, "2021-03-15".into()),
                ],
                report: None,
                meetings: Vec::new(),
            }],
        };
        dialogue::seed(
            &db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &Who::system("test"),
            &[cycle],
        )
        .await
        .unwrap();
        let proof = access::embete_work(&staff(), "oslo-og-viken").unwrap();
        let cycles = dialogue::cycles(&db, &proof).await.unwrap();
        let id = dialogue::dialogues_in(&db, &proof, cycles[0].cycle.id)
            .await
            .unwrap()[0]
            .id;
        let who = Who::system("staff");
        let draft = |facts: &str, finding: &str, version: i64| Report {
            language: "nb".into(),
            facts: facts.into(),
            findings: vec![report::Finding {
                id: 0,
                body: finding.into(),
                ..Default::default()
            }],
            version,
            ..Default::default()
        };
        let typed = format!("Eleven med fnr {NUMBER} ble hørt.");
        let saved = report::save_report(&db, &proof, &who, id, draft(&typed, &typed, 0))
            .await
            .unwrap();
        report::save_report(
            &db,
            &proof,
            &who,
            id,
            draft("Eleven ble hørt.", "Funn.", saved.report.version),
        )
        .await
        .unwrap();
        let meeting = |notes: &str| MeetingInput {
            held_on: "2021-03-01".into(),
            place: "Rådhuset".into(),
            services: vec!["health".into()],
            notes: notes.into(),
            ..Default::default()
        };
        for notes in [typed.as_str(), "God dialog."] {
            report::save_meeting(&db, &proof, &who, id, MeetingKind::Leaders, &meeting(notes))
                .await
                .unwrap();
        }
        let everything = samla_db::testing::dump(&db).await;
        assert!(
            everything.contains("Eleven ble hørt."),
            "the dump holds the drafts"
        );
        assert!(
            !everything.contains(NUMBER),
            "{db:?}: the removed number is still stored"
        );
    }
}
