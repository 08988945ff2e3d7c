import { TeamsInfo, type AdaptiveCardInvokeResponse, type TurnContext } from "botbuilder";
import { z } from "zod";
import { emergencyContactsText, referrerContacts } from "../config.js";
import type { Person } from "../people/person.js";
import {
  draftIdFor,
  isSubmitting,
  referralKinds,
  type Draft,
  type ReferralKind,
} from "../referrals/draft.js";
import { showDangerAlert, withDangerAlert, type DraftEnding } from "../referrals/danger-alert.js";
import { ukDate } from "../referrals/school-age.js";
import { reasonIncompleteSchema } from "../referrals/readiness.js";
import { stepOrder, type StepId } from "../referrals/steps.js";
import { submitReferral, type DuplicateDecision, type SubmissionResult } from "../referrals/submission.js";
import { statusTitles } from "../cases/case.js";
import { formatDate } from "../people/format.js";
import { frontDoorUnanswered, redirectFor, type Redirect } from "../referrals/front-door.js";
import {
  cutNotice,
  redirectView,
  reviewView,
  stepView,
  submittedView,
  type StepViewOptions,
} from "../referrals/views.js";
import {
  addRow,
  answerStep,
  cardValues,
  editStep,
  formOf,
  goBack,
  groupSizesSent,
  keepTyped,
  overLimit,
  removeRow,
  startDraft,
} from "../referrals/wizard.js";
import { canWorkCases } from "../people/roles.js";
import type { Services } from "../services.js";
import { actorOfTurn, referrerOf } from "./actor.js";
import { outsideTurn, StoreUnavailableError, withStoreBudget } from "../store/deadline.js";
import { ConcurrencyError } from "../store/documents.js";
import type { StoredDraft } from "../store/draft-store.js";
import { tenantOf } from "./tenant.js";
import { cardNumber, problemsWith } from "./inbound.js";
import { cardResponse, messageResponse, storeUnavailableNotice } from "./invoke-responses.js";
import type { Log } from "../log.js";
import { renderCard, renderCardIfFits, renderFittingCard, type CardJson } from "./render-card.js";

const stepId = z.enum(stepOrder as [StepId, ...StepId[]]);

const cardData = z.object({
  draftId: z.string().max(256),
  version: cardNumber(1_000_000),
  step: stepId.optional(),
  group: z.string().max(64).optional(),
  index: cardNumber(100).optional(),
});
type CardData = z.infer<typeof cardData>;

/** A draft id on a card names one of the person's own drafts (`<their id>|<kind>`), or none at all. */
function isOwnDraftId(userId: string, draftId: string): boolean {
  return referralKinds.some((kind) => draftIdFor(userId, kind) === draftId);
}

/** A referral holds personal data: it is never made where others can see it. */
export const referInPersonalChat =
  "Referrals are made in a personal chat with me, so that the child's details stay private. Open a chat with CME Referrals and say 'refer'.";

const staleNotice =
  "That card was out of date (you had moved on from it). Here is where your referral is now.";

const moreToCheck =
  "Please check the answers marked below. Some further down need checking too: I will mark those when you press Next again. What you typed is kept.";

/** How much of each answer a step card shows when the answers, each within its limit, are still too big together. */
const shortenedAnswers = [300, 100, 20];

/**
 * A step's card. With many rows all wrong the messages could make it too big for Teams, so
 * it then marks only as many as fit (the first ones) and says there are more. Answers in
 * characters of several bytes could be too big even then: it shows the first part of each, and
 * says so, so that no draft, whatever it holds, is left without a card.
 */
export function stepCard(draft: Draft, step: StepId, options: StepViewOptions): CardJson {
  const template = formOf(draft).cards[step];
  const errors = Object.entries(options.errors ?? {});
  for (let shown = errors.length; shown > 0; shown = Math.floor(shown / 2)) {
    const card = renderCardIfFits(
      template,
      stepView(draft, step, {
        ...options,
        errors: Object.fromEntries(errors.slice(0, shown)),
        ...(shown < errors.length ? { notice: moreToCheck } : {}),
      }),
    );
    if (card) return card;
  }
  const withoutErrors = { ...options, errors: {} };
  for (const showUpTo of [Infinity, ...shortenedAnswers]) {
    const card = renderCardIfFits(
      template,
      stepView(draft, step, showUpTo === Infinity ? withoutErrors : { ...withoutErrors, showUpTo }),
    );
    if (card) return card;
  }
  return renderCard(template, stepView(draft, step, { ...withoutErrors, showUpTo: 0 }));
}

