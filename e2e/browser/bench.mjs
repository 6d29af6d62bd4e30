// bench.mjs: the browser half of `cargo xtask bench` — host-page impact of
// the script tag, and the console at scale — in headless Chromium (Debian's)
// with playwright-core. Prints Markdown tables. Env: E2E_BASE_URL,
// E2E_PASSWORD, BENCH_RUNS (page loads per variant), BENCH_HISTORY
// (messages in the long conversation).
import { chromium } from "playwright-core";

const base = process.env.E2E_BASE_URL;
const password = process.env.E2E_PASSWORD;
const runs = Number(process.env.BENCH_RUNS || 10);
const history = Number(process.env.BENCH_HISTORY || 10000);
const port = new URL(base).port;
const wsBase = base.replace("http://", "ws://");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (x, d = 1) => x.toFixed(d);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// ---- host-page impact ------------------------------------------------------

async function loadOnce(url, withWidget) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
      .observe({ type: "longtask", buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("Network.enable");
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  await page.goto(url, { waitUntil: "load" });
  if (withWidget) await page.getByTestId("chat-launcher").waitFor();
  await page.waitForTimeout(500); // let anything deferred run
  const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const long = await page.evaluate(() => window.__long);
  await context.close();
  return { script: metrics.ScriptDuration * 1000, task: metrics.TaskDuration * 1000, bytes, long };
}

async function hostPage() {
  const variants = { control: [], widget: [] };
  for (let i = 0; i < runs; i++) {
    variants.control.push(await loadOnce(`http://localhost:${port}/demo?control=1`, false));
    variants.widget.push(await loadOnce(`http://localhost:${port}/demo`, true));
  }
  const m = (v, f) => median(variants[v].map(f));
  console.log(`\nhost page, median of ${runs} loads each, before any interaction:\n`);
  console.log("| measure | control page | with script tag | difference |\n|---|---:|---:|---:|");
  const line = (name, f, d) => console.log(`| ${name} | ${fmt(m("control", f), d)} | ${fmt(m("widget", f), d)} | ${fmt(m("widget", f) - m("control", f), d)} |`);
  line("main-thread script time (ms)", (r) => r.script, 2);
  line("main-thread task time (ms)", (r) => r.task, 2);
  line("bytes transferred", (r) => r.bytes, 0);
  line("long tasks (count)", (r) => r.long.length, 0);
  line("long tasks (total ms)", (r) => r.long.reduce((a, b) => a + b, 0), 1);
}

// ---- console at scale ------------------------------------------------------

async function createConversation() {
  // As the widget does: from the Worker's own origin.
  const r = await fetch(`${base}/api/conversations`, { method: "POST", headers: { origin: base }, body: JSON.stringify({ site: "demo" }) });
  if (!r.ok) throw new Error(`create: ${r.status}`);
  return r.json();
}

// Sends `texts` on a customer socket, pipelined, and waits for every ack.
function sendAll(conv, texts, offset = 0) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsBase}/api/conversations/${conv.conversation}/ws?after=0`,
      { protocols: ["chat", `t.${conv.token}`], headers: { origin: base } });
    let acked = 0;
    ws.onerror = () => reject(new Error("socket error"));
    ws.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.msg.welcome) texts.forEach((t, i) => ws.send(JSON.stringify({ v: 1, id: `b${offset + i}`, msg: { send: { text: t } } })));
      if (f.msg.ack && ++acked === texts.length) { ws.close(); resolve(); }
      if (f.msg.error) reject(new Error(f.msg.error.message));
    };
  });
}

async function consoleAtScale() {
  const t0 = Date.now();
  const small = [];
  for (let i = 0; i < 100; i++) {
    const c = await createConversation();
    await sendAll(c, [`question number ${i}`]);
    small.push(c);
  }
  const hundred = await createConversation();
  await sendAll(hundred, Array.from({ length: 100 }, (_, i) => `short history ${i + 1}`));
  const big = await createConversation();
  const texts = Array.from({ length: history }, (_, i) => `history message ${i + 1}`);
  for (let i = 0; i < texts.length; i += 10000) await sendAll(big, texts.slice(i, i + 10000), i);
  console.log(`\nconsole at scale: 100 conversations + one of ${history} messages (seeded in ${fmt((Date.now() - t0) / 1000)} s); median of ${Math.min(runs, 5)} runs:\n`);
  const last = `history message ${history}`;
  const res = { inbox: [], open100: [], open: [], switchTo: [], back: [], dom: [] };
  for (let r = 0; r < Math.min(runs, 5); r++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.getByTestId("console-email").fill("operator@demo.test");
    await page.getByTestId("console-password").fill(password);
    let t = Date.now();
    await page.getByTestId("console-login").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="console-conversation"]').length >= 101, null, { polling: "raf", timeout: 60000 });
    res.inbox.push(Date.now() - t);
    const item = (id) => page.locator(`[data-testid="console-conversation"][data-conversation="${id}"]`);
    const shows = (text) => page.waitForFunction((text) => [...document.querySelectorAll('[data-testid="console-message"]')].some((e) => e.textContent === text), text, { polling: "raf", timeout: 120000 });
    t = Date.now();
    await item(hundred.conversation).click();
    await shows("short history 100");
    res.open100.push(Date.now() - t);
    t = Date.now();
    await item(big.conversation).click();
    await shows(last);
    res.open.push(Date.now() - t);
    res.dom.push(await page.locator('[data-testid="console-message"]').count());
    t = Date.now();
    await item(small[50].conversation).click();
    await shows("question number 50");
    res.switchTo.push(Date.now() - t);
    t = Date.now();
    await item(big.conversation).click();
    await shows(last);
    res.back.push(Date.now() - t);
    await context.close();
  }
  console.log("| measure | ms |\n|---|---:|");
  console.log(`| sign in → 101 conversations listed | ${median(res.inbox)} |`);
  console.log(`| open a 100-message conversation → newest message shown | ${median(res.open100)} |`);
  console.log(`| open the ${history}-message conversation → newest message shown | ${median(res.open)} |`);
  console.log(`| switch to a short conversation → shown | ${median(res.switchTo)} |`);
  console.log(`| switch back to the long one → newest message shown | ${median(res.back)} |`);
  console.log(`\nopening ${history} messages took ${fmt(median(res.open) / median(res.open100))}× the time of 100`);
  console.log(`message elements in the DOM with the long conversation open: ${median(res.dom)} (of ${history})`);
}

try {
  await hostPage();
  await consoleAtScale();
} finally {
  await browser.close();
}
