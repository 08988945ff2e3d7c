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

export interface DeliveryAttempt {
  /**
   * Called just before sending a post whose id must be kept: marks the item in doubt (one
   * write) until this delivery is recorded, so a crash in between is reconciled, not posted twice.
   * Throws (retryably) when it cannot be marked: then nothing is sent.
   */
  beforePost(): Promise<void>;
}

/** Sends one item to Teams. Throws RetryableDeliveryError for throttling and outages; any other error is final. */
export type Deliver = (item: OutboxItem, attempt: DeliveryAttempt) => Promise<DeliveryResult>;

export interface OutboxOptions {
  /** Delivery is retried until the item is this old (ms), then it is given up and counted in `status`. */
  readonly giveUpAfterMs?: number;
  /** At least this long between two sends to one conversation (Teams allows about 7 a second). */
  readonly conversationGapMs?: number;
  /** How long a claim holds without renewal; it is renewed while a delivery is in flight. */
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
  /** Outcomes sent to Teams that the store was away to record: recorded first on the next passes. */
  private readonly unrecorded = new Map<string, { claim: Claim; change: Change; tries: number }>();

  constructor(
    private readonly store: OutboxStore,
    private readonly deliver: Deliver,
    private readonly options: OutboxOptions = {},
  ) {
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.conversationGapMs = options.conversationGapMs ?? 150;
    this.claimMs = options.claimMs ?? 15_000;
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

  /**
   * Sends a card to one person's personal chat once: `key` names the message, so asking twice
   * sends once. With `updatesActivityId` the card replaces that message of theirs instead.
   */
  async postPersonalCard(
    key: string,
    conversation: PersonalConversation,
    template: string,
    data: Record<string, unknown>,
    updatesActivityId?: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.store.add({
      id: `personal-card|${key}`,
      state: "pending",
      kind: "personal-card",
      conversation,
      template,
      data,
      ...(updatesActivityId ? { updatesActivityId } : {}),
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
    await this.recordHeldOutcomes();
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
    const claim = await Claim.take(this.store, item, this.claimMs, this.now);
    if (!claim) return false; // another instance has it
    let outcome: Change;
    let sent = false;
    try {
      await this.paced(claim.item);
      const result = await this.deliver(claim.item, {
        beforePost: async () => {
          const marked = await claim
            .change((current) => ({ ...current, inDoubtSince: this.now().toISOString() }))
            .catch(() => false);
          if (!marked) throw new RetryableDeliveryError("the outbox could not record the post before it");
        },
      });
      sent = true;
      outcome = (current) => ({
        ...current,
        state: "sent",
        sentAt: this.now().toISOString(),
        ...(result.activityId ? { activityId: result.activityId } : {}),
        inDoubtSince: undefined,
        claimedUntil: undefined,
        lastError: undefined,
      });
    } catch (error) {
      this.options.onError?.(claim.item, error);
      const attempts = claim.item.attempts + 1;
      const age = this.now().getTime() - new Date(claim.item.createdAt).getTime();
      const retryable = error instanceof RetryableDeliveryError && age < this.giveUpAfterMs;
      const delay = retryDelayMs(
        attempts,
        this.random,
        error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined,
      );
      // A post in doubt stays in doubt: Teams may have taken it before the connection failed.
      outcome = (current) => ({
        ...current,
        state: retryable ? "pending" : "failed",
        attempts,
        nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
        claimedUntil: undefined,
        lastError: error instanceof Error ? error.message : String(error),
      });
    } finally {
      claim.stopRenewing();
    }
    await this.settle(claim, outcome);
    return sent;
  }

  /**
   * Records what the last passes could not, before anything else goes: an item whose outcome is
   * unrecorded still looks pending and would hold its conversation. Each is tried a few passes;
   * after that its claim has long lapsed and the item is delivered again (an in-doubt post is
   * looked for first). Throws while the store is away: nothing can go then.
   */
  private async recordHeldOutcomes(): Promise<void> {
    for (const [id, held] of this.unrecorded) {
      try {
        await held.claim.change(held.change);
        this.unrecorded.delete(id);
      } catch (error) {
        held.tries += 1;
        if (held.tries >= heldOutcomeTries) this.unrecorded.delete(id);
        throw error;
      }
    }
  }

  private isClaimed(item: OutboxItem): boolean {
    return item.claimedUntil !== undefined && item.claimedUntil > this.now().toISOString();
  }

  /**
   * Records the outcome and releases the claim; if the item was asked for again while it was
   * being sent, it stays pending. When the store is away, the outcome is held and recorded first
   * on the next pass (this one stops: nothing else can be recorded either).
   */
  private async settle(claim: Claim, change: Change): Promise<void> {
    const recorded: Change = (current) => {
      const next = change(current);
      if (current.revision === claim.item.revision) return next;
      return {
        ...next,
        state: "pending",
        attempts: 0,
        nextAttemptAt: current.nextAttemptAt,
        lastError: undefined,
      };
    };
    try {
      await claim.change(recorded);
    } catch (error) {
      this.unrecorded.set(claim.item.id, { claim, change: recorded, tries: 0 });
      throw error;
    }
  }
}

type Change = (current: OutboxItem) => OutboxItem;

/** How many passes an outcome the store could not take is held for (in memory) before it is let go. */
const heldOutcomeTries = 10;

/**
 * This instance's claim on an item while it delivers it: short, renewed while the delivery is in
 * flight, and every write under it (the in-doubt mark, the outcome) applies only while the claim
 * is still this one, so an instance that stalled past its claim cannot undo another's work.
 */
class Claim {
  private until: string | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly renewal: ReturnType<typeof setInterval>;

  private constructor(
    private readonly store: OutboxStore,
    readonly item: StoredOutboxItem,
    private readonly claimMs: number,
    private readonly now: () => Date,
  ) {
    this.until = item.claimedUntil;
    this.renewal = setInterval(() => {
      this.change((current) => ({ ...current, claimedUntil: this.expiry() })).catch(() => undefined);
    }, claimMs / 3);
    this.renewal.unref();
  }

  /** Claims the item as read (ETag-guarded); undefined if another instance changed or claimed it first. */
  static async take(
    store: OutboxStore,
    item: StoredOutboxItem,
    claimMs: number,
    now: () => Date,
  ): Promise<Claim | undefined> {
    try {
      const claimed = await store.replace(
        { ...item, claimedUntil: new Date(now().getTime() + claimMs).toISOString() },
        item._etag,
      );
      return new Claim(store, claimed, claimMs, now);
    } catch (error) {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    }
  }

  private expiry(): string {
    return new Date(this.now().getTime() + this.claimMs).toISOString();
  }

  /** Applies a change to the item if the claim is still this one (one write at a time); false if it is not. */
  change(change: Change): Promise<boolean> {
    const written = this.writes.then(async () => {
      let applied = false;
      const updated = await this.store.update(this.item.id, (current) => {
        applied = current !== undefined && current.claimedUntil === this.until;
        return applied && current ? change(current) : undefined;
      });
      if (applied) this.until = updated?.claimedUntil;
      return applied;
    });
    this.writes = written.catch(() => undefined);
    return written;
  }

  stopRenewing(): void {
    clearInterval(this.renewal);
  }
}