/** The review, each answer shortened further if the whole would not fit (answers escaped can take more room). */
export function reviewCard(draft: Draft, today: string, options: Parameters<typeof reviewView>[2]): CardJson {
  return renderFittingCard(
    "referral-review",
    [160, 60, 20].map((answerLength) => () => reviewView(draft, today, { ...options, answerLength })),
  );
}

/** The card for where a draft is now: its current step, or the review. */
export function currentCard(
  services: Services,
  draft: Draft,
  options: Partial<StepViewOptions> = {},
): CardJson {
  if (frontDoorUnanswered(draft)) {
    return stepCard(draft, "whatHappened", {
      emergencyContacts: emergencyContactsText(services.config),
      ...options,
      notice: [options.notice, askedSinceNotice].filter(Boolean).join(" "),
    });
  }
  if (draft.step === "review") {
    return reviewCard(draft, ukDate(services.now()), { notice: options.notice ?? "" });
  }
  return stepCard(draft, draft.step, {
    emergencyContacts: emergencyContactsText(services.config),
    ...options,
  });
}

/** A draft saved before the first card asked about the roll: those questions come first. */
const askedSinceNotice =
  "I now ask first whether the child is still on the roll and whether you know where they are: please answer those. Your other answers are kept.";

/**
 * The "About you" card (and the school) start filled from Microsoft Graph when it is
 * configured and answers, else from the person's Teams record; the person can change any of it.
 */
async function referrerPrefill(
  services: Services,
  context: TurnContext,
  referrer: Person,
): Promise<Draft["typed"]> {
  const about: Record<string, string> = { source: "school-or-setting", name: referrer.name };
  const tenantId = referrer.tenantId ?? tenantOf(context);
  const profile =
    referrer.aadObjectId && tenantId
      ? await services.profiles.profile(tenantId, referrer.aadObjectId)
      : undefined;
  if (profile) {
    for (const [field, value] of [
      ["name", profile.name],
      ["email", profile.email],
      ["role", profile.jobTitle],
      ["phone", profile.phone],
      ["setting", profile.organisation],
    ] as const) {
      if (value) about[field] = value;
    }
    return profile.organisation
      ? { referrer: about, school: { school: profile.organisation } }
      : { referrer: about };
  }
  try {
    const member = await TeamsInfo.getMember(context, referrer.id);
    const email = member.email ?? member.userPrincipalName;
    if (email?.includes("@")) about.email = email;
    if (member.name) about.name = member.name;
  } catch {
    // Teams did not say: the person types it.
  }
  return { referrer: about };
}

/** The person's open (not submitted) drafts, of either kind. */
async function openDrafts(services: Services, userId: string): Promise<StoredDraft[]> {
  const drafts = await Promise.all(
    referralKinds.map((kind) => services.drafts.get(userId, draftIdFor(userId, kind))),
  );
  return drafts.filter((draft): draft is StoredDraft => draft !== undefined && !draft.submittedAt);
}

const resumeNotice = "You have a referral in progress: carrying on where you left off.";

/**
 * `refer [school | early years]` and `resume`: carries on with an open draft of that kind, or
 * starts one; with no kind and no single open draft, asks which kind.
 */
