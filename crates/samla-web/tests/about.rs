//! The pages a public service must have (new-user review M10, M11), in every language.

mod common;

use common::*;

#[tokio::test]
async fn the_statements_and_the_contact_page_are_there_in_every_language() {
    let app = app().await;
    for (lang, accessibility, privacy, contact) in [
        (
            "nb",
            "Tilgjengelighetserklæring",
            "Ingen personopplysninger om barn",
            "Alarmtelefonen for barn og unge",
        ),
        (
            "nn",
            "Tilgjengeerklæring",
            "Ingen personopplysningar om barn",
            "Alarmtelefonen for barn og unge",
        ),
        (
            "en",
            "Accessibility statement",
            "No personal data about children",
            "Alarmtelefonen for barn og unge",
        ),
    ] {
        let cookie = format!("samla_lang={lang}");
        let get = |path: &'static str| {
            let cookie = cookie.clone();
            let app = &app;
            async move {
                app.send(axum::http::Method::GET, path, Some(&cookie), None)
                    .await
            }
        };
        let a = get("/about/accessibility").await;
        assert!(a.body.contains(accessibility), "{lang}");
        assert_eq!(
            a.body
                .matches("<th scope=\"row\"><span lang=\"en\">")
                .count(),
            50,
            "{lang}: every A and AA criterion"
        );
        assert!(a.body.contains("2.2.1 Timing Adjustable"));
        assert!(a.body.contains("uutilsynet.no"));
        let p = get("/about/privacy").await;
        assert!(p.body.contains(privacy), "{lang}");
        assert!(p.body.contains("datatilsynet.no"));
        let c = get("/about/contact").await;
        assert!(c.body.contains(contact), "{lang}");
        // Every page links to them, and states the licence of what is published.
        for page in [&a, &p, &c] {
            for link in [
                "/about/accessibility",
                "/about/privacy",
                "/about/contact",
                "NLOD 2.0",
            ] {
                assert!(page.body.contains(link), "{lang}: {link}");
            }
        }
    }
}
