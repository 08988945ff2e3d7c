/** Answer choices for the referral forms (school-age, and early-years where it differs). Values are stable ids; titles are what people read. */

export const whatHappenedChoices = [
  { value: "whereabouts-unknown", title: "Whereabouts unknown, no contact with the family" },
  { value: "left-destination-unknown", title: "Left; destination school or address unknown" },
  { value: "believed-abroad", title: "Believed moved abroad, not confirmed" },
  { value: "did-not-take-up-place", title: "Did not take up an allocated place" },
  { value: "not-returned-after-leave", title: "Did not return after a leave of absence" },
  { value: "home-education-not-in-writing", title: "Parent said (not in writing) they will home educate" },
  {
    value: "home-education-in-writing",
    title: "Parent notified the school in writing that they will home educate",
  },
  { value: "other", title: "Other (describe)" },
] as const;

export const earlyYearsWhatHappenedChoices = [
  { value: "unexplained-absence", title: "Unexplained or prolonged absence" },
  { value: "left-destination-unknown", title: "Left without notice, destination unknown" },
  { value: "funded-place-not-started", title: "Offered a funded place but never started" },
  { value: "other", title: "Other (describe)" },
] as const;

export const fundedEntitlementChoices = [
  { value: "two-year-old", title: "2-year-old entitlement" },
  { value: "universal-15", title: "Universal 15 hours" },
  { value: "working-parent", title: "Working-parent hours" },
  { value: "none", title: "None" },
] as const;

export const sexChoices = [
  { value: "female", title: "Female" },
  { value: "male", title: "Male" },
  { value: "not-known", title: "Not known" },
] as const;

/** Where the child lives now: no fixed abode and not known need no address or postcode. */
export const addressStatusChoices = [
  { value: "known", title: "Known address" },
  { value: "no-fixed-abode", title: "No fixed abode" },
  { value: "not-known", title: "Not known" },
] as const;

export const yesNoChoices = [
  { value: "no", title: "No" },
  { value: "yes", title: "Yes" },
] as const;

export const yesNoUnknownChoices = [
  { value: "yes", title: "Yes" },
  { value: "no", title: "No" },
  { value: "unknown", title: "Don't know" },
] as const;

export const yearGroupChoices = [
  { value: "Reception", title: "Reception" },
  ...Array.from({ length: 11 }, (_, i) => ({ value: `Year ${i + 1}`, title: `Year ${i + 1}` })),
] as const;

export const onRollChoices = [
  { value: "on-roll", title: "Still on roll" },
  { value: "deleted", title: "Deleted from roll" },
] as const;

/** Regulation 9(1) of the School Attendance (Pupil Registration) (England) Regulations 2024. */
export const deletionGroundChoices = [
  { value: "a", title: "(a) Registered at another school" },
  { value: "b", title: "(b) Left nursery class, not continuing" },
  { value: "c", title: "(c) Dual registration ended with consent" },
  { value: "d", title: "(d) School attendance order amended" },
  { value: "e", title: "(e) School attendance order revoked" },
  { value: "f", title: "(f) Parent notified in writing of home education" },
  { value: "g", title: "(g) No longer lives within reasonable distance" },
  { value: "h", title: "(h) Not returned 10 school days after leave; joint enquiries failed" },
  { value: "i", title: "(i) Absent 20+ school days; joint enquiries failed" },
  { value: "j", title: "(j) Detained under sentence" },
  { value: "k", title: "(k) Died" },
  { value: "l", title: "(l) Over compulsory school age, not continuing" },
  { value: "m", title: "(m) Boarding fees unpaid" },
  { value: "n", title: "(n) Left an independent or non-maintained special school" },
  { value: "o", title: "(o) Permanently excluded" },
] as const;

export const ctfChoices = [
  { value: "not-sent", title: "Not sent yet" },
  { value: "destination-school", title: "Sent to the destination school (S2S)" },
  { value: "XXXXXXX", title: "Sent to the Lost Pupil Database (XXXXXXX, destination unknown)" },
  { value: "MMMMMMM", title: "Sent as MMMMMMM (moved abroad)" },
] as const;

