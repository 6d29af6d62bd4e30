// accounts.test.mjs: console accounts as people use them, in headless
// Chromium: the session cookie is out of the page's reach; an owner invites
// an operator from the People panel (and revokes a mistaken invitation);
// the invitee opens the link, picks a
// name and password and is signed in as an operator (no settings, no
// people), changes their password (the old one then fails, the new one
// signs in), gets a reset link from the owner and sets another (their
// other consoles are signed out); the owner removes them and their open console is signed out at
// once; a role that may not moderate sees no moderation view. A person
// sets up two-factor sign-in in the console, and the next sign-in asks for
// the authenticator's code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiAs, base, browser, call, consoleUrl, dialogs, password, signIn, signInAs, TIMEOUT, totp, until, watch } from "./helpers.mjs";

test("invite → accept → work → removed: the removed operator's console closes at once", async () => {
  const ownerContext = await browser.newContext();
  const owner = watch(await ownerContext.newPage());
  await signIn(owner, "owner");
  assert.equal(await owner.evaluate(() => document.cookie), "", "the session cookie is HttpOnly");
  const cookie = (await ownerContext.cookies()).find((c) => c.name === "__Host-chat_session");
  assert.ok(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === "Strict", JSON.stringify(cookie));

  // Invite.
  const email = `newbie-${Date.now()}@demo.test`;
  await owner.getByTestId("console-people-open").click();
  await owner.getByTestId("console-invite-email").fill(email);
  await owner.getByTestId("console-invite-role").selectOption("operator");
  await owner.getByTestId("console-invite").click();
  const note = owner.getByTestId("console-people-note");
  await note.filter({ hasText: "/console#invite=" }).waitFor({ timeout: TIMEOUT });
  const link = (await note.textContent()).match(/(http\S+#invite=[0-9a-z_.]+)/)[1];
  await owner.getByTestId("console-invitation").filter({ hasText: email }).waitFor({ timeout: TIMEOUT });
  // A second invitation, sent by mistake, is revoked: it leaves the list.
  const mistake = `mistake-${Date.now()}@demo.test`;
  await owner.getByTestId("console-invite-email").fill(mistake);
  await owner.getByTestId("console-invite").click();
  const sent = owner.getByTestId("console-invitation").filter({ hasText: mistake });
  await sent.getByTestId("console-invitation-revoke").click();
  await note.filter({ hasText: `The invitation of ${mistake} was revoked.` }).waitFor({ timeout: TIMEOUT });
  await until("the revoked invitation left the list", async () => (await sent.count()) === 0);

  // Accept in another browser.
  const newbieContext = await browser.newContext();
  const newbie = watch(await newbieContext.newPage());
  await newbie.goto(link);
  await newbie.getByTestId("console-accept-name").fill("Nina Newbie");
  await newbie.getByTestId("console-password").fill("a long enough password");
  await newbie.getByTestId("console-login").click();
  await newbie.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  assert.equal(await newbie.getByTestId("console-me").textContent(), "Nina Newbie");
  assert.equal(await newbie.getByTestId("console-role").textContent(), "operator");
  for (const id of ["console-settings-open", "console-people-open", "console-tab-moderation"]) {
    assert.equal(await newbie.getByTestId(id).count(), 0, `an operator sees ${id}`);
  }
  // The link worked once.
  const again = watch(await (await browser.newContext()).newPage());
  await again.goto(link);
  await again.getByTestId("console-accept-name").fill("Mallory");
  await again.getByTestId("console-password").fill("another long password");
  await again.getByTestId("console-login").click();
  await again.getByRole("alert").filter({ hasText: "unknown, used or expired" }).waitFor({ timeout: TIMEOUT });

  // Nina changes her password: the current one is checked, the new one works,
  // the old one no longer does.
  await newbie.getByTestId("console-password-open").click();
  const pwNote = newbie.getByTestId("console-password-note");
  await newbie.getByTestId("console-password-current").fill("not my password");
  await newbie.getByTestId("console-password-new").fill("an even longer password");
  await newbie.getByTestId("console-password-again").fill("an even longer password");
  await newbie.getByTestId("console-password-save").click();
  await pwNote.filter({ hasText: "the current password is wrong" }).waitFor({ timeout: TIMEOUT });
  await newbie.getByTestId("console-password-current").fill("a long enough password");
  await newbie.getByTestId("console-password-again").fill("an even longer passwort");
  await newbie.getByTestId("console-password-save").click();
  await pwNote.filter({ hasText: "differ" }).waitFor({ timeout: TIMEOUT });
  await newbie.getByTestId("console-password-again").fill("an even longer password");
  await newbie.getByTestId("console-password-save").click();
  await pwNote.filter({ hasText: "Password changed." }).waitFor({ timeout: TIMEOUT });
  await newbie.getByTestId("console-password-close").click();
  // This session carries on (its sockets reconnect under it).
  await newbie.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  const other = watch(await (await browser.newContext()).newPage());
  await other.goto(consoleUrl);
  await other.getByTestId("console-email").fill(email);
  await other.getByTestId("console-password").fill("a long enough password");
  await other.getByTestId("console-login").click();
  await other.getByTestId("console-login-error").waitFor({ timeout: TIMEOUT });
  await other.getByTestId("console-password").fill("an even longer password");
  await other.getByTestId("console-login").click();
  await other.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });

  // Limited to the demo site (ticked in the people list): stored, shown again.
  await owner.getByTestId("console-people-close").click();
  await owner.getByTestId("console-people-open").click();
  const row = owner.getByTestId("console-person").filter({ hasText: email });
  await row.waitFor({ timeout: TIMEOUT });
  await row.locator('[data-testid="console-person-site"][data-site="demo"]').check();
  await owner.getByTestId("console-people-note").filter({ hasText: "Sites changed." }).waitFor({ timeout: TIMEOUT });
  await owner.getByTestId("console-people-close").click();
  await owner.getByTestId("console-people-open").click();
  await until("the site stays ticked", async () =>
    row.locator('[data-testid="console-person-site"][data-site="demo"]').isChecked());

  // The owner makes a password reset link for Nina (shown to copy); using it
  // sets a new password, signs that browser in and Nina's other consoles out.
  await row.getByTestId("console-person-reset").click();
  const peopleNote = owner.getByTestId("console-people-note");
  await peopleNote.filter({ hasText: "/console#reset=" }).waitFor({ timeout: TIMEOUT });
  const resetLink = (await peopleNote.textContent()).match(/(http\S+#reset=[0-9a-z_.]+)/)[1];
  const nina = watch(await (await browser.newContext()).newPage());
  await nina.goto(resetLink);
  await nina.getByTestId("console-password").fill("the password after the reset");
  await nina.getByTestId("console-login").click();
  await nina.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  for (const before of [newbie, other]) {
    await before.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  }

  // Removed: the open console is signed out at once, and stays out on reload.
  await row.getByTestId("console-person-remove").click();
  await owner.getByTestId("console-people-note").filter({ hasText: "was removed" }).waitFor({ timeout: TIMEOUT });
  await nina.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  await nina.reload();
  await nina.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  assert.equal(await nina.getByTestId("console-conversation").count(), 0);
  assert.deepEqual(dialogs, [], "a dialog fired");
  await ownerContext.close();
  await newbieContext.close();
});

test("signing out leaves no draft, unsent message or read mark in the browser", async () => {
  const r = await fetch(`${base}/api/conversations`, {
    method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ site: "demo" }),
  });
  assert.equal(r.status, 201);
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  await signIn(page, "operator");
  await page.getByTestId("console-conversation").first().click();
  await page.getByTestId("console-input").fill("A half-written answer");
  const work = () => page.evaluate(() => Object.keys(localStorage).filter((k) => /^console:(draft|outbox|seen)/.test(k)));
  await until("the draft is kept", async () => (await work()).some((k) => k.startsWith("console:draft:")));
  await page.getByTestId("console-sign-out").click();
  await page.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  assert.deepEqual(await work(), [], "nothing of the account's work is left");
  await context.close();
});

