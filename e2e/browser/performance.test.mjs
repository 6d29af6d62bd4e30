// performance.test.mjs: the performance page as people see it, in
// headless Chromium, on an organisation of its own with a seeded week of
// conversations: the supervisor sees a chart of the seven days, everyone's
// figures per operator and per team, the sales figures, and a CSV of the same; an operator
// sees their own figures only.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browser, call, password, signInAs, TIMEOUT, until, watch } from "./helpers.mjs";

const site = `perf${Date.now() % 1e9}`;
const email = (role) => `${role}@${site}.test`;
const names = { supervisor: "Sam Supervisor", operator: "Otto Operator" };


let seeded;
before(async () => {
  const signup = { org: "Perf", site: { id: site, name: "Perf site" }, email: email("owner"), name: "Olga Owner", password };
  const o = await call("POST", "/api/auth/signup", signup);
  const owner = { cookie: o.cookie, me: o.json };
  for (const role of ["operator", "supervisor"]) {
    const invited = (await call("POST", "/api/org/invitations", { email: email(role), role }, owner)).json;
    await call("POST", "/api/auth/accept", { token: invited.token, name: names[role], password });
  }
  const body = { operators: [names.supervisor, names.operator] };
  seeded = (await call("POST", `/api/console/sites/${site}/performance/seed`, body, owner)).json.seeded;
});

async function openPerformance(role) {
  const page = watch(await (await browser.newContext()).newPage());
  await signInAs(page, email(role));
  await page.getByTestId("console-performance-open").click();
  await page.getByTestId("console-performance-chart").waitFor({ timeout: TIMEOUT });
  return page;
}

const chats = async (rows) => Promise.all((await rows.all()).map(async (r) => Number(await r.getAttribute("data-chats"))));

test("a seeded week: the chart, per-operator and per-team figures, and the CSV", async () => {
  const page = await openPerformance("supervisor");
  const bars = page.getByTestId("console-performance-bar");
  assert.equal(await bars.count(), 7, "one bar a day");
  const perDay = await chats(bars);
  assert.equal(perDay.reduce((a, b) => a + b, 0), seeded, "every seeded chat is on the chart");
  assert.ok(perDay.filter((n) => n > 0).length >= 6, `the week has a trend: ${perDay}`);
  const points = (await page.getByTestId("console-performance-line").getAttribute("points")).trim().split(" ");
  assert.ok(points.length >= 6, "the median first reply is drawn per day");

  const operators = page.getByTestId("console-performance-operator");
  assert.deepEqual(
    await Promise.all((await operators.all()).map((r) => r.getAttribute("data-name"))),
    [names.operator, names.supervisor].sort(),
  );
  const perOperator = await chats(operators);
  assert.equal(perOperator.reduce((a, b) => a + b, 0), seeded);
  assert.equal(await page.getByTestId("console-performance-team").getAttribute("data-name"), "billing");
  assert.equal(Number(await page.getByTestId("console-performance-total").getAttribute("data-chats")), seeded);

  // The CSV: a header, a row per operator, team and day, and the total.
  const href = await page.getByTestId("console-performance-csv").getAttribute("href");
  const csv = decodeURIComponent(href.slice(href.indexOf(",") + 1));
  const lines = csv.trim().split("\n");
  assert.match(lines[0], /^kind,name,chats,first_response_p50_s/);
  assert.equal(lines.filter((l) => l.startsWith("operator,")).length, 2);
  assert.equal(lines.filter((l) => l.startsWith("day,")).length, 7);
  assert.equal(lines.at(-1).split(",")[2], String(seeded));

  // Sales: conversion, average order, discount and revenue, per operator
  // too, as the CSV has them (revenue in cents).
  const header = lines[0].split(",");
  const column = (line, name) => Number(line.split(",")[header.indexOf(name)]);
  const total = lines.at(-1);
  const revenue = column(total, "revenue_minor");
  assert.ok(revenue > 0 && column(total, "sales_won") > 0, `the seeded week has won sales: ${total}`);
  const byOperator = lines.filter((l) => l.startsWith("operator,")).map((l) => column(l, "revenue_minor"));
  assert.equal(byOperator.reduce((a, b) => a + b, 0), revenue, "per operator adds up");
  const everyone = page.locator('[data-testid="console-performance-sales"][data-name="Everyone"]');
  const usd = (cents) => `USD ${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
  assert.equal(await everyone.getByTestId("console-performance-revenue").textContent(), usd(revenue));
  assert.equal(await everyone.getByTestId("console-performance-discount").textContent(), usd(column(total, "discount_given_minor")));
  const conversion = Math.round((column(total, "sales_won") / column(total, "sales_chats")) * 100);
  assert.equal(await everyone.getByTestId("console-performance-conversion").textContent(), `${conversion} %`);
  assert.equal(await page.locator(`[data-testid="console-performance-sales"][data-name="${names.operator}"]`).count(), 1);

  // A longer period holds the same week.
  await page.getByTestId("console-performance-period").selectOption("30");
  await until("thirty bars", async () => (await bars.count()) === 30);
});

test("an operator sees their own figures only", async () => {
  const page = await openPerformance("operator");
  const operators = page.getByTestId("console-performance-operator");
  await until("one row", async () => (await operators.count()) === 1);
  assert.equal(await operators.getAttribute("data-name"), names.operator);
  const total = Number(await page.getByTestId("console-performance-total").getAttribute("data-chats"));
  assert.equal(total, Number(await operators.getAttribute("data-chats")));
  assert.ok(total > 0 && total < seeded);
});
