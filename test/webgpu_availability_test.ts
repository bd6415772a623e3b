/**
 * What `webgpu.available()` / `init()` say where WebGPU cannot be used. The runtime's
 * navigator.gpu is replaced by stand-ins (this module's isolate never opens a real GPU).
 */
import assert from "node:assert/strict";
import { webgpu } from "gradiente";

function withGpu(gpu: unknown): void {
  Object.defineProperty(navigator, "gpu", { value: gpu, configurable: true });
}

Deno.test("webgpu without navigator.gpu: available() says why, init() throws it", async () => {
  withGpu(undefined);
  const status = await webgpu.available();
  assert.equal(status.available, false);
  assert.match(status.reason!, /no navigator\.gpu/);
  assert.match(status.reason!, /device 'cpu'/);
  await assert.rejects(() => webgpu.init(), /webgpu: this runtime has no navigator\.gpu/);
  assert.equal(webgpu.isInitialized(), false);
  assert.deepEqual(webgpu.memory(), {
    liveBuffers: 0,
    liveBytes: 0,
    pooledBytes: 0,
    allocatedBytes: 0,
  });
});

Deno.test("webgpu without an adapter: the reason names the driver packages to install", async () => {
  withGpu({ requestAdapter: () => Promise.resolve(null) });
  const status = await webgpu.available();
  assert.equal(status.available, false);
  assert.match(status.reason!, /no GPU adapter/);
  assert.match(status.reason!, /apt-get install -y mesa-vulkan-drivers libegl1 libgl1-mesa-dri/);
  // A later call retries (the driver may have been installed meanwhile) rather than caching
  // the failure.
  let asked = 0;
  withGpu({ requestAdapter: () => (asked++, Promise.resolve(null)) });
  await webgpu.available();
  assert.equal(asked, 1);
});
