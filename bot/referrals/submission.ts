import { formatReference, type Case } from "../cases/case.js";
import type { Outbox } from "../outbox/outbox.js";
import type { CaseStore } from "../store/case-store.js";
import { ConcurrencyError } from "../store/documents.js";
import type { DraftStore } from "../store/draft-store.js";
import type { SettingsStore } from "../store/settings-store.js";
import type { Draft } from "./draft.js";
import { isHighRisk, missingEnquiries } from "./readiness.js";
import { formOf, isComplete } from "./wizard.js";

export interface SubmissionPorts {
  readonly drafts: DraftStore;
  readonly cases: CaseStore;
  readonly settings: SettingsStore;
  readonly outbox: Outbox;
}

export type SubmissionResult =
  | { readonly kind: "submitted"; readonly case: Case }
  | { readonly kind: "already-submitted"; readonly reference: string }
  | { readonly kind: "no-draft" }
  | { readonly kind: "stale"; readonly draft: Draft }
  | { readonly kind: "incomplete"; readonly draft: Draft }
  | { readonly kind: "needs-reason"; readonly draft: Draft };

/** Turns a complete draft into the case's first state: the answers as submitted, status `new`. */
export function caseFromDraft(draft: Draft, reference: string, now: Date): Case {
  const referral = formOf(draft).answers.parse(draft.answers);
  const missing = missingEnquiries(draft.kind, referral.enquiries);
  return {
    id: reference,
    kind: draft.kind,
    draftId: draft.id,
    submittedAt: now.toISOString(),
    referrer: draft.referrer,
    referral,
    urgent: isHighRisk(referral),
    ...(missing.length > 0
      ? {
          enquiriesIncomplete: {
            missing: missing.map((item) => item.title),
            reason: draft.reasonIncomplete ?? "",
          },
        }
      : {}),
    status: "new",
    events: [{ at: now.toISOString(), by: draft.referrer, type: "submitted", to: "new" }],
  };
}

/**
 * Submits a draft exactly once. Each step is safe to repeat, so double clicks, retried
 * invokes and a crash between any two steps end with one case: the reference is fixed on
 * the draft first, the case is created under that reference (a repeat finds it), the channel
 * posts are keyed by it, and only then is the draft marked submitted.
 */
export async function submitReferral(
  ports: SubmissionPorts,
  userId: string,
  draftId: string,
  version: number,
  now: Date,
  reasonIncomplete = "",
): Promise<SubmissionResult> {
  for (;;) {
    const draft = await ports.drafts.get(userId, draftId);
    if (!draft) return { kind: "no-draft" };
    if (draft.submittedAt && draft.reference)
      return { kind: "already-submitted", reference: draft.reference };
    if (draft.version !== version && !draft.reference) return { kind: "stale", draft };
    if (!isComplete(draft)) return { kind: "incomplete", draft };
    const reason = draft.reasonIncomplete ?? reasonIncomplete;
    if (!draft.reference && missingEnquiries(draft.kind, draft.answers.enquiries).length > 0 && !reason) {
      return { kind: "needs-reason", draft };
    }
    try {
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
            draft._etag,
          );
      const reference = withReference.reference ?? "";
      const created = await ports.cases.create(caseFromDraft(withReference, reference, now));
      await ports.outbox.showCaseCard(reference);
      if (created.urgent)
        await ports.outbox.postChannelCard(`urgent-on-arrival|${reference}`, reference, "escalation-urgent");
      await ports.drafts.save({ ...withReference, submittedAt: now.toISOString() }, withReference._etag);
      return { kind: "submitted", case: created };
    } catch (error) {
      // Someone (a double click) moved the draft on meanwhile: look again.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
}
