import { z } from "zod";
import { draftIdFor, referralKinds, type ReferralKind } from "../referrals/draft.js";
import type { DraftCard, StepRequest } from "../referrals/step.js";
import { notSaved } from "../referrals/step.js";
import { stepOrder, type StepId } from "../referrals/steps.js";
import type { WizardOutcome } from "../referrals/wizard-outcome.js";
import type { StoredDraft } from "../store/draft-store.js";
import { StoreUnavailableError } from "../store/deadline.js";
import { referrerOf } from "./actor.js";
import { cardNumber } from "./inbound.js";
import { storeUnavailableNotice } from "./invoke-responses.js";
import { referralPorts, replyFor } from "./referral-replies.js";
import type { Reply, Turn } from "./route.js";

const stepId = z.enum(stepOrder as [StepId, ...StepId[]]);
const draftId = z.string().max(256);
const version = cardNumber(1_000_000);

/** What the buttons on a draft's cards carry: the draft and the version the card shows, and where on it. */
export const draftCard = z.object({ draftId, version, step: stepId.optional() });
export const stepOfDraft = z.object({ draftId, version, step: stepId });
export const groupOfStep = stepOfDraft.extend({ group: z.string().max(64) });
export const rowOfGroup = groupOfStep.extend({ index: cardNumber(100) });

/** A draft card's data, and the card's inputs (every value, as sent), for the use case to read. */
export function withInputs<Card extends DraftCard>(card: z.ZodType<Card>) {
  return z.record(z.string(), z.unknown()).transform((inputs, ctx) => {
    const parsed = card.safeParse(inputs);
    if (parsed.success) return { card: parsed.data, inputs };
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: undefined });
    return z.NEVER;
  });
}

/** The draft a card's id names, if it is one of the person's own (`<their id>|<kind>`). */
function ownKind(userId: string, id: string): ReferralKind | undefined {
  return referralKinds.find((kind) => draftIdFor(userId, kind) === id);
}

/** What a draft card's button does when the store does not answer: show the same step's card again, or say so. */
export type WhenStoreDown = "same-step" | "say-so";

/**
 * A button on one of the person's drafts: reads the draft and runs the use case on it. A card
 * about someone else's draft is refused; if the store does not answer nothing was saved, and
 * the person is told so (on a step's own card, with what they typed still on it). `verb` names
 * the button in the log line of a refusal.
 */
export async function onDraftCard<Card extends DraftCard>(
  turn: Turn,
  verb: string,
  { card, inputs }: { card: Card; inputs: Record<string, unknown> },
  act: (draft: StoredDraft | undefined, request: StepRequest<Card>) => Promise<WizardOutcome>,
  whenStoreDown: WhenStoreDown,
): Promise<Reply> {
  const userId = turn.context.activity.from.id;
  const kind = ownKind(userId, card.draftId);
  if (!kind) {
    turn.log("invoke.refused.malformed", { verb, problems: "draftId: not one of the person's drafts" });
    return {
      text: "That card is not about one of your referrals, so I did nothing. Say 'refer' to carry on with yours.",
    };
  }
  let draft: StoredDraft | undefined;
  try {
    draft = await turn.services.drafts.get(userId, card.draftId);
    return await replyFor(turn, await act(draft, { card, input: inputs, actor: () => turn.actor() }));
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    const { step } = card;
    if (whenStoreDown === "say-so" || !step) return { text: storeUnavailableNotice };
    const request = { card: { ...card, step }, input: inputs };
    const ports = referralPorts(turn);
    return replyFor(
      turn,
      notSaved(ports, referrerOf(turn.context), kind, request, draft, storeUnavailableNotice),
    );
  }
}
