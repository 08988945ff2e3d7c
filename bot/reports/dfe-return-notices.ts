import { addDays, addWorkingDays, type Calendar } from "../escalations/calendar.js";
import type { Outbox } from "../outbox/outbox.js";
import { formatDate } from "../shared/format.js";
import type { CaseReadings } from "./case-readings.js";
import type { OutboxRepository } from "../outbox/outbox-repository.js";
import { censusDays, type CensusDates } from "./census-dates.js";
import { defaultYearFor, dfeReturn, dfeReturnWindow } from "./dfe-return.js";
import { ukDate } from "../shared/uk-dates.js";

export interface DfeReturnNotice {
  /** Names the message: each is sent once. */
  readonly key: string;
  readonly kind: "census" | "reminder";
  readonly census: string;
  readonly due: string;
}

/**
 * The return comes to the managers: on the working day after each census day, and once more a
 * week before it is due; either is still sent late (a bot that was down) until the due date.
 */
export function dfeReturnNoticesDue(
  dates: CensusDates,
  calendar: Calendar,
  today: string,
): DfeReturnNotice[] {
  return censusDays(dates).flatMap((census) => {
    const due = addDays(census, 7 * dates.dueWeeksAfter);
    if (today > due) return [];
    const notices: DfeReturnNotice[] = [];
    if (today >= addWorkingDays(calendar, census, 1))
      notices.push({ key: `dfe-return|${census}|census`, kind: "census", census, due });
    if (today >= addDays(due, -7))
      notices.push({ key: `dfe-return|${census}|reminder`, kind: "reminder", census, due });
    return notices;
  });
}

export interface DfeReturnNoticePorts {
  readonly cases: Pick<CaseReadings, "timelines">;
  readonly outboxStore: OutboxRepository;
  readonly outbox: Outbox;
  readonly calendar: Calendar;
  readonly censusDates: CensusDates;
}

/** Queues the notices due now that were not queued before: the return's total, what to put right, the due date. */
export async function queueDfeReturnNotices(ports: DfeReturnNoticePorts, now: Date): Promise<number> {
  const waiting = [];
  for (const notice of dfeReturnNoticesDue(ports.censusDates, ports.calendar, ukDate(now))) {
    if (!(await ports.outboxStore.has(`channel-card|${notice.key}`))) waiting.push(notice);
  }
  if (waiting.length === 0) return 0;
  for (const notice of waiting) {
    const year = defaultYearFor(notice.census);
    const timelines = await ports.cases.timelines(dfeReturnWindow(notice.census, year));
    const result = dfeReturn(timelines, notice.census, year);
    await ports.outbox.postChannelCard(notice.key, "", "dfe-return-due", {
      title:
        notice.kind === "census"
          ? `DfE CME return: census day ${formatDate(notice.census)}`
          : `DfE CME return due in a week (census day ${formatDate(notice.census)})`,
      census: notice.census,
      censusDayTotal: String(result.censusDayTotal),
      dataQualityCount: String(result.dataQuality.length),
      due: formatDate(notice.due),
    });
  }
  return waiting.length;
}
