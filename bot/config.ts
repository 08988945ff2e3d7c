import { outcomeChoices, type Outcome } from "./cases/choices.js";
import { retentionPolicySchema, type RetentionPolicy } from "./cases/retention.js";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { TermDates } from "./escalations/calendar.js";
import { readChecked, readEscalationPolicy, readTermDates } from "./escalations/files.js";
import type { EscalationPolicy } from "./escalations/policy.js";
import type { GraphSettings } from "./graph/client.js";
import { readCensusDates, type CensusDates } from "./reports/census-dates.js";
import { valuesOf } from "./shared/choice.js";
import { loadExtractMapping, type ExtractMapping } from "./pupils/extract-mapping.js";
import { extractLimitsSchema, type ExtractLimits } from "./pupils/read-extract.js";

/** The council's data files ship in config/ beside bot/. */
const defaultFile = (name: string) => fileURLToPath(new URL(`../config/${name}`, import.meta.url));

const loopbackHosts = new Set(["127.0.0.1", "::1", "localhost"]);

/** How App Service passes on a Key Vault reference it could not resolve: as the text itself. */
const keyVaultReference = "@Microsoft.KeyVault(";

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim().length > 0 ? value.trim() : undefined));

/** A phone number people can dial: digits, spaces, brackets, dashes, an optional leading +. */
const dialable = /^\+?\d[\d\s()-]{5,22}\d$/;

const optionalPhone = optionalText.refine(
  (value) => value === undefined || dialable.test(value),
  "must be a phone number, like 0116 305 0005 or +44 116 305 0005",
);

const optionalEmailAddress = optionalText.refine(
  (value) => value === undefined || z.email().safeParse(value).success,
  "must be an e-mail address, like cme@council.gov.uk",
);

/** What the council must set in Azure; in local mode each shows a clearly made-up example. */
const localExamples = {
  CME_CONTACT_NAME: "Example CME contact (set CME_CONTACT_NAME)",
  CME_CONTACT_PHONE: "0116 496 0999",
  CME_CONTACT_EMAIL: "cme-contact@example.org",
  ATTENDANCE_SERVICE_CONTACT:
    "Example attendance service (set ATTENDANCE_SERVICE_CONTACT): 0116 496 0998, attendance@example.org",
  EHE_TEAM_CONTACT:
    "Example elective home education team (set EHE_TEAM_CONTACT): 0116 496 0997, ehe@example.org",
} as const;

const environmentSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: optionalText,
    MICROSOFT_APP_ID: optionalText,
    MICROSOFT_APP_PASSWORD: optionalText,
    MICROSOFT_APP_TENANT_ID: optionalText,
    MICROSOFT_APP_TYPE: z.enum(["SingleTenant", "UserAssignedMSI"]).default("SingleTenant"),
    // The Bot Framework's addresses: Microsoft's public cloud unless set (a sovereign cloud's own, or a stand-in).
    BOT_OPENID_METADATA_URL: z
      .url()
      .default("https://login.botframework.com/v1/.well-known/openidconfiguration"),
    BOT_TOKEN_ISSUER: z.string().min(1).default("https://api.botframework.com"),
    BOT_CONNECTOR_SCOPE: z.string().min(1).default("https://api.botframework.com"),
    BOT_LOGIN_HOST: z.url().default("https://login.microsoftonline.com"),
    COSMOS_ENDPOINT: z.url().optional(),
    COSMOS_KEY: optionalText,
    /** The managed identity the bot reaches Cosmos DB and Graph with, in Azure. */
    AZURE_CLIENT_ID: optionalText,
    COSMOS_DATABASE: z.string().min(1).default("cme"),
    CME_TEAM_ID: optionalText,
    CME_CHANNEL_ID: optionalText,
    CME_SERVICE_URL: z.url().optional(),
    CME_MANAGER_IDS: commaList,
    ALLOWED_TENANT_IDS: commaList,
    GRAPH_CLIENT_ID: optionalText,
    GRAPH_CLIENT_SECRET: optionalText,
    GRAPH_BASE_URL: z.url().default("https://graph.microsoft.com"),
    GRAPH_AUTHORITY_HOST: z.url().default("https://login.microsoftonline.com"),
    DRAFT_EXPIRY_DAYS: z.coerce.number().int().positive().default(30),
    DRAFT_REMINDER_DAYS: z.coerce.number().int().min(0).default(7),
    DRAFT_SWEEP_MINUTES: z.coerce.number().positive().default(60),
    OUTBOX_INTERVAL_SECONDS: z.coerce.number().positive().default(15),
    OUTBOX_GIVE_UP_HOURS: z.coerce.number().positive().default(24),
    OUTBOX_CLAIM_SECONDS: z.coerce.number().positive().default(15),
    MESSAGES_PER_SECOND: z.coerce.number().positive().default(50),
    SUBMIT_ANSWER_WITHIN_MS: z.coerce.number().int().positive().default(5000),
    // A turn's store calls take twice this at most: at 5 s that is still inside Teams' 15 s wait.
    STORE_DEADLINE_MS: z.coerce.number().int().min(1500).max(5000).default(3000),
    CHANNEL_AND_TEAM_CACHE_SECONDS: z.coerce.number().min(0).max(600).default(60),
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,
    DIGEST_LOCAL_TIME: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, "must be a UK time like 08:30, or off")
      .default("08:30"),
    ESCALATION_SWEEP_MINUTES: z.coerce.number().positive().default(5),
    // Replaced by the retention policy file: a deployment that still sets it is told, not ignored.
    RETENTION_YEARS: z
      .never({
        error:
          "is replaced by the retention policy file (RETENTION_POLICY_FILE, default config/retention-policy.json): put your years there as a yearsAfterClosure rule and remove RETENTION_YEARS",
      })
      .optional(),
    RETENTION_POLICY_FILE: z.string().min(1).default(defaultFile("retention-policy.json")),
    CLOSE_TARGET_WORKING_DAYS: z.coerce.number().int().positive().default(60),
    RETENTION_ACTION: z.enum(["anonymise", "purge"]).default("anonymise"),
    CHILDRENS_DUTY_CONTACT: z
      .string()
      .default("Leicestershire First Response Children's Duty: 0116 305 0005 (out of hours 0116 255 1606)"),
    POLICE_CONTACT: z.string().default("Police: 999 if a child is in immediate danger, otherwise 101"),
    /** The council's named person responsible for CME (s436A Education Act 1996). */
    CME_CONTACT_NAME: optionalText,
    CME_CONTACT_PHONE: optionalPhone,
    CME_CONTACT_EMAIL: optionalEmailAddress,
    /** Where an on-roll absent pupil (PME, an attendance matter) is sent instead of a CME referral. */
    ATTENDANCE_SERVICE_CONTACT: optionalText,
    /** Where a parent's written notice of home education (reg 9(1)(f)) is sent instead. */
    EHE_TEAM_CONTACT: optionalText,
    ESCALATION_POLICY_FILE: z.string().min(1).default(defaultFile("escalation-policy.json")),
    TERM_DATES_FILE: z.string().min(1).default(defaultFile("term-dates.json")),
    CENSUS_DATES_FILE: z.string().min(1).default(defaultFile("census-dates.json")),
    PUPIL_EXTRACT_MAPPING_FILE: z.string().min(1).default(defaultFile("pupil-extract.json")),
    PUPIL_EXTRACT_MAX_MB: z.coerce.number().positive().max(500).default(50),
    /** Download hosts besides *.sharepoint.com that Teams' file store may hand out. */
    PUPIL_EXTRACT_HOSTS: commaList,
    SIGN_OFF_OUTCOMES: z
      .string()
      .default("died,not-cme,moved-abroad")
      .transform((value) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.enum(valuesOf(outcomeChoices), {
            error: `must list outcomes from: ${outcomeChoices.map((o) => o.value).join(", ")}`,
          }),
        ),
      ),
  })
  .superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      if (typeof value === "string" && value.startsWith(keyVaultReference)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            "is a Key Vault reference App Service could not resolve (it passed on the reference itself): give the app's managed identity the role Key Vault Secrets User on the vault, check the secret's name (the app's Environment variables page shows each reference's status), then restart",
        });
      }
    }
    if (!env.MICROSOFT_APP_ID) {
      if (env.HOST && !loopbackHosts.has(env.HOST)) {
        ctx.addIssue({
          code: "custom",
          path: ["HOST"],
          message: `is ${env.HOST}, but without MICROSOFT_APP_ID authentication is off, so the bot only listens on loopback (127.0.0.1). Set MICROSOFT_APP_ID or remove HOST.`,
        });
      }
      return;
    }
    if (env.MICROSOFT_APP_TYPE === "SingleTenant" && !env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({
        code: "custom",
        path: ["MICROSOFT_APP_PASSWORD"],
        message: "is required for a SingleTenant bot",
      });
    }
    if (!env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["MICROSOFT_APP_TENANT_ID"],
        message: "is required when MICROSOFT_APP_ID is set",
      });
    }
    if (env.COSMOS_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["COSMOS_KEY"],
        message:
          "is for local mode only: in Azure the bot reaches Cosmos DB with its managed identity (AZURE_CLIENT_ID). Remove COSMOS_KEY.",
      });
    }
    if (env.MICROSOFT_APP_TYPE === "UserAssignedMSI" && env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({
        code: "custom",
        path: ["MICROSOFT_APP_PASSWORD"],
        message: "must not be set for a UserAssignedMSI bot: its managed identity is its credential",
      });
    }
    if (env.GRAPH_CLIENT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["GRAPH_CLIENT_SECRET"],
        message: "is for local mode only: in Azure the bot reaches Graph with its managed identity",
      });
    }
    if (env.MICROSOFT_APP_TYPE === "SingleTenant" && !env.AZURE_CLIENT_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["AZURE_CLIENT_ID"],
        message:
          "is required when MICROSOFT_APP_ID is set: the client id of the managed identity the bot reaches Cosmos DB with (a UserAssignedMSI bot uses its own)",
      });
    }
    // A SingleTenant bot's secret goes to GRAPH_AUTHORITY_HOST too, and its Graph tokens to GRAPH_BASE_URL.
    for (const name of [
      "BOT_OPENID_METADATA_URL",
      "BOT_LOGIN_HOST",
      "GRAPH_AUTHORITY_HOST",
      "GRAPH_BASE_URL",
    ] as const) {
      const url = new URL(env[name]);
      if (url.protocol !== "https:" && !loopbackHosts.has(url.hostname.replace(/^\[|\]$/g, ""))) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            "must be https when MICROSOFT_APP_ID is set: the keys tokens are checked against, the bot's own tokens, and its secret or tokens for Graph, go to or come from there (plain http only for a stand-in on loopback)",
        });
      }
    }
    if (!env.COSMOS_ENDPOINT) {
      ctx.addIssue({
        code: "custom",
        path: ["COSMOS_ENDPOINT"],
        message: "is required when MICROSOFT_APP_ID is set (the in-memory Cosmos is for local mode only)",
      });
    }
    for (const name of Object.keys(localExamples) as (keyof typeof localExamples)[]) {
      if (!env[name]) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            "is required when MICROSOFT_APP_ID is set: referrers are shown it (the local example would send them nowhere)",
        });
      }
    }
    if (env.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["ALLOWED_TENANT_IDS"],
        message: "must list the tenants whose users may use the bot when MICROSOFT_APP_ID is set",
      });
    }
  });

