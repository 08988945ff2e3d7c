import { riskFactorChoices, vulnerabilityFlagChoices } from "./questions.js";
import type { ReferralAnswers } from "./steps.js";
import { titleOf } from "../shared/choice.js";

/**
 * What makes a referral urgent (it starts urgent and is escalated at once): immediate danger, and
 * the high-risk flags and risk factors below. Values are the answers' own ids (a flag and a factor
 * with one id are one trigger).
 */
export const urgentTriggerChoices = [
  { value: "immediate-danger", title: "Immediate danger" },
  { value: "child-protection-plan", title: "Child protection plan" },
  { value: "looked-after", title: "Looked after" },
  { value: "missing-from-care", title: "Missing from care" },
  { value: "exploitation", title: "Sexual exploitation or trafficking" },
  { value: "honour-based-violence", title: "Honour-based violence, forced marriage or FGM" },
  { value: "domestic-violence", title: "Fleeing domestic violence" },
  { value: "runaway", title: "Runaway" },
] as const;

export type UrgentTrigger = (typeof urgentTriggerChoices)[number]["value"];

/** The high-risk answers of the vulnerability step (each is a trigger of the list above). */
const highRiskAnswers = new Set<string>(
  [...riskFactorChoices, ...vulnerabilityFlagChoices]
    .filter((choice) => "highRisk" in choice && choice.highRisk)
    .map((choice) => choice.value),
);

/** Why a referral is urgent, in the list's order; empty when it is not. */
export function urgentTriggers(answers: Partial<ReferralAnswers>): UrgentTrigger[] {
  const chosen = new Set<string>(
    [...(answers.vulnerability?.riskFactors ?? []), ...(answers.vulnerability?.flags ?? [])].filter((value) =>
      highRiskAnswers.has(value),
    ),
  );
  if (answers.whatHappened?.immediateDanger === "yes") chosen.add("immediate-danger");
  return urgentTriggerChoices.map((choice) => choice.value).filter((value) => chosen.has(value));
}

/** The triggers in words, joined for reading. */
export function urgentTriggerTitles(triggers: readonly UrgentTrigger[]): string {
  return triggers.map((trigger) => titleOf(urgentTriggerChoices, trigger)).join("; ");
}
