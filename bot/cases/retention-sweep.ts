import type { CaseStore } from "../store/case-store.js";
import { ConcurrencyError } from "../store/documents.js";
import type { SettingsStore } from "../store/settings-store.js";
import { anonymise, retentionCutoff, type RetentionPolicy } from "./retention.js";

export interface RetentionPorts {
  readonly cases: CaseStore;
  readonly settings: SettingsStore;
}

/**
 * Applies the retention policy to closed cases past it: anonymises them in place (an event in
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
    try {
      if (policy.action === "purge") {
        await ports.settings.recordRetention({
          reference: current.id,
          action: "purged",
          closedAt: current.closure?.at ?? "",
          at: now.toISOString(),
          yearsAfterClosure: policy.yearsAfterClosure,
        });
        await ports.cases.remove(current.id, current._etag);
        purged += 1;
      } else {
        await ports.cases.replace(anonymise(current, policy, now), current._etag);
        anonymised += 1;
      }
    } catch (error) {
      // Someone reopened or changed it meanwhile: the next sweep decides again.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  return { anonymised, purged };
}
