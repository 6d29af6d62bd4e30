// hours.test.mjs: what a customer sees of a site's hours and its people,
// in headless Chromium, on an organisation of its own (signed up here):
// outside the site's hours the chat says when it opens again, in the
// customer's own time zone, and asks for a message and an e-mail; the
// message left lands in the operator's inbox as a conversation waiting for
// them, with the e-mail. Within hours, with an operator online, the chat
// says how soon they usually reply. An operator sets their weekly shifts
// in their time zone, and the supervisor's coverage grid counts them.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browser, call, password, port, signInAs, TIMEOUT, until, watch } from "./helpers.mjs";

const site = `hours${Date.now() % 1e9}`;
const hostUrl = `http://localhost:${port}/demo?site=${site}`;
const email = `owner@${site}.test`;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
// The customer's browser is in New York; the site keeps UTC hours.
const customerZone = "America/New_York";


let owner;
const configPath = `/api/console/sites/${site}/config`;
async function setHours(hours) {
  const config = (await call("GET", configPath, undefined, owner)).json;
  config.hours = hours;
  await call("PUT", configPath, config, owner);
}

before(async () => {
  const signup = { org: "Hours", site: { id: site, name: "Hours site" }, email, name: "Hana Owner", password };
  const o = await call("POST", "/api/auth/signup", signup);
  owner = { cookie: o.cookie, me: o.json };
});

/** A customer's chat frame on a host page, in New York. */
async function openChat() {
  const context = await browser.newContext({ timezoneId: customerZone, locale: "en-US" });
  const page = watch(await context.newPage());
  await page.goto(hostUrl);
  await page.getByTestId("chat-launcher").click();
  return page.frameLocator('iframe[title="Chat"]');
}

test("outside hours: away until the next opening in the customer's time, and a message left reaches the inbox", async () => {
  // Open only on the day three days from now (UTC), 09:00–17:00 UTC.
  const now = new Date();
  const day = (now.getUTCDay() + 3) % 7;
  await setHours([{ timeZone: "UTC", week: [{ day: DAYS[day], from: "09:00", to: "17:00" }] }]);
  const opens = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3, 9);
  const local = new Date(opens).toLocaleString("en-US", {
    timeZone: customerZone, weekday: "long", hour: "numeric", minute: "2-digit",
  });

  // An operator is at the console: the hours still say away.
  const op = watch(await (await browser.newContext()).newPage());
  await signInAs(op, email);

  const chat = await openChat();
  const expect = chat.getByTestId("chat-expect");
  await until("the away line", async () => (await expect.textContent()).includes("away"));
  assert.equal(await expect.textContent(), `We're away until ${local} (your time).`);
  await chat.getByTestId("chat-away").waitFor({ timeout: TIMEOUT });
  assert.equal(await chat.getByTestId("chat-input").isVisible(), false, "no composer while away: the form asks");

  // A bad address is the browser's to refuse; a good one sends.
  await chat.getByTestId("chat-away-email").fill("ada@example.com");
  await chat.getByTestId("chat-away-message").fill("My order #1234 never arrived");
  await chat.getByTestId("chat-away-send").click();
  await chat.getByTestId("chat-notice").filter({ hasText: "by e-mail" }).waitFor({ timeout: TIMEOUT });
  const mine = chat.getByTestId("chat-message").filter({ hasText: "My order #1234 never arrived" });
  await mine.waitFor({ timeout: TIMEOUT });
  await until("the message stored", async () => (await mine.getAttribute("data-state")) === "sent");
  assert.equal(await chat.getByTestId("chat-away").count(), 0, "the form is gone");

  // The operator's inbox: a waiting conversation with the message and the e-mail.
  const line = op.getByTestId("console-conversation").filter({ hasText: "My order #1234 never arrived" });
  await line.waitFor({ timeout: TIMEOUT });
  await line.click();
  await op.getByTestId("console-event").filter({ hasText: "email: ada@example.com" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await op.getByTestId("console-assignee").textContent(), "unassigned");

  // Within hours (none set: always open) with the operator online: the usual wait.
  await setHours([]);
  const open = await openChat();
  const said = open.getByTestId("chat-expect");
  await until("the reply line", async () => /^We usually reply in \d+ min\.$/.test(await said.textContent()));
  assert.equal(await open.getByTestId("chat-away").count(), 0);
});

test("an operator's shifts fill the coverage grid; the hours nobody covers are gaps", async () => {
  await setHours([]);
  const page = watch(await (await browser.newContext()).newPage());
  await signInAs(page, email);
  await page.getByTestId("console-shifts-open").click();
  await page.getByTestId("console-coverage-team").first().waitFor({ timeout: TIMEOUT });
  const cell = (day, hour) =>
    page.locator(`[data-testid="console-coverage-cell"][data-team=""][data-day="${day}"][data-hour="${hour}"]`);
  assert.equal(await cell(0, 9).getAttribute("data-gap"), "true", "nobody on shift yet: always open, so a gap");

  // Monday 09:00–17:00, UTC (the grid's zone: the site has no hours).
  await page.getByTestId("console-shift-zone").fill("UTC");
  await page.getByTestId("console-shift-add").click();
  await page.getByTestId("console-shifts-save").click();
  await page.getByTestId("console-shifts-note").filter({ hasText: "saved" }).waitFor({ timeout: TIMEOUT });
  await until("the grid counts the shift", async () => (await cell(0, 9).getAttribute("data-count")) === "1");
  assert.equal(await cell(0, 16).getAttribute("data-count"), "1");
  assert.equal(await cell(0, 17).getAttribute("data-count"), "0");
  assert.equal(await cell(0, 17).getAttribute("data-gap"), "true");
  assert.equal(await cell(0, 9).getAttribute("data-gap"), "false");

  // A zone the database does not know is refused, with the reason.
  await page.getByTestId("console-shift-zone").fill("Mars/Olympus");
  await page.getByTestId("console-shifts-save").click();
  await page.getByTestId("console-shifts-note").filter({ hasText: "not a known time zone" }).waitFor({ timeout: TIMEOUT });
});
