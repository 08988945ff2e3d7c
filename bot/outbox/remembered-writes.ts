import { ConcurrencyError } from "../concurrency.js";
import type { OutboxItem } from "./outbox-item.js";
import type { OutboxRepository, StoredOutboxItem } from "./outbox-repository.js";

/** How many items an instance remembers as it last wrote or read them. */
const itemsRemembered = 500;

/**
 * The outbox's store, remembering each item as this instance last wrote or read it, so that a
 * change is written against that ETag without reading the item first (a case's card asked for
 * again after each action: one request, not two). The store's ETag check keeps it safe: if
 * anyone wrote the item since, the write is refused and the change is made afresh on the item
 * as it is (a read, as before). Only a write is taken on trust; deciding to leave an item as it
 * is, is always made on the item as read.
 */
export function rememberingWrites(store: OutboxRepository): OutboxRepository {
  const remembered = new Map<string, StoredOutboxItem>();
  const remember = <T extends StoredOutboxItem | undefined>(item: T): T => {
    if (item) {
      remembered.delete(item.id);
      remembered.set(item.id, item);
      if (remembered.size > itemsRemembered) remembered.delete(remembered.keys().next().value ?? "");
    }
    return item;
  };
  const rememberAll = (items: StoredOutboxItem[]) => {
    for (const item of items) remember(item);
    return items;
  };
  return {
    ...bound(store),
    add: async (item) => remember(await store.add(item)),
    async update(id, change) {
      const known = remembered.get(id);
      const next = known && change(known);
      if (known && next) {
        try {
          return remember(await store.replace(next, known._etag));
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          remembered.delete(id);
        }
      }
      return remember(await store.update(id, change));
    },
    async replace(item: OutboxItem, etag: string) {
      try {
        return remember(await store.replace(item, etag));
      } catch (error) {
        if (error instanceof ConcurrencyError) remembered.delete(item.id);
        throw error;
      }
    },
    due: async (now, limit) => rememberAll(await store.due(now, limit)),
    async remove(id) {
      remembered.delete(id);
      await store.remove(id);
    },
  };
}

/** The store's methods, bound to it (a class's methods are not own properties to spread). */
function bound(store: OutboxRepository): OutboxRepository {
  return {
    add: (item) => store.add(item),
    has: (id) => store.has(id),
    update: (id, change) => store.update(id, change),
    replace: (item, etag) => store.replace(item, etag),
    due: (now, limit) => store.due(now, limit),
    earlierPending: (item) => store.earlierPending(item),
    remove: (id) => store.remove(id),
    aboutCase: (reference) => store.aboutCase(reference),
    endedAlertsWithDetails: (endedBefore) => store.endedAlertsWithDetails(endedBefore),
    escalationsSince: (since) => store.escalationsSince(since),
    escalationsListSince: (since) => store.escalationsListSince(since),
    countByState: (state) => store.countByState(state),
  };
}
