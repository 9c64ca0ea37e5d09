//! What operators see of the running server: every request gets an id (taken from a
//! proxy's `X-Request-Id` when it sends a sane one, made otherwise) and a span with its
//! method, route, status and latency, so every log line of a request can be found by
//! its id; and `/metrics` gives request counts and latency histograms per route, the
//! database pool and login refusals in Prometheus' text format.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: &str = "x-request-id";

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    /// Answers by status code.
    statuses: BTreeMap<u16, u64>,
    /// Answers by bucket (the last one past every bound).
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
}

/// Why a login was refused, as counted.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    Credentials,
    Throttled,
    Busy,
}

/// Counters shared by every request.
#[derive(Default)]
pub struct Metrics {
    /// By (method, route).
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    refused_credentials: AtomicU64,
    refused_throttled: AtomicU64,
    refused_busy: AtomicU64,
    next_id: AtomicU64,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = routes
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        *stats.statuses.entry(status).or_default() += 1;
        let bucket = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
    }

    pub fn login_refused(&self, why: Refusal) {
        let counter = match why {
            Refusal::Credentials => &self.refused_credentials,
            Refusal::Throttled => &self.refused_throttled,
            Refusal::Busy => &self.refused_busy,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A request id no other request of this process has: a random start, counted up.
    fn request_id(&self) -> String {
        static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let start = START.get_or_init(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}", start.wrapping_add(n))
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self, pool: (u32, u32, u32)) -> String {
        let mut out = String::new();
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP samla_http_requests_total Requests answered, by method, route and status.\n",
        );
        out.push_str("# TYPE samla_http_requests_total counter\n");
        for ((method, route), stats) in routes.iter() {
            for (status, n) in &stats.statuses {
                let _ = writeln!(
                    out,
                    "samla_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP samla_http_request_duration_seconds Time to answer, by method and route.\n",
        );
        out.push_str("# TYPE samla_http_request_duration_seconds histogram\n");
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (i, n) in stats.buckets.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS.get(i).map_or("+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "samla_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "samla_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.seconds
            );
            let _ = writeln!(
                out,
                "samla_http_request_duration_seconds_count{{{labels}}} {cumulative}"
            );
        }
        drop(routes);
        let (open, idle, max) = pool;
        out.push_str("# HELP samla_db_pool_connections Database connections, by state.\n");
        out.push_str("# TYPE samla_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "samla_db_pool_connections{{state=\"in_use\"}} {}",
            open.saturating_sub(idle)
        );
        let _ = writeln!(out, "samla_db_pool_connections{{state=\"idle\"}} {idle}");
        out.push_str("# HELP samla_db_pool_max_connections The most connections the pool opens.\n");
        out.push_str("# TYPE samla_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "samla_db_pool_max_connections {max}");
        out.push_str("# HELP samla_login_refusals_total Refused logins, by reason.\n");
        out.push_str("# TYPE samla_login_refusals_total counter\n");
        for (reason, counter) in [
            ("invalid_credentials", &self.refused_credentials),
            ("throttled", &self.refused_throttled),
            ("busy", &self.refused_busy),
        ] {
            let _ = writeln!(
                out,
                "samla_login_refusals_total{{reason=\"{reason}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A request id a proxy sent is kept if it is short and plain; anything else is replaced.
fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Middleware: the request's id and span, its answer counted and logged.
pub async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map(str::to_owned)
        .unwrap_or_else(|| state.metrics.request_id());
    // The route template, not the path: `/dialogues/{id}`, so counts do not split per id.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_owned();
    let method = request.method().as_str().to_owned();
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(REQUEST_ID, value);
    }
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %method,
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    let seconds = started.elapsed().as_secs_f64();
    span.record("status", status.as_u16());
    span.record("latency_ms", (seconds * 1000.0 * 10.0).round() / 10.0);
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::error!(target: "samla::request", "answered");
        } else {
            tracing::info!(target: "samla::request", "answered");
        }
    });
    state
        .metrics
        .record(&method, &route, status.as_u16(), seconds);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// `/metrics`: for the machine itself and for administrators. Other clients, a public
/// one through the proxy included, get 404, so the route tells them nothing.
pub async fn metrics(
    State(state): State<AppState>,
    ctx: crate::ctx::Ctx,
    crate::routes::auth::Source(source): crate::routes::auth::Source,
) -> Response {
    let local = source
        .as_deref()
        .and_then(|s| s.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback());
    if !local && !ctx.is_admin() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let body = state.metrics.render(state.db.pool_state());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
