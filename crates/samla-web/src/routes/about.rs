//! The pages a Norwegian public service must have: the accessibility statement (in the
//! shape the Authority for Universal Design of ICT asks for: every WCAG 2.1 A and AA
//! success criterion, how it is tested, and the known gaps), the privacy statement and
//! the contact page. In bokmål, nynorsk and English, like every page.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use askama::Template;
use axum::extract::State;
use axum::response::Html;

/// When the statement was last reviewed against the code (ISO date).
pub const STATEMENT_DATE: &str = "2026-12-03";

/// Where a criterion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Meets,
    /// Met in part; the page says what is missing.
    Partly,
    /// Nothing on samla's pages that the criterion is about (no audio or video, say).
    NotApplicable,
}

/// How a criterion is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// axe-core in headless Chromium on every page the browser suite opens, in CI.
    Automated,
    /// By hand: keyboard only, 320 px and 400 % zoom, JavaScript off, reading order.
    Manual,
    Both,
}

/// One success criterion: number, level, the W3C's name, status and method.
pub struct Criterion {
    pub number: &'static str,
    pub level: &'static str,
    pub name: &'static str,
    pub status: Status,
    pub method: Method,
}

const fn c(
    number: &'static str,
    level: &'static str,
    name: &'static str,
    status: Status,
    method: Method,
) -> Criterion {
    Criterion {
        number,
        level,
        name,
        status,
        method,
    }
}

use Method::{Automated, Both, Manual};
use Status::{Meets, NotApplicable, Partly};

/// The 50 success criteria of WCAG 2.1 at levels A and AA (W3C Recommendation, 2018,
/// names as the W3C writes them). Norwegian law (forskrift om universell utforming av
/// IKT-løsninger § 4) requires 47 of them; 1.2.3, 1.2.4 and 1.2.5 are the exceptions.
pub const CRITERIA: [Criterion; 50] = [
    c("1.1.1", "A", "Non-text Content", Meets, Both),
    c(
        "1.2.1",
        "A",
        "Audio-only and Video-only (Prerecorded)",
        NotApplicable,
        Manual,
    ),
    c(
        "1.2.2",
        "A",
        "Captions (Prerecorded)",
        NotApplicable,
        Manual,
    ),
    c(
        "1.2.3",
        "A",
        "Audio Description or Media Alternative (Prerecorded)",
        NotApplicable,
        Manual,
    ),
    c("1.2.4", "AA", "Captions (Live)", NotApplicable, Manual),
    c(
        "1.2.5",
        "AA",
        "Audio Description (Prerecorded)",
        NotApplicable,
        Manual,
    ),
    c("1.3.1", "A", "Info and Relationships", Meets, Both),
    c("1.3.2", "A", "Meaningful Sequence", Meets, Manual),
    c("1.3.3", "A", "Sensory Characteristics", Meets, Manual),
    c("1.3.4", "AA", "Orientation", Meets, Manual),
    c("1.3.5", "AA", "Identify Input Purpose", Meets, Both),
    c("1.4.1", "A", "Use of Color", Meets, Both),
    c("1.4.2", "A", "Audio Control", NotApplicable, Manual),
    c("1.4.3", "AA", "Contrast (Minimum)", Meets, Automated),
    c("1.4.4", "AA", "Resize Text", Meets, Manual),
    c("1.4.5", "AA", "Images of Text", Meets, Manual),
    c("1.4.10", "AA", "Reflow", Meets, Both),
    c("1.4.11", "AA", "Non-text Contrast", Meets, Manual),
    c("1.4.12", "AA", "Text Spacing", Meets, Manual),
    c(
        "1.4.13",
        "AA",
        "Content on Hover or Focus",
        NotApplicable,
        Manual,
    ),
    c("2.1.1", "A", "Keyboard", Meets, Manual),
    c("2.1.2", "A", "No Keyboard Trap", Meets, Manual),
    c(
        "2.1.4",
        "A",
        "Character Key Shortcuts",
        NotApplicable,
        Manual,
    ),
    c("2.2.1", "A", "Timing Adjustable", Partly, Manual),
    c("2.2.2", "A", "Pause, Stop, Hide", NotApplicable, Manual),
    c(
        "2.3.1",
        "A",
        "Three Flashes or Below Threshold",
        NotApplicable,
        Manual,
    ),
    c("2.4.1", "A", "Bypass Blocks", Meets, Both),
    c("2.4.2", "A", "Page Titled", Meets, Automated),
    c("2.4.3", "A", "Focus Order", Meets, Manual),
    c("2.4.4", "A", "Link Purpose (In Context)", Meets, Both),
    c("2.4.5", "AA", "Multiple Ways", Meets, Manual),
    c("2.4.6", "AA", "Headings and Labels", Meets, Manual),
    c("2.4.7", "AA", "Focus Visible", Meets, Manual),
    c("2.5.1", "A", "Pointer Gestures", Meets, Manual),
    c("2.5.2", "A", "Pointer Cancellation", Meets, Manual),
    c("2.5.3", "A", "Label in Name", Meets, Both),
    c("2.5.4", "A", "Motion Actuation", NotApplicable, Manual),
    c("3.1.1", "A", "Language of Page", Meets, Automated),
    c("3.1.2", "AA", "Language of Parts", Partly, Manual),
    c("3.2.1", "A", "On Focus", Meets, Manual),
    c("3.2.2", "A", "On Input", Meets, Manual),
    c("3.2.3", "AA", "Consistent Navigation", Meets, Manual),
    c("3.2.4", "AA", "Consistent Identification", Meets, Manual),
    c("3.3.1", "A", "Error Identification", Meets, Both),
    c("3.3.2", "A", "Labels or Instructions", Meets, Both),
    c("3.3.3", "AA", "Error Suggestion", Meets, Manual),
    c(
        "3.3.4",
        "AA",
        "Error Prevention (Legal, Financial, Data)",
        Meets,
        Manual,
    ),
    c("4.1.1", "A", "Parsing", Meets, Automated),
    c("4.1.2", "A", "Name, Role, Value", Meets, Both),
    c("4.1.3", "AA", "Status Messages", Meets, Manual),
];

