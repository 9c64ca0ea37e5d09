//! The publication gate end to end: nothing with an identity number in it becomes
//! public, however the number is written and whichever field it is in, and the public
//! sees nothing of an embete's unpublished work.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{Value, json};

const CYCLES: &str = "/api/v1/dialogue/cycles";

/// F2 of the security review and M1 of the new-user review: every way of writing a
/// number that got past the earlier detector is refused at approval, naming the field.
#[tokio::test]
async fn a_number_however_written_stops_the_approval() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, version, mut report_version) = drafted(&app, &staff).await;
    for written in [
        "150385  00047",
        "150385\t00047",
        "150385\n00047",
        "150385–00047",
        "150385/00047",
        "15.03.85 00047",
        "15 03 85 000 47",
        "150 385 000 47",
        "1503 8500 047",
        "15.03.85-00047",
        "150385\u{200b}00047",
        "150385\u{ad}00047",
        "\u{661}\u{665}\u{660}\u{663}\u{668}\u{665}\u{660}\u{660}\u{660}\u{664}\u{667}",
        "1 5 0 3 8 5 0 0 0 4 7",
    ] {
        let (status, saved) = app
            .api(
                Method::PUT,
                &format!("{url}/report"),
                &staff,
                report(&format!("Barnet født {written} ble hørt."), report_version),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        report_version = saved["version"].as_i64().unwrap();
        let (status, body) = app
            .api(
                Method::POST,
                &format!("{url}/steps"),
                &leader,
                json!({"stage": "report_approved", "date": "2021-04-02", "version": version, "report_version": report_version}),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str(), body["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("personal_id_found"),
                Some("facts")
            ),
            "{written:?}"
        );
    }
}

