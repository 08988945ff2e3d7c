/** A choice on a card: a stable id (value) and what people read (title). */
export type Choice = { readonly value: string; readonly title: string };

export function valuesOf<const T extends readonly Choice[]>(
  choices: T,
): [T[number]["value"], ...T[number]["value"][]] {
  return choices.map((choice) => choice.value) as [T[number]["value"], ...T[number]["value"][]];
}

/** Titles of a multi-select's values, joined for reading. */
export function titlesOf(choices: readonly Choice[], values: readonly string[] | undefined): string {
  return (values ?? []).map((value) => titleOf(choices, value)).join("; ");
}

export function titleOf(choices: readonly Choice[], value: string | undefined): string {
  return choices.find((choice) => choice.value === value)?.title ?? "";
}
