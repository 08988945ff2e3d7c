/**
 * The faults suite's figures: each test adds what it injected and what it saw delivered, and a
 * mocha root hook prints the table once every test has run (failing the run if a fault lost or
 * doubled something).
 */
export interface FaultFigures {
  /** Faults injected: pauses, kills, 429s and 503s answered. */
  injected: number;
  /** Posts (new messages) delivered, as the fake connector logged them. */
  posts: number;
  /** Updates in place delivered. */
  updates: number;
  /** Something delivered, or stored, twice. */
  doubles: number;
  /** Something expected that never came. */
  lost: number;
}

/**
 * Kept on the global object: mocha loads this file as a root hook (`--require`, through tsx's
 * CommonJS side) apart from the tests' own import of it, and both must add to one table.
 */
const tableKey = Symbol.for("cme-referrals.fault-figures");
const global = globalThis as { [tableKey]?: Map<string, FaultFigures> };
const byFault = (global[tableKey] ??= new Map<string, FaultFigures>());

/** Adds to a fault's row (made on first use). */
export function record(fault: string, figures: Partial<FaultFigures>): void {
  const row = byFault.get(fault) ?? { injected: 0, posts: 0, updates: 0, doubles: 0, lost: 0 };
  for (const [key, value] of Object.entries(figures) as [keyof FaultFigures, number][]) row[key] += value;
  byFault.set(fault, row);
}

export function figuresTable(): string {
  const header = ["fault", "injected", "posts", "updates", "doubles", "lost"];
  const rows = [...byFault].map(([fault, f]) => [fault, f.injected, f.posts, f.updates, f.doubles, f.lost]);
  const width = header.map((title, n) => Math.max(title.length, ...rows.map((row) => String(row[n]).length)));
  const line = (cells: readonly (string | number)[]) =>
    cells
      .map((cell, n) => (n === 0 ? String(cell).padEnd(width[n]!) : String(cell).padStart(width[n]!)))
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** The fault rows that lost or doubled something. */
export function faultsThatFailed(): string[] {
  return [...byFault].filter(([, f]) => f.doubles > 0 || f.lost > 0).map(([fault]) => fault);
}

export const mochaHooks = {
  afterAll(): void {
    if (byFault.size === 0) return;
    console.log(`\n  faults: figures of this run\n${figuresTable().replace(/^/gm, "  ")}\n`);
    const failed = faultsThatFailed();
    if (failed.length > 0) throw new Error(`faults lost or doubled work: ${failed.join(", ")}`);
  },
};
