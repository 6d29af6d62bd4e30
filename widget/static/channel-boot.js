// channel-boot.js: starts the public-channel wasm (no inline scripts, so a strict CSP holds), and hands files picked, dropped or pasted to uploads.js, loaded on first use (as customer-boot.js does: each boot stays one request).
import "/i18n.js";
import init from "/app/channel.js";
init({ module_or_path: "/app/channel_bg.wasm" });
for (const type of ["change", "drop", "paste"]) {
  addEventListener(type, (e) => {
    // (Copied now: clearing the picker empties its list.)
    const files = [...((e.dataTransfer || e.clipboardData || e.target).files || [])];
    if (files.length && document.body.dataset.upload) {
      e.preventDefault();
      import("/uploads.js").then((m) => m.send(files));
      if (type == "change") e.target.value = "";
    }
  });
}
addEventListener("dragover", (e) => e.preventDefault());
