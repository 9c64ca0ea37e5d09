//! E-mail as its readers get it: changes write messages to the outbox in their own
//! transaction, the worker sends them through a real SMTP server on loopback (aiosmtpd,
//! `smtp_sink.py`), people say no to kinds they do not want, and failures are tried again.

use axum::http::StatusCode;
use common::*;
use samla_db::outbox;
use samla_web::mail::{Delivered, MailConfig, Mailer, deliver_due};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

mod common;

/// The SMTP server for one test; stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    out: std::path::PathBuf,
}

impl Sink {
    /// Starts the server, or answers `None` where aiosmtpd is not installed (on CI it
    /// must be: the test fails instead).
    fn start() -> Option<Sink> {
        let have = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var("CI").is_err(),
                "aiosmtpd is required on CI (pip install aiosmtpd)"
            );
            eprintln!("skipped: aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out =
            std::env::temp_dir().join(format!("samla-mail-{}-{port}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&out);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .args([script, &port.to_string(), out.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP sink starts");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready.trim(), "ready");
        Some(Sink { child, port, out })
    }

    fn mailer(&self) -> Mailer {
        mailer_at(self.port)
    }

    /// What arrived so far, one JSON object per message.
    fn arrived(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.out);
    }
}

fn mailer_at(port: u16) -> Mailer {
    Mailer::new(&MailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "samla <ikke-svar@samla.test>".into(),
        site_url: "https://samla.test/".into(),
    })
    .unwrap()
}

fn to_of(message: &Value) -> &str {
    message["to"][0].as_str().unwrap()
}

#[tokio::test]
async fn what_lands_in_a_work_list_arrives_by_e_mail_to_those_who_want_it() {
    let Some(sink) = Sink::start() else { return };
    let app = app().await;
    let mailer = sink.mailer();

    // The staff member says no to assessments; the leader keeps every kind.
    let staff = app.cookie("embete_staff");
    let page = app.get_as("embete_staff", "/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"assessment_released\" checked"));
    assert!(
        page.body.contains("E-post er slått av"),
        "no SMTP server in this app"
    );
    assert!(
        !page.body.contains("report_submitted"),
        "not a staff member's kind"
    );
    let r = post(
        &app,
        &staff,
        "/account/notifications",
        &[("kind", "deadline_soon")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get_as("embete_staff", "/account/notifications").await;
    assert!(
        page.body.contains("value=\"assessment_released\">"),
        "{}",
        page.body
    );

    // Publishing sends the directorates the sign-off request; submitting tells the
    // secretariat. Nothing leaves before the worker runs.
    let ids = submitted(&app).await;
    assert!(sink.arrived().is_empty());
    let delivered = deliver_due(&app.db, &mailer).await.unwrap();
    assert_eq!(delivered, Delivered { sent: 2, failed: 0 });
    let arrived = sink.arrived();
    let sign_off = arrived
        .iter()
        .find(|m| to_of(m) == "directorate@test.example")
        .expect("the directorate is asked to sign");
    assert_eq!(
        sign_off["subject"],
        "Fellesoppdraget 2019 venter på signeringen deres"
    );
    let body = sign_off["body"].as_str().unwrap();
    assert!(
        body.contains("https://samla.test/assignments/2019\r\n"),
        "{body:?}"
    );
    let submitted = arrived
        .iter()
        .find(|m| to_of(m) == "secretariat@test.example")
        .expect("the secretariat hears of the report");
    assert_eq!(
        submitted["subject"],
        "Levert: Årsrapport 2019 – Statsforvalteren i Østfold, Buskerud, Oslo og Akershus"
    );
    let body = submitted["body"].as_str().unwrap();
    assert!(
        body.contains("https://samla.test/yearly-reports/oslo-og-viken/2019/year"),
        "{body}"
    );
    assert!(
        body.contains("https://samla.test/account/notifications"),
        "{body}"
    );
    assert_eq!(submitted["from"], "ikke-svar@samla.test");
    assert_eq!(
        deliver_due(&app.db, &mailer).await.unwrap(),
        Delivered::default(),
        "each message once"
    );

    // The release reaches the leader, not the staff member who said no.
    let secretariat = app.cookie("secretariat");
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    for id in &ids {
        let fields = [
            ("rubric", "fulfilled"),
            ("risk", "low"),
            ("comment", "Godt."),
        ];
        let r = post(
            &app,
            &secretariat,
            &format!("{report}/assessments/{id}"),
            &fields,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = post(&app, &secretariat, &format!("{report}/release"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(deliver_due(&app.db, &mailer).await.unwrap().sent, 1);
    let last = sink.arrived().pop().unwrap();
    assert_eq!(to_of(&last), "embete_leader@test.example");
    assert_eq!(
        last["subject"],
        "Sekretariatets vurdering av Årsrapport 2019 – Statsforvalteren i Østfold, Buskerud, Oslo og Akershus"
    );
}

#[tokio::test]
async fn deadline_reminders_go_once_and_failures_are_tried_again() {
    let Some(sink) = Sink::start() else { return };
    let app = app().await;
    publish_assignment(&app, 2019, &[("Tall for kommunene", "2020-03-01")]).await;
    let day = |d: &str| samla_domain::dates::parse_date(d, "d").unwrap();
    let reminders = samla_db::yearly_report::remind_deadlines;

    assert_eq!(
        reminders(&app.db, day("2020-02-20")).await.unwrap(),
        0,
        "nine days before"
    );
    assert_eq!(
        reminders(&app.db, day("2020-02-23")).await.unwrap(),
        2,
        "staff and leader"
    );
    assert_eq!(
        reminders(&app.db, day("2020-02-24")).await.unwrap(),
        0,
        "once"
    );

    // The server is down: the reminders and the sign-off request wait and are tried
    // again later, not at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = deliver_due(&app.db, &mailer_at(closed)).await.unwrap();
    assert_eq!(down, Delivered { sent: 0, failed: 3 });
    let counts = outbox::counts(&app.db).await.unwrap();
    assert_eq!((counts.waiting, counts.failed), (3, 0), "{counts:?}");
    assert_eq!(
        deliver_due(&app.db, &sink.mailer()).await.unwrap(),
        Delivered::default()
    );
    assert!(sink.arrived().is_empty(), "a minute's pause first");
}
