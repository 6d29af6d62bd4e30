// settings.test.mjs: a site admin sets the site up in the console's
// settings form — renames the site, copies the script tag, sets the allowed
// origins, the launcher's colour and side, the greeting, a page that starts
// sales, the limits — and a customer on the host page meets the result; a
// bad value is refused with its reason and stores nothing; the identity
// secret is shown and replaced; a second site is added and switched to and
// from. The demo site's settings are restored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, browser, demoUrl, getConfig, putConfig, signIn, TIMEOUT, until, watch } from "./helpers.mjs";

test("site settings form: name, script tag, origins, look, workflow by page, limits, identity secret, sites", async () => {
  const saved = await getConfig();
  const context = await browser.newContext();
  try {
    const op = watch(await context.newPage());
    await signIn(op, "admin");
    await op.getByTestId("console-settings-open").click();
    const form = op.getByTestId("console-settings-form");
    await form.waitFor({ timeout: TIMEOUT });

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
    assert.deepEqual(stored.appearance, { color: "#aa3300", side: "left", greeting });
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
    await launcher.click();
    const frame = customer.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-empty").filter({ hasText: greeting }).waitFor({ timeout: TIMEOUT });
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
