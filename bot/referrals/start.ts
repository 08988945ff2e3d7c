import { emergencyContactsText } from "../config.js";
import type { Profile } from "../graph/profiles.js";
import type { PersonalConversation } from "../outbox/outbox-item.js";
import type { Person } from "../shared/person.js";
import type { StoredDraft } from "./draft-repository.js";
import { draftIdFor, isSubmitting, referralKinds, type Draft, type ReferralKind } from "./draft.js";
import type { WizardPorts } from "./draft-saving.js";
import { submitReferral, type SubmissionPorts } from "./submission.js";
import { startDraft } from "./wizard.js";
import type { WizardOutcome } from "./wizard-outcome.js";

/** What is known of the referrer for the "About you" card: Microsoft Graph's profile, or else their Teams record. */
export type ReferrerDetails =
  | { readonly from: "graph"; readonly profile: Profile }
  | { readonly from: "teams"; readonly name?: string | undefined; readonly email?: string | undefined }
  | { readonly from: "nowhere" };

export interface StartRequest {
  readonly referrer: Person;
  /** The kind asked for; none: carry on with the one open draft, or ask which kind. */
  readonly kind?: ReferralKind | undefined;
  /** The person's personal chat with the bot (reminders about the draft go there). */
  readonly chat: PersonalConversation;
  /** Asked only when a new draft is started. */
  readonly referrerDetails: () => Promise<ReferrerDetails>;
}

const resumeNotice = "You have a referral in progress: carrying on where you left off.";

/** The person's open (not submitted) drafts, of either kind. */
export async function openDrafts(ports: Pick<WizardPorts, "drafts">, userId: string): Promise<StoredDraft[]> {
  const drafts = await Promise.all(
    referralKinds.map((kind) => ports.drafts.get(userId, draftIdFor(userId, kind))),
  );
  return drafts.filter((draft): draft is StoredDraft => draft !== undefined && !draft.submittedAt);
}

/**
 * `refer [school | early years]`, `resume` and the Start buttons: carries on with an open draft
 * of that kind (finishing its sending if that had begun), or starts one; with no kind and no
 * single open draft, asks which kind.
 */
export async function startOrResume(
  ports: WizardPorts & SubmissionPorts,
  { referrer, kind, chat, referrerDetails }: StartRequest,
): Promise<WizardOutcome> {
  const open = await openDrafts(ports, referrer.id);
  const existing = kind ? open.find((draft) => draft.kind === kind) : open.length === 1 ? open[0] : undefined;
  if (existing && isSubmitting(existing)) {
    const result = await submitReferral(
      ports,
      existing.userId,
      existing.id,
      existing.version,
      ports.now(),
      "",
      undefined,
      existing,
    );
    return { kind: "submission", result, reason: "" };
  }
  if (existing) return { kind: "current", draft: existing, notice: resumeNotice };
  if (!kind) {
    return {
      kind: "card",
      template: "referral-choose-kind",
      view: {
        notice:
          open.length > 1 ? "You have a school-age and an early-years referral in progress. Which one?" : "",
        emergencyContacts: emergencyContactsText(ports.config),
      },
    };
  }
  const prefill = referrerPrefill(referrer, await referrerDetails());
  const draft = await ports.drafts.put(startDraft(referrer, kind, ports.now(), prefill, chat));
  return { kind: "current", draft, notice: "" };
}

/**
 * The "About you" card (and the school) start filled from Microsoft Graph when it is
 * configured and answers, else from the person's Teams record; the person can change any of it.
 */
export function referrerPrefill(referrer: Person, details: ReferrerDetails): Draft["typed"] {
  const about: Record<string, string> = { source: "school-or-setting", name: referrer.name };
  if (details.from === "graph") {
    const { profile } = details;
    for (const [field, value] of [
      ["name", profile.name],
      ["email", profile.email],
      ["role", profile.jobTitle],
      ["phone", profile.phone],
      ["setting", profile.organisation],
    ] as const) {
      if (value) about[field] = value;
    }
    return profile.organisation
      ? { referrer: about, school: { school: profile.organisation } }
      : { referrer: about };
  }
  if (details.from === "teams") {
    if (details.email?.includes("@")) about.email = details.email;
    if (details.name) about.name = details.name;
  }
  return { referrer: about };
}
