import type { TurnContext } from "botbuilder";

/** The tenant a turn comes from, as Teams says it. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return (channelData?.tenant?.id ?? context.activity.conversation?.tenantId)?.toLowerCase();
}
