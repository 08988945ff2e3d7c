import { formCaseOf } from "../support/sample-case.js";
import { expect } from "chai";
import { applyCaseAction, type ActionResult } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import { matchKeysOf } from "../../bot/referrals/submitted-referral.js";
import { withNextCheck } from "../../bot/escalations/due.js";
import { sweepEscalations } from "../../bot/escalations/sweep.js";
import type { Actor } from "../../bot/shared/person.js";
import { maxCardBytes } from "../../bot/teams/render-card.js";
import {
  actionData,
  cardAction,
  cardActions,
  cardIn,
  cardText,
  channelId,
  channelMessage,
  invokeCard,
  invokeMessage,
  people,
  personalConversationId,
  personalMessage,
  startHarness,
  tenantId,
  type Harness,
  type Who,
} from "../support/harness.js";
import { sampleCase } from "../support/sample-case.js";

const now = new Date("2026-11-23T10:00:00Z"); // a Monday
const dayMs = 86_400_000;

/** What a test seeds: the expected numbers are worked out from these, never by the report code. */
interface Seed {
  readonly n: number;
  readonly surname: string;
  readonly urgent: boolean;
  readonly owner?: { id: string; name: string };
  /** Start enquiries (in progress), the CME start date the day it was submitted. */
  readonly triaged: boolean;
  /** An officer closes it as "died": waiting for a manager's sign-off. */
  readonly pendingClosure: boolean;
  /** A manager closes it as not CME. */
  readonly closed: boolean;
  /** Days before now it was submitted: 0 means half an hour ago (no clock due yet). */
  readonly daysAgo: number;
  /** Stored as the bot writes cases (with its clock levels), or as an older case without them. */
  readonly written: boolean;
}

const reference = (n: number) => `CME-2026-${String(n).padStart(5, "0")}`;
const actorFor = (person: { id: string; name: string }, manager = false): Actor => ({
  ...person,
  roles: new Set(manager ? ["officer", "manager"] : ["officer"]),
});
const ok = (result: ActionResult): Case => {
  if (!result.ok) throw new Error(result.reason);
  return result.case;
};
const submittedAt = (seed: Seed) =>
  new Date(seed.daysAgo === 0 ? now.getTime() - 30 * 60_000 : now.getTime() - seed.daysAgo * dayMs);
const ukDay = (at: Date) => at.toISOString().slice(0, 10);

/** A real case: submitted through the wizard's rules, worked with the real actions at its own time. */
function caseOf(h: Harness, seed: Seed): Case {
  const at = submittedAt(seed);
  const context = { now: at, today: ukDay(at), signOffOutcomes: ["died" as const] };
  // The sample answers are valid today; the case is then dated to when this one was submitted.
  const sample = sampleCase("early-years", now, ukDay(now));
  const made: Case = {
    ...sample,
    submittedAt: at.toISOString(),
    events: sample.events.map((event) => ({ ...event, at: at.toISOString() })),
  };
  const child = { ...made.referral.child, surname: seed.surname };
  // Last attended ten days before the referral: before triage, how long missing counts from then.
  const school = { ...made.referral.school, dateLastAttended: ukDay(new Date(at.getTime() - 10 * dayMs)) };
  let current: Case = {
    ...made,
    id: reference(seed.n),
    urgent: seed.urgent,
    referral: { ...made.referral, child, school } as Case["referral"],
    matchKeys: matchKeysOf(child),
  };
  const worker = seed.owner ?? { id: "29:manager", name: "Mina Manager" };
  if (seed.owner) current = ok(applyCaseAction("assignToMe", current, actorFor(seed.owner), {}, context));
  if (seed.triaged)
    current = ok(
      applyCaseAction(
        "triage",
        current,
        actorFor(worker),
        { dfeReason: "unknown", cmeStartDate: ukDay(at) },
        context,
      ),
    );
  if (seed.pendingClosure)
    current = ok(applyCaseAction("close", current, actorFor(worker), { outcome: "died" }, context));
  if (seed.closed)
    current = ok(applyCaseAction("close", current, actorFor(worker, true), { outcome: "not-cme" }, context));
  return seed.written ? withNextCheck(current, h.app.services.clocks, at) : current;
}

