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
import type { Actor } from "../../bot/people/person.js";
import type { ReferralKind } from "../../bot/referrals/draft.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import { goodAnswers, goodEarlyYearsAnswers } from "../support/referral-walk.js";

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
  const answers = kind === "early-years" ? goodEarlyYearsAnswers : goodAnswers;
  let draft = startDraft(
    referrer,
    kind,
    now,
    {},
    { id: "a:chat", serviceUrl: "https://x", userId: referrer.id },
  );
  for (const step of stepOrder) {
    const result = answerStep(draft, step, answers[step], context.today, now);
    if (!result.ok) throw new Error(`${step}: ${JSON.stringify(result.errors)}`);
    draft = result.draft;
  }
  return caseFromDraft(draft, "CME-2026-00001", now);
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
  // Every pair of statuses: the move is allowed exactly when DOMAIN.md's table says so.
  const allowed: Record<CaseStatus, CaseStatus[]> = {
    new: ["in_progress", "closed"],
    in_progress: ["info_requested", "located", "tracking", "closed"],
    info_requested: ["in_progress"],
    located: ["in_progress", "closed"],
    tracking: ["in_progress", "closed"],
    closed: ["in_progress"],
  };
  for (const from of caseStatuses) {
    for (const to of caseStatuses) {
      const expected = allowed[from].includes(to);
      it(`${from} → ${to}: ${expected ? "allowed" : "refused"}`, () => {
        expect(canMove(from, to)).to.equal(expected);
        expect(nextStatuses[from].includes(to)).to.equal(expected);
        // And the actions that make that move agree with the table.
        const current = caseIn(from);
        const attempt = (() => {
          if (to === "closed") {
            const outcome = from === "new" ? "not-cme" : "on-roll-leicestershire";
            return applyCaseAction("close", current, manager, { outcome }, context);
          }
          if (to === "info_requested") {
            return applyCaseAction("requestInfo", current, officer, { question: "Where?" }, context);
          }
          if (from === "closed")
            return applyCaseAction("reopen", current, officer, { reason: "seen again" }, context);
          if (from === "new") return applyCaseAction("triage", current, officer, triage, context);
          if (from === "info_requested" && to === "in_progress") {
            return applyCaseAction(
              "changeStatus",
              current,
              officer,
              { to, reason: "no answer; carrying on" },
              context,
            );
          }
          if (to === "new") return { ok: false as const, reason: "nothing goes back to new" };
          return applyCaseAction("changeStatus", current, officer, { to, reason: "because" }, context);
        })();
        const moved = attempt.ok && attempt.case.status === to && from !== to;
        expect(moved, attempt.ok ? `went to ${attempt.case.status}` : attempt.reason).to.equal(expected);
      });
    }
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
    const referred = done(logged, "referOn", officer, { service: "police", date: "2026-11-21" });
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
