import { formCaseOf } from "./sample-case.js";
import type { Case } from "../../bot/cases/case.js";
import { matchKeysOf } from "../../bot/referrals/submitted-referral.js";
import { withNextCheck, type Clocks } from "../../bot/escalations/due.js";
import type { CaseStore } from "../../bot/store/case-store.js";
import type { SettingsStore } from "../../bot/store/settings-store.js";
import { addDays, caseOf, realisticPlans, seededRandom } from "./cme-generator.js";
import { formatReference } from "../../bot/shared/case-reference.js";
import { ukDate } from "../../bot/shared/uk-dates.js";

/**
 * Stored cases with realistic histories (`npm run seed`, `npm run bench`): the generator's plans
 * made into cases by the real wizard and case actions, written as the bot writes them (clock
 * levels and next check worked out, the timeline kept by the store), under references taken from
 * the bot's own sequence so a referral made afterwards never meets a seeded reference.
 */
export interface SeedRequest {
  readonly cases: number;
  /** The spread: referrals over this many years up to `now`. */
  readonly years: number;
  readonly seed: number;
  readonly now: Date;
  /**
   * Generate only this many distinct cases and write the rest as copies of them: another child,
   * every date moved by whole weeks (so weekdays and working-day counts hold), a new reference.
   * For sizes the generator would take too long to make (it runs the wizard for each case).
   */
  readonly distinct?: number;
  /** Writes in flight at once. */
  readonly concurrency?: number;
  readonly onProgress?: (written: number, elapsedMs: number) => void;
}

export interface SeedResult {
  readonly written: number;
  /** Plans the wizard refused (a child outside the school-age rule), drawn again. */
  readonly refused: number;
  readonly elapsedMs: number;
  /** The years where the references passed five digits (more than 99,999 referrals in a year). */
  readonly overfullYears: readonly number[];
}

export interface SeedPorts {
  readonly cases: Pick<CaseStore, "create">;
  readonly settings: Pick<SettingsStore, "nextInSequence">;
  readonly clocks: Clocks;
}

const chunkSize = 1000;

/** Generated cases, `count` of them, each drawn again until the wizard takes it. */
export function generatedCases(
  count: number,
  { from, to, seed, chunk }: { from: string; to: string; seed: number; chunk: number },
): { cases: Case[]; refused: number } {
  const cases: Case[] = [];
  let refused = 0;
  for (let draw = 0; cases.length < count; draw += 1) {
    // Each draw its own seed and children: another chunk's plans are other children.
    const firstReference = 1 + (chunk * 64 + draw) * chunkSize;
    const plans = realisticPlans({
      cases: count - cases.length,
      from,
      to,
      seed: seed * 1_000_003 + chunk * 64 + draw,
      firstReference,
    });
    for (const plan of plans) {
      try {
        cases.push(caseOf(plan));
      } catch {
        refused += 1;
      }
    }
  }
  return { cases, refused };
}

const isoDate = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/;

/** Every date and instant in a value moved by `days` (a copy's history keeps its shape). */
function shifted(value: unknown, days: number): unknown {
  if (typeof value === "string" && isoDate.test(value))
    return value.length === 10
      ? addDays(value, days)
      : new Date(Date.parse(value) + days * 86_400_000).toISOString();
  if (Array.isArray(value)) return value.map((each) => shifted(each, days));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, shifted(each, days)]));
  return value;
}

/** A copy of a generated case: child `child`, moved by whole weeks within `from`..`now`. */
export function copyOf(template: Case, child: number, random: () => number, from: string, now: Date): Case {
  const lastAt = template.events.at(-1)?.at ?? template.submittedAt;
  const earliest = Math.ceil((Date.parse(from) - Date.parse(template.submittedAt)) / (7 * 86_400_000));
  const latest = Math.floor((now.getTime() - Date.parse(lastAt)) / (7 * 86_400_000));
  const weeks = latest >= earliest ? earliest + Math.floor(random() * (latest - earliest + 1)) : 0;
  const moved = formCaseOf(shifted(template, weeks * 7) as Case);
  const names = { forenames: `Child${child}`, surname: `Generated${child}` };
  const referralChild = { ...moved.referral.child, ...names };
  return {
    ...moved,
    referral: { ...moved.referral, child: referralChild },
    matchKeys: matchKeysOf(referralChild),
  };
}

/** The cases under the bot's references: each year's numbers reserved from its sequence at once. */
async function withReferences(cases: Case[], settings: SeedPorts["settings"]): Promise<Case[]> {
  const byYear = new Map<number, Case[]>();
  for (const each of cases) {
    const year = new Date(each.submittedAt).getUTCFullYear();
    byYear.set(year, [...(byYear.get(year) ?? []), each]);
  }
  const numbered: Case[] = [];
  for (const [year, ofYear] of byYear) {
    const first = await settings.nextInSequence(`case-${year}`, ofYear.length);
    ofYear.forEach((each, i) => numbered.push({ ...each, id: formatReference(year, first + i) }));
  }
  return numbered;
}

/** Runs `work` on every item with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

export async function seedCases(ports: SeedPorts, request: SeedRequest): Promise<SeedResult> {
  const started = Date.now();
  const to = ukDate(request.now);
  const from = addDays(to, -Math.round(request.years * 365));
  let written = 0;
  let refused = 0;
  const overfull = new Set<number>();
  const distinct = Math.min(request.distinct ?? request.cases, request.cases);
  const templates: Case[] = [];
  const random = seededRandom(request.seed);
  for (let chunk = 0; written < request.cases; chunk += 1) {
    const size = Math.min(chunkSize, request.cases - written);
    let made: Case[];
    if (templates.length < distinct) {
      const generated = generatedCases(Math.min(size, distinct - templates.length), {
        from,
        to,
        seed: request.seed,
        chunk,
      });
      refused += generated.refused;
      templates.push(...generated.cases);
      made = generated.cases;
    } else {
      // Children numbered past every generated one (the generator numbers from 1 in its draws).
      made = Array.from({ length: size }, (_, i) =>
        copyOf(
          templates[(written + i) % distinct] as Case,
          100_000_000 + written + i,
          random,
          from,
          request.now,
        ),
      );
    }
    const numbered = await withReferences(made, ports.settings);
    for (const each of numbered)
      if (each.id.length > "CME-2026-00000".length) overfull.add(Number(each.id.slice(4, 8)));
    await eachLimited(numbered, request.concurrency ?? 16, async (each) => {
      await ports.cases.create(withNextCheck(each, ports.clocks, request.now));
    });
    written += numbered.length;
    request.onProgress?.(written, Date.now() - started);
  }
  return { written, refused, elapsedMs: Date.now() - started, overfullYears: [...overfull].sort() };
}
