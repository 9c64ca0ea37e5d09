//! The work list's page: overdue first, then by deadline, then what has none.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use samla_app::work_list::{self as use_case, Task};
use time::Date;

#[derive(Template)]
#[template(path = "work_list/list.html")]
struct ListPage {
    page: Page,
    tasks: Vec<Task>,
    today: Date,
}

impl ListPage {
    fn text(&self, task: &Task) -> String {
        self.page.t1(task.kind, "subject", &task.subject)
    }

    fn overdue(&self) -> Vec<&Task> {
        self.tasks
            .iter()
            .filter(|t| t.overdue(self.today))
            .collect()
    }

    fn coming(&self) -> Vec<&Task> {
        self.tasks
            .iter()
            .filter(|t| !t.overdue(self.today))
            .collect()
    }

    fn due(&self, task: &Task) -> String {
        task.due
            .map(|d| self.page.date(samla_domain::dates::iso(d)))
            .unwrap_or_default()
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let title = ctx.t("tasks-title");
    let page = ListPage {
        page: Page::new(&ctx, &title, "tasks"),
        tasks: use_case::for_actor(&state.db, actor).await?,
        today: samla_domain::dates::today(),
    };
    Ok(render(&page)?.into_response())
}
