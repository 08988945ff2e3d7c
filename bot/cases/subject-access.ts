import type { Person } from "../people/person.js";
import type { Case } from "./case.js";

/** What a subject access request for a child is answered with: everything held, as stored. */
export interface SubjectAccessExport {
  readonly exportedAt: string;
  readonly exportedBy: Person;
  readonly requestedFor: string;
  readonly about: string;
  /** Every case for the child (matched on UPN, or name and date of birth), open or closed. */
  readonly cases: readonly Case[];
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
    messages,
  };
}

/** The case with the share recorded in its history: what, with whom, why, when, by whom. */
export function withShare(current: Case, by: Person, sharedWith: string, why: string, now: Date): Case {
  return {
    ...current,
    events: [...current.events, { at: now.toISOString(), by, type: "shared", to: sharedWith, reason: why }],
  };
}
