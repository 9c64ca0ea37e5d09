//! A report save and a leader's approval of the same dialogue, raced against each other
//! on every backend (the reliability review's finding 1): exactly one wins, and an
//! approved report is always the text the leader approved.

use samla_db::audit::Who;
use samla_db::dialogue::{self, SeedCycle, SeedDialogue, Unit};
use samla_db::report::{self, Report, SaveError};
use samla_db::{Db, testing};
use samla_domain::access::{self, Actor, OrgKind, OrgRef, Role};
use samla_domain::dialogue::{Stage, UnitKind};

const EMBETE: &str = "oslo-og-viken";
const TRIALS: usize = 24;

fn actor(role: Role) -> Actor {
    Actor {
        user_id: 0,
        email: "person@samla.example".into(),
        name: "Person".into(),
        organisation: OrgRef {
            code: EMBETE.into(),
            kind: OrgKind::Embete,
        },
        roles: vec![role],
    }
}

fn text(facts: &str) -> Report {
    Report {
        language: "nb".into(),
        facts: facts.into(),
        child_summary: "Vi snakket med ungdomsrådet.".into(),
        version: 1,
        ..Default::default()
    }
}

/// TRIALS dialogues with a drafted report each; their ids.
async fn drafted(db: &Db) -> Vec<i64> {
    let dialogues = (0..TRIALS)
        .map(|i| SeedDialogue {
            unit: Unit {
                kind: UnitKind::Municipality,
                number: format!("{}", 3001 + i),
                name: format!("Kommune {i}"),
            },
            steps: vec![
                (Stage::Planned, "2021-01-10".into()),
                (Stage::ReportDrafted, "2021-04-01".into()),
            ],
            report: Some(text("Første utkast.")),
            meetings: Vec::new(),
        })
        .collect();
    let cycle = SeedCycle {
        embete: EMBETE.into(),
        name: "Runde 2021".into(),
        starts_on: "2021-01-01".into(),
        ends_on: "2021-12-31".into(),
        dialogues,
    };
    dialogue::seed(
        db,
        &samla_domain::access::system_authority_for_command_line_and_demo(),
        &Who::system("test"),
        &[cycle],
    )
    .await
    .unwrap();
    let proof = access::embete_work(&actor(Role::EmbeteStaff), EMBETE).unwrap();
    let cycles = dialogue::cycles(db, &proof).await.unwrap();
    dialogue::dialogues_in(db, &proof, cycles[0].cycle.id)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_and_an_approval_never_both_win() {
    for db in testing::all(samla_db::testing::Start::Empty).await {
        let ids = drafted(&db).await;
        let (mut saves, mut approvals) = (0, 0);
        for (trial, id) in ids.into_iter().enumerate() {
            let own = access::embete_work(&actor(Role::EmbeteStaff), EMBETE).unwrap();
            let (d, _) = dialogue::dialogue(&db, &own, id).await.unwrap();
            // Either side starts first, in turn; each then reads before it writes.
            let save_first = trial % 2 == 0;
            let saving = {
                let db = db.clone();
                tokio::spawn(async move {
                    if !save_first {
                        tokio::task::yield_now().await;
                    }
                    let staff = actor(Role::EmbeteStaff);
                    let proof = access::embete_work(&staff, EMBETE).unwrap();
                    report::save_report(
                        &db,
                        &proof,
                        &Who::system("staff"),
                        id,
                        text("Endret etter at lederen leste."),
                    )
                    .await
                })
            };
            let approving = {
                let db = db.clone();
                tokio::spawn(async move {
                    if save_first {
                        tokio::task::yield_now().await;
                    }
                    let leader = actor(Role::EmbeteLeader);
                    let proof = access::embete_work(&leader, EMBETE).unwrap();
                    let approves = access::approve_reports(&leader, EMBETE).unwrap();
                    report::report_step(
                        &db,
                        &proof,
                        Some(&approves),
                        &Who::system("leader"),
                        id,
                        Stage::ReportApproved,
                        time::macros::date!(2021 - 04 - 02),
                        d.version,
                        Some(1),
                        None,
                        false,
                    )
                    .await
                })
            };
            let (saved, approved) = (saving.await.unwrap(), approving.await.unwrap());
            let (after, _) = dialogue::dialogue(&db, &own, id).await.unwrap();
            let stored = report::report(&db, &own, id).await.unwrap().unwrap();
            match (&saved, &approved) {
                (Ok(_), Err(_)) => {
                    saves += 1;
                    assert_eq!((after.stage, stored.version), (Stage::ReportDrafted, 2));
                }
                (Err(SaveError::Invalid(_)), Ok(_)) => {
                    approvals += 1;
                    assert_eq!(after.stage, Stage::ReportApproved);
                    assert_eq!(stored.facts, "Første utkast.", "the approved text is kept");
                }
                other => panic!("dialogue {id}: {other:?}"),
            }
        }
        let backend = if matches!(*db, Db::Sqlite(_)) {
            "SQLite"
        } else {
            "PostgreSQL"
        };
        println!("{backend}: {saves} saves won, {approvals} approvals won, 0 both");
    }
}
