// files.test.mjs: an operator attaches a picture from the console's file
// picker; the console and the customer's widget both show it as a thumbnail
// that really loads (served by the Worker from R2) and opens full size; a
// file that is not what its name says, HTML named .png and a type the site
// does not accept are refused with the server's reason beside the picker;
// the customer sends a PDF from the widget's button (a download on both
// sides) and reads why a page named .png is refused; where the site holds
// visitors' files, a moderator looks at one and approves it; where it lets
// channels take files, a member's picture reaches the other viewers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, browser, customerOn, demoUrl, getConfig, putConfig, signIn, TIMEOUT, until, watch } from "./helpers.mjs";

// A 1×1 PNG (the same picture the protocol tests send).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** Waits until `note` reads `pattern`; fails saying what it read last. */
async function says(note, pattern) {
  let last = null;
  try {
    await until(`a note matching ${pattern}`, async () => pattern.test((last = await note.textContent())));
  } catch (e) {
    throw new Error(`${e.message}; it read ${JSON.stringify(last)}`);
  }
}

/** Whether the picture in `link` has loaded (a broken image has no size). */
async function drawn(link) {
  return link.locator("img").evaluate((img) => img.complete && img.naturalWidth === 1);
}

test("files: a picture from the console reaches the customer as a thumbnail; refusals say why", async () => {
  const context = await browser.newContext();
  try {
    const marker = `files ${Date.now()}`;
    const frame = await customerOn(context, demoUrl, marker);
    await frame.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ timeout: TIMEOUT });
    const operator = watch(await context.newPage());
    await signIn(operator);
    await operator.getByTestId("console-conversation").filter({ hasText: marker }).first().click();
    const pane = operator.locator("section.pane:not(.beside)");

    await pane.getByTestId("console-attach").setInputFiles({ name: "screenshot.png", mimeType: "image/png", buffer: PNG });
    const mine = pane.getByTestId("console-file");
    await mine.waitFor({ timeout: TIMEOUT });
    await until("the console's thumbnail loads", () => drawn(mine));
    assert.equal(await mine.locator("img").getAttribute("alt"), "screenshot.png");
    await until("the note clears", async () => (await pane.getByTestId("console-attach-note").textContent()) === "");

    const theirs = frame.getByTestId("chat-file");
    await theirs.waitFor({ timeout: TIMEOUT });
    await until("the customer's thumbnail loads", () => drawn(theirs));
    const href = await theirs.getAttribute("href");
    assert.equal(href, await mine.getAttribute("href"), "one address, the message's capability");
    assert.match(href, /^\/api\/files\//);
    assert.equal(await theirs.getAttribute("target"), "_blank", "opens full size");

    // HTML named .png: refused by its bytes, and the reason shown.
    await pane.getByTestId("console-attach").setInputFiles({
      name: "evil.png",
      mimeType: "image/png",
      buffer: Buffer.from("<html><script>alert(1)</script></html>"),
    });
    const note = pane.getByTestId("console-attach-note");
    await says(note, /evil\.png was not sent: .*not accepted here/);
    // A real picture under a PDF's name.
    await pane.getByTestId("console-attach").setInputFiles({ name: "quote.pdf", mimeType: "application/pdf", buffer: PNG });
    await says(note, /quote\.pdf was not sent: .*not what its name says/);
    // A type the demo site does not accept.
    await pane.getByTestId("console-attach").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("plain words"),
    });
    await says(note, /notes\.txt was not sent: .*not accepted here/);
    assert.equal(await pane.getByTestId("console-file").count(), 1, "refused files leave no message");
    assert.equal(await frame.getByTestId("chat-file").count(), 1);

    // The customer sends a PDF from the widget's button: a download link
    // on both sides; and a refused file says why beside the button.
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    await frame.getByTestId("chat-attach").setInputFiles({ name: "quote.pdf", mimeType: "application/pdf", buffer: pdf });
    const sent = frame.getByTestId("chat-file").filter({ hasText: "quote.pdf" });
    await sent.waitFor({ timeout: TIMEOUT });
    assert.equal(await sent.getAttribute("download"), "quote.pdf");
    await says(frame.getByTestId("chat-attach-note"), /^$/);
    const got = pane.getByTestId("console-file").filter({ hasText: "quote.pdf" });
    await got.waitFor({ timeout: TIMEOUT });
    const download = await operator.request.get(new URL(await got.getAttribute("href"), operator.url()).href);
    assert.equal(download.status(), 200);
    assert.match(download.headers()["content-disposition"], /^attachment/);
    assert.equal(download.headers()["x-content-type-options"], "nosniff");
    await frame.getByTestId("chat-attach").setInputFiles({ name: "page.png", mimeType: "image/png", buffer: Buffer.from("<html></html>") });
    await says(frame.getByTestId("chat-attach-note"), /page\.png was not sent: .*not accepted here/);
    assert.equal(await frame.getByTestId("chat-file").count(), 2, "refused files leave no message");
  } finally {
    await context.close();
  }
});

