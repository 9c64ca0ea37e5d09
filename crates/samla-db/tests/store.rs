//! Store tests: every test runs on SQLite and, when configured, on PostgreSQL.

use samla_db::audit::{self, Filter, Who};
use samla_db::regions;
use samla_db::sessions::{self, Lifetimes, LoginOutcome};
use samla_db::testing::{Start, TestDb};
use samla_db::users::{self, CreateUserError, NewUser};
use samla_db::{schema, testing};
use samla_domain::access::{self, Actor, OrgKind, OrgRef, Role};
use samla_domain::dates::parse_date;
use samla_domain::regions::Relation;
use samla_domain::{ErrorCode, throttle};

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
            sessions::login(&db, "LEDER@example.no ", "et langt passord", None)
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
            sessions::login(&db, "leder@example.no", "et langt passord", None)
                .await
                .unwrap()
        else {
            panic!("login should succeed");
        };
        let token = samla_db::tokens::create_for(
            &db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &who,
            user.id,
            "test",
            samla_domain::tokens::DEFAULT_DAYS,
        )
        .await
        .unwrap()
        .secret;
        assert!(
            samla_db::tokens::actor_for(&db, &token)
                .await
                .unwrap()
                .is_some()
        );
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
            samla_db::tokens::actor_for(&db, &token)
                .await
                .unwrap()
                .is_none(),
            "tokens stop with their user"
        );
        // The same answer as a wrong password: a disabled account is not revealed.
        assert!(matches!(
            sessions::login(&db, "leder@example.no", "et langt passord", None)
                .await
                .unwrap(),
            LoginOutcome::Refused
        ));
    }
}

/// A fixed moment for the throttle tests, so no delay runs out while a test runs.
const T: i64 = 1_900_000_000;

