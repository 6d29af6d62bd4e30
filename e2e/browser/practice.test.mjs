// practice.test.mjs: a practice run graded end to end, in headless
// Chromium, on an organisation of its own: an operator starts the "Locked
// out" support script in the console, the scripted customer answers each
// move (their details after the greeting, success after the checklist, a
// yes, a rating), the operator follows the workflow with the step's canned
// guidance, closes, and reads their grade — passed, with per-check
// feedback. The run shows in no inbox. A moderator plays the "Insults"
// moderation script the same way: answers calmly, flags the insult, sets
// the severity, warns with the canned warning (the customer apologises),
// marks the notify step done, logs the incident, closes — passed. (A
// careless run failing is the pure grading tests'.)
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browser, call, password, signInAs, TIMEOUT, until, watch } from "./helpers.mjs";

const site = `prac${Date.now() % 1e9}`;
const email = (role) => `${role}@${site}.test`;


before(async () => {
  const signup = { org: "Practice", site: { id: site, name: "Practice site" }, email: email("owner"), name: "Olga Owner", password };
  const o = await call("POST", "/api/auth/signup", signup);
  const owner = { cookie: o.cookie, me: o.json };
  const invited = (await call("POST", "/api/org/invitations", { email: email("operator"), role: "operator" }, owner)).json;
  await call("POST", "/api/auth/accept", { token: invited.token, name: "Pia Trainee", password });
  const moderator = (await call("POST", "/api/org/invitations", { email: email("moderator"), role: "moderator" }, owner)).json;
  await call("POST", "/api/auth/accept", { token: moderator.token, name: "Max Moderator", password });
});

const stepState = (page, id) => page.locator(`[data-testid="console-step"][data-step="${id}"]`).getAttribute("data-state");
const waitStep = (page, id, state) => until(`step ${id} ${state}`, async () => (await stepState(page, id)) === state);

async function start(op, script) {
  await op.getByTestId("console-practice-open").click();
  await op.locator(`[data-testid="console-practice-script"][data-script="${script}"]`).getByTestId("console-practice-start").click();
  await op.getByTestId("console-guide").waitFor({ timeout: TIMEOUT });
}

/** The customer's line with `text` shows in the pane. */
const hears = (op, text) => op.getByTestId("console-message").filter({ hasText: text }).waitFor({ timeout: TIMEOUT });

/** Sends the current step's canned guidance. */
async function guidance(op, step) {
  await op.locator(`[data-testid="console-canned-item"][data-step="${step}"]`).first().click();
  await op.getByTestId("console-input").press("Enter");
}

/** Sends `text` from the composer. */
async function say(op, text) {
  await op.getByTestId("console-input").fill(text);
  await op.getByTestId("console-input").press("Enter");
}

async function collect(op, field, value) {
  await op.getByTestId("console-field-id").fill(field);
  await op.getByTestId("console-field-value").fill(value);
  await op.getByTestId("console-field-save").click();
  await until(`${field} collected`, async () => (await op.getByTestId("console-fields").textContent()).includes(value));
}

/** The practice overlay's result of `script`, once it is filed (reopened until then). */
async function resultOf(op, script) {
  const result = op.locator(`[data-testid="console-practice-result"][data-script="${script}"]`);
  for (let i = 0; i < 30; i++) {
    await op.getByTestId("console-practice-open").click();
    await op.getByTestId("console-practice").waitFor({ timeout: TIMEOUT });
    await op.waitForTimeout(300);
    if ((await result.count()) > 0) return result;
    await op.getByTestId("console-practice-close").click();
  }
  throw new Error(`no result of ${script}`);
}

