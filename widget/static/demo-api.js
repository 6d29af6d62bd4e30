/*! demo-api.js — the JavaScript API's page of examples (not part of the product; docs/js-api.md): what a site's own
 * script does. It runs before the loader: the queue first, then handlers for the chat's events and a call, all
 * queued until the loader is here. Each button makes the call its data-call names. */
window.chatWidget = window.chatWidget || function () { (window.chatWidget.q = window.chatWidget.q || []).push(arguments); };

function logged(name) {
  return function (value) {
    var li = document.createElement("li");
    li.textContent = value === undefined ? name : name + " " + value;
    document.getElementById("events").appendChild(li);
  };
}
var handlers = { open: logged("open"), close: logged("close"), unread: logged("unread"), message: logged("message") };
Object.keys(handlers).forEach(function (event) { chatWidget("on", event, handlers[event]); });

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-call]").forEach(function (button) {
    button.addEventListener("click", function () {
      var call = JSON.parse(button.getAttribute("data-call"));
      // ("off" takes the handler that "on" was given.)
      if (call[0] === "off") call.push(handlers[call[1]]);
      chatWidget.apply(null, call);
    });
  });
});
