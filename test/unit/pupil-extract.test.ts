import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { loadExtractMapping, type ExtractMapping } from "../../bot/pupils/extract-mapping.js";
import type { ExtractFindings } from "../../bot/pupils/findings.js";
import { findingsOfExtract } from "../../bot/pupils/import-extract.js";
import { ExtractRefused, type ExtractLimits } from "../../bot/pupils/read-extract.js";
import { csvCell } from "../../bot/reports/csv.js";
import { upnCheckLetter } from "../../bot/shared/upn.js";
import {
  extractLines,
  plannedPupils,
  shippedHeaders,
  type ExtractPlanOptions,
  type PlannedList,
  type PupilPlan,
} from "../support/pupil-extract-generator.js";

const shippedMappingPath = fileURLToPath(new URL("../../config/pupil-extract.json", import.meta.url));
const mapping = loadExtractMapping(shippedMappingPath);

const read = (text: string | Buffer, on = "2026-01-15", limits?: ExtractLimits, withMapping = mapping) =>
  findingsOfExtract(Readable.from([Buffer.from(text)]), withMapping, on, limits);

async function refusal(promise: Promise<unknown>): Promise<ExtractRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExtractRefused) return error;
    throw error;
  }
  throw new Error("the extract was not refused");
}

type Row = Partial<Record<(typeof shippedHeaders)[number], string>>;

/** One child with no school place, unless the row says otherwise. */
const child = (row: Row): Row => ({
  "Legal Forename": "Robin",
  "Legal Surname": "Testington",
  Gender: "F",
  "On Roll": "N",
  ...row,
});

const csvOf = (rows: readonly Row[]) =>
  [shippedHeaders, ...rows.map((row) => shippedHeaders.map((header) => row[header] ?? ""))]
    .map((cells) => `${cells.map(csvCell).join(",")}\r\n`)
    .join("");

/** The lists each row of a hand-written extract is on, by its row number. */
async function listsByRow(rows: readonly Row[], on: string): Promise<Record<number, readonly string[]>> {
  const found = await read(csvOf(rows), on);
  expect(found.rows.bad, JSON.stringify(found.problems)).to.equal(0);
  return Object.fromEntries(found.findings.map((finding) => [finding.row, finding.lists]));
}

const compulsory = ["compulsory-no-place"];
const rising = ["rising-fives"];
const leaver = ["leavers-no-forwarding-school"];

