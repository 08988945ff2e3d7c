import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Case } from "../../bot/cases/case.js";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
import { csvCell } from "../../bot/reports/csv.js";
import {
  cardAction,
  cardActions,
  cardIn,
  cardText,
  channelId,
  eventually,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";
import { reportWithCsv } from "../support/csv-line.js";
import { dfeBandOfWeeks } from "../support/dfe-bands.js";
import { shippedHeaders } from "../support/pupil-extract-generator.js";

/*
 * Cases opened from a pupil extract (issue 14), as the other readers see them: the leavers
 * report, the DfE return, the referrals report, and a rising five's early-years clock. The
 * extract is written here, row by row, and sent over HTTP like any other; every expected figure
 * is worked out below from the rows themselves, as the issue states the rules.
 */

type Row = Partial<Record<(typeof shippedHeaders)[number], string>>;

const csvOf = (rows: readonly Row[]) =>
  [shippedHeaders, ...rows.map((row) => shippedHeaders.map((header) => row[header] ?? ""))]
    .map((cells) => `${cells.map(csvCell).join(",")}\r\n`)
    .join("");

const dayMs = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);

/** Serves an extract as Teams' file store does (loopback, as in local mode). */
async function serve(text: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/csv" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/extract.csv`, server };
}

async function stop(server: Server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const replies = (h: Harness) => h.teams.replies(personalConversationId(people.officer));

/** Sends the extract in the officer's personal chat: the findings card posted once it is read. */
async function importExtract(h: Harness, url: string) {
  const before = replies(h).length;
  await h.send({
    ...personalMessage(h.teams, people.officer, ""),
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.file.download.info",
        contentUrl: url,
        name: "Census.csv",
        content: { downloadUrl: url, uniqueId: "1f0e2d3c-0000-4000-8000-000000000014", fileType: "csv" },
      },
    ],
  });
  return eventually(
    () =>
      cardIn(
        replies(h)
          .slice(before)
          .find((each) => each.body.attachments)!,
      ),
    15_000,
  );
}

const press = (h: Harness, verb: string, data: Record<string, unknown>) =>
  h.send(cardAction(h.teams, people.officer, "personal", verb, data));

/** Open cases for all N, confirmed: waits for "Opened N cases". */
async function openAll(h: Harness, card: unknown) {
  const all = cardActions(card).find((action) => action.verb === "extract.openAll")!;
  const confirmation = invokeCard(await press(h, all.verb, all.data));
  const confirm = cardActions(confirmation).find((action) => action.verb === "extract.openAllConfirm")!;
  invokeMessage(await press(h, confirm.verb, confirm.data));
  await eventually(
    () => replies(h).find((each) => (each.body.text as string | undefined)?.startsWith("Opened "))!.body.text,
    60_000,
  );
}

const reportFile = (h: Harness, words: string) => reportWithCsv(h, people.officer, words);

const allCases = async (h: Harness) =>
  (await h.storeContainer("cases").items.readAll<Case>().fetchAll()).resources;

