import { caseStatuses, statusTitles } from "../cases/case.js";
import type { TermDates } from "../escalations/calendar.js";
import { formatDateTime } from "../shared/format.js";
import { openForLabel, overdueRows, type CaseRow } from "./case-lists.js";
import { dfeDurationLabels } from "./dfe-return.js";

export interface StatusFacts {
  /** Every open case, as a projected row. */
  readonly open: readonly CaseRow[];
  readonly closedCount: number;
  /** Cases escalated in the last 7 days. */
  readonly escalatedCount: number;
  /** Posts Teams would not take (given up after retrying). */
  readonly failedPosts: number;
  readonly termDates: TermDates;
  readonly now: Date;
  /** The UK date of `now`. */
  readonly today: string;
}

/** The owners shown by name on the chart; the rest are added up (the caseload lists them all). */
const ownersCharted = 12;

/** Whether the council's term dates speak for a day (else school-day clocks count it as a school day). */
export function termDatesCover(termDates: TermDates, day: string): boolean {
  return termDates.covers !== undefined && day >= termDates.covers.from && day <= termDates.covers.to;
}

/** How many rows have each label, every label present, in order (each row's label worked out once). */
function countsBy<T extends string>(
  labels: readonly T[],
  valueOf: (row: CaseRow) => T,
  rows: readonly CaseRow[],
) {
  const counts = new Map<string, number>(labels.map((label) => [label, 0]));
  for (const row of rows) {
    const label = valueOf(row);
    const count = counts.get(label);
    if (count !== undefined) counts.set(label, count + 1);
  }
  return labels.map((label) => ({ label, count: counts.get(label) ?? 0 }));
}

/** By owner, most open first; the owners past the chart's room as one bar; then the unassigned. */
function byOwner(rows: readonly CaseRow[]) {
  const counts = new Map<string, { label: string; count: number }>();
  for (const row of rows) {
    if (!row.owner) continue;
    const entry = counts.get(row.owner.id) ?? { label: row.owner.name, count: 0 };
    entry.count += 1;
    counts.set(row.owner.id, entry);
  }
  const owners = [...counts.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const rest = owners.slice(ownersCharted);
  return [
    ...owners.slice(0, ownersCharted),
    ...(rest.length > 0
      ? [{ label: `${rest.length} other officers`, count: rest.reduce((sum, each) => sum + each.count, 0) }]
      : []),
    { label: "Unassigned", count: rows.filter((row) => !row.owner).length },
  ];
}

/** A chart's bars ({x, y}) and the same numbers as facts for a client without charts. */
function bars(counts: readonly { label: string; count: number }[]) {
  return {
    bars: counts.map(({ label, count }) => ({ x: label, y: count })),
    facts: counts.map(({ label, count }) => ({ title: label, value: String(count) })),
  };
}

/** The status card: open cases by status, priority, owner and how long open; what needs attention. */
export function statusView(facts: StatusFacts) {
  const { open, now, today } = facts;
  const openStatuses = caseStatuses.filter((status) => status !== "closed");
  const priority = [
    { label: "Urgent", count: open.filter((row) => row.urgent).length },
    { label: "Normal", count: open.filter((row) => !row.urgent).length },
  ];
  const unassignedCount = open.filter((row) => !row.owner).length;
  return {
    openCount: open.length,
    unassignedCount,
    hasOpen: open.length > 0,
    byStatus: bars(
      countsBy(openStatuses, (row) => row.status, open).map(({ label, count }) => ({
        label: statusTitles[label],
        count,
      })),
    ),
    closedCount: String(facts.closedCount),
    byPriority: {
      slices: priority.map(({ label, count }) => ({ legend: label, value: count })),
      facts: priority.map(({ label, count }) => ({ title: label, value: String(count) })),
    },
    byOwner: bars(byOwner(open)),
    byDuration: bars(
      countsBy(
        dfeDurationLabels,
        (row) => openForLabel(row, today) as (typeof dfeDurationLabels)[number],
        open,
      ),
    ),
    attention: [
      { title: "Overdue now", value: String(overdueRows(open, now).length) },
      { title: "Escalated in the last 7 days", value: String(facts.escalatedCount) },
      {
        title: "Closures waiting for a manager's sign-off",
        value: String(open.filter((row) => row.pendingClosure).length),
      },
      { title: "Posts Teams would not take", value: String(facts.failedPosts) },
    ],
    failedPosts: facts.failedPosts,
    termDatesWarning: termDatesCover(facts.termDates, today)
      ? ""
      : "The council's term dates (config/term-dates.json) do not cover today: school-day clocks count every working day, so they run early.",
    asAt: formatDateTime(now),
  };
}