/// F1 of the security review and M2 of the new-user review: a cycle's name is public at
/// once, so a number in it is refused when it is typed, on the page and in the API.
#[tokio::test]
async fn a_cycle_name_with_a_number_is_refused_when_it_is_saved() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    for name in [
        "Runde for 15038500047",
        "Runde (150385 00047)",
        "Runde 15.03.85 00047",
    ] {
        let (status, body) = app
            .api(
                Method::POST,
                CYCLES,
                &staff,
                json!({"name": name, "starts_on": "2021-01-01", "ends_on": "2021-12-31"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        let errors = body["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["code"] == "personal_id_found" && e["field"] == "name"),
            "{body}"
        );
    }
    let r = app
        .send(
            Method::POST,
            "/dialogue/cycles",
            Some(&app.cookie("embete_staff")),
            Some("name=Runde+for+15038500047&starts_on=2021-01-01&ends_on=2021-12-31"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("value=\"Runde for 15038500047\""),
        "what was typed is kept"
    );
    assert!(
        r.body.contains("href=\"#name\""),
        "the error points at the field"
    );
    assert!(r.body.contains("fødselsnummer"));
    let (_, cycles) = app.api(Method::GET, CYCLES, &staff, json!(null)).await;
    assert!(
        !cycles.to_string().contains("15038500047"),
        "nothing was saved"
    );
}

/// F14 of the security review: the public filter lists only cycles with something
/// published; the embete's own people see all of theirs.
#[tokio::test]
async fn the_public_sees_only_cycles_with_published_reports() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let (status, _) = app
        .api(
            Method::POST,
            CYCLES,
            &staff,
            json!({"name": "Intern runde 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let url = "/coverage?embete=oslo-og-viken";
    let public = app.get(url).await;
    assert!(
        public.body.contains("Sjumilstegdialog 2019"),
        "Bjerke's cycle is published"
    );
    assert!(!public.body.contains("Intern runde 2026"));
    for role in ["admin", "embete_staff"] {
        let page = app.get_as(role, url).await;
        assert_eq!(
            page.body.contains("Intern runde 2026"),
            role == "embete_staff",
            "{role}"
        );
    }
}

/// The gate runs again on the way out: text that was published before the detector
/// learnt a way of writing a number (here written straight into the database) is
/// withheld from the page and every list.
#[tokio::test]
async fn what_was_published_before_is_checked_again_on_the_way_out() {
    use samla_db::audit::Who;
    use samla_db::dialogue::{SeedCycle, SeedDialogue, Unit};
    use samla_domain::dialogue::{Stage, UnitKind};
    let app = app().await;
    let published = |unit: &str, name: &str, facts: &str| SeedDialogue {
        unit: Unit {
            kind: UnitKind::Municipality,
            number: unit.into(),
            name: name.into(),
        },
        steps: vec![
            (Stage::Planned, "2019-08-20".into()),
            (Stage::Published, "2019-12-12".into()),
        ],
        report: Some(samla_db::report::Report {
            language: "nb".into(),
            facts: facts.into(),
            child_summary: "Vi snakket med elevrådet.".into(),
            ..Default::default()
        }),
        meetings: Vec::new(),
    };
    let cycles = [
        SeedCycle {
            embete: "oslo-og-viken".into(),
            name: "Eldre runde".into(),
            starts_on: "2019-01-01".into(),
            ends_on: "2019-12-31".into(),
            dialogues: vec![
                published("3242", "Hurdal", "Elev 15.03.85 00047 ble hørt."),
                published("3030", "Lillestrøm", "Ingen personopplysninger her."),
            ],
        },
        SeedCycle {
            embete: "oslo-og-viken".into(),
            name: "Runde 150385 00047".into(),
            starts_on: "2019-01-01".into(),
            ends_on: "2019-12-31".into(),
            dialogues: vec![published("3036", "Nannestad", "Ryddig tekst.")],
        },
    ];
    samla_db::dialogue::seed(
        &app.db,
        &samla_domain::access::system_authority_for_command_line_and_demo(),
        &Who::system("test"),
        &cycles,
    )
    .await
    .unwrap();
    let lists = [
        app.get("/reports.csv").await.body,
        app.get("/reports").await.body,
        app.get("/api/v1/dialogue/reports").await.body,
    ];
    for list in &lists {
        assert!(list.contains("Lillestrøm"), "a clean report is listed");
        assert!(!list.contains("150385 00047") && !list.contains("Nannestad"));
    }
    // The CSV for programs: stable ids, commas, no byte-order mark; links that work where
    // the file is opened. The one for Excel: a BOM, semicolons, names in the reader's
    // language.
    let csv = &lists[0];
    assert!(csv.starts_with("id,embete,cycle_id,"), "{csv}");
    assert!(csv.contains("https://samla.test/dialogues/"), "{csv}");
    let excel = app
        .send(
            Method::GET,
            "/reports.csv?for=excel",
            Some("samla_lang=nn"),
            None,
        )
        .await;
    assert!(
        excel.body.starts_with("\u{FEFF}ID;Embete;Dialogrunde-ID;"),
        "{}",
        excel.body
    );
    assert!(excel.body.contains(";https://samla.test/dialogues/"));
    assert!(excel.headers["link"].to_str().unwrap().contains("nlod"));
    // Seeded one after the other: Hurdal just before Lillestrøm, Nannestad just after.
    let json: Value = serde_json::from_str(&lists[2]).unwrap();
    let lillestrom = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_name"] == "Lillestrøm")
        .and_then(|r| r["id"].as_i64())
        .unwrap();
    let mut statuses = Vec::new();
    for id in lillestrom - 1..=lillestrom + 1 {
        statuses.push(app.get(&format!("/dialogues/{id}")).await.status);
    }
    assert_eq!(
        statuses,
        [StatusCode::NOT_FOUND, StatusCode::OK, StatusCode::NOT_FOUND]
    );
}

/// B1 of the new-user review: a leader withdraws a published report; its page answers
/// 410 with the date and the reason, it leaves every list and the coverage count, and
/// it can be corrected and published again.
#[tokio::test]
async fn a_leader_withdraws_a_published_report_and_publishes_it_again() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, mut version, report_version) = drafted(&app, &staff).await;
    for stage in ["report_approved", "published"] {
        let (status, d) = app
            .api(Method::POST, &format!("{url}/steps"), &leader, json!({"stage": stage, "date": "2021-04-02", "version": version, "report_version": report_version}))
            .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        version = d["version"].as_i64().unwrap();
    }
    let id = url.rsplit('/').next().unwrap().to_owned();
    let public = format!("/dialogues/{id}");
    // The public page is kept and revalidated: the same ETag twice, 304 when it is sent
    // back, and a signed-in reader (whose name is in the page) gets it fresh.
    let first = app.get(&public).await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers[axum::http::header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        first
            .headers
            .contains_key(axum::http::header::LAST_MODIFIED)
    );
    let again = app.get(&public).await;
    assert_eq!(again.headers[axum::http::header::ETAG], etag.as_str());
    assert_eq!(again.body, first.body);
    let if_none_match = axum::http::header::IF_NONE_MATCH;
    let unchanged = app
        .get_with(&public, &[(if_none_match.clone(), etag.as_str())])
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    let signed_in = app.get_as("embete_staff", &public).await;
    assert!(!signed_in.headers.contains_key(axum::http::header::ETAG));
    // "Last ned PDF": the same report, typeset, with the words the page has.
    assert!(first.body.contains(&format!("href=\"{public}/pdf\"")));
    let (_, found) = app
        .api(
            Method::GET,
            "/api/v1/search?crc_article=12&year=2021",
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(
        found["dialogue_reports"][0]["url"],
        public.as_str(),
        "{found}"
    );
    let (_, other_year) = app
        .api(
            Method::GET,
            "/api/v1/search?crc_article=12&year=2020",
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(other_year["dialogue_reports"], json!([]));
    let file = app.get(&format!("{public}/pdf")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.headers[axum::http::header::CONTENT_TYPE],
        "application/pdf"
    );
    let text = pdf_text(&file.bytes);
    for words in [
        "Vi snakket med ungdomsrådet.",
        "Lederne vil samarbeide.",
        "Barn blir ikke alltid hørt.",
        "Lag en plan for medvirkning.",
        "Side 1 av",
    ] {
        assert!(text.contains(words), "{words:?} not in {text}");
    }
    let withdraw = format!("{url}/withdraw");
    for (token, body, expected) in [
        (
            &staff,
            json!({"reason": "Feil", "version": version}),
            (StatusCode::FORBIDDEN, "leader_required", Some("stage")),
        ),
        (
            &leader,
            json!({"reason": " ", "version": version}),
            (StatusCode::BAD_REQUEST, "required", Some("reason")),
        ),
        (
            &leader,
            json!({"reason": "Eleven 15.03.85 00047 var nevnt", "version": version}),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "personal_id_found",
                Some("reason"),
            ),
        ),
        (
            &leader,
            json!({"reason": "Feil", "version": version - 1}),
            (StatusCode::CONFLICT, "edit_conflict", None),
        ),
    ] {
        let (status, body) = app.api(Method::POST, &withdraw, token, body).await;
        assert_eq!(
            (status, body["code"].as_str(), body["field"].as_str()),
            (expected.0, Some(expected.1), expected.2),
            "{body}"
        );
    }
    let reason = "Rapporten inneholdt en feil om skolen.";
    let withdraw_at = async |version: i64| {
        app.api(
            Method::POST,
            &withdraw,
            &leader,
            json!({"reason": reason, "version": version}),
        )
        .await
    };
    let (status, d) = withdraw_at(version).await;
    assert_eq!(
        (status, d["stage"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{d}"
    );
    version = d["version"].as_i64().unwrap();
    // Gone, with the date and the reason; in no list, not counted as completed.
    let gone = app
        .get_with(&public, &[(if_none_match, etag.as_str())])
        .await;
    assert_eq!(
        gone.status,
        StatusCode::GONE,
        "the withdrawal is seen at once"
    );
    assert!(gone.body.contains(reason) && gone.body.contains("trukket tilbake"));
    let file = app.get(&format!("{public}/pdf")).await;
    assert_eq!(
        file.status,
        StatusCode::GONE,
        "no PDF of a withdrawn report"
    );
    for list in ["/reports", "/reports.csv", "/api/v1/dialogue/reports"] {
        assert!(!app.get(list).await.body.contains(&public), "{list}");
    }
    let (_, coverage) = app
        .api(
            Method::GET,
            "/api/v1/dialogue/coverage?embete=oslo-og-viken&date=2021-06-01",
            &staff,
            json!(null),
        )
        .await;
    let hurdal = coverage["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["number"] == "3037")
        .unwrap();
    assert_eq!(hurdal["stage"], "withdrawn");
    assert_eq!(hurdal["report_url"], Value::Null);
    // Withdrawing twice is not a step that exists.
    let (status, body) = withdraw_at(version).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("stage_not_allowed"))
    );
    // The leader takes it up again, it is corrected, approved and published anew (the
    // withdrawal is dated the day it happens, so the next steps are too).
    let today = samla_domain::dates::iso(samla_domain::dates::today());
    let (status, d) = app
        .api(
            Method::POST,
            &format!("{url}/steps"),
            &leader,
            json!({"stage": "report_drafted", "date": today, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    version = d["version"].as_i64().unwrap();
    let (status, saved) = app
        .api(
            Method::PUT,
            &format!("{url}/report"),
            &staff,
            report("Rettet fakta.", report_version),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    for stage in ["report_approved", "published"] {
        let (status, d) = app
            .api(Method::POST, &format!("{url}/steps"), &leader, json!({"stage": stage, "date": today, "version": version, "report_version": saved["version"]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{d}");
        version = d["version"].as_i64().unwrap();
    }
    let again = app.get(&public).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("Rettet fakta."));
    // Published anew, it says it was corrected, and why it was taken down.
    assert!(again.body.contains("Korrigert"));
    assert!(again.body.contains(reason));
}

/// The same from the report page: the leader sees the form, a refused reason is kept.
#[tokio::test]
async fn the_report_page_withdraws_and_keeps_a_refused_reason() {
    let app = app().await;
    let leader = app.cookie("embete_leader");
    // Bydel Bjerke's report (dialogue 1) is published.
    let page = app
        .get_as("embete_leader", "/dialogue/dialogues/1/report")
        .await;
    assert!(
        page.body
            .contains("action=\"/dialogue/dialogues/1/withdraw\"")
    );
    let staff_page = app
        .get_as("embete_staff", "/dialogue/dialogues/1/report")
        .await;
    assert!(
        !staff_page.body.contains("/withdraw\""),
        "only leaders withdraw"
    );
    let version = page
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/1/withdraw",
            Some(&leader),
            Some(&format!(
                "version={version}&withdraw_reason=Gjaldt+150385+00047"
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Gjaldt 150385 00047</textarea>"),
        "the typed reason is kept"
    );
    assert!(r.body.contains("href=\"#withdraw_reason\""));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/1/withdraw",
            Some(&leader),
            Some(&format!(
                "version={version}&withdraw_reason=Feil+i+rapporten"
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let gone = app.get("/dialogues/1").await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.body.contains("Feil i rapporten"));
}
