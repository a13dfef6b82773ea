// The studio's client of the cutroom API: the stored credentials, every request with the
// bearer token and attribution headers, the reference clients' recovery (1001 → a new
// token, 1002 → a new session, 429 → wait and retry once, a refused client id → a new
// one), uploads with progress, agent turns over SSE, exports. Mirrors
// crates/cutroom-client/src/client.rs. The token is kept in localStorage and never shown.

import { SseParser, TurnOutcome, turnEvents } from "/web/sse.js";

export const APP = "nemo_agent";
const STORE_KEY = "cutroom.studio.v1";
const CHAT_PREFIX = "cutroom.chat.";
const MAX_SESSIONS = 30;
const MAX_CHAT = 80;

/** Sent on every request (the service records usage per source). */
export const ATTRIBUTION = Object.freeze({
  "X-Skill-Source": "cutroom-web",
  "X-Skill-Version": "0.1.0",
  "X-Skill-Platform": "web",
});

/** An error as the API (or the network) reports it. `code` is the envelope's code, or
 *  "network" / "protocol" / "http" for failures outside the envelope. */
export class ApiError extends Error {
  constructor(code, message, { data = null, status = 0, retryAfter = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.data = data;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or off: the studio goes on in memory.
  }
}

/** What the studio keeps between visits. */
class Saved {
  constructor() {
    const s = readJson(STORE_KEY, {});
    this.clientId = typeof s.clientId === "string" && /^[0-9a-f-]{36}$/i.test(s.clientId) ? s.clientId : uuid();
    this.token = typeof s.token === "string" && s.token ? s.token : null;
    this.sessionId = typeof s.sessionId === "string" && s.sessionId ? s.sessionId : null;
    this.sessions = Array.isArray(s.sessions) ? s.sessions.filter((x) => x && typeof x.id === "string") : [];
    this.save();
  }

