/**
 * Unique pupil numbers (DfE): 13 characters, a check letter then 12 characters (LA number,
 * establishment number, year, serial; a temporary UPN ends in a letter). The check letter is
 * the sum of characters 2–13 weighted 2–13, modulo 23, read in a 23-letter alphabet.
 */
const checkAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ";

function characterValue(character: string): number | undefined {
  if (/^\d$/.test(character)) return Number(character);
  const index = checkAlphabet.indexOf(character);
  return index >= 0 ? index : undefined;
}

export function upnCheckLetter(rest: string): string | undefined {
  if (!/^\d{11}[\dA-HJ-NP-RT-Z]$/.test(rest)) return undefined;
  let sum = 0;
  for (let i = 0; i < rest.length; i += 1) {
    const value = characterValue(rest[i] ?? "");
    if (value === undefined) return undefined;
    sum += value * (i + 2);
  }
  return checkAlphabet[sum % 23];
}

export function isValidUpn(upn: string): boolean {
  return upn.length === 13 && upnCheckLetter(upn.slice(1)) === upn[0];
}
