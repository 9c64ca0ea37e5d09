//! The demo world: regions, organisations and one clearly fictitious user per role.

use samla_db::Db;
use samla_db::audit::Who;
use samla_db::users::{self, CreateUserError, NewUser};
use samla_domain::access::system_authority_for_command_line_and_demo as system_authority;

/// The password of every demo user (printed at start-up and in the README).
pub const DEMO_PASSWORD: &str = "samla-demo-2026";

/// (e-mail, name, role, organisation) of the demo users.
pub const DEMO_USERS: [(&str, &str, &str, &str); 13] = [
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
        "hdir@samla.example",
        "Hanne Helse (demo)",
        "directorate",
        "hdir",
    ),
    ("nav@samla.example", "Nils Nav (demo)", "directorate", "nav"),
    (
        "imdi@samla.example",
        "Ida Integrering (demo)",
        "directorate",
        "imdi",
    ),
    (
        "udir@samla.example",
        "Ulf Utdanning (demo)",
        "directorate",
        "udir",
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
        "030109",
    ),
    (
        "rogaland@samla.example",
        "Rune Rådgiver (demo)",
        "embete_staff",
        "rogaland",
    ),
    (
        "leder.rogaland@samla.example",
        "Randi Leder (demo)",
        "embete_leader",
        "rogaland",
    ),
];

/// Creates the demo users that do not exist yet; returns how many were created.
/// The demo is for a database of its own: with its published password it would otherwise
/// add administrators anyone can log in as to a real one (F10 of the security review).
/// Refuses a database with any account that is not a demo user.
pub async fn refuse_real_data(db: &Db) -> anyhow::Result<()> {
    let proof = system_authority().manage_users();
    let others: Vec<String> = users::list_users(db, &proof)
        .await?
        .into_iter()
        .map(|u| u.email)
        .filter(|email| !DEMO_USERS.iter().any(|(demo, ..)| demo == email))
        .collect();
    if let Some(first) = others.first() {
        anyhow::bail!(
            "this database holds {} account(s) that are not demo users ({first}{}); \
             the demo only runs on a database of its own: leave out --demo, or give \
             --database-url a new file",
            others.len(),
            if others.len() > 1 { ", …" } else { "" }
        );
    }
    Ok(())
}

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
        match users::create_user(db, &system_authority().manage_users(), &who, &input).await {
            Ok(_) => created += 1,
            Err(CreateUserError::Invalid(errors)) => {
                anyhow::bail!("demo user {email} is invalid: {errors:?}")
            }
            Err(CreateUserError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// The contact address the demo's pages show (fictitious, like its users).
pub const CONTACT_EMAIL: &str = "kontakt@samla.example";

/// The start-up banner that tells where to go and how to log in.
pub fn banner(url: &str) -> String {
    let mut s = format!(
        "\nsamla demo is running: open {url} in your browser.\n\
         It runs plain HTTP for use on this machine: its cookies are not Secure.\n\n\
         Demo users (all fictitious), password \"{DEMO_PASSWORD}\":\n"
    );
    for (email, _, role, org) in DEMO_USERS {
        s.push_str(&format!("  {email:<30} {role:<15} {org}\n"));
    }
    s
}

use samla_db::dialogue::{self, SeedCycle, SeedDialogue, Unit};
use samla_db::report::{Finding, FollowUp, Meeting, Report};
use samla_domain::dates::{iso, parse_date, today};
use samla_domain::dialogue::{Stage, UnitKind};
use samla_domain::report::{MeetingKind, YOUTH_GROUPS};
use time::{Date, Duration};

/// A small deterministic generator, so the demo world is the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn new(seed: &str) -> Lcg {
        Lcg(seed.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        }))
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn date(s: &str) -> Date {
    parse_date(s, "date").unwrap_or_else(|_| today())
}

/// Steps from planning to `last`, spaced as real rounds are, never after today.
fn history(rng: &mut Lcg, start: Date, last: Stage) -> Vec<(Stage, String)> {
    let path: &[Stage] = if last == Stage::Declined {
        &[Stage::Planned, Stage::Invited, Stage::Declined]
    } else {
        &[
            Stage::Planned,
            Stage::Invited,
            Stage::Accepted,
            Stage::LeadersMeetingHeld,
            Stage::YouthMeetingHeld,
            Stage::ReportDrafted,
            Stage::ReportApproved,
            Stage::Published,
        ]
    };
    let gaps = [0, 20, 14, 45, 30, 21, 14, 7];
    let mut day = start + Duration::days(rng.below(60) as i64);
    let mut steps = Vec::new();
    for (i, stage) in path.iter().enumerate() {
        day += Duration::days(gaps[i.min(gaps.len() - 1)] + rng.below(10) as i64);
        if day > today() {
            break;
        }
        steps.push((*stage, iso(day)));
        if *stage == last {
            break;
        }
    }
    steps
}

