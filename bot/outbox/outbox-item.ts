import { z } from "zod";

export const personalConversationSchema = z.object({
  id: z.string(),
  serviceUrl: z.string(),
  userId: z.string(),
  tenantId: z.string().optional(),
});
export type PersonalConversation = z.infer<typeof personalConversationSchema>;

/** A card's view as stored with its item: ids and words only, never a child's details past retention. */
const viewSchema = z.record(z.string(), z.unknown());

/** How an item is being delivered: the same for every kind. */
const delivery = {
  id: z.string(),
  state: z.enum(["pending", "sent", "failed"]),
  attempts: z.number().int(),
  /** Bumped each time the item is asked for again; delivery of an older revision leaves it pending. */
  revision: z.number().int(),
  nextAttemptAt: z.string(),
  /** Another instance is delivering it until then. */
  claimedUntil: z.string().optional(),
  /**
   * Whose claim it is (instance and attempt): every write under a claim checks this, which no
   * renewal changes, so a renewal that landed unanswered cannot make the claim look lost.
   */
  claimedBy: z.string().optional(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  /** The message Teams made of it: a card shown again is updated in place. */
  activityId: z.string().optional(),
  lastError: z.string().optional(),
};

/**
 * Set just before a post whose id must be kept (a case's first card, the danger alert) goes to
 * Teams, cleared when the delivery is recorded: a delivery that finds it set does not know
 * whether Teams took the earlier post, and looks for it in the channel before posting again.
 */
const inDoubtSince = z.string().optional();

/** Channel cards rendered from the case at delivery (its owner, status, the mentions). */
const caseCard = z.object({
  ...delivery,
  /** The case's own card, posted the first time and updated in place after (`activityId`). */
  kind: z.literal("case-card"),
  caseId: z.string(),
  inDoubtSince,
  /** The channel its message is in: when the CME channel moves (`setup`), the card is posted there afresh. */
  conversationId: z.string().optional(),
});
const urgent = z.object({
  ...delivery,
  /** An urgent case (on arrival, raised to urgent, a further high-risk referral): the managers are told. */
  kind: z.literal("urgent"),
  caseId: z.string(),
  template: z.literal("escalation-urgent"),
  /** Who raised it and since when, when it was not urgent on arrival. */
  data: z.object({ rule: z.string(), since: z.string() }).optional(),
});
const escalation = z.object({
  ...delivery,
  /** A clock passed: its owner and/or the managers are told. */
  kind: z.literal("escalation"),
  caseId: z.string(),
  template: z.literal("escalation"),
  data: z.object({
    title: z.string(),
    expects: z.string(),
    level: z.number(),
    dueSince: z.string(),
    notify: z.enum(["owner", "managers", "referrer"]),
  }),
});
const signOff = z.object({
  ...delivery,
  /** A closure waiting for a manager's sign-off, updated in place once decided. */
  kind: z.literal("sign-off"),
  caseId: z.string(),
  template: z.literal("closure-sign-off"),
  data: z.object({
    outcome: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decided: z.boolean(),
    decision: z.string(),
  }),
});

/** Channel cards whose view is stored with them. */
const dangerAlert = z.object({
  ...delivery,
  /** A referrer's "immediate danger": one card per draft, updated in place, the managers told. */
  kind: z.literal("danger-alert"),
  template: z.literal("danger-alert"),
  /** Its case once the draft is submitted. */
  caseId: z.string().optional(),
  data: viewSchema,
  inDoubtSince,
});
const digest = z.object({
  ...delivery,
  kind: z.literal("digest"),
  template: z.literal("digest"),
  data: viewSchema,
});
const dfeReturnNotice = z.object({
  ...delivery,
  kind: z.literal("dfe-return-notice"),
  template: z.literal("dfe-return-due"),
  data: viewSchema,
});
const redacted = z.object({
  ...delivery,
  /** A channel message shown again without the personal data it showed (retention). */
  kind: z.literal("redacted"),
  template: z.literal("retention-removed"),
  data: viewSchema,
  activityId: z.string(),
});

/** Cards to one person in their personal chat with the bot. */
const personal = {
  ...delivery,
  conversation: personalConversationSchema,
  data: viewSchema,
};
const draftReminder = z.object({
  ...personal,
  kind: z.literal("draft-reminder"),
  template: z.literal("referral-reminder"),
});
const draftExpired = z.object({
  ...personal,
  kind: z.literal("draft-expired"),
  template: z.literal("referral-expired"),
});
const submissionOutcome = z.object({
  ...personal,
  /** What became of a Submit the person did not see finish (a late answer, or the sweep finishing it). */
  kind: z.literal("submission-outcome"),
  template: z.enum(["referral-submitted", "referral-added", "referral-sending"]),
  /** The card they pressed Submit on, replaced by this one. */
  updatesActivityId: z.string().optional(),
});
const referrerNotice = z.object({
  ...personal,
  /** The referrer hears their case changed status. */
  kind: z.literal("referrer-notice"),
  template: z.literal("case-status-notice"),
});
const infoRequest = z.object({
  ...personal,
  /** The team's question to the referrer (and its reminders). */
  kind: z.literal("info-request"),
  template: z.literal("case-info-request"),
});

const members = [
  caseCard,
  urgent,
  escalation,
  signOff,
  dangerAlert,
  digest,
  dfeReturnNotice,
  redacted,
  draftReminder,
  draftExpired,
  submissionOutcome,
  referrerNotice,
  infoRequest,
] as const;

/** The card templates a member may show: its `template`'s one value or choices. */
function templatesOf(member: (typeof members)[number]): readonly string[] {
  if (!("template" in member.shape)) return [];
  const template = member.shape.template;
  return "options" in template ? template.options : [...template.values];
}

/** Which kind each card template is delivered as (old items named only the template). */
const kindOfTemplate: ReadonlyMap<string, OutboxItem["kind"]> = new Map(
  members.flatMap((member) => templatesOf(member).map((name) => [name, member.shape.kind.value] as const)),
);

/**
 * An item stored before the kinds (`case-card`, `channel-card`, `personal-card` with a template)
 * as the kind its template delivers; an escalation about a case stored without one was urgent.
 */
function migrated(stored: unknown): unknown {
  const old = stored as { kind?: unknown; template?: unknown; caseId?: unknown; data?: unknown };
  if (old?.kind !== "channel-card" && old?.kind !== "personal-card") return stored;
  const template = typeof old.template === "string" ? old.template : old.caseId ? "escalation-urgent" : "";
  const kind = kindOfTemplate.get(template);
  const { data, ...rest } = old;
  // An urgent card's stored view was nothing, or who raised it and since when.
  const keeps = kind !== "urgent" || (data && Object.keys(data).length > 0);
  return { ...rest, ...(keeps && data !== undefined ? { data } : {}), template, ...(kind ? { kind } : {}) };
}

export const outboxItemSchema = z.preprocess(migrated, z.discriminatedUnion("kind", members));
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The cards posted to the channel with a view of their own, each of one kind. */
export type ChannelTemplate = Extract<OutboxItem, { template: string; conversation?: never }>["template"];
/** The cards sent to a personal chat, each of one kind. */
export type PersonalTemplate = Extract<OutboxItem, { conversation: PersonalConversation }>["template"];

/** The kind of item a card template is delivered as. */
export function kindOf(template: ChannelTemplate | PersonalTemplate): OutboxItem["kind"] {
  const kind = kindOfTemplate.get(template);
  if (!kind) throw new Error(`no kind of outbox item shows the card '${template}'`);
  return kind;
}

/** Where an item goes: a person's chat, or the CME channel (messages to one conversation go in order). */
/** An item that changes a message already shown (a card updated in place) rather than posting one. */
export function updatesInPlace(item: OutboxItem): boolean {
  return (
    ("activityId" in item && item.activityId !== undefined) ||
    ("updatesActivityId" in item && item.updatesActivityId !== undefined)
  );
}

export function conversationOf(item: OutboxItem): string {
  return "conversation" in item ? item.conversation.id : "channel";
}

export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    /** What the far side asked for (Retry-After), if anything. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "RetryableDeliveryError";
  }
}

/** Exponential backoff with full jitter, capped: attempt 1 waits up to 2 s, attempt 8 up to ~4 min. */
export function retryDelayMs(attempts: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(2000 * 2 ** (attempts - 1), 15 * 60_000);
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
