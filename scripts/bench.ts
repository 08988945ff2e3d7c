/**
 * Measures on this machine: whole referrals over HTTP (a message and the wizard's card
 * actions each, against Cosmos in-process and the FakeTeams connector), `status` with that
 * many cases stored, then actions on one case as its history grows. Prints figures; asserts
 * nothing. `npm run bench -- <referrals> <case actions>`.
 */
import { performance } from "node:perf_hooks";
import { cardAction, people, personalMessage, startHarness } from "../test/support/harness.js";
import { goodAnswers, refer, submitAction, walkToReview } from "../test/support/referral-walk.js";

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
