import type { StoredDraft } from "./draft-repository.js";
import { isSubmitting } from "./draft.js";
import { alertTheTeam, type WizardPorts } from "./draft-saving.js";
import { openDrafts } from "./start.js";
import type { DraftCard } from "./step.js";
import { formOf } from "./wizard.js";
import { noLongerOpen, words, type WizardOutcome } from "./wizard-outcome.js";

/** `cancel`: the person's open referrals to choose from before one is discarded (none: they are told so). */
export async function askToCancel(
  ports: Pick<WizardPorts, "drafts">,
  userId: string,
): Promise<WizardOutcome> {
  const open = (await openDrafts(ports, userId)).filter((draft) => !isSubmitting(draft));
  if (open.length === 0) return words("You have no referral in progress.");
  return {
    kind: "card",
    template: "referral-cancel",
    view: {
      drafts: open.map((draft) => ({
        draftId: draft.id,
        version: draft.version,
        title: formOf(draft).title,
        child: draft.answers.child
          ? `${draft.answers.child.forenames} ${draft.answers.child.surname}`
          : "child not named yet",
      })),
    },
  };
}

/** Discard, on the cancel card or a redirect: only the version the person saw, and the team's alert says so first. */
export async function discardDraft(
  ports: WizardPorts,
  draft: StoredDraft | undefined,
  card: DraftCard,
): Promise<WizardOutcome> {
  if (!draft || draft.submittedAt) return words(noLongerOpen);
  if (isSubmitting(draft)) return { kind: "finish-submission", draft };
  if (draft.version !== card.version) {
    return words(
      "That referral changed since you asked to discard it, so I kept it. Say 'cancel' again if you still want to.",
    );
  }
  // The alert says so first: should the discard then fail, the next save shows it open again.
  await alertTheTeam(ports, draft, { kind: "cancelled", at: ports.now() });
  await ports.drafts.remove(draft, draft._etag);
  return { kind: "card", template: "referral-discarded", view: { title: formOf(draft).title } };
}
