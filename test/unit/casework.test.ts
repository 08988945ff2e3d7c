import { expect } from "chai";
import {
  applyCaseAction,
  canMove,
  caseActionNames,
  nextStatuses,
  refusalFor,
  type ActionContext,
  type CaseActionName,
} from "../../bot/cases/actions.js";
import { caseStatuses, revisionOf, type Case, type CaseStatus } from "../../bot/cases/case.js";
import type { Actor } from "../../bot/shared/person.js";
import type { ReferralKind } from "../../bot/referrals/draft.js";
import { formCaseOf, sampleCase } from "../support/sample-case.js";

const now = new Date("2026-11-28T10:00:00Z");
const context: ActionContext = {
  now,
  today: "2026-11-28",
  signOffOutcomes: ["died", "not-cme", "moved-abroad"],
};
const referrer = { id: "29:dsl", name: "Dana" };
const officer: Actor = { id: "29:o1", name: "Olu", roles: new Set(["officer"]) };
const manager: Actor = { id: "29:m", name: "Mina", roles: new Set(["officer", "manager"]) };
const outsider: Actor = { id: "29:x", name: "Xavier", roles: new Set() };
const theReferrer: Actor = { ...referrer, roles: new Set() };

function newCase(kind: ReferralKind = "school-age"): Case {
  return sampleCase(kind, now, context.today);
}

/** Applies an action that must succeed, returning the new case. */
function done(current: Case, name: CaseActionName, actor: Actor, input: Record<string, unknown> = {}): Case {
  const result = applyCaseAction(name, current, actor, input, context);
  if (!result.ok) throw new Error(`${name} refused: ${result.reason}`);
  return result.case;
}

function refused(current: Case, name: CaseActionName, actor: Actor, input: Record<string, unknown> = {}) {
  const result = applyCaseAction(name, current, actor, input, context);
  if (result.ok) throw new Error(`${name} was allowed`);
  return result.reason;
}

const triage = { dfeReason: "unknown", cmeStartDate: "2026-11-02" };

/** A case in each status, reached through the actions themselves. */
function caseIn(status: CaseStatus): Case {
  const started = done(newCase(), "triage", officer, triage);
  switch (status) {
    case "new":
      return newCase();
    case "in_progress":
      return started;
    case "info_requested":
      return done(started, "requestInfo", officer, { question: "Which school did the sibling move to?" });
    case "located":
    case "tracking":
      return done(started, "changeStatus", officer, { to: status, reason: "enquiries" });
    case "closed":
      return done(started, "close", officer, { outcome: "on-roll-leicestershire" });
  }
}

describe("the case state machine", () => {
  // Where each status may go next, written out here from the case's table of statuses.
  const allowed: Record<CaseStatus, CaseStatus[]> = {
    new: ["in_progress", "closed"],
    in_progress: ["info_requested", "located", "tracking", "closed"],
    info_requested: ["in_progress"],
    located: ["in_progress", "closed"],
    tracking: ["in_progress", "closed"],
    closed: ["in_progress"],
  };
  /** Every action a manager (or the referrer, for answers) could try, with inputs that pass. */
  const attempts = (current: Case) => [
    applyCaseAction("triage", current, manager, triage, context),
    ...(["in_progress", "located", "tracking"] as const).map((to) =>
      applyCaseAction("changeStatus", current, manager, { to, reason: "because" }, context),
    ),
    applyCaseAction("requestInfo", current, manager, { question: "Where?" }, context),
    applyCaseAction(
      "answerInfo",
      current,
      theReferrer,
      { requestId: current.infoRequests.at(-1)?.id ?? "1", answer: "There" },
      context,
    ),
    ...(["not-cme", "on-roll-leicestershire"] as const).map((outcome) =>
      applyCaseAction("close", current, manager, { outcome }, context),
    ),
    applyCaseAction("reopen", current, manager, { reason: "seen again", ...triage }, context),
  ];
  for (const from of caseStatuses) {
    it(`from ${from}, the actions reach exactly ${allowed[from].join(", ")}`, () => {
      expect(nextStatuses[from]).to.have.members(allowed[from]);
      const current = caseIn(from);
      expect(current.status).to.equal(from);
      const reached = new Set(
        attempts(current)
          .filter((result) => result.ok)
          .map((result) => (result.ok ? result.case.status : from))
          .filter((status) => status !== from),
      );
      expect([...reached]).to.have.members(allowed[from]);
      for (const to of caseStatuses) expect(canMove(from, to)).to.equal(allowed[from].includes(to));
    });
  }
});

