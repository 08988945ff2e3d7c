/**
 * The project against a bare botbuilder bot (scripts/bench/bare-bot.ts) in one run, sampled
 * interleaved (bare, project, bare, project …) over HTTP with the same activities: a typed
 * command (`help`, and `my referrals`, which reads the store), a wizard step (Next on a step card), a case action (a note on a case card) and a
 * submission. Prints p50 and p99 of each kind for both, their ratios beside the goals of issue 13,
 * and the Cosmos requests each kind of turn makes (counted on the wire, test/support/cosmos-counter.ts).
 * BENCH_SAMPLES rounds (300): each round the two typed commands, one referral walked step by step and
 * submitted, and one note on the case it made. BENCH_PROFILE=1 profiles the project's side
 * instead (its samples only, no bare ones) and writes bench-project.cpuprofile (see
 * scripts/profile-summary.ts).
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { stepOrder } from "../../bot/referrals/steps.js";
import { createCosmosClient } from "../../bot/store/cosmos.js";
import { startCountingCosmos, type CosmosCounts } from "../../test/support/cosmos-counter.js";
import {
  actionData,
  cardAction,
  invokeCard,
  people,
  personalMessage,
  startHarness,
  type Who,
} from "../../test/support/harness.js";
import { addRowsFor, goodAnswers, sayRefer, submitAction } from "../../test/support/referral-walk.js";
import { startBareBot } from "./bare-bot.js";

const rounds = Number(process.env.BENCH_SAMPLES ?? 300);
const warmUpRounds = Math.min(20, Math.max(3, Math.round(rounds / 10)));
const profiling = process.env.BENCH_PROFILE === "1";

const kinds = ["typed command", "my referrals", "wizard step", "case action", "submission"] as const;
type Kind = (typeof kinds)[number];
/** Issue 13's goals: the project's time as a multiple of the bare bot's, at p50 and p99. */
const goals: Record<Kind, string> = {
  "typed command": "≤ 1.5×",
  "my referrals": "≤ 1.5× (a typed command)",
  "wizard step": "≤ 2×",
  "case action": "≤ 3×",
  submission: "≤ 8 Cosmos requests",
};

const cosmos = await startCountingCosmos();
const h = await startHarness({
  COSMOS_ENDPOINT: cosmos.endpoint,
  COSMOS_KEY: cosmos.key,
  // Policy, not performance: the rate limit lifted; the timed sweeps kept out of the samples.
  MESSAGES_PER_SECOND: "100000",
  OUTBOX_INTERVAL_SECONDS: "3600",
  DRAFT_SWEEP_MINUTES: "600",
  ESCALATION_SWEEP_MINUTES: "600",
});
const bare = await startBareBot();

/**
 * The store's floor: one point read and one replace of a document the size of a draft, through
 * a client made as the bot makes its own, against the same embedded store. A turn can be no
 * faster than its requests: the bare bot makes none.
 */
const floorContainer = await (async () => {
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 3000);
  const { database } = await client.databases.createIfNotExists({ id: "bench-floor" });
  const { container } = await database.containers.createIfNotExists({
    id: "floor",
    partitionKey: { paths: ["/id"] },
  });
  await container.items.upsert({ id: "draft-sized", text: "x".repeat(6000) });
  return container;
})();
const floor = { read: [] as number[], write: [] as number[] };
async function sampleFloor() {
  let t = performance.now();
  const { resource } = await floorContainer.item("draft-sized", "draft-sized").read<{ id: string }>();
  const read = performance.now() - t;
  t = performance.now();
  await floorContainer.item("draft-sized", "draft-sized").replace({ ...resource, at: t });
  const write = performance.now() - t;
  cosmos.take();
  if (recording) {
    floor.read.push(read);
    floor.write.push(write);
  }
}

async function post(url: string, activity: Record<string, unknown>) {
  const response = await fetch(`${url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const times = { bare: new Map<Kind, number[]>(), project: new Map<Kind, number[]>() };
/** Per kind: the turns counted, and every request they made (in the turn and by the outbox after it). */
const requests = new Map<Kind, { turns: number; inTurn: CosmosCounts; after: CosmosCounts }>();
let recording = false;
let bareSeq = 0;

const add = (into: CosmosCounts, counts: CosmosCounts) => {
  for (const [key, n] of counts) into.set(key, (into.get(key) ?? 0) + n);
};

/** One sample of each side with the same activity (the bare bot's under an id of its own); the project's answer. */
async function sample(kind: Kind, activity: Record<string, unknown>) {
  if (!profiling) {
    bareSeq += 1;
    const t = performance.now();
    const answer = await post(bare.url, { ...activity, id: `bare-${bareSeq}` });
    const elapsed = performance.now() - t;
    if (answer.status !== 200) throw new Error(`the bare bot answered ${answer.status}`);
    if (recording) times.bare.set(kind, [...(times.bare.get(kind) ?? []), elapsed]);
  }
  cosmos.take();
  const t = performance.now();
  const answer = await post(h.app.url, activity);
  const elapsed = performance.now() - t;
  const inTurn = cosmos.take();
  await h.app.services.outbox.idle();
  const after = cosmos.take();
  if (answer.status !== 200) throw new Error(`the project answered ${answer.status} to a ${kind}`);
  if (recording) {
    times.project.set(kind, [...(times.project.get(kind) ?? []), elapsed]);
    const counted = requests.get(kind) ?? {
      turns: 0,
      inTurn: new Map<string, number>(),
      after: new Map<string, number>(),
    };
    counted.turns += 1;
    add(counted.inTurn, inTurn);
    add(counted.after, after);
    requests.set(kind, counted);
  }
  return answer;
}

/** One round: the typed commands, a referral walked and submitted, a note on its case. */
async function round(i: number) {
  const who: Who = { ...people.dsl, id: `29:bench-${i}`, aadObjectId: `aad-bench-${i}` };
  if (!profiling) await sampleFloor();
  await sample("typed command", personalMessage(h.teams, who, "help"));
  await sample("my referrals", personalMessage(h.teams, who, "my referrals"));
  let card = await sayRefer(h, who);
  const answers = { ...goodAnswers, child: { ...goodAnswers.child, surname: `Bench${i}` } };
  for (const step of stepOrder) {
    const inputs = answers[step];
    card = await addRowsFor(h, who, card, inputs);
    const data = { ...actionData(card, "referral.next"), ...inputs };
    card = invokeCard(
      await sample("wizard step", cardAction(h.teams, who, "personal", "referral.next", data)),
    );
  }
  const submitted = JSON.stringify(await sample("submission", submitAction(h, who, card)));
  const reference = /CME-\d{4}-\d{5}/.exec(submitted)?.[0];
  if (!reference) throw new Error(`no reference in the submission's answer: ${submitted.slice(0, 300)}`);
  // The officer's view of the case card, as Teams' refresh fetches it (not sampled).
  const officersCard = invokeCard(
    await h.send(cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: reference })),
  );
  const note = actionData(officersCard, "case.addNote");
  await sample(
    "case action",
    cardAction(h.teams, people.officer, "channel", "case.addNote", { ...note, "addNote.note": `Note ${i}` }),
  );
}