export type Environment = z.input<typeof environmentSchema>;

/** Every variable the bot reads (infra/ sets only these). */
export const environmentVariableNames: readonly string[] = Object.keys(environmentSchema.shape);

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Local mode: no bot app id, auth off, loopback only. */
  readonly localMode: boolean;
  readonly bot: {
    readonly appId: string | undefined;
    readonly appPassword: string | undefined;
    readonly appTenantId: string | undefined;
    readonly appType: "SingleTenant" | "UserAssignedMSI";
    /** Where incoming tokens' keys are published, and who must have issued them. */
    readonly openIdMetadataUrl: string;
    readonly tokenIssuer: string;
    /** What the bot's tokens to Teams are for. */
    readonly connectorScope: string;
    /** Entra's login host: a SingleTenant bot asks `<host>/<its tenant>` for its tokens. */
    readonly loginHost: string;
  };
  readonly cosmos: {
    /** Undefined means: run Cosmos embedded in this process, in memory. */
    readonly endpoint: string | undefined;
    readonly key: string | undefined;
    readonly database: string;
    /** Azure mode: the managed identity to reach Cosmos DB (and Graph) with, instead of a key. */
    readonly identityClientId: string | undefined;
  };
  readonly presetChannel:
    { readonly teamId: string; readonly channelId: string; readonly serviceUrl: string } | undefined;
  readonly managerIds: readonly string[];
  readonly allowedTenantIds: readonly string[];
  /** App-only Microsoft Graph for prefilling referrers' details; undefined = use the Teams member record. */
  readonly graph: GraphSettings | undefined;
  /** App-only Graph for finding a card in doubt among the case channel's posts; undefined = post it again. */
  readonly channelPostsGraph: GraphSettings | undefined;
  readonly outboxIntervalMs: number;
  /** A message Teams keeps refusing is given up after this long (ms), and counted in `status`. */
  readonly outboxGiveUpMs: number;
  /** How long an instance's claim on a message holds unrenewed, and how long one send to Teams may take. */
  readonly outboxClaimMs: number;
  /** The most requests a second /api/messages takes (bursts of twice that); beyond, 429. */
  readonly messagesPerSecond: number;
  /** A submission not finished by then is answered "received, your reference follows" and finishes after. */
  readonly submitAnswerWithinMs: number;
  /** How long one call to Cosmos DB may take before the person is told the store is not answering (ms). */
  readonly storeDeadlineMs: number;
  /**
   * How long an instance keeps the case channel and the CME team's members before asking again
   * (ms; 0 = every turn). `setup` and Teams' membership events drop them at once.
   */
  readonly channelAndTeamCacheMs: number;
  /** Application Insights, when configured: traces and logs are exported there (OpenTelemetry). */
  readonly appInsightsConnectionString: string | undefined;
  /** When the daily digest goes to the channel (UK time, working days), or undefined for none. */
  readonly digestAt: { readonly hour: number; readonly minute: number } | undefined;
  /** How often the server sweeps the escalation clocks. */
  readonly escalationSweepMs: number;
  /** How long closed cases keep their personal data, and what happens then (policy). */
  readonly retention: RetentionPolicy;
  readonly drafts: {
    readonly expiryDays: number;
    readonly reminderDaysBefore: number;
    readonly sweepIntervalMs: number;
  };
  readonly emergencyContacts: { readonly childrensDuty: string; readonly police: string };
  /** The council's named CME contact (s436A), on help, confirmations and redirects. */
  readonly cmeContact: CmeContact;
  /** Who a referral that is not CME is sent to instead: attendance (PME) and elective home education. */
  readonly redirectContacts: { readonly attendance: string; readonly homeEducation: string };
  /** The `time-to-close` report counts cases closed within this many working days of referral (policy). */
  readonly closeTargetWorkingDays: number;
  /** Closing with these outcomes needs a manager's sign-off (policy). */
  readonly signOffOutcomes: readonly Outcome[];
  /** The escalation clocks, the council's policy (config/escalation-policy.json), and the school terms they count in. */
  readonly escalationPolicy: EscalationPolicy;
  readonly termDates: TermDates;
  /** The DfE's census days for the termly CME return (config/census-dates.json). */
  readonly censusDates: CensusDates;
  /** Pupil database extracts sent in personal chat or to `npm run import` (issue 14). */
  readonly pupilExtracts: {
    /** Which column holds what (config/pupil-extract.json), checked at start. */
    readonly mapping: ExtractMapping;
    readonly limits: ExtractLimits;
    /** Hosts a Teams download address may name besides *.sharepoint.com (lower case). */
    readonly downloadHosts: readonly string[];
  };
}

