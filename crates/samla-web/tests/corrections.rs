//! Mistakes can be corrected, with a reason that is kept (M7 of the new-user review):
//! the last step is undone on the page or through the API, and a cycle form sent twice
//! makes one cycle.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;

/// Hurdal's dialogue in the seeded 2019 round: planned, then invited.
const HURDAL: &str = "/api/v1/dialogue/dialogues/2";

#[tokio::test]
async fn the_last_step_is_undone_with_a_reason_that_is_kept() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let before = app.read(HURDAL, &staff).await;
    assert_eq!(before["dialogue"]["stage"], "invited");
    let version = before["dialogue"]["version"].as_i64().unwrap();

    // The reason is required, and a stale version is a conflict.
    let (status, problem) = app
        .api(
            Method::POST,
            &format!("{HURDAL}/undo"),
            &staff,
            json!({"reason": " ", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("required"), Some("reason"))
    );
    let (status, problem) = app
        .api(
            Method::POST,
            &format!("{HURDAL}/undo"),
            &staff,
            json!({"reason": "Feil enhet", "version": version - 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "edit_conflict");

    let (status, undone) = app
        .api(
            Method::POST,
            &format!("{HURDAL}/undo"),
            &staff,
            json!({"reason": "Invitasjonen ble registrert på feil enhet", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["stage"], "planned");
    assert_eq!(undone["stage_date"], "2019-08-20");
    assert_eq!(undone["version"], version + 1);
    // The step stays in the history, marked, and the dialogue can go on from there.
    let after = app.read(HURDAL, &staff).await;
    let steps = after["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1]["stage"], "invited");
    assert_eq!(
        steps[1]["undone"]["reason"],
        "Invitasjonen ble registrert på feil enhet"
    );
    assert!(steps[0].get("undone").is_none());
    assert_eq!(after["next"], json!(["invited"]));
    // The first step has nothing before it.
    let (status, problem) = app
        .api(
            Method::POST,
            &format!("{HURDAL}/undo"),
            &staff,
            json!({"reason": "Igjen", "version": version + 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "nothing_to_undo");
    // The audit log has it, with the reason.
    let audit = app
        .get_as("admin", "/admin/audit?action=dialogue.undo_step")
        .await;
    assert!(
        audit
            .body
            .contains("Invitasjonen ble registrert på feil enhet")
    );
}

#[tokio::test]
async fn what_only_a_leader_may_do_only_a_leader_may_undo() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, version, report_version) = drafted(&app, &staff).await;
    let (status, approved) = app
        .api(
            Method::POST,
            &format!("{url}/steps"),
            &leader,
            json!({"stage": "report_approved", "date": "2021-04-02", "version": version, "report_version": report_version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let version = approved["version"].as_i64().unwrap();
    let body = json!({"reason": "Godkjent for tidlig", "version": version});
    let (status, problem) = app
        .api(Method::POST, &format!("{url}/undo"), &staff, body.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "leader_required");
    let (status, undone) = app
        .api(Method::POST, &format!("{url}/undo"), &leader, body)
        .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["stage"], "report_drafted");
    // Published cannot be undone: it is withdrawn instead. Another embete's is not found.
    let (status, problem) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/dialogues/1/undo",
            &leader,
            json!({"reason": "x", "version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "nothing_to_undo");
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/dialogues/3/undo",
            &leader,
            json!({"reason": "x", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_undoes_a_step_and_keeps_a_refused_reason() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    let page = app.get_as("embete_staff", "/dialogue/dialogues/2").await;
    assert!(page.body.contains("action=\"/dialogue/dialogues/2/undo\""));
    let version = app.read(HURDAL, &app.token("embete_staff").await).await["dialogue"]["version"]
        .as_i64()
        .unwrap();
    // Too long: refused at the field, and the text is kept.
    let long = "a".repeat(1001);
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/undo",
            Some(&staff),
            Some(&format!("version={version}&reason={long}")),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"reason-error\""));
    assert!(r.body.contains(&long));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/undo",
            Some(&staff),
            Some(&format!("version={version}&reason=Feil+knapp")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app
        .get_as("embete_staff", "/dialogue/dialogues/2?undone=1")
        .await;
    assert!(page.body.contains("Steget er angret"));
    assert!(
        page.body.contains("Feil knapp"),
        "the reason is in the history"
    );
    assert!(
        !page.body.contains("action=\"/dialogue/dialogues/2/undo\""),
        "planned has nothing to undo"
    );
}

#[tokio::test]
async fn a_cycle_form_sent_twice_makes_one_cycle() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    let form = "name=Dobbel+innsending&starts_on=2026-01-01&ends_on=2026-12-31";
    let first = app
        .send(Method::POST, "/dialogue/cycles", Some(&staff), Some(form))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = app
        .send(Method::POST, "/dialogue/cycles", Some(&staff), Some(form))
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second.body.contains("id=\"name-error\"") || second.body.contains("href=\"#name\""));
    assert!(
        second.body.contains("Dobbel innsending"),
        "the typed name is kept"
    );
    let (status, problem) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles",
            &app.token("embete_staff").await,
            json!({"name": "Dobbel innsending", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("duplicate_name"), Some("name"))
    );
    let cycles = app
        .read("/api/v1/dialogue/cycles", &app.token("embete_staff").await)
        .await;
    let same = cycles
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|c| {
                    c["cycle"]["name"] == "Dobbel innsending" || c["name"] == "Dobbel innsending"
                })
                .count()
        })
        .unwrap_or_default();
    assert_eq!(same, 1, "{cycles}");
    // Another embete may use the same name.
    let other = app
        .send(
            Method::POST,
            "/dialogue/cycles",
            Some(&staff),
            Some("name=Dialog+2021&starts_on=2021-01-01&ends_on=2021-12-31"),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::SEE_OTHER,
        "Agder's name is free for Oslo og Viken"
    );
}
