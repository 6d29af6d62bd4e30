// workflows.test.mjs: each workflow walked as a customer and an operator do
// it, in headless Chromium: support (pre-chat form → info collected →
// checklist → resolved → rating → closed), support escalated to a team,
// sales (proactive trigger → products → order confirmed → the site's
// checkout with the signed cart, a forged one refused → closed won), sales
// start to finish (an add-on the guide suggests and the customer adds, a
// discount beyond an operator's authority approved from the supervisors'
// inbox, the order confirmed, the signed checkout, a follow-up scheduled at
// close that comes back when due and reaches the customer's launcher), the
// inbox's unread counts, waiting time and filters, and five conversations
// switched with the keyboard, drafts kept. In a single-page app, a new
// address (pushState) fires the address triggers and applies the start
// rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  apiAs, base, browser, demoUrl, dialogs, fillPreChat, getConfig, putConfig, signIn, TIMEOUT, until, waitForTexts, watch,
} from "./helpers.mjs";

const step = (page, id) => page.locator(`[data-testid="console-step"][data-step="${id}"]`);
const stepState = (page, id) => step(page, id).getAttribute("data-state");

async function waitStep(page, id, state) {
  await until(`step ${id} ${state}`, async () => (await stepState(page, id)) === state);
}

/** A customer on the demo page who answered the pre-chat form; returns [page, frame]. */
async function supportCustomer(context, accountId) {
  const page = watch(await context.newPage());
  await page.goto(demoUrl);
  await page.getByTestId("chat-launcher").click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  await fillPreChat(frame, { error_message: "E42: sync failed", account_id: accountId });
  return [page, frame];
}

/** A customer on a pricing page: the "pricing" trigger opens the chat by
 * itself with its greeting, and they write `text`; returns [page, frame]. */
async function salesCustomer(context, text) {
  const page = watch(await context.newPage());
  await page.goto(`${demoUrl}?from=pricing`);
  const frame = page.frameLocator('iframe[title="Chat"]');
  await frame.getByTestId("chat-greeting").filter({ hasText: "Comparing plans" }).waitFor({ timeout: TIMEOUT });
  await frame.getByTestId("chat-input").fill(text);
  await frame.getByTestId("chat-input").press("Enter");
  await waitForTexts(frame, "chat-message", ["Hi! Comparing plans? I can help you pick the right one.", text]);
  return [page, frame];
}

/** The sales steps from initiate to negotiate: the needs noted, `product` presented. */
async function needsThenPresent(op, needs, product) {
  await op.getByTestId("console-complete-step").click();
  await waitStep(op, "needs", "current");
  await op.getByTestId("console-field-id").fill("needs");
  await op.getByTestId("console-field-value").fill(needs);
  await op.getByTestId("console-field-save").click();
  await waitStep(op, "present", "current");
  await op.locator(`[data-testid="console-product"][data-product="${product}"] [data-testid="console-present"]`).click();
  await waitStep(op, "negotiate", "current");
}

/** The operator opens the conversation whose inbox line mentions `marker`. */
async function openConversation(op, marker) {
  const item = op.getByTestId("console-conversation").filter({ hasText: marker }).first();
  await item.waitFor({ timeout: TIMEOUT });
  await item.click();
  await op.getByTestId("console-guide").waitFor({ timeout: TIMEOUT });
}

