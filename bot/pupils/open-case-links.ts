import { matchKeysOf } from "../referrals/submitted-referral.js";
import type { Finding } from "./findings.js";

/** An open case as the links need it: its reference and the keys a child is matched on. */
export interface OpenCaseKeys {
  readonly id: string;
  readonly matchKeys: { readonly upn?: string | undefined; readonly nameAndBirth: string };
}

/**
 * Which findings are children who already have an open case (the same UPN, or the same name and
 * date of birth: the keys a second referral is matched on), by row: the case's reference.
 */
export function openCaseLinks(
  findings: readonly Finding[],
  openCases: readonly OpenCaseKeys[],
): ReadonlyMap<number, string> {
  const byUpn = new Map<string, string>();
  const byNameAndBirth = new Map<string, string>();
  for (const { id, matchKeys } of openCases) {
    if (matchKeys.upn && !byUpn.has(matchKeys.upn)) byUpn.set(matchKeys.upn, id);
    if (!byNameAndBirth.has(matchKeys.nameAndBirth)) byNameAndBirth.set(matchKeys.nameAndBirth, id);
  }
  const links = new Map<number, string>();
  for (const { row, pupil } of findings) {
    const keys = matchKeysOf({
      forenames: pupil.legalForename,
      surname: pupil.legalSurname,
      dateOfBirth: pupil.dateOfBirth,
      upn: pupil.upn,
    });
    const reference = (keys.upn && byUpn.get(keys.upn)) || byNameAndBirth.get(keys.nameAndBirth);
    if (reference) links.set(row, reference);
  }
  return links;
}

/**
 * The key a child is known by (one claim, one case): the UPN when there is one, else name and date
 * of birth. From a case's match keys too (they never change after it is opened), so retention
 * finds the claim a case was opened under.
 */
export function claimKeyOf(keys: OpenCaseKeys["matchKeys"]): string {
  return keys.upn ? `upn|${keys.upn}` : `name|${keys.nameAndBirth}`;
}

/** The key a listed child is known by: `claimKeyOf` their row's match keys. */
export function childKeyOf({ pupil }: Finding): string {
  return claimKeyOf(
    matchKeysOf({
      forenames: pupil.legalForename,
      surname: pupil.legalSurname,
      dateOfBirth: pupil.dateOfBirth,
      upn: pupil.upn,
    }),
  );
}
