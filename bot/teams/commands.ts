import { referrerContacts } from "../config.js";
import { myReferralsView } from "../reports/my-referrals.js";
import type { Services } from "../services.js";
import { referrerOf } from "./actor.js";
import { renderCard } from "./render-card.js";
import type { Reply, Turn } from "./route.js";

/** The help card: every command people can say, from the route table. */
export function helpReply(
  services: Services,
  commands: readonly { name: string; description: string; scopes: readonly string[] }[],
  preface?: string,
): Reply {
  return {
    ...(preface ? { text: preface } : {}),
    card: renderCard("help", { commands, ...referrerContacts(services.config) }),
  };
}

/** `my referrals`: the children this person referred, and what is happening with each. */
export async function myReferrals({ services, context }: Turn): Promise<Reply> {
  const referrals = await services.cases.referredBy(context.activity.from.id);
  return { card: renderCard("referrals-mine", myReferralsView(referrals)) };
}

/** `setup`, said by a manager in a channel of the CME team: new cases are posted there. */
export async function setup({ services, context }: Turn): Promise<Reply> {
  const channelData = (context.activity.channelData ?? {}) as {
    team?: { id?: string };
    channel?: { id?: string; name?: string };
    tenant?: { id?: string };
  };
  const teamId = channelData.team?.id;
  const channelId = channelData.channel?.id;
  if (context.activity.conversation.conversationType !== "channel" || !teamId || !channelId) {
    return { text: setupInChannel };
  }
  const tenantId = channelData.tenant?.id ?? context.activity.conversation.tenantId;
  await services.settings.setCaseChannel({
    teamId,
    channelId,
    serviceUrl: context.activity.serviceUrl,
    ...(tenantId ? { tenantId } : {}),
    setBy: referrerOf(context),
    setAt: services.now().toISOString(),
  });
  return {
    text: `Done: new CME cases will be posted in this channel${channelData.channel?.name ? ` (${channelData.channel.name})` : ""}. Members of this team can work them as CME officers.`,
  };
}

export const setupInChannel =
  "Say '@CME Referrals setup' in the CME team's channel where new cases should be posted.";
