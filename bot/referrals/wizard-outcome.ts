import type { StoredDraft } from "./draft-repository.js";
import type { Draft } from "./draft.js";
import type { SubmissionResult } from "./submission.js";
import type { StepId } from "./steps.js";
import type { CardValues, FieldErrors } from "./wizard.js";

/**
 * What a referral's use case answers, for the edge to show: where the draft is now, one of its
 * steps with what was wrong, the review, a card of its own (template and view), a submission's
 * result, or words. Plain data: the edge turns it into a card or a message.
 */
export type WizardOutcome =
  | { readonly kind: "words"; readonly text: string }
  /** The draft's current step (or the review), with a notice above it ("" for none). */
  | { readonly kind: "current"; readonly draft: Draft; readonly notice: string }
  /** One step's card again, with a message under each wrong answer and what the person typed. */
  | {
      readonly kind: "step";
      readonly draft: Draft;
      readonly step: StepId;
      readonly errors: FieldErrors;
      readonly values?: CardValues;
      readonly notice?: string;
    }
  | {
      readonly kind: "review";
      readonly draft: Draft;
      readonly reasonIncomplete?: string | undefined;
      readonly reasonError: string;
    }
  | { readonly kind: "card"; readonly template: string; readonly view: Record<string, unknown> }
  /** Sending this draft had begun and was interrupted: whatever the button, it is finished first. */
  | { readonly kind: "finish-submission"; readonly draft: StoredDraft }
  | { readonly kind: "submission"; readonly result: SubmissionResult; readonly reason: string };

export const staleNotice =
  "That card was out of date (you had moved on from it). Here is where your referral is now.";

export const noLongerOpen =
  "That referral is no longer open (it was submitted or discarded). Say 'refer' to start a new one.";

export const onlyOfficersRecord =
  "Only CME officers record referrals on someone else's behalf. If you are referring yourself, choose 'Me'.";

export function words(text: string): WizardOutcome {
  return { kind: "words", text };
}
