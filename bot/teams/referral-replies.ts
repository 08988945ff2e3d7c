import type { TurnContext } from "botbuilder";
import { emergencyContactsText, referrerContacts } from "../config.js";
import { statusTitles } from "../cases/case.js";
import { formatDate } from "../shared/format.js";
import type { SubmissionResult } from "../referrals/submission.js";
import { finishSending, type LateAnswerTo, type SubmitPorts } from "../referrals/submit-referral.js";
import { submittedView } from "../referrals/views.js";
import { staleNotice, type WizardOutcome } from "../referrals/wizard-outcome.js";
import type { Services } from "../services.js";
import { currentCard, reviewCard, stepCard } from "./referral-cards.js";
import { renderCard, type CardJson } from "./render-card.js";
import type { Reply, Turn } from "./route.js";
import { tenantOf } from "./tenant.js";
import { ukDate } from "../shared/uk-dates.js";

/** What the referral use cases work with: the services, and this turn's log. */
export function referralPorts(turn: Turn): SubmitPorts {
  return { ...turn.services, log: turn.log };
}

/** A late submission's outcome goes to this chat, on the card the person pressed. */
export function lateAnswerTo(context: TurnContext, userId: string): LateAnswerTo {
  const { conversation, serviceUrl, replyToId } = context.activity;
  const tenantId = tenantOf(context);
  return {
    chat: { id: conversation.id, serviceUrl, userId, ...(tenantId ? { tenantId } : {}) },
    cardId: replyToId,
  };
}

/** A referral use case's outcome as the person sees it: a card, or words. */
export async function replyFor(turn: Turn, outcome: WizardOutcome): Promise<Reply> {
  const { services } = turn;
  switch (outcome.kind) {
    case "words":
      return { text: outcome.text };
    case "current":
      return {
        card: currentCard(services, outcome.draft, outcome.notice ? { notice: outcome.notice } : {}),
      };
    case "step":
      return {
        card: stepCard(outcome.draft, outcome.step, {
          emergencyContacts: emergencyContactsText(services.config),
          errors: outcome.errors,
          ...(outcome.values ? { values: outcome.values } : {}),
          ...(outcome.notice !== undefined ? { notice: outcome.notice } : {}),
        }),
      };
    case "review":
      return {
        card: reviewCard(outcome.draft, ukDate(services.now()), {
          reasonIncomplete: outcome.reasonIncomplete,
          reasonError: outcome.reasonError,
        }),
      };
    case "card":
      return { card: renderCard(outcome.template, outcome.view) };
    case "finish-submission": {
      const { draft } = outcome;
      const late = lateAnswerTo(turn.context, draft.userId);
      return replyFor(turn, await finishSending(referralPorts(turn), draft, () => turn.actor(), late));
    }
    case "submission": {
      const answer = submissionReply(services, outcome.result, outcome.reason);
      return typeof answer === "string" ? { text: answer } : { card: answer };
    }
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
