import type { AdaptiveCardInvokeResponse, TurnContext } from "botbuilder";
import { z } from "zod";
import { caseActionNames, notInCmeTeam, type CaseActionName } from "../cases/actions.js";
import type { Case } from "../cases/case.js";
import { runCaseAction } from "../cases/case-service.js";
import { canWorkCases } from "../people/roles.js";
import {
  caseChannelView,
  caseDetailsView,
  caseHistoryView,
  describeEvent,
  infoRequestView,
  type CardViewer,
} from "../cases/views.js";
import { describeClocks } from "../escalations/due.js";
import { StoreUnavailableError } from "../store/deadline.js";
import type { Log } from "../log.js";
import type { Actor } from "../people/person.js";
import { ukDate } from "../referrals/school-age.js";
import type { Services } from "../services.js";
import { actorOfTurn, channelOfTurn, referrerOf } from "./actor.js";
import { cardNumber, problemsWith } from "./inbound.js";
import { cardResponse, messageResponse } from "./invoke-responses.js";
import { renderCard, renderCardIfFits, renderFittingCard, type CardJson } from "./render-card.js";
import { refreshUserIds, teamMembers } from "./roster.js";

export const caseReferencePattern = /^CME-\d{4}-\d{5}$/;

const caseCardData = z.object({
  caseId: z.string().regex(caseReferencePattern),
  /** The case's revision when the card was made; absent on cards that only start things (escalations). */
  revision: cardNumber(1_000_000).optional(),
  page: cardNumber(10_000).optional(),
  /** Questions are numbered 1, 2, … on the case. */
  requestId: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
});