  save() {
    writeJson(STORE_KEY, {
      clientId: this.clientId,
      token: this.token,
      sessionId: this.sessionId,
      sessions: this.sessions.slice(0, MAX_SESSIONS),
    });
  }
}

/** The chat lines kept for a session (the server keeps the draft, not the conversation). */
export function loadChat(sid) {
  const v = readJson(CHAT_PREFIX + sid, []);
  return Array.isArray(v) ? v : [];
}

export function saveChat(sid, lines) {
  writeJson(CHAT_PREFIX + sid, lines.slice(-MAX_CHAT));
}

function envelopeError(status, text, retryAfter) {
  let env = null;
  try {
    env = JSON.parse(text);
  } catch {
    env = null;
  }
  if (env && typeof env === "object" && typeof env.code === "number" && env.code !== 0) {
    return new ApiError(env.code, String(env.message || `error ${env.code}`), { data: env.data ?? null, status, retryAfter });
  }
  if (status === 429) return new ApiError(429, "too many requests", { status, retryAfter });
  const detail = String(text || "").trim().slice(0, 200) || "empty answer";
  return new ApiError("http", `the server answered ${status}: ${detail}`, { status });
}

function retryAfterOf(headerValue) {
  const n = Number.parseInt(String(headerValue ?? ""), 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export class Client {
  /**
   * @param {object} o
   * @param {string} [o.base] the server's base URL ("" = this page's origin)
   * @param {string} [o.language] "en" or "zh", for new sessions
   * @param {(notice: {kind: string, [k: string]: any}) => void} [o.onNotice]
   */
  constructor({ base = "", language = "en", onNotice = () => {} } = {}) {
    this.base = base.replace(/\/+$/, "");
    this.language = language;
    this.onNotice = onNotice;
    this.saved = new Saved();
    this.tokenPromise = null;
    this.sessionPromise = null;
  }

  get sessionId() {
    return this.saved.sessionId;
  }

  get sessions() {
    return this.saved.sessions.slice();
  }

  get hasToken() {
    return Boolean(this.saved.token);
  }

  url(path) {
    return this.base + path;
  }

  headers(extra = {}) {
    const h = { ...ATTRIBUTION, ...extra };
    if (this.saved.token) h.Authorization = `Bearer ${this.saved.token}`;
    return h;
  }

  // ---- credentials ----

  async ensureToken() {
    if (this.saved.token) return this.saved.token;
    if (!this.tokenPromise) {
      this.onNotice({ kind: "connecting" });
      this.tokenPromise = this.obtainToken().finally(() => {
        this.tokenPromise = null;
      });
    }
    return this.tokenPromise;
  }

  /** Replaces `stale` unless another request already did. */
  async renewToken(stale) {
    if (this.saved.token !== stale) return this.ensureToken();
    this.saved.token = null;
    this.saved.save();
    const t = await this.ensureToken();
    this.onNotice({ kind: "token-renewed" });
    return t;
  }

  /** POST /api/auth/anonymous-token with the client id; a new id when the server refuses
   *  the old one (400 about X-Client-Id) or will not give it another token soon (429). */
  async obtainToken() {
    let rotated = false;
    let waited = false;
    for (;;) {
      let resp;
      try {
        resp = await fetch(this.url("/api/auth/anonymous-token"), {
          method: "POST",
          headers: { ...ATTRIBUTION, "X-Client-Id": this.saved.clientId },
        });
      } catch (e) {
        throw new ApiError("network", `cannot reach the server (${e.message || e})`);
      }
      const text = await resp.text();
      if (resp.ok) {
        let env;
        try {
          env = JSON.parse(text);
        } catch {
          throw new ApiError("protocol", "the token answer is not JSON");
        }
        if (env.code !== 0 || !env.data || typeof env.data.token !== "string") {
          throw envelopeError(resp.status, text, null);
        }
        this.saved.token = env.data.token;
        this.saved.save();
        return this.saved.token;
      }
      const err = envelopeError(resp.status, text, retryAfterOf(resp.headers.get("Retry-After")));
      if (err.code === 400 && !rotated && /x-client-id/i.test(err.message)) {
        rotated = true;
        this.rotateClientId();
      } else if (err.code === 429 && !rotated && (err.retryAfter === null || err.retryAfter > 10)) {
        // One token per client id per token lifetime: the reference clients make a new id.
        rotated = true;
        this.rotateClientId();
      } else if (err.code === 429 && !waited) {
        waited = true;
        await sleep(Math.min(err.retryAfter ?? 5, 10) * 1000);
      } else {
        throw err;
      }
    }
  }

  rotateClientId() {
    this.saved.clientId = uuid();
    this.saved.save();
    this.onNotice({ kind: "client-id-renewed" });
  }

  async ensureSession() {
    if (this.saved.sessionId) return this.saved.sessionId;
    if (!this.sessionPromise) {
      this.sessionPromise = this.createSession(null).finally(() => {
        this.sessionPromise = null;
      });
    }
    return this.sessionPromise;
  }

  /** Replaces `stale` after a 1002 (unless another request already did). */
  async replaceSession(stale) {
    if (this.saved.sessionId !== stale) return this.ensureSession();
    if (!this.sessionPromise) {
      this.sessionPromise = this.createSession(stale).finally(() => {
        this.sessionPromise = null;
      });
    }
    return this.sessionPromise;
  }

  /** Starts a new session and makes it the current one. */
  async newSession() {
    return this.createSession(null);
  }

  async createSession(replaced) {
    const data = await this.call("POST", "/api/tasks/me/with-session/" + APP, {
      json: { task_name: "project", language: this.language },
    });
    const sid = String(data.session_id);
    this.saved.sessionId = sid;
    this.saved.sessions = [{ id: sid, created: Date.now(), label: "" }, ...this.saved.sessions.filter((s) => s.id !== sid)];
    if (replaced) this.saved.sessions = this.saved.sessions.filter((s) => s.id !== replaced);
    this.saved.sessions = this.saved.sessions.slice(0, MAX_SESSIONS);
    this.saved.save();
    this.onNotice({ kind: "session-started", sessionId: sid, replaced });
    return sid;
  }

  /** Makes a stored session the current one. */
  useSession(sid) {
    if (!this.saved.sessions.some((s) => s.id === sid)) return false;
    this.saved.sessionId = sid;
    this.saved.save();
    return true;
  }

  /** Labels the current session (the first message sent in it), once. */
  labelSession(sid, label) {
    const s = this.saved.sessions.find((x) => x.id === sid);
    if (s && !s.label) {
      s.label = String(label).replace(/\s+/g, " ").trim().slice(0, 60);
      this.saved.save();
    }
  }

  // ---- requests ----

  /**
   * Sends a request, recovering once from each of 1001, 1002 (session calls) and 429.
   * `path` and `json` may be functions of the session id. Returns {resp, sid}.
   */
  async execute(method, path, { json, session = false, sse = false, signal } = {}) {
    let renewed = false;
    let replaced = false;
    let waited = false;
    for (;;) {
      const token = await this.ensureToken();
      const sid = session ? await this.ensureSession() : "";
      const p = typeof path === "function" ? path(sid) : path;
      const headers = this.headers(sse ? { Accept: "text/event-stream" } : {});
      const init = { method, headers, signal };
      if (json !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(typeof json === "function" ? json(sid) : json);
      }
      let resp;
      try {
        resp = await fetch(this.url(p), init);
      } catch (e) {
        if (e && e.name === "AbortError") throw e;
        throw new ApiError("network", `cannot reach the server (${e.message || e})`);
      }
      if (resp.ok) return { resp, sid };
      const text = await resp.text().catch(() => "");
      const err = envelopeError(resp.status, text, retryAfterOf(resp.headers.get("Retry-After")));
      if (err.code === 1001 && !renewed) {
        renewed = true;
        await this.renewToken(token);
      } else if (err.code === 1002 && session && !replaced) {
        replaced = true;
        await this.replaceSession(sid);
      } else if (err.code === 429 && !waited && (err.retryAfter ?? 5) <= 60) {
        waited = true;
        const wait = err.retryAfter ?? 5;
        this.onNotice({ kind: "rate-limited", seconds: wait });
        await sleep(wait * 1000);
      } else {
        throw err;
      }
    }
  }

  /** A request whose answer is an envelope; returns its data. */
  async call(method, path, options = {}) {
    const { resp } = await this.execute(method, path, options);
    return dataOf(resp);
  }

  credits() {
    return this.call("GET", "/api/credits/balance/simple");
  }

  /** The current session's state ({session_id, state: {draft, summary, …}, bind_id}). */
  state() {
    return this.call("GET", (sid) => `/api/state/${APP}/me/${encodeURIComponent(sid)}/latest`, { session: true });
  }

  /** Queues an export of `draft` (the session's current draft when null). */
  render(id, draft, quality) {
    return this.call("POST", "/api/render/proxy/lambda", {
      session: true,
      json: (sid) => ({ id, sessionId: sid, draft, output: { format: "mp4", quality } }),
    });
  }

  renderStatus(id) {
    return this.call("GET", `/api/render/proxy/lambda/${encodeURIComponent(id)}`);
  }

  cancelRender(id) {
    return this.call("DELETE", `/api/render/proxy/lambda/${encodeURIComponent(id)}`);
  }

  // ---- uploads ----

  /**
   * Uploads one file as the multipart part `files`, reporting progress as (sent, total).
   * Recovers from 1001, 1002 and a short 429 once each. Returns the new media.
   * `xhrRef` (an object) gets the XMLHttpRequest in `.xhr`, so it can be aborted.
   */
  async upload(file, onProgress = () => {}, xhrRef = {}) {
    let renewed = false;
    let replaced = false;
    let waited = false;
    for (;;) {
      const token = await this.ensureToken();
      const sid = await this.ensureSession();
      const r = await this.uploadOnce(file, sid, onProgress, xhrRef);
      if (r.status >= 200 && r.status < 300) {
        let env;
        try {
          env = JSON.parse(r.text);
        } catch {
          throw new ApiError("protocol", "the upload answer is not JSON");
        }
        if (env.code !== 0) throw envelopeError(r.status, r.text, null);
        return (env.data && Array.isArray(env.data.media) ? env.data.media : []);
      }
      const err = envelopeError(r.status, r.text, r.retryAfter);
      if (err.code === 1001 && !renewed) {
        renewed = true;
        await this.renewToken(token);
      } else if (err.code === 1002 && !replaced) {
        replaced = true;
        await this.replaceSession(sid);
      } else if (err.code === 429 && !waited && (err.retryAfter ?? 5) <= 60) {
        waited = true;
        this.onNotice({ kind: "rate-limited", seconds: err.retryAfter ?? 5 });
        await sleep((err.retryAfter ?? 5) * 1000);
      } else {
        throw err;
      }
    }
  }

  uploadOnce(file, sid, onProgress, xhrRef) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhrRef.xhr = xhr;
      xhr.open("POST", this.url(`/api/upload-video/${APP}/me/${encodeURIComponent(sid)}`));
      for (const [k, v] of Object.entries(this.headers())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () =>
        resolve({ status: xhr.status, text: xhr.responseText, retryAfter: retryAfterOf(xhr.getResponseHeader("Retry-After")) });
      xhr.onerror = () => {
        const big = file.size > 100 * 1024 * 1024;
        reject(
          new ApiError(
            "network",
            big
              ? "the upload was cut off — the file may be over the server's size limit: compress or trim it"
              : "the upload was cut off (network error)",
          ),
        );
      };
      xhr.onabort = () => reject(new ApiError("aborted", "upload cancelled"));
      const form = new FormData();
      form.append("files", file, file.name);
      xhr.send(form);
    });
  }

  // ---- agent turns ----

  /**
   * Sends a message to the agent and reads the turn's events as they arrive.
   * `onEvent(e)` gets every turn event (see sse.js `turnEvents`), heartbeats included.
   * Resolves to {outcome, sid, lost, reason}: `lost` is true when the stream broke or
   * ended before the text that closes the turn (`reason`: "network", "ended", "silent").
   * Refusals (an envelope instead of a stream) throw an ApiError.
   */
  async runTurn(message, { onEvent = () => {}, idleMs = 60000 } = {}) {
    const controller = new AbortController();
    const { resp, sid } = await this.execute("POST", "/run_sse", {
      session: true,
      sse: true,
      signal: controller.signal,
      json: (s) => ({ app_name: APP, user_id: "me", session_id: s, new_message: { role: "user", parts: [{ text: message }] } }),
    });
    const kind = (resp.headers.get("Content-Type") || "").toLowerCase();
    if (!kind.startsWith("text/event-stream")) {
      const text = await resp.text().catch(() => "");
      const err = envelopeError(resp.status, text, null);
      throw err.code === "http" ? new ApiError("protocol", `/run_sse answered ${kind || "nothing"} instead of an event stream`) : err;
    }
    const outcome = new TurnOutcome();
    const parser = new SseParser();
    const decoder = new TextDecoder("utf-8");
    const emit = (items) => {
      for (const item of items) {
        for (const e of turnEvents(item)) {
          outcome.add(e);
          try {
            onEvent(e);
          } catch (err) {
            console.error("turn event handler", err);
          }
        }
      }
    };
    if (!resp.body) {
      emit(parser.push(await resp.text()));
      emit(parser.finish());
      return { outcome, sid, lost: !outcome.complete, reason: outcome.complete ? null : "ended" };
    }
    const reader = resp.body.getReader();
    let silent = false;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silent = true;
        controller.abort();
      }, idleMs);
    };
    let reason = null;
    try {
      arm();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        emit(parser.push(decoder.decode(value, { stream: true })));
      }
      emit(parser.push(decoder.decode()));
      emit(parser.finish());
    } catch (e) {
      reason = silent ? "silent" : "network";
      emit(parser.finish());
    } finally {
      clearTimeout(timer);
    }
    if (!outcome.complete && !reason) reason = "ended";
    return { outcome, sid, lost: !outcome.complete, reason: outcome.complete ? null : reason };
  }
}

async function dataOf(resp) {
  const text = await resp.text();
  let env;
  try {
    env = JSON.parse(text);
  } catch {
    throw new ApiError("protocol", "the answer is not JSON");
  }
  if (!env || typeof env !== "object" || typeof env.code !== "number") throw new ApiError("protocol", "the answer is not an envelope");
  if (env.code !== 0) throw new ApiError(env.code, String(env.message || ""), { data: env.data ?? null, status: resp.status });
  return env.data ?? null;
}
