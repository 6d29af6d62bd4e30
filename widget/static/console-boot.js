// console-boot.js: starts the operator console wasm (no inline scripts, so a strict CSP holds).
import init from "/app/console.js";
init({ module_or_path: "/app/console_bg.wasm" });
