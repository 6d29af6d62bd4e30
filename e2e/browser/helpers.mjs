// helpers.mjs: what the browser tests share: the Worker's addresses, one
// Chromium, dialog and error watching, waiting for message texts, the
// pre-chat form, opening the widget and signing in to the console, and
// authenticator codes (RFC 6238) as a phone's app computes them.
import { createHmac } from "node:crypto";
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const base = process.env.E2E_BASE_URL;
export const password = process.env.E2E_PASSWORD;
if (!base || !password) throw new Error("run with `cargo xtask test` (E2E_BASE_URL, E2E_PASSWORD)");
export const port = new URL(base).port;
// The host page on one site, the Worker (widget iframe, API) on another.
export const demoUrl = `http://localhost:${port}/demo`;
export const consoleUrl = `http://127.0.0.1:${port}/console`;
export const XSS = "<img src=x onerror=alert(1)>";
export const TIMEOUT = 15000;

export let browser;
export const dialogs = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => { await browser?.close(); });

export function watch(page) {
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on("pageerror", (e) => console.log(`page error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.log(`console error on ${page.url()}: ${m.text()}`));
  return page;
}

export async function openWidget(page) {
  await page.goto(demoUrl);
  const frame = page.frameLocator('iframe[title="Chat"]');
  // The panel reopens by itself after a reload if it was open; else click.
  if (!(await page.locator('iframe[title="Chat"]').isVisible())) {
    await page.getByTestId("chat-launcher").click();
  }
  await fillPreChat(frame);
  await frame.getByTestId("chat-input").waitFor({ timeout: TIMEOUT });
  return frame;
}

/** Answers the pre-chat form if the widget shows it (a new visitor). */
export async function fillPreChat(frame, answers = {}) {
  const form = frame.getByTestId("chat-prechat");
  const input = frame.getByTestId("chat-input");
  await form.or(input).first().waitFor({ timeout: TIMEOUT });
  if (!(await form.isVisible())) return;
  const a = { name: "Ada", email: "ada@example.com", issue_type: "Technical problem", ...answers };
  for (const [id, v] of Object.entries(a)) {
    const f = frame.locator(`[data-testid="chat-prechat-field"][data-field="${id}"]`);
    if ((await f.evaluate((el) => el.tagName)) === "SELECT") await f.selectOption(v);
    else await f.fill(v);
  }
  await frame.getByTestId("chat-prechat-submit").click();
  await input.waitFor({ timeout: TIMEOUT });
}

export async function waitForTexts(frame, testid, texts) {
  const loc = frame.locator(`[data-testid="${testid}"][data-state="sent"]`);
  await assert.doesNotReject(async () => {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const got = await settled(loc.allTextContents());
      if (got && JSON.stringify(got) === JSON.stringify(texts)) return;
      if (Date.now() > deadline) throw new Error(`${testid}: wanted ${JSON.stringify(texts)}, got ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/** Signs in to the console as the demo organisation's account with `role`
 * (`<role>@demo.test`: Olivia Owner, Adam Admin, Sue Supervisor, Ada Operator, Mo Moderator). */
export async function signIn(page, role = "operator") {
  await signInAs(page, `${role}@demo.test`);
}

/** Signs in to the console as `email` (the tests' password) and waits for the inbox. */
export async function signInAs(page, email) {
  await page.goto(consoleUrl);
  await page.getByTestId("console-email").fill(email);
  await page.getByTestId("console-password").fill(password);
  await page.getByTestId("console-login").click();
  await page.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
}

/** A customer on `hostUrl` (a page with a site's script tag) in `context`
 * who opens the chat, answers the pre-chat form and writes `text`; the chat frame. */
export async function customerOn(context, hostUrl, text) {
  const page = watch(await context.newPage());
  await page.goto(hostUrl);
  await page.getByTestId("chat-launcher").click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  await fillPreChat(frame);
  await frame.getByTestId("chat-input").fill(text);
  await frame.getByTestId("chat-input").press("Enter");
  return frame;
}

/** Waits until `fn()` returns a truthy value (polling), or fails with `what`. */
/** What `read` gives, or null when its frame was navigating: a frame that
 * has just been added swaps its first blank document for the widget's, and
 * a read in between fails where the next one counts. */
async function settled(read) {
  return read.catch((e) => {
    if (/Execution context was destroyed/.test(e.message)) return null;
    throw e;
  });
}

export async function until(what, fn) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const v = await settled(fn());
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A console API client for `role`, signed in with `fetch` as the console
 * is: the session cookie, the service's own Origin, the anti-CSRF token. */
export async function apiAs(role = "admin") {
  const r = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json" },
    body: JSON.stringify({ email: `${role}@demo.test`, password }),
  });
  assert.equal(r.status, 200, `sign-in as ${role}`);
  const cookie = r.headers.getSetCookie()[0].split(";")[0];
  const me = await r.json();
  const call = (method, path, body) =>
    fetch(`${base}${path}`, {
      method,
      headers: { cookie, origin: base, "x-csrf-token": me.csrf, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { me, cookie, call };
}

const configPath = "/api/console/sites/demo/config";

/** The demo site's settings. */
export async function getConfig() {
  return (await (await apiAs("admin")).call("GET", configPath)).json();
}

/** Saves the demo site's settings (as its admin; must succeed). */
export async function putConfig(config) {
  const r = await (await apiAs("admin")).call("PUT", configPath, config);
  const text = await r.text();
  assert.equal(r.status, 200, text);
}

/** Calls the Worker as the console does (its origin; with `session`, its
 * cookie and anti-CSRF token); the answer's JSON and the cookie it set
 * (the call must succeed). */
export async function call(method, path, body, session) {
  const headers = { origin: base, "content-type": "application/json" };
  if (session) Object.assign(headers, { cookie: session.cookie, "x-csrf-token": session.me.csrf });
  const r = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return { json: text ? JSON.parse(text) : null, cookie: r.headers.getSetCookie()[0]?.split(";")[0] };
}

/** The 6-digit code an authenticator app shows for base32 `secret` at
 * `time` (seconds; RFC 6238: HMAC-SHA-1 over the 30-s step). */
export function totp(secret, time = Date.now() / 1000) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret.replace(/=+$/, "")].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30)));
  const h = createHmac("sha1", key).update(counter).digest();
  const at = h[19] & 15;
  return String((h.readUInt32BE(at) & 0x7fffffff) % 1e6).padStart(6, "0");
}