async function seed(h: Harness, seeds: readonly Seed[]): Promise<void> {
  for (const each of seeds) await h.app.services.cases.create(caseOf(h, each));
}

/** The DfE's duration bands (under 2 weeks, 2–4, 4–8, 8–12, 12–26, 26–52, over 52), written out here to check the card against. */
function band(days: number): string {
  const weeks = Math.floor(days / 7);
  if (weeks < 2) return "Less than 2 weeks";
  if (weeks < 4) return "2 to 4 weeks";
  if (weeks < 8) return "4 to 8 weeks";
  if (weeks < 12) return "8 to 12 weeks";
  if (weeks < 26) return "12 to 26 weeks";
  if (weeks < 52) return "26 to 52 weeks";
  return "Over 52 weeks";
}

/** The numbers a chart on the card shows, by its label. */
function chart(card: unknown, title: string): Record<string, number> {
  let found: { x?: string; y?: number; legend?: string; value?: number }[] | undefined;
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (typeof record.type === "string" && record.type.startsWith("Chart.") && record.title === title)
        found = record.data as typeof found;
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error(`no chart '${title}'`);
  return Object.fromEntries(
    found.map((point): [string, number] => [point.x ?? point.legend ?? "", point.y ?? point.value ?? NaN]),
  );
}

function facts(card: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "FactSet" && record !== null)
        for (const fact of record.facts as { title: string; value: string }[]) found[fact.title] = fact.value;
      if (record.type !== "FactSet") Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const olu = { id: people.officer.id, name: people.officer.name };
const omar = { id: people.officer2.id, name: people.officer2.name };

/** A mix: old and fresh, urgent and not, owned by two officers or nobody, one closed, two waiting for sign-off, some older documents. */
const mixed: Seed[] = Array.from({ length: 24 }, (_, i) => ({
  n: i + 1,
  surname: i % 4 === 0 ? "Smith" : `Family${i}`,
  urgent: i % 5 === 0,
  ...(i % 3 === 0 ? {} : { owner: i % 3 === 1 ? olu : omar }),
  triaged: i % 3 !== 0 && i % 2 === 0,
  pendingClosure: i === 2 || i === 4,
  closed: i === 8,
  // A week apart, so the most overdue is the oldest whatever its first clock (none runs over 5 days).
  daysAgo: i % 4 === 3 ? 0 : 8 + 7 * i + (i % 5 === 4 ? 300 : 0),
  written: i % 6 !== 5,
}));

