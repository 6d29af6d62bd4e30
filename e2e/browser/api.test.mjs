// api.test.mjs: the host page's JavaScript API on its page of examples (/demo/api, the loader from the Worker's
// other origin, under the strict policy): handlers and a call queued before the loader came run once it is here;
// open, close, toggle, hide and show do what they say and the page hears open, close and unread; off stops a
// handler; a tracked event fires the site's trigger for it (its greeting); a trigger called before the loader
// has read the site's configuration is not lost; identify makes the chat a signed-in customer's (on another device
// too; its name and e-mail fill in the pre-chat form) and null signs them out; the page hears the team's message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, browser, fillPreChat, signIn, TIMEOUT, until, waitForTexts, watch } from "./helpers.mjs";

const examples = `http://localhost:${new URL(base).port}/demo/api`;

/** The events the page logged, in order. */
const events = (page) => page.getByTestId("api-events").locator("li").allTextContents();

/** Waits until the page's log ends with `tail`. */
async function logged(page, ...tail) {
  await until(`the page hears ${tail.join(", ")}`, async () => {
    const all = await events(page);
    return JSON.stringify(all.slice(-tail.length)) === JSON.stringify(tail);
  });
}

test("JS API: queued handlers, open, close, toggle, hide, show and off, with the events the page hears", async () => {
  const context = await browser.newContext();
  try {
    const page = watch(await context.newPage());
    await page.goto(examples);
    // Queued before the loader: the unread handler hears the count at once.
    await logged(page, "unread 0");
    const chat = page.locator('iframe[title="Chat"]');
    await page.getByTestId("api-open").click();
    await logged(page, "open", "unread 0");
    await chat.waitFor({ timeout: TIMEOUT });
    assert.ok(await chat.isVisible(), "the chat is open");
    await page.getByTestId("api-close").click();
    await logged(page, "close", "unread 0");
    assert.equal(await chat.isVisible(), false, "closed");
    await page.getByTestId("api-toggle").click();
    await logged(page, "open", "unread 0");
    await page.getByTestId("api-toggle").click();
    await logged(page, "close", "unread 0");

    const launcher = page.getByTestId("chat-launcher");
    await page.getByTestId("api-hide").click();
    await until("the launcher is hidden", async () => !(await launcher.isVisible()));
    await page.getByTestId("api-show").click();
    await until("the launcher is back", () => launcher.isVisible());

    // Off: opening again is not heard.
    await page.getByTestId("api-off").click();
    const before = (await events(page)).filter((e) => e === "open").length;
    await page.getByTestId("api-open").click();
    await until("the chat opens", () => chat.isVisible());
    await logged(page, "unread 0");
    assert.equal((await events(page)).filter((e) => e === "open").length, before, "the open handler was taken off");
  } finally {
    await context.close();
  }
});

test("JS API: a tracked event fires its trigger; a trigger called before the configuration is read is not lost", async () => {
  const tracked = await browser.newContext();
  try {
    const page = watch(await tracked.newPage());
    await page.goto(examples);
    await logged(page, "unread 0");
    await page.getByTestId("api-track").click();
    const frame = page.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-greeting").filter({ hasText: "Comparing plans side by side" }).waitFor({ timeout: TIMEOUT });
    await logged(page, "open", "unread 0");
  } finally {
    await tracked.close();
  }

  // The page queues a trigger in its first script, long before the loader has the site's triggers.
  const early = await browser.newContext();
  try {
    const page = watch(await early.newPage());
    await page.addInitScript(() => {
      window.chatWidget = function () { (window.chatWidget.q = window.chatWidget.q || []).push(arguments); };
      window.chatWidget("trigger", "demo-button");
    });
    await page.goto(examples);
    const frame = page.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-greeting").filter({ hasText: "asked for a demo" }).waitFor({ timeout: TIMEOUT });
  } finally {
    await early.close();
  }
});

test("JS API: identify makes the chat the signed-in customer's on another device too; the page hears the team's message", async () => {
  const user = `api-${Date.now()}`;
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  try {
    const page = watch(await laptop.newPage());
    await page.goto(`${examples}?user=${user}`);
    await logged(page, "unread 0");
    await page.getByTestId("api-identify").click();
    await page.getByTestId("api-open").click();
    const frame = page.frameLocator('iframe[title="Chat"]');
    await frame.getByTestId("chat-prechat").or(frame.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
    // The form starts with the name and e-mail identify gave.
    const field = (id) => frame.locator(`[data-testid="chat-prechat-field"][data-field="${id}"]`);
    assert.equal(await field("name").inputValue(), "Ada Lovelace");
    assert.equal(await field("email").inputValue(), `${user}@example.com`);
    await fillPreChat(frame);
    const mine = `Written as ${user}`;
    await frame.getByTestId("chat-input").fill(mine);
    await frame.getByTestId("chat-input").press("Enter");
    await waitForTexts(frame, "chat-message", [mine]);

    // The team answers: the page hears it.
    const op = watch(await laptop.newPage());
    await signIn(op);
    await op.getByTestId("console-conversation").filter({ hasText: mine }).first().click();
    await op.getByTestId("console-input").fill(`Hello ${user}`);
    await op.getByTestId("console-input").press("Enter");
    await logged(page, `message Hello ${user}`);

    // Another device, the same customer identified by the page's first script (queued before the loader): the
    // same chat.
    const call = JSON.parse(await page.getByTestId("api-identify").getAttribute("data-call"));
    const other = watch(await phone.newPage());
    await other.addInitScript((identify) => {
      window.chatWidget = function () { (window.chatWidget.q = window.chatWidget.q || []).push(arguments); };
      window.chatWidget(...identify);
    }, call);
    await other.goto(`${examples}?user=${user}`);
    await logged(other, "unread 0");
    await other.getByTestId("api-open").click();
    const phoneFrame = other.frameLocator('iframe[title="Chat"]');
    await waitForTexts(phoneFrame, "chat-message", [mine, `Hello ${user}`]);
    // Signed out: the chat loads again, anonymous, without their messages.
    await other.getByTestId("api-sign-out").click();
    await until("the chat is ready again, anonymous, without the customer's messages", async () => {
      const ready = await phoneFrame.getByTestId("chat-prechat").or(phoneFrame.getByTestId("chat-input")).count();
      const seen = await phoneFrame.getByTestId("chat-message").allTextContents();
      return ready > 0 && !seen.some((t) => t.includes(user));
    });
  } finally {
    await laptop.close();
    await phone.close();
  }
});
