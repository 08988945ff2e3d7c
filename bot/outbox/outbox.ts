import { rememberingWrites } from "./remembered-writes.js";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { isUnreachable, outsideTurn } from "../store/deadline.js";
import { ConcurrencyError } from "../concurrency.js";
import type { OutboxRepository, StoredOutboxItem } from "./outbox-repository.js";
import {
  conversationOf,
  updatesInPlace,
  kindOf,
  outboxItemSchema,
  RetryableDeliveryError,
  retryDelayMs,
  type OutboxItem,
  type PersonalConversation,
  type PersonalTemplate,
} from "./outbox-item.js";

/** The message Teams made (or updated), and the conversation it is in when that is kept. */
export type DeliveryResult = { readonly activityId?: string; readonly conversationId?: string };

export interface DeliveryAttempt {
  /**
   * Called just before sending a post whose id must be kept: marks the item in doubt (one
   * write) until this delivery is recorded, so a crash in between is reconciled, not posted twice.
   * Throws (retryably) when it cannot be marked: then nothing is sent.
   */
  beforePost(): Promise<void>;
}

/**
 * Sends one item to Teams. Throws RetryableDeliveryError for throttling and outages (a store that
 * does not answer is one too); any other error is final.
 */
export type Deliver = (item: OutboxItem, attempt: DeliveryAttempt) => Promise<DeliveryResult>;

export interface OutboxOptions {
  /** Delivery is retried until the item is this old (ms), then it is given up and counted in `status`. */
  readonly giveUpAfterMs?: number;
  /** At least this long between two sends to one conversation (Teams allows about 7 a second). */
  readonly conversationGapMs?: number;
  /**
   * How long a claim holds without renewal; it is renewed while a delivery is in flight, and one
   * delivery may take this long: then it is given up (in doubt) and retried.
   */
  readonly claimMs?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly onError?: (item: OutboxItem, error: unknown) => void;
  /** False for a process that only queues (the command-line sweep): the bot's server delivers. */
  readonly delivers?: boolean;
  /** When a delivery pass may start (after the answer of the turn that queued it): at once if not given. */
  readonly startsAfter?: (start: () => void) => void;
}

/**
 * Every proactive post is stored here first and then delivered, with retry and backoff, by
 * whichever instance gets to it. Nothing lives only in memory: a restart picks up where the
 * last one stopped.
 */
export class Outbox {
  private readonly store: OutboxRepository;
  private running: Promise<void> | undefined;
  private again = false;
  private wholePassWanted = false;
  /** Items this instance queued already claimed, delivered first by the next pass without asking the store. */
  private readonly fresh: Claim[] = [];
  /** Passes asked for in turns that have not answered yet: they start once the turn has. */
  private readonly waitingToStart = new Set<Promise<void>>();
  private readonly giveUpAfterMs: number;
  private readonly conversationGapMs: number;
  private readonly lastSent = new Map<string, number>();
  private readonly claimMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  /** Queueing a turn asked for and the store refused, by key: tried again at the start of each pass. */
  private readonly owed = new Map<string, () => Promise<void>>();
  /** Outcomes sent to Teams that the store was away to record: recorded first on the next passes. */
  private readonly unrecorded = new Map<string, { claim: Claim; change: Change; tries: number }>();
  /** The last `createdAt` this instance gave, and the clock then (ms): see `queuedAt`. */
  private lastCreatedAt = 0;
  private lastClock = 0;

