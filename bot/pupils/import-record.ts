import { z } from "zod";
import { personSchema, type Person } from "../shared/person.js";
import { extractLists, type ExtractFindings } from "./findings.js";

/**
 * What is kept of an import (issue 14 item 4): who, when, the file's name and the counts. The
 * file and its rows are not kept; only rows that become cases are stored, as those cases.
 */
export const importRecordSchema = z.object({
  importId: z.string().min(1),
  by: personSchema,
  at: z.iso.datetime(),
  fileName: z.string(),
  rows: z.object({ read: z.int(), good: z.int(), bad: z.int() }),
  counts: z.record(z.enum(extractLists), z.int()),
  /** The references of the cases opened from the import: "Open a case" (item 2) fills it. */
  casesOpened: z.array(z.string()),
});
export type ImportRecord = z.infer<typeof importRecordSchema>;

/** Who `npm run import` records as the importer: the OS user would be personal data. */
export const commandLine: Person = { id: "command line", name: "command line" };

/** The record of an import just made (no case is opened yet). */
export function importRecordOf(
  importId: string,
  by: Person,
  at: Date,
  fileName: string,
  { rows, counts }: ExtractFindings,
): ImportRecord {
  // Parsing keeps only a person's fields (an actor's roles are not recorded).
  return importRecordSchema.parse({
    importId,
    by,
    at: at.toISOString(),
    fileName,
    rows,
    counts,
    casesOpened: [],
  });
}