describe("an extract's cases in the reports", function () {
  this.timeout(120_000);

  /** The import day, a Monday; the reports are read a week later. */
  const importDay = "2026-03-02";
  const readDay = "2026-03-09";
  const census = "2026-03-06";
  let clock = new Date(`${importDay}T10:00:00Z`);
  let h: Harness;
  let file: { url: string; server: Server };

  interface Child extends Row {
    "Legal Surname": string;
    DOB: string;
  }
  /** Each child, and what the rules make of them on the import day. */
  const children: readonly Child[] = [
    // Left, no destination, on no roll: on "compulsory, no place" as well as the leavers.
    { "Legal Surname": "Twolists", DOB: "2015-03-14", "Date Left": "2026-01-10" },
    // Left, still on roll at the school they left: a leaver only.
    {
      "Legal Surname": "Onroll",
      DOB: "2015-03-14",
      "Current Establishment": "Oak Primary School",
      "On Roll": "Y",
      "Date Left": "2026-01-10",
    },
    // A CTF to the Lost Pupil Database and no leaving date.
    { "Legal Surname": "Ctfonly", DOB: "2014-05-01", Destination: "XXXXXXX" },
    // Five on 15 January 2026: compulsory school age from 31 March 2026. Left nursery, no destination.
    { "Legal Surname": "Nurseryleaver", DOB: "2021-01-15", "Date Left": "2026-02-20" },
    // Allocated a school place, not started: of compulsory school age, no place. Not a leaver.
    { "Legal Surname": "Noplace", DOB: "2016-06-01", "Current Establishment": "Elm Academy" },
    // Left for a school: on no list, so no case.
    {
      "Legal Surname": "Forwarded",
      DOB: "2015-09-09",
      "Date Left": "2026-01-10",
      Destination: "Ash Academy",
    },
  ];
  const ctfCodes = ["XXXXXXX", "MMMMMMM"];
  /** The leaver: a leaving date and no destination, or a CTF to XXXXXXX or MMMMMMM. */
  const isLeaver = (child: Child) =>
    (child["Date Left"] !== undefined && child.Destination === undefined) ||
    ctfCodes.includes(child.Destination ?? "");
  /** Compulsory school age from the first 31 Mar, 31 Aug or 31 Dec on or after the fifth birthday. */
  const schoolAgeFrom = (child: Child) => {
    const fifth = `${Number(child.DOB.slice(0, 4)) + 5}${child.DOB.slice(4)}`;
    const year = fifth.slice(0, 4);
    return [`${year}-03-31`, `${year}-08-31`, `${year}-12-31`].find((start) => start >= fifth)!;
  };
  /** Cases are opened for children on a list: every one here but the one leaving for a school. */
  const opened = children.filter((child) => child["Legal Surname"] !== "Forwarded");
  const rowsOf = (list: readonly Child[]) =>
    list.map((child) => ({ "Legal Forename": "Robin", Gender: "F", "On Roll": "N", ...child }));

  beforeEach(async () => {
    clock = new Date(`${importDay}T10:00:00Z`);
    file = await serve(csvOf(rowsOf(children)));
    h = await startHarness({}, { now: () => clock });
    await openAll(h, await importExtract(h, file.url));
    expect(await allCases(h)).to.have.length(opened.length);
    clock = new Date(`${readDay}T10:00:00Z`);
  });
  afterEach(async () => {
    await h.close();
    await stop(file.server);
  });

  const surnameOf = (childCell: string) => childCell.split(" ").at(-1)!;
  const childNamed = (surname: string) => children.find((child) => child["Legal Surname"] === surname)!;

  it("lists every extract leaver, whichever list it was opened from, missing since its leaving date (or the day it was opened), with what happened", async () => {
    const { header, rows } = await reportFile(h, "report leavers");
    const cell = (row: readonly string[], column: string) => row[header.indexOf(column)]!;
    expect(rows.map((row) => surnameOf(cell(row, "child"))).sort()).to.deep.equal(
      opened
        .filter(isLeaver)
        .map((child) => child["Legal Surname"])
        .sort(),
    );
    for (const row of rows) {
      const child = childNamed(surnameOf(cell(row, "child")));
      const since = child["Date Left"] ?? importDay;
      expect(cell(row, "missing_since"), child["Legal Surname"]).to.equal(since);
      expect(cell(row, "days_missing"), child["Legal Surname"]).to.equal(String(daysBetween(since, readDay)));
      expect(cell(row, "what_happened"), child["Legal Surname"]).to.not.equal("");
    }
    const byName = (surname: string) => rows.find((row) => surnameOf(cell(row, "child")) === surname)!;
    // The early-years leaver's what happened is its list's title, as a school-age one's is.
    expect(cell(byName("Nurseryleaver"), "what_happened")).to.equal("Rising fives, no place or application");
    expect(cell(byName("Onroll"), "what_happened")).to.equal("Left, no forwarding school");
    expect(cell(byName("Ctfonly"), "ctf")).to.equal(
      "Sent to the Lost Pupil Database (XXXXXXX, destination unknown)",
    );
  });

  it("counts the untriaged extract cases in the DfE return from their leaving date, or from the day they were opened", async () => {
    const before = replies(h).length;
    await h.send(personalMessage(h.teams, people.officer, `dfe return ${census}`));
    const card = cardIn(replies(h)[before]!);
    // Of compulsory school age on the census day (the rising five is not yet), open, missing since
    // the leaving date or, with none, the day the case was opened.
    const counted = opened.filter((child) => schoolAgeFrom(child) <= census);
    expect(Number(/Census day [^:]+: (\d+) child/.exec(cardText(card))?.[1])).to.equal(counted.length);
    const expectedBands = new Map<string, number>();
    for (const child of counted) {
      const band = dfeBandOfWeeks(Math.floor(daysBetween(child["Date Left"] ?? importDay, census) / 7));
      expectedBands.set(band, (expectedBands.get(band) ?? 0) + 1);
    }
    const durations = JSON.stringify(card).match(/"text":"Duration"[^\]]*?"facts":\[(.*?)\]/)?.[1] ?? "";
    const shown = new Map(
      [...durations.matchAll(/"title":"([^"]+)","value":"(\d+)"/g)]
        .filter((m) => m[2] !== "0")
        .map((m) => [m[1]!, Number(m[2])]),
    );
    expect(shown).to.deep.equal(expectedBands);
  });

  it("does not name a child's current establishment as the school that referred: the extract's cases show as the pupil database report", async () => {
    const { rows } = await reportFile(h, `report referrals from ${importDay}`);
    const bySchool = rows.filter((row) => row[0] === "By school or setting");
    expect(bySchool.map((row) => row[1])).to.not.include.members(["Oak Primary School", "Elm Academy"]);
    expect(bySchool.map((row) => [row[1], row[2]])).to.deep.equal([
      ["Pupil database report", String(opened.length)],
    ]);
  });
});

