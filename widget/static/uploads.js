// uploads.js: a customer's or a channel member's uploads (loaded by customer-boot.js or channel-boot.js when a
// file is first picked, dropped or pasted), to the address and with the token the app put in <body data-upload>.
// Each file goes to the room under its own message id, tried again
// with that id when the connection drops (the server stores it once); the
// server's refusal, or that the file waits for a moderator, is shown as
// text beside the button. The file then arrives in the message list as a
// message like any other.
// The page's words, with their {values} (i18n.js, which the boot script imported).
const t = chatT;
const say = (text) => {
  const note = document.querySelector(".upload [role=status]");
  if (note) note.textContent = text;
};

/** POSTs `file`; what to tell the sender (empty: sent). */
async function post(to, token, id, file) {
  const url = `${to}${to.includes("?") ? "&" : "?"}id=${id}&name=${encodeURIComponent(file.name)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: file });
      const body = await r.json().catch(() => ({}));
      // 202: the site holds unverified visitors' files for a moderator.
      if (r.status == 202)
        return t("{file} waits for review: {why}", { file: file.name, why: chatSay({ reason: body.held, detail: body.detail }) });
      if (r.ok) return "";
      // (A size limit in the visitor's units.)
      const d = body.detail?.bytes ? { ...body.detail, bytes: new Intl.NumberFormat(document.documentElement.lang,
        { style: "unit", unit: "megabyte" }).format(body.detail.bytes / 1e6) } : body.detail;
      const why = chatSay({ code: body.code, message: body.message || t("the server answered {status}", { status: r.status }),
        detail: d });
      return t("{file} was not sent: {why}", { file: file.name, why });
    } catch {
      if (attempt == 3) return t("{file} was not sent: {why}", { file: file.name, why: t("you seem to be offline") });
      await new Promise((done) => setTimeout(done, 1000 << attempt));
    }
  }
}

/** Uploads one after another, so what the note says is the latest's. */
let queue = Promise.resolve();

export function send(files) {
  queue = queue.then(async () => {
    const [to, token] = (document.body.dataset.upload || "").split(" ");
    if (!token) return say(t("Files cannot be sent here now: start the chat first, where this site takes files."));
    for (const file of files) {
      say(t("Sending {file}…", { file: file.name }));
      const id = "f-" + crypto.randomUUID().replaceAll("-", "");
      say(await post(to, token, id, file));
    }
  });
  return queue;
}
