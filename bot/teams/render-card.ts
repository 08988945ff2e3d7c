import * as ACData from "adaptivecards-templating";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Attachment } from "botbuilder";
import { CardFactory } from "botbuilder";

const cardsFolder = fileURLToPath(new URL("../../cards/", import.meta.url));
const templates = new Map<string, object>();

/** Teams refuses messages over about 28 KB. */
export const maxCardBytes = 28 * 1024;

export type CardJson = Record<string, unknown>;

function template(name: string): object {
  let loaded = templates.get(name);
  if (!loaded) {
    loaded = JSON.parse(readFileSync(`${cardsFolder}${name}.json`, "utf8")) as object;
    templates.set(name, loaded);
  }
  return loaded;
}

/**
 * Expands the card template `cards/<name>.json` with a view model. A `${…}` left in the
 * result means the view model lacked a value the card uses: that is a bug, so it throws.
 */
export function renderCard(name: string, view: object): CardJson {
  const card = new ACData.Template(template(name)).expand({ $root: view }) as CardJson;
  const json = JSON.stringify(card);
  const unresolved = /\$\{[^}]*\}/.exec(json);
  if (unresolved) throw new Error(`card ${name} left ${unresolved[0]} unresolved`);
  if (Buffer.byteLength(json) > maxCardBytes) throw new Error(`card ${name} is over ${maxCardBytes} bytes`);
  return card;
}

export function cardAttachment(name: string, view: object): Attachment {
  return CardFactory.adaptiveCard(renderCard(name, view));
}
