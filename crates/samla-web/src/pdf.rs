//! The web side of PDFs: a [`samla_pdf::Document`] in the reader's language, typeset off the
//! async runtime and answered as a file. Each capability builds its document from the same
//! data its page shows, behind the same access check, so a PDF never shows more than the page.

use crate::error::AppError;
use crate::i18n::{Lang, format_date, text};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samla_pdf::Document;

/// A document issued by `issuer`, dated `date` (today when none).
pub(crate) fn document(
    lang: Lang,
    title: &str,
    issuer: &str,
    date: Option<time::Date>,
) -> Document {
    let mut doc = Document::new(lang.code(), title, issuer);
    doc.date = format_date(lang, date.unwrap_or_else(samla_domain::dates::today));
    doc.page_word = text(lang, "pdf-page", &[]);
    doc.of_word = text(lang, "pdf-of", &[]);
    doc
}

/// The secretariat's name as the issuer of what it writes.
pub(crate) fn secretariat(lang: Lang) -> String {
    text(lang, "pdf-secretariat", &[])
}

/// Typesets `doc` and answers it inline, named `filename` when saved.
pub(crate) async fn file(doc: Document, filename: &str) -> Result<Response, AppError> {
    let pdf = tokio::task::spawn_blocking(move || doc.render())
        .await
        .map_err(|e| AppError::Internal(format!("PDF task: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// The day a stored instant fell on (UTC), to date a document by when it was released.
pub(crate) fn day_of(epoch: i64) -> Option<time::Date> {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .map(|t| t.date())
}
