// console-boot.js: starts the operator console wasm (no inline scripts, so a strict CSP holds); i18n.js first, as
// the chat components it shares with the widget look their words up (the console's are English).
import "/i18n.js";
import init from "/app/console.js";
init({ module_or_path: "/app/console_bg.wasm" });
