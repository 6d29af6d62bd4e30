// outbox.test.mjs: nothing typed is lost on reload, in the console. The
// operator's frames stop reaching the Worker (the socket stays open, as on
// a dead network), they send a reply (shown as "Sending…"), reload, the
// network comes back, and the reply is stored exactly once — resent from
// the console's storage with its first id.
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
