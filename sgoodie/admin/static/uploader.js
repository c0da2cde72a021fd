// Direct uploads: ask the media API for an upload, send the file straight to storage with a
// progress bar (three at a time), confirm it, then watch the photo get processed.
(function () {
  "use strict";
  var section = document.getElementById("uploader");
  if (!section) return;
  var PARALLEL = 3;
  var POLL_MS = 1500;
  var projectId = section.dataset.projectId;
  var maxBytes = parseInt(section.dataset.maxBytes, 10);
  var list = section.querySelector("[data-upload-list]");
  var overall = section.querySelector("[data-overall]");
  var overallBar = section.querySelector("[data-overall-bar]");
  var overallText = section.querySelector("[data-overall-text]");
  var done = section.querySelector("[data-upload-done]");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var items = [];
  var running = 0;

  function url(template, id) { return template.replace("PHOTO_ID", encodeURIComponent(id)); }

  function api(method, target, body) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = csrf;  // every state-changing call, with or without a body
    if (body) headers["Content-Type"] = "application/json";
    return fetch(target, {
      method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok && response.status !== 202) {
          var message = (data.error && data.error.message) || ("The server answered " + response.status + ".");
          throw new Error(message);
        }
        return data;
      });
    });
  }

  function render(item) {
    item.el.dataset.state = item.state;
    item.status.textContent = item.message;
    item.bar.value = item.progress;
    item.cancel.hidden = item.state !== "uploading" && item.state !== "waiting";
    item.retry.hidden = item.state !== "error" && item.state !== "cancelled";
    updateOverall();
  }

  function updateOverall() {
    var active = items.filter(function (i) { return i.state !== "cancelled"; });
    if (!active.length) { overall.hidden = true; return; }
    overall.hidden = false;
    var total = active.reduce(function (sum, i) { return sum + i.file.size; }, 0);
    var sent = active.reduce(function (sum, i) { return sum + i.file.size * i.progress / 100; }, 0);
    overallBar.value = total ? Math.round(100 * sent / total) : 0;
    var finished = active.filter(function (i) { return i.state === "ready" || i.state === "failed" || i.state === "error"; }).length;
    overallText.textContent = finished === active.length ? "All " + active.length + " done." : "Uploading " + active.length + " photos: " + finished + " done.";
    done.hidden = !active.some(function (i) { return i.state === "ready"; }) || finished !== active.length;
  }

  function add(file) {
    var el = document.createElement("li");
    el.className = "upload-item";
    el.innerHTML = '<div class="upload-item__thumb"></div><div class="upload-item__body"><p class="upload-item__name"></p>' +
      '<progress max="100" value="0"></progress><p class="upload-item__status small"></p></div>' +
      '<div class="upload-item__actions"><button type="button" class="button button--small" data-cancel>Cancel</button>' +
      '<button type="button" class="button button--small" data-retry hidden>Retry</button></div>';
    el.querySelector(".upload-item__name").textContent = file.name;
    var item = { file: file, el: el, bar: el.querySelector("progress"), status: el.querySelector(".upload-item__status"),
                 thumb: el.querySelector(".upload-item__thumb"), cancel: el.querySelector("[data-cancel]"),
                 retry: el.querySelector("[data-retry]"), state: "waiting", message: "Waiting…", progress: 0 };
    item.bar.setAttribute("aria-label", "Upload of " + file.name);
    item.cancel.addEventListener("click", function () { cancel(item); });
    item.retry.addEventListener("click", function () { item.state = "waiting"; item.message = "Waiting…"; item.progress = 0; render(item); pump(); });
    list.appendChild(el);
    items.push(item);
    if (file.size > maxBytes) {
      fail(item, file.name + " is larger than " + Math.round(maxBytes / 1048576) + " MB.");
      item.retry.hidden = true;
      return;
    }
    render(item);
  }

  function fail(item, message) { item.state = "error"; item.message = message; render(item); }

  function cancel(item) {
    if (item.xhr) item.xhr.abort();
    item.state = "cancelled"; item.message = "Cancelled."; item.progress = 0; render(item);
  }

  function pump() {
    items.forEach(function (item) {
      if (running < PARALLEL && item.state === "waiting") start(item);
    });
  }

  function start(item) {
    running += 1;
    item.state = "uploading"; item.message = "Starting…"; render(item);
    api("POST", section.dataset.uploadsUrl, { project_id: projectId, filename: item.file.name, content_type: item.file.type, size: item.file.size })
      .then(function (grant) { item.photoId = grant.photo_id; return send(item, grant.upload); })
      .then(function () {
        item.message = "Checking…"; render(item);
        return api("POST", url(section.dataset.completeUrl, item.photoId));
      })
      .then(function (photo) { item.progress = 100; show(item, photo); watch(item); })
      .catch(function (error) { if (item.state !== "cancelled") fail(item, error.message); })
      .then(function () { running -= 1; pump(); });
  }

  function send(item, upload) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(upload.fields).forEach(function (name) { form.append(name, upload.fields[name]); });
      form.append("file", item.file);
      var xhr = new XMLHttpRequest();
      item.xhr = xhr;
      xhr.open("POST", upload.url);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { item.progress = Math.round(99 * event.loaded / event.total); item.message = "Uploading… " + item.progress + "%"; render(item); }
      });
      xhr.addEventListener("load", function () {
        item.xhr = null;
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
        var message = "The upload was refused (" + xhr.status + ").";
        try { message = JSON.parse(xhr.responseText).error.message; } catch (e) { /* S3 answers XML */ }
        reject(new Error(message));
      });
      xhr.addEventListener("error", function () { item.xhr = null; reject(new Error("The connection was lost. Retry when you are back online.")); });
      xhr.addEventListener("abort", function () { item.xhr = null; reject(new Error("Cancelled.")); });
      xhr.send(form);
    });
  }

  var LABELS = { uploading: "Uploading…", queued: "Queued for processing…", processing: "Making sizes…", ready: "Ready", failed: "Failed" };

  function show(item, photo) {
    item.state = photo.status === "failed" ? "failed" : photo.status === "ready" ? "ready" : "processing";
    item.message = photo.status === "failed" ? "Failed: " + photo.error : LABELS[photo.status] || photo.status;
    if (photo.status === "ready" && photo.thumbnail && !item.thumb.firstChild) {
      var img = document.createElement("img");
      img.src = photo.thumbnail; img.alt = ""; img.width = 96;
      item.thumb.appendChild(img);
    }
    render(item);
  }

  function watch(item) {
    if (item.state === "ready" || item.state === "failed") return;
    setTimeout(function () {
      api("GET", url(section.dataset.photoUrl, item.photoId)).then(function (photo) { show(item, photo); watch(item); })
        .catch(function () { watch(item); });
    }, POLL_MS);
  }

  // Photos already on the page that are still being processed update in place too.
  document.querySelectorAll(".photo-card[data-status='queued'], .photo-card[data-status='processing']").forEach(function (card) {
    (function poll() {
      setTimeout(function () {
        api("GET", card.dataset.photoUrl).then(function (photo) {
          if (photo.status === "ready" || photo.status === "failed") { card.dataset.status = photo.status; window.location.reload(); }
          else poll();
        }).catch(poll);
      }, POLL_MS * 2);
    })();
  });

  function take(files) {
    Array.prototype.forEach.call(files, add);
    pump();
  }

  section.querySelector("[data-file-input]").addEventListener("change", function (event) { take(event.target.files); event.target.value = ""; });
  var zone = section.querySelector("[data-dropzone]");
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dropzone--over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("dropzone--over"); });
  });
  zone.addEventListener("drop", function (event) { take(event.dataTransfer.files); });
  window.addEventListener("beforeunload", function (event) {
    if (items.some(function (i) { return i.state === "uploading"; })) { event.preventDefault(); event.returnValue = ""; }
  });
})();
