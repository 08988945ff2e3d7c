/**
 * Optimistic concurrency, as the domain sees it: a document read with the version its next write
 * is guarded by, and the error a write gets when someone else wrote first. The store implements it
 * (Cosmos' ETags); the rules decide what a lost race means.
 */

/** A document as read, with its version (the store's ETag): a write over it names that version. */
export type Stored<T> = T & { readonly _etag: string };

/** Someone else wrote the document since it was read (its version moved on). */
export class ConcurrencyError extends Error {
  constructor(readonly id: string) {
    super(`${id} was changed by someone else`);
    this.name = "ConcurrencyError";
  }
}
