// limits.test.mjs: a customer who sends faster than the site allows sees
// why and when to try again, in the chat widget and in a channel — never a
// silent drop. (The site's limit is lowered, and its flood rule removed,
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
    await new Promise((r) => setTimeout(r, 5500)); // rooms read settings at most 5 s late
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
    await new Promise((r) => setTimeout(r, 5500));
  }
});
