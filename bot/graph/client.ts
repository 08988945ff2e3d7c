import { Client, HTTPMessageHandler, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { ManagedIdentityCredential } from "@azure/identity";
import { clientCredentialTokens } from "../shared/client-credentials.js";

export interface GraphSettings {
  /**
   * An app's client secret: in any tenant that consented, or, with `tenantId`, in that one only
   * (the bot's Entra app in its own tenant); or the bot's managed identity (Azure: no secret; it
   * can read its own tenant only).
   */
  readonly auth:
    | {
        readonly kind: "secret";
        readonly clientId: string;
        readonly clientSecret: string;
        readonly tenantId?: string;
      }
    | { readonly kind: "identity"; readonly clientId: string; readonly tenantId: string };
  /** https://graph.microsoft.com, or a stand-in. */
  readonly baseUrl: string;
  /** https://login.microsoftonline.com, or a stand-in. */
  readonly authorityHost: string;
}

/** How long one Graph request (or token request) may take: a hung Graph must not hold a delivery or a turn. */
const requestTimeoutMs = 5000;

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
  const scope = `${new URL(settings.baseUrl).origin}/.default`;
  const token =
    settings.auth.kind === "secret"
      ? secretToken(
          clientCredentialTokens({
            authorityHost: settings.authorityHost,
            clientId: settings.auth.clientId,
            clientSecret: settings.auth.clientSecret,
          }),
          scope,
        )
      : identityToken(new ManagedIdentityCredential({ clientId: settings.auth.clientId }), scope);

  return (tenantId) => {
    const middleware = new BearerToken(() => token(tenantId));
    middleware.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({ baseUrl: `${settings.baseUrl}/`, defaultVersion: "v1.0", middleware });
  };
}

function secretToken(tokens: ReturnType<typeof clientCredentialTokens>, scope: string) {
  return (tenantId: string) => tokens(tenantId, scope);
}

/** The managed identity's token (its own tenant's), kept until a minute before it expires. */
function identityToken(identity: ManagedIdentityCredential, scope: string) {
  let cached: { token: string; expires: number } | undefined;
  return async (): Promise<string> => {
    if (cached && cached.expires > Date.now() + 60_000) return cached.token;
    const issued = await identity.getToken(scope);
    cached = { token: issued.token, expires: issued.expiresOnTimestamp };
    return issued.token;
  };
}
