//! The yardstick `bench/public.sh` measures samla's public report page against: an axum
//! server on the same SQLite file that answers `/dialogues/{id}` with one query (the
//! report's sections and its findings, joined) and one askama template, and nothing
//! else: no middleware, no session, no language, no headers of its own.
//!
//! Usage: samla-bench-bare DATABASE_FILE ADDRESS

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    unit: String,
    cycle: String,
    facts: String,
    leaders_said: String,
    youth_said: String,
    advice: String,
    child_summary: String,
    findings: Vec<String>,
}

async fn report(State(pool): State<SqlitePool>, Path(id): Path<i64>) -> Response {
    let rows = sqlx::query(
        "SELECT d.unit_name, c.name AS cycle, r.facts, r.leaders_said, r.youth_said, r.advice, \
                r.child_summary, f.body AS finding \
         FROM dialogue d JOIN cycle c ON c.id = d.cycle_id JOIN report r ON r.dialogue_id = d.id \
         LEFT JOIN finding f ON f.dialogue_id = d.id WHERE d.id = $1 ORDER BY f.id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await;
    let rows = match rows {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let text = |name: &str| rows[0].try_get::<String, _>(name).unwrap_or_default();
    let page = ReportPage {
        unit: text("unit_name"),
        cycle: text("cycle"),
        facts: text("facts"),
        leaders_said: text("leaders_said"),
        youth_said: text("youth_said"),
        advice: text("advice"),
        child_summary: text("child_summary"),
        findings: rows
            .iter()
            .filter_map(|r| r.try_get::<Option<String>, _>("finding").ok().flatten())
            .collect(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(address)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: samla-bench-bare DATABASE_FILE ADDRESS");
    };
    // The same runtime as samla: one worker per core it may use (one, in the bench).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let options = SqliteConnectOptions::new().filename(&file).read_only(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let app = Router::new()
            .route("/dialogues/{id}", get(report))
            .with_state(pool);
        let listener = tokio::net::TcpListener::bind(&address).await?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}
