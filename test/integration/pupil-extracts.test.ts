import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Case } from "../../bot/cases/case.js";
import { matchKeysOf } from "../../bot/referrals/submitted-referral.js";
import { CaseStore } from "../../bot/store/case-store.js";
import { createCosmosClient, openContainers } from "../../bot/store/cosmos.js";
import { startEmbeddedCosmos } from "../../bot/store/embedded.js";
import { ukDate } from "../../bot/shared/uk-dates.js";
import {
  cardAction,
  cardActions,
  cardIn,
  cardText,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  startHarness,
  type Harness,
} from "../support/harness.js";
import {
  extractLines,
  plannedPupils,
  type PlannedList,
  type PupilPlan,
} from "../support/pupil-extract-generator.js";
import { sampleCase } from "../support/sample-case.js";
import { FileStore, fileMessage, lastAnswer } from "../support/file-store.js";

/*
 * Issue 14's Teams part: an extract sent as a file in personal chat, fetched from Teams' file
 * store (here a local HTTP server, as in local mode), answered with its lists.
 */

/** The data of the Next button of one list's part of the card. */
function nextPage(card: unknown, list: PlannedList): Record<string, unknown> {
  const next = cardActions(card).find(
    (action) => action.title === "Next" && (action.data.pages as Record<string, number>)[list] === 1,
  );
  if (!next) throw new Error(`no Next for ${list}`);
  return next.data;
}

const nameOf = (plan: PupilPlan) => `${plan.cells!["Legal Forename"]} ${plan.cells!["Legal Surname"]}`;

