import type { Container } from "@azure/cosmos";
import type { Draft } from "../referrals/draft.js";
import { read, replaceIfUnchanged, upsert, type Stored } from "./documents.js";

export type StoredDraft = Stored<Draft>;

export class DraftStore {
  constructor(private readonly container: Container) {}

  get(userId: string, id: string): Promise<StoredDraft | undefined> {
    return read<Draft>(this.container, id, userId);
  }

  /** Saves a changed draft only over the version it was read at. */
  save(draft: Draft, etag: string): Promise<StoredDraft> {
    return replaceIfUnchanged(this.container, draft, etag, draft.userId);
  }

  /** Starts afresh: replaces whatever draft of this kind the person had. */
  put(draft: Draft): Promise<StoredDraft> {
    return upsert(this.container, draft);
  }
}
