// The studio page: connects (token, session), and wires the media bin, the chat, the
// timeline, export and the generated media to the API.

import { ApiError, Client, loadChat, saveChat } from "/web/api.js";
import { ChatView, appendLinked } from "/web/chat.js";
import { strings, uiLanguage } from "/web/i18n.js";
import { MediaBin, formatBytes, formatDuration, icon, safeUrl } from "/web/media.js";
import { formatMs, renderTimeline } from "/web/timeline.js";

const lang = uiLanguage();
const w = strings(lang);
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ui = {
  alerts: $("alerts"),
  credits: $("credits"),
  sessionSelect: $("session-select"),
  newSession: $("new-session-button"),
  chatLog: $("chat-log"),
  chatInput: $("chat-input"),
  send: $("send-button"),
  suggestions: $("suggestions"),
  turnStatus: $("turn-status"),
  timeline: $("timeline"),
  summary: $("summary"),
  undo: $("undo-button"),
  redo: $("redo-button"),
  quality: $("export-quality"),
  exportBtn: $("export-button"),
  cancelExport: $("cancel-export-button"),
  exportProgress: $("export-progress"),
  exportStatus: $("export-status"),
  download: $("download-link"),
  player: $("player"),
  playerEmpty: $("player-empty"),
  metadata: $("metadata"),
  generated: $("generated"),
};

const app = {
  state: null,
  turnBusy: false,
  exportBusy: false,
  connected: false,
  turns: 0,
  exportId: null,
};

// ---- alerts ----

/** Shows a message in #alerts (role="alert"); errors stay until dismissed. */
function showAlert(message, { kind = "error", key = null, action = null, actionLabel = "", timeout = 0, link = null } = {}) {
  if (key) {
    const old = ui.alerts.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (old) old.remove();
  }
  const box = document.createElement("div");
  box.className = `alert alert-${kind}`;
  if (key) box.setAttribute("data-key", key);
  const text = document.createElement("div");
  text.className = "alert-text";
  appendLinked(text, message);
  if (link && safeHref(link.href)) {
    text.append(" ");
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    a.target = "_blank";
    a.rel = "noopener";
    text.append(a);
  }
  box.append(text);
  if (action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "alert-action";
    b.textContent = actionLabel || w.retry;
    b.addEventListener("click", () => {
      box.remove();
      action();
    });
    box.append(b);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "dismiss";
  close.textContent = "×";
  close.title = w.dismiss;
  close.setAttribute("aria-label", w.dismiss);
  close.addEventListener("click", () => box.remove());
  box.append(close);
  ui.alerts.append(box);
  if (timeout) setTimeout(() => box.remove(), timeout);
  return box;
}

/** Only web links (absolute http(s), or a path on this server) are made clickable. */
export function safeHref(href) {
  return typeof href === "string" && /^(https?:\/\/|\/(?!\/))/i.test(href.trim());
}

function clearAlert(key) {
  const old = ui.alerts.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (old) old.remove();
}

/** A sentence for an error, and a link when it carries one (2001's bind link). */
function describeError(e) {
  if (!(e instanceof ApiError)) return { text: String((e && e.message) || e) };
  let text = e.message;
  let link = null;
  if (e.code === "network") text = `${e.message}. ${w.networkHint}`;
  if (e.code === 2001 && e.data) {
    const href = e.data.bind_url || e.data.bind_path;
    if (href) link = { href, text: w.bindLink };
  }
  if (e.code === 4001 && e.data && Array.isArray(e.data.accepted)) text += ` — ${w.accepted(e.data.accepted.join(", "))}`;
  if (e.code === 4002) text += ` — ${w.tooLarge}`;
  return { text, link };
}

function alertError(e, options = {}) {
  const { text, link } = describeError(e);
  return showAlert(text, { ...options, link });
}

// ---- client ----

const client = new Client({
  language: lang,
  onNotice: (n) => {
    if (n.kind === "session-started") {
      renderSessions();
      if (n.replaced) {
        showAlert(w.sessionReplaced, { kind: "info", key: "session", timeout: 8000 });
        // A turn under way keeps its lines on screen; they are kept for the new session.
        if (app.turnBusy) {
          chatLines = chatLines.filter((l) => l.role === "user").slice(-1);
          saveChat(n.sessionId, chatLines);
        } else {
          loadSessionChat();
        }
      }
    } else if (n.kind === "token-renewed") {
      showAlert(w.tokenRenewed, { kind: "info", key: "token", timeout: 5000 });
    } else if (n.kind === "rate-limited") {
      showAlert(w.rateLimited(n.seconds), { kind: "info", key: "rate", timeout: (n.seconds + 1) * 1000 });
    }
  },
});

// ---- busy state ----

function updateControls() {
  const turn = app.turnBusy;
  const exp = app.exportBusy;
  const off = !app.connected;
  ui.send.disabled = turn || off;
  for (const b of ui.suggestions.querySelectorAll("button")) b.disabled = turn || off;
  const s = app.state && app.state.state;
  const version = s ? Number(s.draft_version) : 0;
  const versions = s ? Number(s.draft_versions) : 0;
  ui.undo.disabled = turn || off || !(version > 1);
  ui.redo.disabled = turn || off || !(version < versions);
  ui.exportBtn.disabled = turn || exp || off;
  ui.quality.disabled = exp || off;
  ui.cancelExport.hidden = !exp;
  ui.sessionSelect.disabled = turn || exp || off;
  ui.newSession.disabled = turn || exp || off;
}

// ---- credits, sessions, state ----

async function refreshCredits() {
  try {
    const b = await client.credits();
    ui.credits.textContent = w.credits(b.available, b.frozen);
    ui.credits.setAttribute("data-available", String(b.available));
    ui.credits.setAttribute("data-frozen", String(b.frozen));
    clearAlert("credits");
  } catch (e) {
    alertError(e, { key: "credits", action: refreshCredits });
  }
}

function renderSessions() {
  const sel = ui.sessionSelect;
  const current = client.sessionId;
  sel.replaceChildren();
  const fmt = new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const s of client.sessions) {
    const o = document.createElement("option");
    o.value = s.id;
    o.textContent = w.sessionLabel(s.label, fmt.format(new Date(s.created || Date.now())));
    if (s.id === current) o.selected = true;
    sel.append(o);
  }
}

