/**
 * Measures on this machine: whole referrals over HTTP (a message and the wizard's card
 * actions each, against Cosmos in-process and the FakeTeams connector), `status` with that
 * many cases stored, then actions on one case as its history grows; then `status`, each report
 * and the DfE return at 2,000, 20,000 and 150,000 seeded cases (BENCH_SIZES=2000,20000 for a
 * quicker run), split into time in the store and time in our code. Prints figures; asserts
 * nothing. `npm run bench -- <referrals> <case actions>`.
 */
import { performance } from "node:perf_hooks";
import { bankHolidaysInEngland } from "../bot/escalations/bank-holidays.js";
import { createCalendar } from "../bot/escalations/calendar.js";
import { loadConfig } from "../bot/config.js";
import { CaseStore } from "../bot/store/case-store.js";
import { createCosmosClient, openContainers } from "../bot/store/cosmos.js";
import { startEmbeddedCosmos } from "../bot/store/embedded.js";
import { SettingsStore } from "../bot/store/settings-store.js";
import { cardAction, people, personalMessage, startHarness } from "../test/support/harness.js";
import { goodAnswers, refer, submitAction, walkToReview } from "../test/support/referral-walk.js";
import { seedCases } from "../test/support/seeding.js";

const referrals = Number(process.argv[2] ?? 200);
const caseActions = Number(process.argv[3] ?? 300);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// The rate limit on /api/messages is policy, not performance: lifted here.
const h = await startHarness({ MESSAGES_PER_SECOND: "100000" });
const durations: number[] = [];
const started = performance.now();
for (let i = 0; i < referrals; i += 1) {
  const who = { ...people.dsl, id: `29:bench-${i}`, aadObjectId: `aad-bench-${i}` };
  const t = performance.now();
  await refer(h, who, { ...goodAnswers, child: { ...goodAnswers.child, surname: `Bench${i}` } });
  durations.push(performance.now() - t);
}
const elapsed = performance.now() - started;
await h.app.services.outbox.idle();
durations.sort((a, b) => a - b);

const statusTimes: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const t = performance.now();
  await h.send(personalMessage(h.teams, people.manager, "status"));
  statusTimes.push(performance.now() - t);
}
statusTimes.sort((a, b) => a - b);
// Casework: notes on one case until it has a long history, each a card action over HTTP
// (role check against the team roster, revision check, one ETag write, the card re-rendered).
const caseId = `CME-${new Date().getUTCFullYear()}-00001`;
const actionTimes: number[] = [];
for (let i = 0; i < caseActions; i += 1) {
  const t = performance.now();
  await h.send(
    cardAction(h.teams, people.officer, "channel", "case.addNote", { caseId, "addNote.note": `Note ${i}` }),
  );
  actionTimes.push(performance.now() - t);
}
const lastActions = actionTimes.slice(-20).sort((a, b) => a - b);
actionTimes.sort((a, b) => a - b);
const historyStarted = performance.now();
await h.send(cardAction(h.teams, people.officer, "channel", "case.history", { caseId, page: "5" }));
const historyMs = performance.now() - historyStarted;

// Fifty referrers pressing Submit at once: how long each waits for an answer, and how many were
// answered "received, your reference follows" because their submission outran the budget.
const crowd = 50;
const crowdWho = (i: number) => ({ ...people.dsl, id: `29:crowd-${i}`, aadObjectId: `aad-crowd-${i}` });
const crowdReviews = await Promise.all(
  Array.from({ length: crowd }, (_, i) =>
    walkToReview(h, crowdWho(i), { ...goodAnswers, child: { ...goodAnswers.child, surname: `Crowd${i}` } }),
  ),
);
const crowdTimes: number[] = [];
let answeredReceived = 0;
await Promise.all(
  crowdReviews.map(async (review, i) => {
    const t = performance.now();
    const answer = await h.send(submitAction(h, crowdWho(i), review));
    crowdTimes.push(performance.now() - t);
    if (JSON.stringify(answer.body).includes("sending it now")) answeredReceived += 1;
  }),
);
crowdTimes.sort((a, b) => a - b);
await h.app.services.outbox.idle();
const posts = h.teams.sent.filter((s) => s.method === "POST" && !s.activityId).length;
await h.close();

console.log(
  `referrals submitted:        ${referrals} in ${(elapsed / 1000).toFixed(1)} s (${((referrals * 1000) / elapsed).toFixed(1)}/s)`,
);
console.log(
  `one whole referral (every card, over HTTP): p50 ${percentile(durations, 50).toFixed(0)} ms, p95 ${percentile(durations, 95).toFixed(0)} ms`,
);
console.log(
  `status with ${referrals} cases:     p50 ${percentile(statusTimes, 50).toFixed(0)} ms, p95 ${percentile(statusTimes, 95).toFixed(0)} ms`,
);
console.log(
  `case action (note), ${caseActions} on one case: p50 ${percentile(actionTimes, 50).toFixed(0)} ms, p95 ${percentile(actionTimes, 95).toFixed(0)} ms; the last 20 (history of ${caseActions}+): p50 ${percentile(lastActions, 50).toFixed(0)} ms`,
);
console.log(
  `${crowd} submits at once:          p50 ${percentile(crowdTimes, 50).toFixed(0)} ms, p99 ${percentile(crowdTimes, 99).toFixed(0)} ms; ${answeredReceived} answered "received, reference follows"`,
);
console.log(`history page of a ${caseActions + 1}-change case: ${historyMs.toFixed(0)} ms`);
console.log(`channel posts delivered:    ${posts}`);

