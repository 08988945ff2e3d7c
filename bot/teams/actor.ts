import { TeamsInfo, type TurnContext } from "botbuilder";
import { type Actor, type Person, type Role } from "../shared/person.js";
import { canWorkCases, isConfiguredManager } from "../people/roles.js";
import { caseChannel, type Services } from "../services.js";
import type { CaseChannel } from "../store/settings-store.js";
import { sameUser, teamMembers, type TeamRosters } from "./roster.js";
import { onceInTurn } from "./turn-state.js";

export class RoleLookupError extends Error {
  constructor(cause: unknown) {
    super("Teams did not answer when I checked your role", { cause });
    this.name = "RoleLookupError";
  }
}

/**
 * Who is acting and what they may do, decided on the server for every action: CME officers
 * are the members of the CME team (asked of Teams), managers are configured. Card data never
 * carries authority.
 */
export async function resolveActor(
  rosters: TeamRosters,
  context: TurnContext,
  cmeTeamId: string | undefined,
  managerIds: readonly string[],
): Promise<Actor> {
  const from = context.activity.from;
  const user = { id: from.id, aadObjectId: from.aadObjectId };
  const roles = new Set<Role>();
  let userPrincipalName: string | undefined;
  try {
    if (cmeTeamId) {
      const member = (await teamMembers(rosters, context, cmeTeamId)).find((candidate) =>
        sameUser(candidate, user),
      );
      if (member) {
        roles.add("officer");
        userPrincipalName = member.userPrincipalName;
      }
    }
    if (!userPrincipalName && managerIds.some((id) => id.includes("@"))) {
      userPrincipalName = (await TeamsInfo.getMember(context, from.id)).userPrincipalName;
    }
  } catch (error) {
    throw new RoleLookupError(error);
  }
  if (isConfiguredManager({ aadObjectId: from.aadObjectId, userPrincipalName }, managerIds))
    roles.add("manager");
  return {
    id: from.id,
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    name: from.name ?? "Unknown",
    ...(context.activity.conversation.tenantId ? { tenantId: context.activity.conversation.tenantId } : {}),
    roles,
  };
}

/** The CME case channel as this turn sees it (one answer for the whole turn). */
export function channelOfTurn(services: Services, context: TurnContext): Promise<CaseChannel | undefined> {
  return onceInTurn(context, "cme.caseChannel", () => caseChannel(services));
}

/** Whether this turn comes from the CME case channel itself (a channel's conversation id starts with its id). */
export async function inCaseChannel(services: Services, context: TurnContext): Promise<boolean> {
  const { conversation } = context.activity;
  if (conversation.conversationType !== "channel") return false;
  const channel = await channelOfTurn(services, context);
  const channelData = context.activity.channelData as { channel?: { id?: unknown } } | undefined;
  const channelId = channelData?.channel?.id ?? conversation.id.split(";")[0];
  return channel !== undefined && channelId === channel.channelId;
}

/** Who is acting in this turn, with the roles the CME team's channel and the configuration give them. */
export function actorOfTurn(services: Services, context: TurnContext): Promise<Actor> {
  return onceInTurn(context, "cme.actor", async () =>
    resolveActor(
      services.rosters,
      context,
      (await channelOfTurn(services, context))?.teamId,
      services.config.managerIds,
    ),
  );
}

/** True for a CME officer or manager (the CME team's work). */
export async function worksCases(services: Services, context: TurnContext): Promise<boolean> {
  return canWorkCases(await actorOfTurn(services, context));
}

/** The person behind this turn, as Teams names them. */
export function referrerOf(context: TurnContext): Person {
  const { from, conversation } = context.activity;
  return {
    id: from.id,
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    name: from.name ?? "Unknown",
    ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
  };
}