export async function startOrResumeReferral(
  services: Services,
  context: TurnContext,
  kind?: ReferralKind,
): Promise<CardJson | string> {
  const referrer = referrerOf(context);
  const open = await openDrafts(services, referrer.id);
  const existing = kind ? open.find((draft) => draft.kind === kind) : open.length === 1 ? open[0] : undefined;
  if (existing && isSubmitting(existing)) {
    const result = await submitReferral(
      services,
      existing.userId,
      existing.id,
      existing.version,
      services.now(),
    );
    return submissionReply(services, result, "");
  }
  if (existing) return currentCard(services, existing, { notice: resumeNotice });
  if (!kind) {
    return renderCard("referral-choose-kind", {
      notice:
        open.length > 1 ? "You have a school-age and an early-years referral in progress. Which one?" : "",
      emergencyContacts: emergencyContactsText(services.config),
    });
  }
  const prefill = await referrerPrefill(services, context, referrer);
  const { conversation, serviceUrl } = context.activity;
  const personalChat = {
    id: conversation.id,
    serviceUrl,
    userId: referrer.id,
    ...(referrer.tenantId ? { tenantId: referrer.tenantId } : {}),
  };
  const draft = await services.drafts.put(startDraft(referrer, kind, services.now(), prefill, personalChat));
  return currentCard(services, draft);
}

/** `cancel`: asks before discarding the person's open referral(s). */
export async function confirmCancel(services: Services, context: TurnContext): Promise<CardJson | undefined> {
  const open = (await openDrafts(services, context.activity.from.id)).filter((draft) => !isSubmitting(draft));
  if (open.length === 0) return undefined;
  return renderCard("referral-cancel", {
    drafts: open.map((draft) => ({
      draftId: draft.id,
      version: draft.version,
      title: formOf(draft).title,
      child: draft.answers.child
        ? `${draft.answers.child.forenames} ${draft.answers.child.surname}`
        : "child not named yet",
    })),
  });
}

function cardJson(card: CardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card };
}

/** Handles the wizard's buttons: Next, Back, Save for later, add and remove rows, Edit, Submit. */
export async function handleReferralAction(
  services: Services,
  context: TurnContext,
  verb: string,
  input: Record<string, unknown>,
  log: Log,
): Promise<AdaptiveCardInvokeResponse> {
  if (context.activity.conversation.conversationType !== "personal")
    return messageResponse(referInPersonalChat);
  if (verb === "referral.start") {
    const kind = referralKinds.find((candidate) => candidate === input.kind);
    const reply = await startOrResumeReferral(services, context, kind);
    return typeof reply === "string" ? messageResponse(reply) : cardJson(reply);
  }
  if (verb === "referral.keep") return messageResponse("Kept. Say 'resume' to carry on with it.");
  const parsed = cardData.safeParse(input);
  const userId = context.activity.from.id;
  if (!parsed.success) {
    log("invoke.refused.malformed", { verb, problems: problemsWith(parsed.error) });
    return messageResponse("That card is missing what I need to continue. Say 'refer' to carry on.");
  }
  if (!isOwnDraftId(userId, parsed.data.draftId)) {
    log("invoke.refused.malformed", { verb, problems: "draftId: not one of the person's drafts" });
    return messageResponse(
      "That card is not about one of your referrals, so I did nothing. Say 'refer' to carry on with yours.",
    );
  }
  let draft: StoredDraft | undefined;
  try {
    draft = await services.drafts.get(userId, parsed.data.draftId);
    return await actOnDraft({ ...services, log }, context, verb, parsed.data, input, draft);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    return notSavedYet(services, context, verb, parsed.data, input, draft);
  }
}

/** What the wizard's buttons work with: the services, and the log (an alert the outbox could not take is logged). */
type WizardServices = Services & { readonly log: Log };

