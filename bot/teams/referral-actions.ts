import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { z } from "zod";
import { emergencyContactsText } from "../config.js";
import type { Person } from "../people/person.js";
import { draftIdFor, type Draft } from "../referrals/draft.js";
import { ukDate } from "../referrals/school-age.js";
import { stepOrder, type StepId } from "../referrals/steps.js";
import { submitReferral } from "../referrals/submission.js";
import { reviewView, stepCards, stepView, submittedView, type StepViewOptions } from "../referrals/views.js";
import { answerStep, goBack, startDraft } from "../referrals/wizard.js";
import type { Services } from "../services.js";
import { ConcurrencyError } from "../store/documents.js";
import type { StoredDraft } from "../store/draft-store.js";
import { cardResponse, messageResponse } from "./invoke-responses.js";
import { renderCard, type CardJson } from "./render-card.js";

const cardData = z.object({
  draftId: z.string(),
  version: z.coerce.number().int(),
  step: z.enum(stepOrder as [StepId, ...StepId[]]).optional(),
});

function emergencyContacts(services: Services): string {
  return emergencyContactsText(services.config);
}

/** The card for where a draft is now: its current step, or the review. */
export function currentCard(
  services: Services,
  draft: Draft,
  options: Partial<StepViewOptions> = {},
): CardJson {
  if (draft.step === "review") return renderCard("referral-review", reviewView(draft, options.notice));
  return renderCard(
    stepCards[draft.step],
    stepView(draft, draft.step, { emergencyContacts: emergencyContacts(services), ...options }),
  );
}

export function referrerOf(context: TurnContext): Person {
  const { from, conversation } = context.activity;
  return {
    id: from.id,
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    name: from.name ?? "Unknown",
    ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
  };
}

/** `refer`: carries on with an open draft, or starts one. */
export async function startOrResumeReferral(services: Services, referrer: Person): Promise<CardJson> {
  const existing = await services.drafts.get(referrer.id, draftIdFor(referrer.id, "school-age"));
  if (existing && !existing.submittedAt) {
    return currentCard(services, existing, {
      notice: "You have a referral in progress: carrying on where you left off.",
    });
  }
  const draft = await services.drafts.put(startDraft(referrer, "school-age", services.now()));
  return currentCard(services, draft);
}

/** A referral holds personal data: it is never made where others can see it. */
export const referInPersonalChat =
  "Referrals are made in a personal chat with me, so that the child's details stay private. Open a chat with CME Referrals and say 'refer'.";

const staleNotice =
  "That card was out of date (you had moved on from it). Here is where your referral is now.";

/** Handles the wizard's buttons: Next (validate and save), Back, Submit. */
export async function handleReferralAction(
  services: Services,
  context: TurnContext,
  verb: string,
  data: unknown,
): Promise<AdaptiveCardInvokeResponse> {
  const referrer = referrerOf(context);
  if (context.activity.conversation.conversationType !== "personal")
    return messageResponse(referInPersonalChat);
  if (verb === "referral.start") return cardJson(await startOrResumeReferral(services, referrer));
  const parsed = cardData.safeParse(data);
  if (!parsed.success)
    return messageResponse("That card is missing what I need to continue. Say 'refer' to carry on.");
  const { draftId, version, step } = parsed.data;
  const draft = await services.drafts.get(referrer.id, draftId);
  if (!draft || (draft.submittedAt && verb !== "referral.submit")) {
    return messageResponse(
      "That referral is no longer open (it was submitted or discarded). Say 'refer' to start a new one.",
    );
  }
  if (verb === "referral.submit") return submit(services, draft, version);
  if (draft.version !== version) return cardJson(currentCard(services, draft, { notice: staleNotice }));
  if (verb === "referral.back") return saveAndShow(services, draft, goBack(draft, services.now()));
  if (verb === "referral.next" && step) {
    const result = answerStep(
      draft,
      step,
      (data ?? {}) as Record<string, unknown>,
      ukDate(services.now()),
      services.now(),
    );
    if (!result.ok) {
      return cardResponse(
        stepCards[step],
        stepView(draft, step, {
          emergencyContacts: emergencyContacts(services),
          errors: result.errors,
          values: result.values,
          notice: "Please check the answers marked below.",
        }),
      );
    }
    return saveAndShow(services, draft, result.draft);
  }
  return messageResponse("I don't know that button. Say 'refer' to carry on with your referral.");
}

function cardJson(card: CardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card };
}

async function saveAndShow(
  services: Services,
  stored: StoredDraft,
  next: Draft,
): Promise<AdaptiveCardInvokeResponse> {
  try {
    return cardJson(currentCard(services, await services.drafts.save(next, stored._etag)));
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    const fresh = await services.drafts.get(stored.userId, stored.id);
    return fresh
      ? cardJson(currentCard(services, fresh, { notice: staleNotice }))
      : messageResponse("That referral is no longer open.");
  }
}

async function submit(
  services: Services,
  draft: StoredDraft,
  version: number,
): Promise<AdaptiveCardInvokeResponse> {
  const result = await submitReferral(services, draft.userId, draft.id, version, services.now());
  switch (result.kind) {
    case "submitted":
      return cardResponse(
        "referral-submitted",
        submittedView(
          result.case.id,
          result.case.referral,
          result.case.submittedAt,
          emergencyContacts(services),
        ),
      );
    case "already-submitted":
      return messageResponse(
        `This referral was already submitted as ${result.reference}. Nothing more to do.`,
      );
    case "stale":
      return cardJson(currentCard(services, result.draft, { notice: staleNotice }));
    case "incomplete":
      return cardJson(
        currentCard(services, result.draft, {
          notice: "Some answers are still missing: please complete this step.",
        }),
      );
    case "no-draft":
      return messageResponse("That referral is no longer open. Say 'refer' to start a new one.");
  }
}