test("support: pre-chat form, checklist, resolved, rating, closed", async () => {
  const context = await browser.newContext();
  const account = `AC-${Date.now()}`;
  const [, frame] = await supportCustomer(context, account);
  const op = watch(await context.newPage());
  await signIn(op);
  await openConversation(op, account);
  // The form's answers ticked "greet" and "collect"; the guide is on "troubleshoot".
  await waitStep(op, "greet", "done");
  await waitStep(op, "collect", "done");
  await waitStep(op, "troubleshoot", "current");
  assert.match(await op.getByTestId("console-matrix").textContent(), /Empathetic & patient/);
  assert.match(await op.getByTestId("console-fields").textContent(), new RegExp(account));

  // Typing shows on the other side, both ways.
  await frame.getByTestId("chat-input").pressSequentially("one moment");
  await op.locator('[data-testid="console-typing"].on').waitFor({ timeout: TIMEOUT });
  await op.getByTestId("console-input").pressSequentially("Let me");
  await frame.locator('[data-testid="chat-typing"].on').waitFor({ timeout: TIMEOUT });
  await op.getByTestId("console-input").fill("");

  // A canned response for this step goes into the composer, edited, then sent.
  await op.locator('[data-testid="console-canned-item"][data-step="troubleshoot"]').click();
  const input = op.getByTestId("console-input");
  assert.match(await input.inputValue(), /step by step/);
  await input.press("End");
  await input.pressSequentially(" Thanks!");
  await input.press("Enter");
  await until("reply reaches the customer", async () =>
    (await frame.getByTestId("chat-message").allTextContents()).some((t) => t.endsWith("Thanks!")));
  // The reply assigned the conversation to the operator.
  await until("assigned", async () => (await op.getByTestId("console-assignee").textContent()) === "Ada Operator");

  // Checklist: the customer ticks both steps; the operator sees them ticked.
  await op.getByTestId("console-checklist-items").fill("Sign out\nSign in again");
  await op.getByTestId("console-checklist-send").click();
  await waitStep(op, "resolve", "current");
  const checks = frame.getByTestId("chat-check");
  await checks.nth(1).waitFor({ timeout: TIMEOUT });
  await checks.nth(0).click();
  await checks.nth(1).click();
  await until("ticks reach the console", async () =>
    (await op.locator('[data-testid="console-checklist"] li[data-done="true"]').count()) === 2);

  // Closing before the customer confirms is not offered.
  assert.equal(await op.getByTestId("console-close").isDisabled(), true);
  await op.getByTestId("console-ask-resolution").click();
  await frame.getByTestId("chat-solved-yes").click();
  await waitStep(op, "close", "current");
  await op.getByTestId("console-ask-rating").click();
  await frame.locator('[data-testid="chat-rate"][data-score="5"]').click();
  await frame.getByTestId("chat-rating-thanks").waitFor({ timeout: TIMEOUT });
  await until("rating shown", async () => (await op.getByTestId("console-rating").textContent()) === "Rating: 5/5");
  await op.getByTestId("console-close-outcome").selectOption("resolved");
  await op.getByTestId("console-close").click();
  await waitStep(op, "close", "done");
  await until("the customer is told", async () =>
    (await frame.getByTestId("chat-message").allTextContents()).some((t) => t.includes("conversation is closed")));
  // Writing again reopens it: the operator sees the message, at the closing step again.
  await frame.getByTestId("chat-input").fill("Actually, one more thing");
  await frame.getByTestId("chat-input").press("Enter");
  await op.getByTestId("console-message").filter({ hasText: "Actually, one more thing" }).waitFor({ timeout: TIMEOUT });
  await waitStep(op, "close", "current");
  assert.equal(await op.getByTestId("console-close").isDisabled(), false, "it can be closed again");
  assert.deepEqual(dialogs, []);
  await context.close();
});