test("files: where the site holds visitors' files, a moderator looks at one and approves it", async () => {
  const config = await getConfig();
  await putConfig({ ...config, files: { ...config.files, holdUnverified: true } });
  const context = await browser.newContext();
  try {
    const marker = `held file ${Date.now()}`;
    const frame = await customerOn(context, demoUrl, marker);
    await frame.getByTestId("chat-message").filter({ hasText: marker }).waitFor({ timeout: TIMEOUT });
    await frame.getByTestId("chat-attach").setInputFiles({ name: "held.png", mimeType: "image/png", buffer: PNG });
    await says(frame.getByTestId("chat-attach-note"), /^held\.png waits for review: .*checked by a moderator/);

    const moderator = watch(await context.newPage());
    await signIn(moderator, "moderator");
    await moderator.getByTestId("console-tab-moderation").click();
    const report = moderator.locator('[data-testid="console-report"][data-action="hold"]', { hasText: "held.png" });
    await report.waitFor({ timeout: TIMEOUT });
    const look = await moderator.request.get(
      new URL(await report.getByTestId("console-report-file").getAttribute("href"), moderator.url()).href,
    );
    assert.equal(look.headers()["content-type"], "image/png", "the moderator sees the picture");
    assert.equal(await frame.getByTestId("chat-file").count(), 0, "not published yet");
    await report.getByTestId("console-report-approve").click();
    const published = frame.getByTestId("chat-file");
    await published.waitFor({ timeout: TIMEOUT });
    await until("the approved picture loads", () => drawn(published));
  } finally {
    await context.close();
    await putConfig(config);
  }
});

// A channel of the test's own (the demo page's "live" stays as the other tests expect it), opened as its app.
const CHANNEL = "filebox";

/** `name` joins the test's channel in a browser of their own: the channel app's page. */
async function member(name) {
  const page = watch(await (await browser.newContext()).newPage());
  await page.goto(`${base}/channel?site=demo&channel=${CHANNEL}`);
  await page.getByTestId("channel-name").fill(name);
  await page.getByTestId("channel-join").click();
  await page.getByTestId("channel-input").waitFor({ timeout: TIMEOUT });
  return { page, channel: page };
}

test("files: where the site lets its channels take files, a member's picture reaches the other viewers and the moderator", async () => {
  const config = await getConfig();
  await putConfig({ ...config, channels: [...config.channels, { id: CHANNEL, title: "Files" }] });
  const bob = await member("Bob");
  try {
    assert.equal(await bob.channel.getByTestId("channel-attach").isVisible(), false, "off by default: no button");
    // An admin lets channels take files in the settings form (a size out of range is refused as typed).
    const admin = watch(await (await browser.newContext()).newPage());
    await signIn(admin, "admin");
    await admin.getByTestId("console-settings-open").click();
    const max = admin.getByTestId("console-files-max");
    await max.fill("30");
    assert.match(await max.evaluate((el) => el.validationMessage), /25/, "the field says what it takes");
    await max.fill("10");
    await admin.getByTestId("console-files-channels").check();
    await admin.getByTestId("console-form-save").click();
    await says(admin.getByTestId("console-form-note"), /^Saved\.$/);
    const saved = (await getConfig()).files;
    assert.deepEqual([saved.channels, saved.maxBytes], [true, 10_000_000]);
    await admin.context().close();
    const ann = await member("Ann");
    await until("the channel says it takes files", async () => {
      if (await ann.channel.getByTestId("channel-attach").isVisible()) return true;
      await ann.page.reload();
      await ann.channel.getByTestId("channel-input").waitFor({ timeout: TIMEOUT });
      return false;
    });
    const name = `town-${Date.now()}.png`;
    await ann.channel.getByTestId("channel-attach").setInputFiles({ name, mimeType: "image/png", buffer: PNG });
    await says(ann.channel.getByTestId("channel-attach-note"), /^$/);
    for (const [who, frame] of [["Ann", ann.channel], ["Bob", bob.channel]]) {
      const file = frame.getByTestId("channel-file").filter({ has: frame.locator(`img[alt="${name}"]`) });
      await file.waitFor({ timeout: TIMEOUT });
      await until(`${who} sees the picture`, () => drawn(file));
    }
    const row = bob.channel.locator(".row").filter({ has: bob.channel.locator(`img[alt="${name}"]`) });
    assert.match(await row.textContent(), /Ann · /, "the other viewer reads who sent it");
    // A page named .png is refused with the reason.
    await ann.channel.getByTestId("channel-attach").setInputFiles({ name: "page.png", mimeType: "image/png", buffer: Buffer.from("<html></html>") });
    await says(ann.channel.getByTestId("channel-attach-note"), /page\.png was not sent: .*not accepted here/);

    const moderator = watch(await (await browser.newContext()).newPage());
    await signIn(moderator, "moderator");
    await moderator.getByTestId("console-tab-moderation").click();
    await moderator.locator(`[data-testid="console-channel"][data-channel="${CHANNEL}"]`).click();
    const line = moderator.getByTestId("console-channel-message").filter({ hasText: name });
    await line.waitFor({ timeout: TIMEOUT });
    const href = await line.getByTestId("console-channel-file").getAttribute("href");
    const look = await moderator.request.get(new URL(href, moderator.url()).href);
    assert.equal(look.headers()["content-type"], "image/png", "the moderator opens it");
    // Removed for everyone: a tombstone in its place, and the file is gone.
    await line.getByTestId("console-channel-remove").click();
    await until("the picture leaves Bob's channel", async () =>
      (await bob.channel.locator(`img[alt="${name}"]`).count()) === 0);
    assert.equal((await moderator.request.get(new URL(href, moderator.url()).href)).status(), 404);
    await moderator.context().close();
    await ann.page.context().close();
  } finally {
    await bob.page.context().close();
    await putConfig(config);
  }
});
