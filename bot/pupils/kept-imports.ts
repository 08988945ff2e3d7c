import { randomUUID } from "node:crypto";
import type { ExtractFindings, Finding } from "./findings.js";
import { childKeyOf } from "./open-case-links.js";

/**
 * An import's findings, kept in this instance's memory only so its card can page (the file is
 * not kept, and nothing of it is stored): a few imports, each for an hour at most. A page asked
 * of one that is gone (expired, pushed out, another instance, a restart) says to send the file again.
 */
export interface KeptImport {
  /** Who sent the file: only they page through it. */
  readonly by: string;
  readonly fileName: string;
  /** When it was imported (ISO), as the cases opened from it record. */
  readonly importedAt: string;
  readonly findings: ExtractFindings;
  /** Rows that are children with an open case: its reference (a case opened from the lists is added). */
  readonly openCases: Map<number, string>;
  /** "Open cases for all" is under way: a second press would start a second round. */
  openingAll?: boolean;
}

/** Each listed child's rows, by their key: made once per import ("Open cases for all" links thousands). */
const rowsByChild = new WeakMap<ExtractFindings, ReadonlyMap<string, readonly number[]>>();

function rowsOfChild(findings: ExtractFindings, key: string): readonly number[] {
  let index = rowsByChild.get(findings);
  if (!index) {
    const rows = new Map<string, number[]>();
    for (const each of findings.findings) {
      const childKey = childKeyOf(each);
      const ofChild = rows.get(childKey);
      if (ofChild) ofChild.push(each.row);
      else rows.set(childKey, [each.row]);
    }
    index = rows;
    rowsByChild.set(findings, index);
  }
  return index.get(key) ?? [];
}

/** Links every row of the child of `finding` (a child may be on the file twice) to their case. */
export function linkChild(kept: KeptImport, finding: Finding, reference: string): void {
  for (const row of rowsOfChild(kept.findings, childKeyOf(finding))) kept.openCases.set(row, reference);
}

export class KeptImports {
  private readonly kept = new Map<string, KeptImport & { readonly until: number }>();

  constructor(
    private readonly now: () => Date,
    /**
     * At most this many imports, and this many listed rows in all (a county's file with every
     * child listed is some 130 MB of rows): the oldest go first; one import alone over the rows
     * is kept alone.
     */
    private readonly limits = { imports: 20, rows: 50_000, keepMs: 60 * 60 * 1000 },
  ) {}

  /** Keeps an import, letting the oldest go beyond the limits; its id is for the card's buttons. */
  keep(entry: KeptImport): string {
    this.dropExpired();
    const id = randomUUID();
    this.kept.set(id, { ...entry, until: this.now().getTime() + this.limits.keepMs });
    const rowsKept = () =>
      [...this.kept.values()].reduce((sum, each) => sum + each.findings.findings.length, 0);
    for (const oldest of this.kept.keys()) {
      const over = this.kept.size > this.limits.imports || rowsKept() > this.limits.rows;
      if (!over || oldest === id) break;
      this.kept.delete(oldest);
    }
    return id;
  }

  /** The import, if it is still kept: for the person who sent it, or to say it is someone else's. */
  get(id: string, by: string): KeptImport | "someone else's" | undefined {
    this.dropExpired();
    const entry = this.kept.get(id);
    if (!entry) return undefined;
    return entry.by === by ? entry : "someone else's";
  }

  private dropExpired(): void {
    const now = this.now().getTime();
    for (const [id, entry] of this.kept) if (entry.until <= now) this.kept.delete(id);
  }
}
