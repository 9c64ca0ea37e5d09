//! The document kernel as the dialogue report uses it: every save is a version with a
//! SHA-256, two editors merge field by field and choose where both changed, an
//! approval names the version and hash it read, and a published report is reopened,
//! corrected and published again while the published version stays public.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{Value, json};

/// Takes report steps as the leader; returns the dialogue's version after them.
async fn steps(app: &App, url: &str, leader: &str, mut version: i64, extra: Value) -> i64 {
    let today = samla_domain::dates::iso(samla_domain::dates::today());
    for stage in ["report_approved", "published"] {
        let mut body = json!({"stage": stage, "date": today, "version": version});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, d) = app
            .api(Method::POST, &format!("{url}/steps"), leader, body)
            .await;
        assert_eq!(status, StatusCode::OK, "{stage}: {d}");
        version = d["version"].as_i64().unwrap();
    }
    version
}

/// A published report, its dialogue's API url and version, and its report.
async fn published(app: &App, staff: &str, leader: &str) -> (String, i64, Value) {
    let (url, version, report_version) = drafted(app, staff).await;
    let version = steps(
        app,
        &url,
        leader,
        version,
        json!({"report_version": report_version}),
    )
    .await;
    let report = app.read(&format!("{url}/report"), staff).await;
    (url, version, report)
}

#[tokio::test]
async fn a_reopened_report_stays_public_until_the_correction_is_published() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, version, report) = published(&app, &staff, &leader).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let public = format!("/dialogues/{id}");
    let first = app.get(&public).await;
    assert_eq!(first.status, StatusCode::OK);
    let old_facts = report["facts"].as_str().unwrap().to_owned();
    assert!(first.body.contains(&old_facts));
    assert!(!first.body.contains("Korrigert"));

    // Staff may not reopen; a leader must give a reason.
    let reopen = format!("{url}/reopen");
    let reason = "Antall deltakere i ungdomsmøtet var feil.";
    let (status, body) = app
        .api(
            Method::POST,
            &reopen,
            &staff,
            json!({"reason": reason, "version": version}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("leader_required"))
    );
    let (status, body) = app
        .api(
            Method::POST,
            &reopen,
            &leader,
            json!({"reason": "", "version": version}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("reason"))
    );
    let (status, d) = app
        .api(
            Method::POST,
            &reopen,
            &leader,
            json!({"reason": reason, "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["stage"], "report_drafted");
    let version = d["version"].as_i64().unwrap();

    // The correction is saved; the public still reads the published version, in every list.
    let mut corrected = report.clone();
    corrected["facts"] = json!("Dialog i 2021 med tolv deltakere.");
    let (status, saved) = app
        .api(Method::PUT, &format!("{url}/report"), &staff, corrected)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let during = app.get(&public).await;
    assert_eq!(during.status, StatusCode::OK);
    assert!(during.body.contains(&old_facts) && !during.body.contains("tolv deltakere"));
    for list in ["/reports", "/reports.csv", "/api/v1/dialogue/reports"] {
        assert!(app.get(list).await.body.contains(&public), "{list}");
    }

    // An approval names the version and hash read: another hash is a conflict.
    let today = samla_domain::dates::iso(samla_domain::dates::today());
    let (status, body) = app
        .api(
            Method::POST,
            &format!("{url}/steps"),
            &leader,
            json!({"stage": "report_approved", "date": today, "version": version,
                   "report_version": saved["version"], "report_sha256": "0".repeat(64)}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("edit_conflict"),
            Some("report_version")
        )
    );
    steps(
        &app,
        &url,
        &leader,
        version,
        json!({"report_version": saved["version"], "report_sha256": saved["sha256"]}),
    )
    .await;

    // Published again: the new text, "Korrigert" with the date and reason, and what changed.
    let after = app.get(&public).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains("tolv deltakere"));
    assert!(after.body.contains("Korrigert"), "{}", after.body);
    assert!(after.body.contains(reason));
    assert!(after.body.contains("<del>") && after.body.contains("<ins>"));
    let (_, dialogue) = app.api(Method::GET, &url, &staff, json!(null)).await;
    let approved = dialogue["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["stage"] == "report_approved")
        .count();
    assert_eq!(approved, 2, "{dialogue}");
}

#[tokio::test]
async fn two_editors_merge_field_by_field_and_a_field_both_changed_is_a_conflict() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, _, _) = drafted(&app, &staff).await;
    let report_url = format!("{url}/report");
    let start = app.read(&report_url, &staff).await;
    let follow_up_id = {
        let mut with_item = start.clone();
        with_item["follow_ups"] = json!([{"body": "Lage en plan", "owner": "Rådmann", "deadline": "2021-12-01", "status": "open"}]);
        let (status, saved) = app.api(Method::PUT, &report_url, &staff, with_item).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        saved["follow_ups"][0]["id"].as_i64().unwrap()
    };
    let base = app.read(&report_url, &staff).await;

    // One changes the facts, the other the advice, both from the same version.
    let mut mine = base.clone();
    mine["facts"] = json!("Fakta fra staben.");
    let (status, _) = app.api(Method::PUT, &report_url, &staff, mine).await;
    assert_eq!(status, StatusCode::OK);
    let mut theirs = base.clone();
    theirs["advice"] = json!("Råd fra lederen.");
    let (status, merged) = app.api(Method::PUT, &report_url, &leader, theirs).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["facts"], "Fakta fra staben.");
    assert_eq!(merged["advice"], "Råd fra lederen.");
    assert_eq!(
        merged["follow_ups"][0]["id"], follow_up_id,
        "a row keeps its id across versions"
    );

    // Both change the facts from the same version: nothing is written.
    let base = merged;
    let mut a = base.clone();
    a["facts"] = json!("Versjon A.");
    assert_eq!(
        app.api(Method::PUT, &report_url, &staff, a).await.0,
        StatusCode::OK
    );
    let mut b = base.clone();
    b["facts"] = json!("Versjon B.");
    b["youth_said"] = json!("Bare B endret dette.");
    let (status, problem) = app.api(Method::PUT, &report_url, &leader, b).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "edit_conflict");
    assert_eq!(problem["conflicts"][0]["section"], "facts");
    assert_eq!(problem["conflicts"][0]["mine"], "Versjon B.");
    assert_eq!(problem["conflicts"][0]["theirs"], "Versjon A.");
    assert_eq!(problem["current"]["facts"], "Versjon A.");
    let now = app.read(&report_url, &staff).await;
    assert_eq!(now["facts"], "Versjon A.");
    assert_ne!(now["youth_said"], "Bare B endret dette.");
}

