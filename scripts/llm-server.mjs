// A small OpenAI-compatible chat server over node-llama-cpp, for testing AutoKaggle-rs against a real
// (tiny) LLM with no network: POST /v1/chat/completions with `messages`, `max_tokens` and an optional
// `response_format` of type json_schema, which becomes a grammar the model's output must follow.
// Usage: node scripts/llm-server.mjs MODEL.gguf PORT   (one thread, CPU only, 127.0.0.1)
import http from "node:http";
import { getLlama, LlamaChatSession } from "node-llama-cpp";

const [modelPath, port = "8765"] = process.argv.slice(2);
if (!modelPath) {
  console.error("usage: node llm-server.mjs MODEL.gguf [PORT]");
  process.exit(2);
}
const llama = await getLlama({ gpu: false, maxThreads: 1 });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: 8192, threads: 1 });
const grammars = new Map();

async function grammarFor(format) {
  if (!format || format.type !== "json_schema" || !format.json_schema?.schema) return undefined;
  const key = JSON.stringify(format.json_schema.schema);
  if (!grammars.has(key)) {
    try {
      grammars.set(key, await llama.createGrammarForJsonSchema(format.json_schema.schema));
    } catch (e) {
      console.error(`schema not supported as a grammar (${e.message}); answering unconstrained`);
      grammars.set(key, undefined);
    }
  }
  return grammars.get(key);
}

let busy = Promise.resolve();
async function complete(body) {
  const messages = body.messages ?? [];
  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n");
  const turns = messages.filter((m) => m.role !== "system");
  const last = turns.pop();
  const sequence = context.getSequence();
  try {
    const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: system });
    const history = session.getChatHistory();
    for (const t of turns) {
      history.push(t.role === "assistant" ? { type: "model", response: [t.content] } : { type: "user", text: t.content });
    }
    session.setChatHistory(history);
    const grammar = await grammarFor(body.response_format);
    const text = await session.prompt(last?.content ?? "", {
      grammar,
      maxTokens: Math.min(body.max_tokens ?? 512, 1024),
      temperature: 0,
    });
    const prompt_tokens = model.tokenize(system + messages.map((m) => m.content).join("\n")).length;
    return {
      id: "local",
      object: "chat.completion",
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens, completion_tokens: model.tokenize(text).length },
    };
  } finally {
    sequence.dispose();
  }
}

http
  .createServer((req, res) => {
    if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "POST /v1/chat/completions only" } }));
      return;
    }
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      // One request at a time: the model has one context.
      busy = busy.then(async () => {
        try {
          const out = await complete(JSON.parse(raw));
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(out));
        } catch (e) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: String(e?.message ?? e) } }));
        }
      });
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/v1`));
