/* widget.js — the one script a site adds. Draws the chat launcher in a
 * shadow root (host CSS cannot reach it), opens the chat in an iframe from
 * our origin on first click, and keeps the conversation id + token in the
 * host page's localStorage for the iframe (third-party iframes get no
 * storage). Every postMessage is checked for origin and source both ways.
 * Proactive triggers (the site's, from /api/sites/<site>/widget: time on
 * page, URL text, scroll depth, or the page's chatWidget("trigger", id) or
 * chatWidget("track", event): the JS API, docs/js-api.md, in more.js)
 * open the chat once per visit with the trigger's greeting, unless the
 * visitor already has a conversation or the chat is open. The same
 * configuration (pre-chat form, greetings) is handed to the iframe. In a
 * single-page app a new address (pushState, replaceState, back/forward)
 * reads the address triggers and the start rule again.
 * With data-channel="id" the tag instead embeds that public channel right
 * where it stands. Both keep a visitor token (moderation ties sanctions to
 * it; the service issues it, the apps say when: chat:visitor) and hand it
 * over by postMessage, never in a URL (the apps' sockets carry tokens in
 * the Sec-WebSocket-Protocol header). A logged-in
 * customer of the site comes as data-user-id, data-user-expires and
 * data-user-hash (the HMAC of site|user|expires the site's server computed,
 * docs/identity.md): handed to the chat for the server to verify,
 * and the remembered conversation is kept per user, so the next person on
 * this browser does not see it. What the customer typed and the server has
 * not stored yet is kept here too (the iframe says), and handed back after
 * a reload to be sent again with the same ids. The launcher badges what came
 * for the customer since they last had the chat open (asked of the server at
 * each page view with a kept conversation, and when the chat closes: the
 * token goes in a POST body, never in a URL). The apps speak the page's
 * data-locale (or the API's locale, kept on the panel), else the browser's
 * language, else the site's (the Worker chooses; the launcher's name comes
 * in those words with the site's configuration, and a site's own launcher
 * text, drawn by more.js, names it too). (The comment is not shipped:
 * the minifier drops it.) */
