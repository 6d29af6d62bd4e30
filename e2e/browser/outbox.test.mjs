// outbox.test.mjs: nothing typed is lost on reload, in the console and in
// the customer widget. The sender's frames stop reaching the Worker (the
// socket stays open, as on a dead network), they send (shown as
// "Sending…"), reload, the network comes back, and the message is stored
// exactly once — resent from the console's storage, or from the host page's
// storage through the loader, with its first id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser, openWidget, signIn, TIMEOUT, until, waitForTexts, watch } from "./helpers.mjs";

/** Routes every chat socket of `context` through a switch: while `net.down`,
 * frames from the page are dropped (nothing reaches the Worker). */
async function flakyNetwork(context) {
  const net = { down: false };
  await context.routeWebSocket(/\/ws\?/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => { if (!net.down) server.send(m); });
  });
  return net;
}

test("a reply sent while offline and then reloaded is stored exactly once", async () => {
  const customerContext = await browser.newContext();
  const customer = watch(await customerContext.newPage());
  const frame = await openWidget(customer);
  const question = `console outbox ${Date.now()}`;
  await frame.getByTestId("chat-input").fill(question);
  await frame.getByTestId("chat-input").press("Enter");
  await waitForTexts(frame, "chat-message", [question]);

  const context = await browser.newContext();
  const net = await flakyNetwork(context);
  const op = watch(await context.newPage());
  await signIn(op, "operator");
  const item = op.getByTestId("console-conversation").filter({ hasText: question }).first();
  await item.click();
  await op.getByTestId("console-pane").waitFor({ timeout: TIMEOUT });
  net.down = true;
  const reply = `reply typed offline ${Date.now()}`;
  await op.getByTestId("console-input").fill(reply);
  await op.getByTestId("console-input").press("Enter");
  await op.locator('[data-testid="console-message"][data-state="pending"]', { hasText: reply }).waitFor({ timeout: TIMEOUT });

  await op.reload();
  net.down = false;
  await op.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  await op.getByTestId("console-conversation").filter({ hasText: question }).first().click();
  await op.locator('[data-testid="console-message"][data-state="sent"]', { hasText: reply }).waitFor({ timeout: TIMEOUT });
  // The customer sees it once.
  await until("the customer sees the reply", async () =>
    (await frame.locator('[data-testid="chat-message"][data-state="sent"]').allTextContents()).includes(reply));
  const texts = await frame.locator('[data-testid="chat-message"][data-state="sent"]').allTextContents();
  assert.equal(texts.filter((t) => t === reply).length, 1);
  await context.close();
  await customerContext.close();
});

test("a customer's message sent while offline and then reloaded is stored exactly once", async () => {
  const context = await browser.newContext();
  const net = await flakyNetwork(context);
  const page = watch(await context.newPage());
  let frame = await openWidget(page);
  const first = `customer outbox ${Date.now()}`;
  await frame.getByTestId("chat-input").fill(first);
  await frame.getByTestId("chat-input").press("Enter");
  await frame.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: first }).waitFor({ timeout: TIMEOUT });

  net.down = true;
  const offline = `typed offline ${Date.now()}`;
  await frame.getByTestId("chat-input").fill(offline);
  await frame.getByTestId("chat-input").press("Enter");
  await frame.locator('[data-testid="chat-message"][data-state="pending"]', { hasText: offline }).waitFor({ timeout: TIMEOUT });
  // Kept in the host page's storage (the iframe itself has none).
  await until("the loader keeps the outbox", async () =>
    (await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":outbox")).length)) === 1);

  // The frame never reached the Worker: only the reloaded page's resend can store it.
  net.down = false;
  await page.reload();
  frame = page.frameLocator('iframe[title="Chat"]');
  await frame.locator('[data-testid="chat-message"][data-state="sent"]', { hasText: offline }).waitFor({ timeout: TIMEOUT });
  await until("the kept outbox is forgotten once stored", async () =>
    (await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":outbox")).length)) === 0);

  // What the server holds, read back after one more reload: each message once.
  await page.reload();
  frame = page.frameLocator('iframe[title="Chat"]');
  await waitForTexts(frame, "chat-message", [first, offline]);
  const texts = await frame.locator('[data-testid="chat-message"][data-state="sent"]').allTextContents();
  assert.equal(texts.filter((t) => t === offline).length, 1);
  assert.equal(texts.filter((t) => t === first).length, 1);
  await context.close();
});
