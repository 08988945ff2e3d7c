/** What officers choose from when working a case. Values are stable ids; titles are what people read. */

/**
 * The DfE's primary reasons for a child missing education, recorded at triage, in the DfE's own
 * wording (the termly return is compared line by line). "Not recorded" is not a choice: it is
 * what the return says when none was recorded.
 */
export const dfeReasonChoices = [
  { value: "moved-in-la", title: "Moved in from another local authority" },
  { value: "moved-in-abroad", title: "Moved in from another country" },
  { value: "application-awaiting", title: "School application awaiting outcome" },
  { value: "offer-not-accepted", title: "Offered school place but not yet accepted" },
  { value: "waiting-to-start", title: "Waiting school start" },
  { value: "preference-not-met", title: "Did not get school preference" },
  { value: "unsuitable-home-education", title: "Unsuitable elective home education" },
  { value: "access-difficulty", title: "Difficulty accessing suitable school place" },
  { value: "dissatisfied-general", title: "School dissatisfaction general" },
  { value: "dissatisfied-send", title: "School dissatisfaction SEND" },
  { value: "mental-health", title: "Mental health" },
  { value: "physical-health", title: "Physical health" },
  { value: "parental-decision", title: "Parental decision not to register at school" },
  { value: "did-not-apply", title: "Did not apply for school place at compulsory school age" },
  { value: "sao-challenge", title: "Challenging school attendance order" },
  { value: "moved-la", title: "Believed to have moved to another local authority" },
  { value: "moved-abroad", title: "Believed to have moved to another country" },
  { value: "unknown", title: "Unknown" },
  { value: "other", title: "Other" },
] as const;

/** The wording cases' histories were written in before the DfE's was adopted: still read. */
export const earlierDfeReasonTitles: Readonly<Record<string, DfeReason>> = {
  "Believed moved to another country": "moved-abroad",
  "Believed moved to another LA": "moved-la",
  "Did not apply for a place at compulsory school age": "did-not-apply",
  "Difficulty accessing a suitable place": "access-difficulty",
  "Moved in from another LA": "moved-in-la",
  "Offered a place, not yet accepted": "offer-not-accepted",
  "Parental decision not to register": "parental-decision",
  "Application awaiting outcome": "application-awaiting",
  "Dissatisfied with school (SEND)": "dissatisfied-send",
  "Dissatisfied with school (general)": "dissatisfied-general",
  "Unsuitable home education": "unsuitable-home-education",
  "Waiting to start school": "waiting-to-start",
};

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

/**
 * What a Lost Pupil Database / S2S search found (the officer chooses; kept as a value on the
 * enquiry): a record at a school names the school and its local authority.
 */
export const s2sResultChoices = [
  { value: "found-at-school", title: "Found: record at a school" },
  { value: "found-abroad", title: "Found: moved abroad (MMMMMMM)" },
  { value: "not-found", title: "Not found" },
  { value: "not-possible", title: "Search not possible" },
] as const;
export type S2sResult = (typeof s2sResultChoices)[number]["value"];

/** The joint-enquiries decision (reg 9(1)(h)/(i) of the 2024 Regulations): agree deletion with the school, or keep going. */
export const jointEnquiriesDecisionChoices = [
  {
    value: "delete-9-1-h",
    title: "Deletion agreed with the school: reg 9(1)(h), not back 10 school days after leave",
  },
  {
    value: "delete-9-1-i",
    title: "Deletion agreed with the school: reg 9(1)(i), absent 20+ school days",
  },
  { value: "keep-open", title: "Keep on roll and keep enquiring (say why)" },
] as const;
export type JointEnquiriesDecision = (typeof jointEnquiriesDecisionChoices)[number]["value"];

/** What a referral on shared with the other service (data protection: every share records what, with whom, why, when, by whom). */
export const sharedChoices = [
  { value: "referral", title: "The referral's details" },
  { value: "enquiries", title: "Enquiries made and their outcomes" },
  { value: "contact-details", title: "The child's and family's contact details" },
  { value: "case-file", title: "The whole case file" },
] as const;

/**
 * The lawful basis of every referral on, fixed by law:
 * recorded and shown, never chosen, and never consent.
 */
export const referralOnLawfulBasis = {
  value: "public-task-safeguarding",
  title:
    "Public task (UK GDPR 6(1)(e)); special category data for safeguarding (9(2)(g), DPA 2018 Sch.1 para 18). Not consent.",
} as const;
