import type { Case } from "../cases/case.js";
import { caseUrgentTriggers, matchKeysOf, type FormAnswers } from "./submitted-referral.js";
import { withNextCheck, type Clocks } from "../escalations/due.js";
import type { Outbox } from "../outbox/outbox.js";
import type { CaseRepository } from "../cases/case-repository.js";
import { ConcurrencyError } from "../concurrency.js";
import type { Settings } from "../settings.js";
import type { DraftRepository, StoredDraft } from "./draft-repository.js";
import { isSubmitting, type Draft } from "./draft.js";
import { showDangerAlert } from "./danger-alert.js";
import { isHighRisk, missingEnquiries } from "./readiness.js";
import { urgentTriggerChoices, urgentTriggers } from "./urgency.js";
import { formOf, isComplete } from "./wizard.js";
import { formatReference } from "../shared/case-reference.js";

export interface SubmissionPorts {
  readonly drafts: DraftRepository;
  readonly cases: CaseRepository;
  readonly settings: Settings;
  readonly outbox: Outbox;
  readonly clocks: Clocks;
}

export type SubmissionResult =
  | { readonly kind: "submitted"; readonly case: FormCase }
  | { readonly kind: "already-submitted"; readonly reference: string }
  | { readonly kind: "no-draft" }
  | { readonly kind: "stale"; readonly draft: Draft }
  | { readonly kind: "incomplete"; readonly draft: Draft }
  | { readonly kind: "needs-reason"; readonly draft: Draft }
  | {
      readonly kind: "possible-duplicate";
      readonly draft: Draft;
      readonly matches: readonly DuplicateMatch[];
    }
  | { readonly kind: "added-to-existing"; readonly reference: string };

export interface DuplicateMatch {
  readonly reference: string;
  readonly since: string;
  readonly status: Case["status"];
}

/** What the referrer said when shown an open case for the same child. */
export type DuplicateDecision =
  { readonly kind: "add-to"; readonly reference: string } | { readonly kind: "different-child" } | undefined;

/** A case opened by a referral form (not an extract row). */
export type FormCase = Case & { readonly referral: FormAnswers };

function enquiriesIncompleteOf(draft: Draft, referral: FormAnswers) {
  const missing = missingEnquiries(draft.kind, referral.enquiries);
  return missing.length > 0
    ? { missing: missing.map((item) => item.title), reason: draft.reasonIncomplete ?? "" }
    : undefined;
}

/** Turns a complete draft into the case's first state: the answers as submitted, status `new`. */
export function caseFromDraft(draft: Draft, reference: string, now: Date): FormCase {
  const referral = formOf(draft).answers.parse(draft.answers);
  const enquiriesIncomplete = enquiriesIncompleteOf(draft, referral);
  const triggers = urgentTriggers(referral);
  return {
    id: reference,
    kind: draft.kind,
    draftId: draft.id,
    submittedAt: now.toISOString(),
    referrer: draft.referrer,
    ...(draft.conversation ? { referrerConversation: draft.conversation } : {}),
    referral,
    urgent: triggers.length > 0,
    urgentTriggers: triggers,
    ...(draft.dangerAlert ? { dangerAlert: draft.dangerAlert } : {}),
    matchKeys: matchKeysOf(referral.child),
    furtherReferrals: [],
    enquiryLog: [],
    referralsOn: [],
    infoRequests: [],
    ...(enquiriesIncomplete ? { enquiriesIncomplete } : {}),
    status: "new",
    events: [{ at: now.toISOString(), by: draft.referrer, type: "submitted", to: "new" }],
  };
}

/**
 * Submits a draft exactly once. Each step is safe to repeat, so double clicks, retried
 * invokes and a crash between any two steps end with one case: the reference is fixed on
 * the draft first, the case is created under that reference (a repeat finds it), the channel
 * posts are keyed by it, and only then is the draft marked submitted. `justRead`: the draft as
 * the caller read it this turn (not read again).
 */
