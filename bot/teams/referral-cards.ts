import { emergencyContactsText } from "../config.js";
import type { Draft } from "../referrals/draft.js";
import { frontDoorUnanswered } from "../referrals/front-door.js";
import type { StepId } from "../referrals/steps.js";
import { reviewView, stepView, type StepViewOptions } from "../referrals/views.js";
import { formOf } from "../referrals/wizard.js";
import type { Services } from "../services.js";
import { renderCard, renderCardIfFits, renderFittingCard, type CardJson } from "./render-card.js";
import { ukDate } from "../shared/uk-dates.js";

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