describe("managers' status and lists", () => {
  let h: Harness;
  let clock = now;
  beforeEach(async () => {
    clock = now;
    h = await startHarness({ ALLOWED_TENANT_IDS: tenantId }, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const lastCard = (who: Who) => cardIn(h.teams.replies(personalConversationId(who)).at(-1)!);
  const lastText = (who: Who) => h.teams.replies(personalConversationId(who)).at(-1)?.body.text as string;
  const say = async (who: Who, text: string) => {
    await h.send(personalMessage(h.teams, who, text));
  };
  /** Presses the card's list button (the one whose data matches) in personal chat: the list it answers. */
  const pressList = async (who: Who, card: Record<string, unknown>, match: Record<string, unknown>) =>
    invokeCard(
      await h.send(cardAction(h.teams, who, "personal", "cases.list", actionData(card, "cases.list", match))),
    );

  it("shows the picture of the open cases to officers and managers, counted from what was seeded", async () => {
    await seed(h, mixed);
    await sweepEscalations(h.app.services, now);
    const open = mixed.filter((s) => !s.closed);
    const overdue = open.filter((s) => s.daysAgo > 0);

    for (const who of [people.officer, people.manager]) {
      await say(who, "status");
      const card = lastCard(who);
      expect(cardText(card)).to.include(
        `${open.length} open, ${open.filter((s) => !s.owner).length} unassigned (1 closed)`,
      );
      expect(chart(card, "Open cases by status")).to.deep.include({
        New: open.filter((s) => !s.triaged).length,
        "In progress": open.filter((s) => s.triaged).length,
      });
      expect(chart(card, "Open cases by priority")).to.deep.equal({
        Urgent: open.filter((s) => s.urgent).length,
        Normal: open.filter((s) => !s.urgent).length,
      });
      expect(chart(card, "Open cases by owner")).to.deep.equal({
        [olu.name]: open.filter((s) => s.owner === olu).length,
        [omar.name]: open.filter((s) => s.owner === omar).length,
        Unassigned: open.filter((s) => !s.owner).length,
      });
      const bands = chart(
        card,
        "Open cases by how long missing (from the CME start date; before triage, the date last attended)",
      );
      // Triaged: from the CME start date (the day referred here); before triage: from the date last attended.
      const missingFor = (s: Seed) => band(s.triaged ? s.daysAgo : s.daysAgo + 10);
      for (const label of new Set(open.map(missingFor)))
        expect(bands[label], label).to.equal(open.filter((s) => missingFor(s) === label).length);
      const shown = facts(card);
      expect(shown["Overdue now"]).to.equal(String(overdue.length));
      // The sweep escalates what is due on the cases it can see (older documents wait for their next write).
      expect(shown["Escalated in the last 7 days"]).to.equal(String(overdue.filter((s) => s.written).length));
      expect(shown["Closures waiting for a manager's sign-off"]).to.equal("2");
      expect(shown["Posts Teams would not take"]).to.equal("0");
      expect(cardText(card)).to.include("do not cover today");
    }
  });

  it("in the channel carries counts only, and its list buttons answer in personal chat only", async () => {
    await seed(h, mixed);
    await h.send(channelMessage(h.teams, people.manager, "status"));
    const card = cardIn(h.teams.replies(`${channelId};messageid=1`).at(-1)!);
    for (const s of mixed) expect(cardText(card)).not.to.include(s.surname === "Smith" ? "Smith" : s.surname);
    const data = actionData(card, "cases.list", { list: "overdue" });
    const answer = invokeMessage(
      await h.send(cardAction(h.teams, people.manager, "channel", "cases.list", data)),
    );
    expect(answer).to.match(/personal chat/);
  });

  it("lists the cases escalated in the last seven days from the status card, each saying what was escalated", async () => {
    await seed(h, mixed);
    await sweepEscalations(h.app.services, now);
    // The sweep escalates what is overdue on the cases it can see (older documents wait for their next write).
    const escalated = mixed.filter((s) => !s.closed && s.daysAgo > 0 && s.written).map((s) => reference(s.n));
    await say(people.manager, "status");
    const status = lastCard(people.manager);
    const list = await pressList(people.manager, status, { list: "escalated" });
    expect(cardText(list)).to.include("Escalated in the last 7 days");
    expect(cardText(list)).to.include(
      `${escalated.length} cases, page 1 of ${Math.ceil(escalated.length / 10)}`,
    );
    const opened = cardActions(list)
      .filter((a) => a.verb === "case.refresh")
      .map((a) => a.data.caseId as string);
    expect(opened).to.have.length(Math.min(10, escalated.length));
    for (const each of opened) expect(escalated).to.include(each);
    expect(cardText(list)).to.match(/escalated \d+ \w+ 2026/);
  });

  it("lists what is overdue, most overdue first, a page at a time, each row opening its case", async () => {
    await seed(h, mixed);
    const expected = mixed
      .filter((s) => !s.closed && s.daysAgo > 0)
      .sort((a, b) => b.daysAgo - a.daysAgo)
      .map((s) => reference(s.n));
    await say(people.officer, "overdue");
    const first = lastCard(people.officer);
    const opens = (card: unknown) =>
      cardActions(card)
        .filter((a) => a.verb === "case.refresh")
        .map((a) => a.data.caseId);
    expect(opens(first)).to.deep.equal(expected.slice(0, 10));
    expect(cardText(first)).to.include(`${expected.length} cases, page 1 of 2`);
    expect(cardText(first)).to.match(/since \d+ \w+ 2026/);
    const second = await pressList(people.officer, first, { list: "overdue" });
    expect(opens(second)).to.deep.equal(expected.slice(10));
    const opened = invokeCard(
      await h.send(cardAction(h.teams, people.officer, "personal", "case.refresh", { caseId: expected[0] })),
    );
    expect(cardText(opened)).to.include(expected[0]);
  });

  it("gives each officer's caseload, then the unassigned, and lists an officer's cases", async () => {
    await seed(h, mixed);
    const open = mixed.filter((s) => !s.closed);
    await say(people.manager, "caseload");
    const card = lastCard(people.manager);
    for (const officer of [olu, omar]) {
      const theirs = open.filter((s) => s.owner === officer);
      expect(cardText(card)).to.include(
        `${theirs.length} open, ${theirs.filter((s) => s.urgent).length} urgent, ${theirs.filter((s) => s.daysAgo > 0).length} overdue`,
      );
    }
    const none = open.filter((s) => !s.owner);
    expect(cardText(card)).to.include(
      `${none.length} open, ${none.filter((s) => s.urgent).length} urgent, ${none.filter((s) => s.daysAgo > 0).length} overdue`,
    );
    const omarsList = await pressList(people.manager, card, { officer: omar.id });
    const listed = cardActions(omarsList).filter((a) => a.verb === "case.refresh").length;
    expect(listed).to.equal(Math.min(10, open.filter((s) => s.owner === omar).length));
  });

  it("lists the unassigned cases from the caseload card, longest waiting first", async () => {
    await seed(h, mixed);
    const unassigned = mixed
      .filter((s) => !s.closed && !s.owner)
      .sort((a, b) => b.daysAgo - a.daysAgo)
      .map((s) => reference(s.n));
    await say(people.officer, "caseload");
    const list = await pressList(people.officer, lastCard(people.officer), { list: "unassigned" });
    expect(cardText(list)).to.include("Unassigned cases").and.include(`${unassigned.length} cases`);
    const opened = cardActions(list)
      .filter((a) => a.verb === "case.refresh")
      .map((a) => a.data.caseId as string);
    // All of them fit one page; cases submitted at the same moment may come in either order.
    expect([...opened].sort()).to.deep.equal([...unassigned].sort());
    expect(opened[0]).to.equal(unassigned[0]);
  });

  it("finds cases by surname (case-blind), UPN or reference: open ones first, then closed", async () => {
    await seed(h, mixed);
    const smiths = mixed.filter((s) => s.surname === "Smith");
    await say(people.officer, "find SMITH");
    const refs = cardActions(lastCard(people.officer))
      .filter((a) => a.verb === "case.refresh")
      .map((a) => a.data.caseId);
    expect([...refs].sort()).to.deep.equal(smiths.map((s) => reference(s.n)).sort());
    const closedAt = refs.findIndex((r) => smiths.find((s) => reference(s.n) === r)?.closed);
    const openAfterClosed = refs
      .slice(closedAt + 1)
      .some((r) => !smiths.find((s) => reference(s.n) === r)?.closed);
    if (closedAt >= 0) expect(openAfterClosed).to.equal(false);

    // A child with a UPN (one whose check letter is right), found by it case-blind; another UPN finds nothing.
    const upn = "K856201200001";
    const withUpn = formCaseOf(
      caseOf(h, {
        n: 900,
        surname: "Upnchild",
        urgent: false,
        triaged: true,
        pendingClosure: false,
        closed: false,
        daysAgo: 3,
        written: true,
      }),
    );
    const child = { ...withUpn.referral.child, upn };
    await h.app.services.cases.create({
      ...withUpn,
      referral: { ...withUpn.referral, child },
      matchKeys: matchKeysOf(child),
    });
    await say(people.officer, `find ${upn.toLowerCase()}`);
    expect(
      cardActions(lastCard(people.officer))
        .filter((a) => a.verb === "case.refresh")
        .map((a) => a.data.caseId),
    ).to.deep.equal([reference(900)]);
    await say(people.officer, "find Z856201200002");
    expect(cardText(lastCard(people.officer))).to.include("No case matches");

    await say(people.officer, `find ${reference(3).toLowerCase()}`);
    expect(cardActions(lastCard(people.officer)).map((a) => a.data.caseId)).to.include(reference(3));
    await say(people.officer, "find Nobody");
    expect(cardText(lastCard(people.officer))).to.include("No case matches");
    await say(people.officer, `show ${reference(4)}`);
    expect(cardText(lastCard(people.officer))).to.include(reference(4));
  });

  it("refuses referrers every new command and button, and another organisation everything", async () => {
    await seed(h, mixed.slice(0, 3));
    for (const command of ["status", "overdue", "caseload", "find Smith", `show ${reference(1)}`]) {
      await say(people.dsl, command);
      expect(lastText(people.dsl), command).to.match(/for the CME team/);
    }
    for (const data of [
      { list: "overdue", page: 0 },
      { list: "find", search: "smith", page: 0 },
    ]) {
      const answer = invokeMessage(
        await h.send(cardAction(h.teams, people.dsl, "personal", "cases.list", data)),
      );
      expect(answer).to.match(/for the CME team/);
    }
    const bad = invokeMessage(
      await h.send(
        cardAction(h.teams, people.officer, "personal", "cases.list", { list: "everything", page: -1 }),
      ),
    );
    expect(bad).to.match(/does not say which list/);

    const foreign = {
      ...personalMessage(h.teams, people.manager, "overdue"),
      conversation: {
        id: personalConversationId(people.manager),
        conversationType: "personal",
        tenantId: "other-tenant",
      },
      channelData: { tenant: { id: "other-tenant" } },
    };
    await h.send(foreign);
    expect(lastText(people.manager)).to.match(/not set up to use CME Referrals/);
    const foreignButton = cardAction(h.teams, people.manager, "personal", "cases.list", {
      list: "overdue",
      page: 0,
    });
    const refused = await h.send({
      ...foreignButton,
      conversation: { ...foreignButton.conversation, tenantId: "other-tenant" },
      channelData: { tenant: { id: "other-tenant" } },
    });
    expect(JSON.stringify(refused.body)).to.include("not allowed to use CME Referrals");
  });

  it("keeps every card under 28 KB with 60 officers and 500 overdue cases, paging the lists", async () => {
    const officers = Array.from({ length: 60 }, (_, i) => ({
      id: `29:officer-${i}`,
      name: `${"Officer ".repeat(12)}${i}`,
    }));
    const many: Seed[] = Array.from({ length: 500 }, (_, i) => ({
      n: i + 1,
      surname: `${"Surname".repeat(14)}${i}`,
      urgent: i % 2 === 0,
      owner: officers[i % 60],
      triaged: true,
      pendingClosure: false,
      closed: false,
      daysAgo: 10 + (i % 300),
      written: true,
    }));
    await seed(h, many);
    const size = (card: unknown) => Buffer.byteLength(JSON.stringify(card));
    await say(people.manager, "status");
    expect(size(lastCard(people.manager))).to.be.below(maxCardBytes);
    expect(facts(lastCard(people.manager))["Overdue now"]).to.equal("500");
    await say(people.manager, "overdue");
    let card = lastCard(people.manager);
    expect(size(card)).to.be.below(maxCardBytes);
    expect(cardText(card)).to.include("500 cases, page 1 of 50");
    const last = { ...actionData(card, "cases.list", { list: "overdue" }), page: 49 };
    card = invokeCard(await h.send(cardAction(h.teams, people.manager, "personal", "cases.list", last)));
    expect(size(card)).to.be.below(maxCardBytes);
    expect(cardText(card)).to.include("page 50 of 50");
    expect(cardActions(card).filter((a) => a.title === "Next")).to.have.length(0);
    await say(people.manager, "caseload");
    card = lastCard(people.manager);
    expect(size(card)).to.be.below(maxCardBytes);
    expect(cardText(card)).to.include("60 officers with open cases, page 1 of 6");
  });
});
