import type { Actor, Person } from "../shared/person.js";
import { mayRecordOnBehalf, recordsOnBehalf } from "../people/roles.js";
import type { StoredDraft } from "./draft-repository.js";
import { emergencyContactsText, referrerContacts } from "../config.js";
import { isSubmitting, type Draft, type ReferralKind } from "./draft.js";
import {
  notAlertedNotice,
  notices,
  saveDraft,
  teamNotAlertedText,
  type WizardPorts,
} from "./draft-saving.js";
import { redirectFor, type Redirect } from "./front-door.js";
import type { StepId } from "./steps.js";
import { cutNotice, redirectView } from "./views.js";
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
} from "./wizard.js";
import {
  noLongerOpen,
  onlyOfficersRecord,
  staleNotice,
  words,
  type WizardOutcome,
} from "./wizard-outcome.js";
import { ukDate } from "../shared/uk-dates.js";

/** What a wizard step's card says of itself: its draft and version, the step, and the row a row's button is on. */
export interface DraftCard {
  readonly draftId: string;
  readonly version: number;
  readonly step?: StepId | undefined;
  readonly group?: string | undefined;
  readonly index?: number | undefined;
}

/** A button pressed on a draft's card: the card, its inputs, and who pressed it (asked of Teams only if a rule needs it). */
export interface StepRequest<Card extends DraftCard = DraftCard> {
  readonly card: Card;
  readonly input: Record<string, unknown>;
  readonly actor: () => Promise<Actor>;
}

/** One of the wizard's changes to an open, current draft. */
export type StepChange<Card extends DraftCard = DraftCard> = (
  ports: WizardPorts,
  draft: StoredDraft,
  request: StepRequest<Card>,
) => Promise<WizardOutcome>;

/**
 * A button on a draft's card: the draft must be open and the card current (else the person sees
 * where it is now); a draft whose sending had begun is finished first, whatever the button.
 */
export function stepDraft<Card extends DraftCard>(
  ports: WizardPorts,
  draft: StoredDraft | undefined,
  request: StepRequest<Card>,
  change: StepChange<Card>,
): Promise<WizardOutcome> {
  if (!draft || draft.submittedAt) return Promise.resolve(words(noLongerOpen));
  if (isSubmitting(draft)) return Promise.resolve({ kind: "finish-submission", draft });
  if (draft.version !== request.card.version)
    return Promise.resolve({ kind: "current", draft, notice: staleNotice });
  return change(ports, draft, request);
}

/** What was typed longer than allowed is kept only up to the limit: the person is told. */
function cutOf(draft: Draft, { card, input }: StepRequest): string {
  return card.step ? cutNotice(overLimit(draft, card.step, input)) : "";
}

/** Saves the change and shows where the draft is now; if someone moved it on meanwhile, where it is instead. */
async function saveAndShow(
  ports: WizardPorts,
  stored: StoredDraft,
  next: Draft,
  notice = "",
): Promise<WizardOutcome> {
  const saved = await saveDraft(ports, stored, next);
  if (saved)
    return { kind: "current", draft: saved.draft, notice: notices(notice, notAlertedNotice(ports, saved)) };
  const fresh = await ports.drafts.get(stored.userId, stored.id);
  return fresh
    ? { kind: "current", draft: fresh, notice: staleNotice }
    : words("That referral is no longer open.");
}

/** Back: what was typed on this step is kept, and the step before (or the last one, from the review) shown. */
export const back: StepChange = (ports, draft, request) => {
  const { step } = request.card;
  const now = ports.now();
  return saveAndShow(
    ports,
    draft,
    goBack(step ? keepTyped(draft, step, request.input, now) : draft, now),
    cutOf(draft, request),
  );
};

/** Edit, on the review: that section's card, and Next comes back to the review. */
export const edit: StepChange<DraftCard & { step: StepId }> = (ports, draft, { card }) =>
  saveAndShow(ports, draft, editStep(draft, card.step, ports.now()));

/** Save for later: what was typed is kept unchecked (an immediate danger still alerts the team). */
export const saveForLater: StepChange<DraftCard & { step: StepId }> = async (ports, draft, request) => {
  const saved = await saveDraft(
    ports,
    draft,
    keepTyped(draft, request.card.step, request.input, ports.now()),
  );
  return {
    kind: "card",
    template: "referral-saved",
    view: {
      notice: notices(cutOf(draft, request), notAlertedNotice(ports, saved)),
      emergencyContacts: emergencyContactsText(ports.config),
    },
  };
};

