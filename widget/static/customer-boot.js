// customer-boot.js: starts the customer widget wasm (no inline scripts, so a strict CSP holds).
import init from "/app/customer.js";
init({ module_or_path: "/app/customer_bg.wasm" });