describe("pupil extracts sent in Teams", function () {
  this.timeout(60_000);
  let h: Harness;
  let store: FileStore;
  let offsetMs = 0;
  const importDate = ukDate(new Date());
  const plans = [...plannedPupils({ seed: 14, rows: 400, importDate, badShare: 0.02 })];
  const onList = (list: PlannedList) => plans.filter((plan) => plan.lists.includes(list));
  const csv = [...extractLines(plans)].join("");

  before(async () => {
    store = new FileStore();
    await store.start();
    store.serve("/extract.csv", csv);
    store.serve("/wrong-headers.csv", "Name,Birthday\r\nAlex Testington,01/01/2015\r\n");
    store.serve("/large.csv", csv + csv);
    h = await startHarness(
      // Room for the extract, not for two of it.
      { PUPIL_EXTRACT_MAX_MB: String((Buffer.byteLength(csv) * 1.5) / (1024 * 1024)) },
      { now: () => new Date(Date.now() + offsetMs) },
    );
  });
  after(async () => {
    await h.close();
    await store.stop();
  });

  it("shows an officer the three lists' counts, the problems, and pages of each list", async () => {
    expect(onList("compulsory-no-place").length).to.be.greaterThan(10);
    const replies = () => h.teams.replies(personalConversationId(people.officer));
    const before = replies().length;
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv")));
    // Answered at once; the lists are posted to the chat once the file is read.
    expect(replies()[before]?.body.text).to.equal("Reading extract.csv… I'll post the lists here.");
    const card = cardIn(await lastAnswer(h, people.officer));
    const text = cardText(card);
    const bad = plans.filter((plan) => plan.badColumn).length;
    expect(text).to.include(`${plans.length} rows read`);
    expect(text).to.include(`${bad} with problems`);
    const chart = JSON.stringify(card).match(/"Chart\.VerticalBar".*?"data":(\[.*?\])/)?.[1];
    expect(JSON.parse(chart!)).to.deep.equal([
      { x: "Compulsory school age, no school place", y: onList("compulsory-no-place").length },
      { x: "Rising fives, no place or application", y: onList("rising-fives").length },
      { x: "Left, no forwarding school", y: onList("leavers-no-forwarding-school").length },
    ]);
    const firstBad = plans.find((plan) => plan.badColumn)!;
    expect(text).to.include(`Row ${firstBad.row}, ${firstBad.badColumn}`);
    const compulsory = onList("compulsory-no-place");
    expect(text).to.include(nameOf(compulsory[0]!));
    expect(text).to.include(`1–10 of ${compulsory.length}`);

    const next = nextPage(card, "compulsory-no-place");
    const page2 = invokeCard(
      await h.send(cardAction(h.teams, people.officer, "personal", "extract.page", next)),
    );
    expect(cardText(page2)).to.include(`11–${Math.min(20, compulsory.length)} of ${compulsory.length}`);
    expect(cardText(page2)).to.include(`(row ${compulsory[10]!.row})`);
    expect(cardText(page2)).to.include("Previous");
    // Nothing of a child went to the logs, nor the file's address.
    expect(h.logLines.join("\n")).not.to.include(compulsory[0]!.cells!["Legal Surname"] + '"');
    expect(h.logLines.join("\n")).not.to.include("/extract.csv");
  });

  it("records an officer's import (who, the file's name, the counts) and stores nothing of the file", async () => {
    const records = async () =>
      (
        await h.storeContainer("settings").items.readAll<Record<string, unknown>>().fetchAll()
      ).resources.filter((document) => String(document.id).startsWith("import|"));
    const before = (await records()).length;
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv"), "Spring census.csv"));
    expect(cardText(cardIn(await lastAnswer(h, people.officer)))).to.include(`${plans.length} rows read`);
    const added = (await records()).slice(before);
    expect(added).to.have.length(1);
    const record = added[0]!;
    const bad = plans.filter((plan) => plan.badColumn).length;
    expect(record).to.deep.include({
      fileName: "Spring census.csv",
      rows: { read: plans.length, good: plans.length - bad, bad },
      counts: {
        "compulsory-no-place": onList("compulsory-no-place").length,
        "rising-fives": onList("rising-fives").length,
        "leavers-no-forwarding-school": onList("leavers-no-forwarding-school").length,
      },
      casesOpened: [],
    });
    expect(record.by).to.include({ id: people.officer.id, name: people.officer.name });
    const surnames = plans.flatMap((plan) => (plan.cells ? [plan.cells["Legal Surname"]] : []));
    for (const name of ["cases", "drafts", "outbox", "settings"]) {
      const stored = JSON.stringify((await h.storeContainer(name).items.readAll().fetchAll()).resources);
      for (const surname of surnames) expect(stored, `${name} names ${surname}`).not.to.include(surname);
    }
  });

  it("refuses a DSL's file (not the CME team) without fetching it", async () => {
    const before = store.requests.length;
    await h.send(fileMessage(h, people.dsl, store.url("/extract.csv")));
    expect((await lastAnswer(h, people.dsl)).body.text).to.include("for the CME team");
    expect(store.requests.length).to.equal(before);
  });

  it("refuses a download address that is not Teams' file store, and a file that is not CSV, without a request", async () => {
    const before = store.requests.length;
    // Loopback, but not the address local mode allows (127.0.0.1): the same server, never asked.
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv", "127.0.0.2")));
    expect((await lastAnswer(h, people.officer)).body.text).to.include("only read files Teams keeps for you");
    await h.send(fileMessage(h, people.officer, "https://files.example.org/extract.csv"));
    expect((await lastAnswer(h, people.officer)).body.text).to.include("only read files Teams keeps for you");
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv"), "extract.xlsx", "xlsx"));
    expect((await lastAnswer(h, people.officer)).body.text).to.include("not a CSV file");
    expect(store.requests.length).to.equal(before);
  });

  it("refuses a file over the size, told or counted, and stops the download", async () => {
    await h.send(fileMessage(h, people.officer, store.url("/large.csv")));
    expect((await lastAnswer(h, people.officer)).body.text).to.match(
      /larger than .* MB, the most an extract may be/,
    );
    await h.send(fileMessage(h, people.officer, store.url("/endless.csv")));
    expect((await lastAnswer(h, people.officer)).body.text).to.match(
      /larger than .* MB, the most an extract may be/,
    );
    // The endless file's answer was abandoned: the reader stopped at the limit.
    expect(store.abandoned).to.equal(1);
  });

  it("tells what is wrong with a file that is not the extract", async () => {
    await h.send(fileMessage(h, people.officer, store.url("/wrong-headers.csv")));
    expect((await lastAnswer(h, people.officer)).body.text).to.include(
      "The file's first row is not the extract's header row",
    );
  });

  it("shows a listed child who has an open case linked to it, not as new", async () => {
    const child = onList("compulsory-no-place")[0]!.cells!;
    const open: Case = {
      ...sampleCase("school-age", new Date(), importDate),
      id: "CME-2026-00042",
      matchKeys: matchKeysOf({
        forenames: child["Legal Forename"],
        surname: child["Legal Surname"],
        dateOfBirth: child.DOB.includes("/") ? child.DOB.split("/").reverse().join("-") : child.DOB,
        upn: child.UPN,
      }),
    };
    await h.app.services.cases.create(open);
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv")));
    const text = cardText(cardIn(await lastAnswer(h, people.officer)));
    expect(text).to.include("open case CME-2026-00042");
    expect(text).to.match(/\b1 of the children listed already have an open case/);
  });

  it("says to send the file again when a page is asked after the lists have gone", async () => {
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv")));
    const next = nextPage(cardIn(await lastAnswer(h, people.officer)), "compulsory-no-place");
    offsetMs = 61 * 60 * 1000;
    try {
      const answer = await h.send(cardAction(h.teams, people.officer, "personal", "extract.page", next));
      expect(invokeMessage(answer)).to.include("send the file again");
    } finally {
      offsetMs = 0;
    }
  });

  it("shows another officer nothing of someone else's extract: only who sent it pages it", async () => {
    await h.send(fileMessage(h, people.officer, store.url("/extract.csv")));
    const next = nextPage(cardIn(await lastAnswer(h, people.officer)), "compulsory-no-place");
    const answer = await h.send(cardAction(h.teams, people.officer2, "personal", "extract.page", next));
    expect(invokeMessage(answer)).to.include("someone else sent");
    expect(JSON.stringify(answer.body)).not.to.include(nameOf(onList("compulsory-no-place")[0]!));
  });

  it("takes a command typed beside a file as that command", async () => {
    const before = store.requests.length;
    await h.send({ ...fileMessage(h, people.dsl, store.url("/extract.csv")), text: "my referrals" });
    expect(cardText(cardIn(await lastAnswer(h, people.dsl)))).to.include("referrals");
    expect(store.requests.length).to.equal(before);
  });

  it("says the file did not come when the connection is cut while it is read", async () => {
    await h.send(fileMessage(h, people.officer, store.url("/cut.csv")));
    expect((await lastAnswer(h, people.officer)).body.text).to.equal(
      "Teams didn't give me the file, so nothing was read: send it again in a minute.",
    );
  });
});