test("sign out everywhere ends the other browser's session too", async () => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = watch(await a.newPage());
  const pageB = watch(await b.newPage());
  await signIn(pageA, "supervisor");
  await signIn(pageB, "supervisor");
  await pageA.getByTestId("console-sign-out-everywhere").click();
  await pageA.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  // B's sockets close at once; its next request is refused.
  await until("the other browser is signed out", async () => (await pageB.getByTestId("console-login").count()) > 0);
  await pageB.goto(consoleUrl);
  await pageB.getByTestId("console-login").waitFor({ timeout: TIMEOUT });
  await a.close();
  await b.close();
});

test("two-factor sign-in: set up in the console with an authenticator's code, then asked for at sign-in", async () => {
  // A new operator of the demo organisation (invited and accepted over the API).
  const admin = await apiAs("admin");
  const email = `twofactor-${Date.now()}@demo.test`;
  const invited = await (await admin.call("POST", "/api/org/invitations", { email, role: "operator" })).json();
  await call("POST", "/api/auth/accept", { token: invited.token, name: "Tess Two", password });
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  await signInAs(page, email);

  await page.getByTestId("console-2fa-open").click();
  await page.getByTestId("console-2fa-begin").click();
  const secret = await page.getByTestId("console-2fa-secret").textContent();
  assert.match(secret, /^[A-Z2-7]{32}$/, "a 160-bit base32 secret");
  assert.match(await page.getByTestId("console-2fa-uri").getAttribute("href"), /^otpauth:\/\/totp\/.*secret=/);
  await page.getByTestId("console-2fa-code").fill(totp(secret));
  await page.getByTestId("console-2fa-confirm").click();
  await page.getByTestId("console-2fa-note").filter({ hasText: "Two-factor sign-in is on" }).waitFor({ timeout: TIMEOUT });
  await page.getByTestId("console-2fa-close").click();

  // Signed out and in again: the password alone is not enough.
  await page.getByTestId("console-sign-out").click();
  await page.getByTestId("console-email").fill(email);
  await page.getByTestId("console-password").fill(password);
  await page.getByTestId("console-login").click();
  await page.getByTestId("console-login-error").filter({ hasText: "authenticator" }).waitFor({ timeout: TIMEOUT });
  // The next step's code (the one confirmed is used up).
  await page.getByTestId("console-login-code").fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByTestId("console-login").click();
  await page.getByTestId("console-status").filter({ hasText: "Connected" }).waitFor({ timeout: TIMEOUT });
  assert.deepEqual(dialogs, [], "a dialog fired");
  await context.close();
});