let chatLines = [];

function remember(role, text, kind) {
  const sid = client.sessionId;
  if (!sid) return;
  chatLines.push(kind ? { role, text, kind } : { role, text });
  saveChat(sid, chatLines);
}

function loadSessionChat() {
  const sid = client.sessionId;
  chatLines = sid ? loadChat(sid) : [];
  chat.replay(chatLines);
}

async function refreshState() {
  try {
    const data = await client.state();
    applyState(data);
    clearAlert("state");
    return data;
  } catch (e) {
    alertError(e, { key: "state", action: refreshState });
    return null;
  }
}

function mediaName(id) {
  const infos = (app.state && app.state.state && app.state.state.video_infos) || [];
  const m = infos.find((x) => x.media_id === id);
  return m ? m.name : null;
}

function applyState(data) {
  app.state = data;
  const s = data.state || {};
  media.render(s.video_infos || []);
  renderTimeline(ui.timeline, s.draft || {}, { mediaName, words: w });
  ui.summary.textContent = s.summary || "";
  renderMetadata(s.generated_media || []);
  renderGenerated(s.generated_media || [], s.video_infos || []);
  updateControls();
}

// ---- what changed (for turns that end without their closing text) ----

function generatedLine(g, infos) {
  const info = g.media_id ? infos.find((m) => m.media_id === g.media_id) : null;
  const meta = g.meta && typeof g.meta === "object" ? g.meta : {};
  const details = [];
  const ms = (info && info.duration_ms) || meta.duration_ms;
  if (ms) details.push(`${(ms / 1000).toFixed(1)} s`);
  if (typeof meta.style === "string") details.push(meta.style);
  if (typeof meta.bpm === "number") details.push(`${Math.round(meta.bpm)} BPM`);
  const title =
    (typeof meta.title === "string" && meta.title) ||
    (Array.isArray(meta.titles) && typeof meta.titles[0] === "string" && meta.titles[0]) ||
    (typeof meta.prompt === "string" && meta.prompt) ||
    null;
  const what = (info && info.name) || (title ? `“${title}”` : g.id);
  return details.length ? `${g.kind}: ${what} (${details.join(", ")})` : `${g.kind}: ${what}`;
}

