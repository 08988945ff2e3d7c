import type { Stored } from "../concurrency.js";
import type { Draft } from "./draft.js";

export type StoredDraft = Stored<Draft>;

/**
 * The drafts as the wizard, submission and draft sweep read and write them (bot/store implements
 * it over Cosmos). A write over a draft names the version read; a lost race is a ConcurrencyError.
 */
export interface DraftRepository {
  get(userId: string, id: string): Promise<StoredDraft | undefined>;
  /** Writes the draft over the version read (`over`). */
  save(draft: Draft, over: StoredDraft): Promise<StoredDraft>;
  /** Drafts not changed since then (reminders, expiry). */
  idleSince(time: Date): Promise<StoredDraft[]>;
  /** Submissions begun before then and never finished (the sweep finishes them). */
  interruptedSubmissions(before: Date): Promise<StoredDraft[]>;
  /** Drafts that raised an immediate-danger alert. */
  withDangerAlert(): Promise<StoredDraft[]>;
  remove(draft: Draft, etag: string): Promise<void>;
  /** Writes the draft whatever is stored (a new draft). */
  put(draft: Draft): Promise<StoredDraft>;
}
