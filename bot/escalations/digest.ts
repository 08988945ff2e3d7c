import type { Case } from "../cases/case.js";
import { outcomeChoices } from "../cases/choices.js";
import type { CaseRepository } from "../cases/case-repository.js";
import type { CaseReadings } from "../reports/case-readings.js";
import type { OutboxRepository } from "../outbox/outbox-repository.js";
import type { Settings } from "../settings.js";
import type { Outbox } from "../outbox/outbox.js";
import { formatDateTime } from "../shared/format.js";
import { addDays, londonInstant, type Calendar } from "./calendar.js";
import { due, type Clocks } from "./due.js";
import { titleOf } from "../shared/choice.js";
import { ukDate } from "../shared/uk-dates.js";

export interface DigestPorts {
  readonly cases: CaseRepository & Pick<CaseReadings, "countSince">;
  readonly outboxStore: OutboxRepository;
  readonly settings: Settings;
  readonly outbox: Outbox;
  readonly clocks: Clocks;
}

/** The previous working day's digest time: what "since the last digest" means. */
export function previousDigestTime(calendar: Calendar, date: string, hours: number): Date {
  let previous = addDays(date, -1);
  while (!calendar.isWorkingDay(previous)) previous = addDays(previous, -1);
  return londonInstant(previous, hours);
}

/** A closure waiting for sign-off in one line: the outcome, who asked and when (no child's details). */
function signOffLine(pending: NonNullable<Case["pendingClosure"]>): string {
  return `${titleOf(outcomeChoices, pending.outcome)}: asked by ${pending.by.name}, ${formatDateTime(pending.at)}`;
}

/**
 * On a working day, once the configured UK time has passed, queues one digest card for the
 * channel: new, closed and escalated since the last one, and what is overdue and unassigned now.
 * Keyed by the date, so it goes once however many instances or sweeps run.
 */
export async function postDailyDigest(
  ports: DigestPorts,
  at: { hour: number; minute: number },
  now: Date,
): Promise<boolean> {
  const today = ukDate(now);
  const hours = at.hour + at.minute / 60;
  if (!ports.clocks.calendar.isWorkingDay(today) || now < londonInstant(today, hours)) return false;
  if ((await ports.settings.lastDigest()) === today) return false;
  const since = previousDigestTime(ports.clocks.calendar, today, hours);
  const [submitted, closed, escalated, open] = await Promise.all([
    ports.cases.countSince("submitted", since),
    ports.cases.countSince("closed", since),
    ports.outboxStore.escalationsSince(since),
    ports.cases.open(),
  ]);
  const overdue = open.filter((current) => due(current, ports.clocks, now).due.length > 0);
  // Listed every day until a manager signs each off or sends it back.
  const awaitingSignOff = open.filter((current) => current.pendingClosure);
  const view = {
    date: today,
    since: formatDateTime(since),
    // Strings: a FactSet's values are text.
    newCount: String(submitted),
    closedCount: String(closed),
    escalatedCount: String(escalated),
    overdueCount: String(overdue.length),
    unassignedCount: String(open.filter((current) => !current.owner).length),
    openCount: String(open.length),
    signOffCount: String(awaitingSignOff.length),
    awaitingSignOff: awaitingSignOff.slice(0, 20).map((current) => ({
      reference: current.id,
      asked: signOffLine(current.pendingClosure!),
    })),
    overdue: overdue
      .slice(0, 20)
      .map((current) => ({ reference: current.id, owner: current.owner?.name ?? "Unassigned" })),
  };
  await ports.outbox.postChannelCard(`digest|${today}`, "", "digest", view);
  await ports.settings.setLastDigest(today);
  return true;
}
