//! Notices a page shows once, right after a change succeeded ("Lagret", "3 enheter lagt
//! til"). The handler that made the change redirects to `Notice::X.on(url)`; the page it
//! lands on reads the query with [`Flash`] and asks for the notices it shows. One type
//! names them all, so the redirect and the page cannot disagree about a notice's name, and
//! a notice carries its text key and its one argument with it. Nothing is stored: a notice
//! lives in the URL it was redirected to (Post/Redirect/Get), and says only what the user
//! just did.

use crate::ctx::Ctx;
use crate::error::urlencode;
use std::collections::HashMap;

/// Every notice, with the query parameter that carries it and the text it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Units were added to a cycle; carries how many.
    CycleAdded,
    CycleRenamed,
    CycleDeleted,
    UnitRemoved,
    StepSaved,
    StepUndone,
    DateCorrected,
    MeetingSaved,
    ReportSaved,
    /// The save took in what another editor changed meanwhile.
    ReportMerged,
    /// A step taken from the report page.
    ReportStep,
    ReportPublished,
    FollowUpSaved,
    /// A user was created; carries the e-mail address.
    UserCreated,
    /// A user was disabled or enabled; carries the e-mail address.
    UserChanged,
    /// One of the user's own API tokens was revoked; carries its label.
    TokenRevoked,
    /// The user changed their own password.
    PasswordChanged,
    /// The user saved which e-mails they want.
    NotificationsSaved,
    AssignmentCreated,
    /// A section of the joint assignment was saved.
    SectionSaved,
    /// A section was saved after sign-offs, which it voided; carries how many.
    SectionSavedVoided,
    /// A directorate signed the assignment.
    SignedOff,
    /// The assignment moved to another stage.
    StageMoved,
    PlanCreated,
    PlanSaved,
    /// A plan was saved after it was anchored: the anchored version stays public.
    PlanSavedAfterAnchoring,
    PlanAnchored,
    YearlyReportCreated,
    AnswerSaved,
    /// An answer was saved after the leader approved the report: the approval is void.
    AnswerSavedVoided,
    YearlyReportApproved,
    YearlyReportSubmitted,
    /// The secretariat reopened a submitted report.
    YearlyReportReopened,
    AssessmentSaved,
    AssessmentReleased,
    ReplySent,
    SynthesisCreated,
    SynthesisSaved,
    SynthesisReleased,
    SynthesisPublished,
}

impl Notice {
    /// The query parameter, the text key, and the name of the argument the text takes.
    fn parts(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            Notice::CycleAdded => ("added", "cycle-added", Some("count")),
            Notice::CycleRenamed => ("renamed", "cycle-renamed", None),
            Notice::CycleDeleted => ("deleted", "cycle-deleted", None),
            Notice::UnitRemoved => ("removed", "dialogue-removed", None),
            Notice::StepSaved => ("saved", "dialogue-step-saved", None),
            Notice::StepUndone => ("undone", "dialogue-step-undone", None),
            Notice::DateCorrected => ("corrected", "dialogue-date-corrected", None),
            Notice::MeetingSaved => ("saved", "meeting-saved", None),
            Notice::ReportSaved => ("saved", "report-saved", None),
            Notice::ReportMerged => ("merged", "report-saved-merged", None),
            Notice::ReportStep => ("step", "dialogue-step-saved", None),
            Notice::ReportPublished => ("published", "public-just-published", None),
            Notice::FollowUpSaved => ("saved", "follow-ups-saved", None),
            Notice::UserCreated => ("created", "admin-user-created", Some("email")),
            Notice::UserChanged => ("changed", "admin-user-changed", Some("email")),
            Notice::TokenRevoked => ("revoked", "token-revoked", Some("label")),
            Notice::PasswordChanged => ("changed", "password-changed", None),
            Notice::NotificationsSaved => ("saved", "notifications-saved", None),
            Notice::AssignmentCreated => ("created", "assignment-created", None),
            Notice::SectionSaved => ("saved", "assignment-section-saved", None),
            Notice::SectionSavedVoided => {
                ("voided", "assignment-section-saved-voided", Some("count"))
            }
            Notice::SignedOff => ("signed", "assignment-signed-off", None),
            Notice::StageMoved => ("moved", "assignment-stage-moved", None),
            Notice::PlanCreated => ("created", "plan-created", None),
            Notice::PlanSaved => ("saved", "plan-saved", None),
            Notice::PlanSavedAfterAnchoring => ("changed", "plan-saved-after-anchoring", None),
            Notice::PlanAnchored => ("anchored", "plan-anchored", None),
            Notice::YearlyReportCreated => ("created", "yearly-created", None),
            Notice::AnswerSaved => ("saved", "yearly-answer-saved", None),
            Notice::AnswerSavedVoided => ("voided", "yearly-answer-saved-voided", None),
            Notice::YearlyReportApproved => ("approved", "yearly-approved", None),
            Notice::YearlyReportSubmitted => ("submitted", "yearly-submitted", None),
            Notice::YearlyReportReopened => ("reopened", "yearly-reopened", None),
            Notice::AssessmentSaved => ("assessed", "assessment-saved", None),
            Notice::AssessmentReleased => ("released", "assessment-released", None),
            Notice::ReplySent => ("replied", "assessment-reply-sent", None),
            Notice::SynthesisCreated => ("created", "synthesis-created", None),
            Notice::SynthesisSaved => ("saved", "synthesis-saved", None),
            Notice::SynthesisReleased => ("released", "synthesis-released", None),
            Notice::SynthesisPublished => ("published", "synthesis-published", None),
        }
    }

    /// `url` with this notice.
    pub fn on(self, url: &str) -> String {
        self.with(url, "1")
    }

    /// `url` with this notice and its argument (a count, an e-mail address).
    pub fn with(self, url: &str, value: &str) -> String {
        let (param, _, _) = self.parts();
        format!("{url}?{param}={}", urlencode(value))
    }
}

/// The query of a page that may show a notice.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Flash(HashMap<String, String>);

impl Flash {
    /// The text of the first of `shown` the query carries, in the reader's language.
    pub fn text(&self, ctx: &Ctx, shown: &[Notice]) -> Option<String> {
        shown.iter().find_map(|notice| {
            let (param, key, arg) = notice.parts();
            let value = self.0.get(param)?;
            Some(match arg {
                // A count that is not a number is not this notice.
                Some("count") => {
                    let n: usize = value.parse().ok()?;
                    crate::i18n::text(ctx.lang, key, &[("count", &n.to_string())])
                }
                Some(name) => crate::i18n::text(ctx.lang, key, &[(name, value)]),
                None => ctx.t(key),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Notice;

    #[test]
    fn a_notice_is_carried_in_the_url() {
        assert_eq!(
            Notice::ReportSaved.on("/dialogue/dialogues/1/report"),
            "/dialogue/dialogues/1/report?saved=1"
        );
        assert_eq!(
            Notice::UserCreated.with("/admin/users", "a+b@example.no"),
            format!(
                "/admin/users?created={}",
                crate::error::urlencode("a+b@example.no")
            )
        );
    }
}
