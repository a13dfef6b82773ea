// Drives the cutroom web studio in headless Chromium (playwright-core) against a running
// `cutroom serve`, the way a person would: connect, a refused upload, two uploads, a chat
// turn, a turn whose event stream is cut off (recovered from the saved state), an export
// and its download, and the page on a phone-sized screen.
//
// Usage:
//   node web-tests/studio.mjs <base-url> <clip1.mp4> <clip2.mp4> <bad-file.txt> <screenshot-dir> <download-path>
// Chromium: $CHROMIUM, else /usr/bin/chromium. Exit 0 and a last line {"ok":true,...} on
// success; on failure, what failed, a failure screenshot, {"ok":false,...} and exit 1.

import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const [base, clip1, clip2, badFile, shotDir, downloadPath] = process.argv.slice(2);
if (!base || !clip1 || !clip2 || !badFile || !shotDir || !downloadPath) {
  console.error(
    "usage: node web-tests/studio.mjs <base-url> <clip1.mp4> <clip2.mp4> <bad-file.txt> <screenshot-dir> <download-path>",
  );
  process.exit(2);
}

const SHORT = 20_000;
const TURN = 120_000;
const EXPORT = 180_000;
const started = Date.now();
const screenshots = [];
const pageErrors = [];
let step = "start";

