import type { CaseStore } from "../store/case-store.js";
import { ConcurrencyError } from "../store/documents.js";
import type { SettingsStore } from "../store/settings-store.js";
import type { OutboxStore } from "../store/outbox-store.js";
import type { Outbox } from "../outbox/outbox.js";
import {
  anonymise,
  describeRule,
  retentionCutoff,
  retentionEnd,
  retentionFactsOf,
  type RetentionPolicy,
} from "./retention.js";

export interface RetentionPorts {
  readonly cases: CaseStore;
  readonly settings: SettingsStore;
  readonly outboxStore: OutboxStore;
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
  policy: RetentionPolicy,
  now: Date,
): Promise<{ readonly anonymised: number; readonly purged: number }> {
  let anonymised = 0;
  let purged = 0;
  for (const current of await ports.cases.pastRetention(retentionCutoff(policy, now))) {
    const facts = retentionFactsOf(current);
    const end = facts && retentionEnd(facts, policy);
    if (!end || end.until > now) continue;
    try {
      if (policy.action === "purge") {
        await ports.cases.remove(current.id, current._etag);
        await ports.settings.recordRetention({
          reference: current.id,
          action: "purged",
          closedAt: current.closure?.at ?? "",
          at: now.toISOString(),
          rule: describeRule(end.rule),
        });
        purged += 1;
      } else {
        await ports.cases.replace(anonymise(current, end.rule, now), current._etag);
        // The card in the channel shows the case as it is now: without the child's details.
        await ports.outbox.showCaseCard(current.id);
        anonymised += 1;
      }
      // Messages held about the case (notices, questions to the referrer) name the child.
      for (const item of await ports.outboxStore.aboutCase(current.id)) {
        if (policy.action === "purge" || item.kind !== "case-card") await ports.outboxStore.remove(item.id);
      }
    } catch (error) {
      // Someone reopened or changed it meanwhile: the next sweep decides again.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  return { anonymised, purged };
}
