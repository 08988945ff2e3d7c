import type { Container, SqlQuerySpec } from "@azure/cosmos";
import { caseStatuses, type Case, type CaseStatus, type ClockLevel } from "../cases/case.js";
import { foldedName } from "../referrals/submitted-referral.js";
import { referralKindOf } from "../cases/school-age-conversion.js";
import { latestS2sSearch } from "../cases/s2s-search.js";
import type { CaseRow, CaseSearch } from "../reports/case-lists.js";
import { addDays } from "../escalations/calendar.js";
import { timelineOf, type CaseTimeline } from "../reports/case-timeline.js";
import type { TimelineRow } from "../reports/dfe-return.js";
import type { CaseRepository, StoredCase } from "../cases/case-repository.js";
import type { CaseReadings, LevelsOf, ReferralSummary, StatusCounts } from "../reports/case-readings.js";
import type { ClosureRow, ReceivedReferral, ReferralOnRow, StandingCaseRow } from "../reports/reports.js";
import { isCosmosError } from "./cosmos.js";
import { storeCall } from "./deadline.js";
import {
  ConcurrencyError,
  countWhere,
  createReturning,
  queryAll,
  read,
  replaceIfUnchanged,
  updateWithRetry,
  type Stored,
} from "./documents.js";

// Where the Teams edge has imported them from.
export type { LevelsOf, StoredCase };

/** Every write keeps the case's timeline beside it, so reports read a few fields, not the case. */
function withTimeline(current: Case): Case & { timeline: CaseTimeline } {
  return { ...current, timeline: timelineOf(current) };
}

type ReceivedProjection = Omit<ReceivedReferral, "further" | "riskFactors"> & {
  riskFactors?: string[];
  reachedSchoolAge?: Case["reachedSchoolAge"];
};

/** A case's clock levels worked out from the whole case (for cases stored before they were kept). */
/** The fields of a case the status and the lists read: never the answers or the history. */
const rowFields =
  "c.id, c.kind, c.status, c.urgent, c.submittedAt, c.cmeStartDate, c.owner, c.pendingClosure.at AS pendingClosureAt, c.closure.at AS closedAt, c.referral.school.dateLastAttended, c.referral.school.dateLeft, c.referral.child.forenames, c.referral.child.surname, c.clockLevels";

interface ProjectedRow {
  readonly id: string;
  readonly kind: Case["kind"];
  readonly status: CaseStatus;
  readonly urgent: boolean;
  readonly submittedAt: string;
  readonly cmeStartDate?: string;
  readonly dateLastAttended?: string;
  /** A case from a pupil extract has no date last attended: its Date Left stands for it. */
  readonly dateLeft?: string;
  readonly owner?: Case["owner"];
  readonly pendingClosureAt?: string;
  readonly closedAt?: string;
  readonly forenames?: string;
  readonly surname?: string;
  readonly clockLevels: ClockLevel[];
}

function rowOf(row: ProjectedRow): CaseRow {
  return {
    reference: row.id,
    kind: row.kind,
    status: row.status,
    urgent: row.urgent,
    submittedAt: row.submittedAt,
    cmeStartDate: row.cmeStartDate,
    dateLastAttended: row.dateLastAttended ?? row.dateLeft,
    owner: row.owner ? { id: row.owner.id, name: row.owner.name } : undefined,
    pendingClosure: row.pendingClosureAt !== undefined,
    closedAt: row.closedAt,
    child: [row.forenames, row.surname].filter(Boolean).join(" "),
    clockLevels: row.clockLevels,
  };
}

/** What `find` asks of the index: the reference, the UPN, or the folded surname that starts the name key. */
function searchWhere(search: CaseSearch): { where: string; value: string } {
  switch (search.by) {
    case "reference":
      return { where: "c.id = @value", value: search.reference };
    case "upn":
      return { where: "c.matchKeys.upn = @value", value: search.upn };
    case "surname":
      return {
        where: "STARTSWITH(c.matchKeys.nameAndBirth, @value)",
        value: `${foldedName(search.surname)}|`,
      };
  }
}

type WorkingLists = "furtherReferrals" | "enquiryLog" | "referralsOn" | "infoRequests";
/** A case as it may be stored: ones stored before the working lists existed lack them. */
type OlderCase = Omit<Case, WorkingLists> & Partial<Pick<Case, WorkingLists>>;

/** Cases stored before the working lists existed read as having none yet. */
function withWorkingLists(stored: Stored<OlderCase>): StoredCase {
  return { furtherReferrals: [], enquiryLog: [], referralsOn: [], infoRequests: [], ...stored };
}

