import { createHash } from "node:crypto";
import type { Case } from "../cases/case.js";
import type { CaseRepository } from "../cases/case-repository.js";
import { withNextCheck, type Clocks } from "../escalations/due.js";
import type { Outbox } from "../outbox/outbox.js";
import {
  isExtractReferral,
  pupilDatabaseReport,
  type ExtractReferral,
} from "../referrals/extract-referral.js";
import { schoolAgeStanding } from "../referrals/school-age.js";
import { matchKeysOf } from "../referrals/submitted-referral.js";
import type { Settings } from "../settings.js";
import { formatReference } from "../shared/case-reference.js";
import type { Person } from "../shared/person.js";
import { ukDate } from "../shared/uk-dates.js";
import { extractListTitles } from "./extract-view.js";
import type { Finding } from "./findings.js";
import { childKeyOf, claimKeyOf } from "./open-case-links.js";

/**
 * "Open a case" from a row of a pupil database extract (issue 14 items 2–3): exactly one case per
 * child, however many clicks (a double click, two officers, two imports of the same file).
 *
 * The child is claimed first: a document in settings whose id is a hash of the child's match key
 * (the UPN, else name and date of birth; never the plain key), created only if absent, naming the
 * case's reference. A repeat finds the claim and the case (creating the case if a crash left only
 * the claim); a claim whose case has since closed, or was purged, is replaced under its ETag (the
 * child is missing again); retention removes a case's claim with its details. What it costs: a reference is taken before the claim, so one lost race skips a number.
 * Each step after the claim (the case, its channel card, the import record) is safe to repeat.
 */

export interface ExtractCasePorts {
  readonly cases: Pick<CaseRepository, "openMatches" | "get" | "create">;
  readonly settings: Pick<
    Settings,
    "extractClaim" | "takeExtractClaim" | "nextInSequence" | "addCaseToImport" | "retentionRecord"
  >;
  readonly outbox: Pick<Outbox, "showNewCaseCard">;
  readonly clocks: Clocks;
}

/** The import a row came from, as its case records it. */
export interface ExtractSource {
  readonly importId: string;
  readonly fileName: string;
  readonly importedAt: string;
}

export interface ExtractCaseOutcome {
  readonly kind: "opened" | "already-open";
  readonly reference: string;
  /** False when the import has no record to add the case to (its recording failed): the caller logs it. */
  readonly recorded: boolean;
}

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

/** The claim's id part: a hash, so no child's details are in a document id. */
export const childHashOf = (finding: Finding) => hashOf(childKeyOf(finding));

/** The hash of the claim a case opened from an extract was opened under (retention removes it). */
export const claimHashOfCase = (current: Pick<Case, "matchKeys">) => hashOf(claimKeyOf(current.matchKeys));

function childOf({ pupil }: Finding) {
  return {
    forenames: pupil.legalForename,
    surname: pupil.legalSurname,
    dateOfBirth: pupil.dateOfBirth,
    ...(pupil.sex ? { sex: pupil.sex } : {}),
    ...(pupil.upn ? { upn: pupil.upn } : {}),
    ...(pupil.address ? { address: pupil.address } : {}),
    ...(pupil.postcode ? { postcode: pupil.postcode } : {}),
  };
}

/** What the row says, in the forms' keys where the meaning is the same. Its first list is the case's. */
export function extractReferralOf(finding: Finding, source: ExtractSource, officer: Person): ExtractReferral {
  const { pupil, row, lists } = finding;
  const list = lists[0]!;
  const destination = pupil.destination;
  return {
    from: pupilDatabaseReport,
    whatHappened: {
      whatHappened: list,
      title: `From the pupil database report: ${extractListTitles[list]}`,
    },
    child: childOf(finding),
    school: {
      ...(pupil.currentEstablishment ? { school: pupil.currentEstablishment } : {}),
      ...(pupil.onRoll !== undefined ? { onRoll: pupil.onRoll } : {}),
      ...(pupil.dateLeft ? { dateLeft: pupil.dateLeft } : {}),
      ...(destination?.kind === "ctf-unknown" ? { ctf: "XXXXXXX" as const } : {}),
      ...(destination?.kind === "ctf-abroad" ? { ctf: "MMMMMMM" as const } : {}),
      ...(destination?.kind === "school" ? { destinationSchool: destination.name } : {}),
    },
    referrer: { source: pupilDatabaseReport, name: officer.name },
    extract: { ...source, row, lists: [...lists] },
  };
}

