import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking"] });
const [width, out, login, ...paths] = process.argv.slice(2);
const p = await (await b.newContext({ viewport: { width: +width, height: 800 } })).newPage();
if (login !== "-") {
  await p.goto("http://127.0.0.1:8089/login");
  await p.fill("#email", login); await p.fill("#password","samla-demo-2026");
  await Promise.all([p.waitForURL(u=>!u.pathname.startsWith("/login")), p.click("main button[type=submit]")]);
}
let i = 0;
for (const path of paths) { await p.goto("http://127.0.0.1:8089" + path); await p.screenshot({ path: `${out}${i++}.png`, fullPage: true }); }
await b.close();
