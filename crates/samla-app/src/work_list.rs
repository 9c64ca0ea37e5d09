//! "Mine oppgaver": what waits for the acting person or their organisation now, with the
//! overdue first and then by deadline. Each capability contributes its tasks through one
//! provider in [`PROVIDERS`], reading the same workflow states and allowed steps as its
//! own pages, so a new capability adds its items with one line there and the page does
//! not change.

use samla_db::{Db, StoreResult};
use samla_domain::access::{self, Actor};
use samla_domain::dates;
use std::future::Future;
use std::pin::Pin;
use time::Date;

/// One thing that waits for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// What to do, as a text key with `{ $subject }` (`task-sign-assignment`, …).
    pub kind: &'static str,
    /// What it is about, as its owner names it ("2020", "Årsrapport 2019", a follow-up item).
    pub subject: String,
    /// Where it is done.
    pub url: String,
    pub due: Option<Date>,
}

impl Task {
    pub fn overdue(&self, today: Date) -> bool {
        self.due.is_some_and(|d| d < today)
    }
}

type Tasks<'a> = Pin<Box<dyn Future<Output = StoreResult<Vec<Task>>> + Send + 'a>>;

/// A capability's contribution: its tasks for the actor.
type Provider = for<'a> fn(&'a Db, &'a Actor) -> Tasks<'a>;

/// Every capability's provider.
const PROVIDERS: [Provider; 4] = [
    |db, actor| Box::pin(assignment_tasks(db, actor)),
    |db, actor| Box::pin(plan_tasks(db, actor)),
    |db, actor| Box::pin(yearly_report_tasks(db, actor)),
    |db, actor| Box::pin(follow_up_tasks(db, actor)),
];

/// Everything that waits for `actor`: overdue first, then by deadline, then the rest.
pub async fn for_actor(db: &Db, actor: &Actor) -> StoreResult<Vec<Task>> {
    let mut tasks = Vec::new();
    for provider in PROVIDERS {
        tasks.extend(provider(db, actor).await?);
    }
    tasks.sort_by(|a, b| {
        (a.due.is_none(), a.due, a.kind, &a.subject).cmp(&(
            b.due.is_none(),
            b.due,
            b.kind,
            &b.subject,
        ))
    });
    Ok(tasks)
}

/// Sections to write and sign-offs to give (directorates), stages to move (the secretariat).
async fn assignment_tasks(db: &Db, actor: &Actor) -> StoreResult<Vec<Task>> {
    use samla_domain::assignment::{Stage, directorate_of};
    let mut tasks = Vec::new();
    if !samla_domain::assignment::may_read_drafts(actor) {
        return Ok(tasks);
    }
    for summary in crate::assignment::list(db, Some(actor)).await? {
        if summary.stage == Stage::Published {
            continue;
        }
        let year = summary.year;
        let opened = crate::assignment::open(db, Some(actor), year).await?;
        let url = format!("/assignments/{year}");
        let task = |kind, url: String| Task {
            kind,
            subject: year.to_string(),
            url,
            due: None,
        };
        if opened.may_sign.is_some() {
            tasks.push(task("task-sign-assignment", url.clone()));
        }
        if let Some(own) = directorate_of(actor)
            && summary.stage == Stage::Drafting
            && opened.may_write(own)
        {
            tasks.push(task(
                "task-write-section",
                format!("/assignments/{year}/sections/{own}"),
            ));
        }
        if !opened.moves.is_empty() {
            tasks.push(task("task-move-assignment", url));
        }
    }
    Ok(tasks)
}

/// A plan changed since its anchoring (or never anchored), for the embete's leaders.
async fn plan_tasks(db: &Db, actor: &Actor) -> StoreResult<Vec<Task>> {
    let Some(embete) = access::own_embete(actor) else {
        return Ok(Vec::new());
    };
    match crate::plan::open(db, Some(actor), embete).await {
        Ok(opened) if opened.may_anchor => Ok(vec![Task {
            kind: "task-anchor-plan",
            subject: String::new(),
            url: format!("/plans/{embete}"),
            due: None,
        }]),
        Ok(_) => Ok(Vec::new()),
        Err(samla_db::StoreError::Domain(e)) if e.code == samla_domain::ErrorCode::NotFound => {
            Ok(Vec::new())
        }
        Err(e) => Err(e),
    }
}

