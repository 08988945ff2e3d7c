/** What officers choose from when working a case (DOMAIN.md "The case"). Values are stable ids; titles are what people read. */

/** DfE's primary reasons for a child missing education, recorded at triage. */
export const dfeReasonChoices = [
  { value: "moved-abroad", title: "Believed moved to another country" },
  { value: "moved-la", title: "Believed moved to another LA" },
  { value: "sao-challenge", title: "Challenging school attendance order" },
  { value: "did-not-apply", title: "Did not apply for a place at compulsory school age" },
  { value: "preference-not-met", title: "Did not get school preference" },
  { value: "access-difficulty", title: "Difficulty accessing a suitable place" },
  { value: "mental-health", title: "Mental health" },
  { value: "moved-in-abroad", title: "Moved in from another country" },
  { value: "moved-in-la", title: "Moved in from another LA" },
  { value: "offer-not-accepted", title: "Offered a place, not yet accepted" },
  { value: "other", title: "Other" },
  { value: "parental-decision", title: "Parental decision not to register" },
  { value: "physical-health", title: "Physical health" },
  { value: "application-awaiting", title: "Application awaiting outcome" },
  { value: "dissatisfied-send", title: "Dissatisfied with school (SEND)" },
  { value: "dissatisfied-general", title: "Dissatisfied with school (general)" },
  { value: "unknown", title: "Unknown" },
  { value: "unsuitable-home-education", title: "Unsuitable home education" },
  { value: "waiting-to-start", title: "Waiting to start school" },
] as const;
export type DfeReason = (typeof dfeReasonChoices)[number]["value"];

/** How a case can close; "believed abroad" unconfirmed is not one (that case goes to tracking). */
export const outcomeChoices = [
  { value: "on-roll-leicestershire", title: "On roll at a Leicestershire school", earlyYearsOnly: false },
  { value: "on-roll-other-la", title: "On roll in another LA, confirmed", earlyYearsOnly: false },
  {
    value: "moved-abroad",
    title: "Moved abroad, confirmed (address, school and confirmation)",
    earlyYearsOnly: false,
  },
  { value: "home-education", title: "Suitable home education", earlyYearsOnly: false },
  {
    value: "placed",
    title: "Placed through admissions / fair access / EHCP / alternative provision",
    earlyYearsOnly: false,
  },
  { value: "returned", title: "Returned to the original school", earlyYearsOnly: false },
  {
    value: "end-of-compulsory-age",
    title: "Reached end of compulsory school age (handed to post-16 tracking)",
    earlyYearsOnly: false,
  },
  { value: "custody", title: "In custody", earlyYearsOnly: false },
  { value: "died", title: "Died", earlyYearsOnly: false },
  { value: "not-cme", title: "Not CME (attendance matter or duplicate: redirected)", earlyYearsOnly: false },
  { value: "ey-started", title: "Early years: started at a setting or school", earlyYearsOnly: true },
  { value: "ey-no-concern", title: "Early years: no longer a concern", earlyYearsOnly: true },
] as const;
export type Outcome = (typeof outcomeChoices)[number]["value"];

/** Outcomes whose record must say where the child is and who confirmed it. */
export const outcomesNeedingDetail: readonly Outcome[] = ["on-roll-other-la", "moved-abroad", "placed"];

/** The services a case can be referred on to. */
export const referralOnChoices = [
  { value: "childrens-social-care", title: "Children's Social Care" },
  { value: "police", title: "Police" },
  { value: "early-help", title: "Early Help" },
  { value: "admissions", title: "Admissions" },
  { value: "send", title: "SEND" },
  { value: "home-education-team", title: "Home education team" },
  { value: "virtual-school", title: "Virtual School" },
  { value: "other-la-cme", title: "Another LA's CME officer" },
  { value: "home-office", title: "Home Office checks" },
] as const;

/** The council's own enquiries, logged by officers (the chronology auditors read). */
export const officerEnquiryChoices = [
  { value: "other-la", title: "Other local authority" },
  { value: "s2s-lost-pupil", title: "S2S / Lost Pupil Database search" },
  { value: "council-tax", title: "Council tax" },
  { value: "housing", title: "Housing" },
  { value: "health", title: "Health / GP" },
  { value: "benefits", title: "Benefits" },
  { value: "police", title: "Police" },
  { value: "home-office", title: "Home Office" },
  { value: "school", title: "School or setting" },
  { value: "family", title: "Family or home visit" },
  { value: "other", title: "Other" },
] as const;
