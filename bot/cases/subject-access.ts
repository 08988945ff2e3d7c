import type { Person } from "../shared/person.js";
import type { OutboxRepository } from "../outbox/outbox-repository.js";
import type { CaseRepository } from "./case-repository.js";
import { referralOnId, type Case } from "./case.js";
import { referralOnChoices, referralOnLawfulBasis, sharedChoices } from "./choices.js";
import { titleOf } from "../shared/choice.js";
import { ukDate } from "../shared/uk-dates.js";

/** What a subject access request for a child is answered with: everything held, as stored. */
export interface SubjectAccessExport {
  readonly exportedAt: string;
  readonly exportedBy: Person;
  readonly requestedFor: string;
  readonly about: string;
  /** Every case for the child (matched on UPN, or name and date of birth), open or closed. */
  readonly cases: readonly Case[];
  /** Every share recorded on those cases, oldest first: referrals on, and files saved. */
  readonly shares: readonly Share[];
  /** Messages held for sending about these cases (notices and questions to referrers). */
  readonly messages: readonly unknown[];
}

export function subjectAccessExport(
  reference: string,
  cases: readonly Case[],
  messages: readonly unknown[],
  by: Person,
  now: Date,
): SubjectAccessExport {
  return {
    exportedAt: now.toISOString(),
    exportedBy: by,
    requestedFor: reference,
    about:
      "Everything CME Referrals holds about this child: each case with the referral as submitted, further referrals, the history, enquiries, referrals on, questions and answers, and messages waiting to be sent. Drafts not submitted belong to their referrers and are not included.",
    cases,
    shares: sharesOf(cases),
    messages,
  };
}

/** One share of the child's records, as the export lists it: what, with whom, why, when, by whom (every share is recorded so). */
export interface Share {
  readonly case: string;
  readonly kind: "referral on" | "file saved";
  /** When it was shared (a referral on's date as recorded) and when it was recorded. */
  readonly date: string;
  readonly recordedAt: string;
  readonly by: string;
  readonly sharedWith: string;
  readonly what: string;
  readonly why: string;
  /** A referral on's (fixed by law); a file's is the request or task it was saved for. */
  readonly lawfulBasis?: string;
  readonly referralOnId?: string;
  readonly reference?: string;
  readonly outcome?: string;
}

/** Said of what a referral on recorded before its what and why were asked for. */
const notRecorded = "Not recorded (referred on before this was asked)";

/** Said of the words retention removed from a referral on (its why and outcome). */
const removedByRetention = "Removed under retention";

/** Every share on these cases: each referral on whole, and each file saved with the records in it. */
export function sharesOf(cases: readonly Case[]): Share[] {
  return cases
    .flatMap((current) => [
      ...current.referralsOn.map((entry, index): Share => ({
        case: current.id,
        kind: "referral on",
        date: entry.date,
        recordedAt: entry.at,
        by: entry.by.name,
        sharedWith: titleOf(referralOnChoices, entry.service),
        what: entry.shared?.map((each) => titleOf(sharedChoices, each)).join("; ") ?? notRecorded,
        why: entry.why ?? (current.anonymisedAt ? removedByRetention : notRecorded),
        // Fixed by law whether or not the entry recorded it: the council shares under its public task.
        lawfulBasis: referralOnLawfulBasis.title,
        ...(entry.reference ? { reference: entry.reference } : {}),
        outcome: entry.outcome ?? (current.anonymisedAt ? removedByRetention : "No outcome recorded yet"),
        referralOnId: referralOnId(entry, index),
      })),
      ...current.events
        .filter((event) => event.type === "shared")
        .map((event): Share => ({
          case: current.id,
          kind: "file saved",
          date: ukDate(new Date(event.at)),
          recordedAt: event.at,
          by: event.by.name,
          sharedWith: event.to ?? "",
          what: `The file: ${event.to ?? ""}`,
          why: event.reason ?? "",
        })),
    ])
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

/** The case with the share recorded in its history: what, with whom, why, when, by whom. */
export function withShare(current: Case, by: Person, sharedWith: string, why: string, now: Date): Case {
  return {
    ...current,
    events: [...current.events, { at: now.toISOString(), by, type: "shared", to: sharedWith, reason: why }],
  };
}

/** A file's share of the records of some cases: recorded on each case when the file is saved. */
export interface FileShares {
  readonly references: readonly string[];
  readonly sharedWith: string;
  readonly why: string;
}

/** Where the export reads from: the child's cases and the messages held about them. */
export interface SubjectAccessSources {
  readonly cases: Pick<CaseRepository, "forChild">;
  readonly outbox: Pick<OutboxRepository, "aboutCase">;
}

/** Stored documents as they are, without the store's own fields (`_etag`, `_ts` …). */
function withoutStoreFields<T extends object>(document: T): T {
  return Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith("_"))) as T;
}

/** Everything held about the child of a case, and the shares saving it records on each of their cases. */
export async function subjectAccessExportFor(
  sources: SubjectAccessSources,
  current: Case,
  by: Person,
  now: Date,
): Promise<{ document: SubjectAccessExport; shares: FileShares }> {
  const reference = current.id;
  const cases = await sources.cases.forChild(current.matchKeys);
  const messages = (await Promise.all(cases.map((each) => sources.outbox.aboutCase(each.id)))).flat();
  return {
    document: subjectAccessExport(
      reference,
      cases.map(withoutStoreFields),
      messages.map(withoutStoreFields),
      by,
      now,
    ),
    shares: {
      references: cases.map((each) => each.id),
      sharedWith: "subject access request (export)",
      why: `requested for ${reference}`,
    },
  };
}

/** Shares are recorded a few cases at a time: a long list must not hold every write open at once. */
const sharesAtOnce = 8;

/** Records a file's share on every case whose records it holds. */
export async function recordShares(
  cases: Pick<CaseRepository, "update">,
  { references, sharedWith, why }: FileShares,
  by: Person,
  now: Date,
): Promise<void> {
  for (let at = 0; at < references.length; at += sharesAtOnce) {
    await Promise.all(
      references
        .slice(at, at + sharesAtOnce)
        .map((reference) =>
          cases.update(reference, (latest) =>
            latest ? withShare(latest, by, sharedWith, why, now) : undefined,
          ),
        ),
    );
  }
}
