// Draws the draft: one lane per track, segments placed to scale by `start` and `d`
// against the draft's whole length, a time ruler, transitions at segment boundaries, the
// canvas size and aspect. Plain DOM (no canvas), so it is readable by assistive technology
// and by tests: `#timeline[data-canvas="1080x1920"]`, `.lane[data-track-type]`,
// `.segment[data-text]`.

const TYPES = { 0: "video", 1: "audio", 7: "text" };

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** `1080×1920` → "9:16"; near-standard shapes get their usual name. */
export function aspectName(w, h) {
  if (!(w > 0 && h > 0)) return "";
  const g = gcd(w, h);
  const [a, b] = [w / g, h / g];
  if (a <= 32 && b <= 32) return `${a}:${b}`;
  const known = [[16, 9], [9, 16], [1, 1], [4, 5], [5, 4], [4, 3], [3, 4], [21, 9], [9, 21], [2, 1], [1, 2], [3, 2], [2, 3]];
  const r = w / h;
  for (const [x, y] of known) if (Math.abs(r - x / y) / (x / y) < 0.02) return `${x}:${y}`;
  return `${r.toFixed(2)}:1`;
}

/** Milliseconds as "1:05.2" / "12.5 s". */
export function formatMs(ms, { precise = false } = {}) {
  const s = Math.max(0, Number(ms) || 0) / 1000;
  if (s < 60) return precise || s % 1 ? `${s.toFixed(1)} s` : `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(precise ? 1 : 0).padStart(precise ? 4 : 2, "0")}`;
}

function rulerLabel(ms) {
  const s = ms / 1000;
  if (s < 60) return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s - m * 60)).padStart(2, "0")}`;
}

function num(v, fallback = 0) {
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** The draft's whole length in ms (the latest end of any segment). */
export function draftLength(draft) {
  let end = 0;
  for (const t of (draft && Array.isArray(draft.t) ? draft.t : [])) {
    for (const s of Array.isArray(t.sg) ? t.sg : []) end = Math.max(end, num(s.start) + num(s.d));
  }
  return end;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k === "style") Object.assign(e.style, v);
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "title") e.setAttribute(k, String(v));
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function laneName(track, type, words) {
  const m = track.m && typeof track.m === "object" ? track.m : {};
  const role = typeof m.role === "string" ? m.role : "";
  let base;
  if (type === "audio" && (role === "bgm" || role === "music")) base = words.tracks.music;
  else if (type === "text" && role === "title") base = words.tracks.title;
  else if (type === "text" && (role === "captions" || role === "caption")) base = words.tracks.captions;
  else base = words.tracks[type] || type;
  const generic = new Set(["music", "bgm", "title", "titles", "text", "video", "audio", "captions", "caption", role.toLowerCase()]);
  const own = typeof m.name === "string" ? m.name.trim() : "";
  const name = own && own !== base && !generic.has(own.toLowerCase()) ? ` · ${own}` : "";
  return { base, name };
}

function rulerStep(total) {
  const steps = [250, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000];
  for (const s of steps) if (total / s <= 10) return s;
  return steps[steps.length - 1];
}

/** The row of each segment so that none overlaps another in its row. */
function stackRows(segs) {
  const order = segs.map((s, i) => i).sort((a, b) => num(segs[a].start) - num(segs[b].start));
  const ends = [];
  const rows = new Array(segs.length).fill(0);
  for (const i of order) {
    const start = num(segs[i].start);
    let r = ends.findIndex((e) => e <= start);
    if (r < 0) r = ends.length;
    ends[r] = start + Math.max(0, num(segs[i].d));
    rows[i] = r;
  }
  return rows;
}

const pct = (v, total) => `${((v / total) * 100).toFixed(4)}%`;

/**
 * Draws `draft` into `root` (the `#timeline` element).
 * @param {HTMLElement} root
 * @param {object} draft the session's draft (`canvas`, `t`)
 * @param {object} o
 * @param {(src: string) => string|null} o.mediaName the file name of a media id
 * @param {object} o.words the UI strings
 */
