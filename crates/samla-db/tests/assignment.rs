//! The joint assignment in the store, on SQLite and (when configured) PostgreSQL: a year
//! starts as a copy of the year before, directorates write their own sections, all five
//! sign a named version, a later change voids the sign-offs, and only the published
//! version is public.

use samla_db::assignment::{self, Saved};
use samla_db::testing::{self, Start};
use samla_domain::ErrorCode;
use samla_domain::access::{Actor, OrgKind, OrgRef, PublicView, Role};
use samla_domain::assignment::{SignOffState, Stage, directorates, read_drafts};

fn actor(id: i64, code: &str, kind: OrgKind, role: Role) -> Actor {
    Actor {
        user_id: id,
        email: format!("{code}@samla.example"),
        name: code.into(),
        organisation: OrgRef {
            code: code.into(),
            kind,
        },
        roles: vec![role],
    }
}

fn secretariat() -> Actor {
    actor(1, "sekretariatet", OrgKind::Secretariat, Role::Secretariat)
}

fn directorate(code: &str) -> Actor {
    actor(2, code, OrgKind::Directorate, Role::Directorate)
}

fn code_of(e: samla_db::StoreError) -> ErrorCode {
    match e {
        samla_db::StoreError::Domain(d) => d.code,
        other => panic!("not a refusal: {other}"),
    }
}

