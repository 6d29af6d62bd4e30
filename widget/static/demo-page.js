/*! demo-page.js — the demo shop's own script (not part of the product): its
 * "Ask for a demo" button opens the chat with the "demo-button" trigger's
 * greeting through the loader's JS API, as a site owner would call it. */
document.getElementById("ask-demo").addEventListener("click", function () {
  if (window.chatWidget) window.chatWidget("trigger", "demo-button");
});