export class CaseStore implements CaseRepository, CaseReadings {
  constructor(private readonly container: Container) {}

  async get(reference: string): Promise<StoredCase | undefined> {
    const stored = await read<OlderCase>(this.container, reference);
    return stored ? withWorkingLists(stored) : undefined;
  }

  /** Whole cases a query finds, read as `get` reads one. */
  private async whole(query: SqlQuerySpec): Promise<StoredCase[]> {
    return (await queryAll<Stored<OlderCase>>(this.container, query)).map(withWorkingLists);
  }

  /** Creates the case; if it exists already (a retried submission) the stored one is returned. */
  async create(newCase: Case): Promise<StoredCase> {
    const created = await createReturning(this.container, withTimeline(newCase));
    const stored = created ? withWorkingLists(created) : await this.get(newCase.id);
    if (!stored) throw new Error(`${newCase.id} vanished after it was created`);
    return stored;
  }

  replace(updated: Case, etag: string): Promise<StoredCase> {
    return replaceIfUnchanged(this.container, withTimeline(updated), etag);
  }

  /**
   * Every case's timeline, for the reports: a projection of the few fields they count, never the
   * answers or the history, in one query. Cases written before timelines were kept are read whole, once.
   */
  async timelines(window?: { readonly from: string; readonly to: string }): Promise<TimelineRow[]> {
    // A window leaves out, on indexed fields, what cannot have been open in it: cases referred
    // after it, and cases closed for good over a year before it (a year's margin for closures
    // recorded before sign-offs were dated at the sign-off). The report's rules decide the rest.
    const rows = await queryAll<{ id: string; timeline?: CaseTimeline }>(
      this.container,
      window
        ? {
            query:
              "SELECT c.id, c.timeline FROM c WHERE c.submittedAt < @referredBefore AND NOT (c.status = 'closed' AND c.closure.at < @closedBefore)",
            parameters: [
              { name: "@referredBefore", value: `${addDays(window.to, 2)}T00:00:00.000Z` },
              { name: "@closedBefore", value: `${addDays(window.from, -366)}T00:00:00.000Z` },
            ],
          }
        : { query: "SELECT c.id, c.timeline FROM c" },
    );
    return Promise.all(
      rows.map(async ({ id, timeline }) => {
        if (timeline) return { reference: id, timeline };
        const whole = await this.get(id);
        if (!whole) throw new Error(`${id} vanished while a report read it`);
        return { reference: id, timeline: timelineOf(whole) };
      }),
    );
  }

  async received(from: Date, until: Date): Promise<ReceivedReferral[]> {
    const parameters = [
      { name: "@from", value: from.toISOString() },
      { name: "@until", value: until.toISOString() },
    ];
    const [first, further] = await Promise.all([
      queryAll<ReceivedProjection>(this.container, {
        query:
          "SELECT c.id AS reference, c.submittedAt AS at, c.kind, c.reachedSchoolAge, c.referral.referrer.source, c.referral.school.school, c.referral.vulnerability.riskFactors FROM c WHERE c.submittedAt >= @from AND c.submittedAt < @until",
        parameters,
      }),
      queryAll<ReceivedProjection>(this.container, {
        query:
          "SELECT c.id AS reference, f.at, f.kind, f.referral.referrer.source, f.referral.school.school, f.referral.vulnerability.riskFactors FROM c JOIN f IN c.furtherReferrals WHERE f.at >= @from AND f.at < @until",
        parameters,
      }),
    ]);
    return [
      // Received as the form it was made on, whatever the case became since.
      ...first.map(({ reachedSchoolAge, ...row }) => ({
        ...row,
        kind: referralKindOf({ kind: row.kind, reachedSchoolAge }),
        further: false,
      })),
      ...further.map((row) => ({ ...row, further: true })),
    ];
  }

  referralsOnDated(from: string, to: string): Promise<ReferralOnRow[]> {
    return queryAll<ReferralOnRow>(this.container, {
      query:
        "SELECT c.id AS reference, r.service, r.date, (IS_STRING(r.outcome) AND LENGTH(TRIM(r.outcome)) > 0) AS outcomeRecorded FROM c JOIN r IN c.referralsOn WHERE r.date >= @from AND r.date <= @to",
      parameters: [
        { name: "@from", value: from },
        { name: "@to", value: to },
      ],
    });
  }

  closuresBetween(from: Date, until: Date): Promise<ClosureRow[]> {
    return queryAll<ClosureRow>(this.container, {
      query:
        "SELECT c.id AS reference, c.kind, c.submittedAt, e.at AS closedAt, e.outcome, e.reason, c.closure.outcome AS latestOutcome FROM c JOIN e IN c.events WHERE e.type = 'closed' AND e.at >= @from AND e.at < @until",
      parameters: [
        { name: "@from", value: from.toISOString() },
        { name: "@until", value: until.toISOString() },
      ],
    });
  }

