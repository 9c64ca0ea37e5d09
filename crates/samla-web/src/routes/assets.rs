//! The stylesheet, built into the binary by build.rs.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/samla.css"));

/// Served with a long cache lifetime: its URL changes when its content does.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
}
