//! The harness every web test shares: a fresh database with the regions imported,
//! one user per role with a session, and helpers that send requests as a browser or an
//! API client would. `SAMLA_TEST_BACKEND=postgres` runs the same tests on PostgreSQL.

// Each test binary uses some of these helpers, never all.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use samla_db::audit::Who;
use samla_db::users::{self, NewUser};
use samla_db::{Db, testing};
use samla_web::{AppState, WebConfig, router};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tower::ServiceExt;

pub const PASSWORD: &str = "et langt passord";

/// (role, organisation) of the users every test has.
pub const USERS: [(&str, &str); 7] = [
    ("admin", "sekretariatet"),
    ("secretariat", "sekretariatet"),
    ("directorate", "bufdir"),
    ("steering_group", "hdir"),
    ("embete_staff", "oslo-og-viken"),
    ("embete_leader", "oslo-og-viken"),
    ("municipality", "3242"),
];

pub struct App {
    pub router: Router,
    pub db: testing::TestDb,
    /// role → session cookie value
    pub sessions: BTreeMap<&'static str, String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came, for files that are not text (PDF).
    pub bytes: Vec<u8>,
}

pub async fn app() -> App {
    let db = testing::chosen(testing::Start::Regions).await;
    for (role, org) in USERS {
        let input = NewUser {
            email: format!("{role}@test.example"),
            name: format!("Test {role}"),
            organisation: org.into(),
            roles: vec![role.into()],
            password: PASSWORD.into(),
        };
        assert!(
            users::create_user(
                &db,
                &samla_domain::access::system_authority_for_command_line_and_demo().manage_users(),
                &Who::system("test"),
                &input
            )
            .await
            .is_ok(),
            "{role}"
        );
    }
    seed_dialogues(&db).await;
    let router = router(AppState::new((*db).clone(), WebConfig::default()));
    let mut app = App {
        router,
        db,
        sessions: BTreeMap::new(),
    };
    for (role, _) in USERS {
        let cookie = app
            .login(&format!("{role}@test.example"), PASSWORD)
            .await
            .expect("login");
        app.sessions.insert(role, cookie);
    }
    app
}

/// Oslo og Viken's 2019 round (cycle 1: Bjerke published = dialogue 1, Hurdal in
/// progress = dialogue 2) and one Agder round (cycle 2, dialogue 3).
async fn seed_dialogues(db: &Db) {
    use samla_db::dialogue::{SeedCycle, SeedDialogue, Unit};
    use samla_domain::dialogue::{Stage, UnitKind};
    let unit = |kind, number: &str, name: &str| Unit {
        kind,
        number: number.into(),
        name: name.into(),
    };
    let cycles = vec![
        SeedCycle {
            embete: "oslo-og-viken".into(),
            name: "Sjumilstegdialog 2019".into(),
            starts_on: "2019-01-01".into(),
            ends_on: "2019-12-31".into(),
            dialogues: vec![
                SeedDialogue {
                    unit: unit(UnitKind::District, "030109", "Bydel Bjerke"),
                    steps: vec![
                        (Stage::Planned, "2019-08-20".into()),
                        (Stage::Published, "2019-12-12".into()),
                    ],
                    report: Some(samla_db::report::Report {
                        language: "nb".into(),
                        child_summary: "Vi snakket med unge i Bjerke om å bli hørt.".into(),
                        facts: "Dialog høsten 2019.".into(),
                        advice: "Lag en rutine for å høre barn.".into(),
                        version: 1,
                        ..Default::default()
                    }),
                    meetings: Vec::new(),
                },
                SeedDialogue {
                    unit: unit(UnitKind::Municipality, "0239", "Hurdal"),
                    steps: vec![
                        (Stage::Planned, "2019-08-20".into()),
                        (Stage::Invited, "2019-09-02".into()),
                    ],
                    report: None,
                    meetings: Vec::new(),
                },
            ],
        },
        SeedCycle {
            embete: "agder".into(),
            name: "Dialog 2021".into(),
            starts_on: "2021-01-01".into(),
            ends_on: "2021-12-31".into(),
            dialogues: vec![SeedDialogue {
                unit: unit(UnitKind::Municipality, "4204", "Kristiansand"),
                steps: vec![(Stage::Planned, "2021-02-01".into())],
                report: None,
                meetings: Vec::new(),
            }],
        },
    ];
    samla_db::dialogue::seed(
        db,
        &samla_domain::access::system_authority_for_command_line_and_demo(),
        &Who::system("test"),
        &cycles,
    )
    .await
    .unwrap();
}

/// The session cookie's name in the default configuration (HTTPS in front).
pub const SESSION: &str = samla_web::ctx::SESSION_COOKIE_SECURE;

pub fn session_from(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(SESSION).and_then(|c| c.strip_prefix('=')))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|c| !c.is_empty())
}