/** The buttons on a draft's cards, once the draft is read. */
async function actOnDraft(
  services: WizardServices,
  context: TurnContext,
  verb: string,
  { version, step, group, index }: CardData,
  input: Record<string, unknown>,
  draft: StoredDraft | undefined,
): Promise<AdaptiveCardInvokeResponse> {
  if (!draft || (draft.submittedAt && verb !== "referral.submit")) {
    return messageResponse(
      "That referral is no longer open (it was submitted or discarded). Say 'refer' to start a new one.",
    );
  }
  const now = services.now();
  // Sending had begun and was interrupted: whatever the button, finish sending it.
  if (isSubmitting(draft)) return submit(services, context, draft, draft.version, {});
  if (verb === "referral.submit") return submit(services, context, draft, version, input);
  if (verb === "referral.cancel") {
    if (draft.version !== version) {
      return messageResponse(
        "That referral changed since you asked to discard it, so I kept it. Say 'cancel' again if you still want to.",
      );
    }
    // The alert says so first: should the discard then fail, the next save shows it open again.
    await alertTheTeam(services, draft, { kind: "cancelled", at: now });
    await services.drafts.remove(draft, draft._etag);
    return cardResponse("referral-discarded", { title: formOf(draft).title });
  }
  if (draft.version !== version) return cardJson(currentCard(services, draft, { notice: staleNotice }));
  // What was typed longer than allowed is kept only up to the limit: the person is told.
  const cut = step ? cutNotice(overLimit(draft, step, input)) : "";
  switch (verb) {
    case "referral.back":
      return saveAndShow(
        services,
        draft,
        goBack(step ? keepTyped(draft, step, input, now) : draft, now),
        cut,
      );
    case "referral.edit":
      return step
        ? saveAndShow(services, draft, editStep(draft, step, now))
        : messageResponse("Which section?");
    case "referral.save": {
      const saved = step ? await save(services, draft, keepTyped(draft, step, input, now)) : undefined;
      return cardResponse("referral-saved", {
        notice: [cut, notAlertedNotice(services, saved)].filter(Boolean).join(" "),
        emergencyContacts: emergencyContactsText(services.config),
      });
    }
    case "referral.addRow":
      return step && group
        ? saveAndShow(services, draft, addRow(draft, step, group, input, now), cut)
        : messageResponse("Which list?");
    case "referral.removeRow":
      return step && group && index !== undefined
        ? saveAndShow(services, draft, removeRow(draft, step, group, index, input, now), cut)
        : messageResponse("Which row?");
    case "referral.next": {
      if (!step) return messageResponse("Which step?");
      if (step === "referrer" && !(await mayRecordAs(services, context, input.source))) {
        return cardJson(
          stepCard(draft, step, {
            emergencyContacts: emergencyContactsText(services.config),
            errors: { source: onlyOfficersRecord },
            values: cardValues(draft, step, input),
          }),
        );
      }
      const result = answerStep(draft, step, input, ukDate(now), now);
      const redirect = result.ok && step === "whatHappened" ? redirectTo(result.draft) : undefined;
      if (redirect) return redirectResponse(services, draft, redirect, input);
      if (result.ok) return saveAndShow(services, draft, result.draft);
      const kept = await save(services, draft, keepTyped(draft, step, input, now));
      return cardJson(
        stepCard(kept?.draft ?? draft, step, {
          emergencyContacts: emergencyContactsText(services.config),
          errors: result.errors,
          values: result.values,
          notice: [
            "Please check the answers marked below. What you typed is kept.",
            notAlertedNotice(services, kept),
          ]
            .filter(Boolean)
            .join(" "),
        }),
      );
    }
    default:
      return messageResponse("I don't know that button. Say 'refer' to carry on with your referral.");
  }
}

/** Where the first card's answers send the referrer instead of a CME referral, if anywhere. */
function redirectTo(answered: Draft): Redirect | undefined {
  return answered.answers.whatHappened && redirectFor(answered.answers.whatHappened);
}

/**
 * Not CME: no case, no channel post. The answers are kept as typed (not passed), so "Back to
 * the referral" shows them again to change, and "Discard" removes them.
 */
async function redirectResponse(
  services: WizardServices,
  draft: StoredDraft,
  redirect: Redirect,
  input: Record<string, unknown>,
): Promise<AdaptiveCardInvokeResponse> {
  const saved = await save(
    services,
    draft,
    keepTyped(draft, "whatHappened", input, services.now()),
    redirect,
  );
  const { attendance, homeEducation } = services.config.redirectContacts;
  return cardResponse(
    "referral-redirect",
    redirectView(
      redirect,
      saved?.draft ?? draft,
      redirect === "attendance" ? attendance : homeEducation,
      input.immediateDanger === "yes",
      referrerContacts(services.config),
      notAlertedNotice(services, saved),
    ),
  );
}

