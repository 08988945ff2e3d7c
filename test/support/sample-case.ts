import type { Case } from "../../bot/cases/case.js";
import { isExtractReferral } from "../../bot/referrals/extract-referral.js";
import { caseFromDraft, type FormCase } from "../../bot/referrals/submission.js";
import type { ReferralKind } from "../../bot/referrals/draft.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import { people, type Harness } from "./harness.js";
import { goodAnswers, goodEarlyYearsAnswers } from "./referral-walk.js";

/**
 * A case as submitting the good answers through the real wizard makes it, at `now` (a UK date
 * `today`), referred by Dana from her personal chat: for unit tests of the rules that work on cases.
 */
export function sampleCase(kind: ReferralKind, now: Date, today: string): FormCase {
  const answers = kind === "early-years" ? goodEarlyYearsAnswers : goodAnswers;
  const referrer = { id: "29:dsl", name: "Dana" };
  let draft = startDraft(
    referrer,
    kind,
    now,
    {},
    { id: "a:chat", serviceUrl: "https://x", userId: referrer.id },
  );
  for (const step of stepOrder) {
    const result = answerStep(draft, step, answers[step], today, now);
    if (!result.ok) throw new Error(`${step}: ${JSON.stringify(result.errors)}`);
    draft = result.draft;
  }
  return caseFromDraft(draft, "CME-2026-00001", now);
}

/** A case the test made from a referral form, as such (it throws for a case opened from an extract row). */
export function formCaseOf(current: Case): FormCase {
  if (isExtractReferral(current.referral)) throw new Error(`${current.id} was opened from an extract row`);
  return current as FormCase;
}

/**
 * Closes a case in the store as it would be once an outcome is recorded (or signed off), at
 * `at`, by the CME officer: for tests of what follows a closure (retention, a child opened again).
 */
export function closeInStore(h: Harness, reference: string, at: Date, detail?: string) {
  return h.app.services.cases.update(reference, (current) =>
    current
      ? {
          ...current,
          status: "closed",
          closure: {
            outcome: "on-roll-other-la",
            ...(detail ? { detail } : {}),
            by: { id: people.officer.id, name: people.officer.name },
            at: at.toISOString(),
          },
        }
      : undefined,
  );
}
