// identity.test.mjs: a site's logged-in customer, as people meet it in
// headless Chromium. The demo page plays the site: `?user=` makes its server
// sign the id with the site's identity secret into the script tag. The
// customer writes on one device and sees that history on another; the next,
// anonymous visitor on the first browser does not see it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser, demoUrl, dialogs, fillPreChat, openWidget, TIMEOUT, until, waitForTexts, watch } from "./helpers.mjs";

test("a verified customer sees their history on another device; the next visitor does not", async () => {
  const user = `alice-${Date.now()}`;
  const laptop = await browser.newContext();
  const page = watch(await laptop.newPage());
  await page.goto(`${demoUrl}?user=${user}`);
  await page.getByTestId("chat-launcher").click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  await frame.getByTestId("chat-prechat").or(frame.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
  await fillPreChat(frame);
  await frame.getByTestId("chat-input").fill("Written on my laptop");
  await frame.getByTestId("chat-input").press("Enter");
  await waitForTexts(frame, "chat-message", ["Written on my laptop"]);

  // Another device: no storage in common, the same signed-in user.
  const phone = await browser.newContext();
  const other = watch(await phone.newPage());
  await other.goto(`${demoUrl}?user=${user}`);
  await other.getByTestId("chat-launcher").click();
  const phoneFrame = other.frameLocator('iframe[title="Chat"]');
  await waitForTexts(phoneFrame, "chat-message", ["Written on my laptop"]);
  assert.equal(await phoneFrame.getByTestId("chat-prechat").count(), 0, "a resumed chat asks nothing again");
  await phoneFrame.getByTestId("chat-input").fill("And now from my phone");
  await phoneFrame.getByTestId("chat-input").press("Enter");
  await waitForTexts(frame, "chat-message", ["Written on my laptop", "And now from my phone"]);

  // Signed out of the site on the laptop: the next visitor starts afresh.
  const next = watch(await laptop.newPage());
  const anonymous = await openWidget(next);
  await until("the anonymous chat is ready", async () => (await anonymous.getByTestId("chat-input").count()) > 0);
  const seen = await anonymous.getByTestId("chat-message").allTextContents();
  assert.ok(!seen.some((t) => t.includes("laptop") || t.includes("phone")), `the next visitor saw the user's chat: ${seen}`);
  assert.deepEqual(dialogs, []);
  await laptop.close();
  await phone.close();
});
