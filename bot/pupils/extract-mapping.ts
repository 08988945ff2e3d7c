import { z } from "zod";
import { readChecked } from "../escalations/files.js";
import { sexChoices } from "../referrals/questions.js";
import { valuesOf } from "../shared/choice.js";

/**
 * Which column of a pupil database extract holds each field (config/pupil-extract.json).
 * Every header the mapping names must be in the file, so a renamed column is refused rather
 * than read as blank (a blank "Current Establishment" would put every child on a list);
 * `required` says a row must also have a value there. The fields the lists are made from
 * cannot be left out; UPN, sex, address and postcode can, for an export that lacks them.
 */

const column = z.strictObject({
  header: z.string().trim().min(1, "give the column's header"),
  required: z.boolean(),
});

const mustHaveValue = column.refine((c) => c.required, "must be required: every row needs it");

export const sexValues = valuesOf(sexChoices);

export const extractMappingSchema = z
  .strictObject({
    source: z.string().optional(),
    columns: z.strictObject({
      upn: column.optional(),
      legalForename: mustHaveValue,
      legalSurname: mustHaveValue,
      dateOfBirth: mustHaveValue,
      sex: column.optional(),
      address: column.optional(),
      postcode: column.optional(),
      currentEstablishment: column,
      onRoll: column,
      dateLeft: column,
      destination: column,
    }),
    /** What the extract writes for each sex ("M", "Female", …), matched without regard to case. */
    sexValues: z.record(z.string().trim().min(1), z.enum(sexValues)).default({}),
  })
  .superRefine((mapping, ctx) => {
    const seen = new Map<string, string>();
    for (const [field, spec] of Object.entries(mapping.columns)) {
      if (!spec) continue;
      const key = headerKey(spec.header);
      const other = seen.get(key);
      if (other) {
        ctx.addIssue({
          code: "custom",
          path: ["columns", field, "header"],
          message: `is the same header as ${other}'s`,
        });
      }
      seen.set(key, field);
    }
    if (mapping.columns.sex && Object.keys(mapping.sexValues).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["sexValues"],
        message: "must say what the sex column's values mean",
      });
    }
  });

export type ExtractMapping = z.infer<typeof extractMappingSchema>;
export type ExtractField = keyof ExtractMapping["columns"];

/** Headers match without regard to case or surrounding spaces. */
export function headerKey(header: string): string {
  return header.trim().toLowerCase();
}

/** Reads and checks the mapping (at start): the error names the file and every problem. */
export function loadExtractMapping(path: string): ExtractMapping {
  return readChecked(path, extractMappingSchema, "The pupil extract mapping");
}

/** The mapped fields with their headers, in the mapping's order. */
export function mappedColumns(
  mapping: ExtractMapping,
): { field: ExtractField; header: string; required: boolean }[] {
  return Object.entries(mapping.columns).flatMap(([field, spec]) =>
    spec ? [{ field: field as ExtractField, header: spec.header, required: spec.required }] : [],
  );
}

/**
 * Where each mapped field is in a file's header row, or the headers that are missing or appear
 * more than once (by their names in the mapping, never the file's other cells).
 */
export function locateColumns(
  mapping: ExtractMapping,
  headerRow: readonly string[],
): { ok: true; positions: Map<ExtractField, number> } | { ok: false; missing: string[]; repeated: string[] } {
  const keys = headerRow.map(headerKey);
  const positions = new Map<ExtractField, number>();
  const missing: string[] = [];
  const repeated: string[] = [];
  for (const { field, header } of mappedColumns(mapping)) {
    const key = headerKey(header);
    const at = keys.indexOf(key);
    if (at < 0) missing.push(header);
    else if (keys.lastIndexOf(key) !== at) repeated.push(header);
    else positions.set(field, at);
  }
  return missing.length === 0 && repeated.length === 0
    ? { ok: true, positions }
    : { ok: false, missing, repeated };
}
