import type { ContainerDefinition } from "@azure/cosmos";

/**
 * Every container the bot uses, with its partition key and indexing policy. infra/ creates
 * the same ones in Azure from infra/cosmos-containers.json (a test keeps the two equal); the bot
 * creates any that are missing at start.
 */
export const containerDefinitions = {
  cases: {
    id: "cases",
    partitionKey: { paths: ["/id"] },
    indexingPolicy: {
      indexingMode: "consistent",
      includedPaths: [
        { path: "/matchKeys/*" },
        { path: "/status/?" },
        { path: "/owner/id/?" },
        { path: "/referrer/id/?" },
        { path: "/submittedAt/?" },
        { path: "/urgent/?" },
        { path: "/nextCheckAt/?" },
        { path: "/closure/at/?" },
        { path: "/anonymisedAt/?" },
        // The reports' filters: referrals received and referrals on in a period.
        { path: "/furtherReferrals/[]/at/?" },
        { path: "/referralsOn/[]/date/?" },
      ],
      // The referral holds personal data that is never queried: keep it out of the index.
      excludedPaths: [{ path: "/*" }],
    },
  },
  drafts: {
    id: "drafts",
    partitionKey: { paths: ["/userId"] },
    indexingPolicy: {
      indexingMode: "consistent",
      includedPaths: [
        { path: "/updatedAt/?" },
        { path: "/reference/?" },
        { path: "/mergedInto/?" },
        { path: "/submittedAt/?" },
        { path: "/dangerAlert/key/?" },
        { path: "/_ts/?" },
      ],
      excludedPaths: [{ path: "/*" }],
    },
  },
  outbox: {
    id: "outbox",
    partitionKey: { paths: ["/id"] },
    indexingPolicy: {
      indexingMode: "consistent",
      includedPaths: [{ path: "/state/?" }, { path: "/nextAttemptAt/?" }, { path: "/createdAt/?" }],
      excludedPaths: [{ path: "/*" }],
    },
  },
  settings: {
    id: "settings",
    partitionKey: { paths: ["/id"] },
    indexingPolicy: { indexingMode: "consistent", includedPaths: [{ path: "/*" }], excludedPaths: [] },
  },
} satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof containerDefinitions;
