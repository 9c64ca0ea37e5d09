//! Store tests: every test runs on SQLite and, when configured, on PostgreSQL.

use samla_db::audit::{self, Filter, Who};
use samla_db::regions;
use samla_db::sessions::{self, Lifetimes, LoginOutcome};
use samla_db::testing::{Start, TestDb};
use samla_db::users::{self, CreateUserError, NewUser};
use samla_db::{schema, testing};
use samla_domain::ErrorCode;
use samla_domain::access::{self, Actor, OrgKind, OrgRef, Role};
use samla_domain::dates::parse_date;
use samla_domain::regions::Relation;

fn d(s: &str) -> time::Date {
    parse_date(s, "date").unwrap()
}

fn admin_actor() -> Actor {
    Actor {
        user_id: 0,
        email: "root@samla.example".into(),
        name: "Root".into(),
        organisation: OrgRef {
            code: "sekretariatet".into(),
            kind: OrgKind::Secretariat,
        },
        roles: vec![Role::Admin],
    }
}

async fn seeded() -> Vec<TestDb> {
    testing::all(Start::Regions).await
}

fn new_user(email: &str, org: &str, role: &str) -> NewUser {
    NewUser {
        email: email.into(),
        name: "Kari Nordmann".into(),
        organisation: org.into(),
        roles: vec![role.into()],
        password: "et langt passord".into(),
    }
}

#[tokio::test]
async fn the_two_schemas_match() {
    let sqlite = testing::sqlite(Start::Empty).await;
    let Some(pg) = testing::postgres(Start::Empty).await else {
        eprintln!("SAMLA_TEST_DATABASE_URL not set: schema comparison needs PostgreSQL");
        return;
    };
    let a = schema::describe(&sqlite).await.unwrap();
    let b = schema::describe(&pg).await.unwrap();
    assert!(a.contains_key("municipality") && a.contains_key("audit_log"));
    assert_eq!(a, b);
}

#[tokio::test]
async fn import_is_complete_and_idempotent() {
    for db in testing::all(Start::Empty).await {
        let started = std::time::Instant::now();
        let first = regions::import(
            &db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &Who::system("test"),
        )
        .await
        .unwrap();
        assert!(first.inserted > 1000, "{first:?}");
        assert!(started.elapsed().as_secs_f64() < 5.0);
        let second = regions::import(
            &db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &Who::system("test"),
        )
        .await
        .unwrap();
        assert_eq!(second.total(), 0, "a second import changes nothing");
        let proof = access::read_audit(&admin_actor()).unwrap();
        let imports = audit::list(
            &db,
            &proof,
            &Filter {
                action: Some("regions.import".into()),
                ..Filter::default()
            },
            10,
        )
        .await
        .unwrap();
        assert_eq!(
            imports.len(),
            1,
            "only the import that changed something is audited"
        );
    }
}

#[tokio::test]
async fn municipalities_resolve_by_date() {
    for db in seeded().await {
        assert_eq!(
            regions::municipalities_on(&db, d("2019-06-01"), None)
                .await
                .unwrap()
                .len(),
            422
        );
        assert_eq!(
            regions::municipalities_on(&db, d("2021-06-01"), None)
                .await
                .unwrap()
                .len(),
            356
        );
        assert_eq!(
            regions::municipalities_on(&db, d("2024-06-01"), None)
                .await
                .unwrap()
                .len(),
            357
        );
        let ov2019 = regions::municipalities_on(&db, d("2019-06-01"), Some("oslo-og-viken"))
            .await
            .unwrap();
        assert_eq!(
            ov2019.len(),
            62,
            "Oslo and the 61 municipalities of Østfold, Akershus and Buskerud"
        );
        assert!(
            ov2019
                .iter()
                .any(|m| m.number == "0239" && m.name == "Hurdal")
        );
        assert!(
            !ov2019.iter().any(|m| m.number == "0532"),
            "Jevnaker was under Innlandet in 2019"
        );
        let ov2021 = regions::municipalities_on(&db, d("2021-06-01"), Some("oslo-og-viken"))
            .await
            .unwrap();
        assert_eq!(ov2021.len(), 52);
        let embeter = regions::embeter_on(&db, d("2019-06-01")).await.unwrap();
        assert_eq!(embeter.len(), 10);
        assert!(
            embeter
                .iter()
                .any(|e| e.name == "Fylkesmannen i Oslo og Viken")
        );
        let embeter = regions::embeter_on(&db, d("2024-06-01")).await.unwrap();
        assert!(
            embeter
                .iter()
                .any(|e| e.name == "Statsforvalteren i Østfold, Buskerud, Oslo og Akershus")
        );
        assert_eq!(
            regions::districts_on(&db, d("2021-06-01"))
                .await
                .unwrap()
                .len(),
            15
        );
    }
}

