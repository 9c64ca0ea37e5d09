//! Lists come in pages (reliability review, finding 6: one call returned 40,000 cycles,
//! 5.9 MB). The API keeps answering a JSON array, so existing clients go on working, and
//! says where the rest is the way RFC 8288 and most APIs do: `Link` with `next`, `prev`,
//! `first` and `last`, and the whole count in `X-Total-Count`. Pages take `?page=` and,
//! in the API, `?per_page=`.

use crate::error::AppError;
use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use samla_domain::schema::{PAGE_MAX, PER_PAGE_DEFAULT, PER_PAGE_MAX};
use samla_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

/// `?page=&per_page=` as sent.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::page_number)]
    page: String,
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::per_page)]
    per_page: String,
}

/// A page of a list: which, and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl PageQuery {
    pub fn paging(&self) -> Result<Paging, AppError> {
        let page = match self.page.trim() {
            "" => 1,
            s => s
                .parse::<usize>()
                .ok()
                .filter(|p| (1..=PAGE_MAX as usize).contains(p))
                .ok_or(DomainError::field(ErrorCode::InvalidInput, "page"))?,
        };
        let per_page = match self.per_page.trim() {
            "" => PER_PAGE_DEFAULT as usize,
            s => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=PER_PAGE_MAX as usize).contains(n))
                .ok_or(DomainError::field(ErrorCode::InvalidNumber, "per_page"))?,
        };
        Ok(Paging { page, per_page })
    }
}

impl Paging {
    pub fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The number of pages `total` items fill (at least one, empty as it may be).
    pub fn pages(&self, total: usize) -> usize {
        total.div_ceil(self.per_page).max(1)
    }

    /// This page of a list read whole.
    pub fn slice<T>(&self, all: Vec<T>) -> Vec<T> {
        all.into_iter()
            .skip(self.offset())
            .take(self.per_page)
            .collect()
    }

    /// `uri` with its `page` set to `page`, the rest of the query as it was.
    pub fn href(uri: &Uri, page: usize) -> String {
        let kept: Vec<&str> = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("page="))
            .collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        format!("{}?{query}page={page}", uri.path())
    }

    /// The JSON array of this page, with `Link` and `X-Total-Count`.
    pub fn answer<T: Serialize>(&self, uri: &Uri, total: usize, items: Vec<T>) -> Response {
        let last = self.pages(total);
        let mut links = vec![
            format!("<{}>; rel=\"first\"", Self::href(uri, 1)),
            format!("<{}>; rel=\"last\"", Self::href(uri, last)),
        ];
        if self.page < last {
            links.push(format!(
                "<{}>; rel=\"next\"",
                Self::href(uri, self.page + 1)
            ));
        }
        if self.page > 1 {
            links.push(format!(
                "<{}>; rel=\"prev\"",
                Self::href(uri, (self.page - 1).min(last))
            ));
        }
        let mut response = Json(items).into_response();
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&links.join(", ")) {
            headers.insert(header::LINK, v);
        }
        headers.insert("x-total-count", HeaderValue::from(total));
        response
    }
}

/// What a page's list shows under it: where this page is and links to its neighbours.
pub struct PageNav {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl PageNav {
    pub fn new(paging: Paging, uri: &Uri, total: usize) -> PageNav {
        let pages = paging.pages(total);
        PageNav {
            page: paging.page,
            pages,
            total,
            prev: (paging.page > 1).then(|| Paging::href(uri, (paging.page - 1).min(pages))),
            next: (paging.page < pages).then(|| Paging::href(uri, paging.page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_and_linked_with_the_query_kept() {
        let q = PageQuery {
            page: "2".into(),
            per_page: "10".into(),
        };
        let p = q.paging().unwrap();
        assert_eq!((p.offset(), p.pages(25), p.pages(0)), (10, 3, 1));
        assert_eq!(
            p.slice((0..25).collect::<Vec<_>>()),
            (10..20).collect::<Vec<_>>()
        );
        let uri: Uri = "/api/v1/x?embete=agder&page=2&per_page=10".parse().unwrap();
        assert_eq!(
            Paging::href(&uri, 3),
            "/api/v1/x?embete=agder&per_page=10&page=3"
        );
        for (page, per_page) in [
            ("0", ""),
            ("x", ""),
            ("1000001", ""),
            ("9223372036854775808", ""),
            ("", "501"),
            ("", "0"),
        ] {
            let q = PageQuery {
                page: page.into(),
                per_page: per_page.into(),
            };
            assert!(q.paging().is_err(), "{page} {per_page}");
        }
    }
}
