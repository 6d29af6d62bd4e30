// search.test.mjs: an operator searches the site's conversations: the
// customer's words found (the match marked, what the customer typed shown
// as text, never HTML), a filter that leaves nothing says so, and a hit
// opens its conversation at the message (scrolled to and marked).
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser, customerOn, demoUrl, signIn, TIMEOUT, until, watch, XSS } from "./helpers.mjs";

test("search: words found and marked, filters, a hit opens at its message", async () => {
  const context = await browser.newContext();
  const word = `findme${Date.now().toString(36)}`;
  const frame = await customerOn(context, demoUrl, `My order ${word} never came ${XSS}`);
  await frame.getByTestId("chat-message").filter({ hasText: word }).waitFor({ timeout: TIMEOUT });
  for (const text of ["one more thing", "and another"]) {
    await frame.getByTestId("chat-input").fill(text);
    await frame.getByTestId("chat-input").press("Enter");
    await frame.getByTestId("chat-message").filter({ hasText: text }).waitFor({ timeout: TIMEOUT });
  }

  const operator = watch(await context.newPage());
  await signIn(operator);
  await operator.getByTestId("console-search-open").click();
  const search = operator.getByTestId("console-search");
  // The index follows the messages: search until the hit is there.
  const hit = search.getByTestId("console-search-hit");
  await until("the hit", async () => {
    await search.getByTestId("console-search-text").fill(word.slice(0, -2));
    await search.getByTestId("console-search-text").press("Enter");
    await operator.waitForTimeout(300);
    return (await hit.count()) === 1;
  });
  assert.equal(await hit.getByTestId("console-search-mark").textContent(), word, "the prefix matched the word");
  const snippet = await hit.getByTestId("console-search-snippet").textContent();
  assert.ok(snippet.includes(XSS), `the customer's words as text: ${snippet}`);
  assert.equal(await search.locator("img").count(), 0, "nothing typed became HTML");

  // A filter nothing matches says so.
  await search.getByTestId("console-search-status").selectOption("closed");
  await search.getByTestId("console-search-go").click();
  await search.getByTestId("console-search-empty").waitFor({ timeout: TIMEOUT });
  await search.getByTestId("console-search-status").selectOption("open");
  await search.getByTestId("console-search-go").click();
  await hit.waitFor({ timeout: TIMEOUT });

  // The hit opens its conversation at the message, marked.
  const seq = await hit.getAttribute("data-seq");
  await hit.click();
  assert.equal(await search.count(), 0, "the search closed");
  const pane = operator.locator("section.pane:not(.beside)");
  const found = pane.locator(`[data-seq="${seq}"][data-found]`);
  await found.waitFor({ timeout: TIMEOUT });
  assert.match(await found.getByTestId("console-message").textContent(), new RegExp(word));
  await context.close();
});
