//! Who may read or change what. This is the one place access is decided.
//!
//! Every decision returns a value, not a boolean: a use case that changes something
//! takes the capability as an argument, and capabilities can only be made here, so a
//! forgotten check does not compile. List queries take their row scope from here too.

use crate::{DomainError, ErrorCode};
use serde::Serialize;

/// A user's role. A user has one or more, each allowed only in some kinds of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Secretariat,
    Directorate,
    SteeringGroup,
    EmbeteStaff,
    EmbeteLeader,
    Municipality,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Secretariat,
        Role::Directorate,
        Role::SteeringGroup,
        Role::EmbeteStaff,
        Role::EmbeteLeader,
        Role::Municipality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat => "secretariat",
            Role::Directorate => "directorate",
            Role::SteeringGroup => "steering_group",
            Role::EmbeteStaff => "embete_staff",
            Role::EmbeteLeader => "embete_leader",
            Role::Municipality => "municipality",
        }
    }

    pub fn parse(s: &str) -> Result<Role, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(DomainError::field(ErrorCode::InvalidRole, "role"))
    }

    /// The kinds of organisation a user with this role can belong to.
    pub fn allowed_in(self, kind: OrgKind) -> bool {
        match self {
            Role::Admin | Role::Secretariat => kind == OrgKind::Secretariat,
            Role::Directorate | Role::SteeringGroup => kind == OrgKind::Directorate,
            Role::EmbeteStaff | Role::EmbeteLeader => kind == OrgKind::Embete,
            Role::Municipality => matches!(kind, OrgKind::Municipality | OrgKind::District),
        }
    }
}

/// The kinds of organisation that have users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Secretariat,
    Directorate,
    Embete,
    Municipality,
    District,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Secretariat => "secretariat",
            OrgKind::Directorate => "directorate",
            OrgKind::Embete => "embete",
            OrgKind::Municipality => "municipality",
            OrgKind::District => "district",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        [
            OrgKind::Secretariat,
            OrgKind::Directorate,
            OrgKind::Embete,
            OrgKind::Municipality,
            OrgKind::District,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The five directorates, by code.
pub const DIRECTORATES: [(&str, &str); 5] = [
    ("hdir", "Helsedirektoratet"),
    ("bufdir", "Barne-, ungdoms- og familiedirektoratet (Bufdir)"),
    ("nav", "Arbeids- og velferdsdirektoratet"),
    ("imdi", "Integrerings- og mangfoldsdirektoratet (IMDi)"),
    ("udir", "Utdanningsdirektoratet (Udir)"),
];

/// The directorates' joint secretariat.
pub const SECRETARIAT: (&str, &str) = ("sekretariatet", "Sekretariatet for 0–24-samarbeidet");

/// An organisation as access decisions see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    pub code: String,
    pub kind: OrgKind,
}

/// The person (or API token) making a request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub organisation: OrgRef,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Proof that the actor may create, change and disable user accounts.
#[derive(Debug)]
pub struct ManageUsers {
    _sealed: (),
}

/// Proof that the actor may read the audit log.
#[derive(Debug)]
pub struct ReadAudit {
    embete: Option<String>,
}

impl ReadAudit {
    /// Whose rows this proof reads: an embete's own work (its cycles and dialogues,
    /// for its leaders), or, for administrators, everything that is nobody's own work
    /// (accounts, organisations, regions).
    pub fn embete(&self) -> Option<&str> {
        self.embete.as_deref()
    }
}

/// Proof that the actor may see an organisation's members and unpublished work.
#[derive(Debug)]
pub struct ViewOrganisation {
    code: String,
}

impl ViewOrganisation {
    pub fn code(&self) -> &str {
        &self.code
    }
}

/// The operator's own authority over the database: the command line (`samla create-user`,
/// `import-regions`, `api-token`) and the demo set-up run with it. It stands in for any
/// actor's proof, so it is named loudly, and a test
/// (`crates/samla/tests/system_authority.rs`) fails if code outside the `samla` binary
/// asks for it.
#[derive(Debug)]
pub struct SystemAuthority {
    _sealed: (),
}