function log(msg) {
  console.error(`[studio ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

function begin(name) {
  step = name;
  log(name);
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function shot(page, name) {
  const file = path.join(shotDir, name);
  await page.screenshot({ path: file, fullPage: true, timeout: SHORT });
  screenshots.push(file);
  log(`screenshot ${file}`);
}

/** Resolves when #turn-status has been busy and is idle again, with turns counted past `turnsBefore`. */
async function waitTurnDone(page, turnsBefore, timeout = TURN) {
  await page.waitForFunction(
    (n) => {
      const s = document.getElementById("turn-status");
      return window.__sawBusy === true && s.getAttribute("data-busy") === "false" && Number(s.getAttribute("data-turns")) > n;
    },
    turnsBefore,
    { timeout, polling: 100 },
  );
}

/** Notes (in window.__sawBusy) when #turn-status goes busy, however briefly. */
async function watchBusy(page) {
  await page.evaluate(() => {
    window.__sawBusy = false;
    const s = document.getElementById("turn-status");
    if (s.getAttribute("data-busy") === "true") window.__sawBusy = true;
    if (window.__busyObserver) window.__busyObserver.disconnect();
    window.__busyObserver = new MutationObserver(() => {
      if (s.getAttribute("data-busy") === "true") window.__sawBusy = true;
    });
    window.__busyObserver.observe(s, { attributes: true, attributeFilter: ["data-busy"] });
  });
}

async function turnsSoFar(page) {
  return Number(await page.getAttribute("#turn-status", "data-turns")) || 0;
}

async function say(page, message, { timeout = TURN } = {}) {
  await watchBusy(page);
  const before = await turnsSoFar(page);
  await page.fill("#chat-input", message, { timeout: SHORT });
  await page.click("#send-button", { timeout: SHORT });
  await waitTurnDone(page, before, timeout);
}

async function main() {
  await mkdir(shotDir, { recursive: true });
  await mkdir(path.dirname(path.resolve(downloadPath)), { recursive: true });
  for (const f of [clip1, clip2, badFile]) check((await stat(f)).isFile(), `${f} is not a file`);

  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  begin(`launching ${executablePath}`);
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"], timeout: 60_000 });
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(SHORT);
    page.on("pageerror", (e) => {
      pageErrors.push(String(e));
      log(`page error: ${e}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") log(`console error: ${m.text()}`);
    });

    begin("load the page and wait for credits");
    await page.goto(base, { waitUntil: "domcontentloaded", timeout: 30_000 });
    await page.waitForSelector("#credits[data-available]", { timeout: 30_000 });
    const credits = await page.textContent("#credits");
    check(/\d/.test(credits || ""), `credits show no number: ${credits}`);
    const tokenShown = await page.evaluate(() => {
      const t = JSON.parse(localStorage.getItem("cutroom.studio.v1") || "{}").token;
      return Boolean(t) && document.body.innerText.includes(t);
    });
    check(!tokenShown, "the token is shown on the page");
    check((await page.$$eval("#session-select option", (o) => o.length)) >= 1, "no session in the picker");
    await shot(page, "01-connected.png");

    begin("upload a file that is not media");
    await page.setInputFiles("#file-input", badFile);
    await page.waitForSelector("#upload-errors .upload-error", { state: "visible" });
    const errText = await page.textContent("#upload-errors .upload-error");
    check(/mp4/i.test(errText || ""), `the upload error does not list the accepted types: ${errText}`);
    await shot(page, "02-upload-error.png");

    begin("upload two clips");
    await page.setInputFiles("#file-input", [clip1, clip2]);
    await page.waitForFunction(() => document.querySelectorAll("#media-list .media-item").length === 2, null, {
      timeout: 60_000,
    });
    // The error from before stays until dismissed; dismiss it the way a person would.
    await page.click("#upload-errors .upload-error button.dismiss");
    await page.waitForFunction(() => !document.querySelector("#upload-errors .upload-error"));
    // Give client-side thumbnails a moment (they are drawn from the local files).
    await page
      .waitForFunction(() => document.querySelectorAll("#media-list .media-item img").length === 2, null, { timeout: 5000 })
      .catch(() => log("thumbnails not drawn (the browser may lack the codec); icons shown"));
    await shot(page, "03-uploaded.png");

    begin("a chat turn: vertical, with a title");
    await say(page, "make it vertical and add a title 'Hello'");
    const canvasAttr = await page.getAttribute("#timeline", "data-canvas");
    check(canvasAttr === "1080x1920", `#timeline data-canvas is ${canvasAttr}, not 1080x1920`);
    await page.waitForSelector('#timeline .lane[data-track-type="text"] .segment[data-text="Hello"]', { timeout: 5000 });
    check((await page.textContent("#summary"))?.includes("Hello"), "the summary does not mention the title");
    check(
      await page.$$eval("#chat-log .msg-agent", (m) => m.length > 0),
      "the agent's reply is not in the chat log",
    );
    await shot(page, "04-after-turn.png");

    begin("a turn whose event stream is cut off before it completes");
    let cut = false;
    await page.route("**/run_sse", async (route) => {
      if (cut) return route.continue();
      cut = true;
      // The server gets the message and runs the whole turn; the page gets only the first event.
      const response = await route.fetch({ timeout: TURN });
      const body = await response.text();
      const first = body.split(/\r?\n\r?\n/).find((b) => /^data:/m.test(b) && !/"turnComplete":\s*true/.test(b));
      await route.fulfill({
        status: 200,
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
        body: first ? `${first}\n\n` : "",
      });
    });
    await watchBusy(page);
    const before = await turnsSoFar(page);
    await page.fill("#chat-input", "add a title 'Again'");
    await page.click("#send-button");
    await page.waitForFunction(() => /connection lost/i.test(document.getElementById("chat-log").innerText), null, {
      timeout: TURN,
    });
    await waitTurnDone(page, before);
    await page.unroute("**/run_sse");
    check(cut, "the stream was not intercepted");
    await page.waitForSelector('#timeline .segment[data-text="Again"]', { timeout: 10_000 });
    const lost = await page.$$eval("#alerts [data-key=connection]", (a) => a.length);
    check(lost === 0, "the connection-lost notice was not cleared after recovery");

    begin("export");
    await page.selectOption("#export-quality", "low");
    await page.click("#export-button");
    await page.waitForFunction(
      () => {
        const a = document.getElementById("download-link");
        return a && a.getAttribute("href") && !a.hidden;
      },
      null,
      { timeout: EXPORT, polling: 500 },
    );
    const href = await page.evaluate(() => document.getElementById("download-link").href);
    log(`download link: ${href.replace(/sig=[^&]+/, "sig=…")}`);
    const resp = await fetch(href, { signal: AbortSignal.timeout(120_000) });
    check(resp.ok, `downloading the export answered ${resp.status}`);
    const bytes = Buffer.from(await resp.arrayBuffer());
    check(bytes.length > 1000, `the export is only ${bytes.length} bytes`);
    check(bytes.subarray(4, 8).toString("latin1") === "ftyp", "the export is not an MP4 (no ftyp box)");
    await writeFile(downloadPath, bytes);
    log(`saved ${bytes.length} bytes to ${downloadPath}`);
    check((await page.getAttribute("#player", "src")) === href, "the player does not have the export");
    await page
      .waitForFunction(() => document.getElementById("player").readyState >= 1, null, { timeout: 10_000 })
      .catch(() => log("the player did not load the export's metadata (codec?)"));
    await shot(page, "05-exported.png");

    begin("reload: the media are shown from the server");
    // A new browser, or cleared storage: no thumbnails drawn from local files any more.
    await page.evaluate(() => localStorage.removeItem("cutroom.thumbs.v1"));
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.querySelectorAll("#media-list .media-item").length === 2, null, {
      timeout: 30_000,
    });
    const links = await page.$$eval("#media-list .media-item .thumb video", (vs) => vs.map((v) => v.src));
    check(
      links.length === 2 && links.every((l) => l.includes("/api/media/") && /[?&]sig=/.test(l)),
      `the reloaded media bin does not show the clips from their links: ${links.length} video thumbnails`,
    );
    const part = await fetch(links[0].replace(/#.*$/, ""), {
      headers: { Range: "bytes=0-99" },
      signal: AbortSignal.timeout(30_000),
    });
    check(part.status === 206, `a ranged request for the media answered ${part.status}`);
    check(part.headers.get("content-type") === "video/mp4", `the media is served as ${part.headers.get("content-type")}`);
    const head = Buffer.from(await part.arrayBuffer());
    check(head.length === 100 && head.subarray(4, 8).toString("latin1") === "ftyp", "the media's first bytes are not an MP4");
    await page
      .waitForFunction(
        () => [...document.querySelectorAll("#media-list .thumb video")].every((v) => v.readyState >= 2),
        null,
        { timeout: 15_000 },
      )
      .then(() => log("thumbnails drawn from the media links"))
      .catch(() => log("the media links' frames were not decoded (codec?)"));

    begin("generated music plays in the page");
    await say(page, "add some calm music");
    await page.waitForSelector('#generated .generated-item[data-kind="music"] audio.generated-player', {
      timeout: 10_000,
    });
    const music = await page.$eval("#generated audio.generated-player", (a) => a.src);
    check(music.includes("/api/media/"), `the music player's source is not a media link: ${music}`);
    const wav = await fetch(music, { signal: AbortSignal.timeout(30_000) });
    check(wav.ok && /^audio\//.test(wav.headers.get("content-type") || ""), `the music link answered ${wav.status}`);
    check(Buffer.from(await wav.arrayBuffer()).length > 10_000, "the generated music is nearly empty");
    await shot(page, "06-reloaded.png");

    begin("phone-sized screen");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `the page is ${overflow}px wider than a 390px screen`);
    await shot(page, "07-phone.png");

    check(pageErrors.length === 0, `the page threw: ${pageErrors.join(" | ")}`);
    console.log(JSON.stringify({ ok: true, screenshots, download: downloadPath, seconds: (Date.now() - started) / 1000 }));
  } catch (e) {
    console.error(`FAILED at "${step}": ${e && e.stack ? e.stack : e}`);
    if (pageErrors.length) console.error(`page errors: ${pageErrors.join(" | ")}`);
    let failure = null;
    if (page) {
      failure = path.join(shotDir, "failure.png");
      await page.screenshot({ path: failure, fullPage: true, timeout: 10_000 }).catch(() => (failure = null));
      const alerts = await page.textContent("#alerts").catch(() => "");
      if (alerts) console.error(`alerts on the page: ${alerts}`);
    }
    console.log(JSON.stringify({ ok: false, step, error: String(e && e.message ? e.message : e), failure, screenshots }));
    process.exitCode = 1;
  } finally {
    await browser.close().catch(() => {});
  }
}

main().catch((e) => {
  console.error(`FAILED at "${step}": ${e && e.stack ? e.stack : e}`);
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.message ? e.message : e), screenshots }));
  process.exit(1);
});