// Managers' commands at size: each size its own embedded Cosmos, seeded as `npm run seed` seeds.
const sizes = (process.env.BENCH_SIZES ?? "2000,20000,150000").split(",").map(Number);
/** A council's year, a council's decade, a national deployment's year. */
const yearsFor = (size: number) => (size === 20_000 ? 10 : 1);
const managerCommands = [
  "status",
  "report referrals",
  "report referrals-on",
  "report outcomes",
  "report time-to-close",
  "report long-running",
  "report leavers",
  "report reached-school-age",
  "dfe return",
];
const runsEach = 3;
/** Seeding longer than this makes copies of a few thousand generated cases instead. */
const seedBudgetMs = 15 * 60_000;
const distinctWhenCopying = 5_000;

/** Time with at least one call of these stores in flight (overlapping calls counted once). */
function storeTimer(stores: object[]) {
  let inFlight = 0;
  let since = 0;
  let total = 0;
  for (const store of stores) {
    const target = store as Record<string, unknown>;
    const prototype = Object.getPrototypeOf(store) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name];
      if (name === "constructor" || typeof method !== "function") continue;
      target[name] = async (...args: unknown[]) => {
        if (inFlight === 0) since = performance.now();
        inFlight += 1;
        try {
          return await (method as (...a: unknown[]) => Promise<unknown>).apply(store, args);
        } finally {
          inFlight -= 1;
          if (inFlight === 0) total += performance.now() - since;
        }
      };
    }
  }
  return { reset: () => (total = 0), elapsed: () => total };
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const figures = new Map<number, Map<string, { total: number; store: number }>>();
let seedRate: number | undefined;
const config = loadConfig({});
const clocks = {
  policy: config.escalationPolicy,
  calendar: createCalendar(bankHolidaysInEngland, config.termDates),
};
console.log(
  "\nManagers' commands at size (p50 of %d runs after one warm-up; store = time in store calls)",
  runsEach,
);
for (const size of sizes) {
  const cosmos = await startEmbeddedCosmos();
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 60_000);
  const containers = await openContainers(client, "cme-bench");
  const copying = seedRate !== undefined && size / seedRate > seedBudgetMs / 1000;
  const seeded = await seedCases(
    { cases: new CaseStore(containers.cases), settings: new SettingsStore(containers.settings), clocks },
    {
      cases: size,
      years: yearsFor(size),
      seed: size,
      now: new Date(),
      ...(copying ? { distinct: distinctWhenCopying } : {}),
    },
  );
  client.dispose();
  if (!copying) seedRate = (seeded.written * 1000) / seeded.elapsedMs;
  console.log(
    `${size} cases over ${yearsFor(size)} year(s): seeded in ${(seeded.elapsedMs / 1000).toFixed(0)} s${
      copying
        ? ` (${distinctWhenCopying} generated, the rest copies of them with other children and dates moved by whole weeks: generating all would take about ${(size / (seedRate ?? 1) / 60).toFixed(0)} min)`
        : ""
    }`,
  );
  const bench = await startHarness({
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: "cme-bench",
    MESSAGES_PER_SECOND: "100000",
  });
  const services = bench.app.services;
  const timer = storeTimer([services.cases, services.outboxStore, services.settings, services.drafts]);
  const atSize = new Map<string, { total: number; store: number }>();
  for (const command of managerCommands) {
    const totals: number[] = [];
    const stores: number[] = [];
    for (let run = 0; run <= runsEach; run += 1) {
      const before = bench.teams.sent.length;
      timer.reset();
      const t = performance.now();
      await bench.send(personalMessage(bench.teams, people.manager, command));
      const total = performance.now() - t;
      const answered = bench.teams.sent.slice(before).some((each) => Array.isArray(each.body.attachments));
      if (!answered) throw new Error(`'${command}' at ${size} cases answered without a card`);
      if (run === 0) continue;
      totals.push(total);
      stores.push(timer.elapsed());
    }
    atSize.set(command, { total: median(totals), store: median(stores) });
  }
  figures.set(size, atSize);
  await bench.close();
  await cosmos.close();
}
const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(9);
console.log(
  `${"command".padEnd(28)}${sizes.map((size) => `${size} cases: total / store / code`.padStart(40)).join("")}`,
);
for (const command of managerCommands) {
  const cells = sizes.map((size) => {
    const { total, store } = figures.get(size)?.get(command) ?? { total: NaN, store: NaN };
    return `${ms(total)} /${ms(store)} /${ms(total - store)}`.padStart(40);
  });
  const first = figures.get(sizes[0] ?? 0)?.get(command)?.total ?? NaN;
  const last = figures.get(sizes.at(-1) ?? 0)?.get(command)?.total ?? NaN;
  console.log(
    `${command.padEnd(28)}${cells.join("")}   x${(last / first).toFixed(1)} from ${sizes[0]} to ${sizes.at(-1)}`,
  );
}
