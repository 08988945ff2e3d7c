import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Microsoft Graph and its token endpoint: client-credentials tokens per
 * tenant, and GET /v1.0/users/{id} from a directory of Graph-shaped users.
 */
export class FakeGraph {
  private server: Server | undefined;
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  /** Answer user look-ups with this status instead (to play Graph failing). */
  failWith: number | undefined;

  constructor(readonly users: Record<string, Record<string, unknown>>) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      this.requests.push({
        method: req.method ?? "",
        path,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === "POST" && token)
        return send(200, { access_token: `token-for-${token[1]}`, expires_in: 3600, token_type: "Bearer" });
      const user = /^\/v1\.0\/users\/([^/]+)$/.exec(path);
      if (req.method === "GET" && user) {
        if (this.failWith)
          return send(this.failWith, { error: { code: "serviceNotAvailable", message: "try later" } });
        if (!req.headers.authorization?.startsWith("Bearer token-for-"))
          return send(401, { error: { code: "InvalidAuthenticationToken" } });
        const found = this.users[decodeURIComponent(user[1] ?? "")];
        return found ? send(200, found) : send(404, { error: { code: "Request_ResourceNotFound" } });
      }
      send(404, { error: { code: "NotFound" } });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
