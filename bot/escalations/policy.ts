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
] as const;
export type RuleId = (typeof ruleIds)[number];

const threshold = z.object({ clock: z.enum(clockKinds), after: z.number().positive() });

const levelSchema = threshold.extend({
  /** For urgent cases, when it differs (for example 2 working hours instead of 1 working day). */
  urgent: threshold.optional(),
  /** Who is told at this level. */
  notify: z.enum(["owner", "managers", "referrer"]),
});

const ruleSchema = z.object({
  title: z.string().min(1),
  /** What the law or policy expects, said on the escalation card. */
  expects: z.string().min(1),
  levels: z.array(levelSchema).min(1),
});

export const policySchema = z.object({
  workingHours: z
    .object({ start: z.number().min(0).max(23), end: z.number().min(1).max(24) })
    .refine((hours) => hours.start < hours.end, "workingHours.start must be before workingHours.end"),
  rules: z.object(
    Object.fromEntries(ruleIds.map((id) => [id, ruleSchema])) as Record<RuleId, typeof ruleSchema>,
  ),
});

export type EscalationPolicy = z.infer<typeof policySchema>;
export type PolicyLevel = z.infer<typeof levelSchema>;
