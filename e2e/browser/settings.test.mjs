// settings.test.mjs: a site admin sets the site up in the console's
// settings form — renames the site, copies the script tag, sets the allowed
// origins, the launcher's colour and side, the greeting, a page that starts
// sales, the limits — and a customer on the host page meets the result; a
// bad value is refused with its reason and stores nothing; the identity
// secret is shown and replaced; a second site is added and switched to and
// from. The catalogue form adds a plan variant and an offer with its last
// day, checked as typed and refused by the server while wrong, and the
// customer's product card shows the offer. The lists form adds a team, a
// canned response, a trigger and a channel without JSON — a bad trigger
// and an unreadable number named as typed, the server refusing the same —
// and a customer on the trigger's address is greeted by it. The demo
// site's settings are restored. An API key is made (shown once), works on
// /api/v1 and stops at once when revoked. A webhook is added (a bad
// address refused with the reason, the secret shown once), a customer's
// message reaches a receiver signed with it, the delivery log shows it and
// a replay sends the same event again; removed, it is listed no more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { apiAs, base, browser, customerOn, demoUrl, dialogs, getConfig, putConfig, signIn, TIMEOUT, until, watch } from "./helpers.mjs";

// An admin's console with the settings open, and the form `testid` shown.
async function adminSettings(context, testid) {
  const op = watch(await context.newPage());
  await signIn(op, "admin");
  await op.getByTestId("console-settings-open").click();
  const form = op.getByTestId(testid);
  await form.waitFor({ timeout: TIMEOUT });
  return { op, form };
}

