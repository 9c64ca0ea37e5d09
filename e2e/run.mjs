// samla's browser suite: starts the server with demo data on a fresh SQLite file,
// then visits every page as a visitor and as each demo role, in bokmål and nynorsk,
// at 320 px and 1280 px, checks behaviour a person would notice, takes a dialogue
// from planning to publication with the keyboard only, and runs axe.
// Any axe violation tagged wcag2a, wcag2aa, wcag21a or wcag21aa fails the run, and so
// does any error the Nu HTML Checker (vnu) finds in the HTML the sweep was served.
//
// Usage: node run.mjs   (SAMLA_BIN picks the binary; default ../target/debug/samla)
//        SAMLA_E2E_ONLY=behaviour|flow|sweep|correction|expiry runs one part alone (unset: all five)

import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(process.env.SAMLA_BIN ?? "../target/debug/samla");
const PORT = process.env.SAMLA_E2E_PORT ?? "18089";
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "samla-demo-2026";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SHOTS = resolve("screenshots");
const PARTS = ["behaviour", "flow", "sweep", "correction", "expiry"];
const ONLY = process.env.SAMLA_E2E_ONLY ?? "";

const ROLES = [
  { role: "visitor" },
  { role: "admin", email: "admin@samla.example", org: "sekretariatet" },
  { role: "secretariat", email: "sekretariat@samla.example", org: "sekretariatet" },
  { role: "directorate", email: "direktorat@samla.example", org: "bufdir" },
  { role: "steering_group", email: "styringsgruppe@samla.example", org: "hdir" },
  { role: "embete_staff", email: "saksbehandler@samla.example", org: "oslo-og-viken" },
  { role: "embete_leader", email: "leder@samla.example", org: "oslo-og-viken" },
  { role: "municipality", email: "kommune@samla.example", org: "030109" },
];

const PUBLIC_PAGES = [
  "/",
  "/about/accessibility",
  "/about/privacy",
  "/about/contact",
  "/regions",
  "/regions?date=2019-06-01",
  "/regions?date=2021-06-01",
  "/regions?date=2024-06-01",
  "/regions?date=2019-02-30",
  "/regions/embeter/oslo-og-viken?date=2019-06-01",
  "/regions/embeter/innlandet?date=2021-06-01",
  "/regions/municipalities/3037",
  "/regions/municipalities/1806",
  "/coverage",
  "/coverage?embete=oslo-og-viken&date=2019-12-31",
  "/coverage?embete=oslo-og-viken&date=2021-06-01",
  "/coverage?date=2019-13-01",
  "/dialogues/1",
  "/reports",
  "/reports?unit=3242",
  "/assignments",
  "/assignments/2019",
  "/plans",
  "/plans/rogaland",
  "/plans/rogaland/history",
  "/syntheses",
  "/search",
  "/search?crc_article=12&embete=rogaland&year=2019",
  "/search?crc_article=99&year=tjue",
  "/does-not-exist",
];

let passed = 0;
let failed = 0;
const failures = [];

function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    failures.push(`${name}${detail ? `: ${detail}` : ""}`);
    console.error(`FAIL ${name} ${detail}`);
  }
}

async function waitForHealth(deadlineMs, base = BASE) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// Every page axe checks is also kept here, as the browser holds it, for the HTML checker.
const CHECKED_HTML = mkdtempSync(join(tmpdir(), "samla-html-"));

async function axe(page, label) {
  writeFileSync(join(CHECKED_HTML, `${label.replace(/[^a-z0-9]+/gi, "_")}.html`), await page.content());
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")}`,
  );
  check(`axe ${label}`, results.violations.length === 0, summary.join("; "));
}

async function login(page, who) {
  await page.goto(`${BASE}/login`);
  await page.fill("#email", who.email);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("main button[type=submit]")]);
}

// Public pages differ between requesters only in the header, so signed-in roles
// visit a sample of them; the visitor visits them all.
function pagesFor(who) {
  if (who.role === "visitor") return [...PUBLIC_PAGES, "/login"];
  const pages = ["/", "/tasks", "/regions/municipalities/3037", "/account", "/account/password", "/account/notifications", `/organisations/${who.org}`];
  if (who.role === "municipality") pages.push("/follow-ups");
  // The joint assignment's draft (2020, out for sign-off in the demo) and its editors.
  if (["secretariat", "directorate", "steering_group"].includes(who.role)) {
    pages.push("/assignments", "/assignments/2020", "/assignments/2020/changes");
  }
  if (who.role === "secretariat") {
    pages.push("/assignments/2020/sections/innledning", "/assignments/2020/sections/innledning/requirements/new");
  }
  if (who.role === "directorate") {
    // Requirement 2 is Bufdir's in the demo ("Barn og unge blir hørt").
    pages.push(
      "/assignments/2020/sections/bufdir",
      "/assignments/2020/sections/bufdir/requirements/new",
      "/assignments/2020/requirements/2",
    );
  }
  if (who.role === "embete_staff" || who.role === "embete_leader") {
    pages.push(
      "/follow-ups",
      "/dialogue/cycles",
      "/dialogue/cycles/new",
      "/dialogue/cycles/1",
      "/dialogue/dialogues/2",
      "/dialogue/dialogues/1",
      "/dialogue/dialogues/2/meetings/leaders",
      "/dialogue/dialogues/2/meetings/youth",
      "/dialogue/dialogues/2/report",
      "/dialogue/dialogues/1/report",
      "/dialogue/dialogues/1/meetings/youth",
      "/dialogue/dialogues/3/report",
    );
  }
  // Oslo og Viken's plan is started, not anchored: ambition 9, goal 10, measure 11 in the demo.
  if (who.role === "embete_staff" || who.role === "embete_leader") {
    pages.push(
      "/plans",
      "/plans/oslo-og-viken",
      "/plans/oslo-og-viken/summary",
      "/plans/oslo-og-viken/group",
      "/plans/oslo-og-viken/measures/11",
      "/plans/oslo-og-viken/goals/new?parent=9",
      "/plans/oslo-og-viken/history",
    );
  }
  // Oslo og Viken's 2019 yearly report is begun: requirement 3 answered, 4 not yet.
  if (who.role === "embete_staff" || who.role === "embete_leader") {
    pages.push(
      "/yearly-reports",
      "/yearly-reports/oslo-og-viken/2019/year",
      "/yearly-reports/oslo-og-viken/2019/year/answers/3",
      "/yearly-reports/oslo-og-viken/2019/year/answers/4",
    );
  }
  // Rogaland's is submitted: the secretariat reads it and follows who has reported.
  if (who.role === "secretariat") {
    pages.push(
      "/yearly-reports",
      "/yearly-reports/status/2019/year",
      "/yearly-reports/rogaland/2019/year",
      "/yearly-reports/rogaland/2019/year/assessments/4",
    );
  }
  // The 2019 synthesis is released to the steering group in the demo.
  if (who.role === "secretariat" || who.role === "steering_group") pages.push("/syntheses", "/syntheses/2019");
  if (who.role === "embete_leader") pages.push("/admin/audit", "/dialogue/dialogues/1/report/versions");
  if (who.role === "admin") {
    pages.push("/admin/users", "/admin/users/new", "/admin/audit", "/admin/audit?from=2019-13-01");
  } else {
    pages.push("/admin/users"); // the 403 page is a page too
  }
  return pages;
}

