// The media bin: drag-and-drop and a file picker, one upload request per file (each with
// its own progress bar), thumbnails captured in the page from the local file (or shown
// from the media's signed link), the session's media from its state, and per-file errors
// that stay until dismissed.

import { ApiError } from "/web/api.js";

const THUMBS_KEY = "cutroom.thumbs.v1";
const MAX_THUMBS = 60;
const PARALLEL = 2;

const ICONS = {
  video: "M4 5h16v14H4zM4 9h16M4 15h16M8 5v4M12 5v4M16 5v4M8 15v4M12 15v4M16 15v4",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 9.5a1.5 1.5 0 1 0 0-.01",
  audio: "M9 18V6l11-2v12M9 18a3 3 0 1 1-3-3 3 3 0 0 1 3 3zM20 16a3 3 0 1 1-3-3 3 3 0 0 1 3 3z",
  captions: "M3 6h18v12H3zM10 11a2 2 0 1 0 0 2M17 11a2 2 0 1 0 0 2",
  file: "M6 3h9l4 4v14H6zM15 3v4h4",
};

/** An inline SVG icon (no external resources). */
export function icon(kind, cls = "icon") {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", ICONS[kind] || ICONS.file);
  p.setAttribute("fill", "none");
  p.setAttribute("stroke", "currentColor");
  p.setAttribute("stroke-width", "1.6");
  p.setAttribute("stroke-linejoin", "round");
  p.setAttribute("stroke-linecap", "round");
  svg.append(p);
  return svg;
}

export function formatBytes(n) {
  const v = Number(n) || 0;
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(0)} KB`;
  if (v < 1024 * 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MB`;
  return `${(v / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return "";
  const s = Number(ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s - m * 60)).padStart(2, "0")}`;
}

function loadThumbs() {
  try {
    const v = JSON.parse(localStorage.getItem(THUMBS_KEY) || "{}");
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

function saveThumbs(map) {
  const entries = Object.entries(map).slice(-MAX_THUMBS);
  try {
    localStorage.setItem(THUMBS_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Full: keep them in memory only.
  }
}

function drawToDataUrl(source, w, h) {
  if (!(w > 0 && h > 0)) return null;
  const scale = Math.min(1, 320 / Math.max(w, h));
  const c = document.createElement("canvas");
  c.width = Math.max(1, Math.round(w * scale));
  c.height = Math.max(1, Math.round(h * scale));
  const ctx = c.getContext("2d");
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, c.width, c.height);
  try {
    return c.toDataURL("image/jpeg", 0.72);
  } catch {
    return null;
  }
}

/** A frame of a local video file (about 1 s in), as a data URL; null when the browser
 *  cannot decode it. */
function videoThumb(file) {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const v = document.createElement("video");
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      v.removeAttribute("src");
      try {
        v.load();
      } catch {
        /* nothing to release */
      }
      URL.revokeObjectURL(url);
      resolve(r);
    };
    const timer = setTimeout(() => finish(null), 8000);
    v.muted = true;
    v.playsInline = true;
    v.preload = "auto";
    v.addEventListener("loadedmetadata", () => {
      const d = v.duration;
      v.currentTime = Number.isFinite(d) && d > 0 ? Math.min(1, d / 2) : 1;
    });
    v.addEventListener("seeked", () => finish(drawToDataUrl(v, v.videoWidth, v.videoHeight)));
    v.addEventListener("error", () => finish(null));
    v.src = url;
  });
}

function imageThumb(file) {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    const finish = (r) => {
      URL.revokeObjectURL(url);
      resolve(r);
    };
    img.onload = () => finish(drawToDataUrl(img, img.naturalWidth, img.naturalHeight));
    img.onerror = () => finish(null);
    img.src = url;
  });
}