/** The buttons that stand on a step's own card, with its inputs. */
const stepCardVerbs = new Set([
  "referral.next",
  "referral.back",
  "referral.save",
  "referral.addRow",
  "referral.removeRow",
]);

/**
 * The store did not answer, so nothing was saved: the same step's card again, with what the
 * person sent and the version they had, so pressing the button again later carries on. The
 * draft may not have been readable: then the card's own data says which draft, step and rows.
 */
function notSavedYet(
  services: Services,
  context: TurnContext,
  verb: string,
  card: CardData,
  input: Record<string, unknown>,
  read: StoredDraft | undefined,
): AdaptiveCardInvokeResponse {
  const kind = referralKinds.find((each) => card.draftId === draftIdFor(context.activity.from.id, each));
  if (!card.step || !kind || !stepCardVerbs.has(verb)) return messageResponse(storeUnavailableNotice);
  const draft: Draft =
    read?.version === card.version
      ? read
      : {
          ...startDraft(referrerOf(context), kind, services.now()),
          version: card.version,
          step: card.step,
          groupSizes: groupSizesSent(formOf({ kind }), card.step, input),
        };
  // Nothing was saved, so a first "immediate danger" raised no alert: the person must call.
  const notAlerted = input.immediateDanger === "yes" && !read?.dangerAlert;
  return cardJson(
    stepCard(draft, card.step, {
      emergencyContacts: emergencyContactsText(services.config),
      values: cardValues(draft, card.step, input),
      notice: [storeUnavailableNotice, notAlerted ? teamNotAlertedText(services.config) : ""]
        .filter(Boolean)
        .join(" "),
    }),
  );
}

/** A saved draft, and whether its immediate-danger alert has still not reached the outbox (the person is told). */
interface Saved {
  readonly draft: StoredDraft;
  readonly teamNotAlerted: boolean;
}

/**
 * Saves a changed draft over the version it was read at; undefined if someone else moved it on.
 * A draft that says "immediate danger" gets its alert, queued once the draft is saved. The draft
 * is redirected (`redirectedTo`) only by the save that redirects it: any other save means the
 * referrer went back to the referral.
 */
async function save(
  services: WizardServices,
  stored: StoredDraft,
  next: Draft,
  redirectedTo?: Redirect,
): Promise<Saved | undefined> {
  const notRedirected: Draft = { ...next };
  delete notRedirected.redirectedTo;
  let saved: StoredDraft;
  try {
    saved = await services.drafts.save(
      withDangerAlert({ ...notRedirected, ...(redirectedTo ? { redirectedTo } : {}) }, services.now()),
      stored,
    );
  } catch (error) {
    if (error instanceof ConcurrencyError) return undefined;
    throw error;
  }
  // Not alerted: this save raised the alert, or an earlier one's is still owed, and it failed again.
  const neverQueued = !stored.dangerAlert || services.outbox.owes(stored.dangerAlert.key);
  const queued = await alertTheTeam(services, saved);
  return { draft: saved, teamNotAlerted: !queued && neverQueued && saved.dangerAlert !== undefined };
}

/**
 * Shows the draft's immediate-danger alert as the draft now stands; false when the outbox could
 * not take it. The person's save stands either way: the outbox's next passes (within seconds)
 * try again with the draft as it then is (or as it ended), and the draft sweep, which looks at
 * every draft with an alert, is the backstop after a restart.
 */
async function alertTheTeam(services: WizardServices, draft: Draft, ending?: DraftEnding): Promise<boolean> {
  try {
    await showDangerAlert(services.outbox, draft, ending);
    return true;
  } catch (error) {
    services.log("danger-alert.queue.failed", {
      draft: draft.id,
      error: error instanceof Error ? error.message : String(error),
    });
    if (draft.dangerAlert) {
      services.outbox.owe(draft.dangerAlert.key, async () => {
        const now = ending ? draft : await services.drafts.get(draft.userId, draft.id);
        if (now) await showDangerAlert(services.outbox, now, ending);
      });
    }
    return false;
  }
}

