import type { TurnContext } from "botbuilder";
import { mentionedPeople, whoIsMentioned, type Mentioned } from "../outbox/mentions.js";
import type { OutboxItem } from "../outbox/outbox-item.js";
import type { Services } from "../services.js";
import type { CaseChannel } from "../store/settings-store.js";
import { teamMembers } from "./roster.js";

/** A channel card's @mentions as Teams takes them (the domain says who): the managers found by their Entra id or sign-in name in the team. */
export async function mentionsFor(
  context: TurnContext,
  services: Services,
  channel: CaseChannel,
  item: OutboxItem,
  owner: Mentioned | undefined,
) {
  const who = whoIsMentioned(item, owner !== undefined);
  const members = who.managers ? await teamMembers(services.rosters, context, channel.teamId) : [];
  const managers = who.managers
    ? services.config.managerIds.map((managerId) => {
        const member = members.find(
          (candidate) =>
            candidate.aadObjectId?.toLowerCase() === managerId ||
            candidate.userPrincipalName?.toLowerCase() === managerId,
        );
        return { id: member?.id ?? managerId, name: member?.name ?? managerId };
      })
    : [];
  const entities = mentionedPeople(who, owner, managers).map((person) => ({
    type: "mention",
    text: `<at>${person.name}</at>`,
    mentioned: { id: person.id, name: person.name },
  }));
  return {
    mentionEntities: entities,
    mentionText: entities.length > 0 ? entities.map((entity) => entity.text).join(", ") : "CME managers",
  };
}
