import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from "botbuilder";

/** Every member of a team, page by page (the old unpaged list is throttled hard). */
export async function teamMembers(context: TurnContext, teamId: string): Promise<TeamsChannelAccount[]> {
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
