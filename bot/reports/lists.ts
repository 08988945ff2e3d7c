import type { TermDates } from "../escalations/calendar.js";
import { clockLevelsOf, type Clocks } from "../escalations/due.js";
import { formatDateTime } from "../shared/format.js";
import type { OutboxRepository } from "../outbox/outbox-repository.js";
import type { CaseReadings, LevelsOf } from "./case-readings.js";
import {
  caseListView,
  caseloadOf,
  caseloadView,
  caseRowView,
  caseSearchOf,
  foundRows,
  overdueRows,
  overdueRowView,
  pageOf,
  type ListRequest,
} from "./case-lists.js";
import { statusView } from "./status.js";

/** The CME team's picture of its work: the status card's facts and the lists of cases it acts on. */

export interface ListSources {
  readonly cases: Pick<CaseReadings, "openRows" | "rowsFor" | "findRows" | "closedCount">;
  readonly outbox: Pick<OutboxRepository, "escalationsListSince" | "countByState">;
}

export interface ListSettings {
  readonly now: Date;
  readonly clocks: Clocks;
}

const escalatedWithinDays = 7;

const levelsOf =
  (clocks: Clocks): LevelsOf =>
  (current) =>
    clockLevelsOf(current, clocks);

/** The cases escalated in the last days, latest first, each with its latest escalation. */
async function escalatedCases(outbox: ListSources["outbox"], now: Date) {
  const since = new Date(now.getTime() - escalatedWithinDays * 86_400_000);
  const latest = new Map<string, { rule: string; level: number; at: string }>();
  for (const each of await outbox.escalationsListSince(since)) {
    const seen = latest.get(each.caseId);
    if (!seen || seen.at < each.at) latest.set(each.caseId, each);
  }
  return [...latest].sort(([, a], [, b]) => b.at.localeCompare(a.at));
}

/** The status card's view: open cases by status, priority, owner and age; escalated, failed posts. */
export async function statusOf(
  sources: ListSources,
  settings: ListSettings & { readonly termDates: TermDates; readonly today: string },
) {
  const { now } = settings;
  const [open, closedCount, escalated, failedPosts] = await Promise.all([
    sources.cases.openRows(levelsOf(settings.clocks)),
    sources.cases.closedCount(),
    escalatedCases(sources.outbox, now),
    sources.outbox.countByState("failed"),
  ]);
  return statusView({
    open,
    closedCount,
    escalatedCount: escalated.length,
    failedPosts,
    termDates: settings.termDates,
    now,
    today: settings.today,
  });
}

/** A list's card: its template and view, for the page asked. */
export type ListCard =
  | { readonly template: "case-list"; readonly view: ReturnType<typeof caseListView> }
  | { readonly template: "caseload"; readonly view: ReturnType<typeof caseloadView> };

/** A page of the list asked for (`overdue`, `escalated`, `caseload`, an officer's, `unassigned`, `find`). */
export async function listOf(
  sources: ListSources,
  request: ListRequest,
  page: number,
  { now, clocks }: ListSettings,
): Promise<ListCard> {
  const { cases } = sources;
  const rules = clocks.policy.rules;
  const titleOf = (rule: string, level: number) =>
    `${rules[rule as keyof typeof rules]?.title ?? rule}${level > 1 ? ` (level ${level})` : ""}`;
  const listed = (title: string, shown: Parameters<typeof caseListView>[2], empty: string): ListCard => ({
    template: "case-list",
    view: caseListView(title, request, shown, empty),
  });
  switch (request.list) {
    case "overdue": {
      const shown = pageOf(overdueRows(await cases.openRows(levelsOf(clocks)), now), page);
      const items = shown.items.map((row) => overdueRowView(row, now, titleOf));
      return listed("Overdue", { ...shown, items }, "Nothing is overdue.");
    }
    case "escalated": {
      const shown = pageOf(await escalatedCases(sources.outbox, now), page);
      const references = shown.items.map(([caseId]) => caseId);
      const rows = new Map(
        (await cases.rowsFor(references, levelsOf(clocks))).map((row) => [row.reference, row]),
      );
      const items = shown.items.flatMap(([caseId, { rule, level, at }]) => {
        const row = rows.get(caseId);
        return row ? [caseRowView(row, `${titleOf(rule, level)} escalated ${formatDateTime(at)}`)] : [];
      });
      return listed(
        `Escalated in the last ${escalatedWithinDays} days`,
        { ...shown, items },
        "Nothing was escalated.",
      );
    }
    case "caseload":
      return {
        template: "caseload",
        view: caseloadView(caseloadOf(await cases.openRows(levelsOf(clocks)), now), page),
      };
    case "owner":
    case "unassigned": {
      const rows = (await cases.openRows(levelsOf(clocks)))
        .filter((row) => (request.list === "owner" ? row.owner?.id === request.officer : !row.owner))
        .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
      const shown = pageOf(rows, page);
      const title =
        request.list === "owner"
          ? `Open cases of ${rows[0]?.owner?.name ?? "this officer"}`
          : "Unassigned cases";
      return listed(title, { ...shown, items: shown.items.map((row) => caseRowView(row)) }, "None open.");
    }
    case "find": {
      const search = caseSearchOf(request.search);
      const rows = search ? foundRows(await cases.findRows(search, levelsOf(clocks))) : [];
      const shown = pageOf(rows, page);
      return listed(
        `Cases for '${request.search}'`,
        { ...shown, items: shown.items.map((row) => caseRowView(row)) },
        "No case matches: try the surname as referred, the UPN, or the reference.",
      );
    }
  }
}
