import type { z } from "zod";
import type { Person } from "../people/person.js";
import { draftIdFor, type Draft, type ReferralKind } from "./draft.js";
import { stepFields, stepOrder, stepSchemas, type StepId } from "./steps.js";

export type FieldErrors = Record<string, string>;

export type StepResult =
  | { readonly ok: true; readonly draft: Draft }
  | { readonly ok: false; readonly errors: FieldErrors; readonly values: Record<string, string> };

export function startDraft(referrer: Person, kind: ReferralKind, now: Date): Draft {
  const at = now.toISOString();
  return {
    id: draftIdFor(referrer.id, kind),
    userId: referrer.id,
    kind,
    version: 1,
    step: stepOrder[0] ?? "review",
    answers: {},
    referrer,
    createdAt: at,
    updatedAt: at,
  };
}

/** Card inputs arrive as strings (or not at all when left empty); keep only the non-blank ones. */
export function cardValues(
  input: Record<string, unknown>,
  fields: readonly string[],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = input[field];
    if (typeof value === "string" && value.trim().length > 0) values[field] = value;
  }
  return values;
}

function firstErrorPerField(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

function nextStep(step: StepId): Draft["step"] {
  const index = stepOrder.indexOf(step);
  return stepOrder[index + 1] ?? "review";
}

/** Validates one card's answers; on success the draft moves on, otherwise the errors and the person's values come back. */
export function answerStep(
  draft: Draft,
  step: StepId,
  input: Record<string, unknown>,
  today: string,
  now: Date,
): StepResult {
  const values = cardValues(input, stepFields[step]);
  const parsed = stepSchemas[step]({ today, answers: draft.answers }).safeParse(values);
  if (!parsed.success) return { ok: false, errors: firstErrorPerField(parsed.error), values };
  return {
    ok: true,
    draft: {
      ...draft,
      answers: { ...draft.answers, [step]: parsed.data },
      step: nextStep(step),
      version: draft.version + 1,
      updatedAt: now.toISOString(),
    },
  };
}

export function goBack(draft: Draft, now: Date): Draft {
  const index = draft.step === "review" ? stepOrder.length : stepOrder.indexOf(draft.step);
  const previous = stepOrder[Math.max(0, index - 1)] ?? draft.step;
  return { ...draft, step: previous, version: draft.version + 1, updatedAt: now.toISOString() };
}

export function isComplete(draft: Draft): boolean {
  return stepOrder.every((step) => draft.answers[step] !== undefined);
}
