//! Public report pages, rendered once and served many times. A page changes only when
//! its dialogue takes a step (publication, withdrawal, reopening) or its report is
//! published again; the store's marker of the two (`dialogue::public_marker`, one indexed
//! read) is the key's freshness, so a cached page is never stale, also when another
//! instance made the change, and no write needs to know about the cache. Pages for a
//! signed-in user (whose name and menu are in the layout) and pages with a notice are
//! rendered as before and not kept.
//!
//! Answers carry an `ETag` made of the marker, the language and this process's start,
//! and `Last-Modified`; a browser or proxy that sends the ETag back gets 304.

use crate::i18n::Lang;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

/// More pages than this and the cache starts over: a bound on memory, far above the
/// number of published reports.
const MAX_PAGES: usize = 20_000;

struct Entry {
    marker: (i64, i64),
    etag: HeaderValue,
    last_modified: HeaderValue,
    html: Bytes,
}

pub struct PageCache {
    pages: Mutex<HashMap<(i64, Lang), Entry>>,
    /// Part of every ETag: a new build or restart never answers 304 for an old page.
    start: u64,
}

impl Default for PageCache {
    fn default() -> PageCache {
        PageCache {
            pages: Mutex::new(HashMap::new()),
            start: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }
}

fn http_date(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl PageCache {
    fn etag(&self, id: i64, lang: Lang, marker: (i64, i64)) -> HeaderValue {
        let tag = format!(
            "\"r{id}-{}-{}-{}-{:x}\"",
            marker.0,
            marker.1,
            lang.code(),
            self.start
        );
        HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"r\""))
    }

    /// The answer for a page still fresh at `marker`: 304 when the client has it, the
    /// kept page otherwise; `None` when it must be rendered.
    pub fn answer(
        &self,
        id: i64,
        lang: Lang,
        marker: (i64, i64),
        request: &HeaderMap,
    ) -> Option<Response> {
        let etag = self.etag(id, lang, marker);
        if request.get(header::IF_NONE_MATCH).is_some_and(|sent| {
            sent.as_bytes()
                .split(|b| *b == b',')
                .any(|t| t.trim_ascii() == etag.as_bytes())
        }) {
            let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
            let last_modified = pages
                .get(&(id, lang))
                .filter(|e| e.marker == marker)
                .map(|e| e.last_modified.clone());
            drop(pages);
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            headers(response.headers_mut(), etag, last_modified);
            return Some(response);
        }
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let entry = pages.get(&(id, lang)).filter(|e| e.marker == marker)?;
        let (html, etag, last_modified) = (
            entry.html.clone(),
            entry.etag.clone(),
            entry.last_modified.clone(),
        );
        drop(pages);
        Some(page_response(html, etag, Some(last_modified)))
    }

    /// Keeps a page just rendered and answers it.
    pub fn keep(&self, id: i64, lang: Lang, marker: (i64, i64), html: String) -> Response {
        let etag = self.etag(id, lang, marker);
        let last_modified = HeaderValue::from_str(&http_date(SystemTime::now()))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        let html = Bytes::from(html);
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(
            (id, lang),
            Entry {
                marker,
                etag: etag.clone(),
                last_modified: last_modified.clone(),
                html: html.clone(),
            },
        );
        drop(pages);
        page_response(html, etag, Some(last_modified))
    }
}

fn headers(h: &mut HeaderMap, etag: HeaderValue, last_modified: Option<HeaderValue>) {
    h.insert(header::ETAG, etag);
    if let Some(v) = last_modified {
        h.insert(header::LAST_MODIFIED, v);
    }
    // Anyone may keep it, but must ask again before using it: the ETag makes that cheap.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
}

fn page_response(html: Bytes, etag: HeaderValue, last_modified: Option<HeaderValue>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    headers(response.headers_mut(), etag, last_modified);
    response
}

/// Answers computed from many rows (the national coverage), kept while the store's
/// marker of those rows is unchanged, and for at most [`DATA_TTL`] (so that what the
/// marker does not cover, a region import, is seen soon too).
#[derive(Default)]
pub struct DataCache {
    entries: Mutex<HashMap<String, Kept>>,
}

/// An answer, the marker it was computed at, and when.
type Kept = (Vec<i64>, std::time::Instant, Bytes);

pub const DATA_TTL: std::time::Duration = std::time::Duration::from_secs(300);

impl DataCache {
    pub fn get(&self, key: &str, marker: &[i64]) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(m, at, _)| m == marker && at.elapsed() < DATA_TTL)
            .map(|(_, _, body)| body.clone())
    }

    pub fn keep(&self, key: String, marker: Vec<i64>, body: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_PAGES {
            entries.clear();
        }
        entries.insert(key, (marker, std::time::Instant::now(), body));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_are_written_as_rfc_9110_asks() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_777_600);
        assert_eq!(super::http_date(t), "Wed, 03 Dec 2025 16:00:00 GMT");
    }
}