describe("a pupil extract that takes longer to read than a turn's store time", function () {
  this.timeout(60_000);

  it("shows its lists: the open cases are asked for as the file starts, not after it", async () => {
    const store = new FileStore();
    await store.start();
    const importDate = ukDate(new Date());
    const plans = [...plannedPupils({ seed: 15, rows: 200, importDate, badShare: 0 })];
    store.serve("/extract.csv", [...extractLines(plans)].join(""));
    // 1.5 s a call, 3 s for the whole turn: the slow file takes 3.5 s.
    const h = await startHarness({ STORE_DEADLINE_MS: "1500" });
    try {
      await h.send(fileMessage(h, people.officer, store.url("/slow.csv")));
      expect(cardText(cardIn(await lastAnswer(h, people.officer)))).to.include(`${plans.length} rows read`);
    } finally {
      await h.close();
      await store.stop();
    }
  });
});

describe("npm run import", function () {
  this.timeout(120_000);

  it("prints each list's count, the bad rows and how many have an open case, records the import; refuses a file that is not CSV", async () => {
    const importDate = ukDate(new Date());
    const plans = [...plannedPupils({ seed: 7, rows: 300, importDate, badShare: 0.02 })];
    const cosmos = await startEmbeddedCosmos();
    const folder = mkdtempSync(join(tmpdir(), "extract-"));
    try {
      const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }, 5000);
      const cases = new CaseStore((await openContainers(client, "cme-import")).cases);
      const child = plans.find((plan) => plan.lists.includes("rising-fives"))!.cells!;
      await cases.create({
        ...sampleCase("early-years", new Date(), importDate),
        id: "CME-2026-00007",
        matchKeys: matchKeysOf({
          forenames: child["Legal Forename"],
          surname: child["Legal Surname"],
          dateOfBirth: child.DOB.includes("/") ? child.DOB.split("/").reverse().join("-") : child.DOB,
        }),
      });
      const file = join(folder, "extract.csv");
      writeFileSync(file, [...extractLines(plans)].join(""));
      const env = {
        ...process.env,
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_KEY: cosmos.key,
        COSMOS_DATABASE: "cme-import",
        MICROSOFT_APP_ID: "",
      };
      const run = (path: string) =>
        promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/import.ts", path], {
          env,
          timeout: 60_000,
        });
      const { stdout } = await run(file);
      const count = (list: PlannedList) => plans.filter((plan) => plan.lists.includes(list)).length;
      expect(stdout).to.include(`${plans.length} rows read`);
      expect(stdout).to.include(`Compulsory school age, no school place: ${count("compulsory-no-place")}`);
      expect(stdout).to.include(`Rising fives, no place or application: ${count("rising-fives")}`);
      expect(stdout).to.include(`Left, no forwarding school: ${count("leavers-no-forwarding-school")}`);
      expect(stdout).to.match(/\b1 of the \d+ children listed already have an open case/);
      const firstBad = plans.find((plan) => plan.badColumn)!;
      expect(stdout).to.include(`row ${firstBad.row}, ${firstBad.badColumn}:`);
      expect(stdout).not.to.include(child["Legal Surname"]);
      const settings = (await openContainers(client, "cme-import")).settings;
      const records = (await settings.items.readAll<Record<string, unknown>>().fetchAll()).resources.filter(
        (document) => String(document.id).startsWith("import|"),
      );
      expect(records.map(({ by, fileName }) => ({ by, fileName }))).to.deep.equal([
        { by: { id: "command line", name: "command line" }, fileName: "extract.csv" },
      ]);

      const workbook = join(folder, "extract.xlsx");
      writeFileSync(workbook, "PK\x03\x04");
      const refused = await run(workbook).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).to.equal(1);
      expect(refused?.stderr).to.include("not a CSV file");
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await cosmos.close();
    }
  });
});