/// Reports to start, write, approve and submit and questions to answer (an embete); reports
/// to assess and release (the secretariat).
async fn yearly_report_tasks(db: &Db, actor: &Actor) -> StoreResult<Vec<Task>> {
    use samla_db::yearly_report::Stage;
    use samla_domain::yearly_report::default_deadline;
    let mut tasks = Vec::new();
    if let Some(embete) = access::own_embete(actor) {
        let own = crate::yearly_report::list(db, actor, None).await?;
        for summary in samla_db::assignment::list(db, None).await? {
            let year = &summary.year;
            if !own.iter().any(|r| r.year == *year && r.period == "year") {
                tasks.push(Task {
                    kind: "task-start-report",
                    subject: year.to_string(),
                    url: "/yearly-reports".into(),
                    due: Some(default_deadline(*year, "year")),
                });
            }
        }
        for r in &own {
            let opened =
                crate::yearly_report::standing(db, actor, embete, r.year, &r.period).await?;
            let url = format!("/yearly-reports/{embete}/{}/{}", r.year, r.period);
            let due = opened.deadlines.iter().map(|(_, d)| *d).min();
            let task = |kind| Task {
                kind,
                subject: r.year.to_string(),
                url: url.clone(),
                due,
            };
            match r.stage {
                Stage::Drafting if opened.may_approve => tasks.push(task("task-approve-report")),
                Stage::Drafting if opened.report.unanswered().next().is_some() => {
                    tasks.push(task("task-write-report"))
                }
                Stage::Approved if opened.may_submit => tasks.push(task("task-submit-report")),
                _ => {}
            }
            if let Some(assessed) = &opened.assessed
                && opened
                    .report
                    .answers
                    .iter()
                    .any(|a| assessed.awaits_reply(a.requirement))
            {
                tasks.push(Task {
                    due: None,
                    ..task("task-answer-question")
                });
            }
        }
    } else if let Ok(follow) = access::follow_reports(actor) {
        let names = samla_db::regions::embeter_on(db, dates::today()).await?;
        for (embete, year, period) in samla_db::assessment::awaiting_release(db, &follow).await? {
            let name = names
                .iter()
                .find(|e| e.code == embete)
                .map_or_else(|| embete.clone(), |e| e.name.clone());
            tasks.push(Task {
                kind: "task-assess-report",
                subject: format!("{year} – {name}"),
                url: format!("/yearly-reports/{embete}/{year}/{period}"),
                due: None,
            });
        }
    }
    Ok(tasks)
}

/// Follow-up items not done: those past their deadline as one task (there can be many),
/// and those due within four weeks one by one (an embete, a unit contact).
async fn follow_up_tasks(db: &Db, actor: &Actor) -> StoreResult<Vec<Task>> {
    if access::own_embete(actor).is_none() && access::unit_work(actor).is_err() {
        return Ok(Vec::new());
    }
    let today = dates::today();
    let horizon = today + time::Duration::days(28);
    let (items, _) = crate::follow_up::items(db, actor).await?;
    let open: Vec<(Date, String)> = items
        .into_iter()
        .filter(|i| i.status != "done")
        .filter_map(|i| {
            let due = dates::parse_date(&i.deadline, "deadline").ok()?;
            Some((due, format!("{}: {}", i.unit_name, i.body)))
        })
        .collect();
    let overdue: Vec<&(Date, String)> = open.iter().filter(|(d, _)| *d < today).collect();
    let mut tasks: Vec<Task> = open
        .iter()
        .filter(|(d, _)| (today..=horizon).contains(d))
        .map(|(due, subject)| Task {
            kind: "task-follow-up",
            subject: subject.clone(),
            url: "/follow-ups".into(),
            due: Some(*due),
        })
        .collect();
    if let Some(earliest) = overdue.iter().map(|(d, _)| *d).min() {
        tasks.push(Task {
            kind: "task-follow-ups-overdue",
            subject: overdue.len().to_string(),
            url: "/follow-ups".into(),
            due: Some(earliest),
        });
    }
    Ok(tasks)
}
