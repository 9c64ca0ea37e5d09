//! The dialogue feature's use cases: plan a cycle, add its units, take a step (the
//! report's steps too), save a meeting or the report, leave publication (withdraw,
//! reopen) and the corrections. Each is for the staff and leaders of the cycle's own
//! embete; another embete's cycles and dialogues are not found.

use crate::who;
use samla_db::dialogue::{self, Cycle, Dialogue, StepRecord};
use samla_db::report::{self, Meeting, MeetingInput, Report, SaveError, Saved};
use samla_db::{Db, StoreError, StoreResult, corrections};
use samla_domain::access::{self, Actor, ApproveReports, EmbeteWork};
use samla_domain::dialogue::{Stage, Unit};
use samla_domain::report::MeetingKind;
use samla_domain::{DomainError, ErrorCode};
use serde::Serialize;
use time::Date;

/// The proof for the actor's own embete's work, or a refusal.
pub fn own_work(actor: &Actor) -> Result<EmbeteWork, DomainError> {
    let embete = access::own_embete(actor).ok_or(DomainError::new(ErrorCode::Forbidden))?;
    access::embete_work(actor, embete)
}

/// A dialogue of the actor's own embete, opened for work: the access check is done,
/// and the use cases on it are its methods. Another embete's dialogue is not found.
pub struct DialogueWork<'a> {
    actor: &'a Actor,
    pub proof: EmbeteWork,
    pub dialogue: Dialogue,
    pub cycle: Cycle,
}

/// A cycle of the actor's own embete, opened for work, like [`DialogueWork`].
pub struct CycleWork<'a> {
    actor: &'a Actor,
    pub proof: EmbeteWork,
    pub cycle: Cycle,
}

impl<'a> DialogueWork<'a> {
    pub async fn open(db: &Db, actor: &'a Actor, id: i64) -> StoreResult<DialogueWork<'a>> {
        let proof = own_work(actor)?;
        let (dialogue, cycle) = dialogue::dialogue(db, &proof, id).await?;
        Ok(DialogueWork {
            actor,
            proof,
            dialogue,
            cycle,
        })
    }

    fn id(&self) -> i64 {
        self.dialogue.id
    }
}

impl<'a> CycleWork<'a> {
    pub async fn open(db: &Db, actor: &'a Actor, id: i64) -> StoreResult<CycleWork<'a>> {
        let proof = own_work(actor)?;
        let cycle = dialogue::cycle(db, &proof, id).await?;
        Ok(CycleWork {
            actor,
            proof,
            cycle,
        })
    }
}

/// A cycle with its dialogues and the units that can still be added: what the cycle's
/// page shows and the API answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CycleDetail {
    pub cycle: Cycle,
    pub dialogues: Vec<Dialogue>,
    pub available: Vec<Unit>,
}

/// A new cycle for the actor's embete: every field error at once, or the cycle.
pub async fn create_cycle(
    db: &Db,
    actor: &Actor,
    name: &str,
    starts_on: &str,
    ends_on: &str,
) -> Result<Cycle, Result<Vec<DomainError>, StoreError>> {
    let proof = own_work(actor).map_err(|e| Err(e.into()))?;
    dialogue::create_cycle(db, &proof, &who(actor), name, starts_on, ends_on).await
}

impl CycleWork<'_> {
    /// The cycle with its dialogues and the units not in it yet.
    pub async fn detail(&self, db: &Db) -> StoreResult<CycleDetail> {
        let dialogues = dialogue::dialogues_in(db, &self.proof, self.cycle.id).await?;
        let start = samla_domain::dates::parse_date(&self.cycle.starts_on, "starts_on")?;
        let available = dialogue::units_on(db, Some(&self.cycle.embete), start)
            .await?
            .into_iter()
            .filter(|u| !dialogues.iter().any(|d| d.unit_number == u.number))
            .collect();
        Ok(CycleDetail {
            cycle: self.cycle.clone(),
            dialogues,
            available,
        })
    }

    /// Adds the units (numbers valid at the cycle's start, or "all") as planned
    /// dialogues; how many were added, and the cycle as it is now.
    pub async fn add_dialogues(
        &self,
        db: &Db,
        units: &[String],
        planned_on: Date,
    ) -> StoreResult<(usize, CycleDetail)> {
        let added = dialogue::add_dialogues(
            db,
            &self.proof,
            &who(self.actor),
            &self.cycle,
            units,
            planned_on,
        )
        .await?;
        Ok((added, self.detail(db).await?))
    }

