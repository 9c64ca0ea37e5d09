//! Yearly reports as their writers and readers meet them: the embete's own staff draft the
//! answers, its leaders approve a version, the embete submits it, and the secretariat
//! reads what was submitted and follows who has reported. Other embeter never see a
//! report. The same functions serve the pages and the API.

use samla_db::dialogue::ReportFilter;
use samla_db::yearly_report::{self as store, Report, Saved, Summary};
use samla_db::{Db, StoreResult};
use samla_domain::access::{self, Actor, EmbeteWork, PublicView};
use samla_domain::dates;
use samla_domain::yearly_report::{self as domain, AnswerInput, Evidence, Reported};
use samla_domain::{DomainError, ErrorCode};
use time::Date;

/// Something an answer points at, named for its reader.
#[derive(Debug, Clone)]
pub struct Named {
    pub id: i64,
    pub name: String,
    /// Where the reader can open it, if they may.
    pub url: Option<String>,
}

/// What answers may point at, or do.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub measures: Vec<Named>,
    pub dialogues: Vec<Named>,
    pub follow_ups: Vec<Named>,
}

impl Sources {
    fn ids(list: &[Named]) -> Vec<i64> {
        list.iter().map(|n| n.id).collect()
    }

    pub fn evidence(&self) -> Evidence {
        Evidence {
            measures: Self::ids(&self.measures),
            dialogues: Self::ids(&self.dialogues),
            follow_ups: Self::ids(&self.follow_ups),
        }
    }
}

/// A report opened for one reader.
#[derive(Debug, Clone)]
pub struct Opened {
    pub report: Report,
    /// The reader works in this embete: reads the current version and may write it until
    /// it is submitted.
    pub writable: bool,
    /// The reader leads the embete and may approve the current version now.
    pub may_approve: bool,
    /// The reader may submit the approved version now.
    pub may_submit: bool,
    /// The names of what the answers point at (and, for the writers, may point at).
    pub sources: Sources,
    /// When each requirement's answer is due.
    pub deadlines: Vec<(i64, Date)>,
    /// The secretariat's assessments and threads: always for the secretariat, for the
    /// embete once they are released, for nobody else.
    pub assessed: Option<samla_db::assessment::Assessed>,
    /// The reader is the secretariat and may assess the submitted answers.
    pub may_assess: bool,
}

impl Opened {
    pub fn deadline(&self, requirement: i64) -> Option<Date> {
        self.deadlines
            .iter()
            .find(|(id, _)| *id == requirement)
            .map(|(_, d)| *d)
    }
}

fn own(actor: &Actor, embete: &str) -> StoreResult<EmbeteWork> {
    access::embete_work(actor, embete).map_err(|_| ErrorCode::NotFound.into())
}

