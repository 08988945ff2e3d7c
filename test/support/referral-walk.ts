import {
  actionData,
  cardAction,
  cardIn,
  invokeCard,
  personalConversationId,
  personalMessage,
  type Harness,
  type Who,
} from "./harness.js";

export const goodAnswers = {
  whatHappened: { whatHappened: "whereabouts-unknown", immediateDanger: "no" },
  child: {
    forenames: "Amelia Rose",
    surname: "Testchild",
    dateOfBirth: "2015-03-14",
    sex: "female",
    address: "12 Example Road, Wigston",
    postcode: "le18 4ab",
  },
  school: { school: "Example Primary School", dateLastAttended: "2026-11-02" },
};

/** Says `refer` in personal chat and returns the card the bot replied with. */
export async function sayRefer(h: Harness, who: Who): Promise<Record<string, unknown>> {
  const before = h.teams.replies(personalConversationId(who)).length;
  await h.send(personalMessage(h.teams, who, "refer"));
  const replies = h.teams.replies(personalConversationId(who));
  const reply = replies[before];
  if (!reply) throw new Error("the bot did not reply to 'refer'");
  return cardIn(reply);
}

/** Presses Next on a step card with these inputs and returns the card that comes back. */
export async function next(
  h: Harness,
  who: Who,
  card: Record<string, unknown>,
  inputs: Record<string, string>,
) {
  const data = { ...actionData(card, "referral.next"), ...inputs };
  return invokeCard(await h.send(cardAction(h.teams, who, "personal", "referral.next", data)));
}

/** Walks a referral through its three steps; returns the review card. */
export async function walkToReview(h: Harness, who: Who, answers = goodAnswers) {
  let card = await sayRefer(h, who);
  card = await next(h, who, card, answers.whatHappened);
  card = await next(h, who, card, answers.child);
  return next(h, who, card, answers.school);
}

/** The invoke that the review card's Submit button sends. */
export function submitAction(h: Harness, who: Who, review: Record<string, unknown>) {
  return cardAction(h.teams, who, "personal", "referral.submit", actionData(review, "referral.submit"));
}

/** Walks a whole referral to its submission; returns the submitted card. */
export async function refer(h: Harness, who: Who, answers = goodAnswers) {
  const review = await walkToReview(h, who, answers);
  return invokeCard(await h.send(submitAction(h, who, review)));
}
