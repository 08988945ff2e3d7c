import { percentile } from "../../bot/reports/reports.js";

/** The load suite's goals (issue 15): reported against, not failed on, as the machine is shared. */
export const goals = { p99Ms: 1000, peakRssMb: 300 } as const;

/** What the suite saw of each kind of turn, and everything that went wrong or was refused. */
export class TurnFigures {
  readonly times = new Map<string, number[]>();
  /** HTTP answers of 500 and above, by kind. */
  readonly serverErrors = new Map<string, number>();
  /** Turns that failed otherwise (no answer, a failure message, an answer the person could not use). */
  readonly failures: string[] = [];
  /** Turns the bot refused with a clear answer, by the answer (references blanked). */
  readonly refused = new Map<string, number>();

  took(kind: string, ms: number): void {
    this.times.set(kind, [...(this.times.get(kind) ?? []), ms]);
  }

  serverError(kind: string): void {
    this.serverErrors.set(kind, (this.serverErrors.get(kind) ?? 0) + 1);
  }

  fail(what: string): void {
    this.failures.push(what);
  }

  refuse(reason: string): void {
    const blanked = reason.replace(/CME-\d{4}-\d{5,6}/g, "CME-…");
    this.refused.set(blanked, (this.refused.get(blanked) ?? 0) + 1);
  }

  get serverErrorCount(): number {
    return [...this.serverErrors.values()].reduce((sum, n) => sum + n, 0);
  }
}

export interface KindFigures {
  readonly kind: string;
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** The kind's first turn after the bot started (its code not yet warm). */
  readonly first: number;
}

/** p50, p95, p99 (nearest rank), the slowest and the first of each kind, slowest p99 first. */
export function byKind(times: ReadonlyMap<string, readonly number[]>): KindFigures[] {
  return [...times]
    .map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        kind,
        n: sorted.length,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        first: values[0] ?? NaN,
      };
    })
    .sort((a, b) => b.p99 - a.p99);
}

/** Which of `expected` are missing from `seen`, which are there more than once, and what is there unasked. */
export function onceEach(
  expected: readonly string[],
  seen: readonly string[],
): { missing: string[]; doubled: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const each of seen) counts.set(each, (counts.get(each) ?? 0) + 1);
  const wanted = new Set(expected);
  return {
    missing: [...wanted].filter((each) => !counts.has(each)),
    doubled: [...counts].filter(([, n]) => n > 1).map(([each]) => each),
    unexpected: [...counts.keys()].filter((each) => !wanted.has(each)),
  };
}

/** "met" or "not met", with by how much, for a figure whose goal is to stay under `limit`. */
export function against(value: number, limit: number, unit: string): string {
  return value < limit
    ? `met (${value.toFixed(0)} ${unit} < ${limit} ${unit})`
    : `NOT met (${value.toFixed(0)} ${unit}, ${(value - limit).toFixed(0)} ${unit} over ${limit} ${unit})`;
}
