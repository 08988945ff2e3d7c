import type { Actor } from "../shared/person.js";

/** The CME team's work (cases, lists, reports) is for CME officers and managers. */
export function canWorkCases(actor: Actor): boolean {
  return actor.roles.has("officer") || actor.roles.has("manager");
}

/**
 * A referral that says it comes from someone other than the referrer's own school or setting
 * (an agency, the public, another council): no source given means the referrer's own.
 */
export function recordsOnBehalf(source: unknown): boolean {
  return source !== undefined && source !== "" && source !== "school-or-setting";
}

/** Anyone refers for their own school or setting; recording one on someone else's behalf is for CME officers and managers. */
export function mayRecordOnBehalf(actor: Actor, source: unknown): boolean {
  return !recordsOnBehalf(source) || canWorkCases(actor);
}

/** Managers are configured by Entra object id or user principal name (both compared case-blind). */
export function isConfiguredManager(
  person: { aadObjectId?: string | undefined; userPrincipalName?: string | undefined },
  managerIds: readonly string[],
): boolean {
  const keys = [person.aadObjectId, person.userPrincipalName]
    .filter((key): key is string => Boolean(key))
    .map((key) => key.toLowerCase());
  return keys.some((key) => managerIds.includes(key));
}