test("site settings form: name, script tag, origins, look (colour, side, greeting, theme, language), workflow by page, limits, identity secret, sites", async () => {
  const saved = await getConfig();
  const context = await browser.newContext();
  try {
    const { op, form } = await adminSettings(context, "console-settings-form");

    // The tag to paste names this service and the site.
    const tag = await op.getByTestId("console-script-tag").inputValue();
    assert.equal(tag, `<script src="${base}/widget.js" data-site="demo" async></script>`);

    // Renaming is stored: a fresh console shows the new name.
    const name = op.getByTestId("console-site-name");
    const before = await name.inputValue();
    assert.ok(before.length > 0, "the site's name is shown");
    await name.fill(`${before} (test)`);
    await op.getByTestId("console-site-rename").click();
    await op.getByTestId("console-site-note").filter({ hasText: "Renamed." }).waitFor({ timeout: TIMEOUT });

    // A bad origin is refused with its reason, and nothing is stored.
    await op.getByTestId("console-origins").fill("https://shop.example/checkout");
    await op.getByTestId("console-form-save").click();
    const note = op.getByTestId("console-form-note");
    await note.waitFor({ timeout: TIMEOUT });
    assert.match(await note.textContent(), /origin "https:\/\/shop.example\/checkout": .*no path/);
    assert.deepEqual((await getConfig()).origins, saved.origins);

    const stamp = Date.now();
    const greeting = `Hello from the settings test ${stamp}`;
    await op.getByTestId("console-limit-windows").fill("7");
    await op.getByTestId("console-origins").fill([...saved.origins, "https://shop.example"].join("\n"));
    await op.getByTestId("console-appearance-color").fill("#aa3300");
    await op.getByTestId("console-appearance-side").selectOption("left");
    await op.getByTestId("console-appearance-greeting").fill(greeting);
    await op.getByTestId("console-appearance-title").fill("Acme help");
    await op.getByTestId("console-appearance-launcher").fill("Talk to us");
    await op.getByTestId("console-appearance-theme").selectOption("dark");
    await op.getByTestId("console-appearance-locale").selectOption("de");
    await op.getByTestId("console-start-add").click();
    await op.getByTestId("console-start-contains").last().fill(`spring-sale-${stamp}`);
    await op.getByTestId("console-start-workflow").last().selectOption("sales");
    const refusal = await note.textContent();
    await op.getByTestId("console-form-save").click();
    await until("the save answered", async () => (await note.textContent()) !== refusal);
    assert.equal(await note.textContent(), "Saved.");
    const stored = await getConfig();
    assert.equal(stored.limits.windowsPerCustomer, 7);
    assert.deepEqual(stored.origins, [...saved.origins, "https://shop.example"]);
    assert.deepEqual(stored.appearance,
      { color: "#aa3300", side: "left", greeting, theme: "dark", locale: "de", title: "Acme help", launcher: "Talk to us" });
    assert.deepEqual(stored.starts.at(-1), { contains: `spring-sale-${stamp}`, workflow: "sales" });
    // The JSON editor shows what the form saved; teams and the rest are untouched.
    assert.match(await op.getByTestId("console-settings-json").inputValue(), new RegExp(greeting));
    assert.deepEqual(stored.teams, saved.teams);

    await op.reload();
    await op.getByTestId("console-settings-open").click();
    assert.equal(await op.getByTestId("console-site-name").inputValue(), `${before} (test)`);

    // A customer on a page the rule names: the launcher on the left in the
    // site's colour, the greeting, a sales chat (no support form).
    const customer = watch(await context.newPage());
    await customer.goto(`${demoUrl}?page=spring-sale-${stamp}`);
    const launcher = customer.getByTestId("chat-launcher");
    await until("the site's look", async () =>
      launcher.evaluate((b) => b.style.background.includes("rgb(170, 51, 0)") && b.getRootNode().host.classList.contains("left")));
    // The site's words beside the icon, which name the launcher too.
    await until("the launcher's own words", async () =>
      (await launcher.evaluate((b) => b.querySelector('[data-testid="chat-launcher-text"]')?.textContent)) === "Talk to us" &&
      (await launcher.getAttribute("aria-label")) === "Talk to us");
    await launcher.click();
    const frame = customer.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-empty").filter({ hasText: greeting }).waitFor({ timeout: TIMEOUT });
    assert.equal(await frame.locator(".chat-header strong").textContent(), "Acme help", "the site's own title");
    await frame.getByTestId("chat-input").waitFor({ timeout: TIMEOUT });
    assert.equal(await frame.getByTestId("chat-prechat").count(), 0, "a sales page asks no support form");

    // The identity secret: shown on request, replaced only on a second click.
    await op.getByTestId("console-identity-show").click();
    const secret = op.getByTestId("console-identity-secret");
    await secret.waitFor({ timeout: TIMEOUT });
    const first = await secret.textContent();
    assert.match(first, /^[0-9a-f]{64}$/);
    await op.getByTestId("console-identity-rotate").click();
    assert.equal(await secret.textContent(), first, "the first click only asks");
    await op.getByTestId("console-identity-rotate").click();
    await op.getByTestId("console-identity-note").filter({ hasText: "Replaced" }).waitFor({ timeout: TIMEOUT });
    const second = await secret.textContent();
    assert.match(second, /^[0-9a-f]{64}$/);
    assert.notEqual(second, first);

    // Back to the demo's name.
    await op.getByTestId("console-site-name").fill(before);
    await op.getByTestId("console-site-rename").click();
    await op.getByTestId("console-site-note").filter({ hasText: "Renamed." }).waitFor({ timeout: TIMEOUT });

    // A second site: added, the console opens on it (its own tag, default
    // settings), and the switch leads back to the demo site.
    const shop = `shop-${stamp}`;
    await op.getByTestId("console-site-new-id").fill(shop);
    await op.getByTestId("console-site-new-name").fill("Second shop");
    await op.getByTestId("console-site-add").click();
    await op.waitForURL(`**/console?site=${shop}`, { timeout: TIMEOUT });
    await op.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
    await op.getByTestId("console-settings-open").click();
    await until("the new site's tag", async () =>
      (await op.getByTestId("console-script-tag").inputValue()).includes(`data-site="${shop}"`));
    const fresh = await op.getByTestId("console-appearance-greeting").inputValue();
    assert.ok(fresh.length > 0 && fresh !== greeting, `the new site has its own, default greeting: ${fresh}`);
    assert.equal(await op.getByTestId("console-site-name").inputValue(), "Second shop");
    assert.equal(await op.getByTestId("console-origins").inputValue(), "", "a new site is embeddable nowhere yet");
    await op.getByTestId("console-site-switch").selectOption("demo");
    await op.waitForURL("**/console?site=demo", { timeout: TIMEOUT });
  } finally {
    await context.close();
    await putConfig(saved);
  }
});

