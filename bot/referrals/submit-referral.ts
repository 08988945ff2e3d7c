import { emergencyContactsText, referrerContacts, type Config } from "../config.js";
import type { PersonalConversation, PersonalTemplate } from "../outbox/outbox-item.js";
import type { Actor } from "../shared/person.js";
import { mayRecordOnBehalf, recordsOnBehalf } from "../people/roles.js";
import { outsideTurn, withStoreBudget } from "../store/deadline.js";
import type { StoredDraft } from "./draft-repository.js";
import type { WizardPorts } from "./draft-saving.js";
import { isSubmitting } from "./draft.js";
import { reasonIncompleteSchema } from "./readiness.js";
import type { StepRequest } from "./step.js";
import {
  submitReferral,
  type DuplicateDecision,
  type SubmissionPorts,
  type SubmissionResult,
} from "./submission.js";
import { submittedView } from "./views.js";
import { noLongerOpen, onlyOfficersRecord, words, type WizardOutcome } from "./wizard-outcome.js";

export type SubmitPorts = WizardPorts &
  SubmissionPorts & {
    readonly config: Pick<Config, "submitAnswerWithinMs" | "storeDeadlineMs">;
  };

/** Where a late outcome goes: the person's chat, and the card they pressed Submit on (if Teams said which). */
export interface LateAnswerTo {
  readonly chat: PersonalConversation;
  readonly cardId?: string | undefined;
}

/** Submit, on the review or the possible-duplicate card (a draft submitted already says so). */
export function submitFromCard(
  ports: SubmitPorts,
  draft: StoredDraft | undefined,
  { card, input, actor }: StepRequest,
  lateAnswerTo: LateAnswerTo,
): Promise<WizardOutcome> {
  if (!draft) return Promise.resolve(words(noLongerOpen));
  if (isSubmitting(draft)) return finishSending(ports, draft, actor, lateAnswerTo);
  return submitDraft(ports, draft, card.version, input, actor, lateAnswerTo);
}

/** Sending had begun and was interrupted: it is finished as the draft stands, whatever the card. */
export function finishSending(
  ports: SubmitPorts,
  draft: StoredDraft,
  actor: () => Promise<Actor>,
  lateAnswerTo: LateAnswerTo,
): Promise<WizardOutcome> {
  return submitDraft(ports, draft, draft.version, {}, actor, lateAnswerTo);
}

/**
 * Sends the draft at the version on the card, with the reason for missing enquiries and the
 * decision about an open case for the same child that the card carries; answers within
 * SUBMIT_ANSWER_WITHIN_MS, and a later outcome goes on the person's card through the outbox.
 */
async function submitDraft(
  ports: SubmitPorts,
  draft: StoredDraft,
  version: number,
  input: Record<string, unknown>,
  actor: () => Promise<Actor>,
  lateAnswerTo: LateAnswerTo,
): Promise<WizardOutcome> {
  const source = draft.answers.referrer?.source;
  if (!draft.reference && recordsOnBehalf(source) && !mayRecordOnBehalf(await actor(), source)) {
    return words(onlyOfficersRecord);
  }
  const typedReason = typeof input.reasonIncomplete === "string" ? input.reasonIncomplete : undefined;
  const checkedReason = reasonIncompleteSchema.safeParse(typedReason);
  if (!checkedReason.success) {
    return {
      kind: "review",
      draft,
      reasonIncomplete: typedReason,
      reasonError: `${checkedReason.error.issues[0]?.message ?? "Shorten the reason"}: only the first part of what you typed is shown.`,
    };
  }
  const reason = checkedReason.data ?? "";
  const decision = duplicateDecisionOf(input);
  // The submission may outlive the turn (its answer goes at SUBMIT_ANSWER_WITHIN_MS): it runs
  // under a store budget of its own, not what is left of the turn's.
  const submission = inBackground(ports, () =>
    submitReferral(ports, draft.userId, draft.id, version, ports.now(), reason, decision, draft),
  );
  const result = await settledWithin(submission, ports.config.submitAnswerWithinMs);
  if (result !== undefined) return { kind: "submission", result, reason };
  // Teams stops waiting after about 10 s: say it is received now, and put the outcome on
  // this card when the work is done (submission is idempotent, so a second press is safe).
  finishLater(ports, draft, submission, lateAnswerTo);
  return {
    kind: "card",
    template: "referral-sending",
    view: {
      title: "Referral received: sending it now",
      text: "The case store is busy, so your reference will appear on this card in a moment. There is nothing more to do. If it has not appeared in a few minutes, say 'resume': your referral is kept, and it is sent once however often you ask.",
      urgent: draft.answers.whatHappened?.immediateDanger === "yes",
      emergencyContacts: emergencyContactsText(ports.config),
    },
  };
}

/** What the referrer chose on the possible-duplicate card, if anything. */
export function duplicateDecisionOf(input: Record<string, unknown>): DuplicateDecision {
  if (typeof input.addTo === "string") return { kind: "add-to", reference: input.addTo };
  return input.differentChild === true || input.differentChild === "true"
    ? { kind: "different-child" }
    : undefined;
}

/** Work a turn starts that may outlive it: outside the turn's store budget, under one of its own. */
function inBackground<T>(ports: SubmitPorts, work: () => Promise<T>): Promise<T> {
  const callMs = ports.config.storeDeadlineMs;
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

interface CardOf {
  readonly template: PersonalTemplate;
  readonly view: Record<string, unknown>;
}

/** Puts a late submission's outcome on the card the person pressed Submit on (or a new message), once. */
function finishLater(
  ports: SubmitPorts,
  draft: StoredDraft,
  submission: Promise<SubmissionResult>,
  { chat, cardId }: LateAnswerTo,
): void {
  // Keyed by the card too: an outcome for a later Submit (from a card 'resume' showed) is its own message.
  const tell = (card: CardOf) =>
    inBackground(ports, () =>
      ports.outbox.postPersonalCard(
        `referral-outcome|${draft.id}|${draft.createdAt}|${cardId ?? "new"}`,
        chat,
        card.template,
        card.view,
        cardId,
      ),
    );
  submission
    .then((result) => tell(lateOutcomeCard(ports, result)))
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
export function lateOutcomeCard(ports: Pick<SubmitPorts, "config">, result: SubmissionResult): CardOf {
  const contacts = referrerContacts(ports.config);
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