async function behaviour(browser) {
  // Keyboard: the skip link is the first stop and moves focus to the main content.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/regions`);
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  check("skip link is the first tab stop", first === "#main", String(first));

  // Bad login keeps the e-mail address and points at the field.
  await page.goto(`${BASE}/login`);
  await page.fill("#email", "admin@samla.example");
  await page.fill("#password", "wrong password");
  await page.click("main button[type=submit]");
  check("failed login keeps the e-mail", (await page.inputValue("#email")) === "admin@samla.example");
  check("failed login marks the field", (await page.getAttribute("#email", "aria-invalid")) === "true");
  await axe(page, "login with error (nb, 1280)");

  // Language choice is remembered across pages and sets <html lang>.
  await page.goto(`${BASE}/regions`);
  await page.click('a[hreflang="nn"]');
  check("nynorsk sets html lang", (await page.getAttribute("html", "lang")) === "nn");
  await page.goto(`${BASE}/regions/municipalities/3242`);
  check("nynorsk is remembered", (await page.getAttribute("html", "lang")) === "nn");
  const history = await page.locator("table tbody").textContent();
  check("history shows all three numbers", ["0239", "3037", "3242"].every((n) => history.includes(n)), history);
  await ctx.close();

  // Admin: bad input to the user form keeps what was typed; a valid one creates the user.
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ap = await admin.newPage();
  await login(ap, ROLES[1]);
  await ap.goto(`${BASE}/admin/users/new`);
  await ap.fill("#email", "ikke-en-adresse");
  await ap.fill("#name", "Nina Nordmann");
  await ap.click("main button[type=submit]");
  check("user form keeps the name", (await ap.inputValue("#name")) === "Nina Nordmann");
  check("user form shows an error summary", (await ap.locator(".ds-error-summary li").count()) >= 3);
  await axe(ap, "new user with errors (nb, 1280)");
  await ap.fill("#email", "nina@samla.example");
  await ap.selectOption("#organisation", "agder");
  await ap.check("#role-embete_staff");
  await ap.fill("#password", "et langt passord");
  await ap.click("main button[type=submit]");
  check("user is created", (await ap.locator("text=nina@samla.example").count()) > 0);
  await ap.goto(`${BASE}/admin/audit?action=user.create`);
  check("creation is in the audit log", (await ap.locator("td", { hasText: "nina@samla.example" }).count()) > 0 ||
    (await ap.content()).includes("nina@samla.example"));
  await admin.close();

  // A case officer takes Modum's dialogue one step further, with the keyboard only.
  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const sp = await staff.newPage();
  await login(sp, ROLES[5]);
  await sp.goto(`${BASE}/dialogue/dialogues/3`);
  await sp.focus("#stage-leaders_meeting_held");
  await sp.keyboard.press("Space");
  await sp.fill("#date", "2019-10-28");
  await sp.focus("#step-form button[type=submit]");
  await sp.keyboard.press("Enter");
  await sp.waitForURL(/saved=1/);
  check("a step is recorded from the keyboard", (await sp.locator(".timeline li").count()) === 4);
  await axe(sp, "dialogue after a step (nb, 1280)");
  // Skipping a step is refused on the page, with the date kept.
  await sp.goto(`${BASE}/dialogue/dialogues/2`);
  await sp.fill("#date", "2018-05-05");
  await sp.click("#step-form button[type=submit]");
  check("a bad step date keeps what was typed", (await sp.inputValue("#date")) === "2018-05-05");
  check("a bad step date is explained", (await sp.locator(".ds-error-summary").count()) === 1);
  await axe(sp, "dialogue with an error (nb, 1280)");
  // The report editor keeps what was typed when a field is wrong.
  await sp.goto(`${BASE}/dialogue/dialogues/2/report`);
  await sp.fill("#child_summary", "Vi snakket med ungdomsrådet.");
  await sp.fill("#finding_body_0", "Barn blir ikke alltid hørt.");
  await sp.fill("#finding_crc_0", "99");
  await sp.click("main form.report-form .button-row button[type=submit]");
  check("report errors keep the text", (await sp.inputValue("#child_summary")) === "Vi snakket med ungdomsrådet.");
  check("report errors point at the field", (await sp.getAttribute("#finding_crc_0", "aria-invalid")) === "true");
  await axe(sp, "report with an error (nb, 1280)");
  await staff.close();

  // JavaScript off: pages and the login form work the same.
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const np = await nojs.newPage();
  await login(np, ROLES[5]);
  check("login works without JavaScript", new URL(np.url()).pathname === "/tasks");
  await np.goto(`${BASE}/organisations/oslo-og-viken`);
  check("members page without JavaScript", (await np.locator("table tbody tr").count()) >= 2);
  await np.goto(`${BASE}/organisations/vestland`);
  check("another embete's page is refused", (await np.locator("h1").textContent()).includes("tilgang"));
  await nojs.close();
}

// The whole dialogue workflow with the keyboard only: Tab to reach a control, then
// type, Space, arrow keys and Enter. page.goto is used only to start, to switch
// user and to open the public page as a visitor; every other page is reached by
// tabbing to a link and pressing Enter. Each page on the way is checked with axe.

/** Stops the flow: the steps after a failed one would only repeat its failure. */
class FlowStop extends Error {}

/** Whether the focused element matches `selector`. */
async function focusIs(page, selector) {
  return page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
}

/** Presses Tab until the focused element matches `selector` (at most `limit` presses). */
async function tabTo(page, selector, limit = 300) {
  for (let presses = 0; presses <= limit; presses += 1) {
    if (await focusIs(page, selector)) {
      check(`flow: Tab reaches ${selector}`, true);
      return;
    }
    await page.keyboard.press("Tab");
  }
  const where = new URL(page.url()).pathname;
  check(`flow: Tab reaches ${selector}`, false, `not reached on ${where} after ${limit} presses`);
  throw new FlowStop(`${selector} not reachable by Tab on ${where}`);
}

/** Replaces the text of a text field or text area. */
async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

/** Ticks (or unticks) the checkbox or radio button with Space. */
async function toggle(page, selector) {
  await tabTo(page, selector);
  await page.keyboard.press("Space");
}

// The order of a date field's parts follows the browser's own language, not the page's:
// it is learnt from the first date typed whose day and month differ (day-month-year or
// month-day-year) and used from then on.
let dateOrder = null;

/** Types an ISO date into a date field, part by part, as a person would. */
async function typeDate(page, selector, iso) {
  await tabTo(page, selector);
  const [y, m, d] = iso.split("-");
  const parts = { d, m, y };
  for (const order of dateOrder ? [dateOrder] : ["dmy", "mdy"]) {
    for (const p of order) await page.keyboard.type(parts[p]);
    if ((await page.inputValue(selector)) === iso) {
      if (d !== m) dateOrder = order;
      return;
    }
    // Back to the field's first part: leave it backwards, then come in again.
    for (let i = 0; i < 5 && (await focusIs(page, selector)); i += 1) await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
  }
  check(`flow: date typed into ${selector}`, false, `${await page.inputValue(selector)} instead of ${iso}`);
  throw new FlowStop(`could not type a date into ${selector}`);
}

