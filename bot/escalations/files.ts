import { readFileSync } from "node:fs";
import { z } from "zod";
import type { TermDates } from "./calendar.js";
import { policySchema, type EscalationPolicy } from "./policy.js";
import { isIsoDate } from "../shared/uk-dates.js";

export const isoDate = z.string().refine(isIsoDate, "must be a date, YYYY-MM-DD");

const termDatesSchema = z
  .object({
    source: z.string().min(1),
    covers: z.object({ from: isoDate, to: isoDate }).optional(),
    terms: z.array(
      z
        .object({ start: isoDate, end: isoDate })
        .refine((term) => term.start <= term.end, "a term ends after it starts"),
    ),
  })
  .refine(
    (file) => file.terms.length === 0 || file.covers !== undefined,
    "say which dates the file covers ('covers': from, to) when it lists terms",
  );

/** Reads and checks one of the council's data files; the error names the file and every problem. */
export function readChecked<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `${what} (${path}) could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(file)"} ${issue.message}`,
    );
    throw new Error(`${what} (${path}) is not valid: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export const readEscalationPolicy = (path: string): EscalationPolicy =>
  readChecked(path, policySchema, "The escalation policy");

export const readTermDates = (path: string): TermDates =>
  readChecked(path, termDatesSchema, "The term dates");