/// Oslo og Viken's 2019 round, as the county governor described it: Bydel Bjerke
/// (report published), Hurdal and Modum (in progress).
fn oslo_og_viken_2019() -> SeedCycle {
    let unit = |kind, number: &str, name: &str| Unit {
        kind,
        number: number.into(),
        name: name.into(),
    };
    let steps = |list: &[(Stage, &str)]| list.iter().map(|(s, d)| (*s, (*d).to_owned())).collect();
    SeedCycle {
        embete: "oslo-og-viken".into(),
        name: "Sjumilstegdialog 2019".into(),
        starts_on: "2019-01-01".into(),
        ends_on: "2019-12-31".into(),
        dialogues: vec![
            SeedDialogue {
                unit: unit(UnitKind::District, "030109", "Bydel Bjerke"),
                steps: steps(&[
                    (Stage::Planned, "2019-08-20"),
                    (Stage::Invited, "2019-09-02"),
                    (Stage::Accepted, "2019-09-16"),
                    (Stage::LeadersMeetingHeld, "2019-10-15"),
                    (Stage::YouthMeetingHeld, "2019-11-05"),
                    (Stage::ReportDrafted, "2019-11-25"),
                    (Stage::ReportApproved, "2019-12-05"),
                    (Stage::Published, "2019-12-12"),
                ]),
                report: Some(bjerke_report()),
                meetings: vec![
                    (
                        MeetingKind::Leaders,
                        Meeting {
                            held_on: "2019-10-15".into(),
                            place: "Bydelsadministrasjonen, Bjerke".into(),
                            services: ["health", "nav", "child_welfare", "kindergarten_school", "planning"]
                                .map(String::from)
                                .to_vec(),
                            roles: "Bydelsdirektør, barnevernleder, NAV-leder, helsesykepleier, rektor (demo)".into(),
                            notes: "Gjennomgang av Sjumilssteget; samarbeid i enkeltsaker og faste møteplasser. (Eksempeltekst i demoen.)".into(),
                            ..Meeting::default()
                        },
                    ),
                    (
                        MeetingKind::Youth,
                        Meeting {
                            held_on: "2019-11-05".into(),
                            place: "Årvoll fritidsklubb".into(),
                            services: vec!["culture_leisure".into()],
                            roles: "Ungdomskonsulent (demo)".into(),
                            notes: "Samtale i grupper om medvirkning og møteplasser. (Eksempeltekst i demoen.)".into(),
                            youth_group: Some("youth_council".into()),
                            participants: Some(9),
                            age_bands: vec!["13-15".into(), "16-18".into()],
                        },
                    ),
                ],
            },
            SeedDialogue {
                unit: unit(UnitKind::Municipality, "0239", "Hurdal"),
                steps: steps(&[
                    (Stage::Planned, "2019-08-20"),
                    (Stage::Invited, "2019-09-02"),
                    (Stage::Accepted, "2019-09-20"),
                    (Stage::LeadersMeetingHeld, "2019-11-12"),
                ]),
                report: None,
                meetings: vec![(
                    MeetingKind::Leaders,
                    Meeting {
                        held_on: "2019-11-12".into(),
                        place: "Hurdal rådhus".into(),
                        services: ["health", "child_welfare", "kindergarten_school"].map(String::from).to_vec(),
                        roles: "Kommunalsjef for oppvekst, barnevernleder, helsesykepleier (demo)".into(),
                        notes: "Møtet med barn og unge planlegges med ungdomsrådet. (Eksempeltekst i demoen.)".into(),
                        ..Meeting::default()
                    },
                )],
            },
            SeedDialogue {
                unit: unit(UnitKind::Municipality, "0623", "Modum"),
                steps: steps(&[
                    (Stage::Planned, "2019-08-20"),
                    (Stage::Invited, "2019-09-02"),
                    (Stage::Accepted, "2019-09-23"),
                ]),
                report: None,
                meetings: Vec::new(),
            },
        ],
    }
}

/// Bydel Bjerke's report. The headings follow the published format; the text is
/// written for the demo and is fictitious.
fn bjerke_report() -> Report {
    Report {
        language: "nb".into(),
        child_summary: "Statsforvalteren har snakket med ledere i bydelen og med ungdomsrådet om hvordan barn og unge har det \
            og blir hørt. Ungdommene sa at de vil bli spurt tidligere når bydelen lager planer. Bydelen skal nå lage en \
            rutine for å høre barn og unge, og ungdomsrådet skal få se hva som skjer med innspillene sine. \
            (Eksempeltekst i demoen.)"
            .into(),
        facts: "Bydel Bjerke har om lag 33 000 innbyggere, og om lag en firedel er under 25 år. (Fiktive tall i demoen.)".into(),
        leaders_said: "Lederne for helse, barnevern, NAV, skole og barnehage beskrev et godt samarbeid i enkeltsaker, men få \
            faste møteplasser på tvers. Barnekonvensjonen brukes sjelden uttrykkelig i saksbehandlingen."
            .into(),
        youth_said: "Ungdomsrådet ønsker å bli involvert tidlig, ikke bare høres til slutt. De ønsker trygge møteplasser \
            etter skoletid og bedre informasjon om hvor man kan få hjelp."
            .into(),
        advice: "Statsforvalteren anbefaler bydelen å lage en felles rutine for å høre barn i saker og planer, og å gi \
            ungdomsrådet tilbakemelding på hva innspillene førte til."
            .into(),
        findings: vec![
            Finding {
                id: 0,
                body: "Barns rett til å bli hørt er ikke fast beskrevet i bydelens rutiner.".into(),
                crc_articles: "12".into(),
                steps: "4".into(),
            },
            Finding {
                id: 0,
                body: "Tjenestene samarbeider godt i enkeltsaker, men mangler faste arenaer på tvers.".into(),
                crc_articles: "3, 18".into(),
                steps: "2, 6".into(),
            },
        ],
        follow_ups: vec![FollowUp {
            id: 0,
            body: "Lage en rutine for å høre barn og unge i saker og planer".into(),
            owner: "Bydelsdirektør".into(),
            deadline: "2020-06-30".into(),
            status: "in_progress".into(),
        }],
        version: 1,
    }
}

