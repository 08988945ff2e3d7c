import type { Outbox } from "../outbox/outbox.js";
import { formatDateTime } from "../shared/format.js";
import { isSubmitting, type Draft } from "./draft.js";
import { clip, kindChoices } from "./views.js";
import { titleOf } from "../shared/choice.js";

/** The channel card an immediate-danger answer raises at once, before the referral is finished. */
export const dangerAlertTemplate = "danger-alert";

/**
 * What became of the draft behind an alert, when it is not the draft itself that says so (it is
 * gone: cancelled or expired). Submission and the answer itself are read from the draft.
 */
export type DraftEnding = { readonly kind: "cancelled" | "expired"; readonly at: Date };

/** The referrer's answer to "immediate danger", as last saved or typed (Save for later counts). */
function dangerAnswer(draft: Draft): string | undefined {
  return draft.typed.whatHappened?.immediateDanger ?? draft.answers.whatHappened?.immediateDanger;
}

/**
 * The draft with its alert once the referrer says "immediate danger": keyed by the draft (its id
 * and when it began), so however often it is saved, retried or swept, one alert is raised.
 */
export function withDangerAlert(draft: Draft, now: Date): Draft {
  if (draft.dangerAlert || dangerAnswer(draft) !== "yes") return draft;
  return {
    ...draft,
    dangerAlert: { key: `danger-alert|${draft.id}|${draft.createdAt}`, at: now.toISOString() },
  };
}

/** Where a redirect sent the referrer, as the alert names it. */
const redirectedToTitles: Record<NonNullable<Draft["redirectedTo"]>, string> = {
  attendance: "the attendance service (on roll, whereabouts known, family in contact: not CME)",
  "home-education": "the elective home education team (a parent's written notice)",
};

/** The referrer's words on the alert are clipped: the card is a call to act, the case keeps them whole. */
const wordsShown = 300;

/**
 * The alert card's view, from the draft as it stands (and how it ended, if it did). The channel
 * is the CME team's: it sees the child's name (as on case cards) and, since this may be all the
 * team ever hears, what happened in the referrer's words.
 */
export function dangerAlertView(draft: Draft, ending?: DraftEnding) {
  const alert = draft.dangerAlert;
  const about = { ...draft.typed.referrer, ...draft.answers.referrer } as Record<string, string | undefined>;
  const child = draft.answers.child ?? draft.typed.child;
  const happened = draft.answers.whatHappened ?? draft.typed.whatHappened;
  const childName = [child?.forenames, child?.surname].filter(Boolean).join(" ");
  const what = titleOf(kindChoices(draft.kind).whatHappenedChoices, happened?.whatHappened);
  const setting = draft.answers.school?.school ?? draft.typed.school?.school ?? about.setting ?? "";
  const reference = referenceOf(draft);
  const state = ending
    ? ending.kind === "cancelled"
      ? `The referrer cancelled this referral on ${formatDateTime(ending.at)}: follow up with the referrer.`
      : `This referral expired unsubmitted on ${formatDateTime(ending.at)}: follow up with the referrer.`
    : reference
      ? draft.mergedInto
        ? `Submitted: added to the open case ${reference}.`
        : `Submitted as ${reference}.`
      : draft.redirectedTo
        ? `Redirected to ${redirectedToTitles[draft.redirectedTo]}: no CME case will follow. Follow up with the referrer.`
        : "Not submitted yet: the referrer is still filling the referral in.";
  return {
    raisedAt: alert ? formatDateTime(alert.at) : "",
    referrer: about.name ?? draft.referrer.name,
    setting: setting || "Not given yet",
    contact: [about.phone, about.email].filter(Boolean).join(", ") || "Not given yet",
    childName: childName || "Not given yet",
    whatHappened:
      [what, happened?.whatHappenedOther ? clip(happened.whatHappenedOther, wordsShown) : ""]
        .filter(Boolean)
        .join(": ") || "Not given yet",
    answerChanged:
      dangerAnswer(draft) === "no"
        ? 'The referrer has since changed their answer to "not in immediate danger".'
        : "",
    state,
    ended: ending !== undefined,
    reference: reference ?? "",
    hasCase: reference !== undefined,
  };
}

/**
 * The case the draft went to: fixed on the draft as sending begins (the submission then always
 * finishes), so a draft read mid-submission is shown as submitted too, not as still being filled in.
 */
function referenceOf(draft: Draft): string | undefined {
  return draft.submittedAt || isSubmitting(draft) ? (draft.reference ?? draft.mergedInto) : undefined;
}

/** Whether an alert's view says how its draft ended (submitted, cancelled, expired) or has had its details removed: it never goes back from there. */
function isFinal(view: Record<string, unknown>): boolean {
  return view.hasCase === true || view.ended === true || view.detailsRemoved === true;
}

/**
 * Shows the draft's alert in the channel as the draft now stands (or as it ended): one card,
 * posted once and updated in place; asking with nothing changed does nothing. A view that says
 * how the draft ended is not replaced by one from an earlier read that does not (the draft sweep
 * may have read the draft before it was submitted or cancelled).
 */
export async function showDangerAlert(outbox: Outbox, draft: Draft, ending?: DraftEnding): Promise<void> {
  if (!draft.dangerAlert) return;
  const view = dangerAlertView(draft, ending);
  await outbox.showChannelCard(draft.dangerAlert.key, dangerAlertTemplate, view, referenceOf(draft), {
    keeps: (shown) => isFinal(shown) && !isFinal(view),
  });
}

/**
 * An alert's stored view with its personal data removed under retention (the referrer, their
 * setting and contact, the child, what happened): when it was raised and what became of it stay.
 */
export function alertWithoutDetails(view: Record<string, unknown>, at: Date) {
  const removed = "Removed under retention";
  return {
    raisedAt: view.raisedAt,
    referrer: removed,
    setting: removed,
    contact: removed,
    childName: removed,
    whatHappened: removed,
    answerChanged: "",
    state: `${typeof view.state === "string" ? view.state : ""} Its details were removed on ${formatDateTime(at)} under the retention policy.`,
    ended: view.ended,
    reference: view.reference,
    hasCase: false,
    detailsRemoved: true,
  };
}
