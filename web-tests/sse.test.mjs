// Unit tests of the studio's SSE parser (crates/cutroom-server/web/sse.js), with the same
// cases as the Rust client's parser (crates/cutroom-client/src/sse.rs).
// Run: node --test web-tests/sse.test.mjs

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import test from "node:test";

// sse.js is an ES module without a package.json beside it: load it as one explicitly.
const source = await readFile(new URL("../crates/cutroom-server/web/sse.js", import.meta.url), "utf8");
const { SseParser, TurnOutcome, turnEvents, toolWords, progressPercent } = await import(
  "data:text/javascript;base64," + Buffer.from(source).toString("base64")
);

const EVENT =
  '{"id":"e1","invocationId":"inv","author":"agent","timestamp":1.0,"partial":false,"turnComplete":true,"content":{"role":"model","parts":[{"text":"Done: 9:16"}]}}';

test("parses across chunk boundaries and line endings", () => {
  const stream = `: ping\n\ndata: \n\ndata: ${EVENT}\r\n\r\nevent: x\ndata: a\ndata: b\n\ndata: tail`;
  const want = [
    { type: "comment", text: "ping" },
    { type: "data", data: "" },
    { type: "data", data: EVENT },
    { type: "data", data: "a\nb" },
    { type: "data", data: "tail" },
  ];
  for (let cut = 0; cut <= stream.length; cut++) {
    const p = new SseParser();
    const items = [...p.push(stream.slice(0, cut)), ...p.push(stream.slice(cut)), ...p.finish()];
    assert.deepEqual(items, want, `cut at ${cut}`);
  }
});

test("a lone carriage return ends a line, and CRLF split between chunks counts once", () => {
  const p = new SseParser();
  const items = [...p.push("data: x\r"), ...p.push("\ndata: y\r\r"), ...p.finish()];
  assert.deepEqual(items, [{ type: "data", data: "x\ny" }]);
});

test("a multibyte character split between network chunks survives", () => {
  const bytes = new TextEncoder().encode("data: 导出完成\n\n");
  const decoder = new TextDecoder();
  const p = new SseParser();
  const items = [...p.push(decoder.decode(bytes.slice(0, 8), { stream: true })), ...p.push(decoder.decode(bytes.slice(8), { stream: true }))];
  assert.deepEqual(items, [{ type: "data", data: "导出完成" }]);
});

test("items become turn events", () => {
  assert.deepEqual(turnEvents({ type: "comment", text: "ping" }), [{ type: "heartbeat" }]);
  assert.deepEqual(turnEvents({ type: "data", data: " " }), [{ type: "heartbeat" }]);
  assert.deepEqual(turnEvents({ type: "data", data: "not json" }), [{ type: "unrecognized", data: "not json" }]);
  assert.deepEqual(turnEvents({ type: "data", data: EVENT }), [{ type: "text", text: "Done: 9:16", partial: false, complete: true }]);
  const call =
    '{"id":"e0","invocationId":"inv","author":"agent","timestamp":1.0,"content":{"role":"model","parts":[{"functionCall":{"id":"c1","name":"canvas","args":{"w":1080}}},{"functionResponse":{"id":"c1","name":"canvas","response":{"ok":true}}}]}}';
  const events = turnEvents({ type: "data", data: call });
  assert.equal(events[0].type, "call");
  assert.equal(events[0].name, "canvas");
  assert.equal(events[1].type, "result");
  const o = new TurnOutcome();
  for (const e of [...events, ...turnEvents({ type: "data", data: EVENT }), { type: "heartbeat" }]) o.add(e);
  assert.deepEqual([o.tools, o.reply(), o.complete, o.heartbeats], [["canvas"], "Done: 9:16", true, 1]);
  assert.equal(new TurnOutcome().reply(), null);
});

test("only the last text of a closing event closes the turn", () => {
  const two =
    '{"partial":false,"turnComplete":true,"content":{"role":"model","parts":[{"text":"a"},{"text":"b"}]}}';
  const e = turnEvents({ type: "data", data: two });
  assert.deepEqual(
    e.map((x) => x.complete),
    [false, true],
  );
});

test("tool names and progress read as words", () => {
  assert.equal(toolWords("add_text"), "add text");
  assert.equal(toolWords("canvas"), "canvas");
  assert.equal(toolWords("text_to_video"), "video from text");
  assert.equal(progressPercent("Composing music… 30%"), 30);
  assert.equal(progressPercent("正在导出… 100%"), 100);
  assert.equal(progressPercent("working"), null);
});