/** Presses Enter on the focused control and waits for the page it leads to. */
async function pressEnter(page) {
  const [res] = await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.keyboard.press("Enter")]);
  return res;
}

/** Checks a page reached in the flow: no server error, and axe. */
async function arrived(page, res, label) {
  check(`flow: no server error on ${label}`, res !== null && res.status() < 500, String(res?.status()));
  await axe(page, `flow: ${label} (nb, 1280)`);
}

/** Tabs to a link or button, presses Enter and checks the page it leads to. */
async function follow(page, selector, label) {
  await tabTo(page, selector);
  const res = await pressEnter(page);
  await arrived(page, res, label);
  return res;
}

/** The trimmed text of the first element matching `selector`. */
async function textOf(page, selector) {
  return (await page.locator(selector).first().textContent())?.trim() ?? "";
}

/** The stage shown under the heading of a dialogue or report page. */
async function stageShown(page) {
  return textOf(page, "main p .stage");
}

/** The ids of the stages the page offers as the next step. */
async function offeredStages(page) {
  return page.locator("input[name=stage]").evaluateAll((rs) => rs.map((r) => r.value));
}

/** Picks a stage in the "next step" radio group with the arrow keys. */
async function chooseStage(page, stage) {
  await tabTo(page, "input[name=stage]"); // focus lands on the checked radio of the group
  for (let i = 0; i < 4 && !(await focusIs(page, `#stage-${stage}`)); i += 1) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  check(`flow: ${stage} chosen with the keyboard`, await page.isChecked(`#stage-${stage}`));
}

/** Signs in on the login page with the keyboard. */
async function keyboardLogin(page, email) {
  await page.goto(`${BASE}/login`);
  await typeInto(page, "#email", email);
  await typeInto(page, "#password", PASSWORD);
  const res = await follow(page, "main button[type=submit]", `home after login as ${email}`);
  check(`flow: ${email} lands on the work list`, new URL(page.url()).pathname === "/tasks" &&
    (await page.locator('header form[action="/logout"] button').count()) === 1, `${res?.status()} ${page.url()}`);
}

/** A valid fødselsnummer, computed with the mod-11 rule. The birth date is in 1885
 *  (individual numbers 500–749 belong to 1854–1899), so it is nobody alive. */
function identityNumber() {
  const k1w = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const k2w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const control = (digits, weights) => (11 - (digits.reduce((s, x, i) => s + x * weights[i], 0) % 11)) % 11;
  for (let individual = 500; individual < 750; individual += 1) {
    const digits = `150385${individual}`.split("").map(Number);
    const k1 = control(digits, k1w);
    if (k1 === 10) continue;
    const k2 = control([...digits, k1], k2w);
    if (k2 === 10) continue;
    return [...digits, k1, k2].join("");
  }
  throw new Error("no valid identity number found");
}

/** Dates from 1 January to today (UTC, as the server counts), evenly spread: the cycle
 *  start, then one per step, so no step is in the future or before the one before. */
function schedule(steps) {
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const jan1 = new Date(Date.UTC(today.getUTCFullYear(), 0, 1));
  const gap = Math.floor((today - jan1) / 86_400_000 / (steps + 1));
  return Array.from({ length: steps + 1 }, (_, i) =>
    new Date(jan1.getTime() + (i + 1) * gap * 86_400_000).toISOString().slice(0, 10));
}

/** Plans, holds, reports, approves and publishes a dialogue with the keyboard only; then
 *  writes, approves and submits a report, which the secretariat assesses and the embete
 *  answers. */
async function keyboardFlow(browser) {
  await runFlow(browser, "flow", flowSteps);
  await runFlow(browser, "yearly flow", yearlySteps);
}