/// A response as the tests read it.
async fn reply(res: axum::response::Response) -> Reply {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

impl App {
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        cookie: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::HOST, "samla.test");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        if method != Method::GET {
            let json = body.is_some_and(|b| b.starts_with('{'));
            req = req.header("sec-fetch-site", "same-origin").header(
                header::CONTENT_TYPE,
                if json {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                },
            );
        }
        let req = req
            .body(Body::from(body.unwrap_or_default().to_owned()))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        reply(res).await
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, None, None).await
    }

    /// A GET with the given headers, as a browser or a client with its own sends it.
    pub async fn get_with(&self, uri: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
        let mut req = Request::builder()
            .uri(uri)
            .header(header::HOST, "samla.test");
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        reply(res).await
    }

    pub async fn get_as(&self, role: &str, uri: &str) -> Reply {
        let cookie = format!("{SESSION}={}", self.sessions[role]);
        self.send(Method::GET, uri, Some(&cookie), None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Option<String> {
        let body = format!(
            "email={email}&password={}&next=/account",
            password.replace(' ', "+")
        );
        let reply = self.send(Method::POST, "/login", None, Some(&body)).await;
        session_from(&reply.headers)
    }

    pub fn cookie(&self, role: &str) -> String {
        format!("{SESSION}={}", self.sessions[role])
    }
}

/// A synthetic test number (month + 80) that the detector blocks, never a real one.
pub fn synthetic_fnr() -> String {
    (0..100)
        .map(|k| format!("018181123{k:02}"))
        .find(|n| {
            samla_domain::personal_id::worst(n) == Some(samla_domain::personal_id::Severity::Block)
        })
        .unwrap()
}

impl App {
    /// A JSON request with a bearer token, as an API client sends it.
    pub async fn api(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// What an API client reads at `uri` (the body only).
    pub async fn read(&self, uri: &str, token: &str) -> serde_json::Value {
        self.api(Method::GET, uri, token, serde_json::Value::Null)
            .await
            .1
    }

    pub async fn token(&self, role: &str) -> String {
        let id = users::find_user_id(&self.db, &format!("{role}@test.example"))
            .await
            .unwrap()
            .unwrap();
        samla_db::tokens::create_for(
            &self.db,
            &samla_domain::access::system_authority_for_command_line_and_demo(),
            &Who::system("test"),
            id,
            "test",
            samla_domain::tokens::DEFAULT_DAYS,
        )
        .await
        .unwrap()
        .secret
    }
}

/// Every route the router declares, read from its source: (path template, the text of
/// its `.route(…)` call, which names the methods). Calls on one line or several alike.
pub fn routes() -> Vec<(String, String)> {
    // Every route list: `routes/mod.rs` and each feature folder's `mod.rs`, found on
    // disk, so a new feature's routes are checked without being named here.
    fn lists(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                lists(&path, out);
            } else if path.file_name().is_some_and(|n| n == "mod.rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut texts = Vec::new();
    lists(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes"),
        &mut texts,
    );
    texts
        .iter()
        .flat_map(|list| list.split(".route("))
        .filter_map(|call| {
            let template = call.trim_start().strip_prefix('"')?.split('"').next()?;
            Some((template.to_owned(), call.to_owned()))
        })
        .collect()
}

/// A dialogue with Hurdal in a new cycle, taken to "report drafted" with a clean
/// report: (dialogue url, dialogue version, report version).
pub async fn drafted(app: &App, staff: &str) -> (String, i64, i64) {
    let (status, cycle) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles",
            staff,
            json!({"name": "Runde 2021", "starts_on": "2021-01-01", "ends_on": "2021-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cycle}");
    let (_, added) = app
        .api(
            Method::POST,
            &format!("/api/v1/dialogue/cycles/{}/dialogues", cycle["id"]),
            staff,
            json!({"units": ["3037"]}),
        )
        .await;
    let url = format!("/api/v1/dialogue/dialogues/{}", added["dialogues"][0]["id"]);
    let mut version = added["dialogues"][0]["version"].as_i64().unwrap();
    let mut take = async |stage: &str, date: &str| {
        let (status, d) = app
            .api(
                Method::POST,
                &format!("{url}/steps"),
                staff,
                json!({"stage": stage, "date": date, "version": version}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{stage}: {d}");
        version = d["version"].as_i64().unwrap();
    };
    take("invited", "2021-02-01").await;
    take("accepted", "2021-02-10").await;
    for (kind, body) in [
        (
            "leaders",
            json!({"held_on": "2021-03-01", "place": "Rådhuset", "services": ["health"]}),
        ),
        (
            "youth",
            json!({"held_on": "2021-03-15", "place": "Skolen", "youth_group": "youth_council", "participants": 8, "age_bands": ["13-15"]}),
        ),
    ] {
        let (status, m) = app
            .api(Method::PUT, &format!("{url}/meetings/{kind}"), staff, body)
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
    }
    take("leaders_meeting_held", "2021-03-01").await;
    take("youth_meeting_held", "2021-03-15").await;
    let (status, saved) = app
        .api(
            Method::PUT,
            &format!("{url}/report"),
            staff,
            report("Om lag 3 000 innbyggjarar.", 0),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    take("report_drafted", "2021-04-01").await;
    (url, version, saved["version"].as_i64().unwrap())
}

pub fn report(facts: &str, version: i64) -> Value {
    json!({
        "language": "nb",
        "facts": facts,
        "leaders_said": "Lederne vil samarbeide.",
        "youth_said": "Ungdommene vil bli hørt.",
        "advice": "Lag en plan for medvirkning.",
        "child_summary": "Vi snakket med ungdomsrådet.",
        "findings": [{"body": "Barn blir ikke alltid hørt.", "crc_articles": [12], "steps": [2]}],
        "follow_ups": [],
        "version": version
    })
}

/// A form body as a browser sends it.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", samla_web::error::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A form posted as the user whose session cookie this is.
pub async fn post(app: &App, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> Reply {
    app.send(Method::POST, path, Some(cookie), Some(&form(pairs)))
        .await
}

/// Publishes `year`'s joint assignment with one reporting requirement per `(title,
/// deadline)`, written by the secretariat and signed by all five directorates, as the
/// store would have it after the assignment's pages. Returns the requirements' ids.
pub async fn publish_assignment(app: &App, year: i64, requirements: &[(&str, &str)]) -> Vec<i64> {
    use samla_db::assignment as store;
    use samla_domain::access::{Actor, OrgKind, OrgRef, Role};
    use samla_domain::assignment::{RequirementInput, Stage, check_requirement, read_drafts};
    let actor = |email: &str, id: i64, code: &str, kind, role| Actor {
        user_id: id,
        email: email.into(),
        name: email.into(),
        organisation: OrgRef {
            code: code.into(),
            kind,
        },
        roles: vec![role],
    };
    let id_of = |email: &'static str| async move {
        users::find_user_id(&app.db, email).await.unwrap().unwrap()
    };
    let sec_id = id_of("secretariat@test.example").await;
    let dir_id = id_of("directorate@test.example").await;
    let sec = actor(
        "secretariat@test.example",
        sec_id,
        "sekretariatet",
        OrgKind::Secretariat,
        Role::Secretariat,
    );
    let drafts = read_drafts(&sec).unwrap();
    let version = || async {
        store::draft(&app.db, &drafts, year)
            .await
            .unwrap()
            .unwrap()
            .version
    };
    store::create(&app.db, &sec, year).await.unwrap();
    let mut ids = Vec::new();
    for (title, deadline) in requirements {
        let input = RequirementInput {
            kind: "reporting".into(),
            title: (*title).into(),
            text: format!("Rapporter om {title}."),
            deadline: (*deadline).into(),
            sectors: vec!["school".into()],
            crc_articles: "12".into(),
        };
        let checked = check_requirement(&input, 0, "bufdir").unwrap();
        let v = version().await;
        let (added, _) = store::add_requirement(&app.db, &sec, year, checked, v)
            .await
            .unwrap();
        ids.push(added.id);
    }
    store::move_to(&app.db, &sec, year, Stage::SignOff)
        .await
        .unwrap();
    let v = version().await;
    for d in samla_domain::assignment::directorates() {
        let signer = actor(
            "directorate@test.example",
            dir_id,
            d,
            OrgKind::Directorate,
            Role::Directorate,
        );
        store::sign_off(&app.db, &signer, year, v).await.unwrap();
    }
    for stage in [Stage::QualityAssured, Stage::Adopted, Stage::Published] {
        store::move_to(&app.db, &sec, year, stage).await.unwrap();
    }
    ids
}

/// A PDF's text as a reader's tool extracts it, with runs of white space made one space.
pub fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text can be read");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Oslo og Viken's 2019 report with every requirement answered, approved and submitted
/// through the API. Returns the requirements' ids.
pub async fn submitted(app: &App) -> Vec<i64> {
    use serde_json::json;
    let ids = publish_assignment(
        app,
        2019,
        &[("Samordnet støtte", ""), ("Barn blir hørt", "")],
    )
    .await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let report = "/api/v1/yearly-reports/oslo-og-viken/2019/year";
    let (status, view) = app
        .api(
            Method::POST,
            "/api/v1/yearly-reports",
            &staff,
            json!({ "embete": "oslo-og-viken", "year": 2019, "period": "year" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let mut version = view["version"].as_i64().unwrap();
    for id in &ids {
        let body = json!({ "status": "done", "text": format!("Svar {id}."), "version": version });
        let (status, saved) = app
            .api(Method::PUT, &format!("{report}/answers/{id}"), &staff, body)
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        version = saved["version"].as_i64().unwrap();
    }
    for (token, step) in [(&leader, "approve"), (&staff, "submit")] {
        let (status, view) = app
            .api(
                Method::POST,
                &format!("{report}/{step}"),
                token,
                json!({ "version": version }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{view}");
    }
    ids
}
