//! Nothing typed is lost: the step box on the report page saves the report first.

mod common;

use axum::http::{Method, StatusCode};
use common::*;

/// M3 of the new-user review: text typed into the report and not saved is saved by the
/// step button, not thrown away; a save that is refused keeps the text and takes no step.
#[tokio::test]
async fn the_step_button_saves_what_was_typed_first() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let (url, version, report_version) = drafted(&app, &staff).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let page_url = format!("/dialogue/dialogues/{id}/report");
    let page = app.get_as("embete_leader", &page_url).await;
    let form = &page.body[page.body.find("id=\"report-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains(&format!("formaction=\"{page_url}/step\"")),
        "the step box is part of the report's form"
    );
    let post = |facts: &str, rv: i64| {
        format!(
            "version={rv}&language=nb&facts={facts}&leaders_said=Lederne&youth_said=Ungdommene\
             &advice=R%C3%A5d&child_summary=Vi+snakket+med+ungdomsr%C3%A5det\
             &finding_body_0=Funn&finding_crc_0=12&finding_steps_0=2\
             &stage=report_approved&date=2021-04-02&dialogue_version={version}&report_version={rv}"
        )
    };
    let leader = app.cookie("embete_leader");
    // Someone saved since this page was loaded: nothing is saved or approved, the
    // typed text is on the page.
    let (_, saved) = app
        .api(
            Method::PUT,
            &format!("{url}/report"),
            &staff,
            report("Lagret av en annen.", report_version),
        )
        .await;
    let r = app
        .send(
            Method::POST,
            &format!("{page_url}/step"),
            Some(&leader),
            Some(&post("Skrevet+men+ikke+lagret", report_version)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Skrevet men ikke lagret"));
    // From the saved version, the typed text is saved and then approved.
    let r = app
        .send(
            Method::POST,
            &format!("{page_url}/step"),
            Some(&leader),
            Some(&post(
                "Skrevet+men+ikke+lagret",
                saved["version"].as_i64().unwrap(),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.read(&format!("{url}/report"), &staff).await;
    assert_eq!(stored["facts"], "Skrevet men ikke lagret");
    let (_, d) = app
        .api(Method::GET, &url, &staff, serde_json::json!(null))
        .await;
    assert_eq!(d["dialogue"]["stage"], "report_approved");
}