/// A short generated report for generated dialogues (clearly marked as demo text).
fn generated_report(rng: &mut Lcg, unit: &str, year: i32) -> Report {
    let articles = ["3", "12", "3, 12", "19", "28", "31", "12, 31"];
    let topics = [
        "barns rett til å bli hørt i saker om dem",
        "samarbeidet mellom skole, barnevern og helse",
        "fritidstilbud for ungdom",
        "hvordan barnets beste vurderes i planarbeid",
    ];
    let topic = topics[rng.below(topics.len() as u64) as usize];
    Report {
        language: if rng.below(3) == 0 { "nn" } else { "nb" }.into(),
        child_summary: format!(
            "Statsforvalteren snakket med ledere og unge i {unit} om {topic}. (Generert demotekst.)"
        ),
        facts: format!("Dialog i {year}. (Generert demotekst.)"),
        leaders_said: format!(
            "Lederne i {unit} beskrev arbeidet med {topic}. (Generert demotekst.)"
        ),
        youth_said: "De unge ønsker å bli spurt tidligere. (Generert demotekst.)".into(),
        advice: format!(
            "Statsforvalteren anbefaler {unit} å følge opp {topic}. (Generert demotekst.)"
        ),
        findings: vec![Finding {
            id: 0,
            body: format!("Arbeidet med {topic} kan bli mer systematisk."),
            crc_articles: articles[rng.below(articles.len() as u64) as usize].into(),
            steps: (1 + rng.below(7)).to_string(),
        }],
        follow_ups: vec![FollowUp {
            id: 0,
            body: format!("Følge opp {topic}. (Generert demotekst.)"),
            owner: "Kommunedirektør".into(),
            deadline: format!("{}-06-30", year + 1),
            status: ["open", "in_progress", "done"][rng.below(3) as usize].into(),
        }],
        version: 1,
    }
}

/// The meetings of a generated dialogue, dated by its steps (no names, as always).
fn generated_meetings(rng: &mut Lcg, steps: &[(Stage, String)]) -> Vec<(MeetingKind, Meeting)> {
    let held = |stage| {
        steps
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, d)| d.clone())
    };
    let mut meetings = Vec::new();
    if let Some(day) = held(Stage::LeadersMeetingHeld) {
        meetings.push((
            MeetingKind::Leaders,
            Meeting {
                held_on: day,
                place: "Rådhuset".into(),
                services: ["health", "nav", "child_welfare", "kindergarten_school"]
                    .map(String::from)
                    .to_vec(),
                roles: "Kommunedirektør og tjenesteledere (generert demotekst)".into(),
                ..Meeting::default()
            },
        ));
    }
    if let Some(day) = held(Stage::YouthMeetingHeld) {
        let band = ["13-15", "16-18"][rng.below(2) as usize];
        meetings.push((
            MeetingKind::Youth,
            Meeting {
                held_on: day,
                place: "Ungdomshuset".into(),
                youth_group: Some(YOUTH_GROUPS[rng.below(3) as usize].into()),
                participants: Some(4 + rng.below(14) as i64),
                age_bands: vec![band.into()],
                ..Meeting::default()
            },
        ));
    }
    meetings
}

/// Years of generated rounds for all ten embeter, so that coverage looks like real use.
async fn generated(db: &Db) -> anyhow::Result<Vec<SeedCycle>> {
    let embeter = samla_db::regions::embeter_on(db, today()).await?;
    let mut cycles = Vec::new();
    for year in 2019..=today().year() {
        let start = date(&format!("{year}-01-01"));
        for e in &embeter {
            if year == 2019 && e.code == "oslo-og-viken" {
                continue; // described by hand above
            }
            let mut rng = Lcg::new(&format!("{}-{year}", e.code));
            let units = dialogue::units_on(db, Some(&e.code), start).await?;
            let mut dialogues = Vec::new();
            for unit in units {
                // Each year an embete holds dialogues with about one unit in six.
                if rng.below(6) != 0 {
                    continue;
                }
                let last = match rng.below(20) {
                    0 | 1 => Stage::Declined,
                    2 => Stage::ReportDrafted,
                    _ => Stage::Published,
                };
                let steps = history(&mut rng, start, last);
                let written = steps.last().is_some_and(|(s, _)| s.needs_report());
                if !steps.is_empty() {
                    let report = written.then(|| generated_report(&mut rng, &unit.name, year));
                    // Their own sequence, so that adding meetings left the generated rounds as
                    // they were (Hurdal's 2019 dialogue is the one that counts for 3037 in 2021).
                    let mut own = Lcg::new(&format!("{}-{year}-{}", e.code, unit.number));
                    let meetings = generated_meetings(&mut own, &steps);
                    dialogues.push(SeedDialogue {
                        unit,
                        steps,
                        report,
                        meetings,
                    });
                }
            }
            cycles.push(SeedCycle {
                embete: e.code.clone(),
                name: format!("Sjumilstegdialog {year}"),
                starts_on: format!("{year}-01-01"),
                ends_on: format!("{year}-12-31"),
                dialogues,
            });
        }
    }
    Ok(cycles)
}

/// Fills an empty database's dialogue tables with the demo rounds; returns how many dialogues.
pub async fn ensure_dialogues(db: &Db) -> anyhow::Result<usize> {
    if dialogue::any_cycles(db).await? {
        return Ok(0);
    }
    let mut cycles = vec![oslo_og_viken_2019()];
    cycles.extend(generated(db).await?);
    Ok(dialogue::seed(db, &system_authority(), &Who::system("demo"), &cycles).await?)
}