/** Runs one keyboard flow in fresh browser contexts, and checks it ran to its end. */
async function runFlow(browser, label, steps) {
  const serverErrors = [];
  const open = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nb-NO" });
    const page = await ctx.newPage();
    page.on("response", (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
    return { ctx, page };
  };
  const contexts = [];
  try {
    await steps(open, contexts);
    check(`${label}: ran to the end`, true);
  } catch (e) {
    check(`${label}: ran to the end`, false, e instanceof FlowStop ? e.message : (e.stack ?? String(e)));
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
  check(`${label}: no server errors`, serverErrors.length === 0, serverErrors.join(", "));
}

/** Chooses a radio button of the group `name` with the arrow keys and Space. */
async function chooseRadio(page, name, value) {
  await tabTo(page, `input[name=${name}]`); // focus lands on the checked radio of the group
  for (let i = 0; i < 5 && !(await focusIs(page, `#${name}-${value}`)); i += 1) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  check(`flow: ${name} ${value} chosen with the keyboard`, await page.isChecked(`#${name}-${value}`));
}

/** Oslo og Viken's mid-year report for 2019, from its start to the embete's reply to the
 *  secretariat's question, with the keyboard only. Requirements 3 and 4 are the demo's
 *  reporting requirements. */
async function yearlySteps(open, contexts) {
  const report = "/yearly-reports/oslo-og-viken/2019/midyear";
  const notice = (page) => textOf(page, "main .ds-alert[role=status]");
  const submit = "main form.stack .button-row button[type=submit]";

  const staff = await open();
  contexts.push(staff.ctx);
  const sp = staff.page;
  await keyboardLogin(sp, "saksbehandler@samla.example");
  await follow(sp, 'header a[href="/yearly-reports"]', "yearly reports");
  await follow(sp, `main form[action="${report}"] button[type=submit]`, "mid-year report started");
  check("yearly: the report is started", (await notice(sp)) === "Rapporten er startet.", await notice(sp));

  await follow(sp, `main a[href="${report}/answers/3"]`, "first answer");
  await chooseRadio(sp, "status", "partly");
  await typeInto(sp, "#text", "Dialog med Nav, skole og helse i elleve kommuner og bydeler.");
  await typeInto(sp, "#figures", "Kommuner og bydeler i dialog: 11");
  await follow(sp, submit, "report after the first answer");
  check("yearly: the answer is saved", (await notice(sp)) === "Svaret er lagret.", await notice(sp));

  // Not relevant without the reason: refused at the field, the choice kept.
  await follow(sp, `main a[href="${report}/answers/4"]`, "second answer");
  await chooseRadio(sp, "status", "not_relevant");
  await follow(sp, submit, "second answer refused");
  check("yearly: the missing reason is pointed at", (await sp.getAttribute("#reason", "aria-invalid")) === "true");
  check("yearly: the choice is kept", await sp.isChecked("#status-not_relevant"));
  await typeInto(sp, "#reason", "Fylkeskommunen svarer for videregående opplæring i denne perioden.");
  await follow(sp, submit, "report after the second answer");

  // A leader approves; the case officer submits.
  const lead = await open();
  contexts.push(lead.ctx);
  const lp = lead.page;
  await keyboardLogin(lp, "leder@samla.example");
  await lp.goto(`${BASE}${report}`);
  await follow(lp, `main form[action="${report}/approve"] button[type=submit]`, "report approved");
  check("yearly: the leader approves", (await notice(lp)).startsWith("Rapporten er godkjent"), await notice(lp));
  await sp.goto(`${BASE}${report}`);
  await follow(sp, `main form[action="${report}/submit"] button[type=submit]`, "report submitted");
  check("yearly: the report is submitted", (await notice(sp)) === "Rapporten er sendt inn til sekretariatet.",
    await notice(sp));

  // The secretariat sees it, assesses both answers with a question, and releases.
  const sec = await open();
  contexts.push(sec.ctx);
  const cp = sec.page;
  await keyboardLogin(cp, "sekretariat@samla.example");
  await cp.goto(`${BASE}/yearly-reports/status/2019/midyear`);
  const row = await cp.locator("main table tbody tr", { hasText: "Oslo og Akershus" }).first().textContent();
  check("yearly: the secretariat sees the submission", row.includes("Sendt inn"), row);
  await follow(cp, `main a[href="${report}"]`, "submitted report");
  await follow(cp, `main a[href="${report}/assessments/3"]`, "first assessment");
  await chooseRadio(cp, "rubric", "partly");
  await chooseRadio(cp, "risk", "medium");
  await typeInto(cp, "#comment", "Godt i gang; resten av kommunene mangler.");
  await typeInto(cp, "#question", "Når blir de siste kommunene med?");
  await follow(cp, submit, "report after the first assessment");
  await follow(cp, `main a[href="${report}/assessments/4"]`, "second assessment");
  await chooseRadio(cp, "rubric", "fulfilled");
  await chooseRadio(cp, "risk", "low");
  await typeInto(cp, "#comment", "Begrunnelsen holder.");
  await follow(cp, submit, "report after the second assessment");
  await follow(cp, `main form[action="${report}/release"] button[type=submit]`, "assessment released");
  check("yearly: the assessment is released", (await notice(cp)) === "Vurderingen er frigitt til embetet.",
    await notice(cp));

  // The embete reads it and answers the question.
  await sp.goto(`${BASE}${report}`);
  const body = await sp.locator("main").textContent();
  check("yearly: the embete reads the assessment", body.includes("Godt i gang; resten av kommunene mangler."));
  await typeInto(sp, "#reply-3", "Alle er med innen utgangen av året.");
  await follow(sp, `main form[action="${report}/answers/3/reply"] button[type=submit]`, "reply sent");
  check("yearly: the reply is sent", (await notice(sp)) === "Svaret er sendt til sekretariatet.", await notice(sp));
}

/** The flow's steps; `open` gives a new signed-out browser context and page. */
async function flowSteps(open, contexts) {
  const [start, invited, accepted, leadersHeld, youthHeld, drafted, approved, published] = schedule(7);
  const year = start.slice(0, 4);
  const cycleName = `Tastaturrunde ${year} ${Date.now().toString(36)}`;
  const fnr = identityNumber();
  const facts = "Kommunen har om lag 2 900 innbyggere og én ungdomsskole.";
  const summary = "Vi snakket med elevrådet og lederne i kommunen. De unge vil ha tryggere skolevei og " +
    "flere steder å være. Kommunen skal lage en plan for dette.";
  const stepButton = 'main form[action$="/step"] button[type=submit]';
  // While the report is open, the step box is part of the report's form (its button saves
  // what was typed first); once approved, it is a form of its own.
  const reportStepButton = 'main button[formaction$="/report/step"], main form[action$="/report/step"] button[type=submit]';
  const reportStep = 'main button[formaction$="/report/step"], main form[action$="/report/step"]';
  const saveReport = "main form.report-form .button-row button[type=submit]";
  const notice = (page) => textOf(page, "main .ds-alert[role=status]");

  // 1. The case officer signs in.
  const staff = await open();
  contexts.push(staff.ctx);
  const sp = staff.page;
  await keyboardLogin(sp, "saksbehandler@samla.example");

  // 2. Plans a cycle for the embete.
  await follow(sp, 'header a[href="/dialogue/cycles"]', "cycles");
  await follow(sp, 'main a[href="/dialogue/cycles/new"]', "new cycle");
  await typeInto(sp, "#name", cycleName);
  await typeDate(sp, "#starts_on", start);
  await typeDate(sp, "#ends_on", `${year}-12-31`);
  await follow(sp, "main form button[type=submit]", "new cycle created");
  const cycleUrl = new URL(sp.url()).pathname;
  check("flow: the cycle is created", /^\/dialogue\/cycles\/\d+$/.test(cycleUrl) &&
    (await textOf(sp, "h1")) === cycleName, sp.url());
  const embeteLine = await textOf(sp, "main > p");
  check("flow: the cycle is the embete's", embeteLine.includes("Oslo og Akershus"), embeteLine);

  // 3. Adds a dialogue with Hurdal (or the first unit offered) to it.
  const unit = (await sp.locator("#unit-3242").count()) ? "3242"
    : await sp.locator("input[name=unit]").first().inputValue();
  await toggle(sp, `#unit-${unit}`);
  check("flow: a unit is ticked with Space", await sp.isChecked(`#unit-${unit}`));
  await follow(sp, 'main form[action$="/dialogues"] button[type=submit]', "cycle with a dialogue");
  check("flow: adding is confirmed", (await notice(sp)) === "Én dialog er lagt til.", await notice(sp));
  const row = sp.locator("main table tbody tr", { hasText: unit });
  check("flow: the dialogue is listed as planned", (await row.count()) === 1 &&
    (await row.textContent()).includes("Planlagt"));
  const unitName = (await row.locator("th a").textContent()).trim();
  await follow(sp, `main table a[href="${await row.locator("th a").getAttribute("href")}"]`, "new dialogue");
  const dialogueUrl = new URL(sp.url()).pathname;
  const id = dialogueUrl.split("/").pop();
  check("flow: the dialogue page opens", /^\/dialogue\/dialogues\/\d+$/.test(dialogueUrl), sp.url());
  check("flow: a new dialogue is planned", (await stageShown(sp)) === "Planlagt", await stageShown(sp));
  let steps = await sp.locator(".timeline li").count();
  check("flow: planning is the first entry in the timeline", steps === 1, String(steps));

  /** Takes a step on the dialogue page and checks it is recorded. */
  const dialogueStep = async (stage, date, shown) => {
    await chooseStage(sp, stage);
    await typeDate(sp, "#date", date);
    await follow(sp, stepButton, `dialogue after ${stage}`);
    check(`flow: ${stage} is confirmed`, sp.url().endsWith(`${dialogueUrl}?saved=1`) &&
      (await notice(sp)) === "Steget er registrert.", sp.url());
    check(`flow: ${stage} shows as the stage`, (await stageShown(sp)) === shown, await stageShown(sp));
    const entries = await sp.locator(".timeline li").allTextContents();
    check(`flow: ${stage} is in the timeline`, entries.length === steps + 1 && entries.at(-1).startsWith(shown),
      entries.join(" | "));
    steps = entries.length;
  };
  /** Submits a step that must be refused; the response. */
  const refusedStep = async (stage, date, label) => {
    await chooseStage(sp, stage);
    await typeDate(sp, "#date", date);
    await tabTo(sp, stepButton);
    const res = await pressEnter(sp);
    await arrived(sp, res, label);
    return res;
  };

  // 4. The steps in order, each offered only when it is allowed.
  let offered = await offeredStages(sp);
  check("flow: only the invitation is offered first", offered.join() === "invited", offered.join());
  // A step dated in the future is refused, with the date kept, marked and linked.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  let res = await refusedStep("invited", tomorrow, "dialogue with a future step date");
  check("flow: a future step date is refused", res.status() === 422 && (await stageShown(sp)) === "Planlagt",
    String(res.status()));
  check("flow: a future step date is kept", (await sp.inputValue("#date")) === tomorrow);
  check("flow: a future step date is marked", (await sp.getAttribute("#date", "aria-invalid")) === "true");
  check("flow: a future step date is linked from the summary",
    (await sp.locator('.ds-error-summary a[href="#date"]').count()) === 1);
  check("flow: a future step date is explained as such",
    (await textOf(sp, ".ds-error-summary li")).includes("senere enn i dag"), await textOf(sp, ".ds-error-summary li"));
  check("flow: focus moves to the error summary",
    await sp.evaluate(() => document.activeElement?.classList.contains("ds-error-summary") ?? false));
  await dialogueStep("invited", invited, "Invitert");

  offered = await offeredStages(sp);
  check("flow: accepted or declined is offered after the invitation", offered.join() === "accepted,declined",
    offered.join());
  // A step dated before the step before it is refused.
  res = await refusedStep("accepted", `${Number(year) - 1}-12-31`, "dialogue with a step dated too early");
  check("flow: a step before the previous one is refused", res.status() === 422 &&
    (await stageShown(sp)) === "Invitert", String(res.status()));
  check("flow: the too early date is marked", (await sp.getAttribute("#date", "aria-invalid")) === "true");
  check("flow: the too early date is explained as such",
    (await textOf(sp, ".ds-error-summary li")).includes("forrige steg"), await textOf(sp, ".ds-error-summary li"));
  await dialogueStep("accepted", accepted, "Takket ja");

  // The leaders' meeting: recorded on its own page, then the step.
  offered = await offeredStages(sp);
  check("flow: the leaders' meeting is the only step offered", offered.join() === "leaders_meeting_held",
    offered.join());
  await follow(sp, `main a[href="${dialogueUrl}/meetings/leaders"]`, "leaders' meeting");
  await typeDate(sp, "#held_on", leadersHeld);
  await typeInto(sp, "#place", "Rådhuset");
  for (const s of ["health", "child_welfare", "kindergarten_school", "culture_leisure"]) {
    await toggle(sp, `#service-${s}`);
  }
  await typeInto(sp, "#roles", "Rådmann, kommunalsjef for oppvekst, barnevernleder, helsesykepleier.");
  await typeInto(sp, "#notes", "Lederne ønsker mer samarbeid mellom skole og barnevern.");
  await follow(sp, "main form button[type=submit]", "leaders' meeting saved");
  check("flow: the leaders' meeting is saved", (await notice(sp)) === "Møtet er lagret.", await notice(sp));
  check("flow: the leaders' meeting keeps what was typed", (await sp.inputValue("#held_on")) === leadersHeld &&
    (await sp.isChecked("#service-child_welfare")) && !(await sp.isChecked("#service-police")));
  await follow(sp, `main a[href="${dialogueUrl}"]`, "dialogue after the leaders' meeting");
  await dialogueStep("leaders_meeting_held", leadersHeld, "Ledermøte holdt");

  // The youth meeting: a group, a count and age bands, never names.
  await follow(sp, `main a[href="${dialogueUrl}/meetings/youth"]`, "youth meeting");
  const warning = await textOf(sp, "main .ds-alert[data-color=warning]");
  check("flow: the youth meeting warns against names", warning.includes("aldri navn"), warning);
  await typeDate(sp, "#held_on", youthHeld);
  await typeInto(sp, "#place", "Ungdomsklubben");
  await toggle(sp, "#service-culture_leisure");
  await typeInto(sp, "#roles", "Ungdomskontakt og leder for ungdomsklubben.");
  await tabTo(sp, "input[name=youth_group]"); // no group chosen yet: focus lands on the first
  await sp.keyboard.press("ArrowDown");
  check("flow: a group is chosen with the arrow keys", await sp.isChecked("#group-pupil_council"));
  await typeInto(sp, "#participants", "12");
  for (const b of ["13-15", "16-18"]) await toggle(sp, `#band-${b}`);
  await typeInto(sp, "#notes", "De unge snakket om skolevei, fritid og hvem de kan si fra til.");
  await follow(sp, "main form button[type=submit]", "youth meeting saved");
  check("flow: the youth meeting is saved", (await notice(sp)) === "Møtet er lagret.", await notice(sp));
  check("flow: the youth meeting keeps group, count and bands", (await sp.isChecked("#group-pupil_council")) &&
    (await sp.inputValue("#participants")) === "12" && (await sp.isChecked("#band-16-18")) &&
    !(await sp.isChecked("#band-6-12")));
  await follow(sp, `main a[href="${dialogueUrl}"]`, "dialogue after the youth meeting");
  await dialogueStep("youth_meeting_held", youthHeld, "Møte med barn og unge holdt");
  // The report's steps are not taken here but from the report.
  check("flow: no step is offered on the dialogue page once the meetings are held",
    (await sp.locator('main form[action$="/step"]').count()) === 0);
  const pending = await textOf(sp, "main .ds-alert[data-color=info]");
  check("flow: the dialogue page points to the report", pending.includes("tas fra rapporten"), pending);

  // The report, written in the editor.
  await follow(sp, `main a[href="${dialogueUrl}/report"]`, "empty report");
  check("flow: no report step before the report is saved",
    (await sp.locator(reportStep).count()) === 0);
  await typeInto(sp, "#child_summary", summary);
  await typeInto(sp, "#facts", facts);
  await typeInto(sp, "#leaders_said", "Lederne vil samarbeide mer på tvers av tjenestene.");
  await typeInto(sp, "#youth_said", "Elevrådet savner lys langs skoleveien og et sted å være etter skolen.");
  await typeInto(sp, "#finding_body_0", "Barn og unge blir ikke spurt når kommunen planlegger veier og fritidstilbud.");
  await typeInto(sp, "#finding_crc_0", "12, 3, art. 31");
  await typeInto(sp, "#finding_steps_0", "2 5");
  await typeInto(sp, "#advice", "Statsforvalteren råder kommunen til å ta med ungdomsrådet i planarbeidet.");
  await typeInto(sp, "#follow_up_body_0", "Lage en plan for medvirkning i planarbeid.");
  await typeInto(sp, "#follow_up_owner_0", "Kommunalsjef for oppvekst");
  await typeDate(sp, "#follow_up_deadline_0", `${Number(year) + 1}-03-01`);
  await tabTo(sp, "#follow_up_status_0");
  await sp.keyboard.press("ArrowDown");
  check("flow: a status is chosen with the arrow keys", (await sp.inputValue("#follow_up_status_0")) === "in_progress");
  await follow(sp, saveReport, "report saved");
  check("flow: the report is saved", sp.url().endsWith(`${dialogueUrl}/report?saved=1`) &&
    (await notice(sp)) === "Rapporten er lagret.", sp.url());
  check("flow: articles and steps are tidied", (await sp.inputValue("#finding_crc_0")) === "3, 12, 31" &&
    (await sp.inputValue("#finding_steps_0")) === "2, 5");
  check("flow: the report keeps the summary", (await sp.inputValue("#child_summary")) === summary);
  // Now the report exists, its first step is offered, to the case officer too.
  offered = await offeredStages(sp);
  check("flow: drafting is offered from the report", offered.join() === "report_drafted", offered.join());
  await chooseStage(sp, "report_drafted");
  await typeDate(sp, "#date", drafted);
  await follow(sp, reportStepButton, "report drafted");
  check("flow: report_drafted shows as the stage", (await stageShown(sp)) === "Rapport skrevet", await stageShown(sp));
  check("flow: a report step is confirmed as a step", (await notice(sp)) === "Steget er registrert.", await notice(sp));
  check("flow: a case officer is told a leader approves",
    (await sp.locator(reportStep).count()) === 0 &&
    (await textOf(sp, "main > .ds-alert[data-color=info]")).includes("En leder"));

  // 5. The identity-number gate: a valid number in a free-text field is saved...
  await tabTo(sp, "#facts");
  await sp.keyboard.press("Control+End");
  await sp.keyboard.type(` Kontaktperson: ${fnr}.`);
  await follow(sp, saveReport, "report with an identity number");
  check("flow: the identity number is saved in the draft", (await sp.inputValue("#facts")).includes(fnr));
  // ...and the case officer signs out.
  await follow(sp, 'header form[action="/logout"] button', "home after signing out");
  check("flow: the case officer is signed out", (await sp.locator('header a[href^="/login"]').count()) === 1);

  // The leader signs in and finds the report by following links.
  const lead = await open();
  contexts.push(lead.ctx);
  const lp = lead.page;
  await keyboardLogin(lp, "leder@samla.example");
  await follow(lp, 'header a[href="/dialogue/cycles"]', "cycles as the leader");
  await follow(lp, `main a[href="${cycleUrl}"]`, "cycle as the leader");
  await follow(lp, `main a[href="${dialogueUrl}"]`, "dialogue as the leader");
  await follow(lp, `main a[href="${dialogueUrl}/report"]`, "report as the leader");
  offered = await offeredStages(lp);
  check("flow: approval is offered to the leader", offered.join() === "report_approved", offered.join());
  /** Tries to approve; the response. */
  const approve = async (label) => {
    await chooseStage(lp, "report_approved");
    await typeDate(lp, "#date", approved);
    await tabTo(lp, reportStepButton);
    const r = await pressEnter(lp);
    await arrived(lp, r, label);
    return r;
  };
  res = await approve("approval refused for an identity number");
  check("flow: approval with an identity number is refused", res.status() === 422 &&
    (await stageShown(lp)) === "Rapport skrevet", `${res.status()} ${await stageShown(lp)}`);
  const link = lp.locator('.ds-error-summary a[href="#facts"]');
  check("flow: the refusal names the field", (await link.textContent()).startsWith("Fakta og statistikk:"),
    await link.textContent());
  check("flow: the refusal links to the field", (await link.count()) === 1 &&
    (await link.textContent()).includes("fødselsnummer"), await textOf(lp, ".ds-error-summary"));
  check("flow: the refusal marks the field", (await lp.getAttribute("#facts", "aria-invalid")) === "true" &&
    (await lp.getAttribute("#facts", "aria-describedby")).includes("facts-error"));
  // Confirming the 11-digit check does not let a valid number through.
  await toggle(lp, "#confirm_personal_ids");
  res = await approve("approval refused again after confirming");
  check("flow: confirming does not let an identity number through", res.status() === 422 &&
    (await stageShown(lp)) === "Rapport skrevet", String(res.status()));
  // The leader removes the number and saves.
  await typeInto(lp, "#facts", facts);
  await follow(lp, saveReport, "report without the identity number");
  check("flow: the identity number is removed", (await notice(lp)) === "Rapporten er lagret." &&
    (await lp.inputValue("#facts")) === facts);

  // 6. The leader approves, then publishes.
  await approve("report approved");
  check("flow: report_approved shows as the stage", (await stageShown(lp)) === "Rapport godkjent",
    await stageShown(lp));
  check("flow: an approved report is locked and reads as it will be published",
    (await lp.locator(saveReport).count()) === 0 && (await lp.locator("textarea").count()) === 0 &&
    (await lp.locator("main article.report .child-summary").count()) === 1);
  offered = await offeredStages(lp);
  check("flow: publishing or sending back is offered", offered.join() === "published,report_drafted", offered.join());
  await chooseStage(lp, "published");
  await typeDate(lp, "#date", published);
  await follow(lp, reportStepButton, "public page after publishing");
  check("flow: publishing leads to the public page", new URL(lp.url()).pathname === `/dialogues/${id}`, lp.url());
  check("flow: publishing is confirmed", (await notice(lp)).startsWith("Rapporten er publisert"), await notice(lp));
  await follow(lp, 'header a[href="/dialogue/cycles"]', "cycles after publishing");
  await follow(lp, `main a[href="${cycleUrl}"]`, "cycle after publishing");
  check("flow: the cycle shows the dialogue as published",
    (await lp.locator("main table tbody tr", { hasText: unitName }).textContent()).includes("Publisert"));
  await follow(lp, `main a[href="${dialogueUrl}"]`, "dialogue after publishing");
  const timeline = await lp.locator(".timeline li strong").allTextContents();
  const expected = ["Planlagt", "Invitert", "Takket ja", "Ledermøte holdt", "Møte med barn og unge holdt",
    "Rapport skrevet", "Rapport godkjent", "Publisert"];
  check("flow: every step is in the timeline, in order", timeline.join() === expected.join(), timeline.join(" | "));
  check("flow: no step is offered after publishing", (await lp.locator('main form[action$="/step"]').count()) === 0);

  // 7. A visitor reads the published dialogue: the summary for children comes first.
  const visitor = await open();
  contexts.push(visitor.ctx);
  const vp = visitor.page;
  res = await vp.goto(`${BASE}/dialogues/${id}`);
  await arrived(vp, res, "public dialogue as a visitor");
  check("flow: the public page is shown", res.status() === 200 && (await textOf(vp, "h1")).startsWith(unitName));
  const firstSection = await vp.locator("main article.report > *").first().getAttribute("class");
  const firstHeading = await textOf(vp, "main h2");
  check("flow: the child-friendly summary comes first", firstSection === "child-summary" &&
    firstHeading === "Kort fortalt, for barn og unge", `${firstSection} / ${firstHeading}`);
  check("flow: the child-friendly summary is shown", (await textOf(vp, ".child-summary p")) === summary);
  const body = await vp.locator("main").textContent();
  const shown = ["BK art. 3, 12, 31", "Steg 2, 5", "ta med ungdomsrådet", "Lage en plan for medvirkning",
    "12 barn og unge deltok"];
  check("flow: the public page has the finding, advice and follow-up", shown.every((t) => body.includes(t)),
    shown.filter((t) => !body.includes(t)).join(", "));
  check("flow: the public page has no identity number", !body.includes(fnr));
  await follow(vp, 'header a[href="/reports"]', "published reports as a visitor");
  const listed = vp.locator(`main table a[href="/dialogues/${id}"]`);
  check("flow: the report is listed on /reports", (await listed.count()) === 1 &&
    (await listed.textContent()).trim() === unitName);
  await follow(vp, `main table a[href="/dialogues/${id}"]`, "public dialogue from the list");
  check("flow: the list leads to the public page", new URL(vp.url()).pathname === `/dialogues/${id}`);

  // 8. The leader withdraws the report with a reason the public sees; it leaves the list.
  const reason = "Rapporten hadde en feil i faktadelen og trekkes tilbake for retting.";
  await follow(lp, `main a[href="${dialogueUrl}/report"]`, "report page after publishing");
  check("flow: the leader is offered to withdraw", (await lp.locator('main form[action$="/withdraw"]').count()) === 1);
  await typeInto(lp, "#withdraw_reason", reason);
  res = await follow(lp, 'main form[action$="/withdraw"] button[type=submit]', "withdrawn report");
  check("flow: the withdrawn report answers 410 with its reason", res.status() === 410 &&
    (await textOf(lp, "main p.pre")) === reason, `${res.status()} ${await textOf(lp, "main p.pre")}`);
  res = await vp.goto(`${BASE}/reports`);
  await arrived(vp, res, "published reports after the withdrawal");
  check("flow: the withdrawn report leaves the list",
    (await vp.locator(`main table a[href="/dialogues/${id}"]`).count()) === 0);
}

/** Runs the Nu HTML Checker (vnu) once over the files in `dir`; a file with errors fails its check. */
function validateHtml(dir) {
  const jar = createRequire(import.meta.url).resolve("vnu-jar/build/dist/vnu.jar");
  const files = readdirSync(dir).sort().map((f) => join(dir, f));
  const run = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error || !run.stderr.trim().startsWith("{")) {
    check("the Nu HTML Checker ran", false, String(run.error ?? run.stderr.slice(0, 300)));
    return;
  }
  const messages = JSON.parse(run.stderr).messages.filter((m) => m.type === "error");
  for (const file of files) {
    const url = `file:${file}`;
    const own = messages.filter((m) => m.url === url || m.url?.endsWith(file));
    const detail = own.slice(0, 3).map((m) => `line ${m.lastLine}: ${m.message}`).join("; ");
    check(`valid HTML ${file.slice(dir.length + 1)}`, own.length === 0, detail);
  }
}

async function sweep(browser) {
  mkdirSync(SHOTS, { recursive: true });

  for (const who of ROLES) {
    for (const lang of ["nb", "nn"]) {
      for (const width of [320, 1280]) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await ctx.newPage();
        await page.goto(`${BASE}/lang/${lang}?next=/`);
        if (who.email) await login(page, who);
        for (const path of pagesFor(who)) {
          const res = await page.goto(`${BASE}${path}`);
          const label = `${path} as ${who.role} (${lang}, ${width})`;
          check(`no server error ${label}`, res.status() < 500, String(res.status()));
          check(`html lang ${label}`, (await page.getAttribute("html", "lang")) === lang);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          check(`no sideways scrolling ${label}`, overflow <= 1, `${overflow}px`);
          await axe(page, label);
          if (width === 1280 && lang === "nb" && (who.role === "visitor" || who.role === "admin")) {
            const name = `${who.role}${path.replace(/[^a-z0-9]+/gi, "_")}.png`;
            await page.screenshot({ path: join(SHOTS, name), fullPage: true });
          }
        }
        await ctx.close();
      }
    }
  }
}

