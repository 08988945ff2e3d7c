import { expect } from "chai";
import { against, byKind, onceEach, TurnFigures } from "./figures.js";

describe("the load suite's figures", () => {
  it("finds what is missing, what came twice and what came unasked, each once", () => {
    expect(onceEach(["a", "b", "c"], ["a", "c", "c", "d", "d"])).to.deep.equal({
      missing: ["b"],
      doubled: ["c", "d"],
      unexpected: ["d"],
    });
    expect(onceEach(["a", "b"], ["b", "a"])).to.deep.equal({ missing: [], doubled: [], unexpected: [] });
  });

  it("gives each kind's percentiles by nearest rank, the slowest p99 first", () => {
    const figures = new TurnFigures();
    for (let ms = 1; ms <= 100; ms += 1) figures.took("wizard step", ms);
    figures.took("submission", 2000);
    figures.took("submission", 5);
    const [slowest, next] = byKind(figures.times);
    expect(slowest).to.deep.include({ kind: "submission", n: 2, p50: 5, p99: 2000, max: 2000, first: 2000 });
    expect(next).to.deep.include({
      kind: "wizard step",
      n: 100,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
      first: 1,
    });
  });

  it("counts refusals by their words with the case's reference blanked, and says by how much a goal is missed", () => {
    const figures = new TurnFigures();
    figures.refuse("CME-2026-00012 is closed: reopen it, with a reason.");
    figures.refuse("CME-2026-00040 is closed: reopen it, with a reason.");
    expect([...figures.refused]).to.deep.equal([["CME-… is closed: reopen it, with a reason.", 2]]);
    expect(against(240, 300, "MB")).to.equal("met (240 MB < 300 MB)");
    expect(against(337, 300, "MB")).to.equal("NOT met (337 MB, 37 MB over 300 MB)");
  });
});
