// i18n.test.mjs: the customer's chat in their language. A German browser gets the launcher's name, the chat and the
// public channel in German (the Worker chooses from Accept-Language and puts that catalogue in the page), including the server's
// refusal of a message the rules block; an Arabic browser gets it right to left (the customer's own messages on the
// left) with the refusal in Arabic; a German channel says a refusal's particulars (a mute's end in the visitor's
// time), a hold's rule, a moderator's notice and a queue place; the page's JavaScript API switches a loaded chat to French and back to the
// browser's English.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base, browser, demoUrl, fillPreChat, TIMEOUT, until, watch } from "./helpers.mjs";

// A text the demo site's default rules block (the slur pattern): refused by the server, never stored.
const BLOCKED = "you nigger";

/** Opens the demo's chat on a new page of `context`; its frame, after the pre-chat form. */
async function chatIn(context) {
  const page = watch(await context.newPage());
  await page.goto(demoUrl);
  await page.getByTestId("chat-launcher").click();
  const chat = page.frameLocator('iframe[title="Chat"]');
  await fillPreChat(chat);
  return { page, chat };
}

/** `<html>`'s lang and dir in the frame `title` of `page`. */
async function langOf(page, title) {
  const frame = await (await page.locator(`iframe[title="${title}"]`).elementHandle()).contentFrame();
  return frame.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
}

/** Sends `text` and waits for its row to be refused; what the row says. */
async function refusedRow(chat, text) {
  await chat.getByTestId("chat-input").fill(text);
  await chat.getByTestId("chat-input").press("Enter");
  const row = chat.locator(".row.pending", { has: chat.locator('[data-state="refused"]') }).last();
  await row.waitFor({ timeout: TIMEOUT });
  return row.locator(".meta").textContent();
}

test("a German browser gets the chat and the channel in German, with the server's refusal", async () => {
  const context = await browser.newContext({ locale: "de-DE" });
  try {
    const { page, chat } = await chatIn(context);
    assert.deepEqual(await langOf(page, "Chat"), ["de", "ltr"]);
    // The launcher's name too (the loader has the words from the site's configuration).
    const launcher = page.getByTestId("chat-launcher");
    await until("the launcher's German name", async () => (await launcher.getAttribute("aria-label")) === "Chat schließen");
    await launcher.click();
    await until("closed", async () => (await launcher.getAttribute("aria-label")) === "Chat öffnen");
    await launcher.click();
    assert.equal(await chat.locator(".chat-header strong").textContent(), "Chatten Sie mit uns");
    assert.equal(await chat.getByTestId("chat-send").textContent(), "Senden");
    // A new site's greeting (the demo keeps it) is said in German too.
    await chat.getByTestId("chat-empty")
      .filter({ hasText: "Hallo! Fragen Sie uns alles – wir antworten meist innerhalb weniger Minuten." })
      .waitFor({ state: "attached", timeout: TIMEOUT });
    assert.equal(await chat.getByTestId("chat-input").getAttribute("placeholder"), "Nachricht eingeben…");

    const hello = `Hallo ${Date.now()}`;
    await chat.getByTestId("chat-input").fill(hello);
    await chat.getByTestId("chat-input").press("Enter");
    const mine = chat.locator(".row.mine", { hasText: hello });
    const meta = mine.locator(".meta");
    await until("the message is stored", async () => /^Sie · \d\d:\d\d/.test(await meta.textContent()))
      .catch(async (e) => assert.fail(`${e.message}: the row says ${JSON.stringify(await meta.textContent())}`));

    // Blocked by the rule it names.
    assert.equal(await refusedRow(chat, BLOCKED),
      "Nicht gesendet: Die Nachricht verstößt gegen die Chatregeln (Regel: hate). Schließen");

    // The public channel on the same page speaks German too.
    const channel = page.frameLocator('iframe[title="Channel live"]');
    await channel.getByTestId("channel-join-form").waitFor({ timeout: TIMEOUT });
    assert.deepEqual(await langOf(page, "Channel live"), ["de", "ltr"]);
    assert.equal(await channel.locator('label[for="channel-name"]').textContent(), "Ihr Name in diesem Kanal");
    assert.equal(await channel.getByTestId("channel-join").textContent(), "Beitreten");
  } finally {
    await context.close();
  }
});

