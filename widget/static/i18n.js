// i18n.js: the apps' words, money and dates in the page's language (imported first by every boot script). The
// Worker put the visitor's locale on <html lang> and its catalogue in the page (#i18n, a JSON block; none: English);
// the wasm calls these globals (widget/src/i18n.rs), uploads.js too.
// (In a block: the minifier shortens its names.)
{
  const said = JSON.parse(document.getElementById("i18n")?.textContent || "{}");
  const lang = document.documentElement.lang || "en";
  // An English text in the page's language, each {name} filled from `values` (none: left as it is).
  const t = (en, values) => (said[en] ?? en).replace(/\{(\w+)\}/g, (all, k) => values?.[k] ?? all);
  // The catalogue's text for the first of `keys` it has, filled from `v` (its `until` written in the visitor's time);
  // else `none`.
  const say = (keys, v, none) => {
    const key = keys.find((k) => said[k]);
    const until = new Date(v.until).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    return key ? t(key, { ...v, until }) : none;
  };
  Object.assign(globalThis, {
    // The catalogue's text for an English one; the English itself when it has none.
    chatT: t,
    // What the server wrote for people, said: a refusal ({code, message, detail}) by its code and particulars
    // (shared::Detail), else by its code alone, else its English message; a moderator's notice ({alert, notice}) by
    // shared::Notice (notice.<kind>, .lifted or .until), else its English alert; a hold ({reason, detail}) by
    // held.<why>, else its reason; a queue place ({position, waitMs, away, text}) by shared::routing::QUEUE_KEYS,
    // else its text.
    chatSay: ({ code, message, detail: d = {}, alert, notice: n, reason, position: p, waitMs, away: a, text }) =>
      n ? say([`notice.${n.kind}${n.lifted ? ".lifted" : n.until ? ".until" : ""}`], n, alert)
      : code ? say([`error.${code}.${d.why}`, "error." + code], d, message)
      : reason ? say(["held." + d.why], d, reason)
      : p ? say([a ? "queue.away" + (a.until ? ".until" : "") : waitMs ? "queue.wait" : "queue.nobody"],
        { position: p, minutes: Math.ceil(waitMs / 6e4), ...a }, text)
      : text ?? alert,
    // Minor units of an ISO 4217 currency, as the locale writes money.
    chatMoney(minor, currency) {
      const f = new Intl.NumberFormat(lang, { style: "currency", currency });
      return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
    },
    // A weekday and a time, or a date, in the visitor's own time zone.
    chatDay: (ms) => new Date(ms).toLocaleDateString(lang),
    // The site's availability (as the loader asked for it) in a sentence; empty when not known.
    chatExpect: (a) =>
      a?.online ? t("We usually reply in {minutes} min.", { minutes: Math.ceil((a.replyMs || 6e4) / 6e4) }) :
      a?.away ? (a.nextOpen ? t("We're away until {time} (your time).", { time: new Date(a.nextOpen)
        .toLocaleString(lang, { weekday: "long", hour: "numeric", minute: "2-digit" }) })
        : t("We're away right now.")) :
      a?.online == false ? t("We'll answer here as soon as someone is back.") : "",
  });
}
