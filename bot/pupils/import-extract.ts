import type { Readable } from "node:stream";
import type { ExtractMapping } from "./extract-mapping.js";
import { extractFindings, type ExtractFindings } from "./findings.js";
import { defaultExtractLimits, readExtract, type ExtractLimits } from "./read-extract.js";
import type { IsoDate } from "../shared/uk-dates.js";

/**
 * What an extract shows on the import date (the UK date of the import: `ukDate(new Date())`),
 * read from a stream (a Teams download, a file) and held as its findings only. Rejects with
 * ExtractRefused, whose message is for the person, when the file is refused.
 */
export async function findingsOfExtract(
  source: Readable,
  mapping: ExtractMapping,
  importDate: IsoDate,
  limits: ExtractLimits = defaultExtractLimits,
): Promise<ExtractFindings> {
  const findings = extractFindings(importDate);
  for await (const row of readExtract(source, mapping, limits)) findings.add(row);
  return findings.result();
}