/// The joint assignment's demo text for 2019, section by section, in our own words: the
/// long-term plan anchored with the county governor's leaders, and support to the
/// municipalities coordinated across the services.
const ASSIGNMENT_2019: [(&str, &str); 7] = [
    (
        "innledning",
        "De fem direktoratene gir statsforvalterne ett felles oppdrag om utsatte barn og unge fra 0 til 24 år. Målet er at flere fullfører utdanning, kommer i arbeid og får hjelp tidlig, og at tjenestene i kommunene arbeider sammen i stedet for hver for seg.\n\nStatsforvalteren skal ha en langsiktig plan for arbeidet, forankret i ledelsen, med ambisjoner, mål og tiltak.",
    ),
    (
        "hdir",
        "Statsforvalteren skal støtte kommunene i å se helsetjenestene for barn og unge i sammenheng med barnehage, skole og barnevern, og bruke dialogmøtene til å følge opp helsestasjons- og skolehelsetjenesten.",
    ),
    (
        "bufdir",
        "Statsforvalteren skal bidra til at kommunene forebygger omsorgssvikt og fanger opp barn som trenger hjelp tidlig, og at barn og unge blir hørt i saker som gjelder dem.",
    ),
    (
        "nav",
        "Statsforvalteren skal støtte kommunene i å samordne oppfølgingen av unge som står utenfor arbeid og utdanning, slik at Nav-kontoret, skolen og helsetjenestene gir ett tilbud.",
    ),
    (
        "imdi",
        "Statsforvalteren skal løfte fram barn og unge med innvandrerbakgrunn i dialogen med kommunene, og bidra til at kvalifisering og opplæring henger sammen.",
    ),
    (
        "udir",
        "Statsforvalteren skal støtte kommunene og fylkeskommunene i å gi et godt og inkluderende tilbud i barnehage og skole, og i å få flere til å fullføre videregående opplæring.",
    ),
    (
        "rapportering",
        "Statsforvalteren rapporterer i årsrapporten på hvert krav i oppdraget: hva som er gjort, hvilke kommuner som er nådd, og hva som gjenstår.",
    ),
];

/// A demo requirement: (section, kind, title, text, deadline, sectors, articles).
type DemoRequirement = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

/// The demo's requirements in 2019.
const REQUIREMENTS_2019: [DemoRequirement; 4] = [
    (
        "innledning",
        "task",
        "Langsiktig plan forankret i ledelsen",
        "Statsforvalteren skal ha en langsiktig plan for 0–24-arbeidet med ambisjoner, mål og tiltak, forankret i embetsledelsen.",
        "2019-06-01",
        &[],
        "3",
    ),
    (
        "bufdir",
        "task",
        "Barn og unge blir hørt",
        "Statsforvalteren skal i dialogmøtene følge opp hvordan kommunene sikrer at barn og unge blir hørt i saker som gjelder dem.",
        "",
        &["child_welfare", "school"],
        "12",
    ),
    (
        "nav",
        "reporting",
        "Samordnet oppfølging av unge utenfor arbeid og utdanning",
        "Rapporter hvilke kommuner statsforvalteren har fulgt opp, og hva som er gjort for å samordne Nav, skole og helse.",
        "2020-02-01",
        &["work", "school", "health"],
        "",
    ),
    (
        "udir",
        "reporting",
        "Flere fullfører videregående opplæring",
        "Rapporter hvordan statsforvalteren har støttet kommuner og fylkeskommuner i arbeidet med å få flere til å fullføre.",
        "2020-02-01",
        &["school"],
        "28, 29",
    ),
];

/// What changed from 2019 to 2020 in the demo: three directorates sharpened their part.
const ASSIGNMENT_2020_CHANGES: [(&str, &str); 3] = [
    (
        "bufdir",
        "Statsforvalteren skal bidra til at kommunene forebygger omsorgssvikt og fanger opp barn som trenger hjelp tidlig, at barn og unge blir hørt i saker som gjelder dem, og at kommunene forbereder seg på barnevernsreformen.",
    ),
    (
        "nav",
        "Statsforvalteren skal støtte kommunene i å samordne oppfølgingen av unge som står utenfor arbeid og utdanning, slik at Nav-kontoret, skolen og helsetjenestene gir ett tilbud, og rapportere hvor mange kommuner som har en slik samordning.",
    ),
    (
        "rapportering",
        "Statsforvalteren rapporterer i årsrapporten på hvert krav i oppdraget: hva som er gjort, hvilke kommuner som er nådd, og hva som gjenstår. Midtveis i året gis en kort status til styringsgruppen.",
    ),
];

/// The demo user of an organisation, as the acting person (so the audit log names them):
/// its first user that is neither an administrator nor in the steering group.
async fn demo_actor(db: &Db, organisation: &str) -> anyhow::Result<samla_domain::access::Actor> {
    let (email, ..) = DEMO_USERS
        .iter()
        .find(|(_, _, role, org)| {
            *org == organisation && *role != "admin" && *role != "steering_group"
        })
        .ok_or_else(|| anyhow::anyhow!("no demo user for {organisation}"))?;
    demo_user(db, email).await
}