export interface CmeContact {
  readonly name: string;
  readonly phone: string;
  readonly email: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Graph for prefilling profiles: in Azure with the managed identity; locally, with a client secret if one is given. */
function graphSettings(env: z.output<typeof environmentSchema>): Config["graph"] {
  if (env.MICROSOFT_APP_ID) {
    const identity =
      env.AZURE_CLIENT_ID ??
      (env.MICROSOFT_APP_TYPE === "UserAssignedMSI" ? env.MICROSOFT_APP_ID : undefined);
    return identity && env.MICROSOFT_APP_TENANT_ID
      ? {
          ...graphAddresses(env),
          auth: { kind: "identity", clientId: identity, tenantId: env.MICROSOFT_APP_TENANT_ID },
        }
      : undefined;
  }
  return env.GRAPH_CLIENT_ID && env.GRAPH_CLIENT_SECRET
    ? {
        ...graphAddresses(env),
        auth: { kind: "secret", clientId: env.GRAPH_CLIENT_ID, clientSecret: env.GRAPH_CLIENT_SECRET },
      }
    : undefined;
}

/**
 * Graph for reading the case channel's recent posts: as the app the manifest's
 * webApplicationInfo names, which the team's consent to ChannelMessage.Read.Group goes to. A
 * SingleTenant bot is its Entra app (its secret, its own tenant); otherwise as for profiles.
 */
function channelPostsGraphSettings(env: z.output<typeof environmentSchema>): Config["channelPostsGraph"] {
  if (env.MICROSOFT_APP_ID && env.MICROSOFT_APP_TYPE === "SingleTenant") {
    return env.MICROSOFT_APP_PASSWORD && env.MICROSOFT_APP_TENANT_ID
      ? {
          ...graphAddresses(env),
          auth: {
            kind: "secret",
            clientId: env.MICROSOFT_APP_ID,
            clientSecret: env.MICROSOFT_APP_PASSWORD,
            tenantId: env.MICROSOFT_APP_TENANT_ID,
          },
        }
      : undefined;
  }
  return graphSettings(env);
}

function graphAddresses(env: z.output<typeof environmentSchema>) {
  const trim = (url: string) => url.replace(/\/+$/, "");
  return { baseUrl: trim(env.GRAPH_BASE_URL), authorityHost: trim(env.GRAPH_AUTHORITY_HOST) };
}

/** Reads and checks the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(environment: Environment): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const env = parsed.data;
  const preset = [env.CME_TEAM_ID, env.CME_CHANNEL_ID, env.CME_SERVICE_URL];
  if (preset.some(Boolean) && !preset.every(Boolean)) {
    throw new ConfigError([
      "CME_TEAM_ID, CME_CHANNEL_ID and CME_SERVICE_URL go together: set all three or none",
    ]);
  }
  const localMode = !env.MICROSOFT_APP_ID;
  let escalationPolicy: EscalationPolicy;
  let termDates: TermDates;
  let censusDates: CensusDates;
  let retentionFile: Pick<RetentionPolicy, "rules" | "unsubmittedAlerts">;
  let extractMapping: ExtractMapping;
  try {
    escalationPolicy = readEscalationPolicy(env.ESCALATION_POLICY_FILE);
    termDates = readTermDates(env.TERM_DATES_FILE);
    censusDates = readCensusDates(env.CENSUS_DATES_FILE);
    retentionFile = readChecked(env.RETENTION_POLICY_FILE, retentionPolicySchema, "The retention policy");
    extractMapping = loadExtractMapping(env.PUPIL_EXTRACT_MAPPING_FILE);
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)]);
  }
  return {
    port: env.PORT,
    host: env.HOST ?? (localMode ? "127.0.0.1" : "0.0.0.0"),
    localMode,
    bot: {
      appId: env.MICROSOFT_APP_ID,
      appPassword: env.MICROSOFT_APP_PASSWORD,
      appTenantId: env.MICROSOFT_APP_TENANT_ID,
      appType: env.MICROSOFT_APP_TYPE,
      openIdMetadataUrl: env.BOT_OPENID_METADATA_URL,
      tokenIssuer: env.BOT_TOKEN_ISSUER,
      connectorScope: env.BOT_CONNECTOR_SCOPE,
      loginHost: env.BOT_LOGIN_HOST.replace(/\/+$/, ""),
    },
    cosmos: {
      endpoint: env.COSMOS_ENDPOINT,
      key: env.COSMOS_KEY,
      database: env.COSMOS_DATABASE,
      // In Azure: the managed identity (a UserAssignedMSI bot's app id is that identity's client id).
      identityClientId: localMode ? undefined : (env.AZURE_CLIENT_ID ?? env.MICROSOFT_APP_ID),
    },
    presetChannel:
      env.CME_TEAM_ID && env.CME_CHANNEL_ID && env.CME_SERVICE_URL
        ? { teamId: env.CME_TEAM_ID, channelId: env.CME_CHANNEL_ID, serviceUrl: env.CME_SERVICE_URL }
        : undefined,
    managerIds: env.CME_MANAGER_IDS.map((id) => id.toLowerCase()),
    allowedTenantIds: env.ALLOWED_TENANT_IDS.map((id) => id.toLowerCase()),
    graph: graphSettings(env),
    channelPostsGraph: channelPostsGraphSettings(env),
    outboxIntervalMs: env.OUTBOX_INTERVAL_SECONDS * 1000,
    outboxGiveUpMs: env.OUTBOX_GIVE_UP_HOURS * 3_600_000,
    outboxClaimMs: env.OUTBOX_CLAIM_SECONDS * 1000,
    messagesPerSecond: env.MESSAGES_PER_SECOND,
    submitAnswerWithinMs: env.SUBMIT_ANSWER_WITHIN_MS,
    storeDeadlineMs: env.STORE_DEADLINE_MS,
    channelAndTeamCacheMs: env.CHANNEL_AND_TEAM_CACHE_SECONDS * 1000,
    appInsightsConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING,
    escalationSweepMs: env.ESCALATION_SWEEP_MINUTES * 60_000,
    digestAt:
      env.DIGEST_LOCAL_TIME === "off"
        ? undefined
        : { hour: Number(env.DIGEST_LOCAL_TIME.slice(0, 2)), minute: Number(env.DIGEST_LOCAL_TIME.slice(3)) },
    retention: {
      rules: retentionFile.rules,
      unsubmittedAlerts: retentionFile.unsubmittedAlerts,
      action: env.RETENTION_ACTION,
    },
    drafts: {
      expiryDays: env.DRAFT_EXPIRY_DAYS,
      reminderDaysBefore: Math.min(env.DRAFT_REMINDER_DAYS, env.DRAFT_EXPIRY_DAYS - 1),
      sweepIntervalMs: env.DRAFT_SWEEP_MINUTES * 60_000,
    },
    emergencyContacts: { childrensDuty: env.CHILDRENS_DUTY_CONTACT, police: env.POLICE_CONTACT },
    cmeContact: {
      name: env.CME_CONTACT_NAME ?? localExamples.CME_CONTACT_NAME,
      phone: env.CME_CONTACT_PHONE ?? localExamples.CME_CONTACT_PHONE,
      email: env.CME_CONTACT_EMAIL ?? localExamples.CME_CONTACT_EMAIL,
    },
    redirectContacts: {
      attendance: env.ATTENDANCE_SERVICE_CONTACT ?? localExamples.ATTENDANCE_SERVICE_CONTACT,
      homeEducation: env.EHE_TEAM_CONTACT ?? localExamples.EHE_TEAM_CONTACT,
    },
    closeTargetWorkingDays: env.CLOSE_TARGET_WORKING_DAYS,
    signOffOutcomes: env.SIGN_OFF_OUTCOMES,
    escalationPolicy,
    termDates,
    censusDates,
    pupilExtracts: {
      mapping: extractMapping,
      limits: extractLimitsSchema.parse({ maxBytes: Math.ceil(env.PUPIL_EXTRACT_MAX_MB * 1024 * 1024) }),
      downloadHosts: env.PUPIL_EXTRACT_HOSTS.map((host) => host.toLowerCase()),
    },
  };
}

/** The numbers to call when a child is in immediate danger, as one line. */
export function emergencyContactsText(config: Pick<Config, "emergencyContacts">): string {
  return `${config.emergencyContacts.childrensDuty}; ${config.emergencyContacts.police}`;
}

/** What every card for a referrer shows: the numbers for immediate danger and the named CME contact. */
export function referrerContacts(config: Pick<Config, "emergencyContacts" | "cmeContact">) {
  return { emergencyContacts: emergencyContactsText(config), cmeContact: config.cmeContact };
}

export type ReferrerContacts = ReturnType<typeof referrerContacts>;
