//! What the public reads of a dialogue: its published report as the public page and the
//! open-data API both show it. One read for both, so they cannot differ in what is public:
//! the version last published (while a correction is drafted, the one before it), the
//! steps that stand up to that publication, the youth meeting's count and ages, and the
//! version before the latest correction for the page's list of what changed. The
//! publication gate is checked again on the way out. Reads take the public marker only.

use samla_db::dialogue::{self, Cycle, Dialogue, StepRecord};
use samla_db::documents::Publication;
use samla_db::report::{self, Meeting};
use samla_db::{Db, StoreResult};
use samla_domain::access::PublicView;
use samla_domain::dialogue::Stage;
use samla_domain::report::{MeetingKind, Report};
use samla_domain::{DomainError, ErrorCode, publication};

/// A dialogue as the public reads it.
pub enum PublicDialogue {
    /// Its published report.
    Published(Box<PublishedDialogue>),
    /// Its report was published and withdrawn.
    Withdrawn(Box<WithdrawnDialogue>),
}

/// A withdrawn report's dialogue: when and why it was withdrawn, which stay public.
pub struct WithdrawnDialogue {
    pub dialogue: Dialogue,
    pub cycle: Cycle,
    pub withdrawn_on: String,
    pub reason: String,
}

/// A published report with what its page shows around it.
pub struct PublishedDialogue {
    pub dialogue: Dialogue,
    pub cycle: Cycle,
    /// The version the public reads.
    pub report: Report,
    /// Every publication, the first one first.
    pub publications: Vec<Publication>,
    /// The steps that stand, up to the publication the public reads.
    pub steps: Vec<StepRecord>,
    pub youth: Option<Meeting>,
    /// The version published before the latest correction, if it was corrected.
    pub before_correction: Option<Report>,
}

impl PublishedDialogue {
    /// When the report was first published.
    pub fn published_on(&self) -> Option<&str> {
        self.publications.first().map(|p| p.published_on.as_str())
    }

    /// The latest correction, if the report was corrected after it was first published.
    pub fn corrected(&self) -> Option<&Publication> {
        self.publications.iter().skip(1).last()
    }
}

/// The public view of dialogue `id`; not found when nothing of it is public.
pub async fn dialogue(db: &Db, id: i64) -> StoreResult<PublicDialogue> {
    let not_found = || DomainError::new(ErrorCode::NotFound);
    let (dialogue, cycle) = dialogue::public_dialogue(db, PublicView, id)
        .await?
        .ok_or_else(not_found)?;
    if dialogue.stage == Stage::Withdrawn
        && let Some((withdrawn_on, reason)) = report::withdrawal(db, PublicView, id).await?
    {
        return Ok(PublicDialogue::Withdrawn(Box::new(WithdrawnDialogue {
            dialogue,
            cycle,
            withdrawn_on,
            reason,
        })));
    }
    let public = report::public_report(db, PublicView, id)
        .await?
        .ok_or_else(not_found)?;
    // Text published before the detector learnt a way of writing a number is withheld
    // rather than shown.
    if !publication::is_clean(&[&cycle, &public.report]) {
        tracing::error!(
            dialogue = id,
            "published report withheld: it fails the publication gate"
        );
        return Err(not_found().into());
    }
    // Undone steps are the embete's own corrections; the public history is what stands,
    // up to the publication the public reads.
    let mut steps = dialogue::public_steps(db, PublicView, id).await?;
    if let Some(last) = steps.iter().rposition(|s| s.stage == Stage::Published) {
        steps.truncate(last + 1);
    }
    let before_correction = match public.publications.iter().rev().nth(1) {
        Some(previous) if public.corrected().is_some() => {
            report::published_version(db, PublicView, id, previous.version).await?
        }
        _ => None,
    };
    let youth = report::public_meeting(db, PublicView, id, MeetingKind::Youth).await?;
    Ok(PublicDialogue::Published(Box::new(PublishedDialogue {
        dialogue,
        cycle,
        report: public.report,
        publications: public.publications,
        steps,
        youth,
        before_correction,
    })))
}