/// A demo user by e-mail address, as the acting person.
async fn demo_user(db: &Db, email: &str) -> anyhow::Result<samla_domain::access::Actor> {
    use samla_domain::access::{Actor, OrgKind, OrgRef, Role};
    let (email, name, role, organisation) = DEMO_USERS
        .iter()
        .find(|(e, ..)| *e == email)
        .ok_or_else(|| anyhow::anyhow!("no demo user {email}"))?;
    let user_id = users::find_user_id(db, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo user {email} is missing"))?;
    let role = Role::parse(role)?;
    let kind = match role {
        Role::Secretariat | Role::Admin => OrgKind::Secretariat,
        Role::EmbeteStaff | Role::EmbeteLeader => OrgKind::Embete,
        Role::Municipality if organisation.len() == 6 => OrgKind::District,
        Role::Municipality => OrgKind::Municipality,
        Role::Directorate | Role::SteeringGroup => OrgKind::Directorate,
    };
    Ok(Actor {
        user_id,
        email: (*email).into(),
        name: (*name).into(),
        organisation: OrgRef {
            code: (*organisation).into(),
            kind,
        },
        roles: vec![role],
    })
}

/// Fills an empty database's joint assignments: 2019 published, and 2020 as its changed
/// successor out for sign-off, signed by three of the five directorates. Returns how many
/// years it made.
pub async fn ensure_assignments(db: &Db) -> anyhow::Result<usize> {
    use samla_db::assignment as store;
    use samla_domain::assignment::{SECRETARIAT, Stage, directorates, read_drafts};
    let sec = demo_actor(db, SECRETARIAT).await?;
    if !store::list(db, Some(&read_drafts(&sec)?)).await?.is_empty() {
        return Ok(0);
    }
    // The common parts are the secretariat's; each directorate writes its own.
    let writer = |key: &'static str| {
        demo_actor(
            db,
            if directorates().any(|d| d == key) {
                key
            } else {
                SECRETARIAT
            },
        )
    };
    let mut version = 1;
    store::create(db, &sec, 2019).await?;
    for (key, text) in ASSIGNMENT_2019 {
        store::save_section(db, &writer(key).await?, 2019, key, text, version).await?;
        version += 1;
    }
    let mut nav_requirement = None;
    for (section, kind, title, text, deadline, sectors, articles) in REQUIREMENTS_2019 {
        let input = samla_domain::assignment::RequirementInput {
            kind: kind.into(),
            title: title.into(),
            text: text.into(),
            deadline: deadline.into(),
            sectors: sectors.iter().map(|s| (*s).to_owned()).collect(),
            crc_articles: articles.into(),
        };
        let checked = samla_domain::assignment::check_requirement(&input, 0, section)
            .map_err(|e| anyhow::anyhow!("demo requirement {title} is invalid: {e:?}"))?;
        let (added, _) =
            store::add_requirement(db, &writer(section).await?, 2019, checked, version).await?;
        version += 1;
        if section == "nav" {
            nav_requirement = Some(added);
        }
    }
    store::move_to(db, &sec, 2019, Stage::SignOff).await?;
    for d in directorates() {
        store::sign_off(db, &demo_actor(db, d).await?, 2019, version).await?;
    }
    for stage in [Stage::QualityAssured, Stage::Adopted, Stage::Published] {
        store::move_to(db, &sec, 2019, stage).await?;
    }
    store::create(db, &sec, 2020).await?;
    let mut version = 1;
    for (key, text) in ASSIGNMENT_2020_CHANGES {
        store::save_section(db, &writer(key).await?, 2020, key, text, version).await?;
        version += 1;
    }
    // Nav now asks for figures too.
    if let Some(mut r) = nav_requirement {
        r.text
            .push_str(" Oppgi antall kommuner med en samordnet plan.");
        r.deadline = Some("2021-02-01".into());
        store::save_requirement(db, &writer("nav").await?, 2020, &r, version).await?;
        version += 1;
    }
    store::move_to(db, &sec, 2020, Stage::SignOff).await?;
    for d in ["hdir", "bufdir", "nav"] {
        store::sign_off(db, &demo_actor(db, d).await?, 2020, version).await?;
    }
    Ok(2)
}

/// A demo plan item: (kind, parent's place in the list or none, title, text, measure).
type DemoItem = (
    &'static str,
    Option<usize>,
    &'static str,
    &'static str,
    Option<DemoMeasure>,
);

/// A demo measure: (owner, deadline, status, requirement ids, articles, steps, indicator).
type DemoMeasure = (
    &'static str,
    &'static str,
    &'static str,
    &'static [i64],
    &'static str,
    &'static str,
    (&'static str, &'static str, &'static str, &'static str),
);

/// Rogaland's plan, after its three goals of its own (no violence or abuse; good schooling
/// and mental-health care for children in child-welfare institutions; every child
/// belongs), written in our own words. Requirement ids are the 2019 demo assignment's.
const ROGALAND_PLAN: [DemoItem; 8] = [
    (
        "ambition",
        None,
        "Alle barn og unge i Rogaland har en trygg oppvekst og opplever at de hører til",
        "Embetet samordner støtten til kommunene på tvers av barnehage, skole, barnevern, helse, sosiale tjenester og arbeid.",
        None,
    ),
    (
        "goal",
        Some(0),
        "Ingen barn utsettes for vold eller overgrep",
        "Kommunene har planer mot vold i nære relasjoner, og tjenestene vet hva de skal gjøre når de er bekymret.",
        None,
    ),
    (
        "goal",
        Some(0),
        "Barn i barnevernsinstitusjon får god skolegang og psykisk helsehjelp",
        "",
        None,
    ),
    (
        "goal",
        Some(0),
        "Alle barn opplever tilhørighet",
        "Barn og unge har en trygg voksen, et fellesskap og en fritidsaktivitet.",
        None,
    ),
    (
        "measure",
        Some(1),
        "Veiledning om handlingsplaner mot vold",
        "Samlinger for kommunene om handlingsplaner mot vold i nære relasjoner, med barnevern, helsestasjon og skole til stede.",
        Some((
            "Helse- og sosialavdelingen",
            "2020-12-31",
            "in_progress",
            &[2],
            "19, 34",
            "3",
            (
                "Kommuner med oppdatert handlingsplan",
                "9",
                "23",
                "2019: 9; 2020: 14",
            ),
        )),
    ),
    (
        "measure",
        Some(2),
        "Samarbeidsavtaler mellom institusjon, skole og BUP",
        "",
        Some((
            "Oppvekst- og utdanningsavdelingen",
            "2021-06-30",
            "planned",
            &[4, 3],
            "24, 28",
            "",
            ("Institusjoner med avtale", "2", "11", "2019: 2"),
        )),
    ),
    (
        "measure",
        Some(3),
        "Fritidserklæringen kjent i alle kommuner",
        "Gjøre fritidserklæringen kjent og spørre etter den i dialogmøtene.",
        Some((
            "Samordningsstaben",
            "",
            "done",
            &[1],
            "31",
            "6",
            (
                "Kommuner som har drøftet erklæringen",
                "0",
                "23",
                "2019: 12; 2020: 23",
            ),
        )),
    ),
    (
        "measure",
        Some(3),
        "Ungdomsråd med i dialogmøtene",
        "",
        Some((
            "Samordningsstaben",
            "2020-10-01",
            "in_progress",
            &[2],
            "12",
            "1",
            ("", "", "", ""),
        )),
    ),
];

