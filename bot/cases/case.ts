import { z } from "zod";
import { ruleIds } from "../escalations/policy.js";
import { personSchema } from "../shared/person.js";
import {
  dfeReasonChoices,
  jointEnquiriesDecisionChoices,
  officerEnquiryChoices,
  outcomeChoices,
  referralOnChoices,
  referralOnLawfulBasis,
  s2sResultChoices,
  sharedChoices,
} from "./choices.js";
import { submittedReferralSchema } from "../referrals/submitted-referral.js";
import { valuesOf } from "../shared/choice.js";

export const caseStatuses = [
  "new",
  "in_progress",
  "info_requested",
  "located",
  "tracking",
  "closed",
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const statusTitles: Record<CaseStatus, string> = {
  new: "New",
  in_progress: "In progress",
  info_requested: "Information requested",
  located: "Located",
  tracking: "Tracking",
  closed: "Closed",
};

export const caseEventTypes = [
  "submitted",
  "further-referral",
  "assigned",
  "unassigned",
  "triaged",
  "status-changed",
  "info-requested",
  "info-answered",
  "enquiry-logged",
  "referred-on",
  "note",
  "closure-requested",
  "closure-declined",
  "closed",
  "reopened",
  "shared",
  "anonymised",
  "joint-enquiries-decided",
  "priority-changed",
  "referral-on-outcome",
  "reached-school-age",
] as const;
export type CaseEventType = (typeof caseEventTypes)[number];

const outcomeSchema = z.enum(valuesOf(outcomeChoices));

/** One change to a case: who, when, what, and before → after (the audit trail). */
export const caseEventSchema = z.object({
  at: z.string(),
  by: personSchema,
  type: z.enum(caseEventTypes),
  from: z.string().optional(),
  to: z.string().optional(),
  /** Why, or what was recorded, in the words of the person who did it. */
  reason: z.string().optional(),
  /** What the reports read as values, not words: the DfE reason and CME start date recorded … */
  dfeReason: z.enum(valuesOf(dfeReasonChoices)).optional(),
  cmeStartDate: z.string().optional(),
  /** … and the outcome a case closed with. */
  outcome: outcomeSchema.optional(),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;

/** An entry of the council's enquiry log. */
const enquiryLogEntrySchema = z.object({
  at: z.string(),
  by: personSchema,
  type: z.enum(valuesOf(officerEnquiryChoices)),
  date: z.string(),
  contacted: z.string(),
  outcome: z.string(),
  /** An S2S / Lost Pupil Database search's result (entries logged before results were kept have none). */
  s2sResult: z.enum(valuesOf(s2sResultChoices)).optional(),
  /** Where the search found the child's record: the school and its local authority. */
  foundSchool: z.string().optional(),
  foundLa: z.string().optional(),
});
export type EnquiryLogEntry = z.infer<typeof enquiryLogEntrySchema>;

/**
 * A referral of the case on to another service: a share, recorded whole (what, why, on which
 * basis). Referrals on recorded before that have no id, `shared`, `why` or `lawfulBasis`.
 */
const referralOnSchema = z.object({
  /** 1, 2, … in the order recorded (an older entry's is its place in the list: `referralOnId`). */
  id: z.string().optional(),
  at: z.string(),
  by: personSchema,
  service: z.enum(valuesOf(referralOnChoices)),
  date: z.string(),
  reference: z.string().optional(),
  outcome: z.string().optional(),
  shared: z.array(z.enum(valuesOf(sharedChoices))).optional(),
  why: z.string().optional(),
  lawfulBasis: z.literal(referralOnLawfulBasis.value).optional(),
});
export type ReferralOn = z.infer<typeof referralOnSchema>;

/** A referral on's id: its own, or (recorded before ids) its place in the list, which never changes. */
export const referralOnId = (entry: ReferralOn, index: number): string => entry.id ?? String(index + 1);

/** A question put to the referrer, and their answer once given. */
const infoRequestSchema = z.object({
  id: z.string(),
  askedAt: z.string(),
  askedBy: personSchema,
  question: z.string(),
  answer: z.string().optional(),
  answeredAt: z.string().optional(),
});
export type InfoRequest = z.infer<typeof infoRequestSchema>;

/** The outcome a case closes with (or is waiting for a manager to sign off). */
const closureSchema = z.object({
  outcome: outcomeSchema,
  detail: z.string().optional(),
  by: personSchema,
  at: z.string(),
  /** When an officer asked for a closure a manager then signed off (`at` is the sign-off). */
  requestedAt: z.string().optional(),
  signedOffBy: personSchema.optional(),
});
export type Closure = z.infer<typeof closureSchema>;

/**
 * The joint-enquiries decision, as recorded (the history keeps every one): deletion agreed with the
 * school under reg 9(1)(h) or (i) and on which date, or the case kept open and why. Stops that clock.
 */
const jointEnquiriesDecisionSchema = z.object({
  decision: z.enum(valuesOf(jointEnquiriesDecisionChoices)),
  /** The date deletion was agreed with the school (a deletion). */
  agreedOn: z.string().optional(),
  /** Why the case stays open (keep on roll / keep enquiring). */
  reason: z.string().optional(),
  by: personSchema,
  at: z.string(),
});
export type JointEnquiriesDecisionRecord = z.infer<typeof jointEnquiriesDecisionSchema>;

/** One level of one escalation rule and when it falls due (the rule's clock as the case stands). */
const clockLevelSchema = z.object({ rule: z.enum(ruleIds), level: z.number().int(), at: z.string() });
export type ClockLevel = z.infer<typeof clockLevelSchema>;

/** The submitted referral and its casework. */
export const caseSchema = submittedReferralSchema.extend({
  status: z.enum(caseStatuses),
  owner: personSchema.optional(),
  /** Recorded at triage; required to leave `new`. */
  dfeReason: z.enum(valuesOf(dfeReasonChoices)).optional(),
  cmeStartDate: z.string().optional(),
  enquiryLog: z.array(enquiryLogEntrySchema).default([]),
  referralsOn: z.array(referralOnSchema).default([]),
  infoRequests: z.array(infoRequestSchema).default([]),
  /** An officer closed with an outcome that needs a manager's sign-off: not closed until then. */
  pendingClosure: closureSchema.optional(),
  /** The joint-enquiries decision for this opening of the case (reopening clears it, the history keeps it). */
  jointEnquiriesDecision: jointEnquiriesDecisionSchema.optional(),
  /** How the case closed (the latest closure; reopening clears it, the history keeps it). */
  closure: closureSchema.optional(),
  /**
   * An early-years case that became school-age when the child reached compulsory school age
   * (`on`, the legal date) at the sweep (`at`); its referral stays the early-years form.
   */
  reachedSchoolAge: z.object({ on: z.string(), at: z.string() }).optional(),
  /** Set when the retention sweep removed the personal data (the case is kept for statistics). */
  anonymisedAt: z.string().optional(),
  /** The escalations raised for this case (their keys): each is raised once. */
  escalated: z.array(z.string()).optional(),
  /**
   * Every level of every clock running on the case, by time (kept at every write): what is
   * overdue is listed from these few fields, never by reading whole cases.
   */
  clockLevels: z.array(clockLevelSchema).optional(),
  /** When a clock of the escalation policy next falls due (none when no rule applies). */
  nextCheckAt: z.string().optional(),
  /** Every change, oldest first (the audit trail). */
  events: z.array(caseEventSchema),
  /**
   * Where the case's card was posted, as deliveries before the outbox kept it: read (the card is
   * updated, not posted again), never written; the id is now on the case's `case-card` outbox item.
   */
  channelMessage: z.object({ conversationId: z.string(), activityId: z.string() }).optional(),
  /**
   * Changes since `since` owe posts (the case card, a sign-off request or its decision, the
   * urgent-raised card, the referrer's notice: `queueOwedPosts`); the case's next check is due
   * then, so the escalation sweep queues any a failure left unqueued, and clears this.
   */
  postsOwed: z.object({ since: z.string() }).optional(),
});

export type Case = z.infer<typeof caseSchema>;

/** Changes that only add to the record (a note, an enquiry, a referral on, a further referral). */
const addingEvents: ReadonlySet<CaseEventType> = new Set([
  "submitted",
  "further-referral",
  "enquiry-logged",
  "referred-on",
  "note",
  "shared",
]);

/**
 * The case's revision: how many changes of its state (owner, status, DfE reason, closure) it
 * has had. A card made at an older revision is stale for anything that changes state; notes and
 * enquiries do not make other people's cards stale.
 */
export function revisionOf(current: Pick<Case, "events">): number {
  return current.events.filter((event) => !addingEvents.has(event.type)).length;
}
