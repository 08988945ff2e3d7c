import type { Stored } from "../concurrency.js";
import type { Case } from "./case.js";

export type StoredCase = Stored<Case>;

/**
 * The cases as the casework, submission, sweeps and retention read and write them (bot/store
 * implements it over Cosmos). Every write names the version it read; a lost race is a
 * ConcurrencyError.
 */
export interface CaseRepository {
  get(reference: string): Promise<StoredCase | undefined>;
  /** Creates the case; a case already under that reference is returned as it is (a repeat). */
  create(newCase: Case): Promise<StoredCase>;
  /** Writes the case over the version read (`etag`). */
  replace(updated: Case, etag: string): Promise<StoredCase>;
  /** Reads, changes and writes, again on the fresh case when someone else wrote first; undefined leaves it. */
  update(
    reference: string,
    change: (current: StoredCase | undefined) => Case | undefined,
  ): Promise<StoredCase | undefined>;
  /** Open cases of the child these keys identify (a second referral). */
  openMatches(keys: Case["matchKeys"]): Promise<StoredCase[]>;
  /** Every case of the child these keys identify, open or closed. */
  forChild(keys: Case["matchKeys"]): Promise<StoredCase[]>;
  /** Cases whose next check is due by then (the escalation clocks). */
  dueForCheck(by: Date): Promise<StoredCase[]>;
  /** Open early-years cases whose next check is after then (the sweep checks it is not too late). */
  openEarlyYearsNotDue(by: Date): Promise<StoredCase[]>;
  /** Closed cases, not yet anonymised, closed on or before then. */
  pastRetention(closedBefore: Date): Promise<StoredCase[]>;
  remove(reference: string, etag: string): Promise<void>;
  open(): Promise<StoredCase[]>;
}
