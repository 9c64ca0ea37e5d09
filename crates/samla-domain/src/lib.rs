//! samla's domain: pure types and rules with no IO.
//!
//! Everything here is deterministic and testable without a database: validated values
//! (dates, municipality numbers, e-mail addresses), the region model, and the access
//! policy that decides who may read or change what. Other crates call into this one;
//! it depends on none of them.

pub mod access;
pub mod assessment;
pub mod assignment;
pub mod coverage;
pub mod dates;
pub mod dialogue;
pub mod document;
pub mod error;
pub mod notification;
pub mod personal_id;
pub mod plan;
pub mod publication;
pub mod regions;
pub mod report;
pub mod schema;
pub mod synthesis;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod workflow;
pub mod yearly_report;

pub use error::{DomainError, ErrorCode};