/** A media link from the state, if it is one this page may load (http(s) or same-origin). */
export function safeUrl(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** What a local file probably is, from its type and name (the server decides for real). */
export function guessKind(file) {
  const t = (file.type || "").toLowerCase();
  const n = (file.name || "").toLowerCase();
  if (t.startsWith("video/") || /\.(mp4|mov|avi|webm|mkv|m4v)$/.test(n)) return "video";
  if (t.startsWith("image/") || /\.(jpe?g|png|gif|webp)$/.test(n)) return "image";
  if (t.startsWith("audio/") || /\.(mp3|wav|m4a|aac|ogg|flac)$/.test(n)) return "audio";
  if (/\.(srt|vtt)$/.test(n)) return "captions";
  return "file";
}

export class MediaBin {
  /**
   * @param {object} o
   * @param {import('/web/api.js').Client} o.client
   * @param {object} o.words UI strings
   * @param {HTMLElement} o.list #media-list
   * @param {HTMLElement} o.queue the upload progress list
   * @param {HTMLElement} o.errors #upload-errors
   * @param {HTMLElement} o.dropZone #drop-zone
   * @param {HTMLInputElement} o.input #file-input
   * @param {HTMLElement} o.chooseButton the visible "Choose files" button
   * @param {() => void} o.onUploaded called after each successful upload
   * @param {(media: object[]) => void} o.onMedia new media from an upload answer
   */
  constructor(o) {
    Object.assign(this, o);
    this.thumbs = loadThumbs();
    this.pending = [];
    this.running = 0;
    this.known = [];
    this.chooseButton.addEventListener("click", () => this.input.click());
    this.input.addEventListener("change", () => {
      const files = [...(this.input.files || [])];
      this.input.value = "";
      this.add(files);
    });
    const dz = this.dropZone;
    const over = (e) => {
      if (!e.dataTransfer || ![...e.dataTransfer.types].includes("Files")) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      dz.classList.add("dragging");
    };
    dz.addEventListener("dragenter", over);
    dz.addEventListener("dragover", over);
    dz.addEventListener("dragleave", (e) => {
      if (!dz.contains(e.relatedTarget)) dz.classList.remove("dragging");
    });
    dz.addEventListener("drop", (e) => {
      e.preventDefault();
      dz.classList.remove("dragging");
      this.add([...((e.dataTransfer && e.dataTransfer.files) || [])]);
    });
    // A file dropped beside the zone must not navigate away from the studio.
    window.addEventListener("dragover", (e) => e.preventDefault());
    window.addEventListener("drop", (e) => e.preventDefault());
  }

  /** Queues files for upload (each its own request and progress bar). */
  add(files) {
    for (const file of files) {
      const job = { file, kind: guessKind(file), row: this.queueRow(file), thumb: null };
      job.thumb =
        job.kind === "video" ? videoThumb(file) : job.kind === "image" ? imageThumb(file) : Promise.resolve(null);
      this.pending.push(job);
    }
    this.pump();
  }

  pump() {
    while (this.running < PARALLEL && this.pending.length) {
      const job = this.pending.shift();
      this.running += 1;
      this.run(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  queueRow(file) {
    const w = this.words;
    const li = document.createElement("li");
    li.className = "upload-row";
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", w.uploading(file.name));
    const pctEl = document.createElement("span");
    pctEl.className = "upload-pct";
    pctEl.textContent = "0%";
    li.append(name, bar, pctEl);
    this.queue.append(li);
    return { li, bar, pctEl };
  }

  async run(job) {
    const { file, row } = job;
    // Once the server has said its size limit, a larger file is not sent at all.
    if (this.limitBytes && file.size > this.limitBytes) {
      row.li.remove();
      this.showError(file, new ApiError(4002, this.limitMessage));
      return;
    }
    try {
      const media = await this.client.upload(file, (sent, total) => {
        const f = total > 0 ? Math.min(1, sent / total) : 0;
        row.bar.value = f;
        row.pctEl.textContent = `${Math.round(f * 100)}%`;
      });
      row.bar.value = 1;
      row.pctEl.textContent = "100%";
      const thumb = await job.thumb.catch(() => null);
      for (const m of media) {
        if (thumb && m.media_id) this.thumbs[m.media_id] = thumb;
      }
      saveThumbs(this.thumbs);
      this.onMedia(media);
      setTimeout(() => row.li.remove(), 600);
      this.onUploaded();
    } catch (e) {
      row.li.remove();
      this.showError(file, e);
    }
  }

  showError(file, e) {
    const w = this.words;
    const box = document.createElement("li");
    box.className = "upload-error";
    box.setAttribute("data-file", file.name);
    const msg = document.createElement("div");
    msg.className = "upload-error-text";
    const head = document.createElement("strong");
    head.textContent = w.uploadFailed(file.name);
    msg.append(head);
    const line = (text) => {
      const p = document.createElement("p");
      p.textContent = text;
      msg.append(p);
      return p;
    };
    let err = e instanceof ApiError ? e : new ApiError("error", String((e && e.message) || e));
    if (err.code === 4002) {
      const m = /(\d+(?:\.\d+)?)\s*MB/i.exec(err.message);
      if (m) {
        this.limitBytes = Number(m[1]) * 1024 * 1024;
        this.limitMessage = err.message;
      }
    } else if (err.code === "network" && this.limitBytes && file.size > this.limitBytes) {
      // The server stops reading a file over its limit, which the browser may see as a
      // broken connection rather than the answer.
      err = new ApiError(4002, this.limitMessage);
    }
    if (err.code) box.setAttribute("data-code", String(err.code));
    if (err.code === 4001) {
      const list = err.data && Array.isArray(err.data.accepted) ? err.data.accepted.join(", ") : "";
      // The message ends with the list too; it is shown on its own line instead.
      line(list ? err.message.replace(/[;,]?\s*accepted:.*$/is, "") : err.message);
      if (list) line(w.accepted(list)).className = "accepted";
    } else if (err.code === 4002) {
      line(err.message);
      line(w.tooLarge).className = "hint";
    } else if (err.code === 2001) {
      line(err.message);
      const url = err.data && (err.data.bind_url || err.data.bind_path);
      if (typeof url === "string" && /^(https?:\/\/|\/(?!\/))/i.test(url.trim())) {
        const a = document.createElement("a");
        a.href = url;
        a.textContent = w.bindLink;
        a.rel = "noopener";
        msg.append(a);
      }
    } else if (err.code === "network") {
      line(err.message);
      line(w.networkHint).className = "hint";
    } else {
      line(err.message);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "dismiss";
    close.textContent = "×";
    close.setAttribute("aria-label", `${w.dismiss}: ${file.name}`);
    close.title = w.dismiss;
    close.addEventListener("click", () => {
      box.remove();
      this.errors.hidden = !this.errors.children.length;
    });
    box.append(msg, close);
    this.errors.append(box);
    this.errors.hidden = false;
  }

  /** Shows the session's media (state.video_infos). */
  render(videoInfos) {
    const w = this.words;
    const list = this.list;
    list.replaceChildren();
    this.known = Array.isArray(videoInfos) ? videoInfos : [];
    if (!this.known.length) {
      list.setAttribute("data-empty", "true");
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = w.noMedia;
      list.append(empty);
      return;
    }
    list.removeAttribute("data-empty");
    for (const m of this.known) list.append(this.item(m));
  }

  /** The picture of a media entry: the thumbnail drawn at upload, else the file itself
   *  from its signed link (an image, or a video's frame at 1 s), else an icon. */
  thumb(m) {
    const fallback = () => icon(m.kind in ICONS ? m.kind : "file", "icon thumb-icon");
    const src = this.thumbs[m.media_id] || (m.kind === "image" ? safeUrl(m.url) : null);
    if (src) {
      const img = document.createElement("img");
      img.src = src;
      img.alt = "";
      img.decoding = "async";
      img.loading = "lazy";
      img.addEventListener("error", () => img.replaceWith(fallback()), { once: true });
      return img;
    }
    const url = m.kind === "video" ? safeUrl(m.url) : null;
    if (!url) return fallback();
    const v = document.createElement("video");
    v.muted = true;
    v.playsInline = true;
    v.preload = "metadata";
    v.setAttribute("aria-hidden", "true");
    v.addEventListener("error", () => v.replaceWith(fallback()), { once: true });
    v.src = `${url}#t=1`;
    return v;
  }

  item(m) {
    const w = this.words;
    const li = document.createElement("li");
    li.className = "media-item";
    li.setAttribute("data-media-id", m.media_id);
    li.setAttribute("data-kind", m.kind);
    const fig = document.createElement("div");
    fig.className = "thumb";
    fig.append(this.thumb(m));
    const info = document.createElement("div");
    info.className = "media-info";
    const name = document.createElement("span");
    name.className = "media-name";
    name.textContent = m.name;
    name.title = m.name;
    const details = document.createElement("span");
    details.className = "media-details";
    const bits = [w.kinds[m.kind] || m.kind];
    if (m.duration_ms) bits.push(formatDuration(m.duration_ms));
    if (m.width && m.height) bits.push(`${m.width}×${m.height}`);
    bits.push(formatBytes(m.size_bytes));
    if (m.analysis_status === "pending") bits.push(w.analysing);
    details.textContent = bits.join(" · ");
    info.append(name, details);
    li.append(fig, info);
    return li;
  }
}