/** A form's inputs on the card are named `<action>.<field>`: this action's, without the prefix. */
function inputsFor(name: CaseActionName, data: Record<string, unknown>): Record<string, unknown> {
  const prefix = `${name}.`;
  return Object.fromEntries(
    Object.entries(data)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** The CME team's members: the officers a case can be assigned to, and whose card refreshes with actions. */
async function teamOf(services: Services, context: TurnContext) {
  const channel = await channelOfTurn(services, context);
  return channel
    ? (await teamMembers(services.rosters, context, channel.teamId)).map(({ id, aadObjectId, name }) => ({
        id,
        aadObjectId,
        name,
      }))
    : [];
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
  const channel = await channelOfTurn(services, context);
  const members = channel ? await teamMembers(services.rosters, context, channel.teamId) : [];
  const team = members.map(({ id, aadObjectId, name }) => ({ id, aadObjectId, name }));
  const viewer: CardViewer = canWorkCases(actor)
    ? { kind: "team", actor, officers: team }
    : { kind: "everyone" };
  const view = (officers: readonly (typeof team)[number][], kept: Record<string, unknown>, more = "") =>
    caseChannelView(current, ukDate(services.now()), {
      viewer: viewer.kind === "team" ? { ...viewer, officers } : viewer,
      refreshUserIds: refreshUserIds(members, current.owner?.id, services.config.managerIds),
      notice: [notice, more].filter(Boolean).join(" "),
      typed: kept,
      clocks: describeClocks(current, services.clocks, services.now()),
      childrensDuty: services.config.emergencyContacts.childrensDuty,
    });
  return fittingCaseCard(team, typed, view);
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
  return renderFittingCard(
    "case-details",
    [300, 120, 40].map((length) => () => caseDetailsView(current, length)),
  );
}

/** A page of the history: each entry's words shortened further if the page would not fit. */
export function caseHistoryCard(current: Case, page: number): CardJson {
  return renderFittingCard(
    "case-history",
    [undefined, 1200, 600, 150].map((bytes) => () => caseHistoryView(current, page, bytes)),
  );
}

function cardJson(card: CardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card };
}

function isCaseAction(name: string): name is CaseActionName {
  return (caseActionNames as readonly string[]).includes(name);
}

/** Handles the buttons on case, history, escalation and referrer cards. Every one re-reads the case and re-checks the actor's role. */
export async function handleCaseAction(
  services: Services,
  context: TurnContext,
  verb: string,
  data: Record<string, unknown>,
  log: Log,
): Promise<AdaptiveCardInvokeResponse> {
  const parsed = caseCardData.safeParse(data);
  if (!parsed.success) {
    log("invoke.refused.malformed", { verb, problems: problemsWith(parsed.error) });
    return messageResponse("That card does not say which case it is about.");
  }
  const { caseId, revision, page, requestId } = parsed.data;
  const name = verb.slice("case.".length);
  // Answering the team's question needs only who they are (the referrer), not a role in the CME team.
  const actor: Actor =
    name === "answerInfo"
      ? { ...referrerOf(context), roles: new Set() }
      : await actorOfTurn(services, context);

  if (name === "refresh" || name === "details" || name === "history") {
    const current = await services.cases.get(caseId);
    if (!canWorkCases(actor)) {
      // Someone outside the team sees the card everyone sees, and nothing more.
      if (name === "refresh" && current)
        return cardJson(await caseCardFor(services, context, actor, current, notInCmeTeam));
      return messageResponse("Case details and history are for the CME team.");
    }
    if (!current) return messageResponse(`I can't find ${caseId}.`);
    if (name === "details") return cardJson(caseDetailsCard(current));
    if (name === "history") return cardJson(caseHistoryCard(current, page ?? 0));
    return cardJson(await caseCardFor(services, context, actor, current));
  }
  if (!isCaseAction(name)) return messageResponse("I don't know that button.");

  let input: Record<string, unknown> = inputsFor(name, data);
  if (name === "assignTo") {
    const chosen = (await teamOf(services, context)).find(
      (member) => member.aadObjectId === input.officerId || member.id === input.officerId,
    );
    if (!chosen) return messageResponse("Choose an officer from the CME team.");
    input = {
      officer: {
        id: chosen.id,
        name: chosen.name,
        ...(chosen.aadObjectId ? { aadObjectId: chosen.aadObjectId } : {}),
      },
    };
  }
  if (name === "answerInfo") input = { ...input, requestId };

  const now = services.now();
  const outcome = await runCaseAction(services, caseId, name, actor, input, revision, {
    now,
    today: ukDate(now),
    signOffOutcomes: services.config.signOffOutcomes,
  });
  switch (outcome.kind) {
    case "not-found":
      return messageResponse(`I can't find ${caseId}.`);
    case "refused":
      return messageResponse(outcome.reason);
    case "stale": {
      const last = outcome.case.events.at(-1);
      const change = last ? `${last.by.name}: ${describeEvent(last).what}` : "another change";
      return cardJson(
        await caseCardFor(
          services,
          context,
          actor,
          outcome.case,
          `This case changed since your card was made (${change}), so I saved nothing. What you typed is still in the form: check the case as it is now and try again.`,
          data,
        ),
      );
    }
    case "done": {
      if (outcome.postsDelayed !== undefined) {
        log("case.posts.delayed", {
          caseId,
          action: name,
          error: outcome.postsDelayed instanceof Error ? outcome.postsDelayed.name : "unknown",
        });
      }
      if (name === "answerInfo") {
        const request = outcome.case.infoRequests.find((each) => each.id === requestId);
        if (request) return cardResponse("case-info-request", infoRequestView(outcome.case, request));
      }
      const delayed =
        outcome.postsDelayed === undefined
          ? ""
          : "Saved. I couldn't update the channel card just now: it catches up within a few minutes.";
      try {
        return cardJson(await caseCardFor(services, context, actor, outcome.case, delayed));
      } catch (error) {
        // The change is saved: a store that stopped answering since must not make it look lost.
        if (!(error instanceof StoreUnavailableError)) throw error;
        return messageResponse(
          `Saved. The case store stopped answering before I could show the card again: say 'case ${caseId}' in a minute to see it.`,
        );
      }
    }
  }
}
