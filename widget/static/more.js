// more.js: the loader's parts it fetches on first use (widget.js imports it): the host page's JavaScript API,
// run(w, [command, ...]) for chatWidget(command, ...) and the calls queued in chatWidget.q before the loader came
// (docs/js-api.md), expect(origin, site), the site's availability when the chat first opens (the chat says it), and
// text(w, words), the site's own words beside the launcher's icon.
// `w` is the loader's inside: t(open, trigger) opens or closes the chat, f(id, asked) fires a trigger, h is the
// launcher's host element, p the chat's panel, e the event handlers by name, c the site's configuration (a promise),
// u() the unread count. (identify is the loader's own: a queued one must decide whose chat the page shows.)

const EVENTS = ["open", "close", "unread", "message"];

export function run(w, [command, a, b]) {
  switch (command) {
    case "open":
    case "close":
      return w.t(command == "open");
    case "toggle":
      return w.t(w.p.hidden);
    case "show":
    case "hide":
      if (command == "hide") w.t(false);
      w.h.style.display = command == "hide" ? "none" : "";
      return;
    case "on":
    case "off":
      if (!EVENTS.includes(a) || typeof b != "function") return warn(`${command}(event, fn): event is one of ${EVENTS.join(", ")}`);
      w.e[a] = (w.e[a] || []).filter((f) => f !== b);
      if (command == "on") {
        w.e[a].push(b);
        if (a == "unread") setTimeout(b, 0, w.u());
      }
      return;
    // A trigger by id (one whose "on" is manual, or any), or the triggers of a tracked event: once the
    // configuration is here (a call made earlier is not lost), as a visitor's own act (it opens the chat).
    case "trigger":
    case "track":
      return w.c.then((c) => {
        const found = (c.triggers || []).filter((t) => (command == "trigger" ? t.id == a : t.on == "event" && t.value == a));
        if (!found.length) warn(`${command}(${JSON.stringify(a)}): the site has no such trigger`);
        found.slice(0, 1).forEach((t) => w.f(t.id, command == "trigger"));
      });
    // The chat's language (a tag such as "de" or "pt-BR"; null: the page's data-locale, else the browser's): kept on
    // the panel, where the loader reads it for a new chat frame; a chat already there loads again in it (the Worker
    // chooses among the shipped ones, else the browser's language, else the site's).
    case "locale": {
      if (a != null && !/^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(a)) return warn(`locale(${JSON.stringify(a)}): a language tag such as "de" or "pt-BR", or null`);
      w.p.lang = a || "";
      const frame = w.p.querySelector("iframe");
      if (frame) frame.src = frame.src.replace(/&l=[^&]*/, "&l=" + (a || ""));
      return;
    }
    default:
      warn(`no command ${JSON.stringify(command)} (open, close, toggle, show, hide, identify, locale, on, off, trigger, track)`);
  }
}

function warn(text) {
  console.warn("chatWidget: " + text);
}

/**
 * The site's own words beside the launcher's icon (appearance.launcher, which the loader's name for the launcher
 * also says): the button grows into a pill; while the chat is open only the icon shows.
 */
export function text(w, words) {
  const root = w.h.shadowRoot, css = new CSSStyleSheet(), span = document.createElement("span");
  css.replaceSync("button{width:auto;padding:0 20px 0 16px;border-radius:28px;gap:8px;font:600 15px/1 system-ui,sans-serif}" +
    "button[aria-expanded=true]{width:56px;padding:0;border-radius:50%}button[aria-expanded=true] span{display:none}");
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, css];
  span.textContent = words;
  span.setAttribute("data-testid", "chat-launcher-text");
  root.querySelector("button").append(span);
}

/** The site's availability (api::Availability: online, replyMs, away, nextOpen), for the chat to say in its language. */
export async function expect(origin, site) {
  return (await fetch(origin + "/api/sites/" + encodeURIComponent(site) + "/availability")).json();
}
