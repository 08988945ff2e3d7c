import type { Config } from "../config.js";
import type { Log } from "../log.js";
import type { Outbox } from "../outbox/outbox.js";
import { ConcurrencyError } from "../concurrency.js";
import type { DraftRepository, StoredDraft } from "./draft-repository.js";
import { showDangerAlert, withDangerAlert, type DraftEnding } from "./danger-alert.js";
import type { Draft } from "./draft.js";
import type { Redirect } from "./front-door.js";

/** What the wizard's use cases work with: the drafts, the outbox (danger alerts), the contacts people are told of, the clock, and the log (an alert the outbox could not take is logged). */
export interface WizardPorts {
  readonly drafts: DraftRepository;
  readonly outbox: Outbox;
  readonly config: Pick<Config, "emergencyContacts" | "cmeContact" | "redirectContacts">;
  readonly now: () => Date;
  readonly log: Log;
}

/** A saved draft, and whether its immediate-danger alert has still not reached the outbox (the person is told). */
export interface Saved {
  readonly draft: StoredDraft;
  readonly teamNotAlerted: boolean;
}

/**
 * Saves a changed draft over the version it was read at; undefined if someone else moved it on.
 * A draft that says "immediate danger" gets its alert, queued once the draft is saved. The draft
 * is redirected (`redirectedTo`) only by the save that redirects it: any other save means the
 * referrer went back to the referral.
 */
export async function saveDraft(
  ports: WizardPorts,
  stored: StoredDraft,
  next: Draft,
  redirectedTo?: Redirect,
): Promise<Saved | undefined> {
  const notRedirected: Draft = { ...next };
  delete notRedirected.redirectedTo;
  let saved: StoredDraft;
  try {
    saved = await ports.drafts.save(
      withDangerAlert({ ...notRedirected, ...(redirectedTo ? { redirectedTo } : {}) }, ports.now()),
      stored,
    );
  } catch (error) {
    if (error instanceof ConcurrencyError) return undefined;
    throw error;
  }
  // Not alerted: this save raised the alert, or an earlier one's is still owed, and it failed again.
  const neverQueued = !stored.dangerAlert || ports.outbox.owes(stored.dangerAlert.key);
  const queued = await alertTheTeam(ports, saved);
  return { draft: saved, teamNotAlerted: !queued && neverQueued && saved.dangerAlert !== undefined };
}

/**
 * Shows the draft's immediate-danger alert as the draft now stands; false when the outbox could
 * not take it. The person's save stands either way: the outbox's next passes (within seconds)
 * try again with the draft as it then is (or as it ended), and the draft sweep, which looks at
 * every draft with an alert, is the backstop after a restart.
 */
export async function alertTheTeam(ports: WizardPorts, draft: Draft, ending?: DraftEnding): Promise<boolean> {
  try {
    await showDangerAlert(ports.outbox, draft, ending);
    return true;
  } catch (error) {
    ports.log("danger-alert.queue.failed", {
      draft: draft.id,
      error: error instanceof Error ? error.message : String(error),
    });
    if (draft.dangerAlert) {
      ports.outbox.owe(draft.dangerAlert.key, async () => {
        const now = ending ? draft : await ports.drafts.get(draft.userId, draft.id);
        if (now) await showDangerAlert(ports.outbox, now, ending);
      });
    }
    return false;
  }
}

/** What the referrer is told when their "immediate danger" has not reached the CME team: who to call instead. */
export function teamNotAlertedText(config: Pick<Config, "emergencyContacts" | "cmeContact">): string {
  const { name, phone } = config.cmeContact;
  return `The CME team has NOT been alerted yet (the system could not send it; it keeps trying). Call now: ${config.emergencyContacts.childrensDuty}, or the CME contact ${name} on ${phone}.`;
}

/** The notices that apply, in order, as one line ("" for none). */
export function notices(...lines: (string | undefined)[]): string {
  return lines.filter(Boolean).join(" ");
}

export function notAlertedNotice(ports: Pick<WizardPorts, "config">, saved: Saved | undefined): string {
  return saved?.teamNotAlerted ? teamNotAlertedText(ports.config) : "";
}
