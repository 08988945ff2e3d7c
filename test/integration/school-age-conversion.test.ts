import { expect } from "chai";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
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
import { goodEarlyYearsAnswers, refer } from "../support/referral-walk.js";
import { dfeBandOfWeeks } from "../support/dfe-bands.js";

/*
 * An early-years child reaching compulsory school age. Born 31 December 2021: the fifth birthday,
 * 31 December 2026, is itself one of the three start dates (s.8 Education Act 1996), so compulsory
 * school age starts that day. Twenty working days before it, counting back over Christmas (Friday
 * 25th and Monday 28th, the substitute for Boxing Day, are bank holidays), is Tuesday 1 December.
 */
const dateOfBirth = "2021-12-31";
const reachesSchoolAge = "2026-12-31";
const answers = { ...goodEarlyYearsAnswers, child: { ...goodEarlyYearsAnswers.child, dateOfBirth } };
const reference = "CME-2026-00001";

describe("early-years children reaching school age", () => {
  let h: Harness;
  let clock = new Date("2026-11-23T10:00:00Z"); // a Monday
  beforeEach(async () => {
    clock = new Date("2026-11-23T10:00:00Z");
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const stored = async () => (await h.app.services.cases.get(reference))!;
  const cardFor = async () =>
    invokeCard(
      await h.send(cardAction(h.teams, people.officer, "channel", "case.refresh", { caseId: reference })),
    );
  const press = async (verb: string, inputs: Record<string, unknown>, who: Who = people.officer) =>
    h.send(
      cardAction(h.teams, who, "channel", verb, {
        ...actionData(await cardFor(), verb),
        ...inputs,
      }),
    );
  const schoolAgePosts = () =>
    h.teams
      .posts(channelId)
      .filter((post) => cardText(cardIn(post)).includes(`Reaching school age: ${reference}`));
  const sweep = async (at: string) => {
    clock = new Date(at);
    const result = await sweepEscalations(h.app.services, clock);
    if (result.kind !== "swept") throw new Error("the sweep was busy");
    return result;
  };
  const referAndStart = async () => {
    await refer(h, people.earlyYears, answers, "refer early years");
    await press("case.assignToMe", {});
    await press("case.triage", { "triage.dfeReason": "other", "triage.cmeStartDate": "2026-11-02" });
  };

  it("raises 'check the school application' once, 20 working days before, to the owner, and shows it on the case card", async () => {
    await referAndStart();
    const early = await sweep("2026-12-01T08:59:00Z");
    expect(early.fired.map((f) => f.rule)).not.to.include("earlyYearsSchoolAge");

    const first = await sweep("2026-12-01T09:00:00Z");
    expect(
      first.fired.filter((f) => f.rule === "earlyYearsSchoolAge").map((f) => `${f.level}:${f.notify}`),
    ).to.deep.equal(["1:owner"]);
    await sweep("2026-12-01T09:00:00Z");
    await sweep("2026-12-02T10:00:00Z");
    await h.app.services.outbox.idle();
    expect(schoolAgePosts()).to.have.length(1);
    const text = cardText(cardIn(schoolAgePosts()[0]!));
    expect(text).to.include("check the school application");
    expect(text).to.include("Compulsory school age starts on 31 Dec 2026");
    expect(text).to.include(`<at>${people.officer.name}</at>`);
    expect(cardText(await cardFor())).to.include("Reaching school age since 1 Dec 2026, 09:00");
    expect((await stored()).kind).to.equal("early-years");
  });

  it("makes the case school-age on its day (not the day before), once however many sweeps, and updates its card; history and details still show it", async () => {
    await referAndStart();
    await sweep("2026-12-30T23:59:00Z"); // 23:59 on the 30th in London (GMT)
    expect((await stored()).kind).to.equal("early-years");
    const before = await stored();
    expect(before.nextCheckAt).to.equal("2026-12-31T00:00:00.000Z");

    // Two sweeps at once (one waits on the lease), and a note written at the same moment.
    const [one, two] = await Promise.all([
      sweep("2026-12-31T00:05:00Z"),
      sweepEscalations(h.app.services, new Date("2026-12-31T00:05:00Z")),
      press("case.addNote", { "addNote.note": "Mother called" }),
    ]);
    const convertedBy = [
      one.convertedToSchoolAge,
      two.kind === "swept" ? two.convertedToSchoolAge : [],
    ].flat();
    expect(convertedBy).to.deep.equal([reference]);
    // And again, as if the first had crashed before moving the case's check on.
    await h.app.services.cases.update(reference, (current) =>
      current ? { ...current, nextCheckAt: before.nextCheckAt } : undefined,
    );
    expect((await sweep("2026-12-31T01:00:00Z")).convertedToSchoolAge).to.deep.equal([]);

    const after = await stored();
    expect(after.kind).to.equal("school-age");
    expect(after.events.filter((event) => event.type === "note")).to.have.length(1);
    const conversions = after.events.filter((event) => event.type === "reached-school-age");
    expect(conversions).to.have.length(1);
    expect(conversions[0]).to.include({
      at: "2026-12-31T00:05:00.000Z",
      from: "early-years",
      to: "school-age",
    });
    expect(conversions[0]?.by.id).to.equal("system:school-age");
    expect(conversions[0]?.reason).to.include("31 Dec 2026");
    // The answers are as submitted: the early-years form.
    expect(after.referral.school.school).to.equal(answers.school.school);

    await h.app.services.outbox.idle();
    const post = h.teams.posts(channelId).find((each) => cardText(cardIn(each)).includes(reference));
    const updates = h.teams.updates(channelId, post!.id);
    expect(cardText(cardIn(updates.at(-1)!))).to.include(
      "School-age CME referral (early years until 31 Dec 2026)",
    );
    const card = await cardFor();
    expect(cardText(card)).to.include("Setting").and.include(answers.school.school);
    expect(cardText(card)).to.include("Unexplained");

    const details = invokeCard(
      await h.send(
        cardAction(h.teams, people.officer, "channel", "case.details", actionData(card, "case.details")),
      ),
    );
    expect(cardText(details)).to.include(answers.school.school);
    await h.send(personalMessage(h.teams, people.officer, `history ${reference}`));
    const history = cardText(cardIn(h.teams.replies(personalConversationId(people.officer)).at(-1)!));
    expect(history).to.include("Became a school-age case (was early years)");
    expect(history).to.include("Reached compulsory school age on 31 Dec 2026");
    // A child on no school's roll: no joint-enquiries decision to make.
    expect(JSON.stringify(card)).not.to.include("case.decideJointEnquiries");
  });

  it("counts the case in the DfE return from the day it became school-age", async () => {
    await referAndStart();
    await sweep("2026-12-31T00:05:00Z");
    clock = new Date("2027-01-05T10:00:00Z");
    const countOn = async (census: string) => {
      const before = h.teams.replies(personalConversationId(people.officer)).length;
      await h.send(personalMessage(h.teams, people.officer, `dfe return ${census}`));
      const text = cardText(cardIn(h.teams.replies(personalConversationId(people.officer))[before]!));
      return Number(/Census day [^:]+: (\d+) child/.exec(text)?.[1]);
    };
    // Expected from the case's dates: missing since 2 Nov 2026, open throughout, and of
    // compulsory school age (so in the return) from the day it starts, that day included.
    for (const census of ["2026-12-30", "2026-12-31", "2027-01-04"]) {
      expect(await countOn(census), census).to.equal(census >= reachesSchoolAge ? 1 : 0);
    }
  });

  it("raises the notice and converts on time a case stored before the school-age clock, with its check at the long-running clock's", async () => {
    await referAndStart();
    // As the code before the school-age clock stored it: no such clock, the next check at the
    // long-running clock's level, weeks after the day the child reaches school age.
    await h.app.services.cases.update(reference, (current) => {
      if (!current) return undefined;
      const clockLevels = (current.clockLevels ?? []).filter((level) => level.rule !== "earlyYearsSchoolAge");
      const longRunning = clockLevels.find((level) => level.rule === "longRunning");
      return { ...current, clockLevels, nextCheckAt: longRunning?.at };
    });
    const oldCheck = (await stored()).nextCheckAt;
    expect(oldCheck)
      .to.be.a("string")
      .and.satisfy((at: string) => at > reachesSchoolAge);

    const onNoticeDay = await sweep("2026-12-01T09:00:00Z");
    expect(onNoticeDay.fired.filter((f) => f.rule === "earlyYearsSchoolAge")).to.have.length(1);
    await sweep("2026-12-01T09:30:00Z");
    await sweep("2026-12-02T10:00:00Z");
    await h.app.services.outbox.idle();
    expect(schoolAgePosts()).to.have.length(1);
    // Put right: checked again by the day (and no longer read as late).
    expect((await stored()).nextCheckAt! <= "2026-12-31T00:00:00.000Z").to.equal(true);

    expect((await sweep("2026-12-31T00:05:00Z")).convertedToSchoolAge).to.deep.equal([reference]);
    expect((await stored()).kind).to.equal("school-age");
    await h.app.services.outbox.idle();
    expect(schoolAgePosts()).to.have.length(1);
  });

  it("gives a converted case's duration in the DfE return from the day it became school-age, not its earlier CME start", async () => {
    const cmeStartDate = "2026-06-01";
    await refer(h, people.earlyYears, answers, "refer early years");
    await press("case.assignToMe", {});
    await press("case.triage", { "triage.dfeReason": "other", "triage.cmeStartDate": cmeStartDate });
    await sweep("2026-12-31T00:05:00Z");
    const census = "2027-01-20";
    clock = new Date("2027-01-21T10:00:00Z");
    const before = h.teams.replies(personalConversationId(people.officer)).length;
    await h.send(personalMessage(h.teams, people.officer, `dfe return ${census}`));
    const card = cardIn(h.teams.replies(personalConversationId(people.officer))[before]!);
    // The census day's Duration table (the first; the year's measure has none): the band counting 1.
    const durationTable = JSON.stringify(card).match(/"text":"Duration"[^\]]*?"facts":\[(.*?)\]/)?.[1];
    const counted = [...(durationTable ?? "").matchAll(/"title":"([^"]+)","value":"1"/g)].map((m) => m[1]);
    // Whole weeks from the day the child reached compulsory school age (later than the CME start).
    const weeks = Math.floor((Date.parse(census) - Date.parse(reachesSchoolAge)) / (7 * 86_400_000));
    expect(reachesSchoolAge > cmeStartDate).to.equal(true);
    expect(counted).to.deep.equal([dfeBandOfWeeks(weeks)]);
  });

  it("raises nothing and converts nothing for a case closed before the date, even after it", async () => {
    await refer(h, people.earlyYears, answers, "refer early years");
    // A manager's closure needs no sign-off: closed at once.
    await press("case.close", { "close.outcome": "not-cme" }, people.manager);
    expect((await stored()).status).to.equal("closed");
    await sweep("2026-12-01T09:00:00Z");
    await sweep("2027-01-04T10:00:00Z");
    await h.app.services.outbox.idle();
    expect(schoolAgePosts()).to.have.length(0);
    const closed = await stored();
    expect(closed.kind).to.equal("early-years");
    expect(closed.events.filter((event) => event.type === "reached-school-age")).to.have.length(0);
  });

  it("converts at the next sweep a case made after its clock's time and swept only after the day, raising no school-application card", async () => {
    clock = new Date("2026-12-30T16:00:00Z"); // the day before: the child is still under school age
    await refer(h, people.earlyYears, answers, "refer early years");
    expect((await stored()).kind).to.equal("early-years");
    // No sweep until after New Year (the sweep was down): the next one converts it.
    const swept = await sweep("2027-01-04T10:00:00Z");
    expect(swept.convertedToSchoolAge).to.deep.equal([reference]);
    expect(swept.fired.map((f) => f.rule)).not.to.include("earlyYearsSchoolAge");
    expect((await stored()).kind).to.equal("school-age");
    await h.app.services.outbox.idle();
    expect(schoolAgePosts()).to.have.length(0);
  });
});
