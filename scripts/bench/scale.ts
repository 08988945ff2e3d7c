/**
 * Measures on this machine: whole referrals over HTTP (a message and the wizard's card
 * actions each, against Cosmos in-process and the FakeTeams connector), `status` with that
 * many cases stored, then actions on one case as its history grows; then `status`, each report
 * and the DfE return at 2,000, 20,000 and 150,000 seeded cases (BENCH_SIZES=2000,20000 for a
 * quicker run), split into time in the store and time in our code. Prints figures; asserts
 * nothing. `npm run bench -- <referrals> <case actions>`.
 */
import { performance } from "node:perf_hooks";
import { bankHolidaysInEngland } from "../../bot/escalations/bank-holidays.js";
import { createCalendar } from "../../bot/escalations/calendar.js";
import { loadConfig } from "../../bot/config.js";
import { CaseStore } from "../../bot/store/case-store.js";
import { createCosmosClient, openContainers } from "../../bot/store/cosmos.js";
import { startEmbeddedCosmos } from "../../bot/store/embedded.js";
import { SettingsStore } from "../../bot/store/settings-store.js";
import { cardAction, people, personalMessage, startHarness } from "../../test/support/harness.js";
import { goodAnswers, refer, submitAction, walkToReview } from "../../test/support/referral-walk.js";
import { generatedCases, seedCases } from "../../test/support/seeding.js";
import cosmosQueryModule from "@zeit/cosmosdb-query";

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

/**
 * The embedded store's query engine (@zeit/cosmosdb-query, under @vercel/cosmosdb-server) builds
 * each query's FROM (and each JOIN) with `reduce(($, c) => [...$, { c }], [])`: every query copies
 * a growing array once per document, so it takes time in the square of the cases stored. With
 * `linearFrom` on, the same generated code is rewritten to build those arrays in one pass
 * (filter/map, flatMap): the same rows, in the same order, in time linear in the cases. The bench
 * measures with the store as shipped where it can answer, and with this to see what is ours.
 */
let linearFrom = false;
const queryPrototype = Object.getPrototypeOf(cosmosQueryModule.default("SELECT 1")) as object;
// The shipped getter, kept under another name before "code" is redefined.
Object.defineProperty(
  queryPrototype,
  "shippedCode",
  Object.getOwnPropertyDescriptor(queryPrototype, "code") ?? {},
);
const shippedCode = (query: object): string => Reflect.get(queryPrototype, "shippedCode", query) as string;
const rewritten = new Map<string, string>();
Object.defineProperty(queryPrototype, "code", {
  get(this: unknown) {
    const code = shippedCode(this as object);
    if (!linearFrom) return code;
    let linear = rewritten.get(code);
    if (linear === undefined) {
      linear = code
        .replace(
          /\$c\.reduce\(\(\$, c\) => typeof c !== "undefined" \? \[\.\.\.\$, \{\s*c: c\s*\}\] : \$, \[\]\)/g,
          '$c.filter((c) => typeof c !== "undefined").map((c) => ({ c }))',
        )
        .replace(
          /\.reduce\(\(\$, (\{[^}]*\})\) => \[\.\.\.\$, \.\.\.([\s\S]*?)\], \[\]\)/g,
          ".flatMap(($1) => $2)",
        );
      rewritten.set(code, linear);
    }
    return linear;
  },
});

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

type Figures = Map<string, { total: number; store: number } | "no answer">;

