import { expect } from "chai";
import { postDailyDigest } from "../../bot/escalations/digest.js";
import { sweepEscalations, type Fired } from "../../bot/escalations/sweep.js";
import { cardIn, cardText, channelId, people, startHarness, type Harness } from "../support/harness.js";
import { goodAnswers, refer, type Answers } from "../support/referral-walk.js";
import { ukDate } from "../../bot/shared/uk-dates.js";
import { record } from "./figures.js";

const fault = "clock across the summer-time change (sweeps)";
const stepMs = 30 * 60_000;
const digestAt = { hour: 8, minute: 30 };

/** The referral with its school dates in the fortnight before `lastAttended` + 4 days. */
function answersFrom(lastAttended: string): Answers {
  const day = (n: number) =>
    new Date(Date.parse(`${lastAttended}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  return {
    ...goodAnswers,
    school: { ...goodAnswers.school, dateLastAttended: day(0) },
    enquiries: {
      ...goodAnswers.enquiries,
      "enquiries.0.date": day(1),
      "enquiries.1.date": day(2),
      "enquiries.2.date": day(3),
      "homeVisits.0.date": day(4),
    },
  };
}

/**
 * Each change: a case submitted on the Friday before it at 10:00 UK time, then the sweeps and
 * the digest run every half hour (as the app's timer does, with its `now()`) from then until
 * the Tuesday after, the clock passing the change at 01:00 UTC on the Sunday.
 */
const changes = [
  {
    // 2026, not 2027: Easter 2027 falls on the change (Good Friday 26 March, Easter Monday 29 March).
    name: "clocks go forward (last Sunday of March 2026, 01:00 UTC)",
    submittedAt: "2026-03-27T10:00:00Z", // Friday 10:00 GMT
    until: "2026-03-31T12:00:00Z",
    lastAttended: "2026-03-09",
    // One working day on: Monday 30 March 10:00 BST.
    unassignedDue: "2026-03-30T09:00:00.000Z",
    unassignedShown: "30 Mar 2026, 10:00",
    // The digest at 08:30 UK time: GMT on the Friday, BST from the Monday.
    digests: {
      "2026-03-27": "2026-03-27T10:00:00.000Z",
      "2026-03-30": "2026-03-30T07:30:00.000Z",
      "2026-03-31": "2026-03-31T07:30:00.000Z",
    },
  },
  {
    name: "clocks go back (last Sunday of October 2026, 01:00 UTC)",
    submittedAt: "2026-10-23T09:00:00Z", // Friday 10:00 BST
    until: "2026-10-27T12:00:00Z",
    lastAttended: "2026-10-05",
    // One working day on: Monday 26 October 10:00 GMT.
    unassignedDue: "2026-10-26T10:00:00.000Z",
    unassignedShown: "26 Oct 2026, 10:00",
    digests: {
      "2026-10-23": "2026-10-23T09:00:00.000Z",
      "2026-10-26": "2026-10-26T08:30:00.000Z",
      "2026-10-27": "2026-10-27T08:30:00.000Z",
    },
  },
];

describe("faults: the clock passing the summer-time change while the sweeps run", function () {
  this.timeout(120_000);
  let h: Harness;
  let clock = new Date();
  afterEach(async () => {
    await h.close();
  });

  for (const change of changes) {
    it(`${change.name}: each escalation fires once, on time and dated in UK time; one digest a working day`, async () => {
      clock = new Date(change.submittedAt);
      h = await startHarness({}, { now: () => clock });
      await refer(h, people.dsl, answersFrom(change.lastAttended));
      await h.app.services.outbox.idle();

      const fired: (Fired & { sweptAt: string })[] = [];
      const digests: Record<string, string> = {};
      let sweeps = 0;
      for (let at = clock.getTime(); at <= Date.parse(change.until); at += stepMs) {
        clock = new Date(at);
        const result = await sweepEscalations(h.app.services, clock);
        sweeps += 1;
        if (result.kind === "swept")
          fired.push(...result.fired.map((f) => ({ ...f, sweptAt: clock.toISOString() })));
        if (await postDailyDigest(h.app.services, digestAt, clock)) {
          digests[ukDate(clock)] = clock.toISOString();
        }
      }
      await h.app.services.outbox.idle();
      record(fault, { injected: 1 });

      // Once each: a level never fires twice, and none that came due in the run was missed.
      const levels = fired.map((f) => `${f.rule}:${f.level}`);
      record(fault, { doubles: levels.length - new Set(levels).size });
      expect(levels).to.have.length(new Set(levels).size);
      const unassigned = fired.find((f) => f.rule === "unassigned");
      record(fault, { lost: unassigned ? 0 : 1 });
      // On time: at the first sweep at or after the instant it came due (UK working hours), not an hour either side.
      expect(unassigned).to.include({ dueSince: change.unassignedDue, sweptAt: change.unassignedDue });
      for (const each of fired) {
        const late =
          Date.parse(each.sweptAt) - Math.max(Date.parse(each.dueSince), Date.parse(change.submittedAt));
        expect(late, `${each.rule} ${each.level}`).to.be.within(0, stepMs - 1);
      }
      const escalationCards = h.teams
        .posts(channelId)
        .filter((post) => cardText(cardIn(post)).includes("Due since"));
      record(fault, { posts: escalationCards.length });
      expect(escalationCards).to.have.length(fired.length);
      const unassignedCard = escalationCards.find((post) => cardText(cardIn(post)).includes("Unassigned: "));
      expect(cardText(cardIn(unassignedCard!))).to.include(change.unassignedShown);

      // The digest: once each working day, at 08:30 UK time (the first sweep after it), none at the weekend.
      expect(digests).to.deep.equal(change.digests);
      const digestCards = h.teams
        .posts(channelId)
        .filter((post) => cardText(cardIn(post)).includes("the day's digest"));
      record(fault, { posts: digestCards.length });
      expect(digestCards).to.have.length(Object.keys(change.digests).length);
      console.log(
        `      ${sweeps} sweeps; fired ${levels.join(", ")}; digests ${Object.keys(digests).join(", ")}`,
      );
    });
  }
});
