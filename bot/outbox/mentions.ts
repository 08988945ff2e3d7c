import type { OutboxItem } from "./outbox-item.js";

export interface Mentioned {
  readonly id: string;
  readonly name: string;
}

/**
 * Who a channel card @mentions. An escalation to the owner mentions them (the managers when
 * nobody owns the case); one to the managers (or to a referrer who has no chat) mentions the owner
 * too. Urgent cases, sign-off requests and immediate-danger alerts go to the managers. The case's
 * own card and the cards about no one case mention nobody.
 */
export function whoIsMentioned(
  item: OutboxItem,
  hasOwner: boolean,
): { readonly owner: boolean; readonly managers: boolean } {
  switch (item.kind) {
    case "escalation":
      return { owner: true, managers: item.data.notify !== "owner" || !hasOwner };
    case "urgent":
    case "sign-off":
    case "danger-alert":
      return { owner: false, managers: true };
    default:
      return { owner: false, managers: false };
  }
}

/** The people mentioned, in order: the owner (when asked for), then the managers who are not the owner. */
export function mentionedPeople(
  who: { readonly owner: boolean; readonly managers: boolean },
  owner: Mentioned | undefined,
  managers: readonly Mentioned[],
): Mentioned[] {
  const first = who.owner && owner ? [owner] : [];
  return [...first, ...(who.managers ? managers.filter((manager) => manager.id !== owner?.id) : [])];
}
