import { Client, HTTPMessageHandler, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { ManagedIdentityCredential } from "@azure/identity";
import { z } from "zod";

export interface GraphSettings {
  /**
   * A client secret (any allowed tenant that consented), or the bot's managed identity (Azure:
   * no secret; it can read users of its own tenant only).
   */
  readonly auth:
    | { readonly kind: "secret"; readonly clientId: string; readonly clientSecret: string }
    | { readonly kind: "identity"; readonly clientId: string; readonly tenantId: string };
  /** https://graph.microsoft.com, or a stand-in. */
  readonly baseUrl: string;
  /** https://login.microsoftonline.com, or a stand-in. */
  readonly authorityHost: string;
}

/** How long one Graph request (or token request) may take: a hung Graph must not hold a delivery or a turn. */
const requestTimeoutMs = 5000;

const tokenResponse = z.object({ access_token: z.string(), expires_in: z.coerce.number() });

/**
 * Puts the app-only token and a timeout on every request. (The client's own authentication
 * handler does so only for Graph's https hosts and strips it elsewhere, which would rule out a
 * local stand-in.)
 */
class BearerToken implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly accessToken: () => Promise<string>) {}

  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers);
    headers.set("Authorization", `Bearer ${await this.accessToken()}`);
    context.options = { ...context.options, headers, signal: AbortSignal.timeout(requestTimeoutMs) };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** App-only Microsoft Graph (client credentials, per tenant; tokens cached): a client for a tenant. */
export function graphClients(settings: GraphSettings): (tenantId: string) => Client {
  const tokens = new Map<string, { token: string; expires: number }>();

  const scope = `${new URL(settings.baseUrl).origin}/.default`;
  const identity =
    settings.auth.kind === "identity"
      ? new ManagedIdentityCredential({ clientId: settings.auth.clientId })
      : undefined;

  async function token(tenantId: string): Promise<string> {
    const cached = tokens.get(tenantId);
    if (cached && cached.expires > Date.now() + 60_000) return cached.token;
    if (identity) {
      const issued = await identity.getToken(scope);
      tokens.set(tenantId, { token: issued.token, expires: issued.expiresOnTimestamp });
      return issued.token;
    }
    const { clientId, clientSecret } = settings.auth as { clientId: string; clientSecret: string };
    const response = await fetch(
      `${settings.authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
          scope,
        }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      },
    );
    if (!response.ok) throw new Error(`token request answered ${response.status}`);
    const body = tokenResponse.parse(await response.json());
    tokens.set(tenantId, { token: body.access_token, expires: Date.now() + body.expires_in * 1000 });
    return body.access_token;
  }

  return (tenantId) => {
    const middleware = new BearerToken(() => token(tenantId));
    middleware.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({ baseUrl: `${settings.baseUrl}/`, defaultVersion: "v1.0", middleware });
  };
}
