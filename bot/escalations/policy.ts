import { z } from "zod";

/** How a rule's threshold is counted. */
export const clockKinds = ["workingDays", "schoolDays", "workingHours", "calendarDays"] as const;

/** The escalation rules (their numbers are policy, in config/escalation-policy.json); when each applies and from when is in due.ts. */
export const ruleIds = [
  "unassigned",
  "noProgress",
  "jointEnquiries",
  "referrerNotAnswering",
  "longRunning",
  "earlyYearsNoContact",
  "earlyYearsSchoolAge",
] as const;
export type RuleId = (typeof ruleIds)[number];

/** The one rule counted back from a date to come (the day the child reaches compulsory school age). */
export type BeforeRuleId = "earlyYearsSchoolAge";
type AfterRuleId = Exclude<RuleId, BeforeRuleId>;

const threshold = z.object({ clock: z.enum(clockKinds), after: z.number().positive() });
const notify = z.enum(["owner", "managers", "referrer"]);

const afterLevelSchema = threshold.extend({
  /** For urgent cases, when it differs (for example 2 working hours instead of 1 working day). */
  urgent: threshold.optional(),
  /** Who is told at this level. */
  notify,
});

/** A level due so many days before a date (at the start of the working day); hours do not count back. */
const beforeLevelSchema = z.object({
  clock: z.enum(["workingDays", "schoolDays", "calendarDays"]),
  before: z.number().positive(),
  notify: notify.exclude(["referrer"]),
});

const ruleOf = <Level extends z.ZodType>(level: Level) =>
  z.object({
    title: z.string().min(1),
    /** What the law or policy expects, said on the escalation card. */
    expects: z.string().min(1),
    levels: z.array(level).min(1),
  });
const afterRuleSchema = ruleOf(afterLevelSchema);

export const policySchema = z.object({
  workingHours: z
    .object({ start: z.number().min(0).max(23), end: z.number().min(1).max(24) })
    .refine((hours) => hours.start < hours.end, "workingHours.start must be before workingHours.end"),
  rules: z.object({
    ...(Object.fromEntries(
      ruleIds.filter((id) => id !== "earlyYearsSchoolAge").map((id) => [id, afterRuleSchema]),
    ) as Record<AfterRuleId, typeof afterRuleSchema>),
    earlyYearsSchoolAge: ruleOf(beforeLevelSchema),
  }),
});

export type EscalationPolicy = z.infer<typeof policySchema>;
export type AfterLevel = z.infer<typeof afterLevelSchema>;
export type BeforeLevel = z.infer<typeof beforeLevelSchema>;
export type PolicyLevel = AfterLevel | BeforeLevel;
