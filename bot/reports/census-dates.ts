import { z } from "zod";
import { isoDate, readChecked } from "../escalations/files.js";
import { academicYearNamed, defaultYearFor, type AcademicYear } from "./dfe-return.js";
import { isIsoDate } from "../shared/uk-dates.js";

const terms = ["autumn", "spring", "summer"] as const;

const censusDatesSchema = z.object({
  source: z.string().min(1),
  /** The return is due this many weeks after each census day (policy). */
  dueWeeksAfter: z.number().int().positive().default(4),
  years: z.array(
    z
      .object({ year: z.string(), autumn: isoDate, spring: isoDate, summer: isoDate })
      .superRefine((entry, ctx) => {
        const year = academicYearNamed(entry.year);
        if (!year) {
          ctx.addIssue({ code: "custom", path: ["year"], message: "must be an academic year, like 2026/27" });
          return;
        }
        for (const term of terms) {
          if (entry[term] < year.from || entry[term] > year.to)
            ctx.addIssue({ code: "custom", path: [term], message: `is not in ${entry.year}` });
        }
        if (!(entry.autumn < entry.spring && entry.spring < entry.summer))
          ctx.addIssue({ code: "custom", message: "autumn, spring and summer census days go in that order" });
      }),
  ),
});
export type CensusDates = z.infer<typeof censusDatesSchema>;

export const readCensusDates = (path: string): CensusDates =>
  readChecked(path, censusDatesSchema, "The census dates");

/** Every census day, oldest first. */
export function censusDays(dates: CensusDates): string[] {
  return dates.years.flatMap((entry) => terms.map((term) => entry[term])).sort();
}

/** The latest census day on or before a day, if the file reaches back that far. */
export function latestCensusOnOrBefore(dates: CensusDates, day: string): string | undefined {
  return censusDays(dates)
    .filter((census) => census <= day)
    .at(-1);
}

export type DfeReturnRequest =
  | { readonly ok: true; readonly censusDate: string; readonly year: AcademicYear }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads what a person asked for (a census date and an academic year, either left out) as a
 * return to run: without a date, the latest census day on or before today.
 */
export function dfeReturnRequest(
  dates: CensusDates,
  today: string,
  census: string | undefined,
  yearLabel: string | undefined,
): DfeReturnRequest {
  if (census !== undefined && !isIsoDate(census))
    return { ok: false, problem: `${census} is not a date: give the census date as YYYY-MM-DD.` };
  const censusDate = census ?? latestCensusOnOrBefore(dates, today);
  if (!censusDate)
    return {
      ok: false,
      problem: "No census date on or before today is in config/census-dates.json: give one as YYYY-MM-DD.",
    };
  if (censusDate > today)
    return { ok: false, problem: `${censusDate} is after today: the return counts what happened.` };
  if (yearLabel === undefined) return { ok: true, censusDate, year: defaultYearFor(censusDate) };
  const year = academicYearNamed(yearLabel);
  if (!year) return { ok: false, problem: `${yearLabel} is not an academic year: write it like 2025/26.` };
  if (year.from > censusDate) return { ok: false, problem: `${yearLabel} starts after ${censusDate}.` };
  return { ok: true, censusDate, year: year.to > censusDate ? { ...year, to: censusDate } : year };
}