/** What the referrer is told when their "immediate danger" has not reached the CME team: who to call instead. */
function teamNotAlertedText(config: Services["config"]): string {
  const { name, phone } = config.cmeContact;
  return `The CME team has NOT been alerted yet (the system could not send it; it keeps trying). Call now: ${config.emergencyContacts.childrensDuty}, or the CME contact ${name} on ${phone}.`;
}

function notAlertedNotice(services: Services, saved: Saved | undefined): string {
  return saved?.teamNotAlerted ? teamNotAlertedText(services.config) : "";
}

async function saveAndShow(
  services: WizardServices,
  stored: StoredDraft,
  next: Draft,
  notice = "",
): Promise<AdaptiveCardInvokeResponse> {
  const saved = await save(services, stored, next);
  if (saved) {
    const notices = [notice, notAlertedNotice(services, saved)].filter(Boolean).join(" ");
    return cardJson(currentCard(services, saved.draft, notices ? { notice: notices } : {}));
  }
  const fresh = await services.drafts.get(stored.userId, stored.id);
  return fresh
    ? cardJson(currentCard(services, fresh, { notice: staleNotice }))
    : messageResponse("That referral is no longer open.");
}

const onlyOfficersRecord =
  "Only CME officers record referrals on someone else's behalf. If you are referring yourself, choose 'Me'.";

/** Recording a referral for an agency, the public or another council is for CME officers (checked on the server). */
async function mayRecordAs(services: Services, context: TurnContext, source: unknown): Promise<boolean> {
  if (source === undefined || source === "" || source === "school-or-setting") return true;
  return canWorkCases(await actorOfTurn(services, context));
}

async function submit(
  services: Services,
  context: TurnContext,
  draft: StoredDraft,
  version: number,
  input: Record<string, unknown>,
): Promise<AdaptiveCardInvokeResponse> {
  if (!draft.reference && !(await mayRecordAs(services, context, draft.answers.referrer?.source))) {
    return messageResponse(onlyOfficersRecord);
  }
  const typedReason = typeof input.reasonIncomplete === "string" ? input.reasonIncomplete : undefined;
  const checkedReason = reasonIncompleteSchema.safeParse(typedReason);
  if (!checkedReason.success) {
    return cardJson(
      reviewCard(draft, ukDate(services.now()), {
        reasonIncomplete: typedReason,
        reasonError: `${checkedReason.error.issues[0]?.message ?? "Shorten the reason"}: only the first part of what you typed is shown.`,
      }),
    );
  }
  const reason = checkedReason.data ?? "";
  const decision: DuplicateDecision =
    typeof input.addTo === "string"
      ? { kind: "add-to", reference: input.addTo }
      : input.differentChild === true || input.differentChild === "true"
        ? { kind: "different-child" }
        : undefined;
  // The submission may outlive the turn (its answer goes at SUBMIT_ANSWER_WITHIN_MS): it runs
  // under a store budget of its own, not what is left of the turn's.
  const submission = inBackground(services, () =>
    submitReferral(services, draft.userId, draft.id, version, services.now(), reason, decision),
  );
  const result = await settledWithin(submission, services.config.submitAnswerWithinMs);
  if (result === undefined) {
    // Teams stops waiting after about 10 s: say it is received now, and put the outcome on
    // this card when the work is done (submission is idempotent, so a second press is safe).
    finishLater(services, context, draft, submission);
    return cardResponse("referral-sending", {
      title: "Referral received: sending it now",
      text: "The case store is busy, so your reference will appear on this card in a moment. There is nothing more to do. If it has not appeared in a few minutes, say 'resume': your referral is kept, and it is sent once however often you ask.",
      urgent: draft.answers.whatHappened?.immediateDanger === "yes",
      emergencyContacts: emergencyContactsText(services.config),
    });
  }
  const reply = submissionReply(services, result, reason);
  return typeof reply === "string" ? messageResponse(reply) : cardJson(reply);
}

/** Work a turn starts that may outlive it: outside the turn's store budget, under one of its own. */
function inBackground<T>(services: Services, work: () => Promise<T>): Promise<T> {
  const callMs = services.config.storeDeadlineMs;
  return outsideTurn(() => withStoreBudget(callMs, backgroundCallsPerSubmission * callMs, work));
}

