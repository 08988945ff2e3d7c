import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from "botbuilder";

/** Every member of a team, page by page (the old unpaged list is throttled hard); asked once per turn. */
export async function teamMembers(context: TurnContext, teamId: string): Promise<TeamsChannelAccount[]> {
  const key = `cme.teamMembers.${teamId}`;
  const cached = context.turnState.get<Promise<TeamsChannelAccount[]> | undefined>(key);
  if (cached) return cached;
  const asked = allPages(context, teamId);
  context.turnState.set(key, asked);
  try {
    return await asked;
  } catch (error) {
    context.turnState.delete(key);
    throw error;
  }
}

async function allPages(context: TurnContext, teamId: string): Promise<TeamsChannelAccount[]> {
  const members: TeamsChannelAccount[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await TeamsInfo.getPagedTeamMembers(context, teamId, 500, continuationToken);
    members.push(...page.members);
    continuationToken = page.continuationToken || undefined;
  } while (continuationToken);
  return members;
}

export function sameUser(
  member: TeamsChannelAccount,
  user: { id: string; aadObjectId?: string | undefined },
): boolean {
  return member.id === user.id || (Boolean(user.aadObjectId) && member.aadObjectId === user.aadObjectId);
}

/**
 * The ids whose Teams refreshes a case card into their own view (Teams takes at most 60): the
 * owner and the managers first, so a large team never leaves them out.
 */
export function refreshUserIds(
  members: readonly TeamsChannelAccount[],
  ownerId: string | undefined,
  managerIds: readonly string[],
): string[] {
  const rank = (member: TeamsChannelAccount) =>
    member.id === ownerId
      ? 0
      : managerIds.includes((member.aadObjectId ?? "").toLowerCase()) ||
          managerIds.includes((member.userPrincipalName ?? "").toLowerCase())
        ? 1
        : 2;
  return [...members]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, 60)
    .map((member) => member.id);
}
