//! The interface language on a first visit and after a choice.

mod common;

use axum::http::header;
use common::*;

async fn home(app: &App, headers: &[(header::HeaderName, &str)]) -> String {
    app.get_with("/", headers).await.body
}

#[tokio::test]
async fn a_browser_that_asks_for_nynorsk_gets_it_until_a_choice_is_made() {
    let app = app().await;
    assert!(home(&app, &[]).await.contains("<html lang=\"nb\""));
    let nn = [(header::ACCEPT_LANGUAGE, "nn-NO,nn;q=0.9,nb;q=0.8")];
    assert!(home(&app, &nn).await.contains("<html lang=\"nn\""));
    // An English browser still gets bokmål: English is chosen, not guessed.
    let en = [(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")];
    assert!(home(&app, &en).await.contains("<html lang=\"nb\""));
    // The choice in the cookie wins over the browser.
    let chosen = [
        (header::ACCEPT_LANGUAGE, "nn"),
        (header::COOKIE, "samla_lang=en"),
    ];
    assert!(home(&app, &chosen).await.contains("<html lang=\"en\""));
}