/**
 * The case a row opens: status new, never urgent on arrival, early-years while the child is under
 * compulsory school age on the day (the early-years clock and conversion then apply).
 */
export function caseFromExtractRow(
  finding: Finding,
  source: ExtractSource,
  officer: Person,
  reference: string,
  now: Date,
): Case {
  const referral = extractReferralOf(finding, source, officer);
  const at = now.toISOString();
  const list = extractListTitles[referral.whatHappened.whatHappened];
  return {
    id: reference,
    kind:
      schoolAgeStanding(finding.pupil.dateOfBirth, ukDate(now)) === "under" ? "early-years" : "school-age",
    draftId: `${pupilDatabaseReport}|${source.importId}|${finding.row}`,
    submittedAt: at,
    referrer: {
      id: officer.id,
      name: officer.name,
      ...(officer.aadObjectId ? { aadObjectId: officer.aadObjectId } : {}),
    },
    referral,
    urgent: false,
    urgentTriggers: [],
    matchKeys: matchKeysOf(referral.child),
    furtherReferrals: [],
    enquiryLog: [],
    referralsOn: [],
    infoRequests: [],
    status: "new",
    events: [
      {
        at,
        by: { id: officer.id, name: officer.name },
        type: "submitted",
        to: "new",
        reason: `opened from pupil database extract ${source.fileName}, row ${finding.row} (${list})`,
      },
    ],
  };
}

/** Opens the row's case once (see above), or says which open case the child already has. */
export async function openExtractCase(
  ports: ExtractCasePorts,
  source: ExtractSource,
  finding: Finding,
  officer: Person,
  now: Date,
): Promise<ExtractCaseOutcome> {
  const hash = childHashOf(finding);
  const keys = matchKeysOf(childOf(finding));
  for (;;) {
    const [claim, open] = await Promise.all([
      ports.settings.extractClaim(hash),
      ports.cases.openMatches(keys),
    ]);
    const claimed = claim && open.find((current) => current.id === claim.reference);
    if (claimed) {
      // Opened before (a repeat, or a crash before its card or record): finish what is left. The
      // import it was opened from records it, whichever import the press came from (the same file
      // imported twice is two records; a crash before the record leaves it to this repeat).
      const openedFrom = isExtractReferral(claimed.referral) ? claimed.referral.extract.importId : undefined;
      const recorded = await finish(ports, openedFrom, claimed.id);
      return { kind: "already-open", reference: claimed.id, recorded };
    }
    const other = open[0];
    if (other) return { kind: "already-open", reference: other.id, recorded: true };
    let reference: string;
    if (
      claim &&
      !(await ports.cases.get(claim.reference)) &&
      !(await ports.settings.retentionRecord(claim.reference))
    ) {
      // A crash left the claim without its case: it is opened under the claimed reference.
      reference = claim.reference;
    } else {
      // No claim, or its case has closed or been purged (the child is missing again): a new case,
      // a new claim (a purged reference is never used again: its record stands for it).
      reference = formatReference(
        now.getUTCFullYear(),
        await ports.settings.nextInSequence(`case-${now.getUTCFullYear()}`),
      );
      const taken = await ports.settings.takeExtractClaim(hash, reference, now, claim?.etag);
      if (!taken) continue; // someone else claimed the child first: theirs is the case (this number is skipped)
    }
    await ports.cases.create(
      withNextCheck(caseFromExtractRow(finding, source, officer, reference, now), ports.clocks, now),
    );
    return { kind: "opened", reference, recorded: await finish(ports, source.importId, reference) };
  }
}

/**
 * The case's channel card (keyed: posted once) and the import's record (a set): both safe to
 * repeat. False when the import has no record to add the case to.
 */
async function finish(
  ports: ExtractCasePorts,
  importId: string | undefined,
  reference: string,
): Promise<boolean> {
  await ports.outbox.showNewCaseCard(reference);
  return importId ? ports.settings.addCaseToImport(importId, reference) : true;
}
