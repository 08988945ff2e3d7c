import { expect } from "chai";
import { sampleCase } from "../support/sample-case.js";
import {
  cardIn,
  cardText,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
} from "../support/harness.js";

describe("cases stored by earlier versions of the bot", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    // As a case was stored before casework, clocks and timelines: no working lists, no clock levels, no timeline.
    const older: Record<string, unknown> = {
      ...sampleCase("school-age", new Date("2026-11-03T10:00:00Z"), "2026-11-03"),
      id: "CME-2026-00001",
    };
    for (const key of ["furtherReferrals", "enquiryLog", "referralsOn", "infoRequests"]) delete older[key];
    await h.storeContainer("cases").items.create(older);
  });
  afterEach(async () => {
    await h.close();
  });

  const ask = async (text: string) => {
    const before = h.teams.replies(personalConversationId(people.officer)).length;
    await h.send(personalMessage(h.teams, people.officer, text));
    const reply = h.teams.replies(personalConversationId(people.officer))[before];
    return reply?.body.attachments ? cardText(cardIn(reply)) : String(reply?.body.text);
  };

  it("are counted and listed by status, overdue, caseload, find and the DfE return, never an error", async () => {
    expect(await ask("status")).to.include("1 open");
    expect(await ask("overdue")).to.include("CME-2026-00001");
    expect(await ask("caseload")).to.include("Unassigned");
    expect(await ask("find CME-2026-00001")).to.include("CME-2026-00001");
    expect(await ask("dfe return 2026-11-05")).to.include("Census day 5 Nov 2026: 1 children CME");
  });
});
