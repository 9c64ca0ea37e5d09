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
        .get_as("embete_leader", "/admin/audit?action=dialogue.undo_step")
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

#[tokio::test]
async fn a_unit_added_by_mistake_is_removed_before_anything_happens() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let (status, added) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles/1/dialogues",
            &staff,
            json!({"units": ["0233"], "planned_on": "2019-08-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let d = &added["dialogues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["unit_number"] == "0233")
        .unwrap()
        .clone();
    let url = format!("/api/v1/dialogue/dialogues/{}", d["id"]);
    let version = d["version"].as_i64().unwrap();
    // A dialogue already invited is not removed: its step would be undone first.
    let (status, problem) = app
        .api(
            Method::POST,
            &format!("{HURDAL}/remove"),
            &staff,
            json!({"reason": "Feil", "version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "stage_not_allowed");
    // A meeting recorded for a planned dialogue would be lost: refused.
    let (status, _) = app
        .api(
            Method::PUT,
            &format!("{url}/meetings/leaders"),
            &staff,
            json!({"held_on": "2019-09-01", "place": "Rådhuset"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = app
        .api(
            Method::POST,
            &format!("{url}/remove"),
            &staff,
            json!({"reason": "Feil enhet", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "has_records");

    // A unit with nothing recorded goes, on the page, and the audit log says why.
    let (_, added) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles/1/dialogues",
            &staff,
            json!({"units": ["0234"], "planned_on": "2019-08-20"}),
        )
        .await;
    let d = added["dialogues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["unit_number"] == "0234")
        .unwrap()
        .clone();
    let page_url = format!("/dialogue/dialogues/{}", d["id"]);
    let page = app.get_as("embete_staff", &page_url).await;
    assert!(page.body.contains(&format!("action=\"{page_url}/remove\"")));
    let cookie = app.cookie("embete_staff");
    let r = app
        .send(
            Method::POST,
            &format!("{page_url}/remove"),
            Some(&cookie),
            Some(&format!("version={}&reason=", d["version"])),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"remove_reason-error\""));
    let r = app
        .send(
            Method::POST,
            &format!("{page_url}/remove"),
            Some(&cookie),
            Some(&format!(
                "version={}&reason=Lagt+til+ved+en+feil",
                d["version"]
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/dialogue/cycles/1?removed=1");
    assert_eq!(
        app.get_as("embete_staff", &page_url).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = app
        .get_as("embete_leader", "/admin/audit?action=dialogue.remove")
        .await;
    assert!(audit.body.contains("Lagt til ved en feil"));
}

#[tokio::test]
async fn a_cycle_is_renamed_or_deleted_only_while_nothing_has_begun() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    // The 2019 round has begun: neither renamed nor deleted.
    let (status, problem) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles/1/rename",
            &staff,
            json!({"name": "Nytt navn", "reason": "Skrivefeil"}),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("stage_not_allowed"))
    );
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles/1/delete",
            &staff,
            json!({"reason": "Feil"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, cycle) = app
        .api(
            Method::POST,
            "/api/v1/dialogue/cycles",
            &staff,
            json!({"name": "Runde 2025", "starts_on": "2025-01-01", "ends_on": "2025-12-31"}),
        )
        .await;
    let id = cycle["id"].as_i64().unwrap();
    app.api(
        Method::POST,
        &format!("/api/v1/dialogue/cycles/{id}/dialogues"),
        &staff,
        json!({"units": ["3242"]}),
    )
    .await;
    // Renamed through the page, with the gate on the new name and the reason required.
    let cookie = app.cookie("embete_staff");
    let rename = format!("/dialogue/cycles/{id}/rename");
    let r = app
        .send(
            Method::POST,
            &rename,
            Some(&cookie),
            Some(&format!("name=Runde+{}&reason=Skrivefeil", synthetic_fnr())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"name-error\""));
    let r = app
        .send(
            Method::POST,
            &rename,
            Some(&cookie),
            Some("name=Sjumilstegdialog+2025&reason="),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"rename_reason-error\""));
    assert!(
        r.body.contains("value=\"Sjumilstegdialog 2025\""),
        "the typed name is kept"
    );
    let r = app
        .send(
            Method::POST,
            &rename,
            Some(&cookie),
            Some("name=Sjumilstegdialog+2025&reason=Skrivefeil"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = app
        .read(&format!("/api/v1/dialogue/cycles/{id}"), &staff)
        .await;
    assert_eq!(detail["cycle"]["name"], "Sjumilstegdialog 2025");
    // Deleted with its planned dialogue; the audit log keeps what it was.
    let (status, _) = app
        .api(
            Method::POST,
            &format!("/api/v1/dialogue/cycles/{id}/delete"),
            &staff,
            json!({"reason": "Laget to ganger"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/dialogue/cycles/{id}"),
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audit = app
        .get_as("embete_leader", "/admin/audit?action=cycle.delete")
        .await;
    assert!(audit.body.contains("Laget to ganger") && audit.body.contains("3242"));
}

/// A step's date is corrected with a reason that is kept; the date stays between the
/// steps around it, and the date first recorded stays in the history.
#[tokio::test]
async fn a_step_date_is_corrected_between_its_neighbours() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let before = app.read(HURDAL, &staff).await;
    let version = before["dialogue"]["version"].as_i64().unwrap();
    let steps = before["steps"].as_array().unwrap();
    let (planned, invited) = (
        steps[0]["id"].as_i64().unwrap(),
        steps[1]["id"].as_i64().unwrap(),
    );
    let correct = |step: i64, date: &str, reason: &str, version: i64| {
        let body = json!({"date": date, "reason": reason, "version": version});
        let (app, staff) = (&app, &staff);
        async move {
            app.api(
                Method::POST,
                &format!("{HURDAL}/steps/{step}/date"),
                staff,
                body,
            )
            .await
        }
    };
    for (step, date, reason, code, field) in [
        (
            invited,
            "2019-08-01",
            "Feil dato",
            "date_before_previous_step",
            "date",
        ),
        (
            planned,
            "2019-09-10",
            "Feil dato",
            "date_after_next_step",
            "date",
        ),
        (invited, "2099-01-01", "Feil dato", "date_in_future", "date"),
        (invited, "2019-09-05", " ", "required", "reason"),
    ] {
        let (status, problem) = correct(step, date, reason, version).await;
        // Rules on the stored steps and the date are 422; a blank reason is malformed.
        let expected = if code == "required" {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(status, expected, "{problem}");
        assert_eq!(
            (problem["code"].as_str(), problem["field"].as_str()),
            (Some(code), Some(field))
        );
    }
    let (status, d) = correct(
        invited,
        "2019-09-05",
        "Invitasjonen ble sendt senere.",
        version,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        d["stage_date"], "2019-09-05",
        "the last step's date is the dialogue's"
    );
    let after = app.read(HURDAL, &staff).await;
    assert_eq!(after["steps"][1]["step_date"], "2019-09-05");
    assert_eq!(after["steps"][1]["corrected"]["from"], "2019-09-02");
    assert_eq!(
        after["steps"][1]["corrected"]["reason"],
        "Invitasjonen ble sendt senere."
    );
    // A stale version is a conflict; the page shows the correction in the history.
    let (status, _) = correct(invited, "2019-09-04", "Igjen", version).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let page = app.get_as("embete_staff", "/dialogue/dialogues/2").await;
    assert!(page.body.contains("Datoen er rettet fra 2. september 2019"));
    assert!(
        page.body
            .contains("action=\"/dialogue/dialogues/2/correct-date\"")
    );
    // From the page: a refused date keeps the form open with what was typed.
    let version = after["dialogue"]["version"].as_i64().unwrap();
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/correct-date",
            Some(&app.cookie("embete_staff")),
            Some(&format!(
                "version={version}&step={planned}&date=2019-12-01&reason=Feil+planlagt+dato"
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#correct_date\""));
    assert!(r.body.contains("Feil planlagt dato</textarea>"));
    let audit = app
        .get_as("embete_leader", "/admin/audit?action=dialogue.correct_date")
        .await;
    assert!(audit.body.contains("Invitasjonen ble sendt senere."));
}