/** The risk factors of Leicestershire's CME referral; `highRisk` ones make a referral urgent. */
export const riskFactorChoices = [
  { value: "youth-justice", title: "Youth justice supervision" },
  { value: "domestic-violence", title: "Fleeing domestic violence", highRisk: true },
  { value: "homeless", title: "Homeless / temporary accommodation / HMO / B&B" },
  { value: "runaway", title: "Runaway", highRisk: true },
  { value: "family-asb", title: "Anti-social behaviour in the family" },
  { value: "substance-misuse", title: "Substance or alcohol misuse" },
  { value: "asylum", title: "Unaccompanied asylum seeker; refugee or asylum-seeking family" },
  { value: "no-fixed-address", title: "New immigrant family without a fixed address" },
  { value: "migrant-worker", title: "Migrant worker family" },
  { value: "highly-mobile", title: "Highly mobile family (armed forces; Gypsy, Roma, Traveller)" },
  { value: "unsuitable-home-education", title: "Home education not suitable" },
  { value: "bullied", title: "Bullied" },
  { value: "discrimination", title: "Discrimination (race, faith, gender, disability, sexuality)" },
  { value: "exploitation", title: "Sexual exploitation or trafficking", highRisk: true },
  { value: "honour-based-violence", title: "Honour-based violence, forced marriage or FGM", highRisk: true },
  { value: "looked-after", title: "Looked after", highRisk: true },
  { value: "missing-from-care", title: "Missing from care", highRisk: true },
  { value: "privately-fostered", title: "Privately fostered" },
  { value: "young-carer", title: "Young carer" },
  { value: "teenage-parent", title: "Teenage parent" },
  { value: "permanently-excluded", title: "Permanently excluded (especially unlawfully)" },
  { value: "taken-abroad", title: "Taken abroad for a long period" },
  { value: "school-closed", title: "School closed, no transition" },
  { value: "parent-mental-health", title: "Parent with mental health problems" },
  { value: "parent-learning-difficulties", title: "Parent with learning difficulties" },
  { value: "medical-emotional", title: "Long-term medical or emotional problems" },
] as const;

export const vulnerabilityFlagChoices = [
  { value: "looked-after", title: "Looked after", highRisk: true },
  { value: "child-protection-plan", title: "Child protection plan", highRisk: true },
  { value: "child-in-need", title: "Child in need / known to social care" },
  { value: "ehcp", title: "EHCP" },
  { value: "sen-support", title: "SEN support" },
  { value: "young-carer", title: "Young carer" },
  { value: "privately-fostered", title: "Privately fostered" },
  { value: "mobile-grt", title: "Mobile child (Gypsy, Roma, Traveller)" },
  { value: "service-family", title: "Service family" },
  { value: "new-arrival-eal", title: "New arrival / EAL" },
] as const;

/** Enquiries a school makes before referring; `core` ones, with the home visit, are the readiness gate. */
export const enquiryTypeChoices = [
  {
    value: "first-day-call",
    title: "First-day call",
    core: true,
    why: "the first call is the quickest way to find a family",
  },
  {
    value: "emergency-contacts",
    title: "All emergency contacts (different times of day)",
    core: true,
    why: "contacts often know where the family has gone",
  },
  {
    value: "letter",
    title: "Letter to last known address",
    core: true,
    why: "a letter is the record that the family was asked in writing",
  },
  { value: "siblings-schools", title: "Siblings' schools", core: false, why: "" },
  { value: "staff-pupils", title: "Staff, pupils and friends", core: false, why: "" },
  { value: "health", title: "Health (school nurse, health visitor, GP)", core: false, why: "" },
  { value: "social-care", title: "Social care", core: false, why: "" },
  { value: "education-welfare", title: "Education welfare", core: false, why: "" },
  { value: "police", title: "Police", core: false, why: "" },
  { value: "other-la", title: "Other local authority", core: false, why: "" },
  { value: "social-media", title: "Social media", core: false, why: "" },
  { value: "other", title: "Other", core: false, why: "" },
] as const;

/** Early-years enquiries; `core` ones are its readiness gate, with the home visit. */
export const earlyYearsEnquiryTypeChoices = [
  {
    value: "parent-calls",
    title: "Calls to parents",
    core: true,
    why: "parents are the first people to ask",
  },
  {
    value: "emergency-contacts",
    title: "Both emergency contacts",
    core: true,
    why: "contacts often know where the family has gone",
  },
  { value: "siblings-schools", title: "Siblings' schools", core: false, why: "" },
  { value: "health-visitor", title: "Health visitor", core: false, why: "" },
  { value: "social-care", title: "Social care", core: false, why: "" },
  { value: "other", title: "Other", core: false, why: "" },
] as const;

export const timeOfDayChoices = [
  { value: "morning", title: "Morning" },
  { value: "afternoon", title: "Afternoon" },
  { value: "evening", title: "Evening" },
] as const;

/** Who the referral comes from: staff refer for themselves; CME officers record the others' on their behalf. */
export const referralSourceChoices = [
  { value: "school-or-setting", title: "Me (school or setting staff)" },
  { value: "agency", title: "An agency (recorded by a CME officer)" },
  { value: "public", title: "A member of the public (recorded by a CME officer)" },
  { value: "another-council", title: "Another council (recorded by a CME officer)" },
] as const;

export const parentsToldChoices = [
  { value: "yes", title: "Yes" },
  { value: "no", title: "No" },
  { value: "not-safe", title: "Not safe to tell them" },
] as const;
