import { stepOrder } from "../../bot/referrals/steps.js";
import {
  actionData,
  cardAction,
  cardIn,
  cardText,
  invokeCard,
  personalConversationId,
  personalMessage,
  type Harness,
  type Who,
} from "./harness.js";

/** What a walk needs of the bot: a way to send it activities, and the stand-in for Teams it answers through. */
export type BotOverHttp = Pick<Harness, "send" | "teams">;

/** A whole school-age referral as the cards submit it: one set of inputs per step. */
export const goodAnswers = {
  whatHappened: {
    stillOnRoll: "yes",
    whereaboutsKnown: "no",
    whatHappened: "whereabouts-unknown",
    immediateDanger: "no",
  } as Record<string, string>,
  child: {
    forenames: "Amelia Rose",
    surname: "Testchild",
    dateOfBirth: "2015-03-14",
    sex: "female",
    address: "12 Example Road, Wigston",
    postcode: "le18 4ab",
  } as Record<string, string>,
  family: {
    "parents.0.name": "Sam Testparent",
    "parents.0.relationship": "Mother",
    "parents.0.phone": "07700 900123",
  } as Record<string, string>,
  school: { school: "Example Primary School", dateLastAttended: "2026-11-02", onRoll: "on-roll" } as Record<
    string,
    string
  >,
  vulnerability: {
    dslName: "Dana School-DSL",
    riskAppraisal: "No contact for three weeks; siblings also absent.",
  } as Record<string, string>,
  enquiries: {
    "enquiries.0.type": "first-day-call",
    "enquiries.0.date": "2026-11-03",
    "enquiries.0.outcome": "No answer",
    "enquiries.1.type": "emergency-contacts",
    "enquiries.1.date": "2026-11-04",
    "enquiries.1.outcome": "Grandmother does not know where they are",
    "enquiries.2.type": "letter",
    "enquiries.2.date": "2026-11-05",
    "enquiries.2.outcome": "No reply",
    "homeVisits.0.date": "2026-11-06",
    "homeVisits.0.timeOfDay": "morning",
    "homeVisits.0.whoSeen": "Neighbour",
  } as Record<string, string>,
  referrer: {
    name: "Dana School-DSL",
    role: "Designated safeguarding lead",
    setting: "Example Primary School",
    dfeNumber: "855/2001",
    phone: "0116 496 0000",
    email: "dsl@example-primary.example",
    parentsTold: "no",
  } as Record<string, string>,
};

export type Answers = typeof goodAnswers;

/** A whole early-years referral: a younger child, a setting, the early-years enquiries. */
export const goodEarlyYearsAnswers: Answers = {
  ...goodAnswers,
  whatHappened: {
    stillOnRoll: "yes",
    whereaboutsKnown: "no",
    whatHappened: "unexplained-absence",
    immediateDanger: "no",
  },
  child: {
    ...goodAnswers.child,
    forenames: "Ollie",
    surname: "Toddler",
    dateOfBirth: "2023-05-01",
    sex: "male",
  },
  school: {
    school: "Little Acorns Nursery",
    ofstedUrn: "EY123456",
    fundedEntitlement: "two-year-old",
    dateLastAttended: "2026-11-02",
  },
  enquiries: {
    "enquiries.0.type": "parent-calls",
    "enquiries.0.date": "2026-11-03",
    "enquiries.0.outcome": "No answer",
    "enquiries.1.type": "emergency-contacts",
    "enquiries.1.date": "2026-11-04",
    "enquiries.1.outcome": "Neither contact answered",
    "homeVisits.0.date": "2026-11-06",
  },
  referrer: Object.fromEntries(Object.entries(goodAnswers.referrer).filter(([key]) => key !== "dfeNumber")),
};

/** Says `refer` in personal chat and returns the card the bot replied with. */
export async function sayRefer(
  h: BotOverHttp,
  who: Who,
  text = "refer school",
): Promise<Record<string, unknown>> {
  const before = h.teams.replies(personalConversationId(who)).length;
  await h.send(personalMessage(h.teams, who, text));
  const reply = h.teams.replies(personalConversationId(who))[before];
  if (!reply) throw new Error(`the bot did not reply to '${text}'`);
  return cardIn(reply);
}

/** How many rows of a repeatable group a card shows. */
export function rowsOnCard(card: Record<string, unknown>, group: string): number {
  const ids = cardText(card).match(new RegExp(`"id":"${group}\\.(\\d+)\\.`, "g")) ?? [];
  return new Set(ids).size;
}

/** Presses the card's button with this verb (and data), sending these inputs; returns the card that comes back. */
export async function press(
  h: BotOverHttp,
  who: Who,
  card: Record<string, unknown>,
  verb: string,
  inputs: Record<string, string> = {},
  match: Record<string, unknown> = {},
) {
  const data = { ...actionData(card, verb, match), ...inputs };
  return invokeCard(await h.send(cardAction(h.teams, who, "personal", verb, data)));
}

/** Presses "Add" until each repeatable group on the card has the rows these inputs fill. */
export async function addRowsFor(
  h: BotOverHttp,
  who: Who,
  card: Record<string, unknown>,
  inputs: Record<string, string>,
) {
  const needed = new Map<string, number>();
  for (const key of Object.keys(inputs)) {
    const match = /^(\w+)\.(\d+)\./.exec(key);
    if (match?.[1]) needed.set(match[1], Math.max(needed.get(match[1]) ?? 0, Number(match[2]) + 1));
  }
  let current = card;
  for (const [group, rows] of needed) {
    while (rowsOnCard(current, group) < rows)
      current = await press(h, who, current, "referral.addRow", {}, { group });
  }
  return current;
}

/** Presses Next on a step card with these inputs (adding rows first) and returns the card that comes back. */
export async function next(
  h: BotOverHttp,
  who: Who,
  card: Record<string, unknown>,
  inputs: Record<string, string>,
) {
  return press(h, who, await addRowsFor(h, who, card, inputs), "referral.next", inputs);
}

/** Walks a referral through every step; returns the review card. */
export async function walkToReview(
  h: BotOverHttp,
  who: Who,
  answers: Answers = goodAnswers,
  command = "refer school",
) {
  let card = await sayRefer(h, who, command);
  for (const step of stepOrder) card = await next(h, who, card, answers[step]);
  return card;
}

/** The invoke that the review card's Submit button sends. */
export function submitAction(
  h: BotOverHttp,
  who: Who,
  review: Record<string, unknown>,
  inputs: Record<string, string> = {},
) {
  return cardAction(h.teams, who, "personal", "referral.submit", {
    ...actionData(review, "referral.submit"),
    ...inputs,
  });
}

/** Walks a whole referral to its submission; returns the submitted card. */
export async function refer(
  h: BotOverHttp,
  who: Who,
  answers: Answers = goodAnswers,
  command = "refer school",
) {
  const review = await walkToReview(h, who, answers, command);
  return invokeCard(await h.send(submitAction(h, who, review)));
}
