import { TeamsInfo, type TurnContext } from "botbuilder";
import type { ChannelPosts } from "../graph/channel-posts.js";
import type { Log } from "../log.js";
import type { OutboxItem } from "../outbox/outbox-item.js";
import type { CaseChannel } from "../store/settings-store.js";

/** What showing a kept channel card needs besides the services: where Graph finds a post in doubt, and the log. */
export interface CaseCardDeps {
  readonly channelPosts: ChannelPosts | undefined;
  readonly log: Log;
}

/** Whether a card is the case's own channel card (escalations about it name it too, but refresh nothing). */
export function isCaseCardOf(reference: string): (card: unknown) => boolean {
  return (card: unknown): boolean => {
    const refresh = (card as { refresh?: { action?: { verb?: unknown; data?: { caseId?: unknown } } } })
      ?.refresh?.action;
    return refresh?.verb === "case.refresh" && refresh.data?.caseId === reference;
  };
}

/** Whether a card is the stored channel card of this outbox item (its title carries the item's id). */
export function isStoredCardOf(itemId: string): (card: unknown) => boolean {
  return (card: unknown): boolean =>
    (card as { body?: { id?: unknown }[] })?.body?.some((element) => element?.id === itemId) === true;
}

/**
 * The card an earlier delivery posted but could not record (it was in doubt), as the channel's
 * recent messages show it (the one that `isTheCard`); undefined when Graph is not there, fails,
 * or has not got it (then it is posted again, and the log says so).
 */
export async function postInDoubt(
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
