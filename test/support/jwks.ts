import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config, Environment } from "../../bot/config.js";
import { startHarness, tenantId, type Harness } from "./harness.js";

/** The Bot Framework's issuer of the tokens Teams' messages carry (public cloud). */
export const botFrameworkIssuer = "https://api.botframework.com";

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** A signing key made here, with the id the tokens' header names it by. */
export function signingKey(kid: string): { kid: string; privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

/** A JWT as the Bot Framework signs one (RS256), or unsigned (`alg: none`). */
export function signToken(
  claims: Record<string, unknown>,
  { key, alg = "RS256" }: { key: ReturnType<typeof signingKey>; alg?: "RS256" | "none" },
): string {
  const head = `${base64url(JSON.stringify({ alg, typ: "JWT", kid: key.kid }))}.${base64url(JSON.stringify(claims))}`;
  if (alg === "none") return `${head}.`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(key.privateKey).toString("base64url")}`;
}

/**
 * A local stand-in for the Bot Framework's login: its OpenID metadata and signing keys (JWKS),
 * which the bot checks incoming tokens against, and Entra's token endpoint, which records the
 * tenant each token was asked of.
 */
export class FakeBotFramework {
  readonly key = signingKey("cme-test-key");
  /** A key the Bot Framework publishes too, but endorses for Web Chat only, not for Teams. */
  readonly webChatKey = signingKey("web-chat-key");
  /** Each token the bot asked for: the tenant in the path, the app and the scope. */
  readonly tokenRequests: { tenant: string; clientId: string; scope: string }[] = [];
  /** Entra refusing the bot's token requests, as it answers a wrong or expired secret (401 and its codes). */
  refuseTokens: { status: number; body: Record<string, unknown> } | undefined;
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** The bot's settings to check tokens and ask for its own here. */
  get environment() {
    return {
      BOT_OPENID_METADATA_URL: `${this.url}/v1/.well-known/openidconfiguration`,
      BOT_LOGIN_HOST: this.url,
    };
  }

  /** A token for the bot as Teams' messages carry it; `claims` change or add to it. */
  token(appId: string, serviceUrl: string, claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return signToken(
      {
        iss: botFrameworkIssuer,
        aud: appId,
        serviceurl: serviceUrl,
        nbf: now - 60,
        iat: now - 60,
        exp: now + 3600,
        ...claims,
      },
      { key: this.key },
    );
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && path === "/v1/.well-known/openidconfiguration") {
        send(200, { issuer: botFrameworkIssuer, jwks_uri: `${this.url}/v1/.well-known/keys` });
        return;
      }
      if (req.method === "GET" && path === "/v1/.well-known/keys") {
        const published = (key: ReturnType<typeof signingKey>, endorsements: string[]) => ({
          ...key.publicKey.export({ format: "jwk" }),
          kid: key.kid,
          use: "sig",
          endorsements,
        });
        send(200, {
          keys: [published(this.key, ["msteams"]), published(this.webChatKey, ["webchat"])],
        });
        return;
      }
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === "POST" && token) {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          const form = new URLSearchParams(body);
          this.tokenRequests.push({
            tenant: decodeURIComponent(token[1]!),
            clientId: form.get("client_id") ?? "",
            scope: form.get("scope") ?? "",
          });
          if (this.refuseTokens) send(this.refuseTokens.status, this.refuseTokens.body);
          else send(200, { token_type: "Bearer", access_token: "bot-access-token", expires_in: 3600 });
        });
        return;
      }
      send(404, { error: "not found" });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export const botAppId = "0b07a5e1-0000-4000-8000-00000000b007";
/** A school in its own Microsoft 365 tenant, allowed beside the council's. */
export const schoolTenantId = "5c400110-0000-4000-8000-000000005c01";

/** An Azure-mode bot (app id, SingleTenant with a secret) whose tokens are checked against `bf`. */
export function azureModeEnvironment(
  bf: FakeBotFramework,
  env: Partial<Environment> = {},
): Partial<Environment> {
  return {
    MICROSOFT_APP_ID: botAppId,
    MICROSOFT_APP_TYPE: "SingleTenant",
    MICROSOFT_APP_PASSWORD: "bot-secret-from-key-vault",
    MICROSOFT_APP_TENANT_ID: tenantId,
    AZURE_CLIENT_ID: "00000000-0000-4000-8000-0000000000id",
    COSMOS_ENDPOINT: "https://cme.documents.azure.com:443/",
    ALLOWED_TENANT_IDS: `${tenantId},${schoolTenantId}`,
    CME_CONTACT_NAME: "Chris Named-Contact",
    CME_CONTACT_PHONE: "0116 305 1234",
    CME_CONTACT_EMAIL: "cme@council.example",
    ATTENDANCE_SERVICE_CONTACT: "Attendance Support Team",
    EHE_TEAM_CONTACT: "Elective Home Education team",
    ...bf.environment,
    ...env,
  };
}

/** Everything as in Azure but the store: the embedded Cosmos (no managed identity here), and no Graph. */
export const embeddedStore = (config: Config): Config => ({
  ...config,
  cosmos: { ...config.cosmos, endpoint: undefined, key: undefined, identityClientId: undefined },
  graph: undefined,
  channelPostsGraph: undefined,
});

/** A message from someone in another tenant (its id in both places Teams says it). */
export function inTenant<T extends Record<string, unknown>>(activity: T, tenant: string): T {
  const conversation = activity.conversation as Record<string, unknown>;
  const channelData = activity.channelData as Record<string, unknown>;
  return {
    ...activity,
    conversation: { ...conversation, tenantId: tenant },
    channelData: { ...channelData, tenant: { id: tenant } },
  };
}

/** An Azure-mode bot (the real CloudAdapter checking tokens) and its stand-in Bot Framework, started; `close` stops both. */
export async function startAzureModeBot(): Promise<{
  bf: FakeBotFramework;
  h: Harness;
  close: () => Promise<void>;
}> {
  const bf = new FakeBotFramework();
  await bf.start();
  const h = await startHarness(azureModeEnvironment(bf), { adjust: embeddedStore });
  return {
    bf,
    h,
    close: async () => {
      await h.close();
      await bf.stop();
    },
  };
}