#[tokio::test]
async fn a_renumbered_municipality_keeps_its_history() {
    for db in seeded().await {
        for number in ["0239", "3037", "3242"] {
            let history = regions::history(&db, number).await.unwrap().unwrap();
            let chain: Vec<&str> = history
                .iter()
                .map(|h| h.municipality.number.as_str())
                .collect();
            assert_eq!(chain, ["0239", "3037", "3242"], "from {number}");
            assert!(
                history
                    .iter()
                    .any(|h| h.relation == Relation::Itself && h.municipality.number == number)
            );
        }
        let narvik = regions::history(&db, "1806").await.unwrap().unwrap();
        let preds: Vec<&str> = narvik
            .iter()
            .filter(|h| h.relation == Relation::Predecessor)
            .map(|h| h.municipality.number.as_str())
            .collect();
        assert!(
            preds.contains(&"1850") && preds.contains(&"1854"),
            "{preds:?}"
        );
        assert!(regions::history(&db, "9999").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn users_are_validated_created_and_audited() {
    for db in seeded().await {
        let proof = access::manage_users(&admin_actor()).unwrap();
        let who = Who::system("test");
        let user = users::create_user(
            &db,
            &proof,
            &who,
            &new_user("Kari@Example.no", "agder", "embete_staff"),
        )
        .await
        .unwrap();
        assert_eq!(user.email, "kari@example.no");
        assert_eq!(user.roles, vec![Role::EmbeteStaff]);
        let Err(CreateUserError::Invalid(errors)) = users::create_user(
            &db,
            &proof,
            &who,
            &new_user("kari@example.no", "3242", "embete_staff"),
        )
        .await
        else {
            panic!("expected validation errors");
        };
        let codes: Vec<ErrorCode> = errors.iter().map(|e| e.code).collect();
        assert!(codes.contains(&ErrorCode::EmailTaken));
        assert!(codes.contains(&ErrorCode::RoleNotAllowedForOrganisation));
        let Err(CreateUserError::Invalid(errors)) = users::create_user(
            &db,
            &proof,
            &who,
            &NewUser {
                password: "kort".into(),
                ..new_user("x@y.no", "nowhere", "admin")
            },
        )
        .await
        else {
            panic!("expected validation errors");
        };
        let codes: Vec<ErrorCode> = errors.iter().map(|e| e.code).collect();
        assert!(
            codes.contains(&ErrorCode::PasswordTooShort)
                && codes.contains(&ErrorCode::UnknownOrganisation)
        );
        let log = audit::list(
            &db,
            &access::read_audit(&admin_actor()).unwrap(),
            &Filter {
                entity_type: Some("user".into()),
                ..Filter::default()
            },
            10,
        )
        .await
        .unwrap();
        assert_eq!(log.len(), 1);
        assert!(
            log[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("kari@example.no")
        );
    }
}

#[tokio::test]
async fn sessions_login_expire_and_end_when_disabled() {
    for db in seeded().await {
        let proof = access::manage_users(&admin_actor()).unwrap();
        let who = Who::system("test");
        let user = users::create_user(
            &db,
            &proof,
            &who,
            &new_user("leder@example.no", "vestland", "embete_leader"),
        )
        .await
        .unwrap();
        let LoginOutcome::Success { session, .. } =
            sessions::login(&db, "LEDER@example.no ", "et langt passord")
                .await
                .unwrap()
        else {
            panic!("login should succeed");
        };
        let lifetimes = Lifetimes::default();
        let actor = sessions::resolve(&db, &session, lifetimes)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(actor.organisation.code, "vestland");
        assert_eq!(actor.organisation.kind, OrgKind::Embete);
        sessions::age_session(&db, &session, lifetimes.idle + 1)
            .await
            .unwrap();
        assert!(
            sessions::resolve(&db, &session, lifetimes)
                .await
                .unwrap()
                .is_none(),
            "idle timeout"
        );

        let LoginOutcome::Success { session, .. } =
            sessions::login(&db, "leder@example.no", "et langt passord")
                .await
                .unwrap()
        else {
            panic!("login should succeed");
        };
        let token = users::create_api_token(
            &db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &who,
            user.id,
            "test",
        )
        .await
        .unwrap();
        assert!(users::actor_for_token(&db, &token).await.unwrap().is_some());
        users::set_disabled(&db, &proof, &who, user.id, true)
            .await
            .unwrap();
        assert!(
            sessions::resolve(&db, &session, lifetimes)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(sessions::count_for_user(&db, user.id).await.unwrap(), 0);
        assert!(
            users::actor_for_token(&db, &token).await.unwrap().is_none(),
            "tokens stop with their user"
        );
        let LoginOutcome::Refused(code) =
            sessions::login(&db, "leder@example.no", "et langt passord")
                .await
                .unwrap()
        else {
            panic!("disabled user must not log in");
        };
        assert_eq!(code, ErrorCode::UserDisabled);
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    for db in seeded().await {
        let proof = access::manage_users(&admin_actor()).unwrap();
        users::create_user(
            &db,
            &proof,
            &Who::system("test"),
            &new_user("ola@example.no", "agder", "embete_staff"),
        )
        .await
        .unwrap();
        for _ in 0..sessions::MAX_FAILURES {
            let LoginOutcome::Refused(code) =
                sessions::login(&db, "ola@example.no", "feil passord!")
                    .await
                    .unwrap()
            else {
                panic!("wrong password accepted");
            };
            assert_eq!(code, ErrorCode::InvalidCredentials);
        }
        let LoginOutcome::Refused(code) =
            sessions::login(&db, "ola@example.no", "et langt passord")
                .await
                .unwrap()
        else {
            panic!("throttle did not hold");
        };
        assert_eq!(code, ErrorCode::TooManyAttempts);
    }
}

fn embete_actor(embete: &str) -> Actor {
    Actor {
        user_id: 0,
        email: "staff@samla.example".into(),
        name: "Staff".into(),
        organisation: OrgRef {
            code: embete.into(),
            kind: OrgKind::Embete,
        },
        roles: vec![Role::EmbeteStaff],
    }
}

#[tokio::test]
async fn dialogues_move_in_order_with_conflicts_and_coverage_follows_renumbering() {
    use samla_db::dialogue;
    use samla_domain::dialogue::Stage;
    for db in seeded().await {
        let proof = access::embete_work(&embete_actor("oslo-og-viken"), "oslo-og-viken").unwrap();
        let who = Who::system("test");
        let cycle =
            dialogue::create_cycle(&db, &proof, &who, "Runde 2019", "2019-01-01", "2019-12-31")
                .await
                .unwrap();
        let units = |list: &[&str]| list.iter().map(|u| u.to_string()).collect::<Vec<_>>();
        let tomorrow = samla_domain::dates::today().next_day().unwrap();
        let err = dialogue::add_dialogues(&db, &proof, &who, &cycle, &units(&["0239"]), tomorrow)
            .await
            .unwrap_err();
        assert!(
            matches!(err, samla_db::StoreError::Domain(e) if e.code == ErrorCode::DateInFuture && e.field == Some("planned_on")),
            "a plan is not recorded ahead of time"
        );
        let planned = d("2019-08-20");
        let added = dialogue::add_dialogues(
            &db,
            &proof,
            &who,
            &cycle,
            &units(&["0239", "030109"]),
            planned,
        )
        .await
        .unwrap();
        assert_eq!(added, 2);
        assert_eq!(
            dialogue::add_dialogues(&db, &proof, &who, &cycle, &units(&["0239"]), planned)
                .await
                .unwrap(),
            0,
            "no duplicates"
        );
        assert!(
            dialogue::add_dialogues(&db, &proof, &who, &cycle, &units(&["4204"]), planned)
                .await
                .is_err(),
            "outside the area"
        );
        let hurdal = dialogue::dialogues_in(&db, &proof, cycle.id)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.unit_number == "0239")
            .unwrap();
        assert_eq!(hurdal.stage_date, "2019-08-20", "planned on the date given");
        let step = |to, date: &str, version| {
            let db = db.clone();
            let proof =
                access::embete_work(&embete_actor("oslo-og-viken"), "oslo-og-viken").unwrap();
            let date = d(date);
            async move {
                dialogue::take_step(
                    &db,
                    &proof,
                    &Who::system("test"),
                    hurdal.id,
                    to,
                    date,
                    version,
                )
                .await
            }
        };
        assert!(
            step(Stage::Accepted, "2019-09-01", 1).await.is_err(),
            "not invited yet"
        );
        let after = step(Stage::Invited, "2019-09-02", 1).await.unwrap();
        assert_eq!((after.stage, after.version), (Stage::Invited, 2));
        let err = step(Stage::Accepted, "2019-09-20", 1).await.unwrap_err();
        assert!(
            matches!(err, samla_db::StoreError::Domain(e) if e.code == ErrorCode::EditConflict)
        );
        step(Stage::Accepted, "2019-09-20", 2).await.unwrap();
        assert_eq!(
            dialogue::steps(&db, &proof, hurdal.id).await.unwrap().len(),
            3
        );
        // Another embete cannot touch it.
        let other = access::embete_work(&embete_actor("agder"), "agder").unwrap();
        assert!(
            dialogue::take_step(
                &db,
                &other,
                &who,
                hurdal.id,
                Stage::LeadersMeetingHeld,
                d("2019-10-01"),
                3
            )
            .await
            .is_err()
        );

        let c2021 = dialogue::coverage(&db, Some("oslo-og-viken"), d("2021-06-01"), None)
            .await
            .unwrap();
        assert_eq!(c2021.total, 66);
        let h = c2021.units.iter().find(|u| u.number == "3037").unwrap();
        assert_eq!(
            h.stage,
            Some(Stage::Accepted),
            "Hurdal's 2019 dialogue counts for 3037"
        );
        let c2018 = dialogue::coverage(
            &db,
            Some("oslo-og-viken"),
            d("2019-01-01"),
            Some(cycle.id + 1),
        )
        .await
        .unwrap();
        assert!(
            c2018.units.iter().all(|u| u.stage.is_none()),
            "the cycle filter applies"
        );
        let national = dialogue::coverage(&db, None, d("2024-06-01"), None)
            .await
            .unwrap();
        assert_eq!(national.total, 356 + 15);
        assert_eq!(national.completed, 0);
    }
}
