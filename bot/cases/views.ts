import { formatDate, formatDateTime } from "../people/format.js";
import { titleOf } from "../referrals/questions.js";
import { ageOn, yearGroupOn } from "../referrals/school-age.js";
import { childName, kindChoices } from "../referrals/views.js";
import type { Case, CaseStatus } from "./case.js";

export const statusTitles: Record<CaseStatus, string> = {
  new: "New",
  in_progress: "In progress",
  info_requested: "Information requested",
  located: "Located",
  tracking: "Tracking",
  closed: "Closed",
};

/** Who referred: the referrer, or the caller and the officer who recorded it for them. */
export function referredBy(current: Case): string {
  const { name, source } = current.referral.referrer;
  if (!source || source === "school-or-setting") return current.referrer.name;
  const from = {
    agency: "an agency",
    public: "a member of the public",
    "another-council": "another council",
  }[source];
  return `${name} (${from}), recorded by ${current.referrer.name}`;
}

/**
 * The channel card's view: what the team needs to pick a case up. No address, phone or date
 * of birth: the channel is wider than the people who need those.
 */
export function caseChannelView(current: Case, today: string) {
  const { child, school, whatHappened } = current.referral;
  return {
    reference: current.id,
    urgent: current.urgent,
    childName: childName(current.referral),
    childAge: `age ${ageOn(child.dateOfBirth, today)}, ${yearGroupOn(child.dateOfBirth, today)}`,
    kind: current.kind === "early-years" ? "Early years" : "School age",
    whatHappened: titleOf(kindChoices(current.kind).whatHappenedChoices, whatHappened.whatHappened),
    placeLabel: current.kind === "early-years" ? "Setting" : "School",
    school: school.school,
    dateLastAttended: formatDate(school.dateLastAttended),
    status: statusTitles[current.status],
    owner: current.owner?.name ?? "Unassigned",
    canAssign: !current.owner && current.status !== "closed",
    submittedAt: formatDateTime(current.submittedAt),
    referrer: referredBy(current),
    furtherReferrals: (current.furtherReferrals ?? []).length,
  };
}