test("support escalated to a team: the customer sees a plain notice, the team's queue has it", async () => {
  const context = await browser.newContext();
  const account = `AC-esc-${Date.now()}`;
  const [, frame] = await supportCustomer(context, account);
  const op = watch(await context.newPage());
  await signIn(op);
  await openConversation(op, account);
  // The operator answers (and so takes it), then transfers it to billing.
  await op.getByTestId("console-input").fill("Let me check that refund.");
  await op.getByTestId("console-input").press("Enter");
  await until("assigned", async () => (await op.getByTestId("console-assignee").textContent()) === "Ada Operator");
  await op.getByTestId("console-escalate-team").selectOption("billing");
  await op.getByTestId("console-escalate-note").fill("Refund above my limit — internal");
  await op.getByTestId("console-escalate").click();
  await until("notice", async () =>
    (await frame.getByTestId("chat-message").allTextContents()).some((t) => t.includes("billing team")));
  const widgetText = await frame.locator("body").textContent();
  assert.ok(!widgetText.includes("internal"), "the note reached the customer");
  // Transferred: nobody's until someone of the team takes it.
  await until("unassigned", async () => (await op.getByTestId("console-assignee").textContent()) === "unassigned");
  // The billing queue shows it.
  await op.getByTestId("console-filter-scope").selectOption("team:billing");
  await op.getByTestId("console-conversation").filter({ hasText: "queue billing" }).first().waitFor({ timeout: TIMEOUT });
  await op.getByTestId("console-close-outcome").selectOption("escalated");
  await op.getByTestId("console-close").click();
  await until("closed escalated", async () => /Closed: escalated/.test(await op.getByTestId("console-guide").textContent()));
  await context.close();
});

/** The cart of a checkout link, if its signature is the site's (as
 * docs/checkout.md tells a site's server to check it). */
function openCart(secret, link) {
  const url = new URL(link);
  const cart = url.searchParams.get("cart");
  const want = crypto.createHmac("sha256", secret).update(cart).digest();
  const got = Buffer.from(url.searchParams.get("sig"), "hex");
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
  return JSON.parse(Buffer.from(cart, "base64url").toString("utf8"));
}