  async mayBeOpenAt(at: Date): Promise<StandingCaseRow[]> {
    type Projected = Omit<StandingCaseRow, "timeline" | "lastEnquiry" | "lastS2sSearch"> & {
      timeline?: CaseTimeline;
      lastEnquiry?: StandingCaseRow["lastEnquiry"][];
      s2sSearches?: ({ type: string } & NonNullable<StandingCaseRow["lastS2sSearch"]>)[];
    };
    const rows = await queryAll<Projected>(this.container, {
      query:
        "SELECT c.id AS reference, c.referral.child.forenames, c.referral.child.surname, c.owner.name AS owner, c.referral.whatHappened.whatHappened, c.referral.extract.lists AS extractLists, c.referral.school.ctf, c.referral.school.destinationLa, c.referral.school.destinationCountry, c.referral.school.destinationSchool, c.referral.school.possibleDestination, ARRAY(SELECT VALUE f.referral.school.ctf FROM f IN c.furtherReferrals) AS furtherCtfs, c.timeline, ARRAY_SLICE(c.enquiryLog, -1) AS lastEnquiry, ARRAY(SELECT e.type, e.date, e.s2sResult, e.foundSchool, e.foundLa FROM e IN c.enquiryLog WHERE e.type = 's2s-lost-pupil') AS s2sSearches FROM c WHERE c.submittedAt < @at AND (c.status != 'closed' OR c.closure.at >= @at)",
      parameters: [{ name: "@at", value: at.toISOString() }],
    });
    return Promise.all(
      rows.map(async ({ timeline, lastEnquiry, s2sSearches, ...row }) => {
        const [enquiry] = lastEnquiry ?? [];
        const search = latestS2sSearch(s2sSearches ?? []);
        // A case written before timelines were kept is read whole, once.
        const kept = timeline ?? (await this.get(row.reference).then((whole) => whole && timelineOf(whole)));
        if (!kept) throw new Error(`${row.reference} vanished while a report read it`);
        return {
          ...row,
          timeline: kept,
          ...(enquiry
            ? { lastEnquiry: { date: enquiry.date, type: enquiry.type, outcome: enquiry.outcome } }
            : {}),
          ...(search ? { lastS2sSearch: search } : {}),
        };
      }),
    );
  }

  /** Open cases for the same child: the same UPN, or the same name and date of birth. */
  async openMatches(keys: Case["matchKeys"]): Promise<StoredCase[]> {
    return (await this.forChild(keys)).filter((current) => current.status !== "closed");
  }

  /** Cases with a clock due by a time (the escalation sweep: an indexed query on nextCheckAt). */
  async dueForCheck(by: Date): Promise<StoredCase[]> {
    const resources = await this.whole({
      query: "SELECT * FROM c WHERE c.nextCheckAt <= @by",
      parameters: [{ name: "@by", value: by.toISOString() }],
    });
    return resources;
  }

  /** Open early-years cases whose check is after a time (the sweep puts right one stored too late). */
  async openEarlyYearsNotDue(by: Date): Promise<StoredCase[]> {
    return this.whole({
      query: "SELECT * FROM c WHERE c.kind = 'early-years' AND c.status != 'closed' AND c.nextCheckAt > @by",
      parameters: [{ name: "@by", value: by.toISOString() }],
    });
  }

  /** Every case for a child, open or closed (a subject access request). */
  async forChild(keys: Case["matchKeys"]): Promise<StoredCase[]> {
    const resources = await this.whole({
      query:
        "SELECT * FROM c WHERE c.matchKeys.nameAndBirth = @nameAndBirth OR (IS_DEFINED(@upn) AND c.matchKeys.upn = @upn)",
      parameters: [
        { name: "@nameAndBirth", value: keys.nameAndBirth },
        { name: "@upn", value: keys.upn ?? null },
      ],
    });
    return resources.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  }

  /** The cases a person referred (or recorded), newest first. */
  async referredBy(userId: string, limit = 20): Promise<ReferralSummary[]> {
    const resources = await queryAll<ReferralSummary>(this.container, {
      query:
        "SELECT TOP @limit c.id, c.kind, c.reachedSchoolAge, c.status, c.submittedAt, c.referral.child.forenames, c.referral.child.surname FROM c WHERE c.referrer.id = @userId ORDER BY c.submittedAt DESC",
      parameters: [
        { name: "@limit", value: limit },
        { name: "@userId", value: userId },
      ],
    });
    return resources;
  }