export function describeChange(before, after) {
  const b = (before && before.state) || {};
  const a = (after && after.state) || {};
  const changed =
    JSON.stringify(b.draft) !== JSON.stringify(a.draft) ||
    b.draft_version !== a.draft_version ||
    (before && before.session_id) !== (after && after.session_id);
  const oldGen = new Set((b.generated_media || []).map((g) => g.id));
  const fresh = (a.generated_media || []).filter((g) => !oldGen.has(g.id)).map((g) => generatedLine(g, a.video_infos || []));
  const genIds = new Set((a.generated_media || []).map((g) => g.media_id).filter(Boolean));
  const oldMedia = new Set((b.video_infos || []).map((m) => m.media_id));
  for (const m of a.video_infos || []) {
    if (!oldMedia.has(m.media_id) && !genIds.has(m.media_id)) fresh.push(`${m.kind}: ${m.name}`);
  }
  let s;
  if (!changed) s = `the timeline did not change: ${a.summary || ""}`;
  else if (b.summary === a.summary) s = `the timeline changed (version ${b.draft_version} → ${a.draft_version}): ${a.summary}`;
  else s = `the timeline changed (version ${b.draft_version} → ${a.draft_version}): ${a.summary} (before: ${b.summary})`;
  if (fresh.length) s += `; new: ${fresh.join("; ")}`;
  return { changed: changed || fresh.length > 0, sentence: s };
}

// ---- chat ----

const chat = new ChatView({ log: ui.chatLog, status: ui.turnStatus, words: w });

async function send(message) {
  const text = String(message || "").trim();
  if (!text || app.turnBusy || !app.connected) return;
  app.turnBusy = true;
  updateControls();
  const before = app.state;
  chat.user(text);
  remember("user", text);
  client.labelSession(client.sessionId, text);
  renderSessions();
  const turn = chat.startTurn();
  let result = null;
  let error = null;
  try {
    result = await client.runTurn(text, {
      onEvent: (e) => {
        turn.event(e);
        if (e.type === "text" && !e.partial && e.text.trim()) remember("agent", e.text);
      },
    });
  } catch (e) {
    error = e;
  }
  turn.end();
  try {
    if (error && error.code !== "network") {
      const { text: t, link } = describeError(error);
      chat.system(t, "error");
      remember("system", t, "error");
      showAlert(t, { key: "turn", link });
    } else if (error || (result && result.lost)) {
      await recover(before);
    } else if (result && !result.outcome.reply()) {
      const after = await client.state().catch(() => null);
      if (after) {
        const t = `${w.turnSilent} ${describeChange(before, after).sentence}`;
        chat.system(t);
        remember("system", t);
      }
    }
  } finally {
    await Promise.all([refreshState(), refreshCredits()]);
    app.turnBusy = false;
    app.turns += 1;
    ui.turnStatus.setAttribute("data-turns", String(app.turns));
    chat.setIdle();
    updateControls();
  }
}

/** The stream broke before the turn's closing text: the server finishes the turn anyway,
 *  so read its result from the saved state. */
async function recover(before) {
  chat.setStatusText(w.connectionLost);
  chat.system(w.connectionLost, "warn");
  remember("system", w.connectionLost, "warn");
  const notice = showAlert(w.connectionLost, { kind: "warn", key: "connection" });
  notice.setAttribute("data-connection", "lost");
  let after = null;
  let change = null;
  for (let i = 0; i < 10; i++) {
    await sleep(i === 0 ? 1000 : 1500);
    try {
      after = await client.state();
    } catch {
      continue;
    }
    change = describeChange(before, after);
    if (change.changed) break;
  }
  clearAlert("connection");
  if (after && change) {
    applyState(after);
    const t = w.fromState(change.sentence);
    chat.agent(t);
    remember("agent", t);
    showAlert(change.changed ? w.recovered : w.notRecovered, { kind: change.changed ? "info" : "warn", key: "recovered", timeout: 8000 });
  } else {
    showAlert(w.notRecovered, { key: "recovered", action: refreshState, actionLabel: w.retry });
  }
}

