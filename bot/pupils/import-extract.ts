import type { Readable } from "node:stream";
import type { ExtractMapping } from "./extract-mapping.js";
import { extractFindings, type ExtractFindings } from "./findings.js";
import { defaultExtractLimits, readExtract, type ExtractLimits } from "./read-extract.js";
import type { IsoDate } from "../shared/uk-dates.js";
import type { CaseRepository } from "../cases/case-repository.js";
import { openCaseLinks } from "./open-case-links.js";

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

/** An import: what the extract shows, and which of the children listed already have an open case. */
export interface ExtractImport {
  readonly findings: ExtractFindings;
  /** Rows of children with an open case (the same UPN, or name and date of birth): its reference. */
  readonly openCases: ReadonlyMap<number, string>;
}

/**
 * Reads an extract (from Teams or a file, the same way) and links its children to the open cases:
 * the open cases are read once, matched on the keys a second referral is. They are asked for as
 * the file starts, not after it: a turn's store calls must be made within its first seconds, and
 * a county's file takes longer than that to read.
 */
export async function importExtract(
  ports: { readonly cases: Pick<CaseRepository, "open"> },
  source: Readable,
  mapping: ExtractMapping,
  importDate: IsoDate,
  limits: ExtractLimits = defaultExtractLimits,
): Promise<ExtractImport> {
  const open = ports.cases.open();
  // Its failure is told when it is awaited, below (or not at all when the file is refused).
  open.catch(() => undefined);
  const findings = await findingsOfExtract(source, mapping, importDate, limits);
  const openCases = findings.findings.length > 0 ? openCaseLinks(findings.findings, await open) : new Map();
  return { findings, openCases };
}
