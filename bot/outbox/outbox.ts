import { outsideTurn } from "../store/deadline.js";
import { ConcurrencyError } from "../store/documents.js";
import type { OutboxStore, StoredOutboxItem } from "../store/outbox-store.js";
import {
  RetryableDeliveryError,
  retryDelayMs,
  type OutboxItem,
  type PersonalConversation,
} from "./outbox-item.js";

export type DeliveryResult = { readonly activityId?: string };

/** Sends one item to Teams. Throws RetryableDeliveryError for throttling and outages; any other error is final. */
export type Deliver = (item: OutboxItem) => Promise<DeliveryResult>;

export interface OutboxOptions {
  /** Delivery is retried until the item is this old (ms), then it is given up and counted in `status`. */
  readonly giveUpAfterMs?: number;
  /** At least this long between two sends to one conversation (Teams allows about 7 a second). */
  readonly conversationGapMs?: number;
  readonly claimMs?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly onError?: (item: OutboxItem, error: unknown) => void;
  /** False for a process that only queues (the command-line sweep): the bot's server delivers. */
  readonly delivers?: boolean;
}

/**
 * Every proactive post is stored here first and then delivered, with retry and backoff, by
 * whichever instance gets to it. Nothing lives only in memory: a restart picks up where the
 * last one stopped.
 */
export class Outbox {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly giveUpAfterMs: number;
  private readonly conversationGapMs: number;
  private readonly lastSent = new Map<string, number>();
  private readonly claimMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly deliver: Deliver,
    private readonly options: OutboxOptions = {},
  ) {
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.conversationGapMs = options.conversationGapMs ?? 150;
    this.claimMs = options.claimMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** Asks for the case's channel card to show its current state; pending requests for one case coalesce. */
  async showCaseCard(caseId: string): Promise<void> {
    const id = `case-card|${caseId}`;
    const at = this.now().toISOString();
    await this.store.update(id, (current) => {
      const waiting = current?.state === "pending" && !this.isClaimed(current);
      if (waiting) return undefined; // it will render the latest state when it goes
      return {
        ...(current ?? { id, kind: "case-card" as const, caseId, createdAt: at, revision: 0 }),
        state: "pending",
        attempts: 0,
        nextAttemptAt: at,
        // Queued afresh now: its age (for giving up) and its place in the channel's order start again.
        createdAt: at,
        revision: (current?.revision ?? 0) + 1,
      };
    });
    this.deliverSoon();
  }

  /** Posts a card of its own about a case to the channel once: `key` names the message, so asking twice posts once. */
  async postChannelCard(
    key: string,
    caseId: string,
    template: string,
    data?: Record<string, unknown>,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.store.add({
      id: `channel-card|${key}`,
      state: "pending",
      kind: "channel-card",
      caseId,
      template,
      ...(data ? { data } : {}),
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      revision: 1,
    });
    this.deliverSoon();
  }

  /** Sends a card to one person's personal chat once: `key` names the message, so asking twice sends once. */
  async postPersonalCard(
    key: string,
    conversation: PersonalConversation,
    template: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.store.add({
      id: `personal-card|${key}`,
      state: "pending",
      kind: "personal-card",
      conversation,
      template,
      data,
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      revision: 1,
    });
    this.deliverSoon();
  }

  /** Starts a delivery pass in the background if none is running (and another after it if asked meanwhile). */
  deliverSoon(): void {
    if (this.options.delivers === false) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // The pass outlives the turn that queued the item, so the turn's store budget is not its own.
    this.running = outsideTurn(async () => {
      do {
        this.again = false;
        try {
          await this.deliverDue();
        } catch (error) {
          this.options.onError?.({ id: "(pass)" } as OutboxItem, error);
        }
      } while (this.again);
    }).finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no delivery pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Delivers every item that is due now; returns how many were sent. */
  async deliverDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const due = (await this.store.due(this.now(), 100))
        .filter((item) => !this.isClaimed(item))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      // In order per conversation: a conversation whose older message is still waiting, or whose
      // message just failed, waits; the others carry on.
      const blocked = new Set<string>();
      const clear = new Set<string>();
      let progressed = false;
      for (const item of due) {
        const conversation = this.conversationOf(item);
        if (blocked.has(conversation)) continue;
        if (!clear.has(conversation)) {
          if (await this.store.earlierPending(item)) {
            blocked.add(conversation);
            continue;
          }
          clear.add(conversation);
        }
        progressed = true;
        if (await this.deliverOne(item)) sent += 1;
        else blocked.add(conversation);
      }
      if (!progressed) return sent;
    }
  }

  private conversationOf(item: OutboxItem): string {
    return item.kind === "personal-card" ? (item.conversation?.id ?? item.id) : "channel";
  }

  /** Keeps to Teams' pace for one conversation (in this instance; throttling answers 429 beyond it). */
  private async paced(item: OutboxItem): Promise<void> {
    const conversation = this.conversationOf(item);
    const wait = (this.lastSent.get(conversation) ?? 0) + this.conversationGapMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSent.set(conversation, Date.now());
  }

  private async deliverOne(item: StoredOutboxItem): Promise<boolean> {
    let claimed: StoredOutboxItem;
    try {
      claimed = await this.store.replace(
        { ...item, claimedUntil: new Date(this.now().getTime() + this.claimMs).toISOString() },
        item._etag,
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) return false; // another instance has it
      throw error;
    }
    try {
      await this.paced(claimed);
      const result = await this.deliver(claimed);
      await this.settle(claimed, (current) => ({
        ...current,
        state: "sent",
        sentAt: this.now().toISOString(),
        ...(result.activityId ? { activityId: result.activityId } : {}),
        claimedUntil: undefined,
        lastError: undefined,
      }));
      return true;
    } catch (error) {
      this.options.onError?.(claimed, error);
      const attempts = claimed.attempts + 1;
      const age = this.now().getTime() - new Date(claimed.createdAt).getTime();
      const retryable = error instanceof RetryableDeliveryError && age < this.giveUpAfterMs;
      const delay = retryDelayMs(
        attempts,
        this.random,
        error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined,
      );
      await this.settle(claimed, (current) => ({
        ...current,
        state: retryable ? "pending" : "failed",
        attempts,
        nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
        claimedUntil: undefined,
        lastError: error instanceof Error ? error.message : String(error),
      }));
      return false;
    }
  }

  private isClaimed(item: OutboxItem): boolean {
    return item.claimedUntil !== undefined && item.claimedUntil > this.now().toISOString();
  }

  /** Records the outcome; if the item was asked for again while it was being sent, it stays pending. */
  private async settle(
    claimed: StoredOutboxItem,
    change: (current: OutboxItem) => OutboxItem,
  ): Promise<void> {
    await this.store.update(claimed.id, (current) => {
      if (!current) return undefined;
      const next = change(current);
      if (current.revision === claimed.revision) return next;
      return {
        ...next,
        state: "pending",
        attempts: 0,
        nextAttemptAt: current.nextAttemptAt,
        lastError: undefined,
      };
    });
  }
}