function setupChat() {
  ui.send.addEventListener("click", () => {
    const v = ui.chatInput.value;
    if (!v.trim() || app.turnBusy) return;
    ui.chatInput.value = "";
    send(v);
  });
  ui.chatInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      ui.send.click();
    }
  });
  for (const s of w.suggestions) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chip suggestion";
    b.textContent = s;
    b.addEventListener("click", () => send(s));
    ui.suggestions.append(b);
  }
  ui.undo.addEventListener("click", () => send("undo"));
  ui.redo.addEventListener("click", () => send("redo"));
}

// ---- export ----

const EXPORTS_KEY = "cutroom.exports.v1";

function rememberExport(sid, id) {
  try {
    const m = JSON.parse(localStorage.getItem(EXPORTS_KEY) || "{}");
    m[sid] = id;
    localStorage.setItem(EXPORTS_KEY, JSON.stringify(m));
  } catch {
    /* in memory only */
  }
}

function lastExport(sid) {
  try {
    return JSON.parse(localStorage.getItem(EXPORTS_KEY) || "{}")[sid] || null;
  } catch {
    return null;
  }
}

function resetExportView() {
  ui.download.removeAttribute("href");
  ui.download.hidden = true;
  ui.player.removeAttribute("src");
  ui.player.load();
  ui.player.hidden = true;
  ui.playerEmpty.hidden = false;
  ui.exportProgress.value = 0;
  ui.exportProgress.hidden = true;
  ui.exportStatus.textContent = "";
}

function showExport(id, st) {
  const out = st.output;
  const url = new URL(out.url, location.href).href;
  ui.download.href = url;
  ui.download.setAttribute("download", `${id}.mp4`);
  ui.download.hidden = false;
  ui.player.src = url;
  ui.player.hidden = false;
  ui.playerEmpty.hidden = true;
  ui.exportProgress.hidden = false;
  ui.exportProgress.value = 1;
  const bits = [w.exportDone];
  if (out.duration_ms) bits.push(formatMs(out.duration_ms, { precise: true }));
  if (out.width && out.height) bits.push(`${out.width}×${out.height}`);
  if (out.size_bytes) bits.push(formatBytes(out.size_bytes));
  ui.exportStatus.textContent = bits.join(" · ");
}

async function runExport() {
  if (app.exportBusy || app.turnBusy) return;
  app.exportBusy = true;
  updateControls();
  clearAlert("export");
  const quality = ui.quality.value || "high";
  const id = `render_${Date.now()}`;
  app.exportId = id;
  try {
    const data = await client.state();
    applyState(data);
    const draft = data.state && data.state.draft;
    if (!draft || !Array.isArray(draft.t) || !draft.t.some((t) => Array.isArray(t.sg) && t.sg.length)) {
      showAlert(w.nothingToExport, { kind: "warn", key: "export", timeout: 8000 });
      return;
    }
    ui.exportProgress.hidden = false;
    ui.exportProgress.removeAttribute("value");
    ui.exportStatus.textContent = w.exportQueued;
    ui.download.hidden = true;
    ui.download.removeAttribute("href");
    let st = await client.render(id, draft, quality);
    rememberExport(data.session_id, id);
    let misses = 0;
    for (;;) {
      if (st.status === "completed" && st.output && st.output.url) break;
      if (st.status === "failed") {
        const why = st.error || "no reason given";
        throw new ApiError("render", /cancel/i.test(why) ? w.exportCancelled : w.exportFailed(why));
      }
      if (st.status === "queued") {
        ui.exportProgress.removeAttribute("value");
        ui.exportStatus.textContent = w.exportQueued;
      } else {
        const p = Math.max(0, Math.min(1, Number(st.progress) || 0));
        ui.exportProgress.value = p;
        ui.exportStatus.textContent = w.exportRendering(Math.round(p * 100));
      }
      await sleep(1000);
      try {
        st = await client.renderStatus(id);
        misses = 0;
      } catch (e) {
        // A blip while polling is not the export failing.
        if (!(e instanceof ApiError && e.code === "network") || ++misses > 10) throw e;
      }
    }
    showExport(id, st);
  } catch (e) {
    ui.exportProgress.hidden = true;
    ui.exportStatus.textContent = "";
    alertError(e, { key: "export", action: runExport, actionLabel: w.retry });
  } finally {
    app.exportBusy = false;
    updateControls();
    refreshCredits();
  }
}

