import { TeamsInfo, type CloudAdapter, type ConversationReference, type TurnContext } from "botbuilder";
import { statusTitles, type Case } from "../cases/case.js";
import { caseChannelView, urgentWhy } from "../cases/views.js";
import { describeClocks } from "../escalations/due.js";
import type { ChannelPosts } from "../graph/channel-posts.js";
import type { Log } from "../log.js";
import type { Deliver, DeliveryAttempt, DeliveryResult } from "../outbox/outbox.js";
import { RetryableDeliveryError, type OutboxItem, type PersonalConversation } from "../outbox/outbox-item.js";
import { formatDateTime } from "../people/format.js";
import { dangerAlertTemplate } from "../referrals/danger-alert.js";
import { ukDate } from "../referrals/school-age.js";
import { caseChannel, type Services } from "../services.js";
import type { CaseChannel } from "../store/settings-store.js";
import { cardAttachment } from "./render-card.js";
import { refreshUserIds, teamMembers, type TeamRosters } from "./roster.js";

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

/** @mentions for a channel card: the case's owner (when asked for) and the managers (when asked for). */
async function mentionsFor(
  context: TurnContext,
  rosters: TeamRosters,
  channel: CaseChannel,
  managerIds: readonly string[],
  owner: { id: string; name: string } | undefined,
  who: { owner: boolean; managers: boolean },
) {
  const members = await teamMembers(rosters, context, channel.teamId);
  const managers = who.managers
    ? managerIds.map((managerId) => {
        const member = members.find(
          (candidate) =>
            candidate.aadObjectId?.toLowerCase() === managerId ||
            candidate.userPrincipalName?.toLowerCase() === managerId,
        );
        return { id: member?.id ?? managerId, name: member?.name ?? managerId };
      })
    : [];
  const people = [...(who.owner && owner ? [owner] : []), ...managers.filter((m) => m.id !== owner?.id)];
  const entities = people.map((person) => ({
    type: "mention",
    text: `<at>${person.name}</at>`,
    mentioned: { id: person.id, name: person.name },
  }));
  return {
    mentionEntities: entities,
    mentionText: entities.length > 0 ? entities.map((entity) => entity.text).join(", ") : "CME managers",
  };
}

/** What showing a case card needs besides the services: where Graph finds a post in doubt, and the log. */
export interface CaseCardDeps {
  readonly channelPosts: ChannelPosts | undefined;
  readonly log: Log;
}

/** Whether a card is the case's own channel card (escalations about it name it too, but refresh nothing). */
function isCaseCardOf(reference: string): (card: unknown) => boolean {
  return (card: unknown): boolean => {
    const refresh = (card as { refresh?: { action?: { verb?: unknown; data?: { caseId?: unknown } } } })
      ?.refresh?.action;
    return refresh?.verb === "case.refresh" && refresh.data?.caseId === reference;
  };
}

/** Whether a card is the stored channel card of this outbox item (its title carries the item's id). */
function isStoredCardOf(itemId: string): (card: unknown) => boolean {
  return (card: unknown): boolean =>
    (card as { body?: { id?: unknown }[] })?.body?.some((element) => element?.id === itemId) === true;
}

/**
 * The card an earlier delivery posted but could not record (it was in doubt), as the channel's
 * recent messages show it (the one that `isTheCard`); undefined when Graph is not there, fails,
 * or has not got it (then it is posted again, and the log says so).
 */