/** A submission makes about twenty store calls: at worst each takes a whole deadline. */
const backgroundCallsPerSubmission = 20;

/** The promise's value if it settles within `ms`, else undefined (it carries on); a rejection in time rejects. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Puts a late submission's outcome on the card the person pressed Submit on (or a new message), once. */
function finishLater(
  services: Services,
  context: TurnContext,
  draft: StoredDraft,
  submission: Promise<SubmissionResult>,
): void {
  const { conversation, serviceUrl, replyToId } = context.activity;
  const tenantId = tenantOf(context);
  const chat = {
    id: conversation.id,
    serviceUrl,
    userId: draft.userId,
    ...(tenantId ? { tenantId } : {}),
  };
  // Keyed by the card too: an outcome for a later Submit (from a card 'resume' showed) is its own message.
  const tell = (card: { template: string; view: Record<string, unknown> }) =>
    inBackground(services, () =>
      services.outbox.postPersonalCard(
        `referral-outcome|${draft.id}|${draft.createdAt}|${replyToId ?? "new"}`,
        chat,
        card.template,
        card.view,
        replyToId,
      ),
    );
  submission
    .then((result) => tell(lateOutcomeCard(services, result)))
    .catch(() =>
      tell({
        template: "referral-sending",
        view: {
          title: "Not sent yet",
          text: "The case store did not answer in time. Your referral is kept: say 'resume' and press Submit again (it is sent once, however often you press).",
          urgent: false,
        },
      }),
    )
    .catch(() => {
      // The store is away altogether: the card already says to 'resume' if no reference appears.
    });
}

/** What a late submission puts on the person's card: ids and words, never the child's details. */
function lateOutcomeCard(
  services: Services,
  result: SubmissionResult,
): { template: string; view: Record<string, unknown> } {
  const contacts = referrerContacts(services.config);
  switch (result.kind) {
    case "submitted":
      return {
        template: "referral-submitted",
        view: {
          ...submittedView(result.case.id, result.case.referral, result.case.submittedAt, contacts),
          childName: "this child",
        },
      };
    case "added-to-existing":
      return { template: "referral-added", view: { reference: result.reference, ...contacts } };
    case "already-submitted":
      return {
        template: "referral-sending",
        view: {
          title: `Referral received: ${result.reference}`,
          text: `This referral was already submitted as ${result.reference}. Nothing more to do.`,
          urgent: false,
        },
      };
    default:
      return {
        template: "referral-sending",
        view: {
          title: "Not sent yet: one more look",
          text: "Your referral needs another look before it can be sent. Say 'resume' to see it.",
          urgent: false,
        },
      };
  }
}

/** What the referrer sees after a submission attempt: a card, or a line of text. */
function submissionReply(services: Services, result: SubmissionResult, reason: string): CardJson | string {
  switch (result.kind) {
    case "submitted":
      return renderCard(
        "referral-submitted",
        submittedView(
          result.case.id,
          result.case.referral,
          result.case.submittedAt,
          referrerContacts(services.config),
        ),
      );
    case "already-submitted":
      return `This referral was already submitted as ${result.reference}. Nothing more to do.`;
    case "stale":
      return currentCard(services, result.draft, { notice: staleNotice });
    case "needs-reason":
      return reviewCard(result.draft, ukDate(services.now()), {
        reasonError:
          "Some core enquiries are not made yet. Say why you are referring now, or make them first.",
      });
    case "incomplete":
      return currentCard(services, result.draft, {
        notice: "Some answers are still missing: please complete this step.",
      });
    case "no-draft":
      return "That referral is no longer open. Say 'refer' to start a new one.";
    case "possible-duplicate":
      return renderCard("referral-possible-duplicate", {
        draftId: result.draft.id,
        version: result.draft.version,
        reasonIncomplete: reason,
        matches: result.matches.map((match) => ({
          reference: match.reference,
          since: formatDate(match.since),
          status: statusTitles[match.status],
        })),
      });
    case "added-to-existing":
      return renderCard("referral-added", {
        reference: result.reference,
        ...referrerContacts(services.config),
      });
  }
}