describe("a rising five's case from an extract and its school-age clock", function () {
  this.timeout(120_000);
  // Born 31 December 2021: compulsory school age starts on the fifth birthday, 31 December 2026,
  // the next start after the import day, so the child is a rising five then.
  const reachesSchoolAge = "2026-12-31";
  let clock = new Date("2026-11-23T10:00:00Z");
  let h: Harness;
  let file: { url: string; server: Server };

  beforeEach(async () => {
    clock = new Date("2026-11-23T10:00:00Z");
    file = await serve(
      csvOf([
        {
          "Legal Forename": "Robin",
          "Legal Surname": "Risingfive",
          DOB: "31/12/2021",
          Gender: "M",
          "On Roll": "N",
        },
      ]),
    );
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
    await stop(file.server);
  });

  /** England's bank holidays near the day, and weekends: 20 working days before, counted back. */
  const workingDaysBefore = (day: string, count: number) => {
    const holidays = ["2026-12-25", "2026-12-28"];
    let at = Date.parse(day);
    for (let left = count; left > 0;) {
      at -= dayMs;
      const iso = new Date(at).toISOString().slice(0, 10);
      const weekday = new Date(at).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && !holidays.includes(iso)) left -= 1;
    }
    return new Date(at).toISOString().slice(0, 10);
  };

  it("opens it as early years with the clock 20 working days before compulsory school age, and raises it once", async () => {
    const card = await importExtract(h, file.url);
    const open = cardActions(card).find((action) => action.verb === "extract.open")!;
    invokeCard(await press(h, open.verb, open.data));
    const [opened] = await allCases(h);
    expect(opened!.kind).to.equal("early-years");
    const reference = opened!.id;

    const noticeDay = workingDaysBefore(reachesSchoolAge, 20);
    const sweep = async (at: string) => {
      clock = new Date(at);
      const result = await sweepEscalations(h.app.services, clock);
      if (result.kind !== "swept") throw new Error("the sweep was busy");
      return result.fired.filter((f) => f.rule === "earlyYearsSchoolAge" && f.caseId === reference);
    };
    // The working day's start in London (GMT in December), as every working-day clock starts.
    expect(await sweep(`${workingDaysBefore(noticeDay, 1)}T12:00:00Z`)).to.have.length(0);
    expect(await sweep(`${noticeDay}T08:59:00Z`)).to.have.length(0);
    expect(await sweep(`${noticeDay}T09:00:00Z`)).to.have.length(1);
    expect(await sweep(`${noticeDay}T09:30:00Z`)).to.have.length(0);
    expect(await sweep(`${workingDaysBefore(reachesSchoolAge, 1)}T10:00:00Z`)).to.have.length(0);
    await h.app.services.outbox.idle();
    const posts = h.teams
      .posts(channelId)
      .filter((post) => cardText(cardIn(post)).includes(`Reaching school age: ${reference}`));
    expect(posts).to.have.length(1);
    expect(cardText(cardIn(posts[0]!))).to.include("check the school application");
  });
});
