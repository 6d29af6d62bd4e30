// team.test.mjs: the operator's working day between people, in headless
// Chromium, on an organisation of its own: a supervisor gives a new
// operator a seat and a mentor in the console; an operator works two chats
// side by side and hands one over with a note (a whisper for the next one);
// the mentor follows the mentee's chats; the supervisor's board lists the
// chats in progress with their step; and unread counts follow an operator
// from one device to another (kept on the server), with the tab's title and
// favicon counting what waits for them.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browser, call, customerOn, password, port, signInAs, TIMEOUT, until, watch } from "./helpers.mjs";

const site = `team${Date.now() % 1e9}`;
const hostUrl = `http://localhost:${port}/demo?site=${site}`;
const email = (who) => `${who}@${site}.test`;

before(async () => {
  const signup = { org: "Team", site: { id: site, name: "Team site" }, email: email("owner"), name: "Olga Owner", password };
  const o = await call("POST", "/api/auth/signup", signup);
  const owner = { cookie: o.cookie, me: o.json };
  for (const [who, role, name] of [
    ["otto", "operator", "Otto Operator"],
    ["nina", "operator", "Nina New"],
    ["sam", "supervisor", "Sam Supervisor"],
  ]) {
    const invited = (await call("POST", "/api/org/invitations", { email: email(who), role }, owner)).json;
    await call("POST", "/api/auth/accept", { token: invited.token, name, password });
  }
});

const signIn = (page, who) => signInAs(page, email(who));

/** A customer of the site who writes `text`; returns the chat frame. */
const customer = async (text) => customerOn(await browser.newContext(), hostUrl, text);

/** The id of the conversation whose inbox line shows `text`, once it shows. */
async function conversationOf(page, text) {
  const line = page.getByTestId("console-conversation").filter({ hasText: text }).first();
  await line.waitFor({ timeout: TIMEOUT });
  return line.getAttribute("data-conversation");
}

const line = (page, id) => page.locator(`[data-testid="console-conversation"][data-conversation="${id}"]`);
const pane = (page, id) => page.locator(`[data-testid="console-pane"][data-conversation="${id}"]`);

test("seats and mentors, two chats side by side, a hand-over with a note, the mentor's view and the board", async () => {
  // The supervisor gives Nina a seat: two chats at once, Otto as her mentor.
  const sam = watch(await (await browser.newContext()).newPage());
  await signIn(sam, "sam");
  await sam.getByTestId("console-seats-open").click();
  await sam.getByTestId("console-seat-new").fill("Nina New");
  await sam.getByTestId("console-seat-add").click();
  const seat = sam.locator('[data-testid="console-seat"][data-name="Nina New"]');
  await seat.waitFor({ timeout: TIMEOUT });
  await seat.getByTestId("console-seat-capacity").fill("2");
  await seat.getByTestId("console-seat-mentor").fill("Otto Operator");
  await seat.getByTestId("console-seat-save").click();
  await sam.getByTestId("console-seats-note").filter({ hasText: "Saved Nina New." }).waitFor({ timeout: TIMEOUT });
  // A mentor must be someone else: the Worker says why.
  await seat.getByTestId("console-seat-mentor").fill("Nina New");
  await seat.getByTestId("console-seat-save").click();
  await until("the refusal", async () =>
    /mentor is someone else/.test((await sam.getByTestId("console-seats-error").textContent().catch(() => "")) ?? ""));
  await sam.getByTestId("console-seats-close").click();
  const { json: seats } = await call("GET", `/api/console/sites/${site}/seats`, undefined, await session("sam"));
  const nina = seats.find((s) => s.name === "Nina New");
  assert.equal(nina.capacity, 2);
  assert.equal(nina.mentor, "Otto Operator");

  await customer("Where is my parcel?");
  await customer("My coupon code fails");
  const otto = watch(await (await browser.newContext()).newPage());
  await signIn(otto, "otto");
  const parcel = await conversationOf(otto, "Where is my parcel?");
  const coupon = await conversationOf(otto, "My coupon code fails");

  // Two side by side: the focused one with its guide, the other beside it.
  await line(otto, parcel).click();
  await otto.getByTestId("console-input").fill("Let me check that for you.");
  await otto.getByTestId("console-input").press("Enter");
  await until("Otto holds the parcel chat", async () =>
    (await pane(otto, parcel).getByTestId("console-assignee").textContent()) === "Otto Operator");
  await otto.locator(`[data-testid="console-open-beside"][data-conversation="${coupon}"]`).click();
  await pane(otto, coupon).waitFor({ timeout: TIMEOUT });
  assert.equal(await otto.getByTestId("console-pane").count(), 2);
  assert.equal(await otto.getByTestId("console-guide").count(), 1, "one guide: the focused chat's");
  // Focus swaps them; closing leaves one.
  await pane(otto, coupon).getByTestId("console-pane-focus").click();
  await pane(otto, parcel).getByTestId("console-pane-close").waitFor({ timeout: TIMEOUT });
  await pane(otto, parcel).getByTestId("console-pane-close").click();
  await until("one pane left", async () => (await otto.getByTestId("console-pane").count()) === 1);

  // The hand-over: to Nina, with a note only staff read.
  await line(otto, parcel).click();
  const p = pane(otto, parcel);
  await p.getByTestId("console-transfer-to").selectOption("Nina New");
  await p.getByTestId("console-transfer-note").fill("VIP customer, parcel 4411 left the depot yesterday");
  await p.getByTestId("console-transfer").click();
  await until("handed over", async () => (await p.getByTestId("console-assignee").textContent()) === "Nina New");
  await p.getByTestId("console-whisper").filter({ hasText: "Handed over to Nina New: VIP customer" }).waitFor({ timeout: TIMEOUT });
  await p.getByTestId("console-event").filter({ hasText: "Assigned to Nina New" }).waitFor({ timeout: TIMEOUT });

  // The mentor follows the mentee: a scope of her chats only.
  await otto.getByTestId("console-filter-scope").selectOption("operator:Nina New");
  await until("the mentee's chats", async () => {
    const shown = await otto.getByTestId("console-conversation").evaluateAll((ls) => ls.map((l) => l.dataset.conversation));
    return shown.length === 1 && shown[0] === parcel;
  });

  // The board: the chat in progress with its holder and step; opening it joins.
  const chat = sam.locator(`[data-testid="console-board-chat"][data-conversation="${parcel}"]`);
  await until("the chat on the board", async () => (await chat.getAttribute("data-assignee").catch(() => null)) === "Nina New");
  assert.ok((await chat.getAttribute("data-step")).length > 0);
  await chat.locator("button").click();
  await pane(sam, parcel).waitFor({ timeout: TIMEOUT });
});