// A session that runs out while a report is being written: a second server on the same
// database ends sessions after one idle minute. The posted report must come back after
// the new login, and be saved when it is sent again.
/** A published report is reopened for correction, two people edit it at once and
 *  settle the field both changed, and the correction is published: the public page
 *  keeps the published text until then, and afterwards says "Korrigert". */
async function correction(browser) {
  const serverErrors = [];
  const contexts = [];
  const open = async (width = 1280) => {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: "nb-NO" });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on("response", (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
    return page;
  };
  const report = `${BASE}/dialogue/dialogues/1/report`;
  const saveReport = "main form.report-form .button-row button[type=submit]";
  const notice = (page) => textOf(page, "main .ds-alert[role=status]");
  try {
    mkdirSync(SHOTS, { recursive: true });
    const lp = await open();
    await keyboardLogin(lp, "leder@samla.example");
    const visitor = await open();
    await visitor.goto(`${BASE}/dialogues/1`);
    const oldFacts = await textOf(visitor, "main article.report .facts");
    check("correction: the published facts are read", oldFacts.length > 0);

    // The leader reopens the report with a reason.
    await lp.goto(report);
    check("correction: the leader is offered to reopen", (await lp.locator('main form[action$="/reopen"]').count()) === 1);
    const reason = "Antall deltakere i ungdomsmøtet var feil og rettes.";
    await typeInto(lp, "#reopen_reason", reason);
    await follow(lp, 'main form[action$="/reopen"] button[type=submit]', "report reopened for correction");
    check("correction: the report can be edited again", (await lp.locator("#report-form").count()) === 1);
    check("correction: the page says the published version stays public",
      (await lp.locator("main").innerText()).includes("åpnet for korrigering"));
    let res = await visitor.goto(`${BASE}/dialogues/1`);
    check("correction: the published version stays public while it is corrected",
      res.status() === 200 && (await res.text()).includes(oldFacts), String(res.status()));

    // Two editors at once: the case officer saves first, the leader meets a merge.
    const sp = await open();
    await keyboardLogin(sp, "saksbehandler@samla.example");
    await sp.goto(report);
    await lp.goto(report);
    await sp.fill("#facts", "Fakta rettet av saksbehandleren.");
    await sp.click(saveReport);
    await sp.waitForLoadState();
    check("correction: the first save goes through", (await notice(sp)) === "Rapporten er lagret.", await notice(sp));
    await lp.fill("#facts", "Fakta rettet av lederen.");
    await lp.fill("#advice", "Råd skrevet av lederen.");
    await lp.click(saveReport);
    await lp.waitForLoadState();
    check("correction: the second editor gets a merge, not an overwrite",
      (await lp.locator("#merge").count()) === 1 && (await lp.locator("input[name=choose_facts]").count()) === 2);
    check("correction: the advice only the leader changed stays in the editor",
      (await lp.inputValue("#advice")) === "Råd skrevet av lederen.");
    await axe(lp, "correction: merge page (1280)");
    await lp.screenshot({ path: join(SHOTS, "merge-1280.png"), fullPage: true });
    await lp.setViewportSize({ width: 320, height: 800 });
    check("correction: the merge page fits 320 px",
      !(await lp.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)));
    await axe(lp, "correction: merge page (320)");
    await lp.screenshot({ path: join(SHOTS, "merge-320.png"), fullPage: true });
    await lp.setViewportSize({ width: 1280, height: 900 });
    // Saving without a choice is refused, and points at the choice.
    await lp.click(saveReport);
    await lp.waitForLoadState();
    check("correction: saving without choosing is refused",
      (await lp.locator('main a[href="#choose_facts"]').count()) === 1);
    check("correction: the typed advice survives the refusal", (await lp.inputValue("#advice")) === "Råd skrevet av lederen.");
    await toggle(lp, "#choose_facts-mine");
    await lp.click(saveReport);
    await lp.waitForLoadState();
    check("correction: the chosen text is saved", (await notice(lp)) === "Rapporten er lagret." &&
      (await lp.inputValue("#facts")) === "Fakta rettet av lederen." &&
      (await lp.inputValue("#advice")) === "Råd skrevet av lederen.", await notice(lp));

    // The versions page compares word by word.
    await follow(lp, 'main a[href$="/report/versions"]', "report versions");
    check("correction: the versions page shows what changed", (await lp.locator("main .diff ins").count()) > 0);

    // Approve (naming the version and hash read) and publish again.
    await lp.goto(report);
    await chooseStage(lp, "report_approved");
    await follow(lp, 'main button[formaction$="/report/step"]', "correction approved");
    await chooseStage(lp, "published");
    await follow(lp, 'main form[action$="/report/step"] button[type=submit]', "correction published");
    res = await visitor.goto(`${BASE}/dialogues/1`);
    const after = await visitor.locator("main").innerText();
    check("correction: the public page shows the corrected text", after.includes("Fakta rettet av lederen."));
    check("correction: the public page says Korrigert with the reason", after.includes("Korrigert") && after.includes(reason));
    await visitor.click("main .correction summary");
    check("correction: what changed is listed word by word",
      (await visitor.locator("main .correction del").count()) > 0 && (await visitor.locator("main .correction ins").count()) > 0);
    await axe(visitor, "correction: corrected public page (1280)");
    await visitor.screenshot({ path: join(SHOTS, "corrected-1280.png"), fullPage: true });
    await visitor.setViewportSize({ width: 320, height: 800 });
    check("correction: the corrected page fits 320 px",
      !(await visitor.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)));
    await axe(visitor, "correction: corrected public page (320)");
    check("correction: the corrected page answers 200", res.status() === 200, String(res.status()));
  } catch (e) {
    check("correction: ran to the end", false, e instanceof FlowStop ? e.message : (e.stack ?? String(e)));
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
  check("correction: no server errors", serverErrors.length === 0, serverErrors.join(", "));
}

