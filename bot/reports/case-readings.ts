import type { Case, CaseStatus, ClockLevel } from "../cases/case.js";
import type { CaseRow, CaseSearch } from "./case-lists.js";
import type { TimelineRow } from "./dfe-return.js";
import type { ReportSource } from "./run-report.js";

export interface StatusCounts {
  readonly byStatus: Record<CaseStatus, number>;
  /** Open (not closed) cases with no owner. */
  readonly unassigned: number;
}

export type ReferralSummary = Pick<Case, "id" | "kind" | "reachedSchoolAge" | "status" | "submittedAt"> & {
  readonly forenames: string;
  readonly surname: string;
};

/** The levels of a case's clocks as it stands (the escalation policy's, for a row's overdue marks). */
export type LevelsOf = (current: Case) => ClockLevel[];

/**
 * What the lists, counts and reports read of the cases (bot/store implements it): projections
 * of a few fields each, never whole cases.
 */
export interface CaseReadings extends ReportSource {
  /** Each case's timeline, or only those that may have been open in the window (UK dates). */
  timelines(window?: { readonly from: string; readonly to: string }): Promise<TimelineRow[]>;
  /** A referrer's latest referrals, newest first. */
  referredBy(userId: string, limit?: number): Promise<ReferralSummary[]>;
  countSince(what: "submitted" | "closed", since: Date): Promise<number>;
  openRows(levelsOf: LevelsOf): Promise<CaseRow[]>;
  rowsFor(references: readonly string[], levelsOf: LevelsOf): Promise<CaseRow[]>;
  findRows(search: CaseSearch, levelsOf: LevelsOf, limit?: number): Promise<CaseRow[]>;
  closedCount(): Promise<number>;
  counts(): Promise<StatusCounts>;
}