/// The system authority, for the command line and the demo only (see [`SystemAuthority`]).
pub fn system_authority_for_command_line_and_demo() -> SystemAuthority {
    SystemAuthority { _sealed: () }
}

impl SystemAuthority {
    /// Users are created from the command line and by the demo.
    pub fn manage_users(&self) -> ManageUsers {
        ManageUsers { _sealed: () }
    }
}

/// The public's view. Anyone may hold it; store reads that take it see published rows
/// only, so a page that has no proof of embete work can still only ask for those.
#[derive(Debug, Clone, Copy)]
pub struct PublicView;

/// Proof that the actor works in this embete: may plan cycles and run its dialogues,
/// and read their unpublished state. Store reads that take it put its embete in the SQL.
#[derive(Debug)]
pub struct EmbeteWork {
    embete: String,
}

impl EmbeteWork {
    pub fn embete(&self) -> &str {
        &self.embete
    }
}

/// The embete the actor works in, if it is an embete user.
pub fn own_embete(actor: &Actor) -> Option<&str> {
    (actor.organisation.kind == OrgKind::Embete
        && (actor.has(Role::EmbeteStaff) || actor.has(Role::EmbeteLeader)))
    .then_some(actor.organisation.code.as_str())
}

/// An embete's dialogue work is for its own staff and leaders only: unpublished work
/// is never visible outside the embete, not even to administrators.
pub fn embete_work(actor: &Actor, embete: &str) -> Result<EmbeteWork, DomainError> {
    match own_embete(actor) {
        Some(own) if own == embete => Ok(EmbeteWork {
            embete: embete.to_owned(),
        }),
        _ => Err(forbidden()),
    }
}

/// Proof that the actor leads this embete and may approve its reports.
#[derive(Debug)]
pub struct ApproveReports {
    _sealed: (),
}

/// What this actor may do next with one of the embete's dialogues at `stage` (nothing
/// outside their own embete): the answer the pages, the API and the store all use.
pub fn allowed_steps(
    actor: &Actor,
    embete: &str,
    stage: crate::dialogue::Stage,
) -> Vec<crate::dialogue::Stage> {
    if embete_work(actor, embete).is_err() {
        return Vec::new();
    }
    crate::dialogue::allowed_next(stage, approve_reports(actor, embete).is_ok())
}

/// Only an embete's leaders approve (anchor) its reports.
pub fn approve_reports(actor: &Actor, embete: &str) -> Result<ApproveReports, DomainError> {
    if own_embete(actor) == Some(embete) && actor.has(Role::EmbeteLeader) {
        Ok(ApproveReports { _sealed: () })
    } else {
        Err(DomainError::field(ErrorCode::LeaderRequired, "stage"))
    }
}

/// Proof that the actor follows every embete's submitted yearly reports: the secretariat,
/// which assesses them. Drafts stay inside the embete, and no embete reads another's.
#[derive(Debug)]
pub struct FollowReports {
    _sealed: (),
}

pub fn follow_reports(actor: &Actor) -> Result<FollowReports, DomainError> {
    if crate::assignment::is_secretariat(actor) {
        Ok(FollowReports { _sealed: () })
    } else {
        Err(forbidden())
    }
}

/// Proof that the actor is a contact for this municipality or district.
#[derive(Debug)]
pub struct UnitWork {
    unit: String,
}

impl UnitWork {
    /// The unit's number (four digits for a municipality, six for an Oslo district).
    pub fn unit(&self) -> &str {
        &self.unit
    }
}

/// A municipality or district contact works with its own unit's follow-up items.
pub fn unit_work(actor: &Actor) -> Result<UnitWork, DomainError> {
    if actor.has(Role::Municipality)
        && matches!(
            actor.organisation.kind,
            OrgKind::Municipality | OrgKind::District
        )
    {
        Ok(UnitWork {
            unit: actor.organisation.code.clone(),
        })
    } else {
        Err(forbidden())
    }
}

fn forbidden() -> DomainError {
    DomainError::new(ErrorCode::Forbidden)
}

