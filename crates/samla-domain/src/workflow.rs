//! The workflow kernel's rules: an item's stages and the transitions between them, each
//! with who may take it and how. A feature declares its table once; what may come next,
//! who may do it and what needs a reason are read from it by the pages, the API and the
//! store alike. The steps themselves are kept in one table for every kind of item
//! (`samla_db::workflow`).

/// Who may take a transition, within the organisation that owns the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Any of its staff and leaders.
    Member,
    /// Its leaders only.
    Leader,
}

/// How a transition is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// As an ordinary dated step.
    Step,
    /// As its own action, with a reason that is kept (and public where the item is).
    WithReason,
}

/// One allowed move from a stage to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition<S> {
    pub from: S,
    pub to: S,
    pub by: By,
    pub how: How,
}

/// The ordinary steps that may follow `from`, for a leader or not.
pub fn next<S: Copy + Eq>(table: &[Transition<S>], from: S, is_leader: bool) -> Vec<S> {
    table
        .iter()
        .filter(|t| t.from == from && t.how == How::Step && (is_leader || t.by == By::Member))
        .map(|t| t.to)
        .collect()
}

/// The transition from `from` to `to`, if there is one.
pub fn find<S: Copy + Eq>(table: &[Transition<S>], from: S, to: S) -> Option<Transition<S>> {
    table.iter().find(|t| t.from == from && t.to == to).copied()
}