for (let i = 0; i < warmUpRounds; i += 1) await round(-1 - i);
recording = true;
const session = profiling ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 250 });
  await session.post("Profiler.start");
}
const started = performance.now();
for (let i = 0; i < rounds; i += 1) await round(i);
const elapsedS = (performance.now() - started) / 1000;
if (session) {
  const { profile } = await session.post("Profiler.stop");
  await writeFile("bench-project.cpuprofile", JSON.stringify(profile));
  session.disconnect();
}
await bare.close();
await h.close();
await cosmos.close();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);

console.log(
  `\nTurns over HTTP, ${rounds} rounds after ${warmUpRounds} to warm up, in ${elapsedS.toFixed(0)} s` +
    (profiling ? " (profiling the project: no bare samples)" : ", bare bot and project interleaved"),
);
console.log(
  `${"kind".padEnd(15)}${"n".padStart(6)}${"bare p50".padStart(10)}${"p99".padStart(9)}` +
    `${"project p50".padStart(13)}${"p99".padStart(9)}${"ratio p50".padStart(11)}${"p99".padStart(7)}   goal`,
);
for (const kind of kinds) {
  const [b, p] = [times.bare.get(kind) ?? [], times.project.get(kind) ?? []];
  const ratio = (q: number) => (b.length ? `${(percentile(p, q) / percentile(b, q)).toFixed(1)}×` : "");
  console.log(
    `${kind.padEnd(15)}${String(p.length).padStart(6)}${b.length ? ms(percentile(b, 50)) + ms(percentile(b, 99)) : "".padEnd(18)}` +
      `${ms(percentile(p, 50)).padStart(13)}${ms(percentile(p, 99))}${ratio(50).padStart(11)}${ratio(99).padStart(7)}   ${goals[kind]}`,
  );
}

if (floor.read.length) {
  const request = (percentile(floor.read, 50) + percentile(floor.write, 50)) / 2;
  console.log(
    `\nThe store's floor, one request through @azure/cosmos to the embedded store: read p50 ${ms(percentile(floor.read, 50)).trim()}, p99 ${ms(percentile(floor.read, 99)).trim()}; ` +
      `replace p50 ${ms(percentile(floor.write, 50)).trim()}, p99 ${ms(percentile(floor.write, 99)).trim()}.`,
  );
  console.log(
    "Each kind at p50 less its requests in the turn at the floor's p50 (what is left is the project's own), against the bare bot:",
  );
  for (const kind of kinds) {
    const [b, p] = [times.bare.get(kind) ?? [], times.project.get(kind) ?? []];
    const counted = requests.get(kind);
    if (!b.length || !counted) continue;
    const inTurn = [...counted.inTurn.values()].reduce((sum, n) => sum + n, 0) / counted.turns;
    const own = percentile(p, 50) - inTurn * request;
    console.log(
      `  ${kind.padEnd(15)} ${inTurn.toFixed(1).padStart(4)} requests ≈ ${ms(inTurn * request).trim()}; the rest ${ms(own).trim()}, ${(own / percentile(b, 50)).toFixed(1)}× the bare turn`,
    );
  }
}

const perTurn = (counts: CosmosCounts, turns: number) =>
  [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key} ${+(n / turns).toFixed(1)}`)
    .join(", ") || "none";
const total = (counts: CosmosCounts) => [...counts.values()].reduce((sum, n) => sum + n, 0);
console.log("\nCosmos requests per turn (mean), in the turn, then by the outbox after it");
for (const kind of kinds) {
  const counted = requests.get(kind);
  if (!counted) continue;
  const all = (total(counted.inTurn) + total(counted.after)) / counted.turns;
  console.log(
    `${kind.padEnd(15)} ${all.toFixed(1).padStart(5)} in all${kind === "submission" ? ` (goal ${goals.submission})` : ""}\n` +
      `  in the turn:  ${perTurn(counted.inTurn, counted.turns)}\n` +
      `  outbox after: ${perTurn(counted.after, counted.turns)}`,
  );
}
