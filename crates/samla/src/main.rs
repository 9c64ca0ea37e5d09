//! The `samla` binary: the web server and the operator's commands.

mod config;
mod demo;
mod server;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::{FileConfig, Settings};
use samla_db::audit::Who;
use samla_db::sessions::Lifetimes;
use samla_db::tokens;
use samla_db::users::{self, CreateUserError, NewUser};
use samla_db::{Db, redact};
// The command line runs with the operator's own authority over the database.
use samla_domain::access::system_authority_for_command_line_and_demo as system_authority;
use samla_web::{AppState, WebConfig};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "samla",
    version,
    about = "samla: the working platform of the 0–24 cooperation"
)]
struct Cli {
    /// Database URL: sqlite://PATH (default sqlite://./data/samla.db) or postgres://…
    #[arg(long, env = "SAMLA_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Optional TOML configuration file (database_url, listen, plain_http, behind_proxy, session_idle_minutes, session_absolute_hours).
    #[arg(long, env = "SAMLA_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "SAMLA_LISTEN")]
        listen: Option<String>,
        /// Fill an empty database with the demo world and print the demo users.
        #[arg(long)]
        demo: bool,
        /// Serve plain HTTP for local use: the session cookie is then neither Secure
        /// nor __Host- prefixed, and no HSTS is sent. Without it samla expects HTTPS in
        /// front. The demo always runs plain HTTP.
        #[arg(long, env = "SAMLA_PLAIN_HTTP", num_args = 0..=1, default_missing_value = "true")]
        plain_http: Option<bool>,
        /// Take the client's address from the last X-Forwarded-For entry (set when a
        /// reverse proxy that appends it is in front; the login throttle counts by it).
        #[arg(long, env = "SAMLA_BEHIND_PROXY")]
        behind_proxy: Option<bool>,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the embedded region reference data (idempotent).
    ImportRegions,
    /// Create a user account. The password is asked for, or read from --password-file.
    CreateUser {
        #[arg(long)]
        email: String,
        /// A role: admin, secretariat, directorate, steering_group, embete_staff, embete_leader, municipality. Repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Organisation code: sekretariatet, hdir, bufdir, nav, imdi, udir, an embete code, or a municipality or district number.
        #[arg(long)]
        organisation: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Write a consistent copy of the SQLite database (safe while the server runs) and
    /// check it. For PostgreSQL use pg_dump.
    Backup {
        /// The backup file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Check a backup and put it in place of the SQLite database (stop the server first).
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Go on although a -wal file says the database may be open.
        #[arg(long)]
        force: bool,
    },
    /// Manage API tokens.
    ApiToken {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for a user and print it (it is shown only once).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "command line")]
        label: String,
        /// Days until the token stops working by itself (1–365).
        #[arg(long, default_value_t = samla_domain::tokens::DEFAULT_DAYS)]
        days: i64,
    },
    /// List tokens (every user's, or one user's): id, user, label, state, dates.
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token by its id (from `list`); it stops working at once.
    Revoke { id: i64 },
}

// A faster allocator for a server that allocates per request (see bench/public.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAMLA_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // One worker per core the process may use (tokio's default reads the CPU affinity
    // and cgroup limits): more workers than cores only adds thread switches.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli))
}

