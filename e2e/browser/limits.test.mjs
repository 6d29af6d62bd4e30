// limits.test.mjs: a customer who sends faster than the site allows sees
// why and when to try again, in the chat widget and in a channel — never a
// silent drop; a customer with more tabs open than the site allows sees why
// in the extra one. (The site's limit is lowered, and its flood rule removed,
// while this test runs; both are restored.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, browser, demoUrl, fillPreChat, getConfig, putConfig, TIMEOUT, until, watch } from "./helpers.mjs";


async function sendAll(frame, input, texts) {
  for (const t of texts) {
    await frame.getByTestId(input).fill(t);
    await frame.getByTestId(input).press("Enter");
  }
}

test("too many messages a minute: the widget and the channel say so, with the wait", async () => {
  const saved = await getConfig();
  const rules = saved.rules.filter((r) => !("flood" in r.kind));
  await putConfig({ ...saved, rules, limits: { ...saved.limits, messagesPerMinute: 3 } });
  try {
    // A new conversation starts with the settings; channels are told at once.
    const context = await browser.newContext();
    const page = watch(await context.newPage());
    await page.goto(demoUrl);
    await page.getByTestId("chat-launcher").click();
    const chat = page.frameLocator('iframe[title="Chat"]');
    await fillPreChat(chat);
    const stamp = Date.now();
    const texts = [1, 2, 3, 4].map((i) => `quick ${i} ${stamp}`);
    await sendAll(chat, "chat-input", texts);
    const refused = chat.locator('[data-testid="chat-message"][data-state="refused"]', { hasText: texts[3] });
    await refused.waitFor({ timeout: TIMEOUT });
    const row = await chat.locator(".row.pending", { hasText: texts[3] }).textContent();
    assert.match(row, /sending messages too fast — try again in \d+ s/);

    const channel = page.frameLocator('iframe[title="Channel live"]');
    await channel.getByTestId("channel-name").fill("Quick");
    await channel.getByTestId("channel-join").click();
    await channel.getByTestId("channel-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
    await sendAll(channel, "channel-input", texts);
    await until("the channel refuses the fourth", async () =>
      /try again in \d+ s/.test(await channel.locator(".row.pending", { hasText: texts[3] }).textContent().catch(() => "")));
    await context.close();
  } finally {
    await putConfig(saved);
  }
});

test("too many open windows: the extra tab says so, the others keep working", async () => {
  const saved = await getConfig();
  await putConfig({ ...saved, limits: { ...saved.limits, windowsPerCustomer: 2 } });
  try {
    // A new conversation starts with the settings; channels are told at once.
    const context = await browser.newContext();
    const tabs = [];
    const pages = [];
    for (let i = 0; i < 3; i++) {
      const page = watch(await context.newPage());
      pages.push(page);
      await page.goto(demoUrl);
      await page.getByTestId("chat-launcher").click();
      const chat = page.frameLocator('iframe[title="Chat"]');
      if (i === 0) {
        await fillPreChat(chat);
        await chat.getByTestId("chat-input").fill("first tab");
        await chat.getByTestId("chat-input").press("Enter");
        await chat.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: "first tab" }).waitFor({ timeout: TIMEOUT });
      }
      tabs.push(chat);
    }
    // The same customer (one conversation) in three tabs: the third is refused, with the reason.
    await tabs[2].getByTestId("chat-status").filter({ hasText: "Too many open chat windows (2) — close one and try again." })
      .waitFor({ timeout: TIMEOUT });
    // It keeps the conversation (no new one, no form) and the others work on.
    assert.equal(await tabs[2].getByTestId("chat-prechat").count(), 0);
    for (const chat of tabs.slice(0, 2)) {
      await chat.getByTestId("chat-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
      await chat.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: "first tab" }).waitFor({ timeout: TIMEOUT });
    }
    // The refused tab did not make the browser forget the conversation: with
    // one tab closed, a new one opens the same chat.
    await pages[0].close();
    const again = watch(await context.newPage());
    await again.goto(demoUrl);
    await again.getByTestId("chat-launcher").click();
    const chat = again.frameLocator('iframe[title="Chat"]');
    await chat.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: "first tab" }).waitFor({ timeout: TIMEOUT });
    await chat.getByTestId("chat-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
    await context.close();
  } finally {
    await putConfig(saved);
  }
});