/// The page form of the same: the merge shows both texts, refuses a save without a
/// choice (keeping everything), and saves the text chosen.
#[tokio::test]
async fn the_merge_page_needs_a_choice_for_each_field_both_changed() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.cookie("embete_leader");
    let (url, _, report_version) = drafted(&app, &staff).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let page_url = format!("/dialogue/dialogues/{id}/report");
    let form = |version: i64, facts: &str, advice: &str| {
        format!(
            "version={version}&language=nb&facts={facts}&leaders_said=Lederne&youth_said=Unge\
             &advice={advice}&child_summary=Kort"
        )
    };
    // Staff saves facts over the API while the leader types in the page.
    let mut mine = app.read(&format!("{url}/report"), &staff).await;
    mine["facts"] = json!("Fakta fra staben.");
    mine["advice"] = json!("Lag en plan for medvirkning.");
    assert_eq!(
        app.api(Method::PUT, &format!("{url}/report"), &staff, mine)
            .await
            .0,
        StatusCode::OK
    );
    let r = app
        .send(
            Method::POST,
            &page_url,
            Some(&leader),
            Some(&form(
                report_version,
                "Lederens+fakta.",
                "Lederens+r%C3%A5d.",
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("name=\"choose_facts\""));
    assert!(r.body.contains("Lederens fakta.") && r.body.contains("Fakta fra staben."));
    let base = r
        .body
        .split("name=\"merge_base\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    // Advice was changed only by the leader, so it is in the editor, not a choice.
    assert!(!r.body.contains("name=\"choose_advice\""));
    let settle = |choice: &str| {
        format!(
            "version={base}&merge_base={base}&language=nb&leaders_said=Lederne&youth_said=Unge\
             &advice=Lederens+r%C3%A5d.&child_summary=Kort&clash=facts&mine_facts=Lederens+fakta.{choice}"
        )
    };
    let r = app
        .send(Method::POST, &page_url, Some(&leader), Some(&settle("")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#choose_facts\""));
    assert!(r.body.contains("Lederens råd."), "what was typed is kept");
    let r = app
        .send(
            Method::POST,
            &page_url,
            Some(&leader),
            Some(&settle("&choose_facts=theirs")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = app.read(&format!("{url}/report"), &staff).await;
    assert_eq!(now["facts"], "Fakta fra staben.");
    assert_eq!(now["advice"], "Lederens råd.");

    // The versions page lists every save and compares two word by word.
    let versions = app
        .get_as("embete_staff", &format!("{page_url}/versions"))
        .await;
    assert_eq!(versions.status, StatusCode::OK);
    assert!(versions.body.contains("<ins>") || versions.body.contains("<del>"));
    assert!(
        versions
            .body
            .contains(&now["sha256"].as_str().unwrap()[..12])
    );
}

/// The page form of reopening: a leader sees it on a published report, and a refused
/// reason is kept.
#[tokio::test]
async fn the_report_page_reopens_a_published_report() {
    let app = app().await;
    let leader = app.cookie("embete_leader");
    let page = app
        .get_as("embete_leader", "/dialogue/dialogues/1/report")
        .await;
    assert!(
        page.body
            .contains("action=\"/dialogue/dialogues/1/reopen\"")
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
            "/dialogue/dialogues/1/reopen",
            Some(&leader),
            Some(&format!("version={version}&reopen_reason=")),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("href=\"#reopen_reason\""));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/1/reopen",
            Some(&leader),
            Some(&format!("version={version}&reopen_reason=Feil+dato")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let editor = app
        .get_as("embete_staff", "/dialogue/dialogues/1/report")
        .await;
    assert!(editor.body.contains("id=\"report-form\""));
    assert!(editor.body.contains("åpnet for korrigering"));
    assert_eq!(app.get("/dialogues/1").await.status, StatusCode::OK);
}

/// Tags are tables: findings link to CRC articles and steps by number, the published
/// reports filter by them, and one report is read whole, with the tags' names.
#[tokio::test]
async fn published_reports_filter_by_tag_and_read_whole() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, version, _) = published(&app, &staff, &leader).await;
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    let listed = |query: &str| {
        let query = query.to_owned();
        let (app, staff) = (&app, &staff);
        async move {
            let (status, list) = app
                .api(
                    Method::GET,
                    &format!("/api/v1/dialogue/reports?{query}"),
                    staff,
                    json!(null),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{list}");
            list.as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    // The common report's finding is tagged with article 12 and step 2.
    assert!(listed("crc_article=12").await.contains(&id));
    assert!(listed("crc_article=12&step=2").await.contains(&id));
    assert!(!listed("crc_article=31").await.contains(&id));
    assert!(!listed("step=4").await.contains(&id));
    let (status, problem) = app
        .api(
            Method::GET,
            "/api/v1/dialogue/reports?crc_article=55",
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str(), problem["field"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("invalid_crc_article"),
            Some("crc_article")
        )
    );
    let page = app.get("/reports?crc_article=12&step=2").await;
    assert!(page.body.contains(&format!("/dialogues/{id}\"")));
    assert!(page.body.contains("12 – Retten til å bli hørt"));

    let (status, whole) = app
        .api(
            Method::GET,
            &format!("/api/v1/dialogue/reports/{id}"),
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    assert_eq!(whole["findings"][0]["crc_articles"][0]["number"], 12);
    assert_eq!(
        whole["findings"][0]["crc_articles"][0]["name_nb"],
        "Retten til å bli hørt"
    );
    assert_eq!(whole["findings"][0]["steps"][0]["name_nb"], "God omsorg");
    assert_eq!(whole["child_summary"], "Vi snakket med ungdomsrådet.");
    assert_eq!(whole["corrected_on"], Value::Null);

    // Withdrawn: 410 with its code; never published: 404.
    let (status, _) = app
        .api(
            Method::POST,
            &format!("{url}/withdraw"),
            &leader,
            json!({"reason": "Feil i teksten.", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = app
        .api(
            Method::GET,
            &format!("/api/v1/dialogue/reports/{id}"),
            &staff,
            json!(null),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::GONE, Some("report_withdrawn"))
    );
    assert!(!listed("crc_article=12").await.contains(&id));
}

/// A report reopened for correction is listed as it was published: the draft's new
/// tags and language are not public until the correction is, in the filters too.
#[tokio::test]
async fn a_reopened_report_is_filtered_and_listed_as_it_was_published() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let (url, version, report) = published(&app, &staff, &leader).await;
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    let listed = |query: &str| {
        let query = query.to_owned();
        let app = &app;
        async move {
            let list: Value = serde_json::from_str(
                &app.get(&format!("/api/v1/dialogue/reports?{query}"))
                    .await
                    .body,
            )
            .unwrap();
            list.as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
                .map(|r| r["language"].as_str().unwrap_or_default().to_owned())
        }
    };
    let language = report["language"].as_str().unwrap().to_owned();
    assert_eq!(
        listed("crc_article=12&step=2").await,
        Some(language.clone())
    );
    let (status, d) = app
        .api(
            Method::POST,
            &format!("{url}/reopen"),
            &leader,
            json!({"reason": "Feil artikkel.", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    // The draft moves the finding to article 31 and step 4, and the report to the other language.
    let mut draft = report.clone();
    draft["findings"][0]["crc_articles"] = json!([31]);
    draft["findings"][0]["steps"] = json!([4]);
    draft["language"] = json!(if language == "nb" { "nn" } else { "nb" });
    let (status, saved) = app
        .api(Method::PUT, &format!("{url}/report"), &staff, draft)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(listed("").await, Some(language.clone()));
    assert_eq!(listed("crc_article=12").await, Some(language.clone()));
    assert_eq!(listed("crc_article=12&step=2").await, Some(language));
    assert_eq!(listed("crc_article=31").await, None);
    assert_eq!(listed("step=4").await, None);
}

/// Point 5 of the kernel: a follow-up item keeps its identity across versions, and what
/// the unit recorded on it (its status, its comments) survives a correction saved by an
/// editor who read the report before the unit's change.
#[tokio::test]
async fn a_follow_up_items_progress_survives_a_correction_of_its_report() {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let unit = app.token("municipality").await;
    let (url, version, report_version) = drafted(&app, &staff).await;
    let mut body = report("Om lag 3 000 innbyggjarar.", report_version);
    body["follow_ups"] = json!([{"body": "Lag en plan for medvirkning.", "owner": "Kommunedirektøren",
        "deadline": "2021-06-30", "status": "open"}]);
    let (status, saved) = app
        .api(Method::PUT, &format!("{url}/report"), &staff, body)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let version = steps(
        &app,
        &url,
        &leader,
        version,
        json!({"report_version": saved["version"]}),
    )
    .await;
    let item = saved["follow_ups"][0]["id"].as_i64().unwrap();
    let (status, updated) = app
        .api(
            Method::POST,
            &format!("/api/v1/follow-ups/{item}"),
            &unit,
            json!({"status": "in_progress", "comment": "Planen er i arbeid."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");

    // Reopened and corrected from the report as it was read before the unit's change.
    let (status, d) = app
        .api(
            Method::POST,
            &format!("{url}/reopen"),
            &leader,
            json!({"reason": "Feil innbyggertall.", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let mut stale = saved.clone();
    stale["facts"] = json!("Om lag 2 900 innbyggjarar.");
    let (status, corrected) = app
        .api(Method::PUT, &format!("{url}/report"), &staff, stale)
        .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["follow_ups"][0]["id"], item);
    assert_eq!(corrected["follow_ups"][0]["status"], "in_progress");
    steps(
        &app,
        &url,
        &leader,
        d["version"].as_i64().unwrap(),
        json!({"report_version": corrected["version"]}),
    )
    .await;

    let items = app.read("/api/v1/follow-ups", &unit).await;
    let kept = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item)
        .unwrap();
    assert_eq!(kept["status"], "in_progress");
    assert_eq!(kept["comments"].as_array().unwrap().len(), 1, "{kept}");
}