async function postInDoubt(
  context: TurnContext,
  channel: CaseChannel,
  item: OutboxItem,
  isTheCard: (card: unknown) => boolean,
  appId: string | undefined,
  { channelPosts, log }: CaseCardDeps,
): Promise<string | undefined> {
  const repeat = (why: string) => {
    log("outbox.post.in-doubt", { item: item.id, then: "posted again", why });
    return undefined;
  };
  if (!channelPosts) return repeat("Microsoft Graph is not configured");
  const tenantId = channel.tenantId ?? context.activity.conversation.tenantId;
  if (!tenantId) return repeat("the channel's tenant is not known");
  try {
    const team = await TeamsInfo.getTeamDetails(context, channel.teamId);
    if (!team.aadGroupId) return repeat("Teams did not name the team's group");
    const found = await channelPosts.find(
      { tenantId, teamGroupId: team.aadGroupId, channelId: channel.channelId },
      appId,
      isTheCard,
    );
    if (!found) return repeat("not among the channel's recent messages");
    log("outbox.post.in-doubt", { item: item.id, then: "adopted" });
    return found;
  } catch (error) {
    return repeat(`the look-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Shows a case's current card in the channel: posts it the first time, updates it in place after.
 * The post's id is kept on the case and on the outbox item (whichever the store took).
 */
async function showCaseCard(
  context: TurnContext,
  services: Services,
  deps: CaseCardDeps,
  channel: CaseChannel,
  current: Case,
  item: OutboxItem,
  attempt: DeliveryAttempt,
) {
  // Team members' Teams refreshes the card into their own view, with the actions their role allows.
  const members = await teamMembers(services.rosters, context, channel.teamId);
  const card = cardAttachment(
    "case-channel",
    caseChannelView(current, ukDate(services.now()), {
      refreshUserIds: refreshUserIds(members, current.owner?.id, services.config.managerIds),
      clocks: describeClocks(current, services.clocks, services.now()),
      childrensDuty: services.config.emergencyContacts.childrensDuty,
    }),
  );
  const record = async (activityId: string) => {
    if (current.channelMessage?.activityId === activityId) return;
    try {
      await services.cases.setChannelMessage(current.id, { conversationId: channel.channelId, activityId });
    } catch (error) {
      // The outbox records the id on its item too; the case's next card records it here.
      deps.log("case.channel-message.unrecorded", {
        item: item.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const known =
    current.channelMessage?.activityId ??
    item.activityId ??
    (item.inDoubtSince
      ? await postInDoubt(context, channel, item, isCaseCardOf(current.id), services.config.bot.appId, deps)
      : undefined);
  if (known) {
    await context.updateActivity({ type: "message", id: known, attachments: [card] });
    await record(known);
    return { activityId: known };
  }
  await attempt.beforePost();
  const posted = await context.sendActivity({ type: "message", attachments: [card] });
  if (!posted?.id) throw new Error("Teams did not return the posted message's id");
  await record(posted.id);
  return { activityId: posted.id };
}

async function postEscalation(
  context: TurnContext,
  services: Services,
  channel: CaseChannel,
  current: Case,
  template: string,
  data: Record<string, unknown> | undefined,
  activityId: string | undefined,
) {
  // An escalation to the owner @mentions them (managers when nobody owns the case); one to the
  // managers @mentions the owner too. Urgent arrivals go to the managers.
  const notify = data?.notify;
  const mentions = await mentionsFor(
    context,
    services.rosters,
    channel,
    services.config.managerIds,
    current.owner,
    {
      owner: notify !== undefined,
      managers: notify !== "owner" || !current.owner,
    },
  );
  const card = cardAttachment(template, {
    reference: current.id,
    since: formatDateTime(current.submittedAt),
    rule: "Urgent on arrival",
    why: urgentWhy(current),
    ...data,
    owner: current.owner?.name ?? "Unassigned",
    status: statusTitles[current.status],
    ...mentions,
  });
  // A card shown again (the sign-off request, once decided) updates the post it made.
  if (activityId) {
    await context.updateActivity({ type: "message", id: activityId, attachments: [card] });
    return { activityId };
  }
  const posted = await context.sendActivity({ type: "message", attachments: [card] });
  return posted?.id ? { activityId: posted.id } : {};
}

/**
 * A channel card whose view is stored with it (the immediate-danger alert): posted once, then
 * updated in place as its item changes; the managers @mentioned. Like a case's first card it is
 * marked in doubt before it is posted, and a post in doubt is looked for in Graph (the card
 * carries its item's id, `cardId`) before it is posted again.
 */
async function showStoredChannelCard(
  context: TurnContext,
  services: Services,
  deps: CaseCardDeps,
  channel: CaseChannel,
  item: OutboxItem,
  template: string,
  attempt: DeliveryAttempt,
) {
  const mentions = await mentionsFor(
    context,
    services.rosters,
    channel,
    services.config.managerIds,
    undefined,
    {
      owner: false,
      managers: true,
    },
  );
  const message = {
    type: "message",
    attachments: [cardAttachment(template, { ...item.data, ...mentions, cardId: item.id })],
  };
  const known =
    item.activityId ??
    (item.inDoubtSince
      ? await postInDoubt(context, channel, item, isStoredCardOf(item.id), services.config.bot.appId, deps)
      : undefined);
  if (known) {
    await context.updateActivity({ ...message, id: known });
    return { activityId: known };
  }
  await attempt.beforePost();
  const posted = await context.sendActivity(message);
  if (!posted?.id) throw new Error("Teams did not return the posted message's id");
  return { activityId: posted.id };
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
 * Runs a proactive turn and hands back what it produced. The adapter passes a turn's errors
 * to onTurnError and carries on; the outbox must see them, so they are caught in the turn.
 */
/**
 * The outbox retries every delivery itself, knowing what was posted. The connector's own retry
 * does not: it sends a post again when the connection broke after Teams took it, which posts the
 * card twice. So a proactive turn's connector client sends each request once.
 */
function withoutConnectorRetries(context: TurnContext): void {
  const connector = context.turnState.get<{
    client?: { pipeline?: { removePolicy(options: { phase: "Retry" }): unknown } };
  }>(context.adapter.ConnectorClientKey);
  connector?.client?.pipeline?.removePolicy({ phase: "Retry" });
}

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

/** Delivers outbox items (proactive messages) to the CME channel and to people's personal chats. */
export function teamsDelivery(adapter: CloudAdapter, services: Services, deps: CaseCardDeps): Deliver {
  const botAppId = services.config.bot.appId ?? "";
  return async (item: OutboxItem, attempt: DeliveryAttempt): Promise<DeliveryResult> => {
    if (item.kind === "personal-card") {
      const { conversation, template, data } = item;
      if (!conversation || !template) throw new Error(`outbox item ${item.id} names no person or card`);
      return proactive(adapter, botAppId, personalReference(conversation, botAppId), async (context) => {
        const message = { type: "message", attachments: [cardAttachment(template, data ?? {})] };
        if (item.updatesActivityId) {
          await context.updateActivity({ ...message, id: item.updatesActivityId });
          return { activityId: item.updatesActivityId };
        }
        const posted = await context.sendActivity(message);
        return posted?.id ? { activityId: posted.id } : {};
      });
    }
    const channel = await caseChannel(services);
    if (!channel) {
      throw new RetryableDeliveryError(
        "no CME case channel is set up yet (a manager says '@CME Referrals setup' there)",
      );
    }
    if (item.kind === "channel-card" && item.template === dangerAlertTemplate) {
      const { template } = item;
      return proactive(adapter, botAppId, channelReference(channel, botAppId), (context) =>
        showStoredChannelCard(context, services, deps, channel, item, template, attempt),
      );
    }
    if (item.kind === "channel-card" && !item.caseId && item.template) {
      // A card about no one case (the daily digest), or one retention redrew without its details
      // (updated in place): its view was made when it was queued.
      const { template, data, activityId } = item;
      return proactive(adapter, botAppId, channelReference(channel, botAppId), async (context) => {
        const message = { type: "message", attachments: [cardAttachment(template, data ?? {})] };
        if (activityId) {
          await context.updateActivity({ ...message, id: activityId });
          return { activityId };
        }
        const posted = await context.sendActivity(message);
        return posted?.id ? { activityId: posted.id } : {};
      });
    }
    const current = item.caseId ? await services.cases.get(item.caseId) : undefined;
    if (!current) throw new Error(`outbox item ${item.id} names no case that exists`);
    return proactive(adapter, botAppId, channelReference(channel, botAppId), (context) =>
      item.kind === "case-card"
        ? showCaseCard(context, services, deps, channel, current, item, attempt)
        : postEscalation(
            context,
            services,
            channel,
            current,
            item.template ?? "escalation-urgent",
            item.data,
            item.activityId,
          ),
    );
  };
}
