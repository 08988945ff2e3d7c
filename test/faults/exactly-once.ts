import { cardIn, cardText, channelId } from "../support/harness.js";
import type { FakeTeams } from "../support/fake-teams.js";
import { record } from "./figures.js";

/** The year's first reference, as a fresh store gives it. */
export const firstReference = `CME-${new Date().getUTCFullYear()}-00001`;

/** The channel's new posts that are this case's own card (its reference in quotes, as the card's data holds it). */
export const newCaseCards = (teams: FakeTeams, reference = firstReference) =>
  teams.posts(channelId).filter((post) => cardText(cardIn(post)).includes(`"${reference}"`));

/** Counts what should be there once as delivered, doubled or lost in the fault's figures; returns how many there are. */
export function countOnce(fault: string, found: number, kind: "posts" | "updates" = "posts"): number {
  record(fault, { [kind]: found, doubles: Math.max(0, found - 1), lost: found === 0 ? 1 : 0 });
  return found;
}
