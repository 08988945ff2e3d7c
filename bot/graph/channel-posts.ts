import { z } from "zod";
import { graphClients, type GraphSettings } from "./client.js";

/** A channel as Graph names it: the team's Microsoft 365 group, and the channel's thread id. */
export interface GraphChannel {
  readonly tenantId: string;
  readonly teamGroupId: string;
  readonly channelId: string;
}

export interface ChannelPosts {
  /**
   * The id of the newest of the app's recent posts in the channel with a card that `matches`,
   * or undefined when none of them has. Throws when Graph does not answer.
   */
  find(
    channel: GraphChannel,
    appId: string | undefined,
    matches: (card: unknown) => boolean,
  ): Promise<string | undefined>;
}

const chatMessages = z.object({
  value: z.array(
    z.object({
      id: z.string(),
      createdDateTime: z.string().nullish(),
      from: z.object({ application: z.object({ id: z.string() }).nullish() }).nullish(),
      attachments: z
        .array(z.object({ contentType: z.string().nullish(), content: z.string().nullish() }))
        .nullish(),
    }),
  ),
  "@odata.nextLink": z.string().nullish(),
});

/** How many pages of the channel's messages are read (the post in doubt is a recent one). */
const recentPages = 3;

const adaptiveCard = "application/vnd.microsoft.card.adaptive";

function parsedCard(content: string | null | undefined): unknown {
  try {
    return content ? (JSON.parse(content) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GET /teams/{group}/channels/{channel}/messages, app-only: the team's resource-specific consent
 * (`ChannelMessage.Read.Group`, in the app's manifest) lets the app read its own team's channels.
 */
export function graphChannelPosts(settings: GraphSettings): ChannelPosts {
  const clientFor = graphClients(settings);
  return {
    async find(channel, appId, matches) {
      const client = clientFor(settings.auth.tenantId ?? channel.tenantId);
      let page: string | undefined =
        `/teams/${encodeURIComponent(channel.teamGroupId)}/channels/${encodeURIComponent(channel.channelId)}/messages?$top=50`;
      const found: { id: string; at: string }[] = [];
      for (let read = 0; page && read < recentPages; read += 1) {
        const answer = chatMessages.parse(await client.api(page).get());
        for (const message of answer.value) {
          const fromApp = message.from?.application?.id;
          if (!fromApp || (appId && fromApp !== appId)) continue;
          const cards = (message.attachments ?? []).filter((a) => a.contentType === adaptiveCard);
          if (cards.some((a) => matches(parsedCard(a.content))))
            found.push({ id: message.id, at: message.createdDateTime ?? "" });
        }
        page = answer["@odata.nextLink"] ?? undefined;
      }
      return found.sort((a, b) => b.at.localeCompare(a.at))[0]?.id;
    },
  };
}
