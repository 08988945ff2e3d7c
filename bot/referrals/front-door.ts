import type { Draft } from "./draft.js";
import type { ReferralAnswers, StepId } from "./steps.js";
import type { CardValues } from "./wizard.js";

/**
 * The front door: some answers on the first card mean this
 * is not CME, and the referrer is sent to the right service instead of opening a case.
 * - `attendance`: on roll, whereabouts known and the family in contact: an absent pupil
 *   (pupils missing out on education, PME) is the school's attendance procedures.
 * - `home-education`: a parent's written notice of home education (reg 9(1)(f)), with the child's
 *   whereabouts known, goes to the elective home education team; said but not in writing, or
 *   whereabouts unknown (CME whatever the parent wrote), stays a CME referral.
 */
export type Redirect = "attendance" | "home-education";

type WhatHappened = ReferralAnswers["whatHappened"];

export function redirectFor(answers: WhatHappened): Redirect | undefined {
  if (answers.whatHappened === "home-education-in-writing" && answers.whereaboutsKnown === "yes")
    return "home-education";
  if (
    answers.stillOnRoll === "yes" &&
    answers.whereaboutsKnown === "yes" &&
    answers.familyInContact === "yes"
  )
    return "attendance";
  return undefined;
}

/** A draft stored before the front-door questions were asked has a What happened answer without them. */
export function frontDoorUnanswered(draft: Pick<Draft, "answers">): boolean {
  const answers = draft.answers.whatHappened;
  return (
    answers !== undefined && (answers.stillOnRoll === undefined || answers.whereaboutsKnown === undefined)
  );
}

/** The school card's "still on roll" starts as the first card said, until the person chooses. */
export function withOnRollPrefilled(
  draft: Pick<Draft, "answers" | "kind">,
  step: StepId,
  values: CardValues,
): CardValues {
  const stillOnRoll = draft.answers.whatHappened?.stillOnRoll;
  if (draft.kind !== "school-age" || step !== "school" || values.onRoll !== undefined || !stillOnRoll)
    return values;
  return { ...values, onRoll: stillOnRoll === "yes" ? "on-roll" : "deleted" };
}
