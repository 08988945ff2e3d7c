import { addDays, londonInstant, type Calendar } from "../escalations/calendar.js";
import {
  leaversReport,
  longRunningReport,
  outcomesReport,
  reachedSchoolAgeReport,
  referralsOnReport,
  referralsReport,
  timeToCloseReport,
  type ClosureRow,
  type Period,
  type ReceivedReferral,
  type ReferralOnRow,
  type Report,
  type ReportName,
  type StandingCaseRow,
} from "./reports.js";

/** The projections the reports read (the case store's): a few fields per case, never whole cases. */
export interface ReportSource {
  /** Referrals (first and further) received from `from` up to, not including, `until`. */
  received(from: Date, until: Date): Promise<ReceivedReferral[]>;
  /** Referrals on dated between two UK dates, both included. */
  referralsOnDated(from: string, to: string): Promise<ReferralOnRow[]>;
  /** Every closure (a case's `closed` event) from `from` up to, not including, `until`. */
  closuresBetween(from: Date, until: Date): Promise<ClosureRow[]>;
  /** Every case that may have been open at `at`: submitted before it, and open now or closed after it. */
  mayBeOpenAt(at: Date): Promise<StandingCaseRow[]>;
}

export interface ReportSettings {
  readonly calendar: Calendar;
  readonly closeTargetWorkingDays: number;
}

/** Runs one report over a period (UK dates, both included). */
export async function runReport(
  source: ReportSource,
  name: ReportName,
  period: Period,
  settings: ReportSettings,
): Promise<Report> {
  const start = londonInstant(period.from, 0);
  const end = londonInstant(addDays(period.to, 1), 0);
  switch (name) {
    case "referrals":
      return referralsReport(period, await source.received(start, end));
    case "referrals-on":
      return referralsOnReport(period, await source.referralsOnDated(period.from, period.to));
    case "outcomes":
      return outcomesReport(period, await source.closuresBetween(start, end));
    case "time-to-close":
      return timeToCloseReport(
        period,
        await source.closuresBetween(start, end),
        settings.calendar,
        settings.closeTargetWorkingDays,
      );
    case "long-running":
      return longRunningReport(period, await source.mayBeOpenAt(end));
    case "leavers":
      return leaversReport(period, await source.mayBeOpenAt(end));
    case "reached-school-age":
      return reachedSchoolAgeReport(period, await source.mayBeOpenAt(end));
  }
}
