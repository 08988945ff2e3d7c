import type { AdaptiveCardInvokeResponse } from "botbuilder";
import { renderCard } from "./render-card.js";
import type { Reply } from "./route.js";

/** On a card whose action could not be saved because the case store did not answer: the card stays, with what was typed. */
export const storeUnavailableNotice =
  "Not saved yet: the case store is not answering. What you typed is kept here: try again in a minute.";

/** Replaces the card the person clicked (for them) with another. */
export function cardResponse(template: string, view: object): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.card.adaptive",
    value: renderCard(template, view),
  };
}

/** Leaves the card as it is and shows the person a message. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.activity.message",
    value: text as unknown as Record<string, unknown>,
  };
}

/** What an invoke response shows, as a route's reply. */
export function replyOfInvoke(response: AdaptiveCardInvokeResponse): Reply {
  return response.type === "application/vnd.microsoft.card.adaptive"
    ? { card: response.value }
    : { text: response.value as unknown as string };
}
