// The photos a visitor sees in the full-screen viewer (static/viewer.js announces each with a
// "sgoodie:photo-shown" event), told to the site itself for the photographer's activity page:
// batched (one POST every few seconds at most, and one when the page is left), with the page's
// CSRF token. Photo files may come straight from storage, so the site cannot count them there.
// Nothing is sent anywhere else.
(function () {
  "use strict";
  var marker = document.querySelector("[data-activity-url]");
  if (!marker) return;
  var url = marker.getAttribute("data-activity-url");
  var csrf = marker.getAttribute("data-activity-csrf");
  var waiting = [];
  var timer = 0;
  var BATCH_SECONDS = 3;
  var BATCH_MAX = 50;

  function flush() {
    clearTimeout(timer);
    timer = 0;
    if (!waiting.length) return;
    var photos = waiting.splice(0, BATCH_MAX);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ photos: photos })
    }).catch(function () { /* a lost count is not worth bothering the visitor with */ });
    if (waiting.length) flush();
  }

  document.addEventListener("sgoodie:photo-shown", function (event) {
    var id = event.detail && event.detail.id;
    if (!id || waiting.indexOf(id) !== -1) return;
    waiting.push(id);
    if (waiting.length >= BATCH_MAX) flush();
    else if (!timer) timer = setTimeout(flush, BATCH_SECONDS * 1000);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
})();
