import { describeClocks, type Clocks } from "../escalations/due.js";
import type { Actor } from "../shared/person.js";
import type { CaseRepository } from "./case-repository.js";
import { notInCmeTeam } from "./actions.js";
import type { Case } from "./case.js";
import { canWorkCases } from "../people/roles.js";
import {
  caseChannelView,
  caseDetailsView,
  caseHistoryView,
  describeEvent,
  type CardViewer,
} from "./views.js";

/**
 * What a case's read verbs show: the channel card as this person may work it (refresh), its
 * details and its history (the CME team's). Views only: the edge renders the first that fits.
 */

type CaseReader = Pick<CaseRepository, "get">;

export type Officer = Extract<CardViewer, { kind: "team" }>["officers"][number];

/** Who looks at the case card: their roles decide what it offers them. */
export interface CaseCardReader {
  readonly actor: Actor;
  /** The CME team's members, the officers a case can be assigned to. */
  readonly officers: readonly Officer[];
  /** Members whose Teams refreshes the card into their own working view. */
  readonly refreshUserIds: readonly string[];
}

export interface CaseCardSettings {
  readonly now: Date;
  /** Today in the UK, YYYY-MM-DD. */
  readonly today: string;
  readonly clocks: Clocks;
  readonly childrensDuty: string;
}

/** The channel card's view: for the officers offered (fewer if the card must fit), what was typed, and what to say. */
export type CaseCardView = (
  officers: readonly Officer[],
  typed: Record<string, unknown>,
  more?: string,
) => object;

/** The channel card as this person sees it: the team's working view, or read-only for anyone else. */
export function caseCardView(
  current: Case,
  reader: CaseCardReader,
  settings: CaseCardSettings,
  notice = "",
): CaseCardView {
  const viewer = (officers: readonly Officer[]): CardViewer =>
    canWorkCases(reader.actor) ? { kind: "team", actor: reader.actor, officers } : { kind: "everyone" };
  return (officers, typed, more = "") =>
    caseChannelView(current, settings.today, {
      viewer: viewer(officers),
      refreshUserIds: reader.refreshUserIds,
      notice: [notice, more].filter(Boolean).join(" "),
      typed,
      clocks: describeClocks(current, settings.clocks, settings.now),
      childrensDuty: settings.childrensDuty,
    });
}

export type CaseShown =
  | { readonly kind: "card"; readonly case: Case; readonly notice: string }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "not-found" };

export const detailsForTheTeam = "Case details and history are for the CME team.";

/**
 * Refresh: the case card. Someone outside the team sees the card everyone in the CME channel
 * sees, and why no more, but only there: anywhere else (a personal chat, another team's channel)
 * the case is not read, so no reference can be tried to see whose it is.
 */
export async function refreshedCase(
  cases: CaseReader,
  caseId: string,
  actor: Actor,
  { inCaseChannel }: { readonly inCaseChannel: boolean },
): Promise<CaseShown> {
  if (!canWorkCases(actor) && !inCaseChannel) return { kind: "refused", reason: detailsForTheTeam };
  const current = await cases.get(caseId);
  if (!canWorkCases(actor))
    return current
      ? { kind: "card", case: current, notice: notInCmeTeam }
      : { kind: "refused", reason: detailsForTheTeam };
  return current ? { kind: "card", case: current, notice: "" } : { kind: "not-found" };
}

/** Details: every answer of the referral, each shortened further in each view if the whole would not fit. */
export function caseDetailsViews(current: Case): (() => object)[] {
  return [300, 120, 40].map((length) => () => caseDetailsView(current, length));
}

/** A page of the history, each entry's words shortened further in each view if the page would not fit. */
export function caseHistoryViews(current: Case, page: number): (() => object)[] {
  return [undefined, 1200, 600, 150].map((bytes) => () => caseHistoryView(current, page, bytes));
}

/** Said on the card when an action was made from a card older than the case. */
export function staleNotice(current: Case): string {
  const last = current.events.at(-1);
  const change = last ? `${last.by.name}: ${describeEvent(last).what}` : "another change";
  return `This case changed since your card was made (${change}), so I saved nothing. What you typed is still in the form: check the case as it is now and try again.`;
}

export const postsDelayedNotice =
  "Saved. I couldn't update the channel card just now: it catches up within a few minutes.";

/** A saved change whose card could not be shown again: it must not look lost. */
export const savedNotShown = (caseId: string) =>
  `Saved. The case store stopped answering before I could show the card again: say 'case ${caseId}' in a minute to see it.`;
