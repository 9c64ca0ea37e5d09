//! The demo world: regions, organisations and one clearly fictitious user per role.

use samla_db::Db;
use samla_db::audit::Who;
use samla_db::users::{self, CreateUserError, NewUser};

/// The password of every demo user (printed at start-up and in the README).
pub const DEMO_PASSWORD: &str = "samla-demo-2026";

/// (e-mail, name, role, organisation) of the demo users.
pub const DEMO_USERS: [(&str, &str, &str, &str); 7] = [
    (
        "admin@samla.example",
        "Ada Admin (demo)",
        "admin",
        "sekretariatet",
    ),
    (
        "sekretariat@samla.example",
        "Siri Sekretariat (demo)",
        "secretariat",
        "sekretariatet",
    ),
    (
        "direktorat@samla.example",
        "Dag Direktorat (demo)",
        "directorate",
        "bufdir",
    ),
    (
        "styringsgruppe@samla.example",
        "Stine Styringsgruppe (demo)",
        "steering_group",
        "hdir",
    ),
    (
        "saksbehandler@samla.example",
        "Sara Saksbehandler (demo)",
        "embete_staff",
        "oslo-og-viken",
    ),
    (
        "leder@samla.example",
        "Leif Leder (demo)",
        "embete_leader",
        "oslo-og-viken",
    ),
    (
        "kommune@samla.example",
        "Kari Kontakt (demo)",
        "municipality",
        "3242",
    ),
];

/// Creates the demo users that do not exist yet; returns how many were created.
pub async fn ensure_users(db: &Db) -> anyhow::Result<usize> {
    let who = Who::system("demo");
    let mut created = 0;
    for (email, name, role, org) in DEMO_USERS {
        if users::find_user_id(db, email).await?.is_some() {
            continue;
        }
        let input = NewUser {
            email: email.into(),
            name: name.into(),
            organisation: org.into(),
            roles: vec![role.into()],
            password: DEMO_PASSWORD.into(),
        };
        match users::create_user_unchecked(db, &who, &input).await {
            Ok(_) => created += 1,
            Err(CreateUserError::Invalid(errors)) => {
                anyhow::bail!("demo user {email} is invalid: {errors:?}")
            }
            Err(CreateUserError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// The start-up banner that tells where to go and how to log in.
pub fn banner(url: &str) -> String {
    let mut s = format!(
        "\nsamla demo is running: open {url} in your browser.\n\nDemo users (all fictitious), password \"{DEMO_PASSWORD}\":\n"
    );
    for (email, _, role, org) in DEMO_USERS {
        s.push_str(&format!("  {email:<30} {role:<15} {org}\n"));
    }
    s
}