export async function submitReferral(
  ports: SubmissionPorts,
  userId: string,
  draftId: string,
  version: number,
  now: Date,
  reasonIncomplete = "",
  decision: DuplicateDecision = undefined,
  justRead?: StoredDraft,
): Promise<SubmissionResult> {
  // The draft as the caller just read it is used once; after a lost race it is read afresh.
  let known = justRead;
  for (;;) {
    const draft = known ?? (await ports.drafts.get(userId, draftId));
    known = undefined;
    if (!draft) return { kind: "no-draft" };
    if (draft.submittedAt && draft.reference)
      return { kind: "already-submitted", reference: draft.reference };
    if (draft.version !== version && !isSubmitting(draft)) return { kind: "stale", draft };
    // Once sending has begun the answers are fixed: a question added since does not hold it up.
    if (!isSubmitting(draft) && !isComplete(draft)) return { kind: "incomplete", draft };
    const reason = draft.reasonIncomplete ?? reasonIncomplete;
    if (!isSubmitting(draft) && missingEnquiries(draft.kind, draft.answers.enquiries).length > 0 && !reason) {
      return { kind: "needs-reason", draft };
    }
    try {
      if (draft.mergedInto) {
        const added = await addToExisting(ports, draft, draft.mergedInto, reason, now);
        if (added) return added;
        continue; // the case had closed: look again, as a referral of its own
      }
      if (!draft.reference && decision?.kind !== "different-child") {
        const child = draft.answers.child;
        const matches = child ? await ports.cases.openMatches(matchKeysOf(child)) : [];
        const chosen = matches.find(
          (match) => decision?.kind === "add-to" && match.id === decision.reference,
        );
        const added = chosen ? await addToExisting(ports, draft, chosen.id, reason, now) : undefined;
        if (added) return added;
        if (chosen) continue;
        if (matches.length > 0) {
          return {
            kind: "possible-duplicate",
            draft,
            matches: matches.map((match) => ({
              reference: match.id,
              since: match.submittedAt,
              status: match.status,
            })),
          };
        }
      }
      const withReference = draft.reference
        ? draft
        : await ports.drafts.save(
            {
              ...draft,
              ...(reason ? { reasonIncomplete: reason } : {}),
              reference: formatReference(
                now.getUTCFullYear(),
                await ports.settings.nextInSequence(`case-${now.getUTCFullYear()}`),
              ),
            },
            draft,
          );
      const reference = withReference.reference ?? "";
      const opened = caseFromDraft(withReference, reference, now);
      // A repeat finds the case this draft opened: the same answers.
      const created = {
        ...(await ports.cases.create(withNextCheck(opened, ports.clocks, now))),
        referral: opened.referral,
      };
      await ports.outbox.showNewCaseCard(reference);
      const submitted = { ...withReference, submittedAt: now.toISOString() };
      // The referrer's "immediate danger" alerted the team already: its card says where it went.
      if (submitted.dangerAlert) await showDangerAlert(ports.outbox, submitted);
      else if (created.urgent)
        await ports.outbox.postChannelCard(`urgent-on-arrival|${reference}`, reference, "escalation-urgent");
      await ports.drafts.save(submitted, withReference);
      return { kind: "submitted", case: created };
    } catch (error) {
      // Someone (a double click) moved the draft on meanwhile: look again.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
}

/** A further referral of a child who already has an open case: added to that case, once. */
export function withFurtherReferral(current: Case, draft: Draft, now: Date): Case | undefined {
  if (current.furtherReferrals.some((entry) => entry.draftId === draft.id && entry.at === draft.createdAt)) {
    return undefined;
  }
  const referral = formOf(draft).answers.parse(draft.answers);
  const enquiriesIncomplete = enquiriesIncompleteOf(draft, referral);
  return {
    ...current,
    furtherReferrals: [
      ...current.furtherReferrals,
      {
        draftId: draft.id,
        at: draft.createdAt,
        referrer: draft.referrer,
        kind: draft.kind,
        referral,
        ...(enquiriesIncomplete ? { enquiriesIncomplete } : {}),
        ...(draft.dangerAlert ? { dangerAlert: draft.dangerAlert } : {}),
      },
    ],
    urgent: current.urgent || isHighRisk(referral),
    urgentTriggers: urgentTriggerChoices
      .map((choice) => choice.value)
      .filter((value) => [...caseUrgentTriggers(current), ...urgentTriggers(referral)].includes(value)),
    events: [
      ...current.events,
      {
        at: now.toISOString(),
        by: draft.referrer,
        type: "further-referral",
        reason: `a further referral from ${draft.referrer.name}`,
      },
    ],
  };
}

/**
 * Adds the draft to an open case (undefined if that case has closed meanwhile). The draft
 * records the reference first, so a repeat (or a crash and retry) finds the entry already
 * there and adds nothing more.
 */
async function addToExisting(
  ports: SubmissionPorts,
  draft: StoredDraft,
  reference: string,
  reason: string,
  now: Date,
): Promise<SubmissionResult | undefined> {
  const noted =
    draft.mergedInto === reference
      ? draft
      : await ports.drafts.save(
          { ...draft, mergedInto: reference, ...(reason ? { reasonIncomplete: reason } : {}) },
          draft,
        );
  const target = await ports.cases.get(reference);
  const alreadyAdded = target?.furtherReferrals.some(
    (entry) => entry.draftId === noted.id && entry.at === noted.createdAt,
  );
  if (!target || (target.status === "closed" && !alreadyAdded)) {
    // The case closed before this referral reached it (a crash, then the sweep): the child is
    // missing again, so the referral opens a case of its own.
    const unmerged: Draft = { ...noted };
    delete unmerged.mergedInto;
    await ports.drafts.save(unmerged, noted);
    return undefined;
  }
  const withClocks = (updated: Case | undefined) => updated && withNextCheck(updated, ports.clocks, now);
  await ports.cases.update(reference, (current) =>
    current && current.status !== "closed"
      ? withClocks(
          withFurtherReferral({ ...current, furtherReferrals: current.furtherReferrals ?? [] }, noted, now),
        )
      : undefined,
  );
  await ports.outbox.showCaseCard(reference);
  const added = { ...noted, reference, submittedAt: now.toISOString() };
  if (added.dangerAlert) await showDangerAlert(ports.outbox, added);
  else if (isHighRisk(formOf(noted).answers.parse(noted.answers))) {
    // Keyed by the referral: a retry posts nothing more; an already-urgent case still hears of new danger.
    await ports.outbox.postChannelCard(
      `urgent-further|${reference}|${noted.id}|${noted.createdAt}`,
      reference,
      "escalation-urgent",
    );
  }
  await ports.drafts.save(added, noted);
  return { kind: "added-to-existing", reference };
}
