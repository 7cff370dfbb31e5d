// liblxdclient's sans-IO core in WebAssembly, driven by Node.js with its own transport:
// Node's http over LXD's unix socket. The core builds every request and parses every reply.
//
//   node examples/wasm/lxd-node.mjs target/wasm32-unknown-unknown/release/lxd_core_wasm.wasm
import { readFileSync } from "node:fs";
import http from "node:http";

export async function loadCore(wasmPath) {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
  const ex = instance.exports;
  const enc = new TextEncoder(), dec = new TextDecoder();
  const invoke = (fn, obj) => {
    const bytes = enc.encode(JSON.stringify(obj));
    const ptr = ex.lxd_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    const packed = fn(ptr, bytes.length);
    ex.lxd_free(ptr, bytes.length);
    const outPtr = Number(packed >> 32n), outLen = Number(packed & 0xffffffffn);
    const text = dec.decode(new Uint8Array(ex.memory.buffer, outPtr, outLen));
    ex.lxd_free(outPtr, outLen);
    return JSON.parse(text);
  };
  return {
    request: (cmd) => invoke(ex.lxd_request, cmd),
    parse: (cmd, response) => invoke(ex.lxd_parse, { ...cmd, response }),
  };
}

// The transport: anything that can send a request and return status, headers and body text.
export function unixTransport(socketPath) {
  const agent = new http.Agent({ keepAlive: true });
  return (req) => new Promise((resolve, reject) => {
    const headers = Object.fromEntries(req.headers);
    const r = http.request({ socketPath, agent, method: req.method, path: req.path, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({
        status: res.statusCode,
        headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]),
        body: Buffer.concat(chunks).toString("utf8"),
      }));
    });
    r.on("error", reject);
    if (req.body !== null) r.write(req.body);
    r.end();
  });
}

// One call: the core builds the request, the transport sends it, the core parses the reply.
export async function call(core, send, cmd) {
  const req = core.request(cmd);
  if (req.error) return req;
  return core.parse(cmd, await send(req));
}

async function main() {
  const wasm = process.argv[2] ?? "target/wasm32-unknown-unknown/release/lxd_core_wasm.wasm";
  const socket = process.env.LXD_TEST_SOCKET ?? process.env.LXD_SOCKET ?? "/var/lib/lxd/unix.socket";
  const alias = process.env.LXD_TEST_IMAGE_ALIAS ?? "busybox";
  const core = await loadCore(wasm);
  const send = unixTransport(socket);
  let failed = 0, passed = 0;
  const check = (cond, what) => { if (cond) passed++; else { failed++; console.error(`FAIL: ${what}`); } };
  const ok = async (cmd) => {
    const r = await call(core, send, cmd);
    if (r.error) throw new Error(`${cmd.call}: ${JSON.stringify(r.error)}`);
    return r.ok;
  };

  const server = await ok({ call: "server.get" });
  check(server.value.environment.server_version === "5.0.2", "server version");
  console.log(`server ${server.value.environment.server_version}, auth ${server.value.auth}`);

  const name = `wasm-${Math.random().toString(16).slice(2, 8)}`;
  const before = await ok({ call: "instances.list" });
  check(!before.includes(name), "new name unused");
  const op = await ok({ call: "instances.create", async: true,
    body: { name, source: { type: "image", alias } } });
  console.log(`create: operation ${op.id}`);
  const done = await ok({ call: "operations.wait", id: op.id, timeout: 60 });
  check(done.status_code === 200, "create operation succeeded");
  const list = await ok({ call: "instances.list", recursion: 1 });
  const mine = list.find((i) => i.name === name);
  check(mine && mine.status === "Stopped", "instance listed as Stopped");
  console.log(`instances: ${list.map((i) => `${i.name}(${i.status})`).join(", ")}`);
  const got = await ok({ call: "instances.get", name });
  check(typeof got.etag === "string" && got.etag.length > 0, "get returns an ETag");
  const missing = await call(core, send, { call: "instances.get", name: "wasm-missing" });
  check(missing.error && missing.error.status === 404, "missing instance is 404");
  const bad = await call(core, send, { call: "instances.get", name: "bad_name" });
  check(bad.error && bad.error.kind === "invalid_argument", "bad name refused before sending");
  const del = await ok({ call: "instances.delete", name });
  const deleted = await ok({ call: "operations.wait", id: del.id, timeout: 60 });
  check(deleted.status_code === 200, "delete operation succeeded");
  check(!(await ok({ call: "instances.exists", name })), "instance gone");
  console.log(`wasm: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch((e) => { console.error(e); process.exit(1); });