#[derive(Template)]
#[template(path = "about/accessibility.html")]
struct AccessibilityPage {
    page: Page,
    criteria: &'static [Criterion],
    date: &'static str,
    contact: String,
}

impl AccessibilityPage {
    fn status_key(&self, c: &Criterion) -> &'static str {
        match c.status {
            Meets => "a11y-status-meets",
            Partly => "a11y-status-partly",
            NotApplicable => "a11y-status-na",
        }
    }

    fn method_key(&self, c: &Criterion) -> &'static str {
        match c.method {
            Automated => "a11y-method-automated",
            Manual => "a11y-method-manual",
            Both => "a11y-method-both",
        }
    }

    fn count(&self, status: Status) -> usize {
        self.criteria.iter().filter(|c| c.status == status).count()
    }
}

fn contact(state: &AppState) -> String {
    state.config.contact_email.clone()
}

pub async fn accessibility(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, AppError> {
    let title = ctx.t("a11y-title");
    render(&AccessibilityPage {
        page: Page::new(&ctx, &title, "about"),
        criteria: &CRITERIA,
        date: STATEMENT_DATE,
        contact: contact(&state),
    })
}

#[derive(Template)]
#[template(path = "about/privacy.html")]
struct PrivacyPage {
    page: Page,
    contact: String,
    date: &'static str,
}

pub async fn privacy(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let title = ctx.t("privacy-title");
    render(&PrivacyPage {
        page: Page::new(&ctx, &title, "about"),
        contact: contact(&state),
        date: STATEMENT_DATE,
    })
}

#[derive(Template)]
#[template(path = "about/contact.html")]
struct ContactPage {
    page: Page,
    contact: String,
}

pub async fn contact_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, AppError> {
    let title = ctx.t("contact-title");
    render(&ContactPage {
        page: Page::new(&ctx, &title, "about"),
        contact: contact(&state),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_covers_every_a_and_aa_criterion_once() {
        let mut numbers: Vec<&str> = CRITERIA.iter().map(|c| c.number).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 50);
        assert_eq!(CRITERIA.iter().filter(|c| c.level == "A").count(), 30);
        assert_eq!(CRITERIA.iter().filter(|c| c.level == "AA").count(), 20);
    }
}
