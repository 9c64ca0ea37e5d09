//! The use cases of samla, between the web layer and the store. Each one takes the
//! acting person, asks the access policy for the proof it needs (this embete's work, a
//! leader's approval), applies the domain rules and calls the store, which writes and
//! records the audit row in one transaction. Pages and API handlers call the same
//! function, so they cannot differ in who may do what; they only read their input and
//! render the answer. See `docs/designs/0011-use-cases.md`.

pub mod assessment;
pub mod assignment;
pub mod dialogue;
pub mod follow_up;
pub mod plan;
pub mod public;
pub mod search;
pub mod synthesis;
pub mod work_list;
pub mod yearly_report;

use samla_db::audit::Who;
use samla_domain::access::Actor;

/// The acting person as the audit log names them.
pub fn who(actor: &Actor) -> Who {
    Who::user(actor.user_id, &actor.email)
}