  /** Changes a case under its ETag, retrying against the fresh case; `change` returns undefined to leave it. */
  update(reference: string, change: (current: StoredCase | undefined) => Case | undefined) {
    return updateWithRetry<Case>(this.container, reference, (current) => {
      const next = change(current);
      return next && withTimeline(next);
    });
  }

  /** Closed cases that closed before a time and still hold personal data (for the retention sweep). */
  async pastRetention(closedBefore: Date): Promise<StoredCase[]> {
    const resources = await this.whole({
      query:
        "SELECT * FROM c WHERE c.status = 'closed' AND c.closure.at <= @cutoff AND NOT IS_DEFINED(c.anonymisedAt)",
      parameters: [{ name: "@cutoff", value: closedBefore.toISOString() }],
    });
    return resources;
  }

  /** Deletes a case, only at the version read. */
  async remove(reference: string, etag: string): Promise<void> {
    try {
      await storeCall((abortSignal) =>
        this.container
          .item(reference, reference)
          .delete({ accessCondition: { type: "IfMatch", condition: etag }, abortSignal }),
      );
    } catch (error) {
      if (isCosmosError(error, 412)) throw new ConcurrencyError(reference);
      if (!isCosmosError(error, 404)) throw error;
    }
  }

  /** Every open case (the daily digest counts the overdue ones; a few hundred at a council). */
  async open(): Promise<StoredCase[]> {
    const resources = await this.whole({
      query: "SELECT * FROM c WHERE c.status != 'closed'",
    });
    return resources;
  }

  /** How many cases were submitted, or closed, since a time. */
  async countSince(what: "submitted" | "closed", since: Date): Promise<number> {
    const field = what === "submitted" ? "c.submittedAt" : "c.closure.at";
    return countWhere(this.container, `${field} >= @since`, [{ name: "@since", value: since.toISOString() }]);
  }

  /** Every open case as a row (the status card, overdue, caseload). */
  openRows(levelsOf: LevelsOf): Promise<CaseRow[]> {
    return this.rows("c.status != 'closed'", [], levelsOf);
  }

  /** These cases as rows, open or closed (the escalated list). */
  rowsFor(references: readonly string[], levelsOf: LevelsOf): Promise<CaseRow[]> {
    if (references.length === 0) return Promise.resolve([]);
    return this.rows(
      "ARRAY_CONTAINS(@references, c.id)",
      [{ name: "@references", value: [...references] }],
      levelsOf,
    );
  }

  /** Cases by reference, UPN or surname (`find`), at most `limit`. */
  findRows(search: CaseSearch, levelsOf: LevelsOf, limit = 500): Promise<CaseRow[]> {
    const { where, value } = searchWhere(search);
    return this.rows(where, [{ name: "@value", value }], levelsOf, limit);
  }

  /**
   * Rows by one projection (each query reads every case: one, not one per kind of document).
   * A case written before clock levels were kept is read whole for them (it is kept as it is next written).
   */
  private async rows(
    where: string,
    parameters: { name: string; value: string | string[] }[],
    levelsOf: LevelsOf,
    limit?: number,
  ): Promise<CaseRow[]> {
    const top = limit === undefined ? "" : `TOP ${Math.floor(limit)} `;
    const projected = await queryAll<Omit<ProjectedRow, "clockLevels"> & { clockLevels?: ClockLevel[] }>(
      this.container,
      { query: `SELECT ${top}${rowFields} FROM c WHERE ${where}`, parameters },
    );
    return Promise.all(
      projected.map(async ({ clockLevels, ...row }) => {
        if (clockLevels) return rowOf({ ...row, clockLevels });
        const whole = await this.get(row.id);
        if (!whole) throw new Error(`${row.id} vanished while it was listed`);
        return rowOf({ ...row, clockLevels: levelsOf(whole) });
      }),
    );
  }

  /** How many cases are closed (the status card's one count of closed cases). */
  closedCount(): Promise<number> {
    return this.count("c.status = @status", "closed");
  }

  async counts(): Promise<StatusCounts> {
    // One COUNT per status: GROUP BY is not available on every Cosmos we run against.
    const entries = await Promise.all(
      caseStatuses.map(async (status) => [status, await this.count("c.status = @status", status)] as const),
    );
    const unassigned = await this.count("c.status != @status AND NOT IS_DEFINED(c.owner)", "closed");
    return { byStatus: Object.fromEntries(entries) as Record<CaseStatus, number>, unassigned };
  }

  private count(where: string, status: string): Promise<number> {
    return countWhere(this.container, where, [{ name: "@status", value: status }]);
  }
}