/// Oslo og Viken's plan, started but not anchored yet.
const OSLO_PLAN: [DemoItem; 3] = [
    (
        "ambition",
        None,
        "Utsatte barn og unge i Oslo og Viken får hjelp som henger sammen",
        "",
        None,
    ),
    (
        "goal",
        Some(0),
        "Kommunene og bydelene har en felles plan for 0–24-arbeidet",
        "",
        None,
    ),
    (
        "measure",
        Some(1),
        "Dialogmøter med alle kommuner og bydeler innen tre år",
        "Først med tjenesteledere, så med barn og unge, og en rapport fra hvert møte.",
        Some((
            "Oppvekst- og utdanningsavdelingen",
            "2022-12-31",
            "in_progress",
            &[1, 2],
            "12",
            "1, 2",
            (
                "Kommuner og bydeler med dialogmøte",
                "0",
                "66",
                "2019: 18; 2020: 35",
            ),
        )),
    ),
];

/// Adds a demo plan's items for `writer`, from version `version`; the version after.
async fn demo_items(
    db: &Db,
    writer: &samla_domain::access::Actor,
    items: &[DemoItem],
    mut version: i64,
) -> anyhow::Result<i64> {
    use samla_db::plan as store;
    use samla_domain::plan::{IndicatorInput, ItemInput, check_item};
    let proof = samla_domain::access::embete_work(writer, &writer.organisation.code)?;
    let mut ids: Vec<i64> = Vec::new();
    for (kind, parent, title, text, measure) in items {
        let mut input = ItemInput {
            parent: parent.map(|p| ids[p].to_string()).unwrap_or_default(),
            title: (*title).into(),
            text: (*text).into(),
            ..ItemInput::default()
        };
        if let Some((owner, deadline, status, requirements, articles, steps, indicator)) = measure {
            input.owner = (*owner).into();
            input.deadline = (*deadline).into();
            input.status = (*status).into();
            input.requirements = requirements.iter().map(i64::to_string).collect();
            input.crc_articles = (*articles).into();
            input.steps = (*steps).into();
            input.indicators = vec![IndicatorInput {
                name: indicator.0.into(),
                baseline: indicator.1.into(),
                target: indicator.2.into(),
                values: indicator.3.into(),
            }];
        }
        let parents: Vec<i64> = ids.clone();
        let item = check_item(kind, &input, 0, &parents, &[1, 2, 3, 4])
            .map_err(|e| anyhow::anyhow!("demo plan item {title} is invalid: {e:?}"))?;
        let (added, _) = store::add_item(db, writer, &proof, item, version).await?;
        ids.push(added.id);
        version += 1;
    }
    Ok(version)
}

/// Fills the demo's county plans: Rogaland's anchored by its leader and changed since,
/// and Oslo og Viken's started but not anchored yet. Returns how many it made.
pub async fn ensure_plans(db: &Db) -> anyhow::Result<usize> {
    use samla_db::plan as store;
    use samla_domain::plan::{Group, Member};
    if !store::list(db).await?.is_empty() {
        return Ok(0);
    }
    let staff = demo_user(db, "rogaland@samla.example").await?;
    let leader = demo_user(db, "leder.rogaland@samla.example").await?;
    let proof = samla_domain::access::embete_work(&staff, "rogaland")?;
    store::create(db, &staff, &proof).await?;
    store::save_summary(
        db,
        &staff,
        &proof,
        "Planen gjelder 2019–2022 og er forankret i embetsledelsen. Den samler embetets arbeid for utsatte barn og unge under én ambisjon med tre egne mål, og viser hvilke krav i fellesoppdraget hvert tiltak svarer på.",
        1,
    )
    .await?;
    let member = |name: &str, title: &str, department: &str| Member {
        name: name.into(),
        title: title.into(),
        department: department.into(),
    };
    let group = Group {
        internal: vec![
            member("Tone Vik", "seniorrådgiver", "social_child_welfare"),
            member("Even Sand", "rådgiver", "health"),
            member("Liv Berge", "seniorrådgiver", "education_kindergarten"),
            member("Ola Nes", "beredskapsrådgiver", "coordination_preparedness"),
        ],
        reference: vec![
            member("Randi Leder", "assisterende statsforvalter", ""),
            member("Geir Haug", "direktør for helse og sosial", ""),
        ],
        contacts: [
            ("kindergarten", "Liv Berge"),
            ("school", "Liv Berge"),
            ("child_welfare", "Tone Vik"),
            ("health", "Even Sand"),
            ("social_services", "Tone Vik"),
            ("work", "Ola Nes"),
        ]
        .into_iter()
        .map(|(area, name)| samla_domain::plan::Contact {
            area: area.into(),
            email: format!(
                "{}@rogaland.demo.example",
                name.to_lowercase().replace(' ', ".")
            ),
            name: name.into(),
        })
        .collect(),
    };
    store::save_group(db, &staff, &proof, &group, 2).await?;
    let version = demo_items(db, &staff, &ROGALAND_PLAN, 3).await?;
    let leads = samla_domain::access::approve_reports(&leader, "rogaland")?;
    let leader_proof = samla_domain::access::embete_work(&leader, "rogaland")?;
    store::anchor(db, &leader, &leader_proof, &leads, version).await?;
    // A year on, one measure is done and its figure is in.
    let plan = store::draft(db, &proof)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no plan"))?;
    if let Some(mut m) = plan.of_kind("measure").next().cloned()
        && let Some(details) = m.measure.as_mut()
    {
        details.status = "done".into();
        if let Some(i) = details.indicators.first_mut() {
            i.values.push(samla_domain::plan::YearValue {
                year: 2021,
                value: 21.0,
            });
        }
        store::save_item(db, &staff, &proof, &m, version).await?;
    }

    let oslo = demo_actor(db, "oslo-og-viken").await?;
    let oslo_proof = samla_domain::access::embete_work(&oslo, "oslo-og-viken")?;
    store::create(db, &oslo, &oslo_proof).await?;
    demo_items(db, &oslo, &OSLO_PLAN, 1).await?;
    Ok(2)
}

