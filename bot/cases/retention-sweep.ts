import { ConcurrencyError } from "../concurrency.js";
import type { Settings } from "../settings.js";
import { retryWhileContended } from "../store/contention.js";
import type { Outbox } from "../outbox/outbox.js";
import type { OutboxRepository, StoredOutboxItem } from "../outbox/outbox-repository.js";
import type { CaseRepository, StoredCase } from "./case-repository.js";
import { alertWithoutDetails, dangerAlertTemplate } from "../referrals/danger-alert.js";
import type { Case } from "./case.js";
import { claimHashOfCase } from "../pupils/open-extract-case.js";
import { isExtractReferral } from "../referrals/extract-referral.js";
import {
  anonymise,
  describeRule,
  retentionCutoff,
  retentionEnd,
  retentionFactsOf,
  retentionRemovedView,
  type RetentionPolicy,
} from "./retention.js";

export interface RetentionPorts {
  readonly cases: CaseRepository;
  readonly settings: Settings;
  readonly outboxStore: OutboxRepository;
  readonly outbox: Outbox;
}

/**
 * Applies the retention policy to closed cases past it (past the latest end of every rule that
 * matches them: `retentionEnd`): anonymises them in place (an event in
 * their history says so), or purges them, leaving a record without personal data. Safe to run
 * on several instances: every write is ETag-guarded, and a repeat finds nothing left to do.
 */
export async function sweepRetention(
  ports: RetentionPorts,
  policy: Pick<RetentionPolicy, "rules" | "action">,
  now: Date,
): Promise<{ readonly anonymised: number; readonly purged: number }> {
  let anonymised = 0;
  let purged = 0;
  for (const found of await ports.cases.pastRetention(retentionCutoff(policy, now))) {
    // Another writer (an officer, the escalation sweep catching up a case's posts) may change the
    // case between the read and the write: read it again and decide again, not skip it.
    let current: StoredCase | undefined = found;
    const done = await retryWhileContended(async () => {
      current ??= await ports.cases.get(found.id);
      const read = current;
      current = undefined;
      return read ? applyRetention(ports, read, policy, now) : undefined;
    }).catch((error: unknown) => {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    });
    if (done === "anonymised") anonymised += 1;
    if (done === "purged") purged += 1;
  }
  return { anonymised, purged };
}

/** Anonymises or purges one closed case if it is past its retention (a reopened one is not). */
async function applyRetention(
  ports: RetentionPorts,
  current: StoredCase,
  policy: Pick<RetentionPolicy, "rules" | "action">,
  now: Date,
): Promise<"anonymised" | "purged" | undefined> {
  const facts = retentionFactsOf(current);
  const end = facts && retentionEnd(facts, policy);
  if (!end || end.until > now) return undefined;
  // Messages about the case go first (a crash after the case's write leaves none behind).
  for (const item of await ports.outboxStore.aboutCase(current.id))
    await withoutDetails(ports, current, item, policy.action, now);
  // A case opened from a pupil extract leaves a claim, a hash of the child's UPN (or name and date
  // of birth) naming the case: it would re-identify an anonymised case, and name a purged one.
  if (isExtractReferral(current.referral))
    await ports.settings.removeExtractClaim(claimHashOfCase(current), current.id);
  if (policy.action === "purge") {
    // The record goes first: with the case gone and no record, an officer opening the child from
    // an extract would reuse the purged reference (a crash in between leaves the case, and the
    // next sweep writes the record again).
    await ports.settings.recordRetention({
      reference: current.id,
      action: "purged",
      closedAt: current.closure?.at ?? "",
      at: now.toISOString(),
      rule: describeRule(end.rule),
    });
    await ports.cases.remove(current.id, current._etag);
    return "purged";
  }
  await ports.cases.replace(anonymise(current, end.rule, now), current._etag);
  // The card in the channel shows the case as it is now: without the child's details.
  await ports.outbox.showCaseCard(current.id);
  return "anonymised";
}

/**
 * One message held about a case past retention, made to show none of its personal data: the
 * immediate-danger alert and urgent cards are redrawn in the channel without their details (a
 * purged case's own card too; an anonymised case's card shows it as it now is); the rest
 * (notices and questions to the referrer, escalations and sign-off requests) are dropped from the
 * outbox, and what was posted of them names nobody in the channel.
 */
async function withoutDetails(
  ports: RetentionPorts,
  current: Case,
  item: StoredOutboxItem,
  action: RetentionPolicy["action"],
  now: Date,
): Promise<void> {
  if (item.kind === "case-card") {
    if (action === "purge")
      await ports.outbox.redactChannelMessage(
        item,
        "retention-removed",
        retentionRemovedView("CME case", current.id, now),
        current.channelMessage?.activityId ?? item.activityId,
      );
  } else if (item.kind === "danger-alert") {
    await ports.outbox.redactChannelMessage(item, dangerAlertTemplate, alertWithoutDetails(item.data, now));
  } else if (item.kind === "urgent") {
    // An urgent card shows a case's personal data once posted (an officer's reason).
    await ports.outbox.redactChannelMessage(
      item,
      "retention-removed",
      retentionRemovedView("Urgent referral", current.id, now),
    );
  } else {
    await ports.outboxStore.remove(item.id);
  }
}

/**
 * Removes the details from the immediate-danger alerts of referrals never submitted (no case
 * will ever hold them) once their draft ended (cancelled or expired: the alert's last change)
 * the policy's `unsubmittedAlerts.daysAfterDraftEnded` ago: the card in the channel is redrawn
 * "details removed", and the outbox keeps only that. Keyed and idempotent, like the rest.
 */
export async function sweepUnsubmittedAlerts(
  ports: RetentionPorts,
  policy: Pick<RetentionPolicy, "unsubmittedAlerts">,
  now: Date,
): Promise<number> {
  const endedBefore = new Date(now.getTime() - policy.unsubmittedAlerts.daysAfterDraftEnded * 86_400_000);
  const alerts = await ports.outboxStore.endedAlertsWithDetails(endedBefore);
  for (const item of alerts)
    if (item.kind === "danger-alert")
      await ports.outbox.redactChannelMessage(item, dangerAlertTemplate, alertWithoutDetails(item.data, now));
  return alerts.length;
}