async fn open(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url).await?;
    Ok(db)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let command = cli.command.unwrap_or(Command::Serve {
        listen: None,
        demo: false,
        plain_http: None,
        behind_proxy: None,
    });
    let (listen, plain, proxy) = match &command {
        Command::Serve {
            listen,
            plain_http,
            behind_proxy,
            demo,
        } => (
            listen.clone(),
            if *demo { Some(true) } else { *plain_http },
            *behind_proxy,
        ),
        _ => (None, None, None),
    };
    let settings = Settings::resolve(cli.database_url, listen, plain, proxy, file);
    match command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Backup { to } => {
            let db = open(&settings).await?;
            let summary = samla_db::backup::backup(&db, &to).await?;
            db.close().await;
            println!("backup written to {} and checked: {summary}", to.display());
            Ok(())
        }
        Command::Restore { from, force } => {
            if samla_db::Backend::from_url(&settings.database_url)? != samla_db::Backend::Sqlite {
                anyhow::bail!(
                    "samla restore puts back SQLite backups; for PostgreSQL use pg_restore"
                );
            }
            let summary = samla_db::backup::restore(&from, &settings.database_url, force).await?;
            println!(
                "{} restored to {}: {summary}",
                from.display(),
                redact(&settings.database_url)
            );
            Ok(())
        }
        Command::Migrate => {
            let db = open(&settings).await?;
            let n = samla_db::migrate(&db).await?;
            println!(
                "{n} migration(s) applied to {}",
                redact(&settings.database_url)
            );
            Ok(())
        }
        Command::ImportRegions => {
            let db = open(&settings).await?;
            samla_db::migrate(&db).await?;
            let started = Instant::now();
            let counts =
                samla_db::regions::import(&db, &system_authority(), &Who::system("import-regions"))
                    .await?;
            println!(
                "regions imported in {:.0} ms: {} inserted, {} updated, {} deleted",
                started.elapsed().as_secs_f64() * 1000.0,
                counts.inserted,
                counts.updated,
                counts.deleted
            );
            Ok(())
        }
        Command::CreateUser {
            email,
            roles,
            organisation,
            name,
            password_file,
        } => {
            let db = open(&settings).await?;
            samla_db::migrate(&db).await?;
            let password = read_password(password_file.as_deref())?;
            let input = NewUser {
                email,
                name,
                organisation,
                roles,
                password,
            };
            match users::create_user(
                &db,
                &system_authority().manage_users(),
                &Who::system("create-user"),
                &input,
            )
            .await
            {
                Ok(user) => {
                    println!(
                        "created user {} ({}) in {}",
                        user.email, user.id, user.organisation
                    );
                    Ok(())
                }
                Err(CreateUserError::Invalid(errors)) => {
                    for e in &errors {
                        eprintln!(
                            "error: {}: {}",
                            e.field.unwrap_or("input"),
                            describe(e.code)
                        );
                    }
                    std::process::exit(2);
                }
                Err(CreateUserError::Store(e)) => Err(e.into()),
            }
        }
        Command::ApiToken { command } => {
            let db = open(&settings).await?;
            samla_db::migrate(&db).await?;
            api_token(&db, command).await
        }
    }
}

async fn user_id_of(db: &Db, user: &str) -> anyhow::Result<i64> {
    let email = samla_domain::users::parse_email(user)
        .map_err(|_| anyhow::anyhow!("invalid e-mail address: {user}"))?;
    users::find_user_id(db, &email)
        .await?
        .with_context(|| format!("no user with e-mail {email}"))
}

