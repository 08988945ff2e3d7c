import { titleOf } from "../shared/choice.js";
import type { Case, EnquiryLogEntry } from "./case.js";
import { s2sResultChoices } from "./choices.js";

/**
 * Children who left without a forwarding school (docs/CASEWORK.md "Leavers"): what a Lost Pupil
 * Database / S2S search found, and the other local authority a case says the child went to.
 */

export const s2sSearchType = "s2s-lost-pupil";

export type S2sSearch = Pick<EnquiryLogEntry, "s2sResult" | "foundSchool" | "foundLa">;

/** Why an enquiry's search result does not hold together (in words a person can act on), or nothing. */
export function s2sSearchRefusal(input: { readonly type: string } & S2sSearch): string | undefined {
  const searching = input.type === s2sSearchType;
  if (searching && !input.s2sResult) return "Choose what the S2S / Lost Pupil Database search found";
  if (!searching && input.s2sResult)
    return "A search result is only for an S2S / Lost Pupil Database search: choose that kind of enquiry, or clear the result";
  const atSchool = input.s2sResult === "found-at-school";
  if (atSchool && (!input.foundSchool || !input.foundLa))
    return "Say the school the record is at and its local authority";
  if (!atSchool && (input.foundSchool || input.foundLa))
    return "The school and its local authority are for a record found at a school: clear them, or choose that result";
  return undefined;
}

/** A search's result in words: "Found: the CTF/record is at a school: Oak Academy (Nottingham)". */
export function s2sSearchInWords(search: S2sSearch): string {
  const result = titleOf(s2sResultChoices, search.s2sResult) || "Result not recorded";
  return search.foundSchool ? `${result}: ${search.foundSchool} (${search.foundLa ?? ""})` : result;
}

/** The latest S2S search of an enquiry log by its date (of two on a day, the one logged later). */
export function latestS2sSearch<Entry extends { readonly type: string; readonly date: string }>(
  entries: readonly Entry[],
): Entry | undefined {
  return entries
    .filter((entry) => entry.type === s2sSearchType)
    .reduce<Entry | undefined>(
      (latest, entry) => (!latest || entry.date >= latest.date ? entry : latest),
      undefined,
    );
}

/** The local authority a referral's school step names as where the child may have gone. */
const destinationLaOf = (referral: Case["referral"]): string | undefined =>
  "destinationLa" in referral.school ? referral.school.destinationLa : undefined;

/**
 * Whether the case says the child moved to another local authority, and which if it names one:
 * the latest S2S search found the record at a school (its LA), or a referral names a possible
 * destination LA (the latest that does), or the DfE reason is "believed moved to another LA"
 * (no LA named). Nothing: no reason to refer on to another LA's CME officer.
 */
export function movedToAnotherLa(current: Case): { readonly la?: string } | undefined {
  const search = latestS2sSearch(current.enquiryLog);
  if (search?.s2sResult === "found-at-school" && search.foundLa) return { la: search.foundLa };
  const named = [current.referral, ...current.furtherReferrals.map((further) => further.referral)]
    .map(destinationLaOf)
    .filter(Boolean)
    .at(-1);
  if (named) return { la: named };
  return current.dfeReason === "moved-la" ? {} : undefined;
}