    /// Renames a cycle none of whose dialogues has gone past planned.
    pub async fn rename(&self, db: &Db, name: &str, reason: &str) -> StoreResult<Cycle> {
        let id = self.cycle.id;
        corrections::rename_cycle(db, &self.proof, &who(self.actor), id, name, reason).await
    }

    /// Deletes a cycle made by mistake, while nothing in it has begun.
    pub async fn delete(&self, db: &Db, reason: &str) -> StoreResult<()> {
        let id = self.cycle.id;
        corrections::delete_cycle(db, &self.proof, &who(self.actor), id, reason).await
    }
}

/// A step as asked for: where to, when, and the versions the actor last read.
#[derive(Debug, Clone)]
pub struct Step {
    pub stage: Stage,
    pub date: Date,
    /// The dialogue's version as last read.
    pub version: i64,
    /// The report's version (and hash) the actor read: approval names what it approves.
    pub report_version: Option<i64>,
    pub report_sha256: Option<String>,
    /// The actor looked at other 11-digit runs and confirms they are no identity numbers.
    pub confirm_eleven_digit_runs: bool,
}

/// A dialogue with its recorded steps and what the actor may do with it now: the steps
/// that may come next, the stage an undo goes back to, the steps whose date they may
/// correct. The page shows these as its forms; the API answers the first four.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DialogueDetail {
    pub dialogue: Dialogue,
    pub cycle: Cycle,
    pub steps: Vec<StepRecord>,
    /// The steps this caller may take now, by the same rule the store applies: approving
    /// a report, and sending an approved or withdrawn report back, are listed for the
    /// embete's leaders only.
    pub next: Vec<Stage>,
    #[serde(skip)]
    pub undo_to: Option<Stage>,
    #[serde(skip)]
    pub correctable: Vec<StepRecord>,
}

/// The stage an undo of the last standing step goes back to, if the actor may undo it.
fn undo_to(steps: &[StepRecord], is_leader: bool) -> Option<Stage> {
    let mut standing = steps.iter().rev().filter(|s| s.undone.is_none());
    let last = standing.next()?;
    let undo = samla_domain::dialogue::undo(standing.next().map(|s| s.stage), last.stage).ok()?;
    (is_leader || !undo.needs_leader).then_some(undo.to)
}

/// The standing steps whose date the actor may correct: not a publication or a
/// withdrawal, and a leader's step only for a leader.
fn correctable(steps: &[StepRecord], is_leader: bool) -> Vec<StepRecord> {
    let standing: Vec<&StepRecord> = steps.iter().filter(|s| s.undone.is_none()).collect();
    standing
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let from = i
                .checked_sub(1)
                .map(|p| standing[p].stage)
                .unwrap_or(Stage::Planned);
            !matches!(s.stage, Stage::Published | Stage::Withdrawn)
                && (is_leader || !samla_domain::dialogue::needs_leader(from, s.stage))
        })
        .map(|(_, s)| (*s).clone())
        .collect()
}

/// Why saving and stepping stopped: at the save (nothing was stepped) or at the step
/// (the save, if there was one, stands).
#[derive(Debug)]
pub enum SaveThenStep {
    Save(SaveError),
    Step(StoreError),
}

