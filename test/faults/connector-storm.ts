import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback proxy in front of the fake Teams connector that answers its sends (posts and
 * updates of activities) in storms: bursts of 429 Too Many Requests (with Retry-After) and 503
 * Service Unavailable, a burst every 2nd to 5th send, drawn from a seeded generator so a run
 * can be repeated. Everything else, and every send between bursts, goes on to the fake. And, as
 * real Teams does, a post can be taken and its answer lost: `losingAnswers` lists what becomes
 * of the next new posts' answers once the fake has taken them (a 503 instead, or the socket dropped).
 */
export class ConnectorStorm {
  /** The sends answered 429 and 503 so far. */
  readonly injected = { 429: 0, 503: 0 };
  /** While false, every request goes straight on (to set things up calmly). */
  raging = true;
  /** The next new posts (not updates) to `losingIn` go on to Teams, which takes them; then their answer is this instead. */
  losingAnswers: ("503" | "dropped")[] = [];
  losingIn = "";
  /** The posts Teams took whose answer was lost. */
  answersLost = 0;
  private server: Server | undefined;
  private seed: number;
  private calmLeft: number;
  private burst: { status: 429 | 503; left: number } | undefined;

  constructor(
    private readonly target: string,
    seed = 15,
  ) {
    this.seed = seed;
    this.calmLeft = this.draw(1, 4);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/`;
  }

  /** mulberry32: a small seeded generator, an integer from `min` to `max`. */
  private draw(min: number, max: number): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return min + Math.floor(unit * (max - min + 1));
  }

  /** The status to answer this send with, or undefined to pass it on. */
  private nextAnswer(): 429 | 503 | undefined {
    if (!this.burst && this.calmLeft > 0) {
      this.calmLeft -= 1;
      return undefined;
    }
    this.burst ??= { status: this.draw(0, 1) === 0 ? 429 : 503, left: this.draw(1, 4) };
    const { status } = this.burst;
    this.burst.left -= 1;
    if (this.burst.left === 0) {
      this.burst = undefined;
      this.calmLeft = this.draw(1, 4); // the next burst comes on the 2nd to 5th send from here
    }
    return status;
  }

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const send = req.method !== "GET" && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? "");
      const status = this.raging && send ? this.nextAnswer() : undefined;
      if (status) {
        this.injected[status] += 1;
        req.resume();
        res.writeHead(status, {
          "content-type": "application/json",
          ...(status === 429 ? { "retry-after": "2" } : {}),
        });
        res.end(JSON.stringify({ error: { code: status === 429 ? "Throttled" : "ServiceUnavailable" } }));
        return;
      }
      const post = /^\/v3\/conversations\/([^/]+)\/activities$/.exec(req.url ?? "");
      const losing =
        req.method === "POST" && post && decodeURIComponent(post[1] ?? "") === this.losingIn
          ? this.losingAnswers.shift()
          : undefined;
      const forwarded = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          if (losing) {
            this.answersLost += 1;
            answer.resume();
            if (losing === "dropped") return res.socket?.destroy();
            res.writeHead(503, { "content-type": "application/json" });
            return res.end(JSON.stringify({ error: { code: "ServiceUnavailable" } }));
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on("error", () => res.destroy());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
