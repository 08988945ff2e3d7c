import { expect } from "chai";
import {
  ageOn,
  compulsorySchoolAgeEnds,
  compulsorySchoolAgeStarts,
  schoolAgeStanding,
  yearGroupOn,
} from "../../bot/referrals/school-age.js";

describe("compulsory school age", () => {
  const starts: [string, string][] = [
    ["2020-01-15", "2025-03-31"], // fifth birthday in January: the next prescribed day is 31 March
    ["2020-03-31", "2025-03-31"], // on the day itself
    ["2020-04-01", "2025-08-31"],
    ["2020-08-31", "2025-08-31"],
    ["2020-09-01", "2025-12-31"],
    ["2020-12-31", "2025-12-31"],
    ["2016-02-29", "2021-03-31"], // leap-day birthday: fifth birthday taken as 1 March
  ];
  for (const [dateOfBirth, expected] of starts) {
    it(`starts on ${expected} for a child born ${dateOfBirth}`, () => {
      expect(compulsorySchoolAgeStarts(dateOfBirth)).to.equal(expected);
    });
  }

  const ends: [string, string][] = [
    ["2010-09-01", "2027-06-25"], // turns 16 in Sept 2026: school year 2026/27, last Friday of June 2027
    ["2010-08-31", "2026-06-26"], // turns 16 in Aug 2026: school year 2025/26
    ["2011-01-10", "2027-06-25"],
  ];
  for (const [dateOfBirth, expected] of ends) {
    it(`ends on the last Friday of June, ${expected}, for a child born ${dateOfBirth}`, () => {
      expect(compulsorySchoolAgeEnds(dateOfBirth)).to.equal(expected);
      expect(new Date(`${expected}T00:00:00Z`).getUTCDay()).to.equal(5);
    });
  }

  it("places a date under, within or over compulsory school age", () => {
    expect(schoolAgeStanding("2022-06-01", "2026-11-28")).to.equal("under");
    expect(schoolAgeStanding("2015-03-14", "2026-11-28")).to.equal("compulsory");
    expect(schoolAgeStanding("2009-05-01", "2026-11-28")).to.equal("over");
    expect(schoolAgeStanding("2010-08-31", "2026-06-26")).to.equal("compulsory");
    expect(schoolAgeStanding("2010-08-31", "2026-06-27")).to.equal("over");
  });

  it("counts age in whole years", () => {
    expect(ageOn("2015-03-14", "2026-03-13")).to.equal(10);
    expect(ageOn("2015-03-14", "2026-03-14")).to.equal(11);
  });

  it("derives the national curriculum year group", () => {
    expect(yearGroupOn("2020-09-01", "2025-10-01")).to.equal("Reception");
    expect(yearGroupOn("2020-08-31", "2025-10-01")).to.equal("Year 1");
    expect(yearGroupOn("2015-03-14", "2026-11-28")).to.equal("Year 7");
    expect(yearGroupOn("2015-03-14", "2026-07-01")).to.equal("Year 6");
    expect(yearGroupOn("2023-01-01", "2026-11-28")).to.equal("Nursery");
  });
});
