import type { Container } from "@azure/cosmos";
import type { Draft } from "../referrals/draft.js";
import type { DraftRepository, StoredDraft } from "../referrals/draft-repository.js";
import { isCosmosError } from "./cosmos.js";
import { landedLate, mustLandByNow, StoreUnavailableError, storeCall } from "./deadline.js";
import { ConcurrencyError, queryAll, read, replaceIfUnchanged, upsert, type Stored } from "./documents.js";

// Where the Teams edge has imported it from.
export type { StoredDraft };

/** Where the wizard stood before a write: what a write that landed too late is read as. */
type Undo = Pick<Draft, "step" | "version" | "editing">;

/**
 * The fence a write made in a turn carries: it counts only if the store stamped it by
 * `mustLandBy`. Later, the turn had told the person it was not saved, so it is read as undone.
 */
interface Fence {
  readonly mustLandBy?: string;
  readonly undo?: Undo;
}

type StoredDocument = Stored<Partial<Draft>> & Fence & { readonly _ts?: number };

/**
 * A stored draft as the wizard sees it: a write that landed late is read as not applied (what
 * it kept of the person's typing stays), and the bookkeeping older drafts lack is filled in.
 */
function asLanded(stored: StoredDocument): StoredDraft {
  const { mustLandBy, undo, ...draft } = stored;
  const landed = landedLate({ _ts: stored._ts, mustLandBy }) && undo ? { ...draft, ...undo } : draft;
  return { typed: {}, groupSizes: {}, editing: false, ...landed } as StoredDraft;
}

export class DraftStore implements DraftRepository {
  constructor(private readonly container: Container) {}

  /** Reads a draft, filling fields that older drafts did not have. */
  async get(userId: string, id: string): Promise<StoredDraft | undefined> {
    const stored = await read<Partial<Draft>>(this.container, id, userId);
    return stored ? asLanded(stored) : undefined;
  }

  /**
   * Saves a changed draft only over the version it was read at. In a turn the write carries its
   * fence; if the store stamps it after that, the person is told it was not saved, and every
   * reader sees it undone, so a late write never applies a step the person was told had failed.
   */
  async save(draft: Draft, over: StoredDraft): Promise<StoredDraft> {
    const mustLandBy = mustLandByNow();
    const fence: Fence = mustLandBy
      ? { mustLandBy, undo: { step: over.step, version: over.version, editing: over.editing } }
      : {};
    const saved = await replaceIfUnchanged<Draft & Fence>(
      this.container,
      { ...draft, ...fence },
      over._etag,
      draft.userId,
    );
    if (landedLate(saved)) throw new StoreUnavailableError("the write landed after its deadline");
    return asLanded(saved);
  }

  /** Drafts not changed since a time, across everyone (for the expiry sweep). */
  async idleSince(time: Date): Promise<StoredDraft[]> {
    const resources = await queryAll<Stored<Partial<Draft>>>(this.container, {
      query: "SELECT * FROM c WHERE c.updatedAt <= @time",
      parameters: [{ name: "@time", value: time.toISOString() }],
    });
    return resources.map(asLanded);
  }

  /** Drafts whose submission began but did not finish (a crash mid-way), last touched before a time. */
  async interruptedSubmissions(before: Date): Promise<StoredDraft[]> {
    const resources = await queryAll<Stored<Partial<Draft>>>(this.container, {
      query:
        "SELECT * FROM c WHERE (IS_DEFINED(c.reference) OR IS_DEFINED(c.mergedInto)) AND NOT IS_DEFINED(c.submittedAt) AND c._ts <= @ts",
      parameters: [{ name: "@ts", value: Math.floor(before.getTime() / 1000) }],
    });
    return resources.map(asLanded);
  }

  /** Open drafts whose "immediate danger" raised an alert (for the sweep to make sure it was queued). */
  async withDangerAlert(): Promise<StoredDraft[]> {
    const resources = await queryAll<Stored<Partial<Draft>>>(this.container, {
      query: "SELECT * FROM c WHERE IS_DEFINED(c.dangerAlert.key) AND NOT IS_DEFINED(c.submittedAt)",
    });
    return resources.map(asLanded);
  }

  /** Discards a draft, only at the version the person saw. */
  async remove(draft: Draft, etag: string): Promise<void> {
    try {
      await storeCall((abortSignal) =>
        this.container
          .item(draft.id, draft.userId)
          .delete({ accessCondition: { type: "IfMatch", condition: etag }, abortSignal }),
      );
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
