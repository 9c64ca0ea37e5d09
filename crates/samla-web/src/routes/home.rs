//! The front page.

use super::pages::{Page, render};
use crate::ctx::Ctx;
use crate::error::AppError;
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
}

pub async fn index(ctx: Ctx) -> Result<Html<String>, AppError> {
    let title = ctx.t("home-title");
    render(&Home {
        page: Page::new(&ctx, &title, "home"),
    })
}