test("sales: proactive trigger, products, order confirmed, signed checkout, closed won", async () => {
  const config = await getConfig();
  config.sales.checkout = "/demo/checkout?cart={cart}&sig={sig}";
  await putConfig(config);
  const context = await browser.newContext();
  const marker = `seats-${Date.now()}`;
  const [, frame] = await salesCustomer(context, `We need 5 ${marker}`);

  const op = watch(await context.newPage());
  await signIn(op, "supervisor");
  await op.getByTestId("console-filter-workflow").selectOption("sales");
  await openConversation(op, marker);
  await until("the guide shows the sales workflow", async () => (await op.getByTestId("console-workflow").textContent()) === "Sales");
  await waitStep(op, "initiate", "current");
  await needsThenPresent(op, "5 seats, monthly", "team");
  await frame.locator('[data-testid="chat-product"][data-product="team"] [data-testid="chat-product-add"]').click();
  await until("the customer's choice reaches the console", async () =>
    (await op.getByTestId("console-wanted").textContent()) === "team");
  await op.getByTestId("console-complete-step").click();
  await waitStep(op, "purchase", "current");
  await op.getByTestId("console-close-outcome").selectOption("won");
  assert.equal(await op.getByTestId("console-close").isDisabled(), true, "won without an order");
  // Two seats with 10 % off (a supervisor may give up to 25 %): the console
  // previews the Worker's pricing, the customer's card strikes the old price.
  await op.locator('[data-testid="console-order-qty"][data-product="team"]').fill("2");
  await op.getByTestId("console-order-discount").fill("10");
  await until("the preview prices it", async () =>
    /^USD 88\.20 \(Your discount −USD 9\.80\) — within your authority$/.test(await op.getByTestId("console-order-preview").textContent()));
  await op.getByTestId("console-create-order").click();
  const card = frame.getByTestId("chat-order").last();
  await card.filter({ hasText: "2 × Team plan (monthly)$98.00" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await card.getByTestId("chat-order-saving").textContent(), "Your discount-$9.80");
  assert.equal(await card.locator('[data-testid="chat-order-total"] s').textContent(), "$98.00");
  assert.equal(await card.getByTestId("chat-order-total").textContent(), "Total$98.00 $88.20");
  await card.getByTestId("chat-order-confirm").click();
  await until("confirmed", async () => /confirmed by the customer/.test(await op.getByTestId("console-order").textContent()));
  await waitStep(op, "confirm", "done");
  // "Complete your purchase": the site's checkout (a path: on the page's
  // origin) with the cart signed by the site's identity secret.
  const link = frame.getByTestId("chat-checkout");
  await link.waitFor({ timeout: TIMEOUT });
  const href = await link.getAttribute("href");
  assert.ok(href.startsWith(`${new URL(demoUrl).origin}/demo/checkout?cart=`), href);
  const { secret } = await (await (await apiAs("admin")).call("GET", "/api/console/sites/demo/identity")).json();
  const cart = openCart(secret, href);
  assert.ok(cart, "the site's secret checks the signature");
  assert.equal(cart.site, "demo");
  assert.deepEqual([cart.quote.lines[0].qty, cart.quote.total, cart.quote.currency], [2, 8820, "USD"]);
  assert.ok(Math.abs(Date.now() - cart.issued) < 10 * 60 * 1000, `issued ${cart.issued}`);
  const [checkout] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await checkout.getByTestId("demo-checkout").waitFor({ timeout: TIMEOUT });
  assert.equal(await checkout.getByTestId("demo-checkout").getAttribute("data-valid"), "true");
  assert.equal(await checkout.getByTestId("demo-checkout-total").textContent(), "USD 88.20");
  // A cart changed on the way is refused by the site.
  const forged = new URL(href);
  forged.searchParams.set("cart", Buffer.from(JSON.stringify({ ...cart, quote: { ...cart.quote, total: 1 } })).toString("base64url"));
  assert.equal(openCart(secret, forged.href), null);
  await checkout.goto(forged.href);
  assert.equal(await checkout.getByTestId("demo-checkout").getAttribute("data-valid"), "false");
  await op.getByTestId("console-close").click();
  await until("closed won", async () => /Closed: won/.test(await op.getByTestId("console-guide").textContent()));
  assert.deepEqual(dialogs, []);
  await context.close();
});

test("sales, start to finish: proactive trigger, needs, present, an add-on suggested and added, a discount beyond the operator's authority approved by a supervisor, order confirmed, signed checkout, follow-up scheduled, due and sent", async () => {
  const context = await browser.newContext();
  const config = await getConfig();
  config.sales.checkout = "/demo/checkout?cart={cart}&sig={sig}";
  await putConfig(config);
  const marker = `deal-${Date.now()}`;
  const [page, frame] = await salesCustomer(context, `Five seats if the price is right ${marker}`);

  const op = watch(await context.newPage());
  await signIn(op, "operator");
  await op.getByTestId("console-filter-workflow").selectOption("sales");
  await openConversation(op, marker);
  const id = await op.getByTestId("console-pane").getAttribute("data-conversation");
  await needsThenPresent(op, "5 seats, wants a deal", "team");
  // The guide suggests what goes with the plan, with the offer on it; one click sends the card.
  const addOn = op.locator('[data-testid="console-suggestion"][data-product="onboarding"]');
  await addOn.waitFor({ timeout: TIMEOUT });
  assert.match(await addOn.textContent(), /^Onboarding session — Goes with Team plan \(monthly\) · Half-price onboarding with an annual plan/);
  await addOn.getByTestId("console-suggestion-send").click();
  for (const product of ["team", "onboarding"]) {
    await frame.locator(`[data-testid="chat-product"][data-product="${product}"] [data-testid="chat-product-add"]`).click();
  }
  await until("both added", async () => (await op.getByTestId("console-wanted").textContent()) === "team, onboarding");
  assert.equal(await addOn.count(), 0, "a product presented is suggested no more");
  await op.locator('[data-testid="console-order-qty"][data-product="team"]').fill("5");
  await op.getByTestId("console-order-discount").fill("10");
  await until("within authority", async () => /within your authority$/.test(await op.getByTestId("console-order-preview").textContent()));
  await op.getByTestId("console-create-order").click();
  await until("ordered", async () => /^Order: 5 × Team plan/.test(await op.getByTestId("console-order").textContent()));
  // 20 % is beyond an operator's 10 %: the order waits, the request goes up.
  await op.getByTestId("console-order-discount").fill("20");
  await until("beyond authority", async () => /beyond your authority/.test(await op.getByTestId("console-order-preview").textContent()));
  assert.equal(await op.getByTestId("console-create-order").isDisabled(), true, "not without an approval");
  await op.getByTestId("console-approval-note").fill("Two-year commitment");
  await op.getByTestId("console-ask-approval").click();
  await until("asked", async () => /Waiting for a supervisor to approve 20 %/.test(await op.getByTestId("console-approval").textContent()));

  // The supervisor's inbox shows the request with the order; they approve it there.
  const supervisor = await browser.newContext();
  const sup = watch(await supervisor.newPage());
  await signIn(sup, "supervisor");
  await sup.getByTestId("console-filter-status").selectOption("approval");
  const line = sup.locator(`[data-testid="console-conversation"][data-conversation="${id}"]`);
  await line.getByTestId("console-approval-asked").waitFor({ timeout: TIMEOUT });
  assert.equal(await line.getByTestId("console-approval-asked").textContent(), "approve? 20 % off USD 375.00");
  await line.click();
  await sup.getByTestId("console-approve").click();
  await until("left the approvals", async () => (await line.count()) === 0);

  // The answer reaches the operator's console; the order takes the discount.
  await until("approved", async () => /A supervisor approved up to 20 %/.test(await op.getByTestId("console-approval").textContent()));
  await until("now within", async () => /within your authority$/.test(await op.getByTestId("console-order-preview").textContent()));
  await op.getByTestId("console-create-order").click();
  const card = frame.getByTestId("chat-order").last();
  await card.filter({ hasText: "$300.00" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await card.getByTestId("chat-order-saving").allTextContents(),
    ["Team plan with onboarding-$20.00", "Your discount-$75.00"]);
  assert.equal(await card.getByTestId("chat-order-total").textContent(), "Total$395.00 $300.00");

  // Negotiation done; the customer confirms; "Complete your purchase"
  // carries the cart signed with the site's identity secret.
  await op.getByTestId("console-complete-step").click();
  await waitStep(op, "negotiate", "done");
  await card.getByTestId("chat-order-confirm").click();
  await until("confirmed", async () => /confirmed by the customer/.test(await op.getByTestId("console-order").textContent()));
  const link = frame.getByTestId("chat-checkout");
  await link.waitFor({ timeout: TIMEOUT });
  await waitStep(op, "confirm", "done");
  const { secret } = await (await (await apiAs("admin")).call("GET", "/api/console/sites/demo/identity")).json();
  const cart = openCart(secret, await link.getAttribute("href"));
  assert.ok(cart, "the site's secret checks the signature");
  assert.deepEqual([cart.conversation, cart.quote.total, cart.quote.lines.map((l) => l.product)], [id, 30000, ["team", "onboarding"]]);

  // At close (won), a follow-up due in a few seconds, in the operator's own time.
  const at = await op.evaluate(() => {
    const d = new Date(Date.now() + 6000);
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 19);
  });
  await op.getByTestId("console-follow-up-at").fill(at);
  await op.getByTestId("console-follow-up-note").fill("Check the onboarding was booked");
  await op.getByTestId("console-follow-up").click();
  const plan = op.getByTestId("console-follow-up-plan");
  await until("scheduled", async () => /^Follow-up on .+ by Ada Operator: Check the onboarding was booked$/.test(await plan.textContent()));
  await op.getByTestId("console-close-outcome").selectOption("won");
  await op.getByTestId("console-close").click();
  await until("closed won", async () => /Closed: won/.test(await op.getByTestId("console-guide").textContent()));
  // The customer's chat is closed meanwhile.
  await page.getByTestId("chat-launcher").click();
  assert.equal(await page.getByTestId("chat-launcher").getAttribute("aria-expanded"), "false");

  // Due: the alarm opens the conversation again for whoever scheduled it; the line and the guide say so.
  const mine = op.locator(`[data-testid="console-conversation"][data-conversation="${id}"]`);
  await mine.getByTestId("console-follow-up-due").filter({ hasText: "follow-up due" }).waitFor({ timeout: 30_000 });
  await until("the guide shows it due", async () => /^Follow-up due since .+: Check the onboarding was booked$/.test(await plan.textContent()));
  assert.doesNotMatch(await op.getByTestId("console-guide").textContent(), /Closed: won/);
  await op.getByTestId("console-input").fill("Hi again! Is your onboarding session booked?");
  await op.getByTestId("console-input").press("Enter");
  await until("sent", async () => /Is your onboarding session booked\?/.test(await op.getByTestId("console-pane").textContent()));
  // At their next page view the launcher says so; opening the chat reads it.
  await page.reload();
  const launcher = page.getByTestId("chat-launcher");
  const badge = page.getByTestId("chat-unread");
  await until("the launcher's badge", async () => (await badge.isVisible()) && (await badge.textContent()) === "1");
  assert.equal(await launcher.getAttribute("aria-label"), "Open chat, 1 unread message");
  await launcher.click();
  assert.equal(await badge.isVisible(), false);
  assert.equal(await launcher.getAttribute("aria-label"), "Close chat");
  await frame.getByTestId("chat-message").filter({ hasText: "Is your onboarding session booked?" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(dialogs, []);
  await supervisor.close();
  await context.close();
});


test("inbox: unread counts, waiting time, next unread by keyboard, mine and unassigned", async () => {
  const context = await browser.newContext();
  const stamp = Date.now();
  const texts = [`hello from U1-${stamp}`, `hello from U2-${stamp}`];
  for (const [i, text] of texts.entries()) {
    const [, frame] = await supportCustomer(await browser.newContext(), `U${i}-${stamp}`);
    await frame.getByTestId("chat-input").fill(text);
    await frame.getByTestId("chat-input").press("Enter");
    await waitForTexts(frame, "chat-message", [text]);
  }
  const op = watch(await context.newPage());
  await signIn(op);
  const line = (text) => op.getByTestId("console-conversation").filter({ hasText: text });
  await op.getByTestId("console-filter-scope").selectOption("unassigned");
  for (const text of texts) {
    await line(text).waitFor({ timeout: TIMEOUT });
    // Unread: the form's answers and the message; waiting for an answer since the message.
    assert.ok(Number(await line(text).getByTestId("console-unread").textContent()) >= 1, text);
    await line(text).getByTestId("console-waiting").waitFor({ timeout: TIMEOUT });
  }
  // Alt+U opens a conversation with unread messages; opening it reads them.
  await op.keyboard.press("Alt+KeyU");
  const pane = op.getByTestId("console-pane");
  const opened = await until("a conversation opens", async () => pane.getAttribute("data-conversation").catch(() => null));
  const openedLine = op.locator(`[data-testid="console-conversation"][data-conversation="${opened}"]`);
  await until("read", async () => (await openedLine.getByTestId("console-unread").count()) === 0);
  const openedText = await openedLine.textContent();
  assert.ok(texts.some((t) => openedText.includes(t)), `the newest unread opens first: ${openedText}`);
  const mine = openedText.includes(texts[0]) ? texts[0] : texts[1];
  const other = mine === texts[0] ? texts[1] : texts[0];
  // Answering takes it: it leaves "unassigned" for "mine"; the other stays unassigned.
  await op.getByTestId("console-input").fill("On it!");
  await op.getByTestId("console-input").press("Enter");
  await until("answered", async () => (await line(mine).count()) === 0);
  await line(other).waitFor({ timeout: TIMEOUT });
  await op.getByTestId("console-filter-scope").selectOption("mine");
  await op.getByTestId("console-conversation").filter({ hasText: "On it!" }).first().waitFor({ timeout: TIMEOUT });
  assert.equal(await line(other).count(), 0, "another's conversation is not mine");
  await context.close();
});

test("five conversations switched with the keyboard keep their drafts, also after a reload", async () => {
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${base}/api/conversations`, {
      method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ site: "demo" }),
    });
    assert.equal(r.status, 201);
  }
  const context = await browser.newContext();
  const op = watch(await context.newPage());
  await signIn(op);
  await op.getByTestId("console-conversation").nth(4).waitFor({ timeout: TIMEOUT });
  const pane = op.getByTestId("console-pane");
  const drafts = new Map();
  for (let i = 0; i < 5; i++) {
    const before = drafts.size ? await pane.getAttribute("data-conversation") : null;
    await op.keyboard.press("Alt+ArrowDown");
    const id = await until("another conversation opens", async () => {
      const now = await pane.getAttribute("data-conversation").catch(() => null);
      return now && now !== before ? now : null;
    });
    await op.keyboard.press("Alt+KeyR");
    await op.getByTestId("console-input").fill(`draft for ${id}`);
    drafts.set(id, `draft for ${id}`);
  }
  assert.equal(drafts.size, 5);
  // Back up through all five: each draft is where it was left.
  for (let i = 0; i < 4; i++) {
    await op.keyboard.press("Alt+ArrowUp");
    await until("draft restored", async () => {
      const id = await pane.getAttribute("data-conversation");
      return drafts.has(id) && (await op.getByTestId("console-input").inputValue()) === drafts.get(id);
    });
  }
  // The help overlay lists the shortcuts; Escape closes it.
  await op.keyboard.press("Alt+Slash");
  await op.getByTestId("console-help").filter({ hasText: "Next conversation" }).waitFor({ timeout: TIMEOUT });
  await op.keyboard.press("Escape");
  await op.getByTestId("console-help").waitFor({ state: "hidden", timeout: TIMEOUT });
  // Reload: drafts survive.
  await op.reload();
  await op.getByTestId("console-conversation").nth(4).waitFor({ timeout: TIMEOUT });
  const [first] = drafts.keys();
  await op.locator(`[data-testid="console-conversation"][data-conversation="${first}"]`).click();
  await until("draft after reload", async () => (await op.getByTestId("console-input").inputValue()) === drafts.get(first));
  await context.close();
});

test("a call from the host page (chatWidget.trigger) opens the chat with its greeting", async () => {
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  await page.goto(demoUrl);
  // The loader arms triggers once it has read the site's configuration.
  const frame = page.frameLocator('iframe[title="Chat"]');
  await until("the demo button opens the chat", async () => {
    await page.locator("#ask-demo").click();
    return page.locator('iframe[title="Chat"]').isVisible();
  });
  await frame.getByTestId("chat-greeting").filter({ hasText: "asked for a demo" }).waitFor({ timeout: TIMEOUT });
  // No pre-chat form for a proactive chat: the composer is there.
  await frame.getByTestId("chat-input").waitFor({ timeout: TIMEOUT });
  assert.equal(await frame.getByTestId("chat-prechat").count(), 0);
  await context.close();
});

test("site settings: teams and canned responses are edited in the console and checked by the server", async () => {
  const context = await browser.newContext();
  const op = watch(await context.newPage());
  await signIn(op, "admin");
  await op.getByTestId("console-settings-open").click();
  const editor = op.getByTestId("console-settings-json");
  await until("settings loaded", async () => (await editor.inputValue()).includes("technical"));
  const config = JSON.parse(await editor.inputValue());
  // A mistake is refused with the reason, and nothing is stored.
  await editor.fill(JSON.stringify({ ...config, teams: [] }));
  await op.getByTestId("console-settings-save").click();
  await op.getByTestId("console-settings-note").filter({ hasText: "at least one team" }).waitFor({ timeout: TIMEOUT });
  config.teams.push({ id: "vip", name: "VIP desk" });
  config.canned.push({ workflow: "support", step: "troubleshoot", title: "Restart first", text: "Could you restart the app once?" });
  await editor.fill(JSON.stringify(config));
  await op.getByTestId("console-settings-save").click();
  await op.getByTestId("console-settings-note").filter({ hasText: "Saved." }).waitFor({ timeout: TIMEOUT });
  // Stored in the site's object: a fresh console sees both.
  await op.reload();
  const r = await fetch(`${base}/api/conversations`, {
    method: "POST", headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ site: "demo", fields: [["name", "Vic"], ["email", "vic@example.com"], ["issue_type", "Other"], ["error_message", "none"], ["account_id", "VIP-1"]] }),
  });
  assert.equal(r.status, 201);
  await openConversation(op, "VIP-1");
  await op.locator('[data-testid="console-escalate-team"] option[value="vip"]').waitFor({ state: "attached", timeout: TIMEOUT });
  await op.locator('[data-testid="console-canned-item"]').filter({ hasText: "Restart first" }).waitFor({ timeout: TIMEOUT });
  await context.close();
});

test("proactive triggers on time on page and scroll depth open the chat once, with their greeting", async () => {
  const original = await getConfig();
  const put = putConfig;
  const only = (id, value) => ({
    ...original,
    triggers: original.triggers.filter((t) => t.id === id).map((t) => ({ ...t, value })),
  });
  try {
    // Time on page: one second.
    await put(only("linger", "1"));
    let context = await browser.newContext();
    let page = watch(await context.newPage());
    await page.goto(demoUrl);
    const greeting = (p) => p.frameLocator('iframe[title="Chat"]').getByTestId("chat-greeting");
    await greeting(page).filter({ hasText: "Anything I can help you find?" }).waitFor({ timeout: TIMEOUT });
    // Once per visit: a reload in the same tab does not open it again by itself.
    await page.getByTestId("chat-launcher").click(); // close it
    await page.reload();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await page.locator('iframe[title="Chat"]').count(), 0, "fired twice in one visit");
    await context.close();

    // Scroll depth: 80 % of a long page.
    await put(only("deep-read", "80"));
    context = await browser.newContext();
    page = watch(await context.newPage());
    await page.goto(demoUrl);
    await page.evaluate(() => { document.body.style.height = "4000px"; });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.locator('iframe[title="Chat"]').count(), 0, "opened before scrolling");
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await greeting(page).filter({ hasText: "Still reading?" }).waitFor({ timeout: TIMEOUT });
    await context.close();
  } finally {
    await put(original);
  }
});

test("single-page app: a pushState to a pricing address fires its trigger; to the enterprise page, the chat starts as sales", async () => {
  const context = await browser.newContext();
  try {
    // The pricing trigger fires on a new address, with no page load.
    const page = watch(await context.newPage());
    await page.goto(demoUrl);
    await page.getByTestId("chat-launcher").waitFor({ timeout: TIMEOUT });
    assert.equal(await page.locator('iframe[title="Chat"]').count(), 0, "the chat opened by itself");
    await page.evaluate(() => history.pushState({}, "", "?from=pricing"));
    const frame = page.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-greeting").filter({ hasText: "Comparing plans" }).waitFor({ timeout: TIMEOUT });

    // The chat open on the support form; the app moves to the enterprise
    // page (a start rule: sales, no form) and the chat starts there as sales.
    const other = watch(await (await browser.newContext()).newPage());
    await other.goto(demoUrl);
    await other.getByTestId("chat-launcher").click();
    const chat = other.frameLocator('iframe[title="Chat"]');
    await chat.getByTestId("chat-prechat").waitFor({ timeout: TIMEOUT });
    await other.evaluate(() => history.pushState({}, "", "/demo?page=enterprise"));
    await chat.getByTestId("chat-prechat").waitFor({ state: "detached", timeout: TIMEOUT });
    const marker = `spa-${Date.now()}`;
    await chat.getByTestId("chat-input").fill(`Enterprise question ${marker}`);
    await chat.getByTestId("chat-input").press("Enter");
    await waitForTexts(chat, "chat-message", [`Enterprise question ${marker}`]);
    const op = watch(await context.newPage());
    await signIn(op, "operator");
    await op.getByTestId("console-filter-workflow").selectOption("sales");
    await op.getByTestId("console-conversation").filter({ hasText: marker }).first().waitFor({ timeout: TIMEOUT });
    assert.deepEqual(dialogs, [], "a dialog fired");
  } finally {
    await context.close();
  }
});