/// An embete staff member with the test password.
async fn staff_member(db: &TestDb, email: &str) {
    let proof = access::manage_users(&admin_actor()).unwrap();
    users::create_user(
        db,
        &proof,
        &Who::system("test"),
        &new_user(email, "agder", "embete_staff"),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account() {
    for db in seeded().await {
        staff_member(&db, "ola@example.no").await;
        for _ in 0..throttle::ACCOUNT.free {
            let outcome = sessions::login_at(&db, "ola@example.no", "feil passord!", None, T)
                .await
                .unwrap();
            assert!(matches!(outcome, LoginOutcome::Refused), "{outcome:?}");
        }
        // Past the free mistakes the next attempt waits, even with the right password,
        // but no longer than the delay: there is no lock to hold a real user out.
        let outcome = sessions::login_at(&db, "ola@example.no", "et langt passord", None, T)
            .await
            .unwrap();
        let LoginOutcome::Throttled { retry_after } = outcome else {
            panic!("throttle did not hold: {outcome:?}");
        };
        assert!((1..=throttle::ACCOUNT.ceiling).contains(&retry_after));
        let later = sessions::login_at(
            &db,
            "ola@example.no",
            "et langt passord",
            None,
            T + retry_after,
        )
        .await
        .unwrap();
        assert!(matches!(later, LoginOutcome::Success { .. }), "{later:?}");
    }
}

/// F4 of the security review: attempts sent together are each counted before any
/// password is checked, so a burst gets no more guesses than attempts one by one.
#[tokio::test]
async fn a_burst_of_guesses_is_counted_attempt_by_attempt() {
    for db in seeded().await {
        staff_member(&db, "kari@example.no").await;
        let burst = (0..30).map(|i| {
            let db = db.clone();
            // The right password is in the middle of the burst.
            let password = if i == 15 {
                "et langt passord"
            } else {
                "feil passord!"
            };
            tokio::spawn(async move {
                sessions::login_at(&db, "kari@example.no", password, None, T)
                    .await
                    .unwrap()
            })
        });
        let mut checked = 0;
        for outcome in futures_join(burst).await {
            match outcome {
                LoginOutcome::Refused | LoginOutcome::Success { .. } => checked += 1,
                LoginOutcome::Throttled { .. } => {}
                LoginOutcome::Busy => panic!("the hasher refused a burst of 30"),
            }
        }
        assert!(
            checked <= throttle::ACCOUNT.free + 1,
            "{checked} passwords checked in one burst"
        );
    }
}

async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}

/// F5: guesses spread over many accounts from one address slow that address down.
#[tokio::test]
async fn guesses_from_one_address_are_throttled_across_accounts() {
    for db in seeded().await {
        for i in 0..throttle::SOURCE.free {
            let outcome = sessions::login_at(
                &db,
                &format!("nummer{i}@example.no"),
                "Sommer2026!!",
                Some("192.0.2.7"),
                T,
            )
            .await
            .unwrap();
            assert!(matches!(outcome, LoginOutcome::Refused), "{outcome:?}");
        }
        let outcome =
            sessions::login_at(&db, "ny@example.no", "Sommer2026!!", Some("192.0.2.7"), T)
                .await
                .unwrap();
        assert!(
            matches!(outcome, LoginOutcome::Throttled { .. }),
            "{outcome:?}"
        );
        // Another address is not held back by it.
        let outcome =
            sessions::login_at(&db, "ny@example.no", "Sommer2026!!", Some("192.0.2.8"), T)
                .await
                .unwrap();
        assert!(matches!(outcome, LoginOutcome::Refused), "{outcome:?}");
    }
}

/// F3: what cannot be an account is refused before any database work, and what someone
/// typed for an unknown account is not kept anywhere.
#[tokio::test]
async fn refused_logins_store_nothing_that_was_typed() {
    for db in seeded().await {
        let long = format!("{}@example.no", "z".repeat(300_000));
        let typed_password = "MittHemmeligePassord!2026";
        for (email, password) in [
            (long.as_str(), "x"),
            ("ola@example.no", &*"p".repeat(100_000)),
            (typed_password, "x"),
            ("ukjent@example.no", typed_password),
        ] {
            let outcome = sessions::login(&db, email, password, Some("192.0.2.9"))
                .await
                .unwrap();
            assert!(matches!(outcome, LoginOutcome::Refused), "{outcome:?}");
        }
        let dump = samla_db::testing::dump(&db).await;
        for typed in [
            "zzzzzzzzzz",
            "ukjent@example.no",
            "mitthemmeligepassord",
            typed_password,
        ] {
            assert!(
                !dump.to_lowercase().contains(&typed.to_lowercase()),
                "{typed} is stored"
            );
        }
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

/// Reliability finding 5: what has outlived its use is removed by the housekeeping round,
/// and what is still alive stays.
#[tokio::test]
async fn housekeeping_removes_what_has_run_out_and_keeps_the_rest() {
    for db in seeded().await {
        let proof = access::manage_users(&admin_actor()).unwrap();
        let who = Who::system("test");
        let user = users::create_user(
            &db,
            &proof,
            &who,
            &new_user("kari@agder.example", "agder", "embete_staff"),
        )
        .await
        .ok()
        .unwrap();
        let lifetimes = Lifetimes::default();
        let t = samla_db::now();
        let old = t - lifetimes.absolute - 10;
        let login = |at: i64, password: &'static str| {
            let db = &db;
            async move {
                sessions::login_at(db, "kari@agder.example", password, Some("192.0.2.9"), at)
                    .await
                    .unwrap()
            }
        };
        assert!(matches!(
            login(old, "et langt passord").await,
            LoginOutcome::Success { .. }
        ));
        assert!(matches!(
            login(old, "feil passord").await,
            LoginOutcome::Refused
        ));
        assert!(matches!(
            login(t, "et langt passord").await,
            LoginOutcome::Success { .. }
        ));
        samla_db::passwords::issue_reset(&db, &proof, &who, user.id)
            .await
            .unwrap();
        samla_db::kept_forms::keep(&db, user.id, "/x", "/", "a=b")
            .await
            .unwrap();

        let now = samla_db::maintenance::prune(&db, lifetimes, t)
            .await
            .unwrap();
        assert_eq!(now.sessions, 1, "the old session goes, the fresh one stays");
        assert_eq!(
            (now.kept_forms, now.reset_links),
            (0, 0),
            "still within their time"
        );
        assert_eq!(sessions::count_for_user(&db, user.id).await.unwrap(), 1);

        let later = t + 2 * 24 * 3600;
        let then = samla_db::maintenance::prune(&db, lifetimes, later)
            .await
            .unwrap();
        assert_eq!(then.sessions, 1);
        assert!(then.login_counts >= 1, "{then:?}");
        assert_eq!((then.kept_forms, then.reset_links), (1, 1));
        assert_eq!(
            samla_db::maintenance::prune(&db, lifetimes, later)
                .await
                .unwrap()
                .total(),
            0
        );
    }
}

/// Reliability finding 2: a copy of `samla.db` without its WAL can hold no tables; such a
/// file, or anything that is not samla's, is refused as a backup instead of becoming an
/// empty install that looks healthy.
#[tokio::test]
async fn a_file_without_samlas_tables_is_not_a_backup() {
    let dir = std::env::temp_dir().join(format!("samla-backup-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.db");
    let db = samla_db::Db::connect(&format!("sqlite://{}", empty.display()))
        .await
        .unwrap();
    db.close().await;
    let refused = samla_db::backup::check(&empty)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("not a samla database"), "{refused}");
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    assert!(samla_db::backup::check(&junk).await.is_err());
    let url = format!("sqlite://{}", dir.join("target.db").display());
    assert!(samla_db::backup::restore(&junk, &url, false).await.is_err());
    assert!(!dir.join("target.db").exists(), "nothing is put in place");
    std::fs::remove_dir_all(&dir).ok();
}

/// Several instances on one PostgreSQL database: started at once, both migrate a fresh
/// database and come up; the migrations run once.
#[tokio::test]
async fn two_instances_migrating_a_fresh_postgres_database_at_once_both_come_up() {
    let Ok(url) = std::env::var("SAMLA_TEST_DATABASE_URL") else {
        eprintln!("SAMLA_TEST_DATABASE_URL not set: the concurrent start needs PostgreSQL");
        return;
    };
    use sqlx::postgres::PgConnectOptions;
    use std::str::FromStr;
    let name = format!("samla_t_twostart_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    let drop_it = || sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    sqlx::query(drop_it()).execute(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    let options = PgConnectOptions::from_str(&url).unwrap().database(&name);
    let a = samla_db::Db::connect_postgres(options.clone())
        .await
        .unwrap();
    let b = samla_db::Db::connect_postgres(options).await.unwrap();
    let (ra, rb) = tokio::join!(samla_db::migrate(&a), samla_db::migrate(&b));
    let (na, nb) = (ra.unwrap(), rb.unwrap());
    assert!(
        na == 0 || nb == 0,
        "one instance found the work done: {na} and {nb}"
    );
    assert!(na + nb > 10);
    assert!(a.ping().await && b.ping().await);
    a.close().await;
    b.close().await;
    sqlx::query(drop_it()).execute(&admin).await.unwrap();
}

/// F16: the audit log refuses changes and removals in the database itself.
#[tokio::test]
async fn the_audit_log_is_append_only() {
    for db in seeded().await {
        let proof = access::manage_users(&admin_actor()).unwrap();
        users::create_user(
            &db,
            &proof,
            &Who::system("test"),
            &new_user("ola@agder.example", "agder", "embete_staff"),
        )
        .await
        .ok()
        .unwrap();
        for sql in [
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
        ] {
            let mut tx = db.begin().await.unwrap();
            let refused = samla_db::on!(tx.conn(), |c| sqlx::query(sql)
                .execute(&mut *c)
                .await
                .is_err());
            assert!(refused, "{sql} must be refused");
        }
    }
}