export const addRowTo: StepChange<DraftCard & { step: StepId; group: string }> = (ports, draft, request) => {
  const { step, group } = request.card;
  return saveAndShow(
    ports,
    draft,
    addRow(draft, step, group, request.input, ports.now()),
    cutOf(draft, request),
  );
};

export const removeRowFrom: StepChange<DraftCard & { step: StepId; group: string; index: number }> = (
  ports,
  draft,
  request,
) => {
  const { step, group, index } = request.card;
  return saveAndShow(
    ports,
    draft,
    removeRow(draft, step, group, index, request.input, ports.now()),
    cutOf(draft, request),
  );
};

/**
 * Next: the step's answers checked. Passed, the next step (or the review, or, from the first
 * card, the service the referrer should go to instead); not passed, the same card with what is
 * wrong, and what was typed kept. Only CME officers record a referral on someone else's behalf.
 */
export const next: StepChange<DraftCard & { step: StepId }> = async (
  ports,
  draft,
  { card, input, actor },
) => {
  const { step } = card;
  if (
    step === "referrer" &&
    recordsOnBehalf(input.source) &&
    !mayRecordOnBehalf(await actor(), input.source)
  ) {
    return {
      kind: "step",
      draft,
      step,
      errors: { source: onlyOfficersRecord },
      values: cardValues(draft, step, input),
    };
  }
  const now = ports.now();
  const result = answerStep(draft, step, input, ukDate(now), now);
  const redirect = result.ok && step === "whatHappened" ? redirectTo(result.draft) : undefined;
  if (redirect) return redirected(ports, draft, redirect, input);
  if (result.ok) return saveAndShow(ports, draft, result.draft);
  const kept = await saveDraft(ports, draft, keepTyped(draft, step, input, now));
  return {
    kind: "step",
    draft: kept?.draft ?? draft,
    step,
    errors: result.errors,
    values: result.values,
    notice: notices(
      "Please check the answers marked below. What you typed is kept.",
      notAlertedNotice(ports, kept),
    ),
  };
};

/** Where the first card's answers send the referrer instead of a CME referral, if anywhere. */
function redirectTo(answered: Draft): Redirect | undefined {
  return answered.answers.whatHappened && redirectFor(answered.answers.whatHappened);
}

/**
 * Not CME: no case, no channel post. The answers are kept as typed (not passed), so "Back to
 * the referral" shows them again to change, and "Discard" removes them.
 */
async function redirected(
  ports: WizardPorts,
  draft: StoredDraft,
  redirect: Redirect,
  input: Record<string, unknown>,
): Promise<WizardOutcome> {
  const saved = await saveDraft(ports, draft, keepTyped(draft, "whatHappened", input, ports.now()), redirect);
  const { attendance, homeEducation } = ports.config.redirectContacts;
  return {
    kind: "card",
    template: "referral-redirect",
    view: redirectView(
      redirect,
      saved?.draft ?? draft,
      redirect === "attendance" ? attendance : homeEducation,
      input.immediateDanger === "yes",
      referrerContacts(ports.config),
      notAlertedNotice(ports, saved),
    ),
  };
}

/**
 * The store did not answer, so nothing was saved: the same step's card again, with what the
 * person sent and the version they had, so pressing the button again later carries on. The
 * draft may not have been readable: then the card's own data says which draft, step and rows.
 */
export function notSaved(
  ports: Pick<WizardPorts, "config" | "now">,
  referrer: Person,
  kind: ReferralKind,
  { card, input }: Omit<StepRequest<DraftCard & { step: StepId }>, "actor">,
  read: Draft | undefined,
  notice: string,
): WizardOutcome {
  const draft: Draft =
    read?.version === card.version
      ? read
      : {
          ...startDraft(referrer, kind, ports.now()),
          version: card.version,
          step: card.step,
          groupSizes: groupSizesSent(formOf({ kind }), card.step, input),
        };
  // Nothing was saved, so a first "immediate danger" raised no alert: the person must call.
  const notAlerted = input.immediateDanger === "yes" && !read?.dangerAlert;
  return {
    kind: "step",
    draft,
    step: card.step,
    errors: {},
    values: cardValues(draft, card.step, input),
    notice: notices(notice, notAlerted ? teamNotAlertedText(ports.config) : ""),
  };
}
