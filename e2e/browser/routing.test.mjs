// routing.test.mjs: the operator's working day as people see it, in
// headless Chromium, on an organisation of its own (signed up here, with
// auto-assignment on): an operator is online and gets a new chat by
// themselves, reaches their capacity, and the next customer is told their
// place in the queue (the operator's tab title counts the chat given); a
// supervisor's live board shows both; a whisper
// reaches the operator and never the customer; the supervisor takes the
// chat over, and the freed slot takes the waiting customer.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browser, call, customerOn, password, port, signInAs, TIMEOUT, until, watch } from "./helpers.mjs";

const site = `route${Date.now() % 1e9}`;
// The demo page with this site's script tag.
const hostUrl = `http://localhost:${port}/demo?site=${site}`;
const email = (role) => `${role}@${site}.test`;


/** The new organisation: its owner signs up and invites an operator and a supervisor. */
before(async () => {
  const signup = { org: "Routing", site: { id: site, name: "Routing site" }, email: email("owner"), name: "Olga Owner", password };
  const o = await call("POST", "/api/auth/signup", signup);
  const owner = { cookie: o.cookie, me: o.json };
  for (const [role, name] of [["operator", "Otto Operator"], ["supervisor", "Sam Supervisor"]]) {
    const invited = (await call("POST", "/api/org/invitations", { email: email(role), role }, owner)).json;
    await call("POST", "/api/auth/accept", { token: invited.token, name, password });
  }
  const path = `/api/console/sites/${site}/config`;
  const config = (await call("GET", path, undefined, owner)).json;
  config.routing = { ...config.routing, autoAssign: true };
  await call("PUT", path, config, owner);
  await call("PUT", `/api/console/sites/${site}/seats`, { name: "Otto Operator", capacity: 1 }, owner);
  // The supervisor oversees: routing gives them nothing.
  await call("PUT", `/api/console/sites/${site}/seats`, { name: "Sam Supervisor", capacity: 0 }, owner);
});

const signIn = (page, role) => signInAs(page, email(role));

/** A customer of the site: a host page with its script tag; returns the chat frame. */
const customer = (context, text) => customerOn(context, hostUrl, text);

test("auto-assignment to capacity, the queue's place, the board, a whisper and a take-over", async () => {
  const context = await browser.newContext();
  const op = watch(await context.newPage());
  await signIn(op, "operator");
  assert.equal(await op.getByTestId("console-presence").inputValue(), "online");

  // Online with room: the first chat is given to the operator.
  const first = await customer(await browser.newContext(), "My invoice is wrong");
  const given = op.getByTestId("console-assignment").first();
  await given.waitFor({ timeout: TIMEOUT });
  assert.match(await op.title(), /^\(1\) /, "the tab's title counts the chat given");
  await given.locator("button").click();
  assert.doesNotMatch(await op.title(), /^\(/, "opened: no longer counted");
  await until("assigned to the operator", async () =>
    (await op.getByTestId("console-assignee").textContent()) === "Otto Operator");

  // At capacity (1): the next customer waits and is told their place.
  const second = await customer(await browser.newContext(), "Is anyone there?");
  await until("the place in the queue", async () =>
    /number 1 in line/.test(await second.getByTestId("chat-notice").textContent()));

  // The supervisor's board: the operator online at 1 of 1, one waiting.
  const sup = watch(await (await browser.newContext()).newPage());
  await signIn(sup, "supervisor");
  const row = sup.locator('[data-testid="console-board-operator"][data-name="Otto Operator"]');
  await until("the operator on the board", async () => /online · 1\/1/.test((await row.textContent()) ?? ""));
  await until("the queue on the board", async () =>
    /1 waiting/.test((await sup.getByTestId("console-board-queue").first().textContent()) ?? ""));

  // A whisper: staff see it, the customer never does.
  await sup.getByTestId("console-conversation").filter({ hasText: "Otto Operator" }).first().click();
  await sup.getByTestId("console-whisper-input").fill("Offer the refund, it is within policy");
  await sup.getByTestId("console-whisper-send").click();
  await op.getByTestId("console-whisper").filter({ hasText: "Offer the refund" }).waitFor({ timeout: TIMEOUT });
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(!(await first.locator("body").textContent()).includes("Offer the refund"), "the customer saw a whisper");

  // The supervisor takes it over: the timeline says so, and the operator's
  // freed slot takes the waiting customer.
  await sup.getByTestId("console-take-over").click();
  await until("taken over", async () => (await sup.getByTestId("console-assignee").textContent()) === "Sam Supervisor");
  await op.getByTestId("console-event").filter({ hasText: "Assigned to Sam Supervisor" }).waitFor({ timeout: TIMEOUT });
  await until("the waiting customer is served", async () =>
    !/in line/.test(await second.getByTestId("chat-notice").textContent()));
  await until("a second assignment", async () => (await op.getByTestId("console-assignment").count()) >= 2);
});
