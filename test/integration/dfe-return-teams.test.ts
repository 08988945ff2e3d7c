import { expect } from "chai";
import { queueDfeReturnNotices } from "../../bot/reports/dfe-return-notices.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  channelId,
  invokeCard,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  type Harness,
  type Who,
} from "../support/harness.js";
import { addDays, caseOf, ukInstant, type CasePlan } from "../support/cme-generator.js";

const census = "2026-10-01";

/** Three children missing on the census day (one with no reason recorded), one found before it, one early-years child, one missing last spring. */
function plans(): CasePlan[] {
  const base = {
    kind: "school-age" as const,
    sex: "male" as const,
    dateOfBirth: "2014-04-04",
    submittedAt: ukInstant(addDays(census, -20)),
    dateLastAttended: addDays(census, -25),
    closures: [],
  };
  const triage = {
    at: ukInstant(addDays(census, -19)),
    reason: "moved-la" as const,
    startDate: addDays(census, -25),
  };
  return [
    { ...base, reference: "CME-2026-00001", child: 1, triage },
    { ...base, reference: "CME-2026-00002", child: 2, triage },
    { ...base, reference: "CME-2026-00003", child: 3 },
    {
      ...base,
      reference: "CME-2026-00004",
      child: 4,
      triage,
      closures: [{ at: ukInstant(addDays(census, -2)), outcome: "returned" }],
    },
    { ...base, reference: "CME-2026-00005", child: 5, kind: "early-years", dateOfBirth: "2023-02-02" },
    // Missing in the spring of 2025/26 only: in that year's any-time measure, not on the census day.
    {
      ...base,
      reference: "CME-2026-00006",
      child: 6,
      submittedAt: ukInstant("2026-03-02"),
      dateLastAttended: "2026-02-20",
      triage: { at: ukInstant("2026-03-03"), reason: "other" as const, startDate: "2026-02-20" },
      closures: [{ at: ukInstant("2026-07-01"), outcome: "returned" as const }],
    },
  ];
}

