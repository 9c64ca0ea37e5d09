//! What every page template gets: language, title, navigation state and the user
//! shown in the header, with helpers for texts, dates and numbers.

use crate::ctx::Ctx;
use crate::error::urlencode;
use crate::i18n::{self, Lang};
use axum::response::Html;
use std::borrow::Borrow;

/// The layout's view of a request.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    /// Which main navigation item is current ("" for none).
    pub nav: &'static str,
    pub user_name: Option<String>,
    pub organisation: Option<String>,
    pub is_admin: bool,
    /// Whether the user works in an embete (and so has dialogue work).
    pub in_embete: bool,
    /// Whether the user is a municipality or district contact.
    pub in_unit: bool,
    /// Whether the user follows every embete's yearly reports (the secretariat).
    pub follows_reports: bool,
    /// Whether the user reads (a part of) the audit log: administrators, embete leaders.
    pub reads_audit: bool,
    pub path: String,
}

/// The stylesheet's URL, with a content hash so browsers can cache it for long.
pub const CSS_URL: &str = concat!("/assets/samla.css?v=", env!("SAMLA_CSS_HASH"));

impl Page {
    pub fn new(ctx: &Ctx, title: &str, nav: &'static str) -> Page {
        Page {
            lang: ctx.lang,
            title: title.to_owned(),
            nav,
            user_name: ctx.actor.as_ref().map(|a| a.name.clone()),
            organisation: ctx.actor.as_ref().map(|a| a.organisation.code.clone()),
            is_admin: ctx.is_admin(),
            in_embete: ctx
                .actor
                .as_ref()
                .is_some_and(|a| samla_domain::access::own_embete(a).is_some()),
            in_unit: ctx
                .actor
                .as_ref()
                .is_some_and(|a| samla_domain::access::unit_work(a).is_ok()),
            follows_reports: ctx
                .actor
                .as_ref()
                .is_some_and(|a| samla_domain::access::follow_reports(a).is_ok()),
            reads_audit: ctx
                .actor
                .as_ref()
                .is_some_and(|a| samla_domain::access::read_audit(a).is_ok()),
            path: ctx.path.clone(),
        }
    }

    pub fn css(&self) -> &'static str {
        CSS_URL
    }

    /// The licence of what samla publishes, and where it is written out.
    pub fn licence(&self) -> (&'static str, &'static str) {
        (
            samla_domain::publication::LICENCE,
            samla_domain::publication::LICENCE_URL,
        )
    }

    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key, &[])
    }

    pub fn t2(&self, key: &str, a: &str, a_value: &str, b: &str, b_value: &str) -> String {
        i18n::text(self.lang, key, &[(a, a_value), (b, b_value)])
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        i18n::text(self.lang, key, &[(name, value)])
    }

    /// `error-…` text for a stable code.
    pub fn error_text(&self, code: &str) -> String {
        self.t(&format!("error-{}", code.replace('_', "-")))
    }

    /// A role's name, from its identifier (`embete_staff`).
    pub fn role(&self, role: &str) -> String {
        self.t(&format!("role-{}", role.replace('_', "-")))
    }

    /// Age bands as text ("13–15, 16–18 år"): identifiers use a hyphen, print uses
    /// the en dash Norwegian typography asks for in ranges.
    pub fn age_bands(&self, bands: &[String]) -> String {
        let list: Vec<String> = bands.iter().map(|b| b.replace('-', "–")).collect();
        format!("{} {}", list.join(", "), self.t("meeting-years"))
    }

    pub fn date(&self, iso: impl AsRef<str>) -> String {
        i18n::format_iso_date(self.lang, iso.as_ref())
    }

    /// An end date, or "still valid" when there is none.
    pub fn until(&self, iso: impl Borrow<Option<String>>) -> String {
        match iso.borrow() {
            Some(d) => self.date(d),
            None => self.t("regions-still-valid"),
        }
    }

    pub fn num(&self, n: impl Borrow<usize>) -> String {
        i18n::format_number(self.lang, *n.borrow() as i64)
    }

    /// The date in Norway of an epoch timestamp, written as dates are.
    pub fn day(&self, epoch: impl Borrow<i64>) -> String {
        self.date(samla_domain::dates::iso_at(*epoch.borrow()))
    }

    pub fn timestamp(&self, epoch: impl Borrow<i64>) -> String {
        i18n::format_timestamp(self.lang, *epoch.borrow())
    }

    pub fn langs(&self) -> [Lang; 3] {
        Lang::ALL
    }

    pub fn is_lang(&self, lang: impl Borrow<Lang>) -> bool {
        *lang.borrow() == self.lang
    }

    /// The link that switches language and comes back to this page.
    pub fn lang_href(&self, lang: impl Borrow<Lang>) -> String {
        format!(
            "/lang/{}?next={}",
            lang.borrow().code(),
            urlencode(&self.path)
        )
    }

    pub fn login_href(&self) -> String {
        if self.path.starts_with("/login") {
            "/login".into()
        } else {
            format!("/login?next={}", urlencode(&self.path))
        }
    }

    pub fn current(&self, nav: &str) -> bool {
        self.nav == nav
    }
}

/// Renders a template into a response.
pub fn render<T: askama::Template>(template: &T) -> Result<Html<String>, crate::error::AppError> {
    Ok(Html(template.render()?))
}

/// The embeter with today's names, for pages that list them.
pub async fn embeter_today(
    state: &crate::AppState,
) -> Result<Vec<samla_domain::regions::Embete>, crate::error::AppError> {
    Ok(samla_db::regions::embeter_on(&state.db, samla_domain::dates::today()).await?)
}

/// An embete's name today, or not found for a code that names none.
pub async fn embete_name(
    state: &crate::AppState,
    code: &str,
) -> Result<String, crate::error::AppError> {
    samla_db::regions::embete_on(&state.db, code, samla_domain::dates::today())
        .await?
        .map(|e| e.name)
        .ok_or(crate::error::AppError::Code(
            samla_domain::ErrorCode::NotFound,
        ))
}
