// adaptivecards-templating's typings import adaptivecards' TypeScript sources, which do not
// compile under this project's settings; this stands in for the one type they use.
export type IAdaptiveCard = Record<string, unknown>;
