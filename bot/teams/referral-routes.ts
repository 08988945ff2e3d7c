import { z } from "zod";
import { askToCancel, discardDraft } from "../referrals/cancel.js";
import { referralKinds, type ReferralKind } from "../referrals/draft.js";
import {
  addRowTo,
  back,
  edit,
  next,
  removeRowFrom,
  saveForLater,
  stepDraft,
  type DraftCard,
  type StepChange,
} from "../referrals/step.js";
import { submitFromCard } from "../referrals/submit-referral.js";
import type { WizardOutcome } from "../referrals/wizard-outcome.js";
import type { StoredDraft } from "../store/draft-store.js";
import {
  draftCard,
  groupOfStep,
  onDraftCard,
  rowOfGroup,
  stepOfDraft,
  withInputs,
  type WhenStoreDown,
} from "./referral-draft-card.js";
import { lateAnswerTo, referralPorts, replyFor } from "./referral-replies.js";
import { startReferral } from "./referral-start.js";
import { command, verb, type Route, type Turn } from "./route.js";

/** A referral holds personal data: it is never made where others can see it. */
const referInPersonalChat =
  "Referrals are made in a personal chat with me, so that the child's details stay private. Open a chat with CME Referrals and say 'refer'.";

const inPersonalChat = { scopes: ["personal"], who: "anyone", elsewhere: referInPersonalChat } as const;

const cardMissing = "That card is missing what I need to continue. Say 'refer' to carry on.";

/** "refer school", "refer school age", "refer early years", "refer ey" …; nothing after `refer`: no kind. */
const kindWords = z.string().transform((words, ctx): ReferralKind | undefined => {
  if (words === "") return undefined;
  if (/^(school|school[- ]age|sa)$/.test(words)) return "school-age";
  if (/^(early[- ]?years?|ey|nursery)$/.test(words)) return "early-years";
  ctx.addIssue({ code: "custom", message: "not a kind of referral" });
  return z.NEVER;
});

/** A button on a draft's card: the card's data checked by `card`, then the use case run on the draft it names. */
function draftVerb<Card extends DraftCard>(
  name: string,
  card: z.ZodType<Card>,
  whenStoreDown: WhenStoreDown,
  act: (
    turn: Turn,
    draft: StoredDraft | undefined,
    request: Parameters<StepChange<Card>>[2],
  ) => Promise<WizardOutcome>,
): Route {
  return verb({
    verb: name,
    ...inPersonalChat,
    input: withInputs(card),
    malformed: cardMissing,
    handle: (turn, data) =>
      onDraftCard(turn, name, data, (draft, request) => act(turn, draft, request), whenStoreDown),
  });
}

/** A wizard step's change, on an open and current draft (the buttons on a step's own card show it again if the store is down). */
function stepVerb<Card extends DraftCard>(
  name: string,
  card: z.ZodType<Card>,
  change: StepChange<Card>,
  whenStoreDown: WhenStoreDown = "same-step",
): Route {
  return draftVerb(name, card, whenStoreDown, (turn, draft, request) =>
    stepDraft(referralPorts(turn), draft, request, change),
  );
}

/** Making a referral: the commands that start, resume and cancel one, and the wizard's buttons. */
export const referralRoutes: readonly Route[] = [
  command({
    name: "refer",
    description:
      "Refer a child missing education (in a personal chat with me); your answers are saved as you go",
    ...inPersonalChat,
    input: kindWords,
    malformed: "Say 'refer school' for a child of school age, or 'refer early years' for a younger child.",
    handle: startReferral,
  }),
  command({
    name: "resume",
    description: "Carry on with a referral you started",
    ...inPersonalChat,
    input: z.string(),
    handle: (turn) => startReferral(turn),
  }),
  command({
    name: "cancel",
    description: "Discard a referral you started (I ask first)",
    ...inPersonalChat,
    elsewhere: "Say 'cancel' in a personal chat with me: your referrals name children.",
    input: z.string(),
    handle: async (turn) => replyFor(turn, await askToCancel(turn.services, turn.context.activity.from.id)),
  }),
  verb({
    verb: "referral.start",
    ...inPersonalChat,
    input: z.object({ kind: z.enum(referralKinds).optional(), resume: z.boolean().optional() }),
    malformed: cardMissing,
    handle: (turn, { kind }) => startReferral(turn, kind),
  }),
  verb({
    verb: "referral.keep",
    ...inPersonalChat,
    input: z.object({ draftId: z.string().max(256).optional() }),
    malformed: cardMissing,
    handle: () => Promise.resolve({ text: "Kept. Say 'resume' to carry on with it." }),
  }),
  stepVerb("referral.next", stepOfDraft, next),
  stepVerb("referral.back", draftCard, back),
  stepVerb("referral.save", stepOfDraft, saveForLater),
  stepVerb("referral.addRow", groupOfStep, addRowTo),
  stepVerb("referral.removeRow", rowOfGroup, removeRowFrom),
  stepVerb("referral.edit", stepOfDraft, edit, "say-so"),
  draftVerb("referral.cancel", draftCard, "say-so", (turn, draft, { card }) =>
    discardDraft(referralPorts(turn), draft, card),
  ),
  draftVerb("referral.submit", draftCard, "say-so", (turn, draft, request) =>
    submitFromCard(
      referralPorts(turn),
      draft,
      request,
      lateAnswerTo(turn.context, turn.context.activity.from.id),
    ),
  ),
];