describe("the DfE return in Teams", () => {
  let h: Harness;
  let clock = new Date("2026-12-01T10:00:00Z");
  beforeEach(async () => {
    clock = new Date("2026-12-01T10:00:00Z");
    h = await startHarness({}, { now: () => clock });
    for (const plan of plans()) await h.app.services.cases.create(caseOf(plan));
  });
  afterEach(async () => {
    await h.close();
  });

  const ask = async (who: Who, text: string) => {
    const before = h.teams.replies(personalConversationId(who)).length;
    await h.send(personalMessage(h.teams, who, text));
    return h.teams.replies(personalConversationId(who))[before];
  };

  it("gives a CME officer the census day's tables in the DfE's labels, and the cases to put right", async () => {
    const reply = await ask(people.officer, `dfe return ${census}`);
    const text = cardText(cardIn(reply!));
    expect(text).to.include("Census day 1 Oct 2026: 3 children CME");
    expect(text).to.include("Academic year 2025/26 (1 Sept 2025 to 31 Aug 2026): 1 at any point");
    expect(text).to.include("Believed to have moved to another local authority");
    expect(text).to.include("Not recorded");
    expect(text).to.include("1 case(s) to put right");
    expect(actionData(cardIn(reply!), "case.refresh")).to.deep.equal({ caseId: "CME-2026-00003" });
    // The latest census day on or before today when none is given.
    expect(cardText(cardIn((await ask(people.manager, "dfe return"))!))).to.include("Census day 1 Oct 2026");
  });

  it("draws the durations as a chart when children counted, and leaves the chart out (not an empty axis) when none did", async () => {
    const charts = (card: unknown) => (JSON.stringify(card).match(/"type":"Chart\./g) ?? []).length;
    expect(charts(cardIn((await ask(people.officer, `dfe return ${census}`))!))).to.equal(1);
    // The autumn census of 2025/26, before any of these cases: the tables, all 0, and no chart.
    const empty = cardIn((await ask(people.officer, "dfe return 2025-10-02"))!);
    expect(cardText(empty)).to.include("Census day 2 Oct 2025: 0 children CME").and.include("Female");
    expect(charts(empty)).to.equal(0);
  });

  it("offers the return as the DfE's CSV in personal chat, made again when accepted, sharing no case", async () => {
    await ask(people.manager, `dfe return ${census}`);
    const consent = h.teams
      .replies(personalConversationId(people.manager))
      .flatMap(
        (reply) =>
          (reply.body.attachments ?? []) as {
            contentType: string;
            name: string;
            content: { acceptContext: unknown };
          }[],
      )
      .find((attachment) => attachment.contentType === "application/vnd.microsoft.teams.card.file.consent");
    expect(consent?.name).to.equal(`dfe-cme-return-${census}.csv`);
    const response = await h.send({
      ...personalMessage(h.teams, people.manager, ""),
      type: "invoke",
      name: "fileConsent/invoke",
      value: {
        type: "fileUpload",
        action: "accept",
        context: consent?.content.acceptContext,
        uploadInfo: {
          name: consent?.name,
          uploadUrl: `${h.teams.url}upload/${consent?.name}`,
          uniqueId: "f1",
          fileType: "csv",
        },
      },
    });
    expect(response.status).to.equal(200);
    const lines = h.teams.uploads[0]?.body.trim().split("\r\n") ?? [];
    expect(lines[0]).to.equal("measure,breakdown_topic,breakdown,child_count");
    expect(lines).to.include("census_day,Total,Total,3");
    expect(lines).to.include("census_day,Reason,Not recorded,1");
    expect(lines).to.include("any_time_in_year,Total,Total,1");
    // Counts name no child: no case records a share.
    const cases = await Promise.all(plans().map((plan) => h.app.services.cases.get(plan.reference)));
    expect(
      cases.flatMap((each) => each?.events ?? []).filter((event) => event.type === "shared"),
    ).to.deep.equal([]);
  });

  it("refuses a referrer, and says how to ask when the date or words are wrong", async () => {
    expect((await ask(people.dsl, "dfe return"))?.body.text).to.equal(
      "The DfE return is for CME officers and managers.",
    );
    expect((await ask(people.officer, "dfe return 2026-13-45"))?.body.text).to.match(
      /is not a date.*Say 'dfe return'/,
    );
    expect((await ask(people.officer, "dfe return 2027-01-21"))?.body.text).to.match(/after today/);
    expect((await ask(people.officer, "dfe returns"))?.body.text).to.match(/^Say 'dfe return'/);
  });

  it("brings the return to the channel the working day after the census day and a week before it is due, once each", async () => {
    const queueAt = async (day: string) => {
      clock = new Date(ukInstant(day, "09:00"));
      const queued = await queueDfeReturnNotices(
        {
          ...h.app.services,
          calendar: h.app.services.clocks.calendar,
          censusDates: h.app.services.config.censusDates,
        },
        clock,
      );
      await h.app.services.outbox.idle();
      return queued;
    };
    const returnCards = () =>
      h.teams
        .posts(channelId)
        .map((post) => cardText(cardIn(post)))
        .filter((text) => text.includes("DfE CME return"));
    expect(await queueAt(census)).to.equal(0); // the census day itself: not yet
    expect(await queueAt("2026-10-02")).to.equal(1); // the next working day
    expect(await queueAt("2026-10-05")).to.equal(0);
    expect(await queueAt("2026-10-22")).to.equal(1); // a week before 29 October
    expect(await queueAt("2026-10-29")).to.equal(0);
    expect(await queueAt("2026-10-30")).to.equal(0); // after it was due
    const cards = returnCards();
    expect(cards).to.have.length(2);
    expect(cards[0])
      .to.include("DfE CME return: census day 1 Oct 2026")
      .and.include('"value":"3"')
      .and.include("29 Oct 2026");
    expect(cards[1]).to.include("due in a week");

    // The card's button gives whoever presses it (in the team) the tables; a referrer is refused.
    const post = h.teams.posts(channelId).find((each) => cardText(cardIn(each)).includes("DfE CME return:"));
    const data = actionData(cardIn(post!), "dfe.return");
    const tables = invokeCard(
      await h.send(cardAction(h.teams, people.officer, "channel", "dfe.return", data)),
    );
    expect(cardText(tables)).to.include("Census day 1 Oct 2026: 3 children CME");
    const refused = await h.send(cardAction(h.teams, people.dsl, "channel", "dfe.return", data));
    expect(JSON.stringify(refused.body)).to.include("for CME officers and managers");
  });
});
