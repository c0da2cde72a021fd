// Direct uploads: ask the media API for an upload, send the file straight to storage with a
// progress bar (three at a time), confirm it, then watch the photo get processed.
// Each row offers what its state allows: Cancel while waiting or uploading, Retry after a failed
// upload (the failed record is deleted first, so a retry never leaves a second photo) or a failed
// processing (the admin's retry endpoint, same photo), nothing while processing or when ready.
// A photo that is ready or failed gets its card in the grid below, fetched from the admin.
// Order: photos take their places in the project in the order chosen (as picked, by file name, or
// by capture time read from each JPEG's EXIF here), because each is registered (the server gives it
// its place then) one after the other in that order, whichever upload ends first; an upload tried
// again goes back before the next photo of its batch. The choice is remembered in localStorage.
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
  var grid = document.querySelector(".photo-grid[data-card-url]");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var items = [];
  var running = 0;
  var registering = Promise.resolve();  // registrations one at a time: places in the chosen order
  var orderChoice = section.querySelector("[data-upload-order]");
  var ORDER_KEY = "sgoodie.uploadOrder";
  try { if (orderChoice && localStorage.getItem(ORDER_KEY)) orderChoice.value = localStorage.getItem(ORDER_KEY); } catch (e) { /* storage off */ }
  if (orderChoice && !orderChoice.value) orderChoice.value = "picked";
  if (orderChoice) orderChoice.addEventListener("change", function () {
    try { localStorage.setItem(ORDER_KEY, orderChoice.value); } catch (e) { /* storage off: this page only */ }
  });

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
          // An error body ({"error": {"code", "message"}}) or a photo refused with its reason.
          var message = (data.error && data.error.message) || (typeof data.error === "string" && data.error) ||
            ("The server answered " + response.status + ".");
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
    item.retry.hidden = item.noRetry || (item.state !== "error" && item.state !== "failed" && item.state !== "cancelled");
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
                 retry: el.querySelector("[data-retry]"), state: "waiting", message: "Waiting…", progress: 0, attempt: 0 };
    item.bar.setAttribute("aria-label", "Upload of " + file.name);
    item.cancel.addEventListener("click", function () { cancel(item); });
    item.retry.addEventListener("click", function () { retry(item); });
    list.appendChild(el);
    items.push(item);
    if (file.size > maxBytes) {
      item.noRetry = true;  // the same file would be refused again
      fail(item, file.name + " is larger than " + Math.round(maxBytes / 1048576) + " MB.");
      return;
    }
    render(item);
  }

  function fail(item, message) { item.state = "error"; item.message = message; render(item); }

  // The admin's endpoints for one photo: forms with the CSRF token, answered in JSON.
  function adminPost(template, photoId) {
    var body = new FormData();
    body.append("csrf_token", csrf);
    return fetch(url(template, photoId), { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error((data.error && data.error.message) || ("The server answered " + response.status + "."));
          return data;
        });
      });
  }

  // Forget the photo record of an upload that did not finish (cancelled or refused): none is left behind.
  function discard(item) {
    var photoId = item.photoId;
    item.photoId = null;
    if (!photoId) return Promise.resolve();
    return adminPost(section.dataset.discardUrl, photoId).catch(function (error) {
      if (!/no longer exists|404/.test(error.message)) throw error;
    });
  }

  function cancel(item) {
    item.attempt += 1;  // whatever the running upload answers next is ignored
    if (item.xhr) item.xhr.abort();
    if (item.counted) { item.counted = false; running -= 1; }
    item.state = "cancelled"; item.message = "Cancelled."; item.progress = 0; render(item);
    discard(item).catch(function () { /* swept as an abandoned upload after a day */ });
    pump();
  }

  function retry(item) {
    item.attempt += 1;
    if (item.state === "failed") {  // the file is stored; processing it failed: process it again
      item.state = "processing"; item.message = "Retrying…"; render(item);
      adminPost(section.dataset.retryUrl, item.photoId)
        .then(function () { item.message = LABELS.queued; render(item); watch(item); })
        .catch(function (error) { item.state = "failed"; item.message = "Failed: " + error.message; render(item); });
      return;
    }
    item.state = "waiting"; item.message = "Waiting…"; item.progress = 0; render(item);
    discard(item)
      .then(function () { pump(); })
      .catch(function (error) { fail(item, "The failed upload could not be removed: " + error.message); });
  }

  function pump() {
    items.forEach(function (item) {
      if (running < PARALLEL && item.state === "waiting") start(item);
    });
  }

  function start(item) {
    running += 1;
    item.counted = true;
    var attempt = item.attempt;
    function current() { return item.attempt === attempt; }
    item.state = "uploading"; item.message = "Starting…"; render(item);
    var request = { project_id: projectId, filename: item.file.name, content_type: item.file.type, size: item.file.size };
    var before = placeBefore(item);
    if (before) request.before = before;
    var registered = registering.then(function () { return api("POST", section.dataset.uploadsUrl, request); });
    registering = registered.catch(function () { /* the next registration goes on */ });
    registered
      .then(function (grant) {
        if (!current()) {  // cancelled while asking: drop the record it made
          adminPost(section.dataset.discardUrl, grant.photo_id).catch(function () {});
          throw new Error("Cancelled.");
        }
        item.photoId = grant.photo_id;
        return send(item, grant.upload);
      })
      .then(function () {
        if (!current()) throw new Error("Cancelled.");
        // The file is in storage: from here on there is nothing to cancel.
        item.state = "processing"; item.message = "Checking…"; render(item);
        return api("POST", url(section.dataset.completeUrl, item.photoId));
      })
      .then(function (photo) { if (!current()) return; item.progress = 100; show(item, photo); watch(item); })
      .catch(function (error) { if (current()) fail(item, error.message); })
      .then(function () { if (current() && item.counted) { item.counted = false; running -= 1; } pump(); });
  }

  // An upload tried again goes back before the next photo of its batch that has its place.
  function placeBefore(item) {
    var next = items.slice(items.indexOf(item) + 1).find(function (other) { return other.photoId && other.state !== "cancelled"; });
    return next ? next.photoId : "";
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
    if (item.state === "ready" || item.state === "failed") showCard(item.photoId);
  }

  function watch(item) {
    if (item.state !== "processing") return;
    var attempt = item.attempt;
    setTimeout(function () {
      if (item.attempt !== attempt) return;
      api("GET", url(section.dataset.photoUrl, item.photoId)).then(function (photo) {
        if (item.attempt !== attempt) return;
        show(item, photo); watch(item);
      }).catch(function () { watch(item); });
    }, POLL_MS);
  }

  // -- the grid below: a photo's card appears (or is replaced) once it is ready or failed --------
  function showCard(photoId) {
    if (!grid || !photoId) return;
    fetch(url(grid.dataset.cardUrl, photoId), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var card = holder.content.firstElementChild;
        var old = grid.querySelector('[data-id="' + photoId + '"]');
        if (old) { keepTyping(old, card); grid.replaceChild(card, old); } else {
          // In the project's order (photos finish in any order; new ones come after the others).
          var order = Number(card.dataset.order);
          var next = Array.prototype.find.call(grid.querySelectorAll(":scope > [data-id]"), function (other) { return Number(other.dataset.order) > order; });
          grid.insertBefore(card, next || null);
        }
        var empty = document.querySelector("[data-empty]");
        if (empty) empty.hidden = true;
        var hint = document.querySelector("[data-grid-hint]");
        if (hint) hint.hidden = false;
        if (window.sgoodieAdmin) {
          window.sgoodieAdmin.refreshMoveButtons(grid);
          window.sgoodieAdmin.recountMissingAlt();
          window.sgoodieAdmin.recountProposals();
          Array.prototype.forEach.call(card.querySelectorAll("[data-focal]"), window.sgoodieAdmin.setUpFocal);
        }
      })
      .catch(function () { /* the card shows on the next visit */ });
  }

  // Text typed into a card that is being replaced moves to the new card.
  function keepTyping(old, card) {
    Array.prototype.forEach.call(old.querySelectorAll("input[name], textarea[name]"), function (field) {
      var twin = card.querySelector('[name="' + field.name + '"]');
      if (twin && field.type !== "hidden" && field.value !== field.defaultValue) twin.value = field.value;
    });
  }

  // Photos already on the page that are still being processed update in place too.
  document.querySelectorAll(".photo-card[data-status='queued'], .photo-card[data-status='processing']").forEach(function (card) {
    (function poll() {
      setTimeout(function () {
        api("GET", card.dataset.photoUrl).then(function (photo) {
          if (photo.status === "ready" || photo.status === "failed") showCard(photo.id);
          else poll();
        }).catch(poll);
      }, POLL_MS * 2);
    })();
  });

  function take(files) {
    var picked = Array.prototype.slice.call(files);
    ordered(picked, orderChoice ? orderChoice.value : "picked").then(function (sorted) {
      sorted.forEach(add);
      pump();
    });
  }

  // The files in the chosen order. Sorting is stable: files that tie (or have no capture time)
  // keep the order they were picked in, after the dated ones.
  function ordered(files, how) {
    if (how === "name") {
      var names = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
      return Promise.resolve(files.slice().sort(function (a, b) { return names.compare(a.name, b.name); }));
    }
    if (how !== "taken") return Promise.resolve(files);
    return Promise.all(files.map(captureTime)).then(function (times) {
      var indexed = files.map(function (file, i) { return { file: file, time: times[i] || "\uffff", i: i }; });
      indexed.sort(function (a, b) { return a.time < b.time ? -1 : a.time > b.time ? 1 : a.i - b.i; });
      return indexed.map(function (entry) { return entry.file; });
    });
  }

  // EXIF DateTimeOriginal ("2025:06:01 18:42:10") of a JPEG, read from its first 128 KB (the EXIF
  // block sits at the start); "" for other formats or a file without it.
  function captureTime(file) {
    if (!file.slice || !/jpe?g$/i.test(file.type || file.name)) return Promise.resolve("");
    return file.slice(0, 131072).arrayBuffer().then(function (buffer) {
      try { return exifDateTaken(new DataView(buffer)); } catch (e) { return ""; }
    }, function () { return ""; });
  }

  function exifDateTaken(view) {
    if (view.getUint16(0) !== 0xFFD8) return "";
    var at = 2;
    while (at + 4 < view.byteLength) {
      var marker = view.getUint16(at), length = view.getUint16(at + 2);
      if (marker === 0xFFE1 && view.getUint32(at + 4) === 0x45786966) return tiffDate(view, at + 10);  // "Exif"
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) return "";
      at += 2 + length;
    }
    return "";
  }

  function tiffDate(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) { return view.getUint16(tiff + at, little); }
    function u32(at) { return view.getUint32(tiff + at, little); }
    function find(ifd, tag) {
      var count = u16(ifd);
      for (var n = 0; n < count; n++) {
        var entry = ifd + 2 + 12 * n;
        if (u16(entry) === tag) return entry;
      }
      return -1;
    }
    var exifPointer = find(u32(4), 0x8769);
    if (exifPointer < 0) return "";
    var taken = find(u32(exifPointer + 8), 0x9003);
    if (taken < 0) return "";
    var offset = u32(taken + 8), text = "";
    for (var c = 0; c < 19; c++) text += String.fromCharCode(view.getUint8(tiff + offset + c));
    return /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(text) ? text : "";
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