describe("actions on a case", () => {
  it("starts enquiries only with a DfE reason and a CME start date not in the future, and gives the case an owner", () => {
    expect(refused(newCase(), "triage", officer, {})).to.match(/DfE primary reason.*CME start date/);
    expect(refused(newCase(), "triage", officer, { ...triage, cmeStartDate: "2026-12-01" })).to.include(
      "cannot be in the future",
    );
    const started = done(newCase(), "triage", officer, triage);
    expect(started).to.include({ status: "in_progress", dfeReason: "unknown", cmeStartDate: "2026-11-02" });
    expect(started.owner?.id).to.equal(officer.id);
    expect(started.events.slice(1).map((event) => event.type)).to.deep.equal([
      "triaged",
      "assigned",
      "status-changed",
    ]);
    expect(refused(newCase(), "changeStatus", officer, { to: "in_progress", reason: "x" })).to.include(
      "DfE reason",
    );
  });

  it("records who, when, what and before → after for every change", () => {
    const assigned = done(newCase(), "assignToMe", officer);
    const reassigned = done(assigned, "assignTo", manager, { officer: { id: "29:o2", name: "Omar" } });
    const last = reassigned.events.at(-1)!;
    expect(last).to.include({ type: "assigned", from: "Olu", to: "Omar", at: now.toISOString() });
    expect(last.by.id).to.equal(manager.id);
    expect(revisionOf(reassigned)).to.equal(revisionOf(assigned) + 1);
    const unassigned = done(reassigned, "unassign", officer);
    expect(unassigned.owner).to.equal(undefined);
    expect(unassigned.events.at(-1)).to.include({ type: "unassigned", from: "Omar" });
  });

  it("logs enquiries and referrals on, refusing future dates and missing fields, and never on a closed case", () => {
    const started = caseIn("in_progress");
    const logged = done(started, "logEnquiry", officer, {
      type: "council-tax",
      date: "2026-11-20",
      contacted: "Council tax team",
      outcome: "Account closed 1 Nov; no forwarding address",
    });
    expect(logged.enquiryLog).to.have.length(1);
    expect(logged.events.at(-1)?.reason).to.include("Council tax on 20 Nov 2026, Council tax team");
    expect(refused(started, "logEnquiry", officer, { type: "council-tax", date: "2026-12-20" })).to.match(
      /future.*person or organisation contacted.*outcome/,
    );
    const referred = done(logged, "referOn", officer, {
      service: "police",
      date: "2026-11-21",
      shared: "referral",
      why: "Concern for safety",
    });
    expect(referred.referralsOn[0]).to.include({ service: "police", date: "2026-11-21" });
    expect(
      refused(caseIn("closed"), "logEnquiry", officer, {
        type: "police",
        date: "2026-11-20",
        contacted: "a",
        outcome: "b",
      }),
    ).to.include("closed");
    expect(
      done(caseIn("closed"), "addNote", officer, { note: "Post-16 team informed" }).events.at(-1),
    ).to.include({
      type: "note",
    });
  });

  it("sends a question to the referrer and takes the case back in progress when they answer", () => {
    const asked = caseIn("info_requested");
    const request = asked.infoRequests[0]!;
    expect(asked.status).to.equal("info_requested");
    expect(refusalFor("answerInfo", asked, officer)).to.include("Only the person who made this referral");
    expect(refusalFor("answerInfo", asked, theReferrer)).to.equal(undefined);
    const answered = done(asked, "answerInfo", theReferrer, {
      requestId: request.id,
      answer: "Oakfield Academy",
    });
    expect(answered.status).to.equal("in_progress");
    expect(answered.infoRequests[0]).to.include({ answer: "Oakfield Academy" });
    expect(answered.events.at(-1)).to.include({
      type: "info-answered",
      from: "info_requested",
      to: "in_progress",
    });
    expect(
      refused(answered, "answerInfo", theReferrer, { requestId: request.id, answer: "again" }),
    ).to.include("answered already");
    const unreachable = { ...caseIn("in_progress") };
    delete unreachable.referrerConversation;
    expect(refused(unreachable, "requestInfo", officer, { question: "?" })).to.include("can't reach");
  });

  it("closes with an outcome, asking a manager to sign off the outcomes policy names", () => {
    const started = caseIn("in_progress");
    expect(refused(started, "close", officer, {})).to.include("Choose the outcome");
    expect(refused(started, "close", officer, { outcome: "moved-abroad" })).to.include("where the child is");
    expect(refused(started, "close", officer, { outcome: "ey-started" })).to.include("early-years");
    expect(refused(newCase(), "close", officer, { outcome: "returned" })).to.include("only as not CME");

    const pending = done(started, "close", officer, {
      outcome: "died",
      detail: "Coroner's office confirmed",
    });
    expect(pending.status).to.equal("in_progress");
    expect(pending.pendingClosure?.outcome).to.equal("died");
    expect(refused(pending, "close", officer, { outcome: "returned" })).to.include("waiting for a manager");
    expect(refusalFor("signOffClosure", pending, officer)).to.include("Only a CME manager");
    const declined = done(pending, "declineClosure", manager, { reason: "Need the coroner's reference" });
    expect(declined.pendingClosure).to.equal(undefined);
    const signed = done(pending, "signOffClosure", manager);
    expect(signed.status).to.equal("closed");
    expect(signed.closure).to.include({ outcome: "died", detail: "Coroner's office confirmed" });
    expect(signed.closure?.signedOffBy?.id).to.equal(manager.id);
    // Closed when signed off, days later: the reports and retention count from then.
    const signedLater = applyCaseAction(
      "signOffClosure",
      pending,
      manager,
      {},
      {
        ...context,
        now: new Date("2026-12-03T11:00:00Z"),
      },
    );
    if (!signedLater.ok) throw new Error(signedLater.reason);
    expect(signedLater.case.closure).to.include({
      at: "2026-12-03T11:00:00.000Z",
      requestedAt: now.toISOString(),
    });
    expect(signedLater.case.events.at(-1)).to.include({ type: "closed", at: "2026-12-03T11:00:00.000Z" });

    // A manager's own closure needs no one else; an outcome outside the policy needs no sign-off.
    expect(done(started, "close", manager, { outcome: "not-cme" }).status).to.equal("closed");
    expect(done(started, "close", officer, { outcome: "returned" }).status).to.equal("closed");
    expect(
      done(newCase("early-years"), "close", officer, { outcome: "not-cme" }).pendingClosure,
    ).to.not.equal(undefined);
  });

  it("reopens a closed case with a reason, clearing the outcome but keeping it in the history", () => {
    const closed = caseIn("closed");
    expect(refused(closed, "reopen", officer, {})).to.include("reason for reopening");
    const reopened = done(closed, "reopen", officer, { reason: "Seen in Loughborough" });
    expect(reopened.status).to.equal("in_progress");
    expect(reopened.closure).to.equal(undefined);
    expect(reopened.events.map((event) => event.type)).to.include.members(["closed", "reopened"]);
  });

  it("refuses to sign off or change status while a closure waits, and never closes from info requested", () => {
    const pending = done(caseIn("in_progress"), "close", officer, { outcome: "died", detail: "Registrar" });
    expect(refused(pending, "changeStatus", officer, { to: "tracking", reason: "x" })).to.include("sign off");
    expect(refused(pending, "requestInfo", officer, { question: "?" })).to.include("sign off");
    const asked = { ...caseIn("info_requested"), pendingClosure: pending.pendingClosure };
    expect(refused(asked, "signOffClosure", manager)).to.include("back to in progress");
  });

  it("reopens a case closed as not CME only with a DfE reason, and gives it an owner", () => {
    const notCme = done(newCase(), "close", manager, { outcome: "not-cme" });
    expect(notCme.status).to.equal("closed");
    expect(refused(notCme, "reopen", officer, { reason: "It is CME after all" })).to.include(
      "DfE primary reason",
    );
    const reopened = done(notCme, "reopen", officer, { reason: "It is CME after all", ...triage });
    expect(reopened).to.include({ status: "in_progress", dfeReason: "unknown" });
    expect(reopened.owner?.id).to.equal(officer.id);
  });

  it("takes the case back in progress only for the answer it is waiting on", () => {
    const first = caseIn("info_requested");
    const movedOn = done(first, "changeStatus", officer, { to: "in_progress", reason: "no answer" });
    const second = done(movedOn, "requestInfo", officer, { question: "Second question?" });
    const lateAnswer = done(second, "answerInfo", theReferrer, {
      requestId: first.infoRequests[0]!.id,
      answer: "Late",
    });
    expect(lateAnswer.status).to.equal("info_requested");
    const answer = done(lateAnswer, "answerInfo", theReferrer, {
      requestId: second.infoRequests.at(-1)!.id,
      answer: "Now",
    });
    expect(answer.status).to.equal("in_progress");
  });

  it("does not send questions to an officer who recorded a referral for someone outside Teams", () => {
    const recorded = formCaseOf(caseIn("in_progress"));
    const fromAgency: Case = {
      ...recorded,
      referral: { ...recorded.referral, referrer: { ...recorded.referral.referrer, source: "agency" } },
    };
    expect(refused(fromAgency, "requestInfo", officer, { question: "?" })).to.include("log it as an enquiry");
  });

  it("counts only changes of state in the revision, and stores people without their roles", () => {
    const started = caseIn("in_progress");
    const noted = done(started, "addNote", officer, { note: "n" });
    const logged = done(noted, "logEnquiry", officer, {
      type: "police",
      date: "2026-11-20",
      contacted: "a",
      outcome: "b",
    });
    expect(revisionOf(logged)).to.equal(revisionOf(started));
    expect(revisionOf(done(logged, "unassign", officer))).to.equal(revisionOf(started) + 1);
    expect(JSON.stringify(logged)).not.to.include("roles");
    expect(Object.keys(started.owner!)).to.have.members(["id", "name"]);
  });

  it("lets only the CME team work cases, only managers sign off, and only the referrer answer", () => {
    const current = caseIn("in_progress");
    for (const name of caseActionNames) {
      const expected = {
        answerInfo: [theReferrer],
        signOffClosure: [manager],
        declineClosure: [manager],
      }[name as string] ?? [officer, manager];
      for (const actor of [officer, manager, outsider, theReferrer]) {
        expect(refusalFor(name, current, actor) === undefined, `${name} by ${actor.name}`).to.equal(
          expected.includes(actor),
        );
      }
    }
  });
});