async function restoreExport() {
  const sid = client.sessionId;
  const id = sid && lastExport(sid);
  if (!id) return;
  try {
    const st = await client.renderStatus(id);
    if (st.status === "completed" && st.output && st.output.url) showExport(id, st);
  } catch {
    /* gone: nothing to show */
  }
}

function setupExport() {
  ui.exportBtn.addEventListener("click", runExport);
  ui.cancelExport.addEventListener("click", async () => {
    if (!app.exportId) return;
    try {
      await client.cancelRender(app.exportId);
    } catch (e) {
      alertError(e, { key: "cancel" });
    }
  });
}

// ---- metadata and generated media ----

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back */
  }
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.position = "fixed";
  ta.style.opacity = "0";
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

function copyButton(text, what) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "copy";
  b.textContent = w.copy;
  b.setAttribute("aria-label", `${w.copy}: ${what}`);
  b.addEventListener("click", async () => {
    const ok = await copyText(text);
    if (ok) {
      b.textContent = w.copied;
      setTimeout(() => (b.textContent = w.copy), 1500);
    } else {
      showAlert(w.copyFailed, { kind: "warn", key: "copy", timeout: 5000 });
    }
  });
  return b;
}

function chapterTime(ms) {
  const s = Math.floor((Number(ms) || 0) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function metaField(label, text, { list = null, pre = false } = {}) {
  const row = document.createElement("div");
  row.className = "meta-field";
  const head = document.createElement("div");
  head.className = "meta-head";
  const h = document.createElement("h4");
  h.textContent = label;
  head.append(h, copyButton(text, label));
  row.append(head);
  if (list) {
    const ul = document.createElement("ul");
    ul.className = "meta-list";
    for (const item of list) {
      const li = document.createElement("li");
      const span = document.createElement("span");
      span.textContent = item;
      li.append(span, copyButton(item, item));
      ul.append(li);
    }
    row.append(ul);
  } else {
    const p = document.createElement(pre ? "pre" : "p");
    p.className = pre ? "meta-pre" : "meta-text";
    p.textContent = text;
    row.append(p);
  }
  return row;
}

function metadataBlock(g) {
  const m = g.meta && typeof g.meta === "object" ? g.meta : {};
  const box = document.createElement("div");
  box.className = "meta-entry";
  box.setAttribute("data-id", g.id);
  const strs = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
  const titles = strs(m.titles);
  if (titles.length) box.append(metaField(w.titles, titles.join("\n"), { list: titles }));
  if (typeof m.description === "string" && m.description) box.append(metaField(w.description, m.description, { pre: true }));
  const tags = strs(m.tags);
  if (tags.length) box.append(metaField(w.tags, tags.join(", ")));
  const hashtags = strs(m.hashtags);
  if (hashtags.length) box.append(metaField(w.hashtags, hashtags.join(" ")));
  const chapters = Array.isArray(m.chapters) ? m.chapters : [];
  if (chapters.length) {
    const text = chapters.map((c) => `${chapterTime(c.start_ms)} ${c.title || ""}`.trim()).join("\n");
    box.append(metaField(w.chapters, text, { pre: true }));
  }
  return box;
}

function renderMetadata(generated) {
  const entries = generated.filter((g) => g.kind === "metadata").sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  ui.metadata.replaceChildren();
  ui.metadata.setAttribute("data-count", String(entries.length));
  if (!entries.length) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = w.noMetadata;
    ui.metadata.append(p);
    return;
  }
  ui.metadata.append(metadataBlock(entries[0]));
  if (entries.length > 1) {
    const d = document.createElement("details");
    const s = document.createElement("summary");
    s.textContent = w.earlier(entries.length - 1);
    d.append(s);
    for (const g of entries.slice(1)) d.append(metadataBlock(g));
    ui.metadata.append(d);
  }
}

function renderGenerated(generated, infos) {
  const items = generated.filter((g) => g.kind !== "metadata").sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  ui.generated.replaceChildren();
  if (!items.length) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = w.noGenerated;
    ui.generated.append(p);
    return;
  }
  for (const g of items) {
    const li = document.createElement("li");
    li.className = "generated-item";
    li.setAttribute("data-kind", g.kind);
    if (g.media_id) li.setAttribute("data-media-id", g.media_id);
    const kind = g.kind === "music" ? "audio" : g.kind === "metadata" ? "file" : "video";
    const text = document.createElement("div");
    const line = document.createElement("span");
    line.className = "generated-line";
    line.textContent = generatedLine(g, infos);
    text.append(line);
    const info = g.media_id ? infos.find((m) => m.media_id === g.media_id) : null;
    const url = info ? safeUrl(info.url) : null;
    if (url && (kind === "audio" || kind === "video")) {
      // Played from the media's signed link; nothing loads until asked.
      const player = document.createElement(kind);
      player.controls = true;
      player.preload = kind === "video" ? "metadata" : "none";
      if (kind === "video") player.playsInline = true;
      player.className = "generated-player";
      player.src = url;
      player.setAttribute("aria-label", line.textContent);
      text.append(player);
    } else {
      const note = document.createElement("span");
      note.className = "generated-note";
      note.textContent = w.noPlayer;
      text.append(note);
    }
    li.append(icon(kind), text);
    ui.generated.append(li);
  }
}

