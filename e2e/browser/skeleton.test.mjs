// skeleton.test.mjs: the walking skeleton as a person does it, in headless
// Chromium (Debian's) driven by playwright-core: script tag → launcher →
// widget iframe → console → reply → reload → come back later. Run by
// `cargo xtask test` with E2E_BASE_URL and E2E_PASSWORD set.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  browser, consoleUrl, demoUrl, dialogs, fillPreChat, openWidget, port, signIn, TIMEOUT, waitForTexts, watch, XSS,
} from "./helpers.mjs";

test("customer ↔ operator: launcher, widget, console, reply, reload, come back", async () => {
  const context = await browser.newContext();
  const customer = watch(await context.newPage());
  // Every socket the page opens (the widget's, in its frame, and the channel's).
  const sockets = [];
  customer.on("websocket", (ws) => sockets.push(ws.url()));

  // The demo page has the strict policy a host page may have (no inline
  // script or style: README, "Content Security Policy"); nothing is refused.
  await customer.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  // 1. The launcher appears, untouched by the host page's hostile CSS.
  const page = await customer.goto(demoUrl);
  const csp = page.headers()["content-security-policy"];
  assert.doesNotMatch(csp, /unsafe-inline/, csp);
  const launcher = customer.getByTestId("chat-launcher");
  await launcher.waitFor({ timeout: TIMEOUT });
  const bg = await launcher.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(bg, "rgb(36, 83, 214)", "host CSS leaked into the launcher");

  // 2. Clicking opens the chat in an iframe from the Worker's origin.
  await launcher.click();
  const iframe = customer.locator('iframe[title="Chat"]');
  await iframe.waitFor({ timeout: TIMEOUT });
  assert.equal(new URL(await iframe.getAttribute("src")).origin, `http://127.0.0.1:${port}`);
  let frame = customer.frameLocator('iframe[title="Chat"]');
  await fillPreChat(frame);
  await frame.getByTestId("chat-input").fill("Hello from the demo page");
  await frame.getByTestId("chat-send").click();
  await frame.getByTestId("chat-input").fill(XSS);
  await frame.getByTestId("chat-input").press("Enter");
  await waitForTexts(frame, "chat-message", ["Hello from the demo page", XSS]);
  await assert.doesNotReject(frame.getByTestId("chat-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT }));
  // The service issued a visitor token (none was made up here); the loader keeps it.
  const kept = await customer.evaluate(() => localStorage.getItem("chat:demo:v"));
  assert.match(kept || "", /^[0-9a-f]{64}$/, "the issued visitor token is kept");

  // 3. The conversation appears live in the console; the operator replies.
  const operator = watch(await context.newPage());
  await signIn(operator);
  const item = operator.getByTestId("console-conversation").filter({ hasText: XSS }).first();
  await item.waitFor({ timeout: TIMEOUT });
  // The customer's name from the pre-chat form, not "Visitor …", in the line and the pane.
  assert.equal(await item.getByTestId("console-conversation-customer").textContent(), "Ada");
  await item.click();
  await waitForTexts(operator, "console-message", ["Hello from the demo page", XSS]);
  assert.equal(await operator.getByTestId("console-customer-name").textContent(), "Ada");
  assert.equal(await operator.locator('.messages img').count(), 0, "customer text became HTML in the console");
  assert.equal(await frame.locator(".messages img").count(), 0, "customer text became HTML in the widget");
  await operator.getByTestId("console-input").fill("Hi! How can I help?");
  await operator.getByTestId("console-send").click();
  await waitForTexts(operator, "console-message", ["Hello from the demo page", XSS, "Hi! How can I help?"]);

  // The customer sees the reply live.
  await waitForTexts(frame, "chat-message", ["Hello from the demo page", XSS, "Hi! How can I help?"]);

  // 4. Reload: the conversation and its whole history come back.
  await customer.reload();
  frame = await openWidget(customer);
  await waitForTexts(frame, "chat-message", ["Hello from the demo page", XSS, "Hi! How can I help?"]);

  assert.deepEqual(await customer.evaluate(() => window.__csp), [], "the page's policy refused something");
  const position = await launcher.evaluate((el) => getComputedStyle(el).position);
  assert.equal(position, "fixed", "the launcher is styled under the strict policy");

  // Close the tab and come back later: same again, and the chat goes on.
  await customer.close();
  const later = watch(await context.newPage());
  frame = await openWidget(later);
  await waitForTexts(frame, "chat-message", ["Hello from the demo page", XSS, "Hi! How can I help?"]);
  await frame.getByTestId("chat-input").fill("Back again");
  await frame.getByTestId("chat-send").click();
  await waitForTexts(operator, "console-message", ["Hello from the demo page", XSS, "Hi! How can I help?", "Back again"]);

  // 5. No script ran from anything typed.
  // No token or visitor token ever rode in a socket's address (they go in
  // the Sec-WebSocket-Protocol header): nothing secret reaches a log.
  assert.ok(sockets.some((u) => u.includes("/api/conversations/")), `the chat's socket: ${sockets}`);
  for (const url of sockets) {
    assert.doesNotMatch(url, /token=|visitor=|[0-9a-f]{64}/, url);
  }
  assert.deepEqual(dialogs, [], "a dialog fired");
  await context.close();
});

test("the console refuses a wrong password", async () => {
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  await page.goto(consoleUrl);
  await page.getByTestId("console-email").fill("operator@demo.test");
  await page.getByTestId("console-password").fill("not-the-password");
  await page.getByTestId("console-login").click();
  await assert.doesNotReject(page.getByRole("alert").filter({ hasText: "wrong e-mail address or password" }).waitFor({ timeout: TIMEOUT }));
  assert.equal(await page.getByTestId("console-conversation").count(), 0);
  await context.close();
});
