// more.js: the loader's parts it fetches on first use (widget.js imports it): the host page's JavaScript API,
// run(w, [command, ...]) for chatWidget(command, ...) and the calls queued in chatWidget.q before the loader came
// (docs/js-api.md), and expect(origin, site), what the customer can expect when the chat first opens.
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
    default:
      warn(`no command ${JSON.stringify(command)} (open, close, toggle, show, hide, identify, on, off, trigger, track)`);
  }
}

function warn(text) {
  console.warn("chatWidget: " + text);
}

/** What the customer can expect: someone there and the usual wait, or away (until the next opening, in the customer's own time). */
export async function expect(origin, site) {
  const a = await (await fetch(origin + "/api/sites/" + encodeURIComponent(site) + "/availability")).json();
  const at = a.nextOpen && new Date(a.nextOpen).toLocaleString([], { weekday: "long", hour: "numeric", minute: "2-digit" });
  return {
    away: !!a.away,
    expect: a.online ? "We usually reply in " + Math.ceil((a.replyMs || 6e4) / 6e4) + " min." :
      a.away ? "We're away " + (at ? "until " + at + " (your time)." : "right now.") : "We'll answer here as soon as someone is back.",
  };
}