describe("Pupil extracts: the mapping", () => {
  const dir = mkdtempSync(join(tmpdir(), "extract-mapping-"));
  const shipped = JSON.parse(readFileSync(shippedMappingPath, "utf8")) as ExtractMapping;
  const withChange = (change: (m: ExtractMapping) => unknown) => {
    const copy = structuredClone(shipped);
    change(copy);
    const path = join(dir, `mapping-${Math.random()}.json`);
    writeFileSync(path, JSON.stringify(copy));
    return path;
  };

  it("reads the shipped mapping's headers", () => {
    expect(mapping.columns.dateOfBirth).to.deep.equal({ header: "DOB", required: true });
    expect(mapping.columns.destination.header).to.equal("Destination");
  });

  it("refuses a mapping with a field the lists need left out, not required, or a header twice, naming it", () => {
    const cases: [(m: ExtractMapping) => unknown, RegExp][] = [
      [
        (m) => delete (m.columns as Partial<ExtractMapping["columns"]>).currentEstablishment,
        /currentEstablishment/,
      ],
      [(m) => (m.columns.dateOfBirth.required = false), /dateOfBirth must be required/],
      [(m) => (m.columns.postcode!.header = " dob "), /postcode\.header is the same header as dateOfBirth's/],
      [(m) => (m.sexValues = { M: "man" as "male" }), /sexValues\.M/],
      [(m) => ((m.columns.upn as { header: string }).header = ""), /upn\.header/],
    ];
    for (const [change, message] of cases) {
      expect(() => loadExtractMapping(withChange(change))).to.throw(/pupil extract mapping .* is not valid/);
      expect(() => loadExtractMapping(withChange(change))).to.throw(message);
    }
    expect(() => loadExtractMapping(join(dir, "absent.json"))).to.throw(/could not be read/);
  });

  it("reads headers in any case and with spaces around them, in any order, and ignores other columns", async () => {
    const plans = [...plannedPupils({ seed: 7, rows: 400, importDate: "2026-01-15" })];
    const shuffled = (header: string) =>
      header.length % 2 ? `  ${header.toUpperCase()} ` : header.toLowerCase();
    const text = [...extractLines(plans, shuffled)].join("");
    const found = await read(text);
    expectFindingsMatchPlans(found, plans);
    // Columns reordered, with one the mapping does not name.
    const reordered = text
      .split("\r\n")
      .filter(Boolean)
      .map((line, index) => `${index === 0 ? "Notes" : "x"},${line}`)
      .join("\r\n");
    expectFindingsMatchPlans(await read(reordered), plans);
  });
});

/** The rows the plans put on each list, and the bot's findings, are the same. */
function expectFindingsMatchPlans(found: ExtractFindings, plans: readonly PupilPlan[]): void {
  const lists: PlannedList[] = ["compulsory-no-place", "rising-fives", "leavers-no-forwarding-school"];
  for (const list of lists) {
    const planned = plans.filter((plan) => plan.lists.includes(list)).map((plan) => plan.row);
    const foundRows = found.findings
      .filter((finding) => finding.lists.includes(list))
      .map((finding) => finding.row);
    expect(foundRows, list).to.deep.equal(planned);
    expect(found.counts[list], list).to.equal(planned.length);
  }
  const dataRows = plans.filter((plan) => plan.cells);
  const badRows = plans.filter((plan) => plan.badColumn);
  expect(found.rows).to.deep.equal({
    read: dataRows.length,
    good: dataRows.length - badRows.length,
    bad: badRows.length,
  });
  expect(found.findings.length).to.equal(plans.filter((plan) => plan.lists.length > 0).length);
}

describe("Pupil extracts: the three lists", () => {
  for (const options of [
    { seed: 1, rows: 3000, importDate: "2026-01-15" },
    { seed: 2, rows: 3000, importDate: "2026-08-31" },
    { seed: 3, rows: 3000, importDate: "2026-12-31" },
    { seed: 4, rows: 3000, importDate: "2027-03-31" },
    { seed: 5, rows: 3000, importDate: "2027-06-10", blankShare: 0.02 },
  ] satisfies ExtractPlanOptions[]) {
    it(`finds the children the generator's plans put on each list (seed ${options.seed}, on ${options.importDate})`, async () => {
      const plans = [...plannedPupils(options)];
      expect(new Set(plans.flatMap((plan) => plan.lists)).size, "every list has children").to.equal(3);
      expectFindingsMatchPlans(await read([...extractLines(plans)].join(""), options.importDate), plans);
    });
  }

  it("starts compulsory school age on 31 December, 31 March and 31 August, with birthdays either side", async () => {
    // On 15 January 2026 the next start is 31 March 2026: fifth birthdays from 1 January to 31 March.
    expect(
      await listsByRow(
        [
          child({ DOB: "30/12/2020" }), // 5 on 30 Dec 2025: compulsory since 31 Dec 2025
          child({ DOB: "2020-12-31" }), // 5 on 31 Dec 2025, the start date itself
          child({ DOB: "01/01/2021" }), // 5 on 1 Jan 2026: starts 31 Mar 2026
          child({ DOB: "2021-03-30" }),
          child({ DOB: "31/03/2021" }), // 5 on 31 Mar 2026, the next start
          child({ DOB: "2021-04-01" }), // starts 31 Aug 2026: not the next start
        ],
        "2026-01-15",
      ),
    ).to.deep.equal({ 2: compulsory, 3: compulsory, 4: rising, 5: rising, 6: rising });
    // On a start date, children starting that day are of compulsory school age; the next start is the one after.
    expect(
      await listsByRow(
        [
          child({ DOB: "30/08/2021" }),
          child({ DOB: "31/08/2021" }),
          child({ DOB: "01/09/2021" }),
          child({ DOB: "31/12/2021" }),
          child({ DOB: "01/01/2022" }),
        ],
        "2026-08-31",
      ),
    ).to.deep.equal({ 2: compulsory, 3: compulsory, 4: rising, 5: rising });
    // The day before 31 August, those five by then are the rising fives.
    expect(
      await listsByRow([child({ DOB: "31/08/2021" }), child({ DOB: "01/09/2021" })], "2026-08-30"),
    ).to.deep.equal({
      2: rising,
    });
    expect(
      await listsByRow(
        [
          child({ DOB: "31/12/2021" }),
          child({ DOB: "01/01/2022" }),
          child({ DOB: "31/03/2022" }),
          child({ DOB: "01/04/2022" }),
        ],
        "2026-12-31",
      ),
    ).to.deep.equal({ 2: compulsory, 3: rising, 4: rising });
    expect(
      await listsByRow(
        [
          child({ DOB: "31/03/2021" }),
          child({ DOB: "01/04/2021" }),
          child({ DOB: "31/08/2021" }),
          child({ DOB: "01/09/2021" }),
        ],
        "2026-03-31",
      ),
    ).to.deep.equal({ 2: compulsory, 3: rising, 4: rising });
  });

  it("ends compulsory school age on the last Friday of June of the year the child turns 16", async () => {
    // Turns 16 on 15 June 2026: compulsory school age ends Friday 26 June 2026.
    const sixteen = child({ DOB: "15/06/2010", "Date Left": "01/06/2026" });
    expect(await listsByRow([sixteen], "2026-06-26")).to.deep.equal({ 2: [...compulsory, ...leaver] });
    expect(await listsByRow([sixteen], "2026-06-27")).to.deep.equal({});
  });

  it("counts a school place as on roll at an establishment, or leaving for a school; a rising five's place or application as any establishment", async () => {
    expect(
      await listsByRow(
        [
          child({ DOB: "01/05/2015", "Current Establishment": "Testfield Primary School", "On Roll": "Y" }),
          child({ DOB: "01/05/2015", "Current Establishment": "Testfield Primary School", "On Roll": "N" }), // allocated, not started
          child({ DOB: "01/05/2015", "On Roll": "Y" }), // on roll nowhere recorded
          child({ DOB: "01/05/2015", Destination: "Sample Hill Academy" }), // going to a school
          child({ DOB: "2021-02-01", "Current Establishment": "Testfield Primary School" }), // applied
          child({ DOB: "2021-02-01", "Current Establishment": "Little Tests Nursery", "On Roll": "Y" }),
          child({ DOB: "2021-02-01" }),
        ],
        "2026-01-15",
      ),
    ).to.deep.equal({ 3: compulsory, 4: compulsory, 8: rising });
  });

  it("lists leavers with no destination or a CTF to XXXXXXX or MMMMMMM, not those leaving for a school", async () => {
    const left = { DOB: "01/05/2015", "Date Left": "2025-12-19" };
    expect(
      await listsByRow(
        [
          child({ ...left }),
          child({ ...left, Destination: "XXXXXXX" }),
          child({ ...left, Destination: "mmmmmmm" }),
          child({ ...left, Destination: "Sample Hill Academy" }),
          child({ ...left, Destination: "8554012" }),
          child({ DOB: "01/05/2015", Destination: "XXXXXXX" }), // no leaving date: the CTF says the child left
          child({ DOB: "01/05/2022", "Date Left": "19/12/2025" }), // left nursery, no destination
          child({ DOB: "01/05/2008", "Date Left": "19/12/2025" }), // past compulsory school age
        ],
        "2026-01-15",
      ),
    ).to.deep.equal({
      2: [...compulsory, ...leaver],
      3: [...compulsory, ...leaver],
      4: [...compulsory, ...leaver],
      7: [...compulsory, ...leaver],
      8: leaver,
    });
  });

  it("lists a CTF sent to XXXXXXX or MMMMMMM with no leaving date as a leaver (the CTF says the child left); not a school destination without one", async () => {
    // Born 15 June 2010: compulsory school age ends Friday 26 June 2026.
    const rows = [
      child({ DOB: "01/05/2015", Destination: "XXXXXXX" }),
      child({ DOB: "01/05/2015", Destination: "mmmmmmm" }),
      child({ DOB: "01/05/2015", Destination: "Sample Hill Academy" }), // going to a school: no leaver
      child({
        DOB: "01/05/2015",
        "Current Establishment": "Testfield Primary School",
        "On Roll": "Y",
        Destination: "XXXXXXX",
      }),
      child({ DOB: "01/05/2022", Destination: "MMMMMMM" }), // early years: kept, as leavers with a date are
      child({ DOB: "15/06/2010", Destination: "XXXXXXX" }), // 16 this June
    ];
    expect(await listsByRow(rows, "2026-06-26")).to.deep.equal({
      2: [...compulsory, ...leaver],
      3: [...compulsory, ...leaver],
      5: leaver,
      6: leaver,
      7: [...compulsory, ...leaver],
    });
    // The day after compulsory school age ends, the sixteen-year-old is post-16 tracking's.
    expect(await listsByRow(rows, "2026-06-27")).to.deep.equal({
      2: [...compulsory, ...leaver],
      3: [...compulsory, ...leaver],
      5: leaver,
      6: leaver,
    });
  });
});

describe("Pupil extracts: bad rows and refused files", () => {
  it("reports each bad row by row number, column and why, without the value, and still counts the good rows", async () => {
    const options = { seed: 11, rows: 2000, importDate: "2026-01-15", badShare: 0.1, blankShare: 0.01 };
    const plans = [...plannedPupils(options)];
    const found = await read([...extractLines(plans)].join(""), options.importDate);
    expectFindingsMatchPlans(found, plans);
    const bad = plans.filter((plan) => plan.badColumn);
    expect(bad.length).to.be.greaterThan(100);
    expect(found.problems.map((problem) => [problem.row, problem.column])).to.deep.equal(
      bad.map((plan) => [plan.row, plan.badColumn]),
    );
    for (const problem of found.problems) {
      const plan = plans.find((p) => p.row === problem.row)!;
      const value = plan.cells![plan.badColumn!];
      // A child's details never (a CTF code is none).
      if (value && plan.badColumn !== "Destination") expect(problem.why).not.to.include(value);
      expect(problem.why).to.match(/^(is|looks|Enter)/);
    }
  });

  it("says why for each kind of bad value, and for a row with too few values", async () => {
    const upnRest = "855401226001";
    const found = await read(
      csvOf([
        child({ DOB: "31/02/2019", UPN: `${upnCheckLetter(upnRest) === "A" ? "B" : "A"}${upnRest}` }),
        child({ DOB: "2019-13-01", "On Roll": "maybe", Gender: "X" }),
        child({ DOB: "01/05/2015", "Date Left": "01/01/2014" }),
        child({ DOB: "01/05/2015", "Legal Forename": "", Postcode: "NOT A POSTCODE", Destination: "XXXXXX" }),
        child({
          DOB: "5/3/2019",
          UPN: `${upnCheckLetter(upnRest)}${upnRest}`.toLowerCase(),
          Postcode: "le38ra",
        }),
      ]) + "A,B\r\n",
    );
    expect(found.problems.map((p) => `${p.row} ${p.column ?? "-"}: ${p.why}`)).to.deep.equal([
      "2 UPN: is not a UPN: 13 characters, the first the check letter of the other 12",
      "2 DOB: is not a date: write DD/MM/YYYY or YYYY-MM-DD",
      "3 DOB: is not a date: write DD/MM/YYYY or YYYY-MM-DD",
      "3 Gender: is not one of the values the mapping's sexValues lists",
      "3 On Roll: is not Y or N",
      "4 Date Left: is before the date of birth",
      "5 Legal Forename: is blank",
      "5 Postcode: Enter a UK postcode, like LE3 8RA",
      "5 Destination: looks like a CTF code but is neither XXXXXXX (destination unknown) nor MMMMMMM (moved abroad)",
      "7 -: has 2 values where the header row has 11",
    ]);
    expect(found.rows).to.deep.equal({ read: 6, good: 1, bad: 5 });
  });

  it("refuses a file that is not a CSV extract, saying what to do", async () => {
    const header = shippedHeaders.join(",");
    const cases: [string | Buffer, RegExp, string][] = [
      [header.replaceAll(",", ";") + "\r\n1;2\r\n", /separated by semicolons/, "not-csv"],
      [header.replaceAll(",", "\t") + "\r\n", /separated by tabs/, "not-csv"],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /Excel workbook/, "not-csv"],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff]), /not CSV text/, "not-csv"],
      [`${header}\r\nA,B\0C\r\n`, /not CSV text/, "not-csv"],
      [Buffer.from(`${header}\r\nR\xe9my,Test\r\n`, "latin1"), /CSV UTF-8/, "not-csv"],
      ["", /is empty/, "not-csv"],
      [
        `${header}\r\n"Robin,Testington\r\n`,
        /not valid CSV at row 2: a quoted value is never closed/,
        "not-csv",
      ],
      [
        `UPN,DOB\r\nA1,2020-01-01\r\n`,
        /no column "Legal Forename", "Legal Surname".*"Destination"/,
        "wrong-headers",
      ],
      [`${header},dob\r\n`, /"DOB" appear more than once/, "wrong-headers"],
    ];
    for (const [text, message, reason] of cases) {
      const refused = await refusal(read(text));
      expect(refused.message, String(message)).to.match(message);
      expect(refused.reason).to.equal(reason);
    }
  });

  it("stops reading a file beyond the size or row limits, with a clear refusal", async () => {
    const plans = [...plannedPupils({ seed: 21, rows: 1000, importDate: "2026-01-15" })];
    const text = [...extractLines(plans)].join("");
    const bytes = Buffer.byteLength(text);
    const tooLarge = await refusal(read(text, "2026-01-15", { maxBytes: bytes - 1, maxRows: 200_000 }));
    expect(tooLarge.reason).to.equal("too-large");
    expect(tooLarge.message).to.match(/larger than .* MB, the most an extract may be/);
    expect((await read(text, "2026-01-15", { maxBytes: bytes, maxRows: 1000 })).rows.read).to.equal(1000);
    const tooMany = await refusal(read(text, "2026-01-15", { maxBytes: bytes, maxRows: 999 }));
    expect(tooMany.reason).to.equal("too-many-rows");
    expect(tooMany.message).to.include("more than 999 rows");

    // An endless source: the read stops at the limit and the source is destroyed, not drained.
    let linesPulled = 0;
    const endless = Readable.from(
      (function* () {
        yield `${shippedHeaders.join(",")}\r\n`;
        for (;;) {
          linesPulled += 1;
          yield ",Robin,Testington,01/05/2015,F,,,,N,,\r\n";
        }
      })(),
    );
    const limits = { maxBytes: 1024 * 1024, maxRows: 200_000 };
    expect((await refusal(findingsOfExtract(endless, mapping, "2026-01-15", limits))).reason).to.equal(
      "too-large",
    );
    expect(endless.destroyed).to.equal(true);
    expect(linesPulled * 40).to.be.lessThan(2 * limits.maxBytes);
  });

  it("keeps the first problems only, and counts the rest", async () => {
    const rows = Array.from({ length: 1500 }, () => child({ DOB: "not a date" }));
    const found = await read(csvOf(rows));
    expect(found.rows.bad).to.equal(1500);
    expect(found.problems).to.have.length(1000);
    expect(found.problemsLeftOut).to.equal(500);
  });
});
