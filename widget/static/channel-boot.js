// channel-boot.js: starts the public-channel wasm (no inline scripts, so a strict CSP holds).
import init from "/app/channel.js";
init({ module_or_path: "/app/channel_bg.wasm" });
