// The conversation: messages, the agent's progress line (updated in place), tool activity
// as compact chips, and the working indicator with the time since the last heartbeat.

import { progressPercent, toolWords } from "/web/sse.js";

/** Appends `text` to `parent`, with http(s) links made clickable (never as HTML). */
export function appendLinked(parent, text) {
  const re = /\bhttps?:\/\/[^\s<>"'”’)]+/g;
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    let url = m[0].replace(/[.,;:!?。，]+$/, "");
    const a = document.createElement("a");
    a.href = url;
    a.textContent = url.length > 80 ? `${url.slice(0, 77)}…` : url;
    a.target = "_blank";
    a.rel = "noopener";
    parent.append(a);
    last = m.index + url.length;
    re.lastIndex = last;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

export class ChatView {
  /**
   * @param {object} o
   * @param {HTMLElement} o.log #chat-log
   * @param {HTMLElement} o.status #turn-status
   * @param {object} o.words UI strings
   */
  constructor({ log, status, words }) {
    this.log = log;
    this.status = status;
    this.words = words;
    this.timer = null;
    this.setIdle();
  }

  clear() {
    this.log.replaceChildren();
  }

  scroll() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  line(role, text, extra = "") {
    const w = this.words;
    const intro = this.log.querySelector(".chat-intro");
    if (intro) intro.remove();
    const div = document.createElement("div");
    div.className = `msg msg-${role}${extra ? " " + extra : ""}`;
    div.setAttribute("data-role", role);
    if (role === "user" || role === "agent") {
      const who = document.createElement("span");
      who.className = "msg-who";
      who.textContent = role === "user" ? w.you : w.agent;
      div.append(who);
    }
    const body = document.createElement("div");
    body.className = "msg-text";
    appendLinked(body, text);
    div.append(body);
    this.log.append(div);
    this.scroll();
    return div;
  }

  user(text) {
    return this.line("user", text);
  }

  agent(text) {
    return this.line("agent", text);
  }

  system(text, kind = "info") {
    return this.line("system", text, `msg-${kind}`);
  }

  /** Replays stored lines (`{role, text}`) of a session. */
  replay(lines) {
    this.clear();
    if (!lines.length) {
      const p = document.createElement("p");
      p.className = "chat-intro";
      p.textContent = this.words.chatIntro;
      this.log.append(p);
    }
    for (const l of lines) {
      if (l.role === "user") this.user(l.text);
      else if (l.role === "agent") this.agent(l.text);
      else this.system(l.text, l.kind || "info");
    }
  }

  /** Starts showing a turn; returns its view. */
  startTurn() {
    const turn = new TurnView(this);
    this.setBusy(true);
    return turn;
  }

  setIdle() {
    this.setBusy(false);
  }

  setBusy(busy) {
    const s = this.status;
    clearInterval(this.timer);
    this.timer = null;
    s.setAttribute("data-busy", busy ? "true" : "false");
    s.setAttribute("aria-busy", busy ? "true" : "false");
    if (!busy) {
      s.replaceChildren(this.words.idle);
      return;
    }
    this.started = Date.now();
    this.lastBeat = Date.now();
    const tick = () => {
      const secs = Math.floor((Date.now() - this.started) / 1000);
      const quiet = Math.floor((Date.now() - this.lastBeat) / 1000);
      const dot = document.createElement("span");
      dot.className = "spinner";
      dot.setAttribute("aria-hidden", "true");
      const main = document.createElement("span");
      main.className = "turn-working";
      main.textContent = this.statusText || this.words.working(secs);
      const beat = document.createElement("span");
      beat.className = "turn-beat";
      beat.textContent = this.statusText ? "" : ` · ${this.words.lastSignal(quiet)}`;
      s.replaceChildren(dot, main, beat);
    };
    this.tick = tick;
    this.statusText = "";
    tick();
    this.timer = setInterval(tick, 1000);
  }

  /** Something arrived from the server (a heartbeat or an event). */
  beat() {
    this.lastBeat = Date.now();
  }

  /** Overrides the working text (e.g. "connection lost — reconnecting…"). */
  setStatusText(text) {
    this.statusText = text;
    if (this.tick) this.tick();
  }
}

/** One turn's activity in the log. */
export class TurnView {
  constructor(chat) {
    this.chat = chat;
    this.words = chat.words;
    this.box = document.createElement("div");
    this.box.className = "turn-activity";
    const intro = chat.log.querySelector(".chat-intro");
    if (intro) intro.remove();
    this.chips = document.createElement("div");
    this.chips.className = "chips tool-chips";
    this.chips.setAttribute("aria-label", "tools");
    this.progressLine = document.createElement("div");
    this.progressLine.className = "progress-line";
    this.progressLine.setAttribute("aria-live", "polite");
    this.progressLine.hidden = true;
    this.box.append(this.chips, this.progressLine);
    chat.log.append(this.box);
    this.calls = new Map();
    this.lastChip = null;
    chat.scroll();
  }

  event(e) {
    this.chat.beat();
    switch (e.type) {
      case "call":
        this.call(e);
        break;
      case "result":
        this.result(e);
        break;
      case "text":
        if (e.partial) this.progress(e.text);
        else if (e.text.trim()) this.chat.agent(e.text);
        break;
      default:
        break;
    }
  }

  call(e) {
    const chip = document.createElement("span");
    chip.className = "chip tool-chip running";
    chip.setAttribute("data-tool", e.name);
    const words = toolWords(e.name);
    chip.textContent = words;
    chip.title = words;
    this.chips.append(chip);
    this.calls.set(e.id, { chip, words });
    this.lastChip = { chip, words };
    this.chat.scroll();
  }

  result(e) {
    const c = this.calls.get(e.id) || this.lastChip;
    if (!c) return;
    c.chip.classList.remove("running");
    const failed = e.response && typeof e.response === "object" && "error" in e.response;
    c.chip.classList.add(failed ? "failed" : "done");
    c.chip.textContent = c.words;
    if (failed) c.chip.title = `${c.words}: ${e.response.error}`;
  }

  progress(text) {
    this.progressLine.hidden = false;
    this.progressLine.textContent = text;
    const p = progressPercent(text);
    const running = [...this.calls.values()].reverse().find((c) => c.chip.classList.contains("running"));
    if (p !== null && running) running.chip.textContent = `${running.words} ${p}%`;
    this.chat.scroll();
  }

  /** The turn is over: the progress line goes. */
  end() {
    this.progressLine.hidden = true;
    if (!this.chips.children.length) this.box.remove();
    for (const c of this.calls.values()) {
      if (c.chip.classList.contains("running")) {
        c.chip.classList.remove("running");
        c.chip.textContent = c.words;
      }
    }
  }
}