test("catalogue form: a variant and an offer with its last day, checked as typed and by the server; the customer's card shows the offer", async () => {
  const saved = await getConfig();
  const context = await browser.newContext();
  try {
    const { op, form } = await adminSettings(context, "console-catalogue");
    const check = op.getByTestId("console-catalogue-check");
    const note = op.getByTestId("console-catalogue-note");
    const last = (testid) => form.getByTestId(testid).last();

    // A new variant of the plans: a price that is not a number is marked, and named.
    await form.getByTestId("console-catalogue-products-add").click();
    await last("console-catalogue-product-id").fill("team-xl");
    await last("console-catalogue-product-name").fill("Team XL plan (monthly)");
    await last("console-catalogue-product-price").fill("99,5.x");
    await last("console-catalogue-product-price").press("Tab");
    assert.equal(await last("console-catalogue-product-price").getAttribute("aria-invalid"), "true");
    await until("unreadable named", async () => /1 cell\(s\) cannot be read/.test(await check.textContent()));
    await last("console-catalogue-product-price").fill("99.00");
    await last("console-catalogue-product-price").press("Tab");
    assert.equal(await last("console-catalogue-product-price").getAttribute("aria-invalid"), "false");
    // A bad family: the Worker's own check names it as it is typed, and the server refuses the save.
    await last("console-catalogue-product-family").fill("Plans!");
    await last("console-catalogue-product-family").press("Tab");
    await until("checked as typed", async () => /a family is 1–32/.test(await check.textContent()));
    await form.getByTestId("console-catalogue-save").click();
    await until("refused", async () => /a family is 1–32/.test((await note.textContent().catch(() => "")) ?? ""));
    assert.deepEqual((await getConfig()).products, saved.products, "nothing stored");

    await last("console-catalogue-product-family").fill("plans");
    await last("console-catalogue-product-variant").fill("Team XL, monthly");
    await last("console-catalogue-product-variant").press("Tab");
    // An offer on it, ending in ten days.
    const lastDay = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await form.getByTestId("console-catalogue-offers-add").click();
    await last("console-catalogue-offer-id").fill("launch-xl");
    await last("console-catalogue-offer-name").fill("Launch week");
    await last("console-catalogue-offer-discount").fill("10 %");
    await last("console-catalogue-offer-products").fill("team-xl");
    await last("console-catalogue-offer-ends").fill(lastDay);
    await last("console-catalogue-offer-ends").press("Tab");
    await until("nothing to complain about", async () => (await check.textContent()) === "");
    await form.getByTestId("console-catalogue-save").click();
    await note.filter({ hasText: "Saved." }).waitFor({ timeout: TIMEOUT });
    const stored = await getConfig();
    assert.deepEqual(stored.products.at(-1),
      { id: "team-xl", name: "Team XL plan (monthly)", price: 9900, image: "", family: "plans", variant: "Team XL, monthly" });
    const offer = stored.sales.offers.at(-1);
    assert.deepEqual([offer.id, offer.discount, offer.products, offer.endsMs],
      ["launch-xl", { percent: 1000 }, ["team-xl"], Date.parse(lastDay) + 86_400_000]);
    await op.getByTestId("console-settings-close").click();

    // A customer is shown the plan: the old price struck through, the saving and its last day.
    const marker = `xl-${Date.now()}`;
    const customer = watch(await context.newPage());
    await customer.goto(`${demoUrl}?from=pricing`);
    const frame = customer.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-input").fill(`Big team ${marker}`);
    await frame.getByTestId("chat-input").press("Enter");
    await op.getByTestId("console-filter-workflow").selectOption("sales");
    const item = op.getByTestId("console-conversation").filter({ hasText: marker }).first();
    await item.waitFor({ timeout: TIMEOUT });
    await item.click();
    await op.getByTestId("console-complete-step").click();
    await op.getByTestId("console-field-id").fill("needs");
    await op.getByTestId("console-field-value").fill("40 seats");
    await op.getByTestId("console-field-save").click();
    const xl = op.locator('[data-testid="console-product"][data-product="team-xl"]');
    assert.equal(await xl.getAttribute("data-family"), "plans");
    assert.equal(await xl.getByTestId("console-product-variant").textContent(), "Team XL, monthly");
    await xl.getByTestId("console-present").click();
    const card = frame.locator('[data-testid="chat-product"][data-product="team-xl"]');
    await card.waitFor({ timeout: TIMEOUT });
    assert.equal(await card.locator('[data-testid="chat-product-price"] s').textContent(), "$99.00");
    assert.equal(await card.getByTestId("chat-product-price").textContent(), "$99.00 $89.10");
    const day = await customer.evaluate((end) => new Date(end).toLocaleDateString("en"), offer.endsMs);
    assert.equal(await card.getByTestId("chat-product-saving").textContent(), `Launch week until ${day}-$9.90`);
    assert.deepEqual(dialogs, []);
  } finally {
    await context.close();
    await putConfig(saved);
  }
});

