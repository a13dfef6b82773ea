// Agent turns as typed events: an incremental parser of the `text/event-stream` that
// `/run_sse` answers with, and the turn events each item stands for. Pure (no DOM), so it
// runs in Node for tests too. Mirrors crates/cutroom-client/src/sse.rs.

/**
 * Splits an event stream into items, fed in text chunks of any size (a chunk may end inside
 * a line, or between the `\r` and `\n` of one line ending). Feed it text decoded with
 * `TextDecoder#decode(bytes, {stream: true})` so a UTF-8 character split between network
 * chunks survives.
 *
 * Items: `{type: "data", data}` — the `data:` lines of one event joined with "\n" — and
 * `{type: "comment", text}` — a `:` comment line (the server's heartbeats, `: ping`).
 */
export class SseParser {
  constructor() {
    this.line = "";
    this.data = [];
    this.afterCr = false;
  }

  /** Feeds text; returns the items it completed. */
  push(text) {
    const out = [];
    let i = 0;
    if (this.afterCr && text.length > 0) {
      this.afterCr = false;
      if (text[0] === "\n") i = 1;
    }
    const ending = /\r\n|\r|\n/g;
    ending.lastIndex = i;
    let m;
    while ((m = ending.exec(text)) !== null) {
      this.line += text.slice(i, m.index);
      i = m.index + m[0].length;
      // A `\r` that ends the chunk may be the first half of `\r\n`.
      if (m[0] === "\r" && i === text.length) this.afterCr = true;
      this.endLine(out);
    }
    this.line += text.slice(i);
    return out;
  }

  /** The end of the stream: an event without its closing blank line still counts. */
  finish() {
    const out = [];
    if (this.line.length > 0) this.endLine(out);
    if (this.data.length > 0) {
      out.push({ type: "data", data: this.data.join("\n") });
      this.data = [];
    }
    return out;
  }

  endLine(out) {
    const line = this.line;
    this.line = "";
    if (line.length === 0) {
      if (this.data.length > 0) {
        out.push({ type: "data", data: this.data.join("\n") });
        this.data = [];
      }
      return;
    }
    if (line[0] === ":") {
      out.push({ type: "comment", text: line.slice(1).trimStart() });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "data") this.data.push(value);
    // `event:`, `id:` and `retry:` carry nothing cutroom uses.
  }
}

/**
 * The turn events one stream item stands for:
 * - `{type: "text", text, partial, complete}` — text for the user; partial texts report
 *   progress, the one with `complete` closes the turn;
 * - `{type: "call", id, name, args}` — the agent called a tool;
 * - `{type: "result", id, name, response}` — a tool's answer;
 * - `{type: "heartbeat"}` — the server is still working (a comment, or an empty `data:`);
 * - `{type: "unrecognized", data}` — a `data:` item that is not an agent event.
 */
export function turnEvents(item) {
  if (item.type === "comment") return [{ type: "heartbeat" }];
  const data = item.data ?? "";
  if (data.trim() === "") return [{ type: "heartbeat" }];
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return [{ type: "unrecognized", data }];
  }
  const parts = event && event.content && Array.isArray(event.content.parts) ? event.content.parts : null;
  if (!parts) return [{ type: "unrecognized", data }];
  const partial = event.partial === true;
  const complete = event.turnComplete === true;
  const n = parts.length;
  const out = [];
  parts.forEach((p, i) => {
    if (p && typeof p.text === "string") {
      // Only the last part of a closing event closes the turn.
      out.push({ type: "text", text: p.text, partial, complete: complete && i + 1 === n });
    } else if (p && p.functionCall) {
      const c = p.functionCall;
      out.push({ type: "call", id: String(c.id ?? ""), name: String(c.name ?? ""), args: c.args ?? null });
    } else if (p && p.functionResponse) {
      const r = p.functionResponse;
      out.push({ type: "result", id: String(r.id ?? ""), name: String(r.name ?? ""), response: r.response ?? null });
    } else {
      out.push({ type: "unrecognized", data: JSON.stringify(p) });
    }
  });
  return out;
}

/** What a turn came to, gathered from its events. */
export class TurnOutcome {
  constructor() {
    this.texts = [];
    this.progress = [];
    this.tools = [];
    this.heartbeats = 0;
    this.complete = false;
  }

  add(e) {
    switch (e.type) {
      case "text":
        if (e.partial) this.progress.push(e.text);
        else {
          this.texts.push(e.text);
          if (e.complete) this.complete = true;
        }
        break;
      case "call":
        this.tools.push(e.name);
        break;
      case "heartbeat":
        this.heartbeats += 1;
        break;
      default:
        break;
    }
  }

  /** The last final text that says something, if any. */
  reply() {
    for (let i = this.texts.length - 1; i >= 0; i--) {
      if (this.texts[i].trim() !== "") return this.texts[i];
    }
    return null;
  }
}

/** A tool's name in words: `add_text` → "add text", `text_to_video` → "video from text". */
export function toolWords(name) {
  const special = {
    text_to_video: "video from text",
    edit_draft: "edit",
    set_meta: "metadata",
    set_duration: "duration",
  };
  if (special[name]) return special[name];
  return String(name || "tool").replace(/[_-]+/g, " ").trim();
}

/** The percentage in a progress text (`Composing music… 30%` → 30), or null. */
export function progressPercent(text) {
  const m = /(\d{1,3})\s*%/.exec(String(text));
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 0 && n <= 100 ? n : null;
}
