import type { Stored } from "../concurrency.js";
import type { OutboxItem } from "./outbox-item.js";

export type StoredOutboxItem = Stored<OutboxItem>;

/**
 * The outbox's items as the outbox, the sweeps and the digest read and write them (bot/store
 * implements it over Cosmos). Items are keyed: adding one twice keeps the first.
 */
export interface OutboxRepository {
  /** Stores a new item as stored (with its ETag); undefined when one with its key is there already. */
  add(item: OutboxItem): Promise<StoredOutboxItem | undefined>;
  /** Whether a message was queued already (in any state). */
  has(id: string): Promise<boolean>;
  update(
    id: string,
    change: (current: StoredOutboxItem | undefined) => OutboxItem | undefined,
  ): Promise<StoredOutboxItem | undefined>;
  replace(item: OutboxItem, etag: string): Promise<StoredOutboxItem>;
  due(now: Date, limit: number): Promise<StoredOutboxItem[]>;
  /** Whether an older message to the same conversation is still waiting (messages go in order). */
  earlierPending(item: OutboxItem): Promise<boolean>;
  remove(id: string): Promise<void>;
  /** Messages about a case (card updates, escalations, notices and questions to its referrer). */
  aboutCase(reference: string): Promise<StoredOutboxItem[]>;
  /** Immediate-danger alerts of referrals never submitted that still show their details, ended before then. */
  endedAlertsWithDetails(endedBefore: Date): Promise<StoredOutboxItem[]>;
  /** How many escalations were raised since a time. */
  escalationsSince(since: Date): Promise<number>;
  /** The escalations raised since a time: the case, the rule and level, and when. */
  escalationsListSince(since: Date): Promise<{ caseId: string; rule: string; level: number; at: string }[]>;
  countByState(state: OutboxItem["state"]): Promise<number>;
}