/** Each command over HTTP as the manager, p50 of a few runs after a warm-up; "no answer" if it failed. */
async function measureCommands(bench: Awaited<ReturnType<typeof startHarness>>): Promise<Figures> {
  const services = bench.app.services;
  const timer = storeTimer([services.cases, services.outboxStore, services.settings, services.drafts]);
  const atSize: Figures = new Map();
  for (const command of managerCommands) {
    const totals: number[] = [];
    const stores: number[] = [];
    for (let run = 0; run <= runsEach; run += 1) {
      const before = bench.teams.sent.length;
      timer.reset();
      const t = performance.now();
      await bench.send(personalMessage(bench.teams, people.manager, command));
      const total = performance.now() - t;
      if (!bench.teams.sent.slice(before).some((each) => Array.isArray(each.body.attachments))) break;
      if (run === 0) continue;
      totals.push(total);
      stores.push(timer.elapsed());
    }
    atSize.set(
      command,
      totals.length === runsEach ? { total: median(totals), store: median(stores) } : "no answer",
    );
  }
  return atSize;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (value: number) => `${value.toFixed(0)} ms`;
const linearFigures = new Map<number, Figures>();
const cell = (figure: { total: number; store: number } | "no answer" | undefined) =>
  (figure === undefined || figure === "no answer"
    ? "no answer"
    : `${ms(figure.total)} / ${ms(figure.store)} / ${ms(figure.total - figure.store)}`
  ).padStart(30);

let seedRate: number | undefined;
let probeAt: { size: number; ms: number } | undefined;
const config = loadConfig({});
const clocks = {
  policy: config.escalationPolicy,
  calendar: createCalendar(bankHolidaysInEngland, config.termDates),
};
console.log(
  `\nManagers' commands at size, over HTTP as a manager (p50 of ${runsEach} runs after one warm-up)`,
);
for (const size of sizes) {
  const cosmos = await startEmbeddedCosmos();
  // Outside a turn, with a long deadline: the seed and the probe are not the bot's calls.
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 600_000);
  const containers = await openContainers(client, "cme-bench");
  if (seedRate === undefined && size > 20_000) {
    // No smaller size seeded first: time the generator on a few hundred.
    const t = performance.now();
    generatedCases(200, { from: "2025-09-01", to: "2026-08-31", seed: 1, chunk: 0 });
    seedRate = 200_000 / (performance.now() - t);
  }
  const copying = seedRate !== undefined && size / seedRate > seedBudgetMs / 1000;
  const store = new CaseStore(containers.cases);
  const seeded = await seedCases(
    { cases: store, settings: new SettingsStore(containers.settings), clocks },
    {
      cases: size,
      years: yearsFor(size),
      seed: size,
      now: new Date(),
      ...(copying ? { distinct: distinctWhenCopying } : {}),
    },
  );
  if (!copying) seedRate = (seeded.written * 1000) / seeded.elapsedMs;
  console.log(
    `\n${size} cases over ${yearsFor(size)} year(s): seeded in ${(seeded.elapsedMs / 1000).toFixed(0)} s${
      copying
        ? ` (${distinctWhenCopying} generated, the rest copies of them with other children and dates moved by whole weeks: generating all would take about ${(size / (seedRate ?? 1) / 60).toFixed(0)} min)`
        : ""
    }`,
  );
  const harnessEnv = {
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: "cme-bench",
    MESSAGES_PER_SECOND: "100000",
  };
  // One COUNT over the cases with the store as shipped: past a few seconds, every command would only meet the store deadline.
  const expected = probeAt ? probeAt.ms * (size / probeAt.size) ** 2 : 0;
  if (expected < 60_000) {
    const t = performance.now();
    await store.closedCount();
    probeAt = { size, ms: performance.now() - t };
    console.log(`  store as shipped: one COUNT over the cases takes ${ms(probeAt.ms)}`);
    const bench = await startHarness(harnessEnv);
    const shipped = await measureCommands(bench);
    await bench.close();
    // Queries the bot gave up on still run in the store: wait for them before measuring again.
    await store.closedCount();
    for (const [command, figure] of shipped)
      console.log(
        `  as shipped  ${command.padEnd(26)} ${
          figure === "no answer"
            ? `no answer: the store deadline (${config.storeDeadlineMs} ms) passed, the manager is told the case store is not answering`
            : `${ms(figure.total).padStart(8)} (store ${ms(figure.store)})`
        }`,
      );
  } else {
    console.log(
      `  store as shipped: not run; one COUNT over the cases would take about ${(expected / 60_000).toFixed(0)} min (${ms(probeAt?.ms ?? 0)} at ${probeAt?.size}, growing as the square)`,
    );
  }
  client.dispose();
  linearFrom = true;
  const bench = await startHarness(harnessEnv);
  const linear = await measureCommands(bench);
  linearFigures.set(size, linear);
  await bench.close();
  for (const [command, figure] of linear)
    console.log(`  FROM linear ${command.padEnd(26)} ${cell(figure).trim()} (total / store / code)`);
  linearFrom = false;
  await cosmos.close();
}

console.log(
  "\nWith the store's FROM made linear (see above): total / in store calls / in our code (total less store)",
);
console.log(`${"command".padEnd(27)}${sizes.map((size) => `${size} cases`.padStart(30)).join("")}   growth`);
for (const command of managerCommands) {
  const row = sizes.map((size) => linearFigures.get(size)?.get(command));
  const [first, last] = [row[0], row.at(-1)];
  const growth =
    typeof first === "object" && typeof last === "object"
      ? `total x${(last.total / first.total).toFixed(1)}, code x${((last.total - last.store) / (first.total - first.store)).toFixed(1)}`
      : "";
  console.log(`${command.padEnd(27)}${row.map(cell).join("")}   ${growth}`);
}