#[tokio::test]
async fn an_assignment_goes_from_drafting_through_five_sign_offs_to_publication() {
    for db in testing::all(Start::Regions).await {
        let sec = secretariat();
        let drafts = read_drafts(&sec).unwrap();
        assignment::create(&db, &sec, 2019).await.unwrap();
        let again = assignment::create(&db, &sec, 2019).await.unwrap_err();
        assert_eq!(code_of(again), ErrorCode::DuplicateName);
        let refused = assignment::create(&db, &directorate("nav"), 2020).await;
        assert_eq!(code_of(refused.unwrap_err()), ErrorCode::Forbidden);

        // Each directorate writes its own section; not another's.
        for d in directorates() {
            let saved = assignment::save_section(
                &db,
                &directorate(d),
                2019,
                d,
                &format!("Oppdrag fra {d}."),
                1,
            )
            .await
            .unwrap();
            assert!(matches!(saved, Saved::Version { .. }), "{saved:?}");
        }
        let refused =
            assignment::save_section(&db, &directorate("nav"), 2019, "hdir", "Nei", 6).await;
        assert_eq!(code_of(refused.unwrap_err()), ErrorCode::Forbidden);
        assignment::save_section(&db, &sec, 2019, "innledning", "Felles innledning.", 6)
            .await
            .unwrap();
        let a = assignment::draft(&db, &drafts, 2019)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.version, 7);
        assert_eq!(a.sections.len(), 7);
        assert_eq!(a.sections[0].text, "Felles innledning.");

        // Not public yet, and nobody signs while drafting.
        assert!(
            assignment::published(&db, &PublicView, 2019)
                .await
                .unwrap()
                .is_none()
        );
        assert!(assignment::list(&db, None).await.unwrap().is_empty());
        let early = assignment::sign_off(&db, &directorate("hdir"), 2019, 7).await;
        assert_eq!(code_of(early.unwrap_err()), ErrorCode::StageNotAllowed);

        assignment::move_to(&db, &sec, 2019, Stage::SignOff)
            .await
            .unwrap();
        for d in directorates() {
            assignment::sign_off(&db, &directorate(d), 2019, 7)
                .await
                .unwrap();
        }
        let a = assignment::draft(&db, &drafts, 2019)
            .await
            .unwrap()
            .unwrap();
        assert!(a.all_signed(), "{:?}", a.sign_offs);

        // A change after the sign-offs voids every one of them, and says whose.
        let saved = assignment::save_section(
            &db,
            &directorate("udir"),
            2019,
            "udir",
            "Endret av Udir.",
            7,
        )
        .await
        .unwrap();
        let Saved::Version { version, voided } = saved else {
            panic!("a change is a new version");
        };
        assert_eq!(version, 8);
        assert_eq!(voided.len(), 5);
        let a = assignment::draft(&db, &drafts, 2019)
            .await
            .unwrap()
            .unwrap();
        assert!(!a.all_signed());
        assert_eq!(a.sign_offs[0].state, SignOffState::Void { version: 7 });
        let refused = assignment::move_to(&db, &sec, 2019, Stage::QualityAssured).await;
        assert_eq!(code_of(refused.unwrap_err()), ErrorCode::StageNotAllowed);
        // Signing a version that is no longer current is refused.
        let stale = assignment::sign_off(&db, &directorate("hdir"), 2019, 7).await;
        assert_eq!(code_of(stale.unwrap_err()), ErrorCode::EditConflict);

        for d in directorates() {
            assignment::sign_off(&db, &directorate(d), 2019, 8)
                .await
                .unwrap();
        }
        for stage in [Stage::QualityAssured, Stage::Adopted, Stage::Published] {
            assignment::move_to(&db, &sec, 2019, stage).await.unwrap();
        }
        // Settled: no more edits.
        let late = assignment::save_section(&db, &sec, 2019, "innledning", "For sent.", 8).await;
        assert_eq!(code_of(late.unwrap_err()), ErrorCode::StageNotAllowed);
        let public = assignment::published(&db, &PublicView, 2019)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(public.version, 8);
        assert_eq!(assignment::list(&db, None).await.unwrap().len(), 1);

        // The next year starts as a copy; its changes show against last year's.
        assignment::create(&db, &sec, 2020).await.unwrap();
        let next = assignment::draft(&db, &drafts, 2020)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(next.copied_from, Some(2019));
        assert_eq!(next.stage, Stage::Drafting);
        assert!(
            next.sign_offs
                .iter()
                .all(|s| s.state == SignOffState::Missing)
        );
        let texts: Vec<&str> = next.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(texts.contains(&"Endret av Udir."), "{texts:?}");
        assignment::save_section(
            &db,
            &directorate("bufdir"),
            2020,
            "bufdir",
            "Oppdrag fra bufdir, utvidet.",
            1,
        )
        .await
        .unwrap();
        let diff = assignment::yearly_diff(&db, Some(&drafts), 2020)
            .await
            .unwrap()
            .unwrap();
        let changed: Vec<&str> = diff
            .iter()
            .filter(|s| s.changed)
            .map(|s| s.key.as_str())
            .collect();
        assert_eq!(changed, ["bufdir"]);
        // The public sees no comparison before this year's is published.
        assert!(
            assignment::yearly_diff(&db, None, 2020)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn two_writers_of_one_assignment_keep_each_others_text() {
    for db in testing::all(Start::Regions).await {
        let sec = secretariat();
        assignment::create(&db, &sec, 2021).await.unwrap();
        // Both start from version 1: different sections merge.
        assignment::save_section(&db, &directorate("hdir"), 2021, "hdir", "Helse.", 1)
            .await
            .unwrap();
        assignment::save_section(&db, &directorate("nav"), 2021, "nav", "Arbeid.", 1)
            .await
            .unwrap();
        let drafts = read_drafts(&sec).unwrap();
        let a = assignment::draft(&db, &drafts, 2021)
            .await
            .unwrap()
            .unwrap();
        let text = |k: &str| a.sections.iter().find(|s| s.key == k).unwrap().text.clone();
        assert_eq!(
            (text("hdir"), text("nav")),
            ("Helse.".into(), "Arbeid.".into())
        );
        // The same section, changed by someone else since: refused, not overwritten.
        let clash =
            assignment::save_section(&db, &sec, 2021, "hdir", "Sekretariatets tekst.", 1).await;
        assert_eq!(code_of(clash.unwrap_err()), ErrorCode::EditConflict);
        let a = assignment::draft(&db, &drafts, 2021)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            a.sections.iter().find(|s| s.key == "hdir").unwrap().text,
            "Helse."
        );
        // Saving what is already there changes nothing.
        let same = assignment::save_section(&db, &directorate("hdir"), 2021, "hdir", "Helse.", 3)
            .await
            .unwrap();
        assert_eq!(same, Saved::Unchanged);
    }
}

fn requirement(title: &str, text: &str) -> samla_domain::assignment::Requirement {
    samla_domain::assignment::check_requirement(
        &samla_domain::assignment::RequirementInput {
            kind: "reporting".into(),
            title: title.into(),
            text: text.into(),
            deadline: "2020-03-01".into(),
            sectors: vec!["work".into()],
            crc_articles: "12".into(),
        },
        0,
        "nav",
    )
    .unwrap()
}

#[tokio::test]
async fn a_requirement_keeps_its_identity_into_the_next_year_and_says_what_changed() {
    use samla_domain::assignment::Carried;
    for db in testing::all(Start::Regions).await {
        let sec = secretariat();
        let nav = directorate("nav");
        let drafts = read_drafts(&sec).unwrap();
        assignment::create(&db, &sec, 2019).await.unwrap();
        let (kept, _) = assignment::add_requirement(
            &db,
            &nav,
            2019,
            requirement("Samordning", "Rapporter samordningen."),
            1,
        )
        .await
        .unwrap();
        let (dropped, _) = assignment::add_requirement(
            &db,
            &nav,
            2019,
            requirement("Kartlegging", "Kartlegg tilbudet."),
            2,
        )
        .await
        .unwrap();
        assert!(kept.id > 0 && dropped.id > kept.id);
        // Another directorate cannot add to Nav's section.
        let refused = assignment::add_requirement(
            &db,
            &directorate("udir"),
            2019,
            requirement("Nei", "Nei."),
            3,
        )
        .await;
        assert_eq!(code_of(refused.unwrap_err()), ErrorCode::Forbidden);

        assignment::create(&db, &sec, 2020).await.unwrap();
        let a = assignment::draft(&db, &drafts, 2020)
            .await
            .unwrap()
            .unwrap();
        let nav_rows = &a
            .sections
            .iter()
            .find(|s| s.key == "nav")
            .unwrap()
            .requirements;
        assert_eq!(nav_rows.len(), 2);
        assert!(
            nav_rows
                .iter()
                .all(|r| r.carried == Some(Carried::Unchanged))
        );
        assert_eq!(
            nav_rows[0].requirement.id, kept.id,
            "the identity is carried forward"
        );

        // Changed, removed and added in 2020.
        let mut changed = kept.clone();
        changed.text = "Rapporter samordningen, med tall.".into();
        assignment::save_requirement(&db, &nav, 2020, &changed, 1)
            .await
            .unwrap();
        assignment::remove_requirement(&db, &nav, 2020, dropped.id, 2)
            .await
            .unwrap();
        let (fresh, _) =
            assignment::add_requirement(&db, &nav, 2020, requirement("Ny", "Et nytt krav."), 3)
                .await
                .unwrap();
        let a = assignment::draft(&db, &drafts, 2020)
            .await
            .unwrap()
            .unwrap();
        let rows = &a
            .sections
            .iter()
            .find(|s| s.key == "nav")
            .unwrap()
            .requirements;
        let carried: Vec<(i64, Option<Carried>)> =
            rows.iter().map(|r| (r.requirement.id, r.carried)).collect();
        assert_eq!(
            carried,
            [
                (kept.id, Some(Carried::Changed)),
                (fresh.id, Some(Carried::New))
            ]
        );
        // 2019 is untouched, and the comparison names the requirements that changed.
        let old = assignment::draft(&db, &drafts, 2019)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            old.sections
                .iter()
                .find(|s| s.key == "nav")
                .unwrap()
                .requirements
                .len(),
            2
        );
        let diff = assignment::yearly_diff(&db, Some(&drafts), 2020)
            .await
            .unwrap()
            .unwrap();
        let changed: Vec<String> = diff
            .iter()
            .filter(|d| d.changed)
            .map(|d| d.key.clone())
            .collect();
        assert_eq!(
            changed,
            [
                format!("req:{}", kept.id),
                format!("req:{}", dropped.id),
                format!("req:{}", fresh.id)
            ]
        );
    }
}