  constructor(
    store: OutboxRepository,
    private readonly deliver: Deliver,
    private readonly options: OutboxOptions = {},
  ) {
    this.store = rememberingWrites(store);
    this.giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
    this.conversationGapMs = options.conversationGapMs ?? 150;
    this.claimMs = options.claimMs ?? 15_000;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** Asks for the case's channel card to show its current state; pending requests for one case coalesce. */
  async showCaseCard(caseId: string): Promise<void> {
    const id = `case-card|${caseId}`;
    await this.queue(id, (current, at) => {
      const waiting = current?.state === "pending" && !claimLive(current, this.now());
      if (waiting) return undefined; // it will render the latest state when it goes
      return { ...(current ?? { id, kind: "case-card", caseId }), ...queuedAfresh(current, at) };
    });
  }

  /**
   * A new case's first card: stored without reading first (nothing can be there yet). A retried
   * submission whose card is there already asks for it afresh instead.
   */
  async showNewCaseCard(caseId: string): Promise<void> {
    const created = await this.add({ id: `case-card|${caseId}`, kind: "case-card", caseId }, true);
    if (!created) await this.showCaseCard(caseId);
  }

  /** Posts a card of its own to the channel once (about a case, or none: ""): `key` names the message, so asking twice posts once. */
  async postChannelCard(
    key: string,
    caseId: string,
    template: "escalation-urgent" | "escalation" | "digest" | "dfe-return-due",
    data?: Record<string, unknown>,
  ): Promise<void> {
    await this.add({
      id: `channel-card|${key}`,
      kind: kindOf(template),
      template,
      ...(caseId ? { caseId } : {}),
      ...(data ? { data } : {}),
    });
  }

  /**
   * Shows a channel card of its own whose view is stored with it (`data`): posted the first time,
   * updated in place after (its `activityId`). Asking again with another view queues the update;
   * with the same view (and case) it does nothing, so it is safe to ask at every change; nor when
   * `keeps` says the stored view must stay.
   */
  async showChannelCard(
    key: string,
    template: "closure-sign-off" | "danger-alert",
    data: Record<string, unknown>,
    caseId?: string,
    { keeps }: { keeps?: (shown: Record<string, unknown>) => boolean } = {},
  ): Promise<void> {
    const id = `channel-card|${key}`;
    await this.queue(id, (current, at) => {
      const shown = current && "data" in current ? current.data : undefined;
      const shownCase = current && "caseId" in current ? current.caseId : undefined;
      if (current && isDeepStrictEqual(shown, data) && shownCase === caseId) return undefined;
      if (shown && keeps?.(shown)) return undefined;
      return {
        ...(current ?? { id }),
        kind: kindOf(template),
        template,
        data,
        ...(caseId ? { caseId } : {}),
        ...queuedAfresh(current, at),
      };
    });
  }

  /**
   * Shows a channel message again without the personal data it showed (retention): updated in
   * place to this view through the outbox, the item keeping nothing else (no case, no earlier
   * view); a message never posted (no id) is dropped instead, as nothing of it is in the channel.
   * The immediate-danger alert stays one (its view says its details were removed).
   */
  async redactChannelMessage(
    item: OutboxItem,
    template: "retention-removed" | "danger-alert",
    data: Record<string, unknown>,
    activityId = item.activityId,
  ): Promise<void> {
    if (!activityId) {
      await this.store.remove(item.id);
      return;
    }
    await this.queue(item.id, (current, at) => ({
      id: item.id,
      kind: kindOf(template),
      template,
      data,
      activityId,
      ...queuedAfresh(current, at),
    }));
  }

  /**
   * Sends a card to one person's personal chat once: `key` names the message, so asking twice
   * sends once. With `updatesActivityId` (a submission's outcome) the card replaces that message of theirs instead.
   */
  async postPersonalCard(
    key: string,
    conversation: PersonalConversation,
    template: PersonalTemplate,
    data: Record<string, unknown>,
    updatesActivityId?: string,
  ): Promise<void> {
    await this.add({
      id: `personal-card|${key}`,
      kind: kindOf(template),
      conversation,
      template,
      data,
      ...(updatesActivityId ? { updatesActivityId } : {}),
    });
  }

  /**
   * When an item is queued: due now, and created never at the same millisecond as the item
   * queued before it here. The order rule compares `createdAt` (an item waits for older ones of
   * its conversation), so two messages to one chat queued within a millisecond (a sweep's loop,
   * a clock that stands still) would otherwise go in either order. A clock set back by more than
   * a second is taken as it reads, so ages (for giving up) and times shown are not counted from
   * a moment still to come.
   */
  private queuedAt(): QueuedAt {
    const now = this.now().getTime();
    const steppedBack = now < this.lastClock - sameMomentMs;
    this.lastCreatedAt = steppedBack ? now : Math.max(now, this.lastCreatedAt + 1);
    this.lastClock = now;
    return { at: new Date(now).toISOString(), createdAt: new Date(this.lastCreatedAt).toISOString() };
  }

  /** A claim on a new item for this instance, which delivers it at once (none when it only queues). */
  private claimOnQueueing(id: string): { claimedUntil: string; claimedBy: string } | undefined {
    if (this.options.delivers === false || this.unrecorded.has(id)) return undefined;
    return {
      claimedUntil: new Date(this.now().getTime() + this.claimMs).toISOString(),
      claimedBy: claimToken(),
    };
  }

  /** Stores a new message (checked against its kind), claimed by this instance, and delivers it; asked twice, once. */
  private async add(
    message: Record<string, unknown> & { id: string },
    firstAboutItsCase = false,
  ): Promise<boolean> {
    const { at, createdAt } = this.queuedAt();
    const item = outboxItemSchema.parse({
      ...message,
      state: "pending",
      attempts: 0,
      nextAttemptAt: at,
      createdAt,
      revision: 1,
      ...this.claimOnQueueing(message.id),
    });
    const stored = await this.store.add(item);
    this.deliverQueued(stored, item.claimedBy, firstAboutItsCase);
    return stored !== undefined;
  }

  /**
   * Changes an item (`change` returns the item without its delivery claim, or undefined to leave
   * it); claimed by this instance unless another delivery holds it (that one leaves it pending:
   * it was asked for again), so this instance delivers it at once.
   */
  private async queue(
    id: string,
    change: (current: StoredOutboxItem | undefined, at: QueuedAt) => Record<string, unknown> | undefined,
  ): Promise<void> {
    const at = this.queuedAt();
    const claim = this.claimOnQueueing(id);
    let changed = false;
    const stored = await this.store.update(id, (current) => {
      const next = change(current, at);
      changed = next !== undefined;
      if (!next) return undefined;
      const heldElsewhere = current !== undefined && claimLive(current, this.now());
      return outboxItemSchema.parse(heldElsewhere || !claim ? next : { ...next, ...claim });
    });
    if (changed) this.deliverQueued(stored, claim?.claimedBy);
    else this.deliverSoon();
  }

  /** Delivers an item just queued: at once when this instance's claim is on it, else at the next pass. */
  private deliverQueued(
    stored: StoredOutboxItem | undefined,
    token: string | undefined,
    firstAboutItsCase = false,
  ): void {
    if (stored && token && stored.claimedBy === token) {
      this.fresh.push(Claim.held(this.store, stored, this.claimMs, this.now, firstAboutItsCase));
      this.startPass(false);
    } else this.deliverSoon();
  }

  /**
   * Has the next passes (the interval's, within seconds) try `queue` again until it works: for
   * queueing the store refused during a turn that must not wait for it. In memory only, so the
   * caller keeps a backstop for a restart; a later `owe` with the key replaces the earlier.
   */
  owe(key: string, queue: () => Promise<void>): void {
    this.owed.set(key, queue);
  }

  /** Whether queueing under this key is still owed (it failed and no pass has done it yet). */
  owes(key: string): boolean {
    return this.owed.has(key);
  }

  private async queueOwed(): Promise<void> {
    for (const [key, queue] of this.owed) {
      try {
        await queue();
        if (this.owed.get(key) === queue) this.owed.delete(key);
      } catch (error) {
        this.options.onError?.({ id: key } as OutboxItem, error);
      }
    }
  }

  /** Starts a delivery pass over everything due in the background if none is running (and another after it if asked meanwhile). */
  deliverSoon(): void {
    this.startPass(true);
  }

  /**
   * Starts a pass in the background: the items this instance queued claimed first, then (`whole`,
   * or when one of them had to wait) everything due. Only the whole pass asks the store what is
   * due: after a turn the outbox knows what it queued.
   */
  private startPass(whole: boolean): void {
    if (this.options.delivers === false) return;
    const { startsAfter } = this.options;
    if (!startsAfter) return this.startPassNow(whole);
    let started = () => {};
    const waiting = new Promise<void>((resolve) => (started = resolve));
    this.waitingToStart.add(waiting);
    startsAfter(() => {
      this.waitingToStart.delete(waiting);
      this.startPassNow(whole);
      started();
    });
  }

  private startPassNow(whole: boolean): void {
    if (whole) this.wholePassWanted = true;
    if (this.running) {
      this.again = true;
      return;
    }
    // The pass outlives the turn that queued the item, so the turn's store budget is not its own.
    this.running = outsideTurn(async () => {
      do {
        this.again = false;
        try {
          await this.queueOwed();
          await this.recordHeldOutcomes();
          await this.deliverQueuedClaims();
          if (this.wholePassWanted) {
            this.wholePassWanted = false;
            await this.deliverDue();
          }
        } catch (error) {
          this.options.onError?.({ id: "(pass)" } as OutboxItem, error);
          // The store stopped answering: what this instance holds is let go (its claims lapse),
          // and the interval's passes deliver it once the store is back, not this loop at once.
          for (const claim of this.fresh.splice(0)) claim.stopRenewing();
        }
      } while (this.again || this.fresh.length > 0);
    }).finally(() => {
      this.running = undefined;
    });
  }

  /**
   * Delivers the items this instance queued and claimed, in order: each conversation is asked
   * once whether an older message of its is still waiting (then its items are let go for the
   * whole pass, which keeps the order); after a failure the rest of that conversation waits.
   */
  private async deliverQueuedClaims(): Promise<void> {
    const blocked = new Set<string>();
    const clear = new Set<string>();
    for (let claim = this.fresh.shift(); claim; claim = this.fresh.shift()) {
      const conversation = conversationOf(claim.item);
      // A claim whose renewals failed may have lapsed while it waited: another instance may have
      // taken the item (by its ETag). It goes to the whole pass, which takes it afresh (or not),
      // and what follows it in its conversation waits for it there.
      if (!claim.holdsFor(this.claimMs / 3)) {
        claim.stopRenewing();
        blocked.add(conversation);
        this.wholePassWanted = true;
        continue;
      }
      // No older message can need to go first: a card updated in place shows what is current
      // now, and nothing about a new case is waiting before its own first card (posts about other
      // cases keep no order with it). The store is not asked.
      const keepsNoOrder = updatesInPlace(claim.item) || claim.firstAboutItsCase;
      if (!keepsNoOrder && !blocked.has(conversation) && !clear.has(conversation)) {
        try {
          if (await this.store.earlierPending(claim.item)) blocked.add(conversation);
          else clear.add(conversation);
        } catch (error) {
          claim.stopRenewing();
          throw error;
        }
      }
      if (blocked.has(conversation)) {
        claim.stopRenewing();
        await claim.change(released).catch(() => false);
        this.wholePassWanted = true;
        continue;
      }
      if (!(await this.deliverClaimed(claim))) blocked.add(conversation);
    }
  }

  /** Resolves when no delivery pass is running. */
  async idle(): Promise<void> {
    while (this.running || this.waitingToStart.size > 0) {
      await Promise.all(this.waitingToStart);
      if (this.running) await this.running;
    }
  }

  /** Delivers every item that is due now; returns how many were sent. */
  async deliverDue(): Promise<number> {
    await this.recordHeldOutcomes();
    let sent = 0;
    for (;;) {
      const due = (await this.store.due(this.now(), 100))
        .filter((item) => !claimLive(item, this.now()) && !this.unrecorded.has(item.id))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      // In order per conversation: a conversation whose older message is still waiting, or whose
      // message just failed, waits; the others carry on.
      const blocked = new Set<string>();
      const clear = new Set<string>();
      let progressed = false;
      for (const item of due) {
        const conversation = conversationOf(item);
        if (blocked.has(conversation)) continue;
        if (!clear.has(conversation)) {
          if (await this.store.earlierPending(item)) {
            blocked.add(conversation);
            continue;
          }
          clear.add(conversation);
        }
        progressed = true;
        const claim = await Claim.take(this.store, item, this.claimMs, this.now);
        // Another instance has it, or it failed: that conversation waits.
        if (claim && (await this.deliverClaimed(claim))) sent += 1;
        else blocked.add(conversation);
      }
      if (!progressed) return sent;
    }
  }

  /** Keeps to Teams' pace for one conversation (in this instance; throttling answers 429 beyond it). */
  private async paced(item: OutboxItem): Promise<void> {
    const conversation = conversationOf(item);
    const wait = (this.lastSent.get(conversation) ?? 0) + this.conversationGapMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSent.set(conversation, Date.now());
  }

  /** Sends one claimed item and records the outcome; true when it was sent and recorded. */
  private async deliverClaimed(claim: Claim): Promise<boolean> {
    let outcome: Change;
    let sent = false;
    try {
      await this.paced(claim.item);
      const delivery = this.deliver(claim.item, {
        beforePost: async () => {
          const marked = await claim
            .change((current) => ({ ...current, inDoubtSince: this.now().toISOString() }))
            .catch(() => false);
          if (!marked) throw new RetryableDeliveryError("the outbox could not record the post before it");
        },
      });
      const result = await withinDeadline(delivery, this.claimMs);
      sent = true;
      outcome = (current) => ({
        ...current,
        state: "sent",
        sentAt: this.now().toISOString(),
        ...(result.activityId ? { activityId: result.activityId } : {}),
        ...(result.conversationId ? { conversationId: result.conversationId } : {}),
        inDoubtSince: undefined,
        claimedUntil: undefined,
        claimedBy: undefined,
        lastError: undefined,
      });
    } catch (error) {
      this.options.onError?.(claim.item, error);
      const attempts = claim.item.attempts + 1;
      const age = this.now().getTime() - new Date(claim.item.createdAt).getTime();
      // A store that does not answer (reading the case, say) is passing, as a Teams outage is.
      const transient = error instanceof RetryableDeliveryError || isUnreachable(error);
      const retryable = transient && age < this.giveUpAfterMs;
      const delay = retryDelayMs(
        attempts,
        this.random,
        error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined,
      );
      // A post in doubt stays in doubt: Teams may have taken it before the connection failed, or
      // may still answer a send given up at its deadline.
      outcome = (current) => ({
        ...current,
        state: retryable ? "pending" : "failed",
        attempts,
        nextAttemptAt: new Date(this.now().getTime() + delay).toISOString(),
        claimedUntil: undefined,
        claimedBy: undefined,
        lastError: error instanceof Error ? error.message : String(error),
      });
    } finally {
      claim.stopRenewing();
    }
    return (await this.settle(claim, outcome)) && sent;
  }

  /**
   * Records what the last passes could not, before anything else goes: an item whose outcome is
   * unrecorded still looks pending and would hold its conversation (this instance does not send
   * it again meanwhile). Each is tried a few passes; after that the item is let go (and logged)
   * and delivered again (an in-doubt post is looked for first). Throws while the store is away:
   * nothing can go then.
   */
  private async recordHeldOutcomes(): Promise<void> {
    for (const [id, held] of this.unrecorded) {
      let recorded = false;
      try {
        recorded = await held.claim.changeUnlessTaken(held.change, this.now());
      } finally {
        if (recorded) this.unrecorded.delete(id);
        else if (++held.tries >= heldOutcomeTries) {
          this.unrecorded.delete(id);
          this.options.onError?.(held.claim.item, new Error("its outcome could not be recorded: let go"));
        }
      }
    }
  }

  /**
   * Records the outcome and releases the claim; if the item was asked for again while it was
   * being sent, it stays pending. When the store is away, or another instance took the item over
   * meanwhile, the outcome is held and recorded first on the next passes (when the store is away
   * this one stops: nothing else can be recorded either). False when it was not recorded.
   */
  private async settle(claim: Claim, change: Change): Promise<boolean> {
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
    let applied = false;
    try {
      applied = await claim.change(recorded);
    } finally {
      if (!applied) this.unrecorded.set(claim.item.id, { claim, change: recorded, tries: 0 });
    }
    if (!applied)
      this.options.onError?.(
        claim.item,
        new Error("its claim was taken over (or the item removed): outcome held"),
      );
    return applied;
  }
}

/** Whether an instance's claim on the item still holds at `now`. */
function claimLive(item: OutboxItem, now: Date): boolean {
  return item.claimedUntil !== undefined && item.claimedUntil > now.toISOString();
}

/**
 * A send Teams took and never answers would hold the item (its claim renewed) and this
 * instance's passes for ever: after `ms` it is given up, retryably (left in doubt, if marked so).
 */
export async function withinDeadline<T>(delivery: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RetryableDeliveryError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([delivery, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

type Change = (current: OutboxItem) => OutboxItem;

/** How far a clock may step back and still be read as standing still (ms): see `Outbox.queuedAt`. */
const sameMomentMs = 1000;

/** How many passes an outcome the store could not take is held for (in memory) before it is let go. */
const heldOutcomeTries = 10;

/** This process, in claim tokens (each attempt adds its own id). */
const instance = `${hostname()}:${process.pid}`;

/** A claim's token: this process and a fresh id, so each attempt's writes know their own claim. */
function claimToken(): string {
  return `${instance}/${randomUUID()}`;
}

/** The item with no claim on it: another pass may take it. */
const released: Change = (current) => ({ ...current, claimedUntil: undefined, claimedBy: undefined });

/**
 * This instance's claim on an item while it delivers it: short, renewed while the delivery is in
 * flight, and every write under it (the in-doubt mark, the outcome) applies only while the claim
 * is still this one (its token, `claimedBy`), so an instance that stalled past its claim cannot
 * undo another's work.
 */
class Claim {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly renewal: ReturnType<typeof setInterval>;
  /** The item as this claim last wrote it: the next write is made against its ETag, without reading it first. */
  private latest: StoredOutboxItem;

  private constructor(
    private readonly store: OutboxRepository,
    readonly item: StoredOutboxItem,
    private readonly claimMs: number,
    private readonly now: () => Date,
    /** A new case's first card, just queued: nothing about its case can be waiting before it. */
    readonly firstAboutItsCase = false,
  ) {
    this.latest = item;
    this.renewal = setInterval(() => {
      this.change((current) => ({ ...current, claimedUntil: this.expiry() })).catch(() => undefined);
    }, claimMs / 3);
    this.renewal.unref();
  }

  /** Claims the item as read (ETag-guarded); undefined if another instance changed or claimed it first. */
  static async take(
    store: OutboxRepository,
    item: StoredOutboxItem,
    claimMs: number,
    now: () => Date,
  ): Promise<Claim | undefined> {
    try {
      const claimed = await store.replace(
        {
          ...item,
          claimedUntil: new Date(now().getTime() + claimMs).toISOString(),
          claimedBy: claimToken(),
        },
        item._etag,
      );
      return new Claim(store, claimed, claimMs, now);
    } catch (error) {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    }
  }

  /** The claim an item was stored with (this instance queued it claimed). */
  static held(
    store: OutboxRepository,
    item: StoredOutboxItem,
    claimMs: number,
    now: () => Date,
    firstAboutItsCase: boolean,
  ): Claim {
    return new Claim(store, item, claimMs, now, firstAboutItsCase);
  }

  /** Whether this claim, as last written, still holds for at least `ms` more. */
  holdsFor(ms: number): boolean {
    return claimLive(this.latest, new Date(this.now().getTime() + ms));
  }

  private expiry(): string {
    return new Date(this.now().getTime() + this.claimMs).toISOString();
  }

  /** Applies a change to the item if the claim is still this one (one write at a time); false if it is not. */
  change(change: Change): Promise<boolean> {
    return this.write(change, (current) => current.claimedBy === this.item.claimedBy);
  }

  /**
   * Applies a held outcome: under this claim, or once nobody's claim holds the item and it is
   * still pending (another instance's delivery of it failed or stopped); false while it is taken.
   */
  changeUnlessTaken(change: Change, now: Date): Promise<boolean> {
    return this.write(
      change,
      (current) =>
        current.claimedBy === this.item.claimedBy ||
        (current.state === "pending" && !claimLive(current, now)),
    );
  }

  private write(change: Change, applies: (current: OutboxItem) => boolean): Promise<boolean> {
    const written = this.writes.then(async () => {
      const known = this.latest;
      if (applies(known)) {
        try {
          this.latest = await this.store.replace(change(known), known._etag);
          return true;
        } catch (error) {
          // Someone wrote it since (asked for again, say): read it and apply the change to that.
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
      let applied = false;
      const stored = await this.store.update(this.item.id, (current) => {
        applied = current !== undefined && applies(current);
        return applied && current ? change(current) : undefined;
      });
      if (applied && stored) this.latest = stored;
      return applied;
    });
    this.writes = written.catch(() => undefined);
    return written;
  }

  stopRenewing(): void {
    clearInterval(this.renewal);
  }
}

/**
 * An item asked for again: pending now, its attempts from zero, and its age (for giving up) and
 * its place in the conversation's order starting again; a new revision, so a delivery of the
 * older one leaves it pending.
 */
/** When an item was queued: due from `at`, ordered by `createdAt` (`Outbox.queuedAt`). */
interface QueuedAt {
  readonly at: string;
  readonly createdAt: string;
}

function queuedAfresh(current: { readonly revision: number } | undefined, { at, createdAt }: QueuedAt) {
  return {
    state: "pending" as const,
    attempts: 0,
    nextAttemptAt: at,
    createdAt,
    revision: (current?.revision ?? 0) + 1,
  };
}
