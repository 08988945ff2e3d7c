import type { TurnContext } from "botbuilder";
import type { Case } from "../cases/case.js";
import { caseCardView, caseDetailsViews, caseHistoryViews, type Officer } from "../cases/case-reads.js";
import type { Actor } from "../shared/person.js";
import type { Services } from "../services.js";
import { channelOfTurn } from "./actor.js";
import { renderCard, renderCardIfFits, renderFittingCard, type CardJson } from "./render-card.js";
import { refreshUserIds, teamMembers } from "./roster.js";
import { ukDate } from "../shared/uk-dates.js";

/** The CME team's members as Teams lists them (none before the case channel is set up). */
async function membersOf(services: Services, context: TurnContext) {
  const channel = await channelOfTurn(services, context);
  return channel ? teamMembers(services.rosters, context, channel.teamId) : [];
}

/** The CME team's members: the officers a case can be assigned to. */
export async function officersOf(services: Services, context: TurnContext): Promise<Officer[]> {
  return (await membersOf(services, context)).map(({ id, aadObjectId, name }) => ({ id, aadObjectId, name }));
}

/** The case card as this person may work it (or read-only, for someone outside the team). */
export async function caseCardFor(
  services: Services,
  context: TurnContext,
  actor: Actor,
  current: Case,
  notice = "",
  typed: Record<string, unknown> = {},
): Promise<CardJson> {
  const members = await membersOf(services, context);
  const officers = members.map(({ id, aadObjectId, name }) => ({ id, aadObjectId, name }));
  const now = services.now();
  const view = caseCardView(
    current,
    {
      actor,
      officers,
      refreshUserIds: refreshUserIds(members, current.owner?.id, services.config.managerIds),
    },
    {
      now,
      today: ukDate(now),
      clocks: services.clocks,
      childrensDuty: services.config.emergencyContacts.childrensDuty,
    },
    notice,
  );
  return fittingCaseCard(officers, typed, view);
}

/**
 * The case card as a person sees it, made to fit: a very large team's list could make it too big
 * for Teams, then Assign… is left off; and if what the person typed still does not fit with the
 * case, the forms open empty.
 */
export function fittingCaseCard<Officer>(
  officers: readonly Officer[],
  typed: Record<string, unknown>,
  view: (officers: readonly Officer[], typed: Record<string, unknown>, notice?: string) => object,
): CardJson {
  return (
    renderCardIfFits("case-channel", view(officers, typed)) ??
    renderCardIfFits("case-channel", view([], typed)) ??
    renderCard("case-channel", view([], {}, typedTooLong))
  );
}

const typedTooLong =
  "What you typed is too long to show again on this card, so the forms are empty: copy it from where you wrote it, if you can.";

/** Details on the case card: each answer shortened further if the whole would not fit. */
export function caseDetailsCard(current: Case): CardJson {
  return renderFittingCard("case-details", caseDetailsViews(current));
}

/** A page of the history: each entry's words shortened further if the page would not fit. */
export function caseHistoryCard(current: Case, page: number): CardJson {
  return renderFittingCard("case-history", caseHistoryViews(current, page));
}