/// Fills an empty database's yearly reports on the published 2019 assignment: Rogaland's
/// answered, approved and submitted, with its plan's measures and a dialogue report as
/// evidence; Oslo og Viken's begun. Returns how many reports it made.
pub async fn ensure_yearly_reports(db: &Db) -> anyhow::Result<usize> {
    use samla_db::yearly_report as store;
    use samla_domain::yearly_report::{AnswerInput, Evidence, check_answer};
    let staff = demo_user(db, "rogaland@samla.example").await?;
    let proof = samla_domain::access::embete_work(&staff, "rogaland")?;
    if !store::own(db, &proof).await?.is_empty() {
        return Ok(0);
    }
    let Some(all) = samla_db::assignment::published_year_requirements(db, 2019).await? else {
        return Ok(0);
    };
    let reporting: Vec<i64> = samla_domain::yearly_report::answered(&all)
        .iter()
        .map(|r| r.id)
        .collect();
    // The evidence each embete may point at: its plan's measures for a requirement,
    // and its first published dialogue report.
    async fn evidence(
        db: &Db,
        proof: &samla_domain::access::EmbeteWork,
        requirement: i64,
    ) -> anyhow::Result<(Vec<String>, Vec<String>)> {
        let measures = samla_db::plan::draft(db, proof)
            .await?
            .map(|p| {
                p.of_kind("measure")
                    .filter(|m| {
                        m.measure
                            .as_ref()
                            .is_some_and(|d| d.requirements.contains(&requirement))
                    })
                    .map(|m| m.id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let filter = samla_db::dialogue::ReportFilter {
            embete: Some(proof.embete().to_owned()),
            ..Default::default()
        };
        let dialogues =
            samla_db::dialogue::published(db, samla_domain::access::PublicView, &filter)
                .await?
                .into_iter()
                .filter(|d| d.published_on.as_str() < "2020-02-01")
                .take(1)
                .map(|d| d.id.to_string())
                .collect();
        Ok((measures, dialogues))
    }
    let answer = |requirement: i64,
                  (measures, dialogues): (Vec<String>, Vec<String>),
                  status: &str,
                  text: &str,
                  figures: &str| {
        let evidence = Evidence {
            measures: measures.iter().filter_map(|m| m.parse().ok()).collect(),
            dialogues: dialogues.iter().filter_map(|d| d.parse().ok()).collect(),
            follow_ups: Vec::new(),
        };
        let input = AnswerInput {
            status: status.into(),
            text: text.into(),
            measures,
            dialogues,
            figures: figures.into(),
            ..AnswerInput::default()
        };
        check_answer(&input, requirement, &evidence)
            .map_err(|e| anyhow::anyhow!("demo answer is invalid: {e:?}"))
    };
    const ROGALAND: [(&str, &str, &str); 2] = [
        (
            "done",
            "Vi har fulgt opp alle kommuner med unge utenfor arbeid og utdanning i dialogmøter, og samlet Nav, skole og helse i tre regionale nettverk. Kommunene melder at samarbeidet om den enkelte ungdommen går raskere.",
            "Kommuner fulgt opp: 26\nRegionale nettverk: 3",
        ),
        (
            "partly",
            "Vi har støttet fire kommuner og fylkeskommunen i arbeidet med å få flere til å fullføre. Arbeidet med overgangen fra ungdomsskole til videregående er i gang og fortsetter i 2020.",
            "Kommuner med støtte: 4",
        ),
    ];
    store::create(db, &staff, &proof, 2019, "year").await?;
    let mut version = 1;
    for (requirement, (status, text, figures)) in reporting.iter().zip(ROGALAND) {
        let found = evidence(db, &proof, *requirement).await?;
        let a = answer(*requirement, found, status, text, figures)?;
        store::save_answer(db, &staff, &proof, 2019, "year", &a, version).await?;
        version += 1;
    }
    let leader = demo_user(db, "leder.rogaland@samla.example").await?;
    let leads = samla_domain::access::approve_reports(&leader, "rogaland")?;
    let leader_proof = samla_domain::access::embete_work(&leader, "rogaland")?;
    store::approve(db, &leader, &leader_proof, &leads, 2019, "year", version).await?;
    store::submit(db, &staff, &proof, 2019, "year", version).await?;
    // Approved and sent in before the deadline of 1 February 2020.
    let at = |day: u8| {
        time::Date::from_calendar_date(2020, time::Month::January, day).map(|d| {
            d.with_hms(10, 0, 0)
                .map(|t| t.assume_utc().unix_timestamp())
        })
    };
    store::date_for_demo(
        db,
        &samla_domain::access::system_authority_for_command_line_and_demo(),
        "rogaland",
        2019,
        "year",
        (at(27)??, at(30)??),
    )
    .await?;

    // The secretariat's assessment, with a question Rogaland has answered.
    let sec = demo_actor(db, samla_domain::assignment::SECRETARIAT).await?;
    let follow = samla_domain::access::follow_reports(&sec)?;
    let submitted = store::submitted(db, &follow, "rogaland", 2019, "year")
        .await?
        .ok_or_else(|| anyhow::anyhow!("Rogaland's report is not submitted"))?;
    const ASSESSMENTS: [(&str, &str, &str, &str); 2] = [
        (
            "fulfilled",
            "low",
            "Embetet har nådd alle kommuner og bygget nettverk som står seg. Et godt eksempel for andre embeter.",
            "",
        ),
        (
            "partly",
            "medium",
            "Arbeidet er i gang i fire kommuner, men det er uklart hvordan de øvrige skal nås.",
            "Hvordan vil embetet nå de kommunene som ikke er med ennå?",
        ),
    ];
    for (requirement, (rubric, risk, comment, question)) in reporting.iter().zip(ASSESSMENTS) {
        let checked = samla_domain::assessment::check_assessment(
            &samla_domain::assessment::AssessmentInput {
                rubric: rubric.into(),
                risk: risk.into(),
                comment: comment.into(),
                question: question.into(),
            },
        )
        .map_err(|e| anyhow::anyhow!("demo assessment is invalid: {e:?}"))?;
        samla_db::assessment::save(db, &sec, &follow, submitted.id, *requirement, &checked).await?;
    }
    samla_db::assessment::release(db, &sec, &follow, submitted.id).await?;
    if let Some(second) = reporting.get(1) {
        samla_db::assessment::reply(
            db,
            &staff,
            &proof,
            submitted.id,
            *second,
            "Vi tar med resten av kommunene i dialogmøtene høsten 2020, og fylkeskommunen deltar.",
        )
        .await?;
    }

    let oslo = demo_actor(db, "oslo-og-viken").await?;
    let oslo_proof = samla_domain::access::embete_work(&oslo, "oslo-og-viken")?;
    store::create(db, &oslo, &oslo_proof, 2019, "year").await?;
    if let Some(first) = reporting.first() {
        let found = evidence(db, &oslo_proof, *first).await?;
        let a = answer(
            *first,
            found,
            "partly",
            "Vi har hatt dialogmøter med Nav, skole og helse i elleve kommuner og bydeler. Tre av dem har nå en felles plan for unge utenfor arbeid og utdanning.",
            "Kommuner og bydeler i dialog: 11\nMed felles plan: 3",
        )?;
        store::save_answer(db, &oslo, &oslo_proof, 2019, "year", &a, 1).await?;
    }

    // The 2019 synthesis, written and released to the steering group.
    samla_db::synthesis::create(db, &sec, &follow, 2019).await?;
    let mut version = 1;
    let intro = "Rogaland har rapportert i tide og oppfyller kravet om samordnet oppfølging. De andre embetene har ikke levert ennå. Sekretariatet foreslår at styringsgruppen ber embetene rapportere tall for kommuner med felles plan fra 2020.";
    version =
        samla_db::synthesis::save_section(db, &sec, &follow, 2019, "intro", intro, version).await?;
    if let Some(first) = reporting.first() {
        let key = samla_domain::synthesis::section_key(*first);
        let text = "Der kravet er oppfylt, har embetet samlet Nav, skole og helse i faste nettverk. Det er en arbeidsform andre embeter kan ta i bruk.";
        version =
            samla_db::synthesis::save_section(db, &sec, &follow, 2019, &key, text, version).await?;
    }
    samla_app::synthesis::release(db, &sec, 2019, version).await?;
    Ok(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use samla_domain::report::{AGE_BANDS, SERVICES};

    /// The demo writes meetings without the form's checks, so they are checked here.
    #[test]
    fn demo_meetings_use_only_the_choices_the_form_offers() {
        let mut rng = Lcg::new("test");
        let start = date("2021-01-01");
        let mut meetings: Vec<(MeetingKind, Meeting)> = oslo_og_viken_2019()
            .dialogues
            .into_iter()
            .flat_map(|d| d.meetings)
            .collect();
        for _ in 0..50 {
            let steps = history(&mut rng, start, Stage::Published);
            meetings.extend(generated_meetings(&mut rng, &steps));
        }
        assert!(meetings.iter().any(|(k, _)| *k == MeetingKind::Youth));
        for (kind, m) in meetings {
            assert!(parse_date(&m.held_on, "held_on").is_ok());
            assert!(!m.place.is_empty());
            assert!(
                m.services.iter().all(|s| SERVICES.contains(&s.as_str())),
                "{m:?}"
            );
            if kind == MeetingKind::Youth {
                assert!(YOUTH_GROUPS.contains(&m.youth_group.as_deref().unwrap_or("")));
                assert!(m.participants.is_some_and(|n| n > 0));
                assert!(m.age_bands.iter().all(|b| AGE_BANDS.contains(&b.as_str())));
            }
        }
    }

    #[tokio::test]
    async fn the_demo_refuses_a_database_with_real_accounts() {
        for db in samla_db::testing::all(samla_db::testing::Start::Regions).await {
            super::refuse_real_data(&db).await.unwrap();
            super::ensure_users(&db).await.unwrap();
            super::refuse_real_data(&db).await.unwrap();
            let input = super::NewUser {
                email: "ekte.bruker@statsforvalteren.no".into(),
                name: "Ekte Bruker".into(),
                organisation: "agder".into(),
                roles: vec!["embete_staff".into()],
                password: "et langt passord".into(),
            };
            let proof = super::system_authority().manage_users();
            samla_db::users::create_user(&db, &proof, &super::Who::system("test"), &input)
                .await
                .unwrap();
            let refused = super::refuse_real_data(&db).await.unwrap_err().to_string();
            assert!(
                refused.contains("ekte.bruker@statsforvalteren.no"),
                "{refused}"
            );
        }
    }
}
