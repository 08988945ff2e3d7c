import { isCosmosError } from "./cosmos.js";
import type { Container } from "@azure/cosmos";
import { outboxItemSchema, type OutboxItem } from "../outbox/outbox-item.js";
import type { OutboxRepository, StoredOutboxItem } from "../outbox/outbox-repository.js";
import { storeCall } from "./deadline.js";
import {
  countWhere,
  createReturning,
  queryAll,
  read,
  replaceIfUnchanged,
  updateWithRetry,
} from "./documents.js";
import { ConcurrencyError, type Stored } from "../concurrency.js";

export type { StoredOutboxItem };

/** A stored item read as its kind (an item stored before the kinds is migrated as it is read). */
function parsed(document: Stored<unknown>): StoredOutboxItem {
  return { ...outboxItemSchema.parse(document), _etag: document._etag };
}

export class OutboxStore implements OutboxRepository {
  constructor(
    private readonly container: Container,
    /** Told of a stored item no kind reads (its id and where it fails, never its values): it is left out of lists. */
    private readonly onUnreadable: (id: string, problems: string) => void = () => {},
  ) {}

  /** The items a list found, each read as its kind; one no kind reads is told of and left out, so it stops no other. */
  private readable(documents: readonly Stored<unknown>[]): StoredOutboxItem[] {
    return documents.flatMap((document) => {
      const checked = outboxItemSchema.safeParse(document);
      if (checked.success) return [{ ...checked.data, _etag: document._etag }];
      const id = (document as { id?: unknown }).id;
      this.onUnreadable(
        typeof id === "string" ? id : "(no id)",
        checked.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join(".") || "(item)"}: ${issue.code}`)
          .join("; "),
      );
      return [];
    });
  }

  /** Stores a new item; undefined when one with its id is there already (asked for before). */
  async add(item: OutboxItem): Promise<StoredOutboxItem | undefined> {
    const created = await createReturning(this.container, item);
    return created && parsed(created);
  }

  /** Whether a message was queued already (in any state). */
  async has(id: string): Promise<boolean> {
    return (await read<OutboxItem>(this.container, id)) !== undefined;
  }

  async update(
    id: string,
    change: (current: StoredOutboxItem | undefined) => OutboxItem | undefined,
  ): Promise<StoredOutboxItem | undefined> {
    const stored = await updateWithRetry<OutboxItem>(this.container, id, (current) =>
      change(current && parsed(current)),
    );
    return stored && parsed(stored);
  }

  /** Writes the item over the version `etag` names; ConcurrencyError when it changed since, or is gone. */
  async replace(item: OutboxItem, etag: string): Promise<StoredOutboxItem> {
    try {
      return parsed(await replaceIfUnchanged(this.container, item, etag));
    } catch (error) {
      if (isCosmosError(error, 404)) throw new ConcurrencyError(item.id);
      throw error;
    }
  }

  async due(now: Date, limit: number): Promise<StoredOutboxItem[]> {
    const resources = await queryAll<Stored<unknown>>(this.container, {
      query:
        "SELECT TOP @limit * FROM c WHERE c.state = 'pending' AND c.nextAttemptAt <= @now ORDER BY c.nextAttemptAt",
      parameters: [
        { name: "@limit", value: limit },
        { name: "@now", value: now.toISOString() },
      ],
    });
    return this.readable(resources);
  }

  /** Whether an older message to the same conversation is still waiting (messages go in order). */
  async earlierPending(item: OutboxItem): Promise<boolean> {
    const sameConversation =
      "conversation" in item ? "c.conversation.id = @conversation" : "NOT IS_DEFINED(c.conversation)";
    const waiting = await countWhere(
      this.container,
      `c.state = 'pending' AND c.createdAt < @createdAt AND ${sameConversation}`,
      [
        { name: "@createdAt", value: item.createdAt },
        { name: "@conversation", value: "conversation" in item ? item.conversation.id : "" },
      ],
    );
    return waiting > 0;
  }

  /** Deletes a message record (the retention sweep: it may name the child). */
  async remove(id: string): Promise<void> {
    try {
      await storeCall((abortSignal) => this.container.item(id, id).delete({ abortSignal }));
    } catch (error) {
      if (!isCosmosError(error, 404)) throw error;
    }
  }

  /** Messages about a case (card updates, escalations, notices and questions to its referrer). */
  async aboutCase(reference: string): Promise<StoredOutboxItem[]> {
    const resources = await queryAll<Stored<unknown>>(this.container, {
      query: "SELECT * FROM c WHERE c.caseId = @reference OR CONTAINS(c.id, @key)",
      parameters: [
        { name: "@reference", value: reference },
        { name: "@key", value: `|${reference}|` },
      ],
    });
    return this.readable(resources);
  }

  /**
   * Immediate-danger alerts of referrals never submitted (no case) that still show their details,
   * whose draft ended (cancelled or expired: the alert's last change) before a time.
   */
  async endedAlertsWithDetails(endedBefore: Date): Promise<StoredOutboxItem[]> {
    const resources = await queryAll<Stored<unknown>>(this.container, {
      query:
        "SELECT * FROM c WHERE STARTSWITH(c.id, 'channel-card|danger-alert|') AND NOT IS_DEFINED(c.caseId) AND c.data.ended = true AND NOT IS_DEFINED(c.data.detailsRemoved) AND c.createdAt < @before",
      parameters: [{ name: "@before", value: endedBefore.toISOString() }],
    });
    return this.readable(resources);
  }

  /** How many escalations were raised since a time. */
  async escalationsSince(since: Date): Promise<number> {
    return countWhere(
      this.container,
      "STARTSWITH(c.id, 'channel-card|escalation|') AND c.createdAt >= @since",
      [{ name: "@since", value: since.toISOString() }],
    );
  }

  /** The escalations raised since a time: the case, the rule and level (from the key), and when. */
  async escalationsListSince(
    since: Date,
  ): Promise<{ caseId: string; rule: string; level: number; at: string }[]> {
    const resources = await queryAll<{ id: string; caseId: string; createdAt: string }>(this.container, {
      query:
        "SELECT c.id, c.caseId, c.createdAt FROM c WHERE STARTSWITH(c.id, 'channel-card|escalation|') AND c.createdAt >= @since",
      parameters: [{ name: "@since", value: since.toISOString() }],
    });
    // channel-card|escalation|<case>|<rule>|<level>|<clock start>
    return resources.map(({ id, caseId, createdAt }) => {
      const [, , , rule = "", level = "1"] = id.split("|");
      return { caseId, rule, level: Number(level), at: createdAt };
    });
  }

  async countByState(state: OutboxItem["state"]): Promise<number> {
    return countWhere(this.container, "c.state = @state", [{ name: "@state", value: state }]);
  }
}
