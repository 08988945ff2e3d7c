import { randomUUID } from "node:crypto";
import type { Case } from "../cases/case.js";
import { queueOwedPosts } from "../cases/owed-posts.js";
import { convertedAtSchoolAge } from "../cases/school-age-conversion.js";
import type { Outbox } from "../outbox/outbox.js";
import { formatDate, formatDateTime } from "../shared/format.js";
import { ukDate } from "../shared/uk-dates.js";
import type { CaseRepository } from "../cases/case-repository.js";
import type { Settings } from "../settings.js";
import { checkedTooLate, escalationKey, unraised, withNextCheck, type Clocks, type DueLevel } from "./due.js";

export interface EscalationPorts {
  readonly cases: CaseRepository;
  readonly settings: Settings;
  readonly outbox: Outbox;
  readonly clocks: Clocks;
}

/** One escalation that fired (or, in a dry run, would fire). */
export interface Fired {
  readonly caseId: string;
  readonly rule: DueLevel["rule"];
  readonly level: number;
  readonly notify: DueLevel["notify"];
  readonly dueSince: string;
}

export type SweepResult =
  | {
      readonly kind: "swept";
      readonly fired: readonly Fired[];
      readonly checked: number;
      /** The early-years cases this sweep made school-age (none in a dry run). */
      readonly convertedToSchoolAge: readonly string[];
    }
  | { readonly kind: "busy" };

const leaseMs = 5 * 60_000;

/**
 * Finds the cases whose next check has come (an indexed query on `nextCheckAt`; and open
 * early-years cases whose stored check is later than their clocks put it), queues every
 * level now due, and moves each case's `nextCheckAt` on. One sweep at a time across instances
 * (a lease in Cosmos DB). `dryRun` lists what would fire and changes nothing.
 */
export async function sweepEscalations(
  ports: EscalationPorts,
  now: Date,
  { dryRun = false } = {},
): Promise<SweepResult> {
  const holder = randomUUID();
  if (
    !dryRun &&
    !(await ports.settings.takeLease("escalation-sweep", holder, new Date(), new Date(Date.now() + leaseMs)))
  ) {
    return { kind: "busy" };
  }
  try {
    const fired: Fired[] = [];
    const convertedToSchoolAge: string[] = [];
    const cases = [
      ...(await ports.cases.dueForCheck(now)),
      // An early-years case last written before the school-age clock existed may hold a check
      // weeks after it: checked now, so its check moves to the clock (once: then it is not late).
      ...(await ports.cases.openEarlyYearsNotDue(now)).filter((current) =>
        checkedTooLate(current, ports.clocks, now),
      ),
    ];
    for (const read of cases) {
      // First the case becomes school-age if its day has come: its clocks are then a school-age case's.
      const schoolAge = dryRun ? { current: read, converted: false } : await schoolAgeNow(ports, read, now);
      const { current } = schoolAge;
      if (!current) continue;
      if (schoolAge.converted) convertedToSchoolAge.push(current.id);
      const raising = unraised(current, ports.clocks, now);
      for (const level of raising) {
        fired.push({
          caseId: current.id,
          rule: level.rule,
          level: level.level,
          notify: level.notify,
          dueSince: level.at.toISOString(),
        });
        if (!dryRun) await notify(ports, current, level);
      }
      if (!dryRun) {
        // A change's posts that could not be queued when it was saved go now (keyed: once each).
        const owed = current.postsOwed;
        if (owed) await queueOwedPosts(ports.outbox, current);
        // Recorded on the case, so the next check moves on to what is not yet raised (and a
        // change saved meanwhile keeps the posts it owes).
        const keys = raising.map((level) => escalationKey(current.id, level));
        await ports.cases.update(current.id, (latest) => {
          if (!latest) return undefined;
          const { postsOwed, ...rest } = latest;
          const stillOwed = postsOwed && postsOwed.since !== owed?.since ? { postsOwed } : {};
          return withNextCheck(
            { ...rest, ...stillOwed, escalated: [...new Set([...(latest.escalated ?? []), ...keys])] },
            ports.clocks,
            now,
          );
        });
      }
    }
    return { kind: "swept", fired, checked: cases.length, convertedToSchoolAge };
  } finally {
    if (!dryRun) await ports.settings.releaseLease("escalation-sweep", holder);
  }
}

/**
 * Makes an early-years case whose child has reached compulsory school age a school-age case, under
 * its ETag: a sweep that finds it converted already (another sweep, a retry) changes nothing.
 * The converted case owes its card, which the sweep then queues like any owed post.
 */
async function schoolAgeNow(
  ports: EscalationPorts,
  read: Case,
  now: Date,
): Promise<{ current: Case | undefined; converted: boolean }> {
  if (!convertedAtSchoolAge(read, now)) return { current: read, converted: false };
  let converted = false;
  const current = await ports.cases.update(read.id, (latest) => {
    const next = latest && convertedAtSchoolAge(latest, now);
    converted = next !== undefined;
    return next && withNextCheck(next, ports.clocks, now);
  });
  return { current, converted };
}

/** Queues the escalation's card: to the channel (the owner and/or managers @mentioned), or the referrer's chat. */
async function notify(ports: EscalationPorts, current: Case, level: DueLevel): Promise<void> {
  const rule = ports.clocks.policy.rules[level.rule];
  const view = {
    title: rule.title,
    // A clock counted back to a date says the date.
    expects:
      level.rule === "earlyYearsSchoolAge"
        ? `${rule.expects} Compulsory school age starts on ${formatDate(ukDate(level.clockStart))}.`
        : rule.expects,
    level: level.level,
    dueSince: formatDateTime(level.at),
    notify: level.notify,
  };
  const key = escalationKey(current.id, level);
  if (level.notify === "referrer") {
    const question = current.infoRequests.at(-1);
    if (current.referrerConversation && question) {
      await ports.outbox.postPersonalCard(key, current.referrerConversation, "case-info-request", {
        reference: current.id,
        childName: `${current.referral.child.forenames} ${current.referral.child.surname}`,
        question: question.question,
        askedBy: question.askedBy.name,
        askedAt: `${formatDateTime(question.askedAt)} (a reminder: the CME team is still waiting)`,
        requestId: question.id,
        answered: false,
        answer: "",
      });
      return;
    }
  }
  await ports.outbox.postChannelCard(key, current.id, "escalation", view);
}
