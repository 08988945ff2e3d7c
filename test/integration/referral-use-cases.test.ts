import { expect } from "chai";
import { askToCancel, discardDraft } from "../../bot/referrals/cancel.js";
import type { Person } from "../../bot/shared/person.js";
import { referrerPrefill, startOrResume } from "../../bot/referrals/start.js";
import { next, stepDraft } from "../../bot/referrals/step.js";
import { duplicateDecisionOf, lateOutcomeCard, submitFromCard } from "../../bot/referrals/submit-referral.js";
import type { SubmitPorts } from "../../bot/referrals/submit-referral.js";
import type { WizardOutcome } from "../../bot/referrals/wizard-outcome.js";
import { startHarness, type Harness } from "../support/harness.js";

/** The referral use cases called directly, on the real services (drafts in the in-process Cosmos). */
describe("referral use cases", () => {
  let h: Harness;
  let ports: SubmitPorts;
  const referrer: Person = { id: "29:use-case-referrer", name: "Uma Usecase" };
  const asReferrer = () => Promise.resolve({ ...referrer, roles: new Set<never>() });
  const chat = { id: "a:chat", serviceUrl: "https://teams.invalid", userId: referrer.id };

  before(async () => {
    h = await startHarness();
    ports = { ...h.app.services, log: () => {} };
  });
  after(() => h.close());

  const start = (kind?: "school-age" | "early-years") =>
    startOrResume(ports, {
      referrer,
      kind,
      chat,
      referrerDetails: () => Promise.resolve({ from: "teams", email: "uma@school.example" }),
    });
  const draftOf = (outcome: WizardOutcome) => {
    if (outcome.kind !== "current") throw new Error(`expected the current step, got ${outcome.kind}`);
    return outcome.draft;
  };

  it("asks which kind with no draft open, starts one with the prefill, and resumes it", async () => {
    expect(await start()).to.include({ kind: "card", template: "referral-choose-kind" });
    const started = draftOf(await start("school-age"));
    expect(started.typed.referrer).to.deep.include({ email: "uma@school.example", name: "Uma Usecase" });
    const resumed = await start();
    expect(resumed).to.deep.include({
      kind: "current",
      notice: "You have a referral in progress: carrying on where you left off.",
    });
    expect(draftOf(resumed).id).to.equal(started.id);
  });

  it("shows a stale card's draft as it is now, and a failed Next the same step with its errors, kept", async () => {
    const draft = await ports.drafts.get(referrer.id, `${referrer.id}|school-age`);
    const request = {
      card: { draftId: draft!.id, version: draft!.version + 1, step: "whatHappened" as const },
      input: {},
      actor: asReferrer,
    };
    expect(await stepDraft(ports, draft, request, next)).to.include({ kind: "current" });
    const failed = await stepDraft(
      ports,
      draft,
      { ...request, card: { ...request.card, version: draft!.version } },
      next,
    );
    expect(failed.kind).to.equal("step");
    expect(failed.kind === "step" && Object.keys(failed.errors)).to.include("whatHappened");
    expect(failed.kind === "step" && failed.draft.version).to.equal(draft!.version + 1);
  });

  it("refuses a submission on someone else's behalf from a referrer, before anything is sent", async () => {
    const draft = await ports.drafts.get(referrer.id, `${referrer.id}|school-age`);
    const onBehalf = await ports.drafts.save(
      { ...draft!, answers: { ...draft!.answers, referrer: { source: "agency" } as never } },
      draft!,
    );
    const outcome = await submitFromCard(
      ports,
      onBehalf,
      { card: { draftId: onBehalf.id, version: onBehalf.version }, input: {}, actor: asReferrer },
      { chat },
    );
    expect(outcome).to.deep.equal({
      kind: "words",
      text: "Only CME officers record referrals on someone else's behalf. If you are referring yourself, choose 'Me'.",
    });
    expect((await ports.drafts.get(referrer.id, onBehalf.id))?.reference).to.equal(undefined);
  });

  it("keeps a draft changed since the cancel card, and discards the one it showed", async () => {
    const listed = await askToCancel(ports, referrer.id);
    expect(listed).to.include({ kind: "card", template: "referral-cancel" });
    const draft = await ports.drafts.get(referrer.id, `${referrer.id}|school-age`);
    const card = { draftId: draft!.id, version: draft!.version };
    expect((await discardDraft(ports, draft, { ...card, version: card.version - 1 })).kind).to.equal("words");
    expect(await discardDraft(ports, draft, card)).to.deep.include({
      kind: "card",
      template: "referral-discarded",
    });
    expect(await ports.drafts.get(referrer.id, draft!.id)).to.equal(undefined);
    expect(await askToCancel(ports, referrer.id)).to.deep.equal({
      kind: "words",
      text: "You have no referral in progress.",
    });
  });

  it("prefills from Graph's profile before Teams' record, and reads the duplicate decision and the late outcome", () => {
    const fromGraph = referrerPrefill(referrer, {
      from: "graph",
      profile: { name: "Uma U", jobTitle: "DSL", organisation: "Wigston Academy" },
    });
    expect(fromGraph).to.deep.equal({
      referrer: { source: "school-or-setting", name: "Uma U", role: "DSL", setting: "Wigston Academy" },
      school: { school: "Wigston Academy" },
    });
    expect(referrerPrefill(referrer, { from: "teams", email: "not-an-address" })).to.deep.equal({
      referrer: { source: "school-or-setting", name: "Uma Usecase" },
    });
    expect(duplicateDecisionOf({ addTo: "CME-2026-00001" })).to.deep.equal({
      kind: "add-to",
      reference: "CME-2026-00001",
    });
    expect(duplicateDecisionOf({ differentChild: "true" })).to.deep.equal({ kind: "different-child" });
    expect(duplicateDecisionOf({})).to.equal(undefined);
    expect(
      lateOutcomeCard(ports, { kind: "already-submitted", reference: "CME-2026-00009" }).view,
    ).to.include({
      title: "Referral received: CME-2026-00009",
    });
    expect(lateOutcomeCard(ports, { kind: "no-draft" }).view).to.include({
      title: "Not sent yet: one more look",
    });
  });
});