test("lists form: a team, a canned response, a pre-chat field, a trigger and a channel without JSON, checked as typed and by the server; the customer meets the trigger", async () => {
  const saved = await getConfig();
  const context = await browser.newContext();
  try {
    const { op, form } = await adminSettings(context, "console-lists");
    const check = op.getByTestId("console-lists-check");
    const note = op.getByTestId("console-lists-note");
    const last = (testid) => form.getByTestId(testid).last();
    const stamp = Date.now().toString(36);

    await form.getByTestId("console-teams-add").click();
    await last("console-team-id").fill("vip");
    await last("console-team-name").fill("VIP desk");
    const step = saved.canned.find((c) => c.workflow === "support").step;
    await form.getByTestId("console-canned-add").click();
    await last("console-canned-workflow").fill("support");
    await last("console-canned-step").fill(step);
    await last("console-canned-title").fill("Thanks for waiting");
    await last("console-canned-text").fill("Thanks for waiting — I'm on it.");
    // A trigger on something that is not a trigger: named as typed, refused by the server.
    await form.getByTestId("console-triggers-add").click();
    await last("console-trigger-id").fill("spring");
    await last("console-trigger-on").fill("someday");
    await last("console-trigger-value").fill(`spring-${stamp}`);
    await last("console-trigger-greeting").fill("Spring sale! Ask me about it.");
    await last("console-trigger-greeting").press("Tab");
    await until("checked as typed", async () => /trigger "spring"/.test(await check.textContent()));
    await form.getByTestId("console-lists-save").click();
    await until("refused", async () => /trigger "spring"/.test((await note.textContent().catch(() => "")) ?? ""));
    assert.deepEqual((await getConfig()).triggers, saved.triggers, "nothing stored");
    await last("console-trigger-on").fill("urlContains");
    // A pre-chat field of a kind the form cannot show: named as typed.
    await form.getByTestId("console-fields-add").click();
    await last("console-field-def-id").fill("phone");
    await last("console-field-def-label").fill("Phone");
    await last("console-field-def-kind").fill("colour");
    await last("console-field-def-kind").press("Tab");
    await until("the field is named", async () => /field "phone"/.test(await check.textContent()));
    await last("console-field-def-kind").fill("text");
    // A channel whose slow mode is not a number: the cell is marked.
    await form.getByTestId("console-channels-add").click();
    await last("console-channel-id").fill("qa-room");
    await last("console-channel-title").fill("Q&A");
    await last("console-channel-slow").fill("soon");
    await last("console-channel-slow").press("Tab");
    assert.equal(await last("console-channel-slow").getAttribute("aria-invalid"), "true");
    await until("named", async () => /cannot be read/.test(await check.textContent()));
    await last("console-channel-slow").fill("5");
    await last("console-channel-slow").press("Tab");
    await until("nothing to complain about", async () => (await check.textContent()) === "");
    await form.getByTestId("console-lists-save").click();
    await note.filter({ hasText: "Saved." }).waitFor({ timeout: TIMEOUT });
    const stored = await getConfig();
    assert.deepEqual(stored.teams.at(-1), { id: "vip", name: "VIP desk" });
    assert.deepEqual(stored.canned.at(-1),
      { workflow: "support", step, title: "Thanks for waiting", text: "Thanks for waiting — I'm on it." });
    assert.deepEqual(stored.triggers.at(-1),
      { id: "spring", on: "urlContains", value: `spring-${stamp}`, greeting: "Spring sale! Ask me about it." });
    assert.deepEqual(stored.channels.at(-1), { id: "qa-room", title: "Q&A", slowSeconds: 5 });
    assert.deepEqual([stored.fields.at(-1).id, stored.fields.at(-1).label, stored.fields.at(-1).kind], ["phone", "Phone", "text"]);

    // A customer on the trigger's address is greeted by it.
    const customer = watch(await context.newPage());
    await customer.goto(`${demoUrl}?from=spring-${stamp}`);
    const frame = customer.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-greeting").filter({ hasText: "Spring sale!" }).waitFor({ timeout: TIMEOUT });
  } finally {
    await context.close();
    await putConfig(saved);
  }
});