/// Only administrators manage accounts.
pub fn manage_users(actor: &Actor) -> Result<ManageUsers, DomainError> {
    if actor.has(Role::Admin) {
        Ok(ManageUsers { _sealed: () })
    } else {
        Err(forbidden())
    }
}

/// The audit log names people and unpublished changes. An embete's leaders read what
/// was done to their embete's own work; administrators read the rest, and nothing of
/// any embete's unpublished work.
pub fn read_audit(actor: &Actor) -> Result<ReadAudit, DomainError> {
    if actor.has(Role::Admin) {
        Ok(ReadAudit { embete: None })
    } else if let Some(embete) = own_embete(actor).filter(|_| actor.has(Role::EmbeteLeader)) {
        Ok(ReadAudit {
            embete: Some(embete.to_owned()),
        })
    } else {
        Err(forbidden())
    }
}

/// An organisation's inside is for its own members; administrators see every one.
pub fn view_organisation(actor: &Actor, code: &str) -> Result<ViewOrganisation, DomainError> {
    if actor.organisation.code == code || actor.has(Role::Admin) {
        Ok(ViewOrganisation {
            code: code.to_owned(),
        })
    } else {
        Err(forbidden())
    }
}

/// Checks that every role may be held in an organisation of this kind.
pub fn check_roles_for(kind: OrgKind, roles: &[Role]) -> Result<(), DomainError> {
    if roles.is_empty() {
        return Err(DomainError::field(ErrorCode::InvalidRole, "role"));
    }
    if roles.iter().all(|r| r.allowed_in(kind)) {
        Ok(())
    } else {
        Err(DomainError::field(
            ErrorCode::RoleNotAllowedForOrganisation,
            "role",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(org: &str, kind: OrgKind, role: Role) -> Actor {
        Actor {
            user_id: 1,
            email: "a@b.no".into(),
            name: "A".into(),
            organisation: OrgRef {
                code: org.into(),
                kind,
            },
            roles: vec![role],
        }
    }

    #[test]
    fn only_admins_manage_users_and_read_audit() {
        for role in Role::ALL {
            let a = actor("x", OrgKind::Secretariat, role);
            assert_eq!(manage_users(&a).is_ok(), role == Role::Admin);
            assert_eq!(read_audit(&a).is_ok(), role == Role::Admin);
        }
    }

    #[test]
    fn organisations_are_private_to_their_members() {
        let staff = actor("agder", OrgKind::Embete, Role::EmbeteStaff);
        assert!(view_organisation(&staff, "agder").is_ok());
        assert!(view_organisation(&staff, "vestland").is_err());
        let admin = actor("sekretariatet", OrgKind::Secretariat, Role::Admin);
        assert!(view_organisation(&admin, "vestland").is_ok());
    }

    #[test]
    fn dialogue_work_stays_inside_the_embete() {
        let staff = actor("agder", OrgKind::Embete, Role::EmbeteStaff);
        let leader = actor("agder", OrgKind::Embete, Role::EmbeteLeader);
        assert!(embete_work(&staff, "agder").is_ok());
        assert!(embete_work(&leader, "agder").is_ok());
        assert!(embete_work(&staff, "vestland").is_err());
        let admin = actor("sekretariatet", OrgKind::Secretariat, Role::Admin);
        assert!(embete_work(&admin, "agder").is_err());
        let muni = actor("3242", OrgKind::Municipality, Role::Municipality);
        assert!(own_embete(&muni).is_none());
        assert!(approve_reports(&leader, "agder").is_ok());
        assert!(
            approve_reports(&staff, "agder").is_err(),
            "staff draft, leaders approve"
        );
        assert!(approve_reports(&leader, "vestland").is_err());
    }

    #[test]
    fn roles_fit_their_organisations() {
        assert!(check_roles_for(OrgKind::Embete, &[Role::EmbeteLeader]).is_ok());
        assert!(check_roles_for(OrgKind::District, &[Role::Municipality]).is_ok());
        let err = check_roles_for(OrgKind::Municipality, &[Role::EmbeteStaff]).unwrap_err();
        assert_eq!(err.code, ErrorCode::RoleNotAllowedForOrganisation);
        assert!(check_roles_for(OrgKind::Embete, &[]).is_err());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }
}
