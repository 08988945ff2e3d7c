import { formatDate } from "../shared/format.js";
import type { BreakdownTopic, DfeReturn, Measure } from "./dfe-return.js";

/** How many of the cases to put right the card lists (the rest are counted). */
const dataQualityRowsShown = 10;

function topicsOf(result: DfeReturn, measure: Measure) {
  const topics: BreakdownTopic[] = ["Sex", "Year group", "Duration", "Reason"];
  return topics
    .map((topic) => ({
      topic,
      rows: result.rows
        .filter((row) => row.measure === measure && row.topic === topic)
        .map((row) => ({ label: row.breakdown, count: String(row.count) })),
    }))
    .filter((topic) => topic.rows.length > 0);
}

/** The return as a card: both measures' tables, the durations as a chart, and what to put right. */
export function dfeReturnView(result: DfeReturn) {
  return {
    census: formatDate(result.censusDate),
    censusDate: result.censusDate,
    year: result.year.label,
    yearFrom: formatDate(result.year.from),
    yearTo: formatDate(result.year.to),
    censusDayTotal: String(result.censusDayTotal),
    anyTimeTotal: String(result.anyTimeTotal),
    censusDay: topicsOf(result, "census_day"),
    anyTime: topicsOf(result, "any_time_in_year"),
    durations: result.rows
      .filter((row) => row.measure === "census_day" && row.topic === "Duration")
      .map((row) => ({ x: row.breakdown, y: row.count })),
    dataQualityCount: result.dataQuality.length,
    dataQuality: result.dataQuality.slice(0, dataQualityRowsShown).map((issue) => ({
      reference: issue.reference,
      problems: issue.problems.join("; "),
    })),
    dataQualityMore: Math.max(0, result.dataQuality.length - dataQualityRowsShown),
  };
}
