import { statusTitles } from "../cases/case.js";
import { referralKindOf } from "../cases/school-age-conversion.js";
import { formatDate } from "../shared/format.js";
import { forms } from "../referrals/steps.js";
import type { ReferralSummary } from "./case-readings.js";

/** A referrer's own referrals, newest first, with where each has got to. */
export function myReferralsView(referrals: readonly ReferralSummary[]) {
  return {
    referrals: referrals.map((referral) => ({
      reference: referral.id,
      child: `${referral.forenames} ${referral.surname}`,
      status: statusTitles[referral.status],
      // The form the referrer made, whatever the case became since.
      kind: forms[referralKindOf(referral)].title.replace(" CME referral", ""),
      submitted: formatDate(referral.submittedAt),
    })),
  };
}
