import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import type { Deliver, DeliveryAttempt, DeliveryResult } from "../outbox/outbox.js";
import { RetryableDeliveryError, type OutboxItem, type PersonalConversation } from "../outbox/outbox-item.js";
import { caseChannel, type Services } from "../services.js";
import type { CaseChannel } from "../store/settings-store.js";
import { postCaseNotice, showCaseCard, showDangerAlert } from "./delivery-case-card.js";
import type { CaseCardDeps } from "./delivery-in-doubt.js";
import { cardAttachment } from "./render-card.js";

export type { CaseCardDeps } from "./delivery-in-doubt.js";

function channelReference(channel: CaseChannel, botAppId: string): Partial<ConversationReference> {
  return {
    channelId: "msteams",
    serviceUrl: channel.serviceUrl,
    bot: { id: botAppId, name: "CME Referrals" },
    conversation: {
      id: channel.channelId,
      isGroup: true,
      conversationType: "channel",
      name: "CME cases",
      ...(channel.tenantId ? { tenantId: channel.tenantId } : {}),
    },
  };
}

/** Throttling, outages and unreachable hosts are worth another try; anything else is not. */
export function classifyDeliveryError(error: unknown): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  const transient =
    status === 429 ||
    (status !== undefined && status >= 500) ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "REQUEST_SEND_ERROR"].includes(code ?? "");
  if (!transient) return error;
  const retryAfter = Number(
    (
      error as { response?: { headers?: { get?(name: string): string | undefined } } }
    ).response?.headers?.get?.("retry-after"),
  );
  return new RetryableDeliveryError(
    `Teams answered ${status ?? code ?? "with an error"}`,
    Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
  );
}

function personalReference(
  conversation: PersonalConversation,
  botAppId: string,
): Partial<ConversationReference> {
  return {
    channelId: "msteams",
    serviceUrl: conversation.serviceUrl,
    bot: { id: botAppId, name: "CME Referrals" },
    user: { id: conversation.userId, name: "" },
    conversation: {
      id: conversation.id,
      isGroup: false,
      conversationType: "personal",
      name: "",
      ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
    },
  };
}

/**
 * The outbox (and a later reply) retries a send itself, knowing what was posted. The connector's
 * own retry does not: it sends a post again when the connection broke, or Teams answered 5xx,
 * after Teams took it, which posts the card twice. So a proactive turn's connector client sends
 * each request once.
 */
export function withoutConnectorRetries(context: TurnContext): void {
  const connector = context.turnState.get<{
    client?: { pipeline?: { removePolicy(options: { phase: "Retry" }): unknown } };
  }>(context.adapter.ConnectorClientKey);
  connector?.client?.pipeline?.removePolicy({ phase: "Retry" });
}

/**
 * Runs a proactive turn and hands back what it produced. The adapter passes a turn's errors
 * to onTurnError and carries on; the outbox must see them, so they are caught in the turn.
 */
async function proactive(
  adapter: CloudAdapter,
  botAppId: string,
  reference: Partial<ConversationReference>,
  send: (context: TurnContext) => Promise<DeliveryResult>,
): Promise<DeliveryResult> {
  let result: DeliveryResult = {};
  let failure: unknown;
  try {
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      withoutConnectorRetries(context);
      // A proactive turn's activity has an invented id, and replying to it would make a
      // thread reply: these are new messages.
      context.onSendActivities(async (_context, activities, nextSend) => {
        for (const activity of activities) delete activity.replyToId;
        return nextSend();
      });
      try {
        result = await send(context);
      } catch (error) {
        failure = error;
      }
    });
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) throw classifyDeliveryError(failure);
  return result;
}

/** Posts a card, or updates the message it replaces. */
async function postOrUpdate(
  context: TurnContext,
  template: string,
  data: Record<string, unknown>,
  activityId: string | undefined,
): Promise<DeliveryResult> {
  const message = { type: "message", attachments: [cardAttachment(template, data)] };
  if (activityId) {
    await context.updateActivity({ ...message, id: activityId });
    return { activityId };
  }
  const posted = await context.sendActivity(message);
  return posted?.id ? { activityId: posted.id } : {};
}

/** Delivers outbox items (proactive messages) to the CME channel and to people's personal chats: posting and updating only. */
export function teamsDelivery(adapter: CloudAdapter, services: Services, deps: CaseCardDeps): Deliver {
  const botAppId = services.config.bot.appId ?? "";
  return async (item: OutboxItem, attempt: DeliveryAttempt): Promise<DeliveryResult> => {
    if ("conversation" in item) {
      const updates = item.kind === "submission-outcome" ? item.updatesActivityId : undefined;
      return proactive(adapter, botAppId, personalReference(item.conversation, botAppId), (context) =>
        postOrUpdate(context, item.template, item.data, updates),
      );
    }
    const channel = await caseChannel(services);
    if (!channel) {
      throw new RetryableDeliveryError(
        "no CME case channel is set up yet (a manager says '@CME Referrals setup' there)",
      );
    }
    const inChannel = (send: (context: TurnContext) => Promise<DeliveryResult>) =>
      proactive(adapter, botAppId, channelReference(channel, botAppId), send);
    switch (item.kind) {
      case "danger-alert":
        return inChannel((context) => showDangerAlert(context, services, deps, channel, item, attempt));
      case "digest":
      case "dfe-return-notice":
      case "redacted":
        // A card about no one case, or one retention redrew without its details: its view was made when it was queued.
        return inChannel((context) => postOrUpdate(context, item.template, item.data, item.activityId));
      case "case-card":
      case "urgent":
      case "escalation":
      case "sign-off": {
        const current = await services.cases.get(item.caseId);
        if (!current) throw new Error(`outbox item ${item.id} names no case that exists`);
        return inChannel((context) =>
          item.kind === "case-card"
            ? showCaseCard(context, services, deps, channel, current, item, attempt)
            : postCaseNotice(context, services, channel, current, item),
        );
      }
    }
  };
}
