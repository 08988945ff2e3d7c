import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import restify from "../../bot/teams/restify.js";

/** The card the bare bot answers every card action with. */
const smallCard = {
  type: "AdaptiveCard",
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
  version: "1.5",
  body: [{ type: "TextBlock", text: "Done.", wrap: true }],
};

/**
 * The least a botbuilder bot does, to measure ours against: CloudAdapter and restify with no
 * auth (as in local mode), a message answered with one reply, an Action.Execute with a small card.
 */
export async function startBareBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer({ name: "bare-bot", handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser());
  server.post("/api/messages", async (req, res) => {
    await adapter.process(req, res, async (context) => {
      if (context.activity.type === "message") {
        await context.sendActivity(`You said: ${context.activity.text ?? ""}`);
      } else if (context.activity.type === "invoke") {
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 200,
            body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: smallCard },
          },
        });
      }
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
