import { compulsorySchoolAgeStarts, schoolAgeStanding } from "../referrals/school-age.js";
import type { ExtractRow, PupilRow, RowProblem } from "./read-extract.js";
import type { IsoDate } from "../shared/uk-dates.js";

/**
 * What an extract shows (issue 14): three lists, each a rule over one validated row and the
 * import date (a UK calendar date). A row may be on more than one list.
 */

import { extractLists, type ExtractList } from "../referrals/extract-referral.js";

export { extractLists, type ExtractList };

/** The first 31 March, 31 August or 31 December after a date (the days compulsory school age starts). */
export function nextSchoolAgeStart(after: IsoDate): IsoDate {
  const year = Number(after.slice(0, 4));
  const starts = [`${year}-03-31`, `${year}-08-31`, `${year}-12-31`, `${year + 1}-03-31`];
  return starts.find((start) => start > after)!;
}

/** A leaver whose destination is a school has a place to go to (a CTF code is no school). */
const leavingForSchool = (pupil: PupilRow) => pupil.destination?.kind === "school";

/**
 * Of compulsory school age on the day, and no school place: not on roll at a current
 * establishment, and not leaving for a school.
 */
export function isCompulsoryWithoutPlace(pupil: PupilRow, on: IsoDate): boolean {
  const onRollSomewhere = Boolean(pupil.currentEstablishment) && pupil.onRoll === true;
  return (
    schoolAgeStanding(pupil.dateOfBirth, on) === "compulsory" && !onRollSomewhere && !leavingForSchool(pupil)
  );
}

/**
 * Reaches compulsory school age on the next start date, with no school place or application
 * recorded. An extract records an application as the establishment the child is allocated to
 * (on roll N until they start), so any current establishment counts as a place or application.
 */
export function isRisingFiveWithoutPlace(pupil: PupilRow, on: IsoDate): boolean {
  return (
    compulsorySchoolAgeStarts(pupil.dateOfBirth) === nextSchoolAgeStart(on) &&
    !pupil.currentEstablishment &&
    !leavingForSchool(pupil)
  );
}

/** A CTF sent to the Lost Pupil Database (XXXXXXX, unknown) or as moved abroad (MMMMMMM). */
const ctfWithoutSchool = (pupil: PupilRow) =>
  pupil.destination?.kind === "ctf-unknown" || pupil.destination?.kind === "ctf-abroad";

/**
 * Left with no forwarding school: a leaving date and no destination, or a CTF sent to the Lost
 * Pupil Database (XXXXXXX, unknown; MMMMMMM, moved abroad), with or without a leaving date (the
 * CTF says the child left). Children past compulsory school age on the day are post-16
 * tracking's, not CME, and are left out.
 */
export function isLeaverWithoutForwardingSchool(pupil: PupilRow, on: IsoDate): boolean {
  const left = (pupil.dateLeft !== undefined && !leavingForSchool(pupil)) || ctfWithoutSchool(pupil);
  return left && schoolAgeStanding(pupil.dateOfBirth, on) !== "over";
}

const rules: Record<ExtractList, (pupil: PupilRow, on: IsoDate) => boolean> = {
  "compulsory-no-place": isCompulsoryWithoutPlace,
  "rising-fives": isRisingFiveWithoutPlace,
  "leavers-no-forwarding-school": isLeaverWithoutForwardingSchool,
};

export function listsOf(pupil: PupilRow, on: IsoDate): ExtractList[] {
  return extractLists.filter((list) => rules[list](pupil, on));
}

export interface Finding {
  readonly row: number;
  readonly pupil: PupilRow;
  readonly lists: readonly ExtractList[];
}

export interface ExtractFindings {
  readonly importDate: IsoDate;
  /** Data rows read (blank lines not counted), those that were valid, and those that were not. */
  readonly rows: { readonly read: number; readonly good: number; readonly bad: number };
  readonly counts: Readonly<Record<ExtractList, number>>;
  /** Only the rows on a list, in file order. */
  readonly findings: readonly Finding[];
  /** The first problems (maxProblems), and how many more there were. */
  readonly problems: readonly RowProblem[];
  readonly problemsLeftOut: number;
}

/**
 * Takes an extract's rows one at a time and keeps only what the import shows: the rows on a list,
 * the counts, and the first problems (a file of 200,000 bad rows is not held as 200,000 problems).
 */
export function extractFindings(importDate: IsoDate, maxProblems = 1000) {
  const rows = { read: 0, good: 0, bad: 0 };
  const counts = Object.fromEntries(extractLists.map((list) => [list, 0])) as Record<ExtractList, number>;
  const findings: Finding[] = [];
  const problems: RowProblem[] = [];
  let problemsLeftOut = 0;
  return {
    add(item: ExtractRow): void {
      rows.read += 1;
      if ("problems" in item) {
        rows.bad += 1;
        const room = Math.max(0, maxProblems - problems.length);
        problems.push(...item.problems.slice(0, room));
        problemsLeftOut += Math.max(0, item.problems.length - room);
        return;
      }
      rows.good += 1;
      const lists = listsOf(item.pupil, importDate);
      if (lists.length === 0) return;
      for (const list of lists) counts[list] += 1;
      findings.push({ row: item.row, pupil: item.pupil, lists });
    },
    result(): ExtractFindings {
      return { importDate, rows: { ...rows }, counts: { ...counts }, findings, problems, problemsLeftOut };
    },
  };
}
