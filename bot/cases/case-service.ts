import type { Outbox } from "../outbox/outbox.js";
import type { Actor } from "../people/person.js";
import type { CaseStore, StoredCase } from "../store/case-store.js";
import { ConcurrencyError } from "../store/documents.js";
import { assignCase, type ActionResult, type Case } from "./case.js";

export interface CasePorts {
  readonly cases: CaseStore;
  readonly outbox: Outbox;
}

export type CaseActionOutcome =
  | { readonly kind: "done"; readonly case: Case }
  | { readonly kind: "refused"; readonly reason: string; readonly case?: Case }
  | { readonly kind: "not-found" };

export function canWorkCases(actor: Actor): boolean {
  return actor.roles.has("officer") || actor.roles.has("manager");
}

/**
 * Runs one action on a case: re-read it, apply the pure rule, write it under its ETag (one
 * write), and show the change in the channel. If someone else wrote first, the rule is
 * applied again to their version, so it decides (for example "already assigned to …").
 */
async function act(
  ports: CasePorts,
  reference: string,
  rule: (current: Case) => ActionResult,
): Promise<CaseActionOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const current: StoredCase | undefined = await ports.cases.get(reference);
    if (!current) return { kind: "not-found" };
    const result = rule(current);
    if (!result.ok) return { kind: "refused", reason: result.reason, case: current };
    try {
      const saved = await ports.cases.replace(result.case, current._etag);
      await ports.outbox.showCaseCard(reference);
      return { kind: "done", case: saved };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 5) throw error;
    }
  }
}

export async function assignToMe(
  ports: CasePorts,
  reference: string,
  actor: Actor,
  now: Date,
): Promise<CaseActionOutcome> {
  if (!canWorkCases(actor)) {
    return {
      kind: "refused",
      reason:
        "Only CME officers (members of the CME team) can take cases. If you should be one, ask a CME manager to add you to the team.",
    };
  }
  return act(ports, reference, (current) => assignCase(current, actor, now));
}