impl DialogueWork<'_> {
    /// The dialogue with its steps, and what the actor may do next, by the same rules
    /// the store applies when they do it.
    pub async fn detail(&self, db: &Db) -> StoreResult<DialogueDetail> {
        let steps = dialogue::steps(db, &self.proof, self.id()).await?;
        let is_leader = self.leader().is_some();
        let next = access::allowed_steps(self.actor, &self.cycle.embete, self.dialogue.stage);
        Ok(DialogueDetail {
            undo_to: undo_to(&steps, is_leader),
            correctable: correctable(&steps, is_leader),
            next,
            steps,
            dialogue: self.dialogue.clone(),
            cycle: self.cycle.clone(),
        })
    }

    /// The embete's leaders may approve and publish reports, and undo and correct what
    /// only they may do; for anyone else this is None.
    fn leader(&self) -> Option<ApproveReports> {
        access::approve_reports(self.actor, &self.cycle.embete).ok()
    }

    /// Takes the step. The report's steps (drafted, approved, published) check the
    /// report, and approving is for the embete's leaders.
    pub async fn take_step(&self, db: &Db, step: &Step) -> StoreResult<Dialogue> {
        let (id, who) = (self.id(), who(self.actor));
        if !step.stage.needs_report() {
            return dialogue::take_step(
                db,
                &self.proof,
                &who,
                id,
                step.stage,
                step.date,
                step.version,
            )
            .await;
        }
        report::report_step(
            db,
            &self.proof,
            self.leader().as_ref(),
            &who,
            id,
            step.stage,
            step.date,
            step.version,
            step.report_version,
            step.report_sha256.as_deref(),
            step.confirm_eleven_digit_runs,
        )
        .await
    }

    /// Saves the text the actor typed, if any, and then takes the step on what was just
    /// saved: a step taken from the report's form never throws typed text away, and an
    /// approval names the version that holds it.
    pub async fn save_then_step(
        &self,
        db: &Db,
        typed: Option<Report>,
        mut step: Step,
    ) -> Result<Dialogue, SaveThenStep> {
        if let Some(typed) = typed {
            let saved = self
                .save_report(db, typed)
                .await
                .map_err(SaveThenStep::Save)?;
            step.report_version = Some(saved.report.version);
            step.report_sha256 = None;
        }
        self.take_step(db, &step).await.map_err(SaveThenStep::Step)
    }

    /// Takes a published report down (to `withdrawn`) or reopens it for correction (to
    /// `report_drafted`), with the public reason; for the embete's leaders. The version
    /// the leader read is required, but only someone allowed to act is told so.
    pub async fn leave_published(
        &self,
        db: &Db,
        reason: &str,
        version: Option<i64>,
        to: Stage,
    ) -> StoreResult<Dialogue> {
        let leader = access::approve_reports(self.actor, &self.cycle.embete)?;
        let version = version.ok_or(DomainError::field(ErrorCode::InvalidInput, "version"))?;
        let (id, who) = (self.id(), who(self.actor));
        report::leave_published(db, &self.proof, &leader, &who, id, reason, version, to).await
    }

    /// Undoes the last step, with the reason; what only a leader may do, only a leader
    /// may undo.
    pub async fn undo_step(&self, db: &Db, reason: &str, version: i64) -> StoreResult<Dialogue> {
        let (id, who) = (self.id(), who(self.actor));
        let leader = self.leader();
        corrections::undo_step(db, &self.proof, leader.as_ref(), &who, id, reason, version).await
    }

    /// Corrects a standing step's date, between the steps around it, with the reason.
    pub async fn correct_date(
        &self,
        db: &Db,
        step_id: i64,
        date: Date,
        reason: &str,
        version: i64,
    ) -> StoreResult<Dialogue> {
        let (id, who) = (self.id(), who(self.actor));
        let leader = self.leader();
        corrections::correct_date(
            db,
            &self.proof,
            leader.as_ref(),
            &who,
            id,
            step_id,
            date,
            reason,
            version,
        )
        .await
    }

    /// Removes a unit added by mistake (planned, nothing recorded); the cycle as it is now.
    pub async fn remove(self, db: &Db, reason: &str, version: i64) -> StoreResult<CycleDetail> {
        let (id, who) = (self.id(), who(self.actor));
        let cycle =
            corrections::remove_dialogue(db, &self.proof, &who, id, reason, version).await?;
        CycleWork {
            actor: self.actor,
            proof: self.proof,
            cycle,
        }
        .detail(db)
        .await
    }

    /// Saves a meeting as typed; every field error at once.
    pub async fn save_meeting(
        &self,
        db: &Db,
        kind: MeetingKind,
        input: &MeetingInput,
    ) -> Result<Meeting, SaveError> {
        let (id, who) = (self.id(), who(self.actor));
        report::save_meeting(db, &self.proof, &who, id, kind, input).await
    }

    /// Saves the report as a new version, merged with what others saved since the
    /// version the actor read.
    pub async fn save_report(&self, db: &Db, report: Report) -> Result<Saved, SaveError> {
        let (id, who) = (self.id(), who(self.actor));
        report::save_report(db, &self.proof, &who, id, report).await
    }
}