test("a German channel says a refusal's particulars and a moderator's notice in German, times in local time", async () => {
  const context = await browser.newContext({ locale: "de-DE", timezoneId: "Europe/Berlin" });
  try {
    const page = watch(await context.newPage());
    await page.goto(demoUrl);
    const frame = page.frameLocator('iframe[title="Channel live"]');
    const status = frame.getByTestId("channel-status");
    await frame.getByTestId("channel-name").fill("Supp0rt");
    await frame.getByTestId("channel-join").click();
    await status.filter({ hasText: "Dieser Name ist dem Team vorbehalten" }).waitFor({ timeout: TIMEOUT })
      .catch(async (e) => assert.fail(`${e.message}: the status says ${JSON.stringify(await status.textContent())}`));
    await frame.getByTestId("channel-name").fill(`Hans ${Date.now() % 1000}`);
    await frame.getByTestId("channel-join").click();
    await status.filter({ hasText: "Verbunden" }).waitFor({ timeout: TIMEOUT });

    // The threat rule mutes (for the category's minutes): the next message is refused until then, the end in
    // Berlin's time.
    const post = async (text) => {
      await frame.getByTestId("channel-input").fill(text);
      await frame.getByTestId("channel-input").press("Enter");
      const row = frame.locator(".row.pending", { hasText: text });
      await row.locator('[data-state="refused"]').waitFor({ timeout: TIMEOUT });
      return row.locator(".meta").textContent();
    };
    // The links rule holds a message for review: said with the rule.
    const link = `siehe cheap-pills.xyz ${Date.now()}`;
    await frame.getByTestId("channel-input").fill(link);
    await frame.getByTestId("channel-input").press("Enter");
    const held = frame.locator(".row.pending", { hasText: link }).locator(".meta");
    await held.filter({ hasText: "Wartet auf die Prüfung durch einen Moderator (Regel: links)." })
      .waitFor({ timeout: TIMEOUT })
      .catch(async (e) => assert.fail(`${e.message}: the row says ${JSON.stringify(await held.textContent())}`));

    const muted = Date.now();
    // The end as Berlin writes it, within the next hour (UTC is one or two hours behind).
    const ends = [...Array(62).keys()].map((m) => new Date(muted + m * 60_000).toLocaleString("de-DE",
      { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" }));
    const blocked = await post("kill yourself");
    const rule = "Nicht gesendet: Die Nachricht verstößt gegen die Chatregeln (rule harassment); Sie können bis ";
    assert.ok(blocked.startsWith(rule) && ends.includes(blocked.slice(rule.length, blocked.indexOf(" keine"))), blocked);
    const said = await post(`noch da? ${Date.now()}`);
    assert.ok(said.startsWith("Nicht gesendet: Sie können bis ") && said.includes(" keine Nachrichten senden: "), said);
    const shown = said.slice("Nicht gesendet: Sie können bis ".length, said.indexOf(" keine"));
    assert.ok(ends.includes(shown), `${said} (expected a time from ${ends[0]} to ${ends.at(-1)})`);

    // A moderator's notice (a moderation frame's object, as the channel's reader hands it over) likewise.
    const channelFrame = await (await page.locator('iframe[title="Channel live"]').elementHandle()).contentFrame();
    const until = Date.UTC(2026, 11, 24, 17, 30);
    const notice = (n) => channelFrame.evaluate((n) => globalThis.chatSay({ alert: "English", notice: n }), n);
    assert.equal(await notice({ kind: "mute", until, reason: "Spam" }),
      "Sie können bis 24.12.2026, 18:30 keine Nachrichten senden: Spam");
    assert.equal(await notice({ kind: "ban", reason: "Spam" }),
      "Sie können den Chat dieser Website nicht mehr nutzen: Spam");
    assert.equal(await notice({ kind: "mute", reason: "", lifted: true }),
      "Ein Moderator hat Ihre Stummschaltung aufgehoben: Sie können wieder schreiben.");
    assert.equal(await channelFrame.evaluate(() => globalThis.chatSay({ alert: "Case 4 escalated" })), "Case 4 escalated");

    // A queue place (a customer's chat reads it the same way): from its numbers and the away team, in German.
    const place = (q) => channelFrame.evaluate((q) => globalThis.chatSay({ text: "English", ...q }), q);
    assert.equal(await place({ position: 3, waitMs: 240_000 }),
      "Sie sind Nummer 3 in der Warteschlange. Voraussichtliche Wartezeit: etwa 4 Min.");
    assert.equal(await place({ position: 1 }),
      "Sie sind Nummer 1 in der Warteschlange. Gerade ist niemand online; wir antworten hier.");
    assert.equal(await place({ position: 2, away: { team: "Billing", until } }),
      "Sie sind Nummer 2 in der Warteschlange. Das Team Billing ist bis 24.12.2026, 18:30 nicht da; " +
      "Ihre Nachricht wartet hier auf es.");
    assert.equal(await place({ position: 0, text: "" }), "", "an operator has it: nothing to say");
    assert.equal(await channelFrame.evaluate(() => globalThis.chatSay({ reason: "English", detail: { why: "unverified" } })),
      "Dateien von nicht angemeldeten Besuchern prüft ein Moderator, bevor andere sie sehen.");
  } finally {
    await context.close();
  }
});

test("an Arabic browser gets the chat right to left, with the server's refusal in Arabic", async () => {
  const context = await browser.newContext({ locale: "ar" });
  try {
    const { page, chat } = await chatIn(context);
    assert.deepEqual(await langOf(page, "Chat"), ["ar", "rtl"]);
    assert.equal(await chat.getByTestId("chat-send").textContent(), "إرسال");
    const said = await refusedRow(chat, BLOCKED);
    assert.equal(said, "لم تُرسَل: تخالف الرسالة قواعد الدردشة (القاعدة: hate). تجاهل");

    // Right to left: the customer's own message sits on the left, the composer's text starts on the right.
    const hello = `مرحبا ${Date.now()}`;
    await chat.getByTestId("chat-input").fill(hello);
    await chat.getByTestId("chat-input").press("Enter");
    const bubble = chat.locator(".row.mine .bubble", { hasText: hello });
    await bubble.waitFor({ timeout: TIMEOUT });
    const [box, list] = [await bubble.boundingBox(), await chat.locator(".messages").boundingBox()];
    assert.ok(box.x + box.width / 2 < list.x + list.width / 2, `the bubble is on the left (${box.x} in ${list.x}+${list.width})`);
    assert.equal(await chat.getByTestId("chat-input").evaluate((el) => getComputedStyle(el).direction), "rtl");
  } finally {
    await context.close();
  }
});

test("the page's API switches a loaded chat to French, and null goes back to the browser's language", async () => {
  const context = await browser.newContext({ locale: "en-US" });
  try {
    const page = watch(await context.newPage());
    await page.goto(`http://localhost:${new URL(base).port}/demo/api`);
    await page.getByTestId("api-open").click();
    const chat = page.frameLocator('iframe[title="Chat"]');
    await until("the chat is in English", async () => (await langOf(page, "Chat").catch(() => []))[0] === "en");
    await page.evaluate(() => window.chatWidget("locale", "fr-CA"));
    await until("the chat is in French", async () => (await langOf(page, "Chat").catch(() => []))[0] === "fr");
    await chat.getByTestId("chat-prechat").or(chat.getByTestId("chat-input")).first().waitFor({ timeout: TIMEOUT });
    assert.equal(await chat.locator(".chat-header strong").textContent(), "Discutez avec nous");
    await page.evaluate(() => window.chatWidget("locale", null));
    await until("the chat is in English again", async () => (await langOf(page, "Chat").catch(() => []))[0] === "en");
    await chat.locator(".chat-header strong", { hasText: "Chat with us" }).waitFor({ timeout: TIMEOUT });
  } finally {
    await context.close();
  }
});