test("a practice run is played by a scripted customer and graded: passed, with feedback", async () => {
  const op = watch(await (await browser.newContext()).newPage());
  await signInAs(op, email("operator"));

  await start(op, "login");
  await hears(op, "I can't log in to my account");
  await guidance(op, "greet");
  await hears(op, "Invalid session token");
  await collect(op, "issue_type", "Login");
  await waitStep(op, "collect", "current");
  await guidance(op, "collect");
  await collect(op, "error_message", "Invalid session token (401)");
  await collect(op, "account_id", "48213");
  await waitStep(op, "troubleshoot", "current");
  await guidance(op, "troubleshoot");
  await op.getByTestId("console-checklist-items").fill("Clear your cookies\nSign in again");
  await op.getByTestId("console-checklist-send").click();
  await hears(op, "it works now");
  await waitStep(op, "resolve", "current");
  await guidance(op, "resolve");
  await op.getByTestId("console-ask-resolution").click();
  await waitStep(op, "close", "current");
  await guidance(op, "close");
  await op.getByTestId("console-ask-rating").click();
  await until("rated", async () => (await op.getByTestId("console-rating").textContent()) === "Rating: 5/5");
  await op.getByTestId("console-close-outcome").selectOption("resolved");
  await op.getByTestId("console-close").click();
  await waitStep(op, "close", "done");

  // The run is in no inbox; its grade is in the practice results.
  assert.equal(await op.getByTestId("console-conversation").count(), 0);
  const result = await resultOf(op, "login");
  assert.equal(await result.count(), 1);
  assert.equal(await result.getAttribute("data-passed"), "true", await result.textContent());
  assert.ok(Number(await result.getAttribute("data-score")) >= 80);
  const checks = result.getByTestId("console-practice-check");
  assert.ok((await checks.count()) >= 5, "per-step feedback");
  assert.equal(await result.getAttribute("data-trainee"), "Pia Trainee");
});

test("a moderator practises moderation: flag, assess, warn, notify, log, close — passed", async () => {
  const mod = watch(await (await browser.newContext()).newPage());
  await signInAs(mod, email("moderator"));

  // A moderator is offered the moderation script only.
  await mod.getByTestId("console-practice-open").click();
  await mod.getByTestId("console-practice").waitFor({ timeout: TIMEOUT });
  const scripts = mod.getByTestId("console-practice-script");
  assert.deepEqual(await scripts.evaluateAll((els) => els.map((e) => e.dataset.workflow)), ["moderation"]);
  await mod.getByTestId("console-practice-close").click();

  await start(mod, "abuse");
  await hears(mod, "useless clowns");
  await waitStep(mod, "monitor", "current");
  await mod.getByTestId("console-complete-step").click();
  await waitStep(mod, "detect", "current");
  await say(mod, "I'm sorry you're still waiting for your refund. Please don't call our staff names, though.");
  await hears(mod, "I was only joking");
  await mod.getByTestId("console-flag-note").fill("Respect rule: called staff idiots and useless clowns");
  await mod.getByTestId("console-flag").click();
  await waitStep(mod, "evaluate", "current");
  await mod.getByTestId("console-severity").selectOption("medium");
  await mod.getByTestId("console-assess").click();
  await waitStep(mod, "sanction", "current");
  await guidance(mod, "sanction");
  await mod.getByTestId("console-sanction").selectOption("warn");
  await mod.getByTestId("console-sanction-apply").click();
  await waitStep(mod, "notify", "current");
  await hears(mod, "Fine. Sorry.");
  await say(mod, "Thank you. I've asked billing about your refund; they will write to you today.");
  // Nothing to escalate (no threat, nothing illegal): the step is marked done.
  await mod.getByTestId("console-complete-step").click();
  await waitStep(mod, "log", "current");
  await mod.getByTestId("console-incident").fill("Respect rule: insults to staff; medium, first time; warned.");
  await mod.getByTestId("console-log-incident").click();
  await waitStep(mod, "log", "done");
  await mod.getByTestId("console-close-outcome").selectOption("resolved");
  await mod.getByTestId("console-close").click();
  await until("closed", async () => (await mod.getByTestId("console-guide").textContent()).includes("Closed: resolved"));

  assert.equal(await mod.getByTestId("console-conversation").count(), 0);
  const result = await resultOf(mod, "abuse");
  assert.equal(await result.count(), 1);
  assert.equal(await result.getAttribute("data-passed"), "true", await result.textContent());
  assert.ok(Number(await result.getAttribute("data-score")) >= 80);
  assert.ok((await result.getByTestId("console-practice-check").count()) >= 6, "per-step feedback");
  assert.equal(await result.getAttribute("data-trainee"), "Max Moderator");
});
