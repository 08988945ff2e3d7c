import { z } from "zod";
import type { ImportRecord } from "./pupils/import-record.js";
import { personSchema } from "./shared/person.js";

export const caseChannelSchema = z.object({
  teamId: z.string(),
  channelId: z.string(),
  serviceUrl: z.string(),
  tenantId: z.string().optional(),
  setBy: personSchema.optional(),
  setAt: z.string().optional(),
});
export type CaseChannel = z.infer<typeof caseChannelSchema>;

export const installedTeamSchema = z.object({
  teamId: z.string(),
  name: z.string().optional(),
  serviceUrl: z.string(),
  tenantId: z.string().optional(),
  installedAt: z.string(),
  installedBy: personSchema.optional(),
});
export type InstalledTeam = z.infer<typeof installedTeamSchema>;

/** What the retention sweep removed, kept without personal data: the audit that it happened. */
export interface RetentionRecord {
  readonly reference: string;
  readonly action: "purged";
  readonly closedAt: string;
  readonly at: string;
  /** The retention rule that applied, in words (records made earlier say `yearsAfterClosure`). */
  readonly rule: string;
}

/** Who has had a case opened from an extract: the claim names the case (its id hashes the child's key). */
export interface ExtractClaim {
  readonly reference: string;
  /** The claim's version, for replacing it (its case has closed since). */
  readonly etag: string;
}

/**
 * The bot's settings as the domain and the edge use them: the case channel, installed teams,
 * the sweeps' leases, the last digest, retention and import records and the reference sequences (bot/store
 * implements it over Cosmos).
 */
export interface Settings {
  caseChannel(): Promise<CaseChannel | undefined>;
  setCaseChannel(channel: CaseChannel): Promise<void>;
  /** Takes a lease (one sweep at a time across instances) until `until`, if nobody else holds one; true if taken. */
  takeLease(name: string, holder: string, now: Date, until: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** The UK date of the last daily digest queued, if any. */
  lastDigest(): Promise<string | undefined>;
  setLastDigest(date: string): Promise<void>;
  recordRetention(record: RetentionRecord): Promise<void>;
  retentionRecord(
    reference: string,
  ): Promise<(Omit<RetentionRecord, "rule" | "action"> & { readonly action: string }) | undefined>;
  /** Once per import, after its findings are read: who, when, the file's name and the counts. */
  recordImport(record: ImportRecord): Promise<void>;
  /** Adds a case opened from an import to its record, once; false when there is no record (nothing is added). */
  addCaseToImport(importId: string, reference: string): Promise<boolean>;
  /** The claim on a child (by the hash of their match key), if any. */
  extractClaim(childHash: string): Promise<ExtractClaim | undefined>;
  /**
   * Claims the child for the case `reference`: created only if there is no claim, or replacing
   * the claim of version `replacing`. False when someone else claimed (or replaced) it first.
   */
  takeExtractClaim(childHash: string, reference: string, at: Date, replacing?: string): Promise<boolean>;
  /**
   * Removes the claim on a child if it still names the case `reference` (retention: the hash of
   * the child's key must not outlive the case's details); a claim naming another case stays.
   */
  removeExtractClaim(childHash: string, reference: string): Promise<void>;
  recordTeam(team: InstalledTeam): Promise<void>;
  team(teamId: string): Promise<InstalledTeam | undefined>;
  /** The next number of a named sequence, safe with several instances; or the first of the next `count`. */
  nextInSequence(name: string, count?: number): Promise<number>;
}
