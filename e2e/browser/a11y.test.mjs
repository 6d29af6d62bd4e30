// a11y.test.mjs: accessibility checked with axe-core (WCAG 2.1 A and AA
// rules) in headless Chromium, on what customers and operators use: the
// host page's launcher, the chat with its pre-chat form and with messages,
// the public channel, the console's sign-in and its inbox with a
// conversation open, a checklist card on both sides, the settings, the
// moderation desk (its channel monitor listing a message), the chat in dark (the visitor's system; a site set to
// light stays light), and the chat in German and in Arabic (right to left). No serious or critical violation may remain. The
// pages' CSP is bypassed only to inject axe itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { browser, consoleUrl, demoUrl, fillPreChat, getConfig, putConfig, signIn, TIMEOUT, until, waitForTexts, watch } from "./helpers.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Runs axe in `target` (a page or a frame); the serious and critical
 * violations, as "rule: where" lines. */
async function violations(target) {
  await target.addScriptTag({ path: axePath });
  const found = await target.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  return found;
}

/** The frame object of the iframe titled `title` on `page`. */
async function frameTitled(page, title) {
  const handle = await page.locator(`iframe[title="${title}"]`).elementHandle();
  return handle.contentFrame();
}

test("the launcher, the chat, the channel and the console have no serious accessibility violation", async () => {
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const customer = watch(await context.newPage());
    await customer.goto(demoUrl);
    await customer.getByTestId("chat-launcher").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(customer), [], "the host page with the launcher");

    await customer.getByTestId("chat-launcher").click();
    const chat = customer.frameLocator('iframe[title="Chat"]');
    await chat.getByTestId("chat-prechat").or(chat.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(await frameTitled(customer, "Chat")), [], "the chat with its pre-chat form");
    await fillPreChat(chat);
    await chat.getByTestId("chat-input").fill("Hello, is anyone there?");
    await chat.getByTestId("chat-input").press("Enter");
    await waitForTexts(chat, "chat-message", ["Hello, is anyone there?"]);
    assert.deepEqual(await violations(await frameTitled(customer, "Chat")), [], "the chat with a message");

    const channel = customer.frameLocator('iframe[title="Channel live"]');
    await channel.getByTestId("channel-join-form").or(channel.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(await frameTitled(customer, "Channel live")), [], "the channel");

    const op = watch(await context.newPage());
    await op.goto(consoleUrl);
    await op.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(op), [], "the console's sign-in");
    await signIn(op, "operator");
    const item = op.getByTestId("console-conversation").filter({ hasText: "Hello, is anyone there?" }).first();
    await item.waitFor({ timeout: TIMEOUT });
    await item.click();
    await op.getByTestId("console-input").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(op), [], "the console's inbox with a conversation open");

    // A card in the chat: the operator replies and sends a checklist.
    await op.getByTestId("console-input").fill("Let's fix it step by step.");
    await op.getByTestId("console-input").press("Enter");
    await op.getByTestId("console-checklist-items").fill("Sign out\nSign in again");
    await op.getByTestId("console-checklist-send").click();
    await chat.getByTestId("chat-checklist").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(await frameTitled(customer, "Chat")), [], "the chat with a checklist card");
    assert.deepEqual(await violations(op), [], "the console's guide after a checklist");
  } finally {
    await context.close();
  }
});

test("the settings, the moderation desk, the chat in dark and the chat in German and Arabic have no serious accessibility violation", async () => {
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const admin = watch(await context.newPage());
    await signIn(admin, "admin");
    await admin.getByTestId("console-settings-open").click();
    await admin.getByTestId("console-settings").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(admin), [], "the settings");

    // A message in the channel, for the desk's channel monitor to list.
    const viewer = watch(await context.newPage());
    await viewer.goto(demoUrl);
    const channel = viewer.frameLocator('iframe[title="Channel live"]');
    await channel.getByTestId("channel-name").fill("Axe");
    await channel.getByTestId("channel-join").click();
    const said = `Hello channel ${Date.now()}`;
    await channel.getByTestId("channel-input").fill(said);
    await channel.getByTestId("channel-input").press("Enter");
    await channel.locator('[data-testid="channel-message"][data-state="sent"]', { hasText: said }).waitFor({ timeout: TIMEOUT });

    const moderator = watch(await (await browser.newContext({ bypassCSP: true })).newPage());
    await signIn(moderator, "moderator");
    await moderator.getByTestId("console-tab-moderation").click();
    await moderator.getByTestId("console-queue").waitFor({ state: "attached", timeout: TIMEOUT });
    await moderator.getByTestId("console-channel-message").filter({ hasText: said }).waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await violations(moderator), [], "the moderation desk");
    await moderator.context().close();
  } finally {
    await context.close();
  }
  // Dark where the visitor's system is (the site's theme is auto), also without a serious contrast problem; a site
  // set to light stays light.
  const dark = await browser.newContext({ bypassCSP: true, colorScheme: "dark" });
  const saved = await getConfig();
  try {
    const customer = watch(await dark.newPage());
    const background = async () => {
      await customer.goto(demoUrl);
      await customer.getByTestId("chat-launcher").waitFor({ timeout: TIMEOUT });
      // (The chat opens again by itself after a reload if it was open.)
      if (!(await customer.locator('iframe[title="Chat"]').isVisible())) await customer.getByTestId("chat-launcher").click();
      const chat = customer.frameLocator('iframe[title="Chat"]');
      await chat.getByTestId("chat-prechat").or(chat.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
      return (await frameTitled(customer, "Chat")).evaluate(() => getComputedStyle(document.body).backgroundColor);
    };
    assert.equal(await background(), "rgb(23, 24, 28)", "dark, as the system");
    assert.deepEqual(await violations(await frameTitled(customer, "Chat")), [], "the chat in dark");
    await putConfig({ ...saved, appearance: { ...saved.appearance, theme: "light" } });
    await until("the site's light theme", async () => (await background()) === "rgb(255, 255, 255)");
  } finally {
    await putConfig(saved);
    await dark.close();
  }
  for (const locale of ["de-DE", "ar"]) {
    const context = await browser.newContext({ bypassCSP: true, locale });
    try {
      const customer = watch(await context.newPage());
      await customer.goto(demoUrl);
      await customer.getByTestId("chat-launcher").click();
      const chat = customer.frameLocator('iframe[title="Chat"]');
      await chat.getByTestId("chat-prechat").or(chat.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
      assert.deepEqual(await violations(await frameTitled(customer, "Chat")), [], `the chat in ${locale}`);
    } finally {
      await context.close();
    }
  }
});