/** A signed-in API session of `who`. */
async function session(who) {
  const r = await call("POST", "/api/auth/login", { email: email(who), password });
  return { cookie: r.cookie, me: r.json };
}

test("unread follows the operator to another device; the tab and the favicon count what waits", async () => {
  await customer("First question about invoices");
  const asking = await customer("Second question about refunds");
  const laptop = watch(await (await browser.newContext()).newPage());
  await signIn(laptop, "otto");
  const refunds = await conversationOf(laptop, "Second question about refunds");
  const invoices = await conversationOf(laptop, "First question about invoices");
  await line(laptop, refunds).click();
  await laptop.getByTestId("console-input").fill("Hello, I can help with refunds.");
  await laptop.getByTestId("console-input").press("Enter");
  await until("Otto holds it", async () => (await laptop.getByTestId("console-assignee").textContent()) === "Otto Operator");

  // The phone (another browser) has not seen it: it counts unread.
  const phone = watch(await (await browser.newContext()).newPage());
  await signIn(phone, "otto");
  await line(phone, refunds).getByTestId("console-unread").waitFor({ timeout: TIMEOUT });
  // The laptop leaves it: the server keeps the mark and tells the phone.
  await line(laptop, invoices).click();
  await until("read on the phone too", async () => (await line(phone, refunds).getByTestId("console-unread").count()) === 0);
  // A reload on the phone asks the server again: still read.
  await phone.reload();
  await phone.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  await line(phone, refunds).waitFor({ timeout: TIMEOUT });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await line(phone, refunds).getByTestId("console-unread").count(), 0);

  // The customer writes again: a chat of Otto's with unseen messages, open nowhere.
  await asking.getByTestId("chat-input").fill("Are you still there?");
  await asking.getByTestId("chat-input").press("Enter");
  await line(phone, refunds).getByTestId("console-unread").waitFor({ timeout: TIMEOUT });
  await until("the tab counts it", async () => /^\(1\) /.test(await phone.title()));
  assert.equal(await phone.locator("link[rel=icon]").getAttribute("data-count"), "1");
  assert.match(await phone.locator("link[rel=icon]").getAttribute("href"), /^data:image\/svg\+xml,/);
  await line(phone, refunds).click();
  await until("no longer counted", async () => !/^\(/.test(await phone.title()));
  assert.equal(await phone.locator("link[rel=icon]").getAttribute("data-count"), "0");
});
