import type { TurnContext } from "botbuilder";
import { statusTitles, type Case } from "../cases/case.js";
import { caseChannelView, urgentWhy } from "../cases/views.js";
import { describeClocks } from "../escalations/due.js";
import type { DeliveryAttempt } from "../outbox/outbox.js";
import type { OutboxItem } from "../outbox/outbox-item.js";
import { formatDateTime } from "../shared/format.js";
import type { Services } from "../services.js";
import type { CaseChannel } from "../store/settings-store.js";
import { isCaseCardOf, isStoredCardOf, postInDoubt, type CaseCardDeps } from "./delivery-in-doubt.js";
import { mentionsFor } from "./delivery-mentions.js";
import { cardAttachment } from "./render-card.js";
import { refreshUserIds, teamMembers } from "./roster.js";
import { ukDate } from "../shared/uk-dates.js";

type Attachment = ReturnType<typeof cardAttachment>;

/** A card whose post's id is kept, and how its post is told apart in the channel. */
interface KeptCard {
  readonly item: Extract<OutboxItem, { kind: "case-card" | "danger-alert" }>;
  readonly card: Attachment;
  /** The post's id as recorded, if it is. */
  readonly recorded: string | undefined;
  /** Picks the card out of the channel's recent messages when its post is in doubt. */
  readonly isTheCard: (card: unknown) => boolean;
}

/**
 * A card whose post's id is kept (on its outbox item, which the outcome records): updated in
 * place when the id is known, else (in doubt) looked for in the channel, else posted, marked in
 * doubt first.
 */
async function showKept(
  context: TurnContext,
  services: Services,
  deps: CaseCardDeps,
  channel: CaseChannel,
  { item, card, recorded, isTheCard }: KeptCard,
  attempt: DeliveryAttempt,
): Promise<{ activityId: string }> {
  const known =
    recorded ??
    (item.inDoubtSince
      ? await postInDoubt(context, channel, item, isTheCard, services.config.bot.appId, deps)
      : undefined);
  if (known) {
    await context.updateActivity({ type: "message", id: known, attachments: [card] });
    return { activityId: known };
  }
  await attempt.beforePost();
  const posted = await context.sendActivity({ type: "message", attachments: [card] });
  if (!posted?.id) throw new Error("Teams did not return the posted message's id");
  return { activityId: posted.id };
}

/**
 * Shows a case's current card in the channel: posts it the first time, updates it in place after.
 * The case is only read: the post's id is kept on the item (a case posted before that kept it on
 * the case: read as a fallback).
 */
export async function showCaseCard(
  context: TurnContext,
  services: Services,
  deps: CaseCardDeps,
  channel: CaseChannel,
  current: Case,
  item: Extract<OutboxItem, { kind: "case-card" }>,
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
  // A message in another channel than the CME channel now (it moved by `setup`) is left as it was.
  const here = (message: { conversationId?: string } | undefined) =>
    message?.conversationId === undefined || message.conversationId === channel.channelId;
  const recorded =
    (here(item) ? item.activityId : undefined) ??
    (here(current.channelMessage) ? current.channelMessage?.activityId : undefined);
  const kept = { item, card, recorded, isTheCard: isCaseCardOf(current.id) };
  return {
    ...(await showKept(context, services, deps, channel, kept, attempt)),
    conversationId: channel.channelId,
  };
}

/**
 * The immediate-danger alert, whose view is stored with it: posted once, then updated in place as
 * its item changes; the managers @mentioned. Like a case's first card it is marked in doubt
 * before it is posted, and a post in doubt is looked for in Graph (the card carries its item's
 * id, `cardId`) before it is posted again.
 */
export async function showDangerAlert(
  context: TurnContext,
  services: Services,
  deps: CaseCardDeps,
  channel: CaseChannel,
  item: Extract<OutboxItem, { kind: "danger-alert" }>,
  attempt: DeliveryAttempt,
) {
  const mentions = await mentionsFor(context, services, channel, item, undefined);
  const card = cardAttachment(item.template, { ...item.data, ...mentions, cardId: item.id });
  const kept = { item, card, recorded: item.activityId, isTheCard: isStoredCardOf(item.id) };
  return showKept(context, services, deps, channel, kept, attempt);
}

/**
 * A card about a case of its own (urgent, an escalation, a sign-off request), drawn with the
 * case as it is; posted once, or (a sign-off request, once decided) updating the post it made.
 */
export async function postCaseNotice(
  context: TurnContext,
  services: Services,
  channel: CaseChannel,
  current: Case,
  item: Extract<OutboxItem, { kind: "urgent" | "escalation" | "sign-off" }>,
) {
  const mentions = await mentionsFor(context, services, channel, item, current.owner);
  const card = cardAttachment(item.template, {
    reference: current.id,
    since: formatDateTime(current.submittedAt),
    rule: "Urgent on arrival",
    why: urgentWhy(current),
    ...item.data,
    owner: current.owner?.name ?? "Unassigned",
    status: statusTitles[current.status],
    ...mentions,
  });
  if (item.activityId) {
    await context.updateActivity({ type: "message", id: item.activityId, attachments: [card] });
    return { activityId: item.activityId };
  }
  const posted = await context.sendActivity({ type: "message", attachments: [card] });
  return posted?.id ? { activityId: posted.id } : {};
}