/// The names of an embete's measures, the dialogue reports it published in the period the
/// report covers (from the year's start to the report's deadline) and, for its own people,
/// the follow-up items of those dialogues. Whatever `keep` already points at stays.
async fn sources(db: &Db, report: &Report, proof: Option<&EmbeteWork>) -> StoreResult<Sources> {
    let embete = report.embete.as_str();
    let from = format!("{}-01-01", report.year);
    let to = dates::iso(domain::default_deadline(report.year, &report.period));
    let kept = |id: i64, pick: fn(&samla_domain::yearly_report::Answer) -> &Vec<i64>| {
        report.answers.iter().any(|a| pick(a).contains(&id))
    };
    let plan = match proof {
        Some(p) => samla_db::plan::draft(db, p).await?,
        None => samla_db::plan::anchored(db, embete).await?,
    };
    let measures = plan
        .map(|p| {
            p.of_kind("measure")
                .map(|m| Named {
                    id: m.id,
                    name: m.title.clone(),
                    url: Some(format!("/plans/{embete}#measure-{}", m.id)),
                })
                .collect()
        })
        .unwrap_or_default();
    let filter = ReportFilter {
        embete: Some(embete.to_owned()),
        ..ReportFilter::default()
    };
    let dialogues: Vec<Named> = samla_db::dialogue::published(db, PublicView, &filter)
        .await?
        .into_iter()
        .filter(|d| {
            (from.as_str()..=to.as_str()).contains(&d.published_on.as_str())
                || kept(d.id, |a| &a.dialogues)
        })
        .map(|d| Named {
            id: d.id,
            name: format!("{} ({})", d.unit_name, d.cycle),
            url: Some(d.url),
        })
        .collect();
    let follow_ups = match proof {
        Some(p) => samla_db::follow_up::for_embete(db, p)
            .await?
            .into_iter()
            .filter(|f| {
                dialogues.iter().any(|d| d.id == f.dialogue_id) || kept(f.id, |a| &a.follow_ups)
            })
            .map(|f| Named {
                id: f.id,
                name: format!("{}: {}", f.unit_name, f.body),
                url: None,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Sources {
        measures,
        dialogues,
        follow_ups,
    })
}

/// Opens an embete's report for `actor`: the current version for its own people, the
/// submitted one for the secretariat, and not found for everyone else.
pub async fn open(
    db: &Db,
    actor: &Actor,
    embete: &str,
    year: i64,
    period: &str,
) -> StoreResult<Opened> {
    let mut opened = standing(db, actor, embete, year, period).await?;
    let proof = access::embete_work(actor, embete).ok();
    opened.sources = sources(db, &opened.report, proof.as_ref()).await?;
    Ok(opened)
}

/// Where a report stands for `actor`, as [`open`] reads it but without the names of what
/// its answers may point at (`sources` is empty): what the work list needs.
pub async fn standing(
    db: &Db,
    actor: &Actor,
    embete: &str,
    year: i64,
    period: &str,
) -> StoreResult<Opened> {
    let period = domain::check_period(period)?;
    let proof = access::embete_work(actor, embete).ok();
    let report = match &proof {
        Some(p) => store::draft(db, p, year, period).await?,
        None => match access::follow_reports(actor) {
            Ok(follow) => store::submitted(db, &follow, embete, year, period).await?,
            Err(_) => None,
        },
    };
    let report = report.ok_or(ErrorCode::NotFound)?;
    let follow = access::follow_reports(actor).ok();
    let assessed = match (&proof, &follow) {
        (Some(p), _) => samla_db::assessment::for_embete(db, p, report.id).await?,
        (None, Some(f)) => Some(samla_db::assessment::for_secretariat(db, f, report.id).await?),
        (None, None) => None,
    };
    let writable = proof.is_some() && report.stage != store::Stage::Submitted;
    let leader = access::approve_reports(actor, embete).is_ok();
    let deadlines = report
        .requirements
        .iter()
        .map(|r| (r.id, domain::deadline_of(r, year, period)))
        .collect();
    Ok(Opened {
        may_approve: writable
            && leader
            && report.stage == store::Stage::Drafting
            && report.unanswered().next().is_none(),
        may_submit: writable && report.stage == store::Stage::Approved,
        sources: Sources::default(),
        writable,
        deadlines,
        assessed,
        may_assess: follow.is_some() && proof.is_none(),
        report,
    })
}

/// The embete's staff start its report for a year.
pub async fn create(
    db: &Db,
    actor: &Actor,
    embete: &str,
    year: i64,
    period: &str,
) -> StoreResult<()> {
    let proof = access::embete_work(actor, embete)?;
    store::create(db, actor, &proof, year, period).await
}

/// What was refused: the fields' errors (all at once), or a refusal of the save.
pub type FormResult<T> = Result<T, Result<Vec<DomainError>, samla_db::StoreError>>;

/// Saves the answer to one reporting requirement, written from `base`.
#[allow(clippy::too_many_arguments)]
pub async fn save_answer(
    db: &Db,
    actor: &Actor,
    embete: &str,
    year: i64,
    period: &str,
    requirement: i64,
    input: &AnswerInput,
    base: i64,
) -> FormResult<Saved> {
    let opened = open(db, actor, embete, year, period).await.map_err(Err)?;
    let proof = own(actor, embete).map_err(Err)?;
    if !opened
        .report
        .requirements
        .iter()
        .any(|r| r.id == requirement)
    {
        return Err(Err(ErrorCode::NotFound.into()));
    }
    let answer =
        domain::check_answer(input, requirement, &opened.sources.evidence()).map_err(Ok)?;
    store::save_answer(
        db,
        actor,
        &proof,
        year,
        &opened.report.period,
        &answer,
        base,
    )
    .await
    .map_err(Err)
}

/// The two steps a report takes on its way to the secretariat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An embete leader approves the version they read.
    Approve,
    /// The embete submits the version its leader approved.
    Submit,
}

/// Takes `step` on the report's `version`, the one the actor read.
pub async fn take(
    db: &Db,
    actor: &Actor,
    (embete, year, period): (&str, i64, &str),
    step: Step,
    version: i64,
) -> StoreResult<()> {
    let proof = own(actor, embete)?;
    let period = domain::check_period(period)?;
    match step {
        Step::Approve => {
            let leader = access::approve_reports(actor, embete)
                .map_err(|_| DomainError::field(ErrorCode::LeaderRequired, "version"))?;
            store::approve(db, actor, &proof, &leader, year, period, version).await
        }
        Step::Submit => store::submit(db, actor, &proof, year, period, version).await,
    }
}

/// The reports a reader follows: the embete's own (of `year`, or all), or every embete's
/// of `year` for the secretariat. Nobody else has any.
pub async fn list(db: &Db, actor: &Actor, year: Option<i64>) -> StoreResult<Vec<Summary>> {
    if let Some(y) = year {
        samla_domain::assignment::check_year(y)?;
    }
    if let Some(embete) = access::own_embete(actor) {
        let mut own = store::own(db, &access::embete_work(actor, embete)?).await?;
        own.retain(|r| year.is_none_or(|y| r.year == y));
        return Ok(own);
    }
    let follow = access::follow_reports(actor)?;
    match year {
        Some(y) => store::of_year(db, &follow, y).await,
        None => Ok(Vec::new()),
    }
}

/// One embete's standing on one requirement.
#[derive(Debug, Clone)]
pub struct Standing {
    pub requirement: i64,
    pub deadline: Date,
    pub reported: Reported,
}

/// Who has reported on a year's period: per embete, per requirement.
#[derive(Debug, Clone)]
pub struct Overview {
    pub year: i64,
    pub period: &'static str,
    pub requirements: Vec<samla_domain::assignment::Requirement>,
    /// (embete, its report's stage if it has started one, its standings).
    pub embeter: Vec<(String, Option<store::Stage>, Vec<Standing>)>,
}

impl Overview {
    /// How many answers stand so, over every embete and requirement.
    pub fn count(&self, reported: Reported) -> usize {
        self.embeter
            .iter()
            .flat_map(|(_, _, s)| s)
            .filter(|s| s.reported == reported)
            .count()
    }

    /// How many embeter stand so on one requirement.
    pub fn count_for(&self, requirement: i64, reported: Reported) -> usize {
        self.embeter
            .iter()
            .flat_map(|(_, _, s)| s)
            .filter(|s| s.requirement == requirement && s.reported == reported)
            .count()
    }
}

/// The secretariat's view of who has reported: expected, on time, late, missing.
pub async fn overview(
    db: &Db,
    actor: &Actor,
    year: i64,
    period: &str,
    embeter: &[String],
) -> StoreResult<Overview> {
    let follow = access::follow_reports(actor)?;
    let period = domain::check_period(period)?;
    let all = samla_db::assignment::published_year_requirements(db, year)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let requirements: Vec<_> = domain::answered(&all).into_iter().cloned().collect();
    let reports = store::of_year(db, &follow, year).await?;
    let today = dates::today();
    let rows = embeter
        .iter()
        .map(|embete| {
            let report = reports
                .iter()
                .find(|r| &r.embete == embete && r.period == period);
            let submitted_on = report
                .and_then(|r| r.submitted.as_ref())
                .and_then(|s| dates::parse_date(&dates::iso_at(s.at), "at").ok());
            let standings = requirements
                .iter()
                .map(|r| {
                    let deadline = domain::deadline_of(r, year, period);
                    Standing {
                        requirement: r.id,
                        deadline,
                        reported: Reported::of(deadline, submitted_on, today),
                    }
                })
                .collect();
            (embete.clone(), report.map(|r| r.stage), standings)
        })
        .collect();
    Ok(Overview {
        year,
        period,
        requirements,
        embeter: rows,
    })
}
