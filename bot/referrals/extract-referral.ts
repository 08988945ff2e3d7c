import { z } from "zod";
import { sexChoices } from "./questions.js";
import { valuesOf } from "../shared/choice.js";

/**
 * A case opened from a row of a pupil database extract (issue 14): not a referral form, so no
 * answers are made up (no family, DSL or enquiries). It holds what the row says, under the keys
 * the forms use where the meaning is the same (`child`, `school.school`, `school.ctf`,
 * `whatHappened.whatHappened`, `referrer.source`), so the store's projections and the reports
 * read it as they read a form.
 */

/** The lists an extract shows (bot/pupils/findings.ts holds their rules). */
export const extractLists = ["compulsory-no-place", "rising-fives", "leavers-no-forwarding-school"] as const;
export type ExtractList = (typeof extractLists)[number];

/** Each list's title, on the import's card, a case's "what happened" and the reports. */
export const extractListTitles: Record<ExtractList, string> = {
  "compulsory-no-place": "Compulsory school age, no school place",
  "rising-fives": "Rising fives, no place or application",
  "leavers-no-forwarding-school": "Left, no forwarding school",
};

/** Where an extract case comes from, as its discriminator and its referral source. */
export const pupilDatabaseReport = "pupil-database-report";

export const extractReferralSchema = z.object({
  from: z.literal(pupilDatabaseReport),
  whatHappened: z.object({
    /** The list the case was opened from. */
    whatHappened: z.enum(extractLists),
    /** "From the pupil database report: <the list's title>". */
    title: z.string(),
  }),
  child: z.object({
    forenames: z.string(),
    surname: z.string(),
    dateOfBirth: z.string(),
    sex: z.enum(valuesOf(sexChoices)).optional(),
    upn: z.string().optional(),
    address: z.string().optional(),
    postcode: z.string().optional(),
  }),
  school: z.object({
    /** The current establishment, if the row names one. */
    school: z.string().optional(),
    /** The row's On Roll (at the current establishment). */
    onRoll: z.boolean().optional(),
    dateLeft: z.string().optional(),
    /** A CTF sent to the Lost Pupil Database, as the forms' CTF answer writes it. */
    ctf: z.enum(["XXXXXXX", "MMMMMMM"]).optional(),
    /** A destination that is a school (its name or DfE number). */
    destinationSchool: z.string().optional(),
  }),
  referrer: z.object({ source: z.literal(pupilDatabaseReport), name: z.string() }),
  /** The import and row it came from (the file itself is not kept). */
  extract: z.object({
    importId: z.string(),
    fileName: z.string(),
    importedAt: z.string(),
    row: z.int(),
    lists: z.array(z.enum(extractLists)),
  }),
});
export type ExtractReferral = z.infer<typeof extractReferralSchema>;

/** Whether a case's referral is an extract row rather than a form's answers. */
export function isExtractReferral<T extends object>(
  referral: T | ExtractReferral,
): referral is ExtractReferral {
  return "from" in referral && referral.from === pupilDatabaseReport;
}