test("API keys: made with a scope, shown once, used on /api/v1, revoked", async () => {
  const context = await browser.newContext();
  try {
    const { op, form } = await adminSettings(context, "console-keys");
    const label = `browser key ${Date.now()}`;
    await form.getByTestId("console-key-label").fill(label);
    await form.getByTestId("console-key-scope").selectOption("read");
    await form.getByTestId("console-key-create").click();
    const secret = form.getByTestId("console-key-secret");
    await secret.waitFor({ timeout: TIMEOUT });
    const key = await secret.textContent();
    assert.match(key, /^ck_/);
    const row = form.getByTestId("console-key").filter({ hasText: label });
    await row.waitFor({ timeout: TIMEOUT });
    assert.match(await row.textContent(), new RegExp(`read · …${key.slice(-4)}`));
    const list = () => fetch(`${base}/api/v1/sites/demo/conversations`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await list()).status, 200);
    await row.getByTestId("console-key-revoke").click();
    await until("revoked", async () => (await row.count()) === 0);
    assert.equal((await list()).status, 401);
    // After a reload the key is listed nowhere, and never shown again.
    await op.reload();
    await op.getByTestId("console-settings-open").click();
    await op.getByTestId("console-keys").waitFor({ timeout: TIMEOUT });
    assert.equal(await op.getByTestId("console-key-secret").count(), 0);
    assert.deepEqual(dialogs, []);
  } finally {
    await context.close();
  }
});

test("webhooks: added with its events, signed deliveries in the log, replayed, removed", async () => {
  const got = [];
  let secret = "";
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const [t, v1] = (req.headers["x-chat-signature"] || "").split(",").map((p) => p.split("=")[1]);
      const want = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
      got.push({ body: JSON.parse(body), valid: v1 === want, delivery: req.headers["x-chat-delivery"] });
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  const context = await browser.newContext();
  try {
    const { form } = await adminSettings(context, "console-hooks");
    await form.getByTestId("console-hook-url").fill("ftp://example.com/x");
    await form.getByTestId("console-hook-add").click();
    await until("the reason", async () => /https:\/\//.test(await form.getByTestId("console-hook-note").textContent()));
    await form.getByTestId("console-hook-url").fill(url);
    await form.getByTestId("console-hook-add").click();
    const shown = form.getByTestId("console-hook-secret");
    await shown.waitFor({ timeout: TIMEOUT });
    secret = await shown.textContent();
    assert.match(secret, /^whsec_/);
    const hook = form.getByTestId("console-hook").filter({ hasText: url });
    await hook.waitFor({ timeout: TIMEOUT });
    assert.match(await hook.textContent(), /message\.created/);

    const marker = `hooked ${Date.now()}`;
    await customerOn(context, demoUrl, marker);
    const mine = () => got.filter((g) => g.body.data?.message?.text === marker);
    await until("the delivery", async () => mine().length === 1);
    assert.ok(mine()[0].valid, "signed with the secret shown");
    assert.equal(mine()[0].body.type, "message.created");
    const rows = form.getByTestId("console-hook-delivery").filter({ hasText: mine()[0].body.id });
    await until("in the log", async () => {
      await form.getByTestId("console-hook-refresh").click();
      return (await rows.count()) === 1 && (await rows.first().getAttribute("data-state")) === "delivered";
    });
    await rows.first().getByTestId("console-hook-replay").click();
    await until("replayed", async () => mine().length === 2);
    assert.equal(mine()[1].body.id, mine()[0].body.id, "the same event");
    assert.notEqual(mine()[1].delivery, mine()[0].delivery, "a new delivery");
    assert.ok(mine()[1].valid);
    await hook.getByTestId("console-hook-remove").click();
    await until("removed", async () => (await hook.count()) === 0);
    assert.deepEqual(dialogs, []);
  } finally {
    // Whatever happened, the demo site keeps no webhook of this test.
    const admin = await apiAs("admin");
    const hooks = await (await admin.call("GET", "/api/console/sites/demo/webhooks")).json();
    for (const h of Array.isArray(hooks) ? hooks : []) {
      if (h.url === url) await admin.call("POST", `/api/console/sites/demo/webhooks/${h.id}/delete`);
    }
    await context.close();
    server.close();
  }
});
