/**
 * Measures the thin loop on this machine: whole referrals over HTTP (message + four card
 * actions each, against Cosmos in-process and the FakeTeams connector), then `status` with
 * that many cases stored. Prints figures; asserts nothing.
 */
import { performance } from "node:perf_hooks";
import { people, personalMessage, startHarness } from "../test/support/harness.js";
import { goodAnswers, refer } from "../test/support/referral-walk.js";

const referrals = Number(process.argv[2] ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const h = await startHarness();
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
const posts = h.teams.sent.filter((s) => s.method === "POST" && !s.activityId).length;
await h.close();

console.log(
  `referrals submitted:        ${referrals} in ${(elapsed / 1000).toFixed(1)} s (${((referrals * 1000) / elapsed).toFixed(1)}/s)`,
);
console.log(
  `one whole referral (5 HTTP turns): p50 ${percentile(durations, 50).toFixed(0)} ms, p95 ${percentile(durations, 95).toFixed(0)} ms`,
);
console.log(
  `status with ${referrals} cases:     p50 ${percentile(statusTimes, 50).toFixed(0)} ms, p95 ${percentile(statusTimes, 95).toFixed(0)} ms`,
);
console.log(`channel posts delivered:    ${posts}`);
