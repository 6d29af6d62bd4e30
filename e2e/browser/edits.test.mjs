// edits.test.mjs: the console names the customer on their messages; an operator fixes a typo in their last message from the
// console, and the customer's widget shows the new text in place; then
// deletes it, and it is gone from the customer's view; the console's
// timeline keeps both as events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser, customerOn, demoUrl, signIn, TIMEOUT, until, watch } from "./helpers.mjs";

test("edits: an operator's own message edited and deleted, the customer's view in place", async () => {
  const context = await browser.newContext();
  try {
    const marker = `edit me ${Date.now()}`;
    const frame = await customerOn(context, demoUrl, marker);
    await frame.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ timeout: TIMEOUT });
    const operator = watch(await context.newPage());
    await signIn(operator);
    await operator.getByTestId("console-conversation").filter({ hasText: marker }).first().click();
    const pane = operator.locator("section.pane:not(.beside)");
    // The customer's message under the name the form collected.
    const theirs = pane.locator(".row", { has: operator.getByTestId("console-message").filter({ hasText: marker }) });
    await until("named", async () => /^Ada · /.test(await theirs.locator(".meta").textContent()));
    await pane.getByTestId("console-input").fill("Teh invoice is on its way");
    await pane.getByTestId("console-input").press("Enter");
    const bubble = frame.getByTestId("chat-message").filter({ hasText: "invoice is on its way" });
    await until("the customer reads it", async () => (await bubble.textContent()) === "Teh invoice is on its way");
    await until("stored", async () =>
      (await pane.getByTestId("console-message").filter({ hasText: "Teh invoice" }).getAttribute("data-state")) === "sent");

    await pane.getByTestId("console-edit-last").click();
    const box = pane.getByTestId("console-edit-text");
    assert.equal(await box.inputValue(), "Teh invoice is on its way", "the last message, to fix");
    await box.fill("The invoice is on its way");
    await pane.getByTestId("console-edit-save").click();
    await until("edited for the customer", async () =>
      (await frame.getByTestId("chat-message").filter({ hasText: "The invoice is on its way" }).count()) === 1 &&
      (await frame.getByTestId("chat-message").filter({ hasText: "Teh invoice" }).count()) === 0);
    await until("the console's copy too", async () =>
      (await pane.getByTestId("console-message").filter({ hasText: "The invoice is on its way" }).count()) === 1);
    await pane.getByTestId("console-event").filter({ hasText: "edited" }).waitFor({ timeout: TIMEOUT });

    await pane.getByTestId("console-edit-last").click();
    await pane.getByTestId("console-edit-delete").click();
    await until("deleted for the customer", async () =>
      (await frame.getByTestId("chat-message").filter({ hasText: "invoice is on its way" }).count()) === 0);
    await pane.getByTestId("console-event").filter({ hasText: "deleted" }).waitFor({ timeout: TIMEOUT });
    // After a reload the customer still reads neither.
    // (The chat was open: the loader opens it again by itself.)
    await context.pages()[0].reload();
    const again = context.pages()[0].frameLocator('iframe[title="Chat"]');
    await again.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ state: "attached", timeout: TIMEOUT });
    assert.equal(await again.getByTestId("chat-message").filter({ hasText: "invoice" }).count(), 0);
  } finally {
    await context.close();
  }
});