async function expiry(browser, dbUrl, dir) {
  const port = String(Number(PORT) + 1);
  const base = `http://127.0.0.1:${port}`;
  const config = join(dir, "expiry.toml");
  // Plain HTTP asked for in the file, as an operator trying samla locally would.
  writeFileSync(config, "session_idle_minutes = 1\nplain_http = true\n");
  const server = spawn(BIN, ["serve", "--config", config], {
    env: { ...process.env, SAMLA_DATABASE_URL: dbUrl, SAMLA_LISTEN: `127.0.0.1:${port}` },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  mkdirSync(SHOTS, { recursive: true });
  try {
    check("expiry: second server healthy", await waitForHealth(30_000, base));
    const page = await context.newPage();
    const signIn = async () => {
      await page.fill("#email", "saksbehandler@samla.example");
      await page.fill("#password", PASSWORD);
      await page.click("main form[action='/login'] button[type=submit]");
    };
    await page.goto(`${base}/login`);
    await signIn();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(`${base}/dialogue/dialogues/2/report`);
    const typed = "Lederne skrev dette før økten løp ut, og det skal ikke gå tapt.";
    await page.fill("#leaders_said", typed);
    await page.waitForTimeout(62_000);
    await Promise.all([
      page.waitForURL((u) => u.pathname === "/login"),
      page.click("#report-form > .button-row button[type=submit]"),
    ]);
    const notice = await page.locator("main .ds-alert").innerText().catch(() => "");
    check("expiry: the login page says the session ran out and the form is kept", notice.includes("tatt vare på"), notice);
    await axe(page, "expiry login page");
    await signIn();
    await page.waitForURL((u) => u.pathname.startsWith("/kept-forms/"));
    check("expiry: the kept form shows what was typed", (await page.locator("main").innerText()).includes(typed));
    await axe(page, "kept form page");
    await page.screenshot({ path: join(SHOTS, "kept-form-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 320, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    check("expiry: the kept form page fits 320 px", !wide);
    await axe(page, "kept form page 320");
    await page.screenshot({ path: join(SHOTS, "kept-form-320.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    const keptUrl = page.url();
    await Promise.all([
      page.waitForURL((u) => u.pathname === "/dialogue/dialogues/2/report"),
      page.click("#kept-send"),
    ]);
    check("expiry: sent again, the report holds the typed text", (await page.inputValue("#leaders_said")) === typed);
    const gone = await page.goto(keptUrl);
    check("expiry: the kept form is gone once sent", gone.status() === 404, String(gone.status()));
  } finally {
    await context.close();
    server.kill("SIGTERM");
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "samla-e2e-"));
  const dbUrl = `sqlite://${join(dir, "e2e.db")}`;
  const server = spawn(BIN, ["serve", "--demo"], {
    env: { ...process.env, SAMLA_DATABASE_URL: dbUrl, SAMLA_LISTEN: `127.0.0.1:${PORT}` },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let browser;
  try {
    if (!(await waitForHealth(30_000))) throw new Error("server did not become healthy within 30 s");
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    if (ONLY && !PARTS.includes(ONLY)) throw new Error(`SAMLA_E2E_ONLY must be one of ${PARTS.join(", ")}`);
    if (!ONLY || ONLY === "behaviour") await behaviour(browser);
    if (!ONLY || ONLY === "flow") await keyboardFlow(browser);
    if (!ONLY || ONLY === "sweep") await sweep(browser);
    if (!ONLY || ONLY === "correction") await correction(browser);
    if (!ONLY || ONLY === "expiry") await expiry(browser, dbUrl, dir);
    validateHtml(CHECKED_HTML);
  } catch (e) {
    check("suite ran to the end", false, e.stack ?? String(e));
  } finally {
    if (browser) await browser.close();
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
    rmSync(CHECKED_HTML, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`\n${failures.length} failure(s):\n- ${failures.slice(0, 60).join("\n- ")}`);
  }
  console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
