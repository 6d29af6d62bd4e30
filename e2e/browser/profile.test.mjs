// profile.test.mjs: the customer profile beside a conversation, as an
// operator uses it: the name, page and browser the customer came with and
// the page a single-page app moved to since (as text, never HTML), the
// same visitor's other conversation (opens on a
// click), a note, tags (a bad one refused with the reason), the inbox
// filtered by a tag, and the conversation downloaded as CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { base, browser, customerOn, demoUrl, dialogs, signIn, TIMEOUT, until, watch, XSS } from "./helpers.mjs";

test("profile: how the customer came, their other chat, notes and tags", async () => {
  const context = await browser.newContext({ locale: "de-DE" });
  const marker = `profile ${Date.now()}`;
  const host = `http://localhost:${new URL(base).port}/demo?from=${encodeURIComponent(XSS)}`;
  const frame = await customerOn(context, host, marker);
  await frame.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ timeout: TIMEOUT });
  // The same visitor's other conversation, started with the token the loader kept.
  const customer = context.pages()[0];
  const visitor = await customer.evaluate(() => localStorage.getItem("chat:demo:v"));
  const r = await fetch(`${base}/api/conversations`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json" },
    body: JSON.stringify({ site: "demo", visitor }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  const other = (await r.json()).conversation;
  // A single-page app's navigation after the chat started: the loader's
  // badge call reports the page, which the profile lists.
  const reported = customer.waitForResponse((r) => r.url().endsWith("/unread") && r.ok());
  await customer.evaluate((xss) => history.pushState({}, "", "/demo?step=" + encodeURIComponent(xss)), XSS);
  await reported;

  const operator = watch(await context.newPage());
  await signIn(operator);
  const line = operator.getByTestId("console-conversation").filter({ hasText: marker }).first();
  await line.waitFor({ timeout: TIMEOUT });
  await line.click();
  const profile = operator.getByTestId("console-profile");
  await profile.getByTestId("console-profile-name").waitFor({ timeout: TIMEOUT });
  assert.equal(await profile.getByTestId("console-profile-name").textContent(), "Ada");
  assert.equal(await profile.getByTestId("console-profile-email").textContent(), "ada@example.com");
  // The page as text: the address with its query, no element made of it.
  assert.match(await profile.getByTestId("console-profile-page").textContent(), /\/demo\?from=/);
  const visited = profile.getByTestId("console-profile-visited");
  assert.equal(await visited.count(), 1, "one page visited since");
  assert.match(await visited.textContent(), /\/demo\?step=%3Cimg/);
  assert.equal(await profile.locator("img").count(), 0, "nothing of the addresses became HTML");
  assert.match(await profile.getByTestId("console-profile-browser").textContent(), /Chrome \d+ on Linux/);
  assert.equal(await profile.getByTestId("console-profile-language").textContent(), "de-DE");

  // A note, shown as text under the operator's name.
  await profile.getByTestId("console-note-input").fill(`Prefers e-mail ${XSS}`);
  await profile.getByTestId("console-note-add").click();
  const note = profile.getByTestId("console-note").filter({ hasText: "Prefers e-mail" });
  await note.waitFor({ timeout: TIMEOUT });
  assert.match(await note.textContent(), /^Ada Operator · /, "under the operator's name");
  assert.ok((await note.textContent()).includes(XSS), "the note is text");

  // A bad tag is refused with the reason; good ones are kept and shown on the line.
  await profile.getByTestId("console-tags-input").fill("vip, <b>");
  await profile.getByTestId("console-tags-save").click();
  await until("the reason", async () => /only letters/.test(await profile.getByTestId("console-profile-error").textContent()));
  await profile.getByTestId("console-tags-input").fill("VIP, refund");
  await profile.getByTestId("console-tags-save").click();
  await until("the tags", async () =>
    (await profile.getByTestId("console-tag").allTextContents()).join() === "vip,refund");
  await until("the line's tags", async () =>
    (await line.getByTestId("console-conversation-tag").allTextContents()).join() === "vip,refund");

  // The inbox filtered by a tag.
  const filter = operator.getByTestId("console-filter-tag");
  await filter.fill("nothing-has-this");
  await until("filtered out", async () => (await line.count()) === 0);
  await filter.fill("VIP");
  await line.waitFor({ timeout: TIMEOUT });
  await filter.fill("");

  // After a reload the note and the tags are still there.
  await operator.reload();
  await operator.getByTestId("console-conversation").filter({ hasText: marker }).first().click();
  await until("kept", async () =>
    (await operator.getByTestId("console-tag").allTextContents()).join() === "vip,refund" &&
    (await operator.getByTestId("console-note").count()) === 1);

  // The conversation downloads as CSV (with the customer's words); an
  // operator gets no link to everything about the customer (admins do).
  const [download] = await Promise.all([
    operator.waitForEvent("download"),
    operator.getByTestId("console-export-csv").click(),
  ]);
  assert.match(download.suggestedFilename(), /^conversation-[0-9a-f]{32}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  assert.ok(csv.startsWith("seq,time_utc,author,name,text") && csv.includes(marker), csv);
  assert.equal(await operator.getByTestId("console-export-customer").count(), 0);

  // The other conversation is listed and opens in the pane.
  const earlier = operator.getByTestId("console-profile-earlier");
  await earlier.waitFor({ timeout: TIMEOUT });
  assert.equal(await earlier.count(), 1);
  assert.equal(await earlier.getAttribute("data-conversation"), other);
  await earlier.click();
  await until("opened", async () =>
    (await operator.getByTestId("console-pane").first().getAttribute("data-conversation")) === other);

  assert.deepEqual(dialogs, [], "no script ran from what the customer sent");
  await context.close();
});

test("profile: an admin erases a customer, asked twice", async () => {
  const context = await browser.newContext();
  const marker = `erase me ${Date.now()}`;
  const frame = await customerOn(context, demoUrl, marker);
  await frame.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ timeout: TIMEOUT });
  const admin = watch(await context.newPage());
  await signIn(admin, "admin");
  const line = admin.getByTestId("console-conversation").filter({ hasText: marker });
  await line.first().click();
  await admin.getByTestId("console-erase-customer").click();
  await admin.getByTestId("console-erase-cancel").click();
  await admin.getByTestId("console-erase-customer").click();
  await admin.getByTestId("console-erase-confirm").click();
  await until("the erasure's answer", async () =>
    /^Erased: 1 conversation\(s\), 0 channel message\(s\)/.test(await admin.getByTestId("console-erase-note").textContent()));
  await admin.reload();
  await admin.getByTestId("console-conversation").first().waitFor({ timeout: TIMEOUT });
  assert.equal(await line.count(), 0, "the conversation left the inbox");
  await context.close();
});