(function () {
  var me = document.currentScript;
  if (!me) return;
  var origin = new URL(me.src).origin, encode = encodeURIComponent;
  var site = me.getAttribute("data-site") || "";
  var channel = me.getAttribute("data-channel");
  var uid = me.getAttribute("data-user-id");
  var user = uid && { id: uid, expires: +me.getAttribute("data-user-expires"), hash: me.getAttribute("data-user-hash") };
  var key = "chat:" + site + (uid ? ":user:" + uid : "");
  var frame, panel, button;

  function get(store, k) { try { return store.getItem(k); } catch (e) {} }
  function set(store, k, v) { try { v == null ? store.removeItem(k) : store.setItem(k, v); } catch (e) {} }
  function kept(k) { try { return JSON.parse(get(localStorage, k)); } catch (e) { return null; } }
  function send(msg) { frame.contentWindow.postMessage(JSON.stringify(msg), origin); }
  function visitor() { return get(localStorage, key + ":v"); }
  function listen(on) {
    addEventListener("message", function (e) {
      var m;
      if (!frame || e.origin !== origin || e.source !== frame.contentWindow) return;
      try { m = JSON.parse(e.data); } catch (x) { return; }
      m.type === "chat:visitor" ? set(localStorage, key + ":v", m.visitor) : on(m);
    });
  }
  // Styles go in a constructed stylesheet, which a host page's CSP without
  // style-src 'unsafe-inline' allows (an inline <style> only where the
  // browser has none: before Safari 16.4).
  function shadow(el, css) {
    var r = el.attachShadow({ mode: "open" }), s;
    try { s = new CSSStyleSheet(); s.replaceSync(css); r.adoptedStyleSheets = [s]; } catch (e) { r.innerHTML = "<style>" + css + "</style>"; }
    return r;
  }

  if (channel) {
    var nameKey = key + ":" + channel + ":name";
    var box = document.createElement("div");
    box.setAttribute("data-chat-channel", channel);
    box.style.height = me.getAttribute("data-height") || "480px";
    frame = document.createElement("iframe");
    frame.title = "Channel " + channel;
    frame.src = origin + "/channel?site=" + encode(site) + "&channel=" + encode(channel) +
      "&host=" + encode(location.origin) + "&l=" + (me.dataset.locale || "");
    shadow(box, ":host{all:initial;display:block}iframe{border:0;width:100%;height:100%;display:block}").appendChild(frame);
    listen(function (m) {
      if (m.type === "chat:ready") send({ type: "chat:session", visitor: visitor(), name: get(localStorage, nameKey) });
      else if (m.type === "chat:save") set(localStorage, nameKey, m.name);
    });
    me.parentNode.insertBefore(box, me.nextSibling);
    return;
  }
  if (window.__chatWidget) return;
  window.__chatWidget = 1;

  var host = document.createElement("div");
  host.setAttribute("data-chat-widget", "");
  var root = shadow(host, ":host{all:initial}" +
    "*{box-sizing:border-box}" +
    "button{all:initial;position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;" +
    "background:#2453d6;color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;" +
    "box-shadow:0 4px 14px #0004;z-index:2147483646}" +
    "button:focus-visible{outline:3px solid #9bb5ff;outline-offset:2px}" +
    "svg{width:28px;height:28px;fill:currentColor}" +
    "b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;" +
    "background:#d93025;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}b[hidden]{display:none}" +
    ".panel{position:fixed;right:20px;bottom:88px;width:370px;height:560px;max-height:calc(100vh - 108px);" +
    "border-radius:12px;overflow:hidden;box-shadow:0 8px 30px #0005;background:#fff;z-index:2147483647}" +
    ".panel[hidden]{display:none}" +
    "iframe{border:0;width:100%;height:100%;display:block}" +
    ":host(.left) button,:host(.left) .panel{right:auto;left:20px}" +
    "@media(max-width:480px){.panel{right:0;bottom:0;width:100%;height:100%;max-height:none;border-radius:0}:host(.left) .panel{left:0}}");
  root.innerHTML +=
    '<div class="panel" hidden></div>' +
    '<button type="button" data-testid="chat-launcher" aria-label="Open chat" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>' +
    '<b data-testid="chat-unread" aria-hidden="true" hidden></b></button>';
  panel = root.querySelector(".panel");
  button = root.querySelector("button");
  var badge = root.querySelector("b"), unread = 0;

  // The customer's news since the chat was last open: `then` gets
  // {unread, last} (nothing without a kept conversation or an answer). The
  // page goes along: the operator's profile lists the pages visited since.
  function news(then) {
    var s = kept(key);
    if (s && s.token) fetch(origin + "/api/sites/" + encode(site) + "/unread", {
      // (A string body goes as text/plain: a request without preflight.)
      method: "POST",
      body: JSON.stringify({ conversation: s.conversation, token: s.token, after: +get(localStorage, key + ":seen") || 0, page: location.href })
    }).then(function (r) { return r.ok && r.json(); }).then(function (u) { u && then(u); }, function () {});
  }
  function seen(u) { set(localStorage, key + ":seen", String(u.last)); }
  function label() {
    emit("unread", unread);
    badge.hidden = !unread;
    badge.textContent = unread > 98 ? "99+" : unread;
    named();
  }
  // The launcher's name: open or close, and the unread count, in the words
  // the site's configuration brought in the visitor's language (until it
  // came: "Open chat").
  function named() {
    var w = config && config.words;
    w && button.setAttribute("aria-label", (panel.hidden ? w.open : w.close) +
      (unread ? ", " + w[unread > 1 ? "other" : "one"].replace("{n}", unread) : ""));
  }

  function toggle(open, trigger) {
    if (open && !frame) {
      opener = trigger;
      // What the customer can expect (more.js asks): someone there and the
      // usual wait, or away until the next opening (the chat says it).
      more().then(function (m) { return m.expect(origin, site); }).then(function (x) { expect = x; if (config) sendConfig(); }, Object);
      frame = document.createElement("iframe");
      frame.title = "Chat";
      frame.src = origin + "/widget?site=" + encode(site) + "&host=" + encode(location.origin) +
        "&l=" + (panel.lang || me.dataset.locale || "") + (trigger ? "&trigger=" + encode(trigger) : "");
      panel.appendChild(frame);
    }
    // Opened or closed, the customer has seen what there is.
    if (open !== !panel.hidden) { news(seen); emit(open ? "open" : "close"); }
    panel.hidden = !open;
    button.ariaExpanded = !!open;
    if (open) unread = 0;
    label();
    set(sessionStorage, key + ":open", open ? "1" : null);
    if (open) frame.focus();
  }

  button.addEventListener("click", function () { toggle(panel.hidden); });

  listen(function (m) {
    if (m.type === "chat:ready") {
      send({ type: "chat:session", session: kept(key), outbox: kept(key + ":outbox"), visitor: visitor(), user: user,
        page: location.href });
      if (config) sendConfig();
    } else if (m.type === "chat:save") {
      set(localStorage, key, JSON.stringify(m.session));
    } else if (m.type === "chat:outbox") {
      set(localStorage, key + ":outbox", m.outbox.length ? JSON.stringify(m.outbox) : null);
    } else if (m.type === "chat:clear") {
      set(localStorage, key, null);
    } else if (m.type === "chat:close") {
      toggle(false);
      button.focus();
    } else if (m.type === "chat:message") emit("message", m.text);
  });

  // Automatic triggers fire once per visit and never over an open chat or
  // an existing conversation; a call from the page (a visitor's click)
  // always opens the chat, with the greeting if the chat is new.
  function fire(id, asked) {
    if (frame || get(localStorage, key)) return asked && toggle(true);
    if (get(sessionStorage, key + ":p") && !asked) return;
    set(sessionStorage, key + ":p", id);
    toggle(true, id);
  }
  var triggers = [], config = null, opener, expect = {};
  // The site's configuration, asked for at once.
  var loaded = fetch(origin + "/api/sites/" + encode(site) + "/widget?l=" + (me.dataset.locale || ""))
    .then(function (r) { return r.ok ? r.json() : {}; })
    .catch(function () { return {}; });
  // What the widget needs of the configuration, applied to this page: the
  // form where the chat starts as support (the first start rule whose text
  // is in the address decides), the empty chat's greeting, the greeting of
  // the trigger that opened it.
  function sendConfig() {
    var c = config, href = location.href, rule = (c.starts || []).filter(function (r) { return href.indexOf(r.contains) >= 0; })[0],
      t = triggers.filter(function (t) { return t.id === opener; })[0];
    send({ type: "chat:config", config: { fields: !rule || rule.workflow === "support" ? c.fields || [] : [],
      welcome: (c.appearance || {}).greeting || "", greeting: t ? t.greeting : "", expect: expect } });
  }
  // The page's JavaScript API (docs/js-api.md): chatWidget("open") and the
  // rest, also queued before this script came (chatWidget.q), run in
  // more.js, fetched on the first call. The page's handlers run each on
  // its own turn, so one that throws cannot stop the chat.
  var handlers = {}, inner = { t: toggle, f: fire, h: host, p: panel, e: handlers, c: loaded, u: function () { return unread; },
    // Another signed-in customer (or none): their own storage, and a chat loaded again as them.
    i: function (u) {
      var was = key;
      user = u; key = "chat:" + site + (u ? ":user:" + u.id : "");
      if (frame && was != key) { frame.remove(); frame = 0; panel.hidden || toggle(true); }
    } };
  function emit(e, v) { (handlers[e] || []).forEach(function (f) { setTimeout(f, 0, v); }); }
  function more() { return import(origin + "/more.js"); }
  // (identify at once: a queued one decides whose chat this page shows.)
  function api() { var a = arguments; a[0] == "identify" ? inner.i(a[1]) : more().then(function (m) { m.run(inner, a); }); }
  api.trigger = function (id) { api("trigger", id); };
  (window.chatWidget && window.chatWidget.q || []).forEach(function (a) { api.apply(0, a); });
  window.chatWidget = api;
  function arm(t) {
    var v = +t.value;
    if (t.on === "timeOnPage") setTimeout(function () { fire(t.id); }, v * 1000);
    else if (t.on === "urlContains" && t.value && location.href.indexOf(t.value) >= 0) fire(t.id);
    else if (t.on === "scrollDepth") {
      var check = function () {
        var d = document.documentElement;
        if ((scrollY + innerHeight) * 100 >= v * d.scrollHeight) { removeEventListener("scroll", check); fire(t.id); }
      };
      addEventListener("scroll", check, { passive: true });
    }
  }

  // A single-page app's new address (pushState, replaceState, back and
  // forward) counts as a page view: the address triggers and the start
  // rule are read again, the chat learns the page, and the badge's call
  // tells the profile (as at every page load).
  function moved() {
    triggers.forEach(function (t) { t.on === "urlContains" && arm(t); });
    news(Object);
    if (frame) { send({ type: "chat:page", page: location.href }); config && sendConfig(); }
  }
  ["pushState", "replaceState"].forEach(function (k) {
    var f = history[k];
    history[k] = function () { var r = f.apply(this, arguments); moved(); return r; };
  });
  addEventListener("popstate", moved);

  function mount() {
    document.body.appendChild(host);
    if (get(sessionStorage, key + ":open")) toggle(true);
    else news(function (u) { unread = u.unread; label(); });
    loaded.then(function (c) {
      // The site's look: launcher colour and side.
      var a = c.appearance || {};
      if (/^#[0-9a-f]{6}$/i.test(a.color)) button.style.background = a.color;
      if (a.side === "left") host.classList.add("left");
      // The site's own words beside the icon (more.js draws them).
      if (a.launcher) more().then(function (m) { m.text(inner, a.launcher); });
      config = c; triggers = c.triggers || []; triggers.forEach(arm);
      named();
      if (frame) sendConfig();
    });
  }
  document.body ? mount() : document.addEventListener("DOMContentLoaded", mount);
})();
