import { statusTitles, type CaseStatus, type ClockLevel } from "../cases/case.js";
import type { RuleId } from "../escalations/policy.js";
import { formatDateTime } from "../shared/format.js";
import type { ReferralKind } from "../referrals/draft.js";
import { durationLabel } from "./dfe-return.js";
import { ukDate } from "../shared/uk-dates.js";

/**
 * The few fields of a case that the managers' status and the lists read (a projection: never
 * the answers or the history), and the pure rules that group, sort and page them.
 */
export interface CaseRow {
  readonly reference: string;
  readonly kind: ReferralKind;
  readonly status: CaseStatus;
  readonly urgent: boolean;
  readonly submittedAt: string;
  readonly cmeStartDate?: string | undefined;
  readonly dateLastAttended?: string | undefined;
  readonly owner?: { readonly id: string; readonly name: string } | undefined;
  /** An officer's closure waiting for a manager's sign-off. */
  readonly pendingClosure: boolean;
  readonly closedAt?: string | undefined;
  /** The child's name as referred (lists in personal chat only). */
  readonly child: string;
  readonly clockLevels: readonly ClockLevel[];
}

/** What the person searched for, as `find` reads it. */
export type CaseSearch =
  | { readonly by: "reference"; readonly reference: string }
  | { readonly by: "upn"; readonly upn: string }
  | { readonly by: "surname"; readonly surname: string };

/** "CME-2026-00042", a UPN (a letter and 12 characters), or else a surname (case-blind). */
export function caseSearchOf(words: string): CaseSearch | undefined {
  const text = words.trim();
  if (!text) return undefined;
  if (/^cme-\d{4}-\d{5}$/i.test(text)) return { by: "reference", reference: text.toUpperCase() };
  if (/^[a-z]\d{11}[0-9a-z]$/i.test(text)) return { by: "upn", upn: text.toUpperCase() };
  return { by: "surname", surname: text };
}

/** How long the child has been missing, in the DfE's bands, as the return counts it: from the CME start date, before triage the date last attended. */
export function openForLabel(row: CaseRow, today: string): string {
  return durationLabel(row.cmeStartDate ?? row.dateLastAttended ?? ukDate(row.submittedAt), today);
}

/** The levels of a case's clocks whose time has come (acknowledged or not: what is overdue). */
export function overdueLevels(row: CaseRow, now: Date): ClockLevel[] {
  return row.clockLevels.filter((level) => new Date(level.at) <= now);
}

/** Overdue cases, most overdue first (the earliest level due), then by reference. */
export function overdueRows(rows: readonly CaseRow[], now: Date): CaseRow[] {
  // Each row's earliest overdue level worked out once, not at every comparison of the sort.
  return rows
    .flatMap((row) => {
      const since = overdueLevels(row, now)[0]?.at;
      return row.status !== "closed" && since !== undefined ? [{ row, since }] : [];
    })
    .sort((a, b) => a.since.localeCompare(b.since) || a.row.reference.localeCompare(b.row.reference))
    .map(({ row }) => row);
}

export interface OfficerLoad {
  readonly officerId: string;
  readonly name: string;
  readonly open: number;
  readonly urgent: number;
  readonly overdue: number;
}

export interface Caseload {
  readonly officers: readonly OfficerLoad[];
  readonly unassigned: Omit<OfficerLoad, "officerId" | "name">;
}

/** Per officer: open, urgent and overdue cases (most open first); then the unassigned. */
export function caseloadOf(rows: readonly CaseRow[], now: Date): Caseload {
  const open = rows.filter((row) => row.status !== "closed");
  const tally = (cases: readonly CaseRow[]) => ({
    open: cases.length,
    urgent: cases.filter((row) => row.urgent).length,
    overdue: cases.filter((row) => overdueLevels(row, now).length > 0).length,
  });
  const byOfficer = new Map<string, { name: string; cases: CaseRow[] }>();
  for (const row of open) {
    if (!row.owner) continue;
    const entry = byOfficer.get(row.owner.id) ?? { name: row.owner.name, cases: [] };
    entry.cases.push(row);
    byOfficer.set(row.owner.id, entry);
  }
  const officers = [...byOfficer].map(([officerId, { name, cases }]) => ({
    officerId,
    name,
    ...tally(cases),
  }));
  return {
    officers: officers.sort((a, b) => b.open - a.open || a.name.localeCompare(b.name)),
    unassigned: tally(open.filter((row) => !row.owner)),
  };
}

