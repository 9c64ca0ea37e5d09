// samla's browser suite: starts the server with demo data on a fresh SQLite file,
// then visits every page as a visitor and as each demo role, in bokmål and nynorsk,
// at 320 px and 1280 px, checks behaviour a person would notice, and runs axe.
// Any axe violation tagged wcag2a, wcag2aa, wcag21a or wcag21aa fails the run.
//
// Usage: node run.mjs   (SAMLA_BIN picks the binary; default ../target/debug/samla)

import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(process.env.SAMLA_BIN ?? "../target/debug/samla");
const PORT = process.env.SAMLA_E2E_PORT ?? "18089";
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "samla-demo-2026";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SHOTS = resolve("screenshots");

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

async function waitForHealth(deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${BASE}/healthz`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function axe(page, label) {
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
  const pages = ["/", "/regions/municipalities/3037", "/account", `/organisations/${who.org}`];
  if (who.role === "municipality") pages.push("/follow-ups");
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
    );
  }
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
  await sp.focus("main button[type=submit]");
  await sp.keyboard.press("Enter");
  await sp.waitForURL(/saved=1/);
  check("a step is recorded from the keyboard", (await sp.locator(".timeline li").count()) === 4);
  await axe(sp, "dialogue after a step (nb, 1280)");
  // Skipping a step is refused on the page, with the date kept.
  await sp.goto(`${BASE}/dialogue/dialogues/2`);
  await sp.fill("#date", "2018-05-05");
  await sp.click("main button[type=submit]");
  check("a bad step date keeps what was typed", (await sp.inputValue("#date")) === "2018-05-05");
  check("a bad step date is explained", (await sp.locator(".ds-error-summary").count()) === 1);
  await axe(sp, "dialogue with an error (nb, 1280)");
  // The report editor keeps what was typed when a field is wrong.
  await sp.goto(`${BASE}/dialogue/dialogues/2/report`);
  await sp.fill("#child_summary", "Vi snakket med ungdomsrådet.");
  await sp.fill("#finding_body_0", "Barn blir ikke alltid hørt.");
  await sp.fill("#finding_crc_0", "99");
  await sp.click("main form.report-form button[type=submit]");
  check("report errors keep the text", (await sp.inputValue("#child_summary")) === "Vi snakket med ungdomsrådet.");
  check("report errors point at the field", (await sp.getAttribute("#finding_crc_0", "aria-invalid")) === "true");
  await axe(sp, "report with an error (nb, 1280)");
  await staff.close();

  // JavaScript off: pages and the login form work the same.
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const np = await nojs.newPage();
  await login(np, ROLES[5]);
  check("login works without JavaScript", new URL(np.url()).pathname === "/");
  await np.goto(`${BASE}/organisations/oslo-og-viken`);
  check("members page without JavaScript", (await np.locator("table tbody tr").count()) >= 2);
  await np.goto(`${BASE}/organisations/vestland`);
  check("another embete's page is refused", (await np.locator("h1").textContent()).includes("tilgang"));
  await nojs.close();
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "samla-e2e-"));
  const server = spawn(BIN, ["serve", "--demo"], {
    env: { ...process.env, SAMLA_DATABASE_URL: `sqlite://${join(dir, "e2e.db")}`, SAMLA_LISTEN: `127.0.0.1:${PORT}` },
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
    await behaviour(browser);
    await sweep(browser);
  } catch (e) {
    check("suite ran to the end", false, e.stack ?? String(e));
  } finally {
    if (browser) await browser.close();
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`\n${failures.length} failure(s):\n- ${failures.slice(0, 60).join("\n- ")}`);
  }
  console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
