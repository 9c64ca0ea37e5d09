//! The secretariat's assessment of submitted yearly reports: it assesses each answer,
//! asks the embete where it needs to, and releases the assessments to the embete, which
//! then reads them and replies to the questions. Other embeter never see them.

use crate::yearly_report::FormResult;
use samla_db::yearly_report::{self as reports, Report};
use samla_db::{Db, StoreResult, assessment as store};
use samla_domain::access::{self, Actor};
use samla_domain::assessment::{self as domain, AssessmentInput};
use samla_domain::{DomainError, ErrorCode};

/// The submitted report the secretariat assesses; not found for anyone else.
async fn submitted(
    db: &Db,
    actor: &Actor,
    (embete, year, period): (&str, i64, &str),
) -> StoreResult<(access::FollowReports, Report)> {
    let follow = access::follow_reports(actor).map_err(|_| ErrorCode::NotFound)?;
    let period = samla_domain::yearly_report::check_period(period)?;
    let report = reports::submitted(db, &follow, embete, year, period)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok((follow, report))
}

/// The secretariat assesses the answer to `requirement`.
pub async fn assess(
    db: &Db,
    actor: &Actor,
    at: (&str, i64, &str),
    requirement: i64,
    input: &AssessmentInput,
) -> FormResult<()> {
    let (follow, report) = submitted(db, actor, at).await.map_err(Err)?;
    if report.answer(requirement).is_none() {
        return Err(Err(ErrorCode::NotFound.into()));
    }
    let checked = domain::check_assessment(input).map_err(Ok)?;
    store::save(db, actor, &follow, report.id, requirement, &checked)
        .await
        .map_err(Err)
}

/// The secretariat releases the report's assessments to its embete.
pub async fn release(db: &Db, actor: &Actor, at: (&str, i64, &str)) -> StoreResult<()> {
    let (follow, report) = submitted(db, actor, at).await?;
    store::release(db, actor, &follow, report.id).await
}

/// The secretariat reopens a submitted report it has not released an assessment of, with
/// the reason the embete reads; the embete then answers, approves and submits again.
pub async fn reopen(db: &Db, actor: &Actor, at: (&str, i64, &str), reason: &str) -> FormResult<()> {
    let (follow, report) = submitted(db, actor, at).await.map_err(Err)?;
    let reason = samla_domain::dialogue::check_reason(reason).map_err(|e| Ok(vec![e]))?;
    reports::reopen(
        db,
        actor,
        &follow,
        &report.embete,
        report.year,
        &report.period,
        &reason,
    )
    .await
    .map_err(Err)
}

/// The embete replies to a question about the answer to `requirement`.
pub async fn reply(
    db: &Db,
    actor: &Actor,
    (embete, year, period): (&str, i64, &str),
    requirement: i64,
    text: &str,
) -> FormResult<()> {
    let proof = access::embete_work(actor, embete).map_err(|_| Err(ErrorCode::NotFound.into()))?;
    let period = samla_domain::yearly_report::check_period(period).map_err(|e| Err(e.into()))?;
    let report = reports::draft(db, &proof, year, period)
        .await
        .map_err(Err)?
        .ok_or(Err(ErrorCode::NotFound.into()))?;
    let text = domain::check_message(text, "reply").map_err(|e| Ok(vec![e]))?;
    if text.is_empty() {
        return Err(Ok(vec![DomainError::field(ErrorCode::Required, "reply")]));
    }
    store::reply(db, actor, &proof, report.id, requirement, &text)
        .await
        .map_err(Err)
}
