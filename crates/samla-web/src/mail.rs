//! E-mail: the worker that sends what the outbox holds (`samla_db::outbox`) over SMTP,
//! with the words made from the message's kind and parameters in the interface's texts.
//! The outbox row is written in the transaction of the change; this side only delivers,
//! tries again with growing pauses, and gives up on what fails for good or grows stale.

use crate::i18n::{Lang, text};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use samla_db::Db;
use samla_db::outbox::{self, Message};
use samla_domain::notification;
use serde_json::Value;
use std::time::Duration;

/// Where and as whom mail is sent.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a relay on loopback), `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://host:port` (TLS); user and password may be in the URL.
    pub smtp_url: String,
    /// The sender, such as `samla <ikke-svar@samla.example>`.
    pub from: String,
    /// The site's address as users reach it, for the links in the messages.
    pub site_url: String,
}

/// How often the worker looks for due messages.
pub const POLL_EVERY: Duration = Duration::from_secs(15);

/// How long a claimed message is held for one sender before another may try it.
const LEASE_SECONDS: i64 = 300;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    site_url: String,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| anyhow::anyhow!("invalid SMTP URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid sender address {:?}: {e}", config.from))?;
        Ok(Mailer {
            transport,
            from,
            site_url: config.site_url.trim_end_matches('/').to_owned(),
        })
    }

    async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), Failure> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| Failure::permanent(format!("recipient: {e}")))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| Failure::permanent(e.to_string()))?;
        self.transport.send(email).await.map_err(|e| Failure {
            permanent: e.is_permanent(),
            error: e.to_string(),
        })?;
        Ok(())
    }
}

struct Failure {
    permanent: bool,
    error: String,
}

impl Failure {
    fn permanent(error: String) -> Failure {
        Failure {
            permanent: true,
            error,
        }
    }
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// A message's subject and body, in `lang`, with the link to where the work waits.
pub fn compose(
    lang: Lang,
    message: &Message,
    names: &[(String, String)],
    site_url: &str,
) -> (String, String) {
    let param = |key: &str| match &message.params[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let embete = param("embete");
    let embete_name = names
        .iter()
        .find(|(code, _)| *code == embete)
        .map_or(embete.clone(), |(_, name)| name.clone());
    let report = text(
        lang,
        &format!("yearly-title-{}", param("period")),
        &[("year", &param("year")), ("embete", &embete_name)],
    );
    let deadline = samla_domain::dates::parse_date(&param("deadline"), "deadline")
        .map(|d| crate::i18n::format_date(lang, d))
        .unwrap_or_default();
    let args = [
        ("year", param("year")),
        ("version", param("version")),
        ("embete", embete_name.clone()),
        ("report", report),
        ("requirement", param("requirement")),
        ("deadline", deadline),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = message.kind.replace('_', "-");
    let subject = text(lang, &format!("mail-{key}-subject"), &args);
    let link = format!("{site_url}{}", param("path"));
    let body = format!(
        "{}\n\n{link}\n\n-- \n{}\n",
        text(lang, &format!("mail-{key}-body"), &args),
        text(
            lang,
            "mail-footer",
            &[("url", &format!("{site_url}/account/notifications"))]
        ),
    );
    (subject, body)
}

/// Sends every message that is due now, each claimed first so that two instances never
/// send the same one.
pub async fn deliver_due(db: &Db, mailer: &Mailer) -> Result<Delivered, samla_db::StoreError> {
    let at = samla_db::now();
    let due = outbox::due(db, at, 50).await?;
    if due.is_empty() {
        return Ok(Delivered::default());
    }
    let today = samla_domain::dates::today();
    let names: Vec<(String, String)> = samla_db::regions::embeter_on(db, today)
        .await?
        .into_iter()
        .map(|e| (e.code, e.name))
        .collect();
    let mut delivered = Delivered::default();
    for message in due {
        if !outbox::claim(db, message.id, at, LEASE_SECONDS).await? {
            continue;
        }
        let (subject, body) = compose(Lang::Nb, &message, &names, &mailer.site_url);
        match mailer.send(&message.recipient, &subject, body).await {
            Ok(()) => {
                outbox::mark_sent(db, message.id).await?;
                delivered.sent += 1;
            }
            Err(f) => {
                tracing::warn!(id = message.id, kind = %message.kind, error = %f.error, permanent = f.permanent, "e-mail not sent");
                outbox::mark_failed(db, &message, &f.error, f.permanent).await?;
                delivered.failed += 1;
            }
        }
    }
    Ok(delivered)
}

/// The worker: reminds of deadlines once a day and sends what is due, every [`POLL_EVERY`], until the task is stopped.
pub async fn run(db: Db, mailer: Mailer) {
    let mut every = tokio::time::interval(POLL_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reminded_on = None;
    loop {
        every.tick().await;
        let today = samla_domain::dates::today();
        if reminded_on != Some(today) {
            match samla_db::yearly_report::remind_deadlines(&db, today).await {
                Ok(n) => {
                    reminded_on = Some(today);
                    if n > 0 {
                        tracing::info!(messages = n, "deadline reminders written");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "deadline reminders failed; tried again soon")
                }
            }
        }
        match deliver_due(&db, &mailer).await {
            Ok(d) if d.sent + d.failed > 0 => {
                tracing::info!(sent = d.sent, failed = d.failed, "e-mail delivered")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "e-mail delivery failed; tried again soon"),
        }
    }
}

/// The kinds a person is offered on the preferences page.
pub fn kinds_for(actor: &samla_domain::access::Actor) -> Vec<&'static str> {
    notification::kinds_for(&actor.roles)
}
