import { expect } from "chai";
import type { ExtractFindings, Finding } from "../../bot/pupils/findings.js";
import { KeptImports, type KeptImport } from "../../bot/pupils/kept-imports.js";

/** An import whose findings list `rows` children (their details do not matter here). */
function importOf(by: string, rows: number): KeptImport {
  const findings: ExtractFindings = {
    importDate: "2026-12-01",
    rows: { read: rows, good: rows, bad: 0 },
    counts: { "compulsory-no-place": rows, "rising-fives": 0, "leavers-no-forwarding-school": 0 },
    findings: Array.from({ length: rows }, () => ({}) as Finding),
    problems: [],
    problemsLeftOut: 0,
  };
  return {
    by,
    fileName: "extract.csv",
    importedAt: "2026-01-05T10:00:00.000Z",
    findings,
    openCases: new Map(),
  };
}

describe("imports kept for paging", () => {
  const now = () => new Date("2026-12-01T10:00:00Z");

  it("keeps at most so many listed rows in all, letting the oldest imports go first", () => {
    const kept = new KeptImports(now, { imports: 20, rows: 1000, keepMs: 3_600_000 });
    const first = kept.keep(importOf("a", 400));
    const second = kept.keep(importOf("b", 400));
    const third = kept.keep(importOf("c", 400)); // 1,200 rows: the first goes
    expect(kept.get(first, "a")).to.equal(undefined);
    expect(kept.get(second, "b")).to.not.equal(undefined);
    expect(kept.get(third, "c")).to.not.equal(undefined);
    // One import over the bound alone is kept alone.
    const huge = kept.keep(importOf("d", 5000));
    expect([second, third].map((id, i) => kept.get(id, "bc"[i]!))).to.deep.equal([undefined, undefined]);
    expect(kept.get(huge, "d")).to.not.equal(undefined);
  });

  it("keeps at most so many imports, and each for its time; says when one is someone else's", () => {
    let at = new Date("2026-12-01T10:00:00Z");
    const kept = new KeptImports(() => at, { imports: 2, rows: 1000, keepMs: 60_000 });
    const ids = ["a", "b", "c"].map((by) => kept.keep(importOf(by, 1)));
    expect(kept.get(ids[0]!, "a")).to.equal(undefined);
    expect(kept.get(ids[1]!, "a")).to.equal("someone else's");
    at = new Date(at.getTime() + 60_000);
    expect(kept.get(ids[2]!, "c")).to.equal(undefined);
  });
});
