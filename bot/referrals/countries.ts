import countries from "i18n-iso-countries/index.js";
import english from "i18n-iso-countries/langs/en.json" with { type: "json" };

// Only the English names are loaded (the package's default entry loads every language it has).
countries.registerLocale(english);

/**
 * Countries a child may have gone to, from the maintained ISO 3166-1 list (`i18n-iso-countries`):
 * stored as the alpha-2 code, shown by its English name; the United Kingdom first (a move to
 * Scotland, Wales or Northern Ireland), then A to Z.
 */
export const countryChoices = Object.entries(countries.getNames("en", { select: "official" }))
  .map(([value, title]) => ({ value, title }))
  .sort((a, b) => (a.value === "GB" ? -1 : b.value === "GB" ? 1 : a.title.localeCompare(b.title, "en-GB")));

/** A country's English name from its code (a code not in the list, as stored). */
export function countryName(code: string): string {
  return countryChoices.find((choice) => choice.value === code)?.title ?? code;
}

/** Where a child may have gone, as the school step records it (older referrals: one line of text). */
export interface PossibleDestination {
  readonly destinationLa?: string | undefined;
  readonly destinationCountry?: string | undefined;
  readonly destinationSchool?: string | undefined;
  readonly possibleDestination?: string | undefined;
}

/** The possible destination in words: local authority, country and school given, then any older line. */
export function destinationInWords(destination: PossibleDestination): string {
  const { destinationLa, destinationCountry, destinationSchool, possibleDestination } = destination;
  return [
    destinationLa,
    destinationCountry && countryName(destinationCountry),
    destinationSchool,
    possibleDestination,
  ]
    .filter(Boolean)
    .join("; ");
}
