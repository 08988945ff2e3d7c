import type { Container } from "@azure/cosmos";
import type { Draft } from "../referrals/draft.js";
import { isCosmosError } from "./cosmos.js";
import { ConcurrencyError, read, replaceIfUnchanged, upsert, type Stored } from "./documents.js";

export type StoredDraft = Stored<Draft>;

/** Answers are stored as parsed; only the wizard's own bookkeeping may be missing from older drafts. */
function withBookkeeping(stored: Stored<Partial<Draft>>): StoredDraft {
  return { typed: {}, groupSizes: {}, editing: false, ...stored } as StoredDraft;
}

export class DraftStore {
  constructor(private readonly container: Container) {}

  /** Reads a draft, filling fields that older drafts did not have. */
  async get(userId: string, id: string): Promise<StoredDraft | undefined> {
    const stored = await read<Partial<Draft>>(this.container, id, userId);
    return stored ? withBookkeeping(stored) : undefined;
  }

  /** Saves a changed draft only over the version it was read at. */
  save(draft: Draft, etag: string): Promise<StoredDraft> {
    return replaceIfUnchanged(this.container, draft, etag, draft.userId);
  }

  /** Drafts not changed since a time, across everyone (for the expiry sweep). */
  async idleSince(time: Date): Promise<StoredDraft[]> {
    const { resources } = await this.container.items
      .query<Stored<Partial<Draft>>>({
        query: "SELECT * FROM c WHERE c.updatedAt <= @time",
        parameters: [{ name: "@time", value: time.toISOString() }],
      })
      .fetchAll();
    return resources.map(withBookkeeping);
  }

  /** Drafts whose submission began but did not finish (a crash mid-way), last touched before a time. */
  async interruptedSubmissions(before: Date): Promise<StoredDraft[]> {
    const { resources } = await this.container.items
      .query<Stored<Partial<Draft>>>({
        query:
          "SELECT * FROM c WHERE (IS_DEFINED(c.reference) OR IS_DEFINED(c.mergedInto)) AND NOT IS_DEFINED(c.submittedAt) AND c._ts <= @ts",
        parameters: [{ name: "@ts", value: Math.floor(before.getTime() / 1000) }],
      })
      .fetchAll();
    return resources.map(withBookkeeping);
  }

  /** Discards a draft, only at the version the person saw. */
  async remove(draft: Draft, etag: string): Promise<void> {
    try {
      await this.container
        .item(draft.id, draft.userId)
        .delete({ accessCondition: { type: "IfMatch", condition: etag } });
    } catch (error) {
      if (isCosmosError(error, 412)) throw new ConcurrencyError(draft.id);
      if (!isCosmosError(error, 404)) throw error;
    }
  }

  /** Starts afresh: replaces whatever draft of this kind the person had. */
  put(draft: Draft): Promise<StoredDraft> {
    return upsert(this.container, draft);
  }
}
