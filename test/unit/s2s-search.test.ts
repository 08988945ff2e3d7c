import { expect } from "chai";
import { latestS2sSearch, movedToAnotherLa, s2sSearchRefusal } from "../../bot/cases/s2s-search.js";
import { ctfInForce } from "../../bot/reports/reports.js";
import { sampleCase } from "../support/sample-case.js";

describe("leavers' rules", () => {
  it("an S2S search needs its result; another enquiry has none; a record at a school names it and its LA", () => {
    const search = { type: "s2s-lost-pupil" };
    expect(s2sSearchRefusal(search)).to.match(/Choose what the S2S/);
    expect(s2sSearchRefusal({ type: "council-tax", s2sResult: "not-found" })).to.match(/only for an S2S/);
    expect(s2sSearchRefusal({ ...search, s2sResult: "found-at-school", foundSchool: "Oak" })).to.match(
      /its local authority/,
    );
    expect(s2sSearchRefusal({ ...search, s2sResult: "not-found", foundLa: "Derby" })).to.match(/clear them/);
    expect(
      s2sSearchRefusal({ ...search, s2sResult: "found-at-school", foundSchool: "Oak", foundLa: "Derby" }),
    ).to.equal(undefined);
    expect(s2sSearchRefusal({ type: "council-tax" })).to.equal(undefined);
  });

  it("the latest S2S search is by its date, the later logged of a day; other enquiries are not searches", () => {
    const entries = [
      { type: "s2s-lost-pupil", date: "2026-03-02", n: 1 },
      { type: "s2s-lost-pupil", date: "2026-03-05", n: 2 },
      { type: "s2s-lost-pupil", date: "2026-03-01", n: 3 },
      { type: "s2s-lost-pupil", date: "2026-03-05", n: 4 },
      { type: "council-tax", date: "2026-03-09", n: 5 },
    ];
    expect(latestS2sSearch(entries)?.n).to.equal(4);
    expect(latestS2sSearch(entries.slice(4))).to.equal(undefined);
  });

  it("the other LA: the last search's, else the latest referral naming one, else the DfE reason (no LA named)", () => {
    const base = sampleCase("school-age", new Date("2026-11-28T10:00:00Z"), "2026-11-28");
    const withLa = (la: string | undefined) =>
      ({ ...base.referral, school: { ...base.referral.school, destinationLa: la } }) as typeof base.referral;
    expect(movedToAnotherLa(base)).to.equal(undefined);
    expect(movedToAnotherLa({ ...base, dfeReason: "moved-la" })).to.deep.equal({});
    const named = { ...base, referral: withLa("Rutland") };
    expect(movedToAnotherLa(named)).to.deep.equal({ la: "Rutland" });
    const by = { id: "29:o", name: "O" };
    const search = {
      at: "",
      by,
      type: "s2s-lost-pupil" as const,
      date: "2026-06-01",
      contacted: "",
      outcome: "",
    };
    expect(
      movedToAnotherLa({
        ...named,
        enquiryLog: [{ ...search, s2sResult: "found-at-school", foundSchool: "Oak", foundLa: "Derby" }],
      }),
    ).to.deep.equal({ la: "Derby" });
    expect(movedToAnotherLa({ ...base, enquiryLog: [{ ...search, s2sResult: "found-abroad" }] })).to.equal(
      undefined,
    );
  });

  it("the CTF in force is the latest referral's that records one", () => {
    expect(ctfInForce({ ctf: "XXXXXXX" })).to.equal("XXXXXXX");
    expect(ctfInForce({ ctf: "XXXXXXX", furtherCtfs: ["MMMMMMM", "destination-school"] })).to.equal(
      "destination-school",
    );
    expect(ctfInForce({ furtherCtfs: [] })).to.equal(undefined);
  });
});