async fn api_token(db: &Db, command: TokenCommand) -> anyhow::Result<()> {
    let who = Who::system("api-token");
    match command {
        TokenCommand::Create { user, label, days } => {
            let id = user_id_of(db, &user).await?;
            let made = tokens::create_for(db, &system_authority(), &who, id, &label, days)
                .await
                .map_err(|e| match e {
                    samla_db::StoreError::Domain(d) => match d.field {
                        Some("days") => anyhow::anyhow!("--days must be 1–365"),
                        _ => anyhow::anyhow!("--label must be 1–100 characters"),
                    },
                    other => other.into(),
                })?;
            println!("{}", made.secret);
            eprintln!(
                "token {} for {} expires {}; it is shown only this once",
                made.token.id,
                made.token.email,
                samla_domain::dates::iso_at(made.token.expires_at)
            );
        }
        TokenCommand::List { user } => {
            let user_id = match user {
                Some(u) => Some(user_id_of(db, &u).await?),
                None => None,
            };
            let now = samla_db::now();
            println!(
                "{:>6}  {:<30} {:<8} {:<10} {:<10} {:<10} label",
                "id", "user", "state", "created", "expires", "last used"
            );
            for t in tokens::all(db, &system_authority(), user_id).await? {
                println!(
                    "{:>6}  {:<30} {:<8} {:<10} {:<10} {:<10} {}",
                    t.id,
                    t.email,
                    t.state(now).as_str(),
                    samla_domain::dates::iso_at(t.created_at),
                    samla_domain::dates::iso_at(t.expires_at),
                    t.last_used_at
                        .map_or("never".to_owned(), samla_domain::dates::iso_at),
                    t.label
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let t = tokens::revoke_any(db, &system_authority(), &who, id)
                .await
                .map_err(|e| match e {
                    samla_db::StoreError::Domain(_) => anyhow::anyhow!("no token with id {id}"),
                    other => other.into(),
                })?;
            println!("token {} ({}, {}) is revoked", t.id, t.email, t.label);
        }
    }
    Ok(())
}

/// A short English description of an error code for the command line.
fn describe(code: samla_domain::ErrorCode) -> &'static str {
    use samla_domain::ErrorCode::*;
    match code {
        InvalidEmail => "not a valid e-mail address",
        EmailTaken => "a user with this e-mail address already exists",
        PasswordTooShort => "the password must have at least 12 characters",
        PasswordGuessable => {
            "the password is too easy to guess (a common password, or built on the name or e-mail address); try several unrelated words"
        }
        InvalidRole => {
            "unknown role (admin, secretariat, directorate, steering_group, embete_staff, embete_leader, municipality)"
        }
        RoleNotAllowedForOrganisation => "a role does not fit the organisation's kind",
        UnknownOrganisation => {
            "unknown organisation (run `samla import-regions` first, or check the code)"
        }
        NameRequired => "the name must be 1–200 characters",
        _ => code.as_str(),
    }
}

fn read_password(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(
            "Password (at least 12 characters, not easy to guess): ",
        )?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    if settings.session_idle_minutes < 1 || settings.session_absolute_hours < 1 {
        anyhow::bail!(
            "session_idle_minutes and session_absolute_hours must be at least 1 (they are {} and {})",
            settings.session_idle_minutes,
            settings.session_absolute_hours
        );
    }
    let db = open(&settings).await?;
    // SQLite is embedded: migrate on start. PostgreSQL is migrated on start too, under an
    // advisory lock, so that a fresh deployment needs no separate step.
    samla_db::migrate(&db).await?;
    if demo {
        demo::refuse_real_data(&db).await?;
        let counts =
            samla_db::regions::import(&db, &system_authority(), &Who::system("demo")).await?;
        if counts.total() > 0 {
            tracing::info!(
                inserted = counts.inserted,
                updated = counts.updated,
                "regions imported"
            );
        }
        demo::ensure_users(&db).await?;
        let seeded = demo::ensure_dialogues(&db).await?;
        if seeded > 0 {
            tracing::info!(dialogues = seeded, "demo dialogues generated");
        }
        let years = demo::ensure_assignments(&db).await?;
        if years > 0 {
            tracing::info!(years, "demo joint assignments made");
        }
        let plans = demo::ensure_plans(&db).await?;
        if plans > 0 {
            tracing::info!(plans, "demo county plans made");
        }
        let reports = demo::ensure_yearly_reports(&db).await?;
        if reports > 0 {
            tracing::info!(reports, "demo yearly reports made");
        }
    }
    let state = AppState::new(
        db.clone(),
        WebConfig {
            plain_http: settings.plain_http,
            behind_proxy: settings.behind_proxy,
            session: Lifetimes {
                idle: settings.session_idle_minutes * 60,
                absolute: settings.session_absolute_hours * 3600,
            },
            // The demo's fictitious address, unless one is set.
            contact_email: settings
                .contact_email
                .clone()
                .or_else(|| demo.then(|| demo::CONTACT_EMAIL.to_owned()))
                .unwrap_or_default(),
            mail_on: settings.mail.is_some(),
        },
    );
    let housekeeping = tokio::spawn(housekeeping(db.clone(), state.config.session));
    let mail = match &settings.mail {
        Some(config) => {
            let mailer = samla_web::mail::Mailer::new(config)?;
            tracing::info!(smtp = %redact(&config.smtp_url), from = %config.from, "e-mail is on");
            Some(tokio::spawn(samla_web::mail::run(db.clone(), mailer)))
        }
        None => {
            tracing::info!(
                "e-mail is off: no SMTP server is configured (smtp_url or SAMLA_SMTP_URL); \
                 notifications wait in the outbox for a few days and are then dropped"
            );
            None
        }
    };
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        database = %redact(&settings.database_url),
        %addr,
        startup_ms = started.elapsed().as_millis() as u64,
        "samla is listening"
    );
    if demo {
        println!("{}", demo::banner(&format!("http://{addr}/")));
    } else if settings.plain_http {
        println!("samla is listening on http://{addr}/ (plain HTTP, for local use only)");
    } else {
        println!(
            "samla is listening on {addr}; put HTTPS in front: the session cookie is Secure \
             (pass --plain-http to use it without HTTPS on this machine)"
        );
    }
    // The client's address reaches the handlers (the login throttle counts by it).
    server::run(
        listener,
        samla_web::router(state),
        server::Limits::default(),
        shutdown_signal(),
    )
    .await?;
    housekeeping.abort();
    if let Some(mail) = mail {
        mail.abort();
    }
    db.close().await;
    tracing::info!("samla stopped");
    Ok(())
}

/// How often expired sessions, old login counts, kept forms and reset links are removed.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes what has run out, at start and then every [`HOUSEKEEPING_EVERY`]. On
/// PostgreSQL several instances may each do it; the deletes do not conflict.
async fn housekeeping(db: Db, lifetimes: Lifetimes) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match samla_db::maintenance::prune(&db, lifetimes, samla_db::now()).await {
            Ok(pruned) if pruned.total() > 0 => tracing::info!(
                sessions = pruned.sessions,
                login_counts = pruned.login_counts,
                kept_forms = pruned.kept_forms,
                reset_links = pruned.reset_links,
                mail = pruned.mail,
                "housekeeping removed what had run out"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "housekeeping failed; it tries again later"),
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests are finished before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