export function renderTimeline(root, draft, { mediaName = () => null, words }) {
  const canvas = (draft && draft.canvas) || {};
  const w = num(canvas.w);
  const h = num(canvas.h);
  const tracks = draft && Array.isArray(draft.t) ? draft.t : [];
  const total = draftLength(draft);
  root.setAttribute("data-canvas", w && h ? `${w}x${h}` : "");
  root.setAttribute("data-duration-ms", String(total));
  root.setAttribute("data-tracks", String(tracks.length));
  root.replaceChildren();

  const shape = w && h ? `${w}×${h} · ${aspectName(w, h)}` : "";
  const meta = el("p", { class: "tl-meta", id: "timeline-meta" });
  meta.append(
    el("span", { class: "tl-canvas", "data-testid": "canvas-size", text: shape }),
    el("span", { class: "tl-length", text: total ? ` · ${formatMs(total, { precise: true })}` : "" }),
    el("span", { class: "tl-fps", text: canvas.fps ? ` · ${canvas.fps} fps` : "" }),
  );
  root.append(meta);

  if (!tracks.length || !total) {
    root.append(el("p", { class: "tl-empty", text: words.timelineEmpty }));
    // Empty tracks still get their lanes (the agent may have added one).
    if (!tracks.length) return;
  }
  const span = Math.max(total, 1000);

  // The ruler.
  const ruler = el("div", { class: "tl-ruler", "aria-hidden": "true" });
  const step = rulerStep(span);
  for (let t = 0; t <= span + 1; t += step) {
    const tick = el("span", { class: "tl-tick", style: { left: pct(t, span) } });
    tick.append(el("span", { class: "tl-tick-label", text: rulerLabel(t) }));
    ruler.append(tick);
  }
  root.append(el("div", { class: "tl-row tl-ruler-row" }, el("span", { class: "lane-label" }), ruler));

  const lanes = el("div", { class: "tl-lanes", role: "list" });
  tracks.forEach((track, ti) => {
    const type = TYPES[track.tt] || "video";
    const { base, name } = laneName(track, type, words);
    const label = `${base}${name}`;
    const lane = el("div", {
      class: `lane lane-${type}`,
      role: "listitem",
      "data-track-type": type,
      "data-track-index": String(ti),
      "aria-label": label,
    });
    lane.append(el("span", { class: "lane-label", title: label, text: label }));
    const body = el("div", { class: "lane-body", role: "list", "aria-label": label });
    const segs = Array.isArray(track.sg) ? track.sg : [];
    // Overlapping texts or sounds of one track stack in rows (video segments overlap only
    // by their transitions, which are drawn as marks).
    const rows = type === "video" ? segs.map(() => 0) : stackRows(segs);
    const rowCount = Math.max(1, ...rows.map((r) => r + 1));
    if (rowCount > 1) {
      body.style.height = `calc(${rowCount} * var(--row-h) + 0.4rem)`;
      lane.setAttribute("data-rows", String(rowCount));
    }
    segs.forEach((s, si) => {
      const start = num(s.start);
      const d = Math.max(0, num(s.d));
      const end = start + d;
      const speed = num(s.speed, 1);
      const volume = s.volume === undefined || s.volume === null ? 1 : num(s.volume, 1);
      const segName =
        (s.m && typeof s.m.name === "string" && s.m.name) || (s.src ? mediaName(String(s.src)) || String(s.src) : "");
      let text;
      let title;
      const attrs = {
        class: `segment seg-${type}`,
        role: "listitem",
        "data-index": String(si),
        "data-start": String(start),
        "data-d": String(d),
        style: { left: pct(start, span), width: pct(d, span) },
      };
      if (rowCount > 1) {
        attrs.style.top = `calc(${rows[si]} * var(--row-h) + 0.2rem)`;
        attrs.style.height = `calc(var(--row-h) - 0.2rem)`;
        attrs.style.bottom = "auto";
      }
      const when = `${formatMs(start, { precise: true })}–${formatMs(end, { precise: true })}`;
      if (type === "text") {
        const t = typeof s.text === "string" ? s.text : "";
        attrs["data-text"] = t;
        text = t.replace(/\s+/g, " ");
        title = `“${t}” · ${when}`;
      } else if (type === "audio") {
        const v = Math.round(volume * 100);
        attrs["data-volume"] = String(v);
        text = `${segName || base} · ${v}%`;
        title = `${segName || base} · ${v}% · ${when}`;
      } else {
        text = segName || base;
        if (speed !== 1) text += ` · ×${speed}`;
        if (volume !== 1) text += ` · ${Math.round(volume * 100)}%`;
        title = `${text} · ${when}`;
      }
      if (s.src) attrs["data-src"] = String(s.src);
      attrs.title = title;
      attrs["aria-label"] = title;
      const seg = el("div", attrs, el("span", { class: "seg-label", text }));
      if (num(s.fade_in) > 0) seg.classList.add("fade-in");
      if (num(s.fade_out) > 0) seg.classList.add("fade-out");
      body.append(seg);
      // A transition overlaps this segment and the next by its duration.
      const tr = s.transition;
      if (tr && typeof tr === "object" && si + 1 < segs.length) {
        const td = Math.max(0, num(tr.d));
        const kind = String(tr.kind || "transition").replace(/_/g, " ");
        const at = Math.max(start, end - td);
        const mark = el("div", {
          class: "transition-mark",
          "data-kind": String(tr.kind || ""),
          title: `${kind} · ${(td / 1000).toFixed(1)} s`,
          "aria-label": `${kind} ${(td / 1000).toFixed(1)} s`,
          role: "listitem",
          style: { left: pct(at, span), width: pct(Math.max(td, 1), span) },
        });
        mark.append(el("span", { class: "transition-label", text: kind }));
        body.append(mark);
      }
    });
    lane.append(body);
    lanes.append(lane);
  });
  root.append(lanes);
}
