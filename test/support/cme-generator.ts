import { applyCaseAction, type CaseActionName } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import type { DfeReason } from "../../bot/cases/choices.js";
import type { Actor } from "../../bot/people/person.js";
import { ukDate } from "../../bot/referrals/school-age.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import { goodAnswers, goodEarlyYearsAnswers } from "./referral-walk.js";

/**
 * Cases with known facts (sex, date of birth, when they opened, were triaged, closed and
 * reopened, with which reason), made through the real wizard and the real case actions at the
 * planned moments, so their histories are exactly what the bot writes. Tests derive what a report
 * must say from the plans, by their own arithmetic, never from the report code.
 */
export interface CasePlan {
  readonly reference: string;
  /** Plans with the same child are one child (the same name and date of birth). */
  readonly child: number;
  readonly kind: "school-age" | "early-years";
  readonly sex: "female" | "male" | "not recorded";
  readonly dateOfBirth: string;
  /** When the referral was submitted (an instant). */
  readonly submittedAt: string;
  readonly dateLastAttended: string;
  readonly triage?: { readonly at: string; readonly reason: DfeReason; readonly startDate: string };
  /** The reason changed later (the start date kept). */
  readonly retriage?: { readonly at: string; readonly reason: DfeReason };
  /** Closures in order, each perhaps reopened. */
  readonly closures: readonly {
    readonly at: string;
    readonly outcome: "not-cme" | "on-roll-leicestershire" | "returned";
    readonly reopenAt?: string;
  }[];
}

const manager: Actor = { id: "29:generator", name: "Gen Manager", roles: new Set(["manager"]) };

/** mulberry32: small, seeded, reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** An instant at a UK wall-clock time on a day (UK summer time is UTC+1 from late March to late October). */
export function ukInstant(day: string, time = "12:00"): string {
  for (const offset of [1, 0]) {
    const instant = new Date(Date.parse(`${day}T${time}:00Z`) - offset * 3_600_000);
    const wall = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(instant);
    if (wall === time && ukDate(instant) === day) return instant.toISOString();
  }
  throw new Error(`no UK instant for ${day} ${time}`);
}

function act(current: Case, name: CaseActionName, at: string, input: Record<string, unknown>): Case {
  const now = new Date(at);
  const result = applyCaseAction(name, current, manager, input, {
    now,
    today: ukDate(now),
    signOffOutcomes: [],
  });
  if (!result.ok) throw new Error(`${current.id} ${name} at ${at}: ${result.reason}`);
  return result.case;
}

/** The case a plan describes, with its history made by the real rules at the planned moments. */
export function caseOf(plan: CasePlan): Case {
  const submitted = new Date(plan.submittedAt);
  const today = ukDate(submitted);
  const base = plan.kind === "early-years" ? goodEarlyYearsAnswers : goodAnswers;
  const enquiries = Object.fromEntries(
    Object.entries(base.enquiries).map(([key, value]) => [key, key.endsWith(".date") ? today : value]),
  );
  const answers = {
    ...base,
    child: {
      ...base.child,
      forenames: `Child${plan.child}`,
      surname: `Generated${plan.child}`,
      dateOfBirth: plan.dateOfBirth,
      sex: plan.sex === "not recorded" ? "female" : plan.sex,
    },
    school: { ...base.school, dateLastAttended: plan.dateLastAttended },
    enquiries,
  };
  const referrer = { id: `29:referrer-${plan.child}`, name: "Gen Referrer" };
  let draft = startDraft(referrer, plan.kind, submitted, {}, undefined);
  for (const step of stepOrder) {
    const result = answerStep(draft, step, answers[step], today, submitted);
    if (!result.ok) throw new Error(`${plan.reference} ${step}: ${JSON.stringify(result.errors)}`);
    draft = result.draft;
  }
  let current = caseFromDraft(draft, plan.reference, submitted);
  if (plan.sex === "not recorded") {
    // As a case recorded before sex was asked, or anonymised: the answer is not there.
    const child: Record<string, unknown> = { ...current.referral.child };
    delete child.sex;
    current = { ...current, referral: { ...current.referral, child } as Case["referral"] };
  }
  type Step = { at: string; run: (c: Case) => Case };
  const steps: Step[] = [];
  if (plan.triage) {
    const { at, reason, startDate } = plan.triage;
    steps.push({ at, run: (c) => act(c, "triage", at, { dfeReason: reason, cmeStartDate: startDate }) });
  }
  if (plan.retriage && plan.triage) {
    const { at, reason } = plan.retriage;
    const startDate = plan.triage.startDate;
    steps.push({ at, run: (c) => act(c, "triage", at, { dfeReason: reason, cmeStartDate: startDate }) });
  }
  for (const closure of plan.closures) {
    steps.push({ at: closure.at, run: (c) => act(c, "close", closure.at, { outcome: closure.outcome }) });
    if (closure.reopenAt) {
      const at = closure.reopenAt;
      steps.push({
        at,
        run: (c) =>
          act(c, "reopen", at, {
            reason: "Seen again",
            dfeReason: "unknown",
            cmeStartDate: plan.triage?.startDate ?? plan.dateLastAttended,
          }),
      });
    }
  }
  for (const step of steps.sort((a, b) => a.at.localeCompare(b.at))) current = step.run(current);
  return current;
}

/** A date of birth that puts a child in a year group (0 = Reception) in the school year starting `septemberYear`. */
export function birthdayFor(yearGroup: number, septemberYear: number, monthDay: string): string {
  // Born 1 September to 31 August: Reception children turn five during the year.
  const birthYear = septemberYear - 5 - yearGroup + (monthDay >= "09-01" ? 0 : 1);
  return `${birthYear}-${monthDay}`;
}
