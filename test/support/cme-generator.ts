import { applyCaseAction, type CaseActionName } from "../../bot/cases/actions.js";
import type { Case } from "../../bot/cases/case.js";
import { referralOnChoices, type DfeReason } from "../../bot/cases/choices.js";
import type { Actor } from "../../bot/shared/person.js";
import { stepOrder } from "../../bot/referrals/steps.js";
import { caseFromDraft } from "../../bot/referrals/submission.js";
import { answerStep, startDraft } from "../../bot/referrals/wizard.js";
import { goodAnswers, goodEarlyYearsAnswers } from "./referral-walk.js";
import { ukDate } from "../../bot/shared/uk-dates.js";

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
  /** "not known" is the referral's answer; "not recorded" is a case with no answer at all. */
  readonly sex: "female" | "male" | "not known" | "not recorded";
  /** The child's UPN, when the referral gave one (cases with one UPN are one child, whatever their names). */
  readonly upn?: string;
  readonly dateOfBirth: string;
  /** When the referral was submitted (an instant). */
  readonly submittedAt: string;
  readonly dateLastAttended: string;
  readonly triage?: { readonly at: string; readonly reason: DfeReason; readonly startDate: string };
  /** The reason changed later (the start date kept). */
  readonly retriage?: { readonly at: string; readonly reason: DfeReason };
  /** Council enquiries logged (each an instant) and referrals on to other services. */
  readonly enquiries?: readonly string[];
  readonly referralsOn?: readonly { readonly at: string; readonly service: ReferralOnService }[];
  /** Closures in order, each perhaps reopened. */
  readonly closures: readonly {
    readonly at: string;
    readonly outcome: "not-cme" | "on-roll-leicestershire" | "returned";
    readonly reopenAt?: string;
  }[];
}

type ReferralOnService = (typeof referralOnChoices)[number]["value"];

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
      sex: { female: "female", male: "male", "not known": "not-known", "not recorded": "female" }[plan.sex],
      ...(plan.upn ? { upn: plan.upn } : {}),
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
  let current: Case = caseFromDraft(draft, plan.reference, submitted);
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
  for (const at of plan.enquiries ?? []) {
    const date = ukDate(new Date(at));
    steps.push({
      at,
      run: (c) =>
        act(c, "logEnquiry", at, {
          type: "other-la",
          date,
          contacted: "Neighbouring LA",
          outcome: "Not known there",
        }),
    });
  }
  for (const { at, service } of plan.referralsOn ?? []) {
    const date = ukDate(new Date(at));
    steps.push({
      at,
      run: (c) =>
        act(c, "referOn", at, { service, date, shared: "referral", why: "Enquiries", outcome: "Accepted" }),
    });
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

/**
 * A council's caseload over some years, shaped as a county's is (Leicestershire's size expects 700
 * to 2,000 cases a year): referrals through the year with a September peak of 10 to 40 a day, most
 * triaged within days, 5 to 15 enquiries each, some referred on, most closed within weeks or
 * months, a few reopened, a few found not to be CME; early years one in ten.
 * Seeded, so a run can be repeated.
 */
export function realisticPlans({
  cases,
  from,
  to,
  seed = 1,
  firstReference = 1,
}: {
  cases: number;
  from: string;
  to: string;
  seed?: number;
  firstReference?: number;
}): CasePlan[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const span = days(from, to);
  const reasons: DfeReason[] = [
    "moved-la",
    "moved-abroad",
    "application-awaiting",
    "unknown",
    "other",
    "moved-in-la",
  ];
  const services = referralOnChoices.map((choice) => choice.value);
  // About as England's children CME: 45% female, 54% male, 1% not known.
  const sexes = [
    ...Array.from({ length: 45 }, () => "female" as const),
    ...Array.from({ length: 54 }, () => "male" as const),
    "not known" as const,
  ];
  const plans: CasePlan[] = [];
  for (let i = 0; plans.length < cases; i += 1) {
    // A September peak: a third of the referrals fall in the weeks after the summer.
    let opened = addDays(from, Math.floor(random() * span));
    if (random() < 0.3)
      opened = `${opened.slice(0, 4)}-09-${String(5 + Math.floor(random() * 20)).padStart(2, "0")}`;
    if (opened > to || opened < from) continue;
    const kind = random() < 0.1 ? ("early-years" as const) : ("school-age" as const);
    const openedYear = Number(opened.slice(0, 4));
    const dateOfBirth =
      kind === "early-years"
        ? `${openedYear - 3}-${pick(["01", "04", "07", "10"])}-${pick(["02", "14", "27"])}`
        : `${openedYear - 6 - Math.floor(random() * 9)}-${pick(["01", "03", "06", "08", "09", "11"])}-${pick(["01", "15", "28"])}`;
    const lastAttended = addDays(opened, -1 - Math.floor(random() * 25));
    const triaged = random() < 0.93;
    const triageDay = addDays(opened, Math.floor(random() * 4));
    const closes = random() < 0.85;
    const closeDay = addDays(triageDay, 5 + Math.floor(random() * random() * 300));
    const working = (count: number) =>
      Array.from({ length: count }, () =>
        ukInstant(addDays(triageDay, 1 + Math.floor(random() * 40)), "11:00"),
      );
    const plan: CasePlan = {
      reference: `CME-${opened.slice(0, 4)}-${String(firstReference + plans.length).padStart(5, "0")}`,
      child: firstReference + plans.length,
      kind,
      sex: pick(sexes),
      dateOfBirth,
      submittedAt: ukInstant(opened, pick(["08:40", "10:15", "13:30", "15:45"])),
      dateLastAttended: lastAttended,
      ...(triaged
        ? { triage: { at: ukInstant(triageDay, "09:30"), reason: pick(reasons), startDate: lastAttended } }
        : {}),
      ...(triaged ? { enquiries: working(5 + Math.floor(random() * 11)) } : {}),
      ...(triaged && random() < 0.3
        ? { referralsOn: [{ at: ukInstant(addDays(triageDay, 2), "12:00"), service: pick(services) }] }
        : {}),
      closures:
        closes && closeDay <= to
          ? [
              {
                at: ukInstant(closeDay, "16:00"),
                outcome:
                  !triaged || random() < 0.05
                    ? "not-cme"
                    : pick(["on-roll-leicestershire", "returned"] as const),
                ...(triaged && random() < 0.05 && addDays(closeDay, 30) <= to
                  ? { reopenAt: ukInstant(addDays(closeDay, 1 + Math.floor(random() * 29)), "10:00") }
                  : {}),
              },
            ]
          : [],
    };
    // Nothing after the case closed or after `to`: officers act on open cases, up to today.
    const until = plan.closures[0]?.at ?? ukInstant(to, "23:00");
    const triage = plan.triage && plan.triage.at < until ? plan.triage : undefined;
    plans.push({
      ...plan,
      ...(triage ? { triage } : { triage: undefined }),
      enquiries: triage ? (plan.enquiries ?? []).filter((at) => at < until) : [],
      referralsOn: triage ? (plan.referralsOn ?? []).filter((entry) => entry.at < until) : [],
      closures: triage
        ? plan.closures
        : plan.closures.map((closure) => ({ at: closure.at, outcome: "not-cme" as const })),
    });
  }
  return plans;
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
