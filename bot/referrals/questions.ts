/** Answer choices for the school-age referral (DOMAIN.md section A). Values are stable ids; titles are what people read. */

export const whatHappenedChoices = [
  { value: "whereabouts-unknown", title: "Whereabouts unknown, no contact with the family" },
  { value: "left-destination-unknown", title: "Left; destination school or address unknown" },
  { value: "believed-abroad", title: "Believed moved abroad, not confirmed" },
  { value: "did-not-take-up-place", title: "Did not take up an allocated place" },
  { value: "not-returned-after-leave", title: "Did not return after a leave of absence" },
  { value: "home-education-not-in-writing", title: "Parent said (not in writing) they will home educate" },
  { value: "other", title: "Other (describe)" },
] as const;

export const sexChoices = [
  { value: "female", title: "Female" },
  { value: "male", title: "Male" },
] as const;

export const yesNoChoices = [
  { value: "no", title: "No" },
  { value: "yes", title: "Yes" },
] as const;

type Choice = { readonly value: string; readonly title: string };

export function valuesOf<const T extends readonly Choice[]>(
  choices: T,
): [T[number]["value"], ...T[number]["value"][]] {
  return choices.map((choice) => choice.value) as [T[number]["value"], ...T[number]["value"][]];
}

export function titleOf(choices: readonly Choice[], value: string | undefined): string {
  return choices.find((choice) => choice.value === value)?.title ?? "";
}
