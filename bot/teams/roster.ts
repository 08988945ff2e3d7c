import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from "botbuilder";
import { ShortCache } from "../store/short-cache.js";
import { onceInTurn } from "./turn-state.js";

/**
 * Teams' member lists, kept briefly by team id: who is a CME officer is asked of Teams once per
 * `keepMs`, not on every turn. A membership event for a team drops its list at once (`forget`).
 */
export type TeamRosters = ShortCache<TeamsChannelAccount[]>;

export function teamRosters(keepMs: number): TeamRosters {
  return new ShortCache(keepMs);
}

/**
 * Every member of a team, page by page (the old unpaged list is throttled hard): one list for the
 * whole turn, kept for the next turns as `rosters` allows.
 */
export function teamMembers(
  rosters: TeamRosters,
  context: TurnContext,
  teamId: string,
): Promise<TeamsChannelAccount[]> {
  return onceInTurn(context, `cme.teamMembers.${teamId}`, () =>
    rosters.get(teamId, () => withinDeadline(allPages(context, teamId))),
  );
}

/**
 * How long a member list may take: the list is shared by every turn that asks meanwhile, so a
 * request Teams never answers must not hold all of them (the cache drops a failed read).
 */
export const memberListDeadlineMs = 5_000;

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Teams did not answer the member list within ${memberListDeadlineMs} ms`)),
      memberListDeadlineMs,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
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