// ---- sessions ----

function setupSessions() {
  ui.sessionSelect.addEventListener("change", async () => {
    const id = ui.sessionSelect.value;
    if (app.turnBusy || app.exportBusy || !client.useSession(id)) {
      renderSessions();
      return;
    }
    loadSessionChat();
    resetExportView();
    await refreshState();
    renderSessions();
    restoreExport();
  });
  ui.newSession.addEventListener("click", async () => {
    if (app.turnBusy || app.exportBusy) return;
    ui.newSession.disabled = true;
    try {
      await client.newSession();
      loadSessionChat();
      resetExportView();
      await refreshState();
      renderSessions();
      showAlert(w.sessionStarted, { kind: "info", key: "session", timeout: 4000 });
      ui.chatInput.focus();
    } catch (e) {
      alertError(e, { key: "session" });
    } finally {
      updateControls();
    }
  });
}

// ---- start ----

const media = new MediaBin({
  client,
  words: w,
  list: $("media-list"),
  queue: $("upload-queue"),
  errors: $("upload-errors"),
  dropZone: $("drop-zone"),
  input: $("file-input"),
  chooseButton: $("choose-files-button"),
  onUploaded: () => refreshState(),
  onMedia: (items) => {
    // Show new media at once; the state refresh that follows is the authority.
    const infos = (app.state && app.state.state && app.state.state.video_infos) || [];
    const ids = new Set(infos.map((m) => m.media_id));
    const merged = infos.concat(items.filter((m) => !ids.has(m.media_id)));
    if (app.state && app.state.state) app.state.state.video_infos = merged;
    media.render(merged);
  },
});

function translatePage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const v = w[el.getAttribute("data-i18n")];
    if (typeof v === "string") el.textContent = v;
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    const v = w[el.getAttribute("data-i18n-label")];
    if (typeof v === "string") el.setAttribute("aria-label", v);
  }
  ui.chatInput.placeholder = w.chatPlaceholder;
  for (const o of ui.quality.options) o.textContent = w.qualities[o.value] || o.value;
}

async function connect() {
  clearAlert("connect");
  ui.credits.textContent = w.connecting;
  try {
    await client.ensureToken();
    await client.ensureSession();
    renderSessions();
    loadSessionChat();
    const data = await client.state();
    app.connected = true;
    applyState(data);
    renderSessions();
    await refreshCredits();
    restoreExport();
    document.body.setAttribute("data-connected", "true");
  } catch (e) {
    app.connected = false;
    ui.credits.textContent = w.creditsUnknown;
    const { text } = describeError(e);
    showAlert(`${w.connectFailed}: ${text}`, { key: "connect", action: connect, actionLabel: w.retry });
  } finally {
    updateControls();
  }
}

translatePage();
chat.replay([]);
setupChat();
setupExport();
setupSessions();
resetExportView();
updateControls();
connect();