/** What `find` shows: open cases first (newest first), then closed ones (latest closed first). */
export function foundRows(rows: readonly CaseRow[]): CaseRow[] {
  const open = rows.filter((row) => row.status !== "closed");
  const closed = rows.filter((row) => row.status === "closed");
  return [
    ...open.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)),
    ...closed.sort((a, b) => (b.closedAt ?? "").localeCompare(a.closedAt ?? "")),
  ];
}

export const pageSize = 10;

export interface Page<T> {
  readonly items: readonly T[];
  /** 0 for the first. */
  readonly page: number;
  readonly pages: number;
  readonly total: number;
}

/** One page of a list (a page past the end shows the last). */
export function pageOf<T>(items: readonly T[], page: number, size = pageSize): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(shown * size, (shown + 1) * size), page: shown, pages, total: items.length };
}

/** Which list a card shows, as its Next/Previous buttons carry it. */
export type ListRequest =
  | { readonly list: "overdue" | "escalated" | "unassigned" | "caseload" }
  | { readonly list: "owner"; readonly officer: string }
  | { readonly list: "find"; readonly search: string };

/** A rule level's name, as the policy titles it. */
export type LevelTitle = (rule: RuleId, level: number) => string;

export interface ListRowView {
  readonly reference: string;
  readonly child: string;
  readonly line: string;
}

/** The card of a page of cases: each row opens its case; Previous/Next carry the list asked for. */
export function caseListView(title: string, request: ListRequest, page: Page<ListRowView>, empty: string) {
  return {
    title,
    summary:
      page.total === 0
        ? empty
        : `${page.total} case${page.total === 1 ? "" : "s"}${page.pages > 1 ? `, page ${page.page + 1} of ${page.pages}` : ""}`,
    rows: page.items,
    ...pagingOf(request, page),
  };
}

function pagingOf(request: ListRequest, page: Page<unknown>) {
  return {
    hasPrevious: page.page > 0,
    hasNext: page.page < page.pages - 1,
    previous: { ...request, page: page.page - 1 },
    next: { ...request, page: page.page + 1 },
  };
}

/** A list's rows are kept short so a page of them always fits a card: the case card shows everything. */
const shortened = (text: string, length: number) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;
const childShown = (row: CaseRow) => shortened(row.child, 80);
const ownerName = (row: CaseRow) => shortened(row.owner?.name ?? "Unassigned", 60);
const levelsShown = 2;
const statusWords = (row: CaseRow) =>
  `${statusTitles[row.status]}${row.pendingClosure ? " (closure waiting for sign-off)" : ""}${row.urgent ? ", urgent" : ""}`;

/** An overdue case's row: what is due and since when, and who owns it. */
export function overdueRowView(row: CaseRow, now: Date, titleOf: LevelTitle): ListRowView {
  const levels = overdueLevels(row, now);
  const due = levels
    .slice(0, levelsShown)
    .map((level) => `${shortened(titleOf(level.rule, level.level), 80)} since ${formatDateTime(level.at)}`);
  const more = levels.length > levelsShown ? `; and ${levels.length - levelsShown} more` : "";
  return {
    reference: row.reference,
    child: childShown(row),
    line: `${due.join("; ")}${more} · ${ownerName(row)}`,
  };
}

/** A case's row in any other list: its status and owner. */
export function caseRowView(row: CaseRow, more = ""): ListRowView {
  return {
    reference: row.reference,
    child: childShown(row),
    line: [statusWords(row), ownerName(row), more].filter(Boolean).join(" · "),
  };
}

/** The caseload card: a row per officer (a button lists their cases), then the unassigned. */
export function caseloadView(caseload: Caseload, page: number) {
  const shown = pageOf(caseload.officers, page);
  return {
    title: "Caseload",
    summary: `${caseload.officers.length} officer${caseload.officers.length === 1 ? "" : "s"} with open cases${shown.pages > 1 ? `, page ${shown.page + 1} of ${shown.pages}` : ""}`,
    officers: shown.items.map((officer) => ({
      ...officer,
      counts: countsLine(officer),
      request: { list: "owner", officer: officer.officerId, page: 0 },
    })),
    unassigned: countsLine(caseload.unassigned),
    hasUnassigned: caseload.unassigned.open > 0,
    ...pagingOf({ list: "caseload" }, shown),
  };
}

const countsLine = (load: { open: number; urgent: number; overdue: number }) =>
  `${load.open} open, ${load.urgent} urgent, ${load.overdue} overdue`;
