// sgoodie admin: the few things plain forms cannot do.
// - drag to reorder (pointer events: mouse, pen and touch), saved as ONE request with the new order
// - inline save of a photo's alt text and caption, and the "N photos still need alt text" count
// - describe photos: the changed alt texts and captions of a page sent as one JSON request
// - confirm-then-delete for photos without leaving the page
// - following a page photo's processing, as the uploader follows a project photo's
// - on a phone, the sideways-scrolling menu starts at the current page
// - the settings page's table of bytes per quality preset, measured on one photo of the site
// - focal points: click the photo to place its subject (number inputs without JavaScript)
// - the dashboard's time zone question proposes the browser's zone (UTC selected without JavaScript)
// - copy buttons (a new access token): the value is selected for copying by hand without JavaScript
// Every feature here has a no-JavaScript path in the HTML (move buttons, forms, confirm pages).
(function () {
  "use strict";

  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var menu = document.querySelector(".topbar__nav ul");
  var current = menu && menu.querySelector('[aria-current="page"]');
  if (current && menu.scrollWidth > menu.clientWidth) {
    menu.scrollLeft = current.offsetLeft - (menu.clientWidth - current.offsetWidth) / 2;
  }

  // The JSON a view answers with, or an Error carrying its message.
  function readAnswer(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      if (!response.ok) {
        var message = (data.error && data.error.message) || "The server said " + response.status + ".";
        throw new Error(message);
      }
      return data;
    });
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body || {}),
    }).then(readAnswer);
  }

  // A form sent as the browser would (its CSRF field included), answered in JSON.
  function postForm(form) {
    return fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(readAnswer);
  }
  window.sgoodieAdmin = { postJSON: postJSON, csrfToken: csrfToken };

  function flash(message, kind) {
    var main = document.getElementById("main");
    var box = main.querySelector(".flashes");
    if (!box) {
      box = document.createElement("div");
      box.className = "flashes";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      main.insertBefore(box, main.firstChild);
    }
    var p = document.createElement("p");
    p.className = "flash flash--" + (kind || "info");
    p.textContent = message;
    box.appendChild(p);
    setTimeout(function () { p.remove(); }, 6000);
  }
  window.sgoodieAdmin.flash = flash;

  // -- drag to reorder ---------------------------------------------------------------------------
  function ids(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > [data-id]"), function (el) { return el.dataset.id; });
  }

  function saveOrder(list, before) {
    var after = ids(list);
    if (after.join() === before.join()) return;
    if (list.dataset.orderInput) {
      document.getElementById(list.dataset.orderInput).value = after.join(",");
      return;
    }
    var extra = list.dataset.reorderExtra ? JSON.parse(list.dataset.reorderExtra) : {};
    extra.ids = after;
    list.classList.add("is-saving");
    postJSON(list.dataset.reorderUrl, extra)
      .then(function () { flash("New order saved.", "success"); refreshMoveButtons(list); })
      .catch(function (error) {
        flash("The order was not saved: " + error.message, "error");
        before.forEach(function (id) { list.appendChild(list.querySelector('[data-id="' + id + '"]')); });
      })
      .finally(function () { list.classList.remove("is-saving"); });
  }

  function refreshMoveButtons(list) {
    var items = list.querySelectorAll(":scope > [data-id]");
    Array.prototype.forEach.call(items, function (item, i) {
      var back = item.querySelector('input[name="step"][value="-1"]');
      var forward = item.querySelector('input[name="step"][value="1"]');
      if (back) back.parentNode.querySelector("button").disabled = i === 0;
      if (forward) forward.parentNode.querySelector("button").disabled = i === items.length - 1;
    });
  }

  window.sgoodieAdmin.refreshMoveButtons = refreshMoveButtons;

  function makeSortable(list) {
    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest(".drag-handle");
      if (!handle || !list.contains(handle) || event.button !== 0) return;
      var item = handle.closest("[data-id]");
      var before = ids(list);
      event.preventDefault();
      item.classList.add("is-dragging");
      // Listen on the document, not the handle: moving the row in the DOM releases pointer capture.
      var pointerId = event.pointerId;

      function onMove(moveEvent) {
        if (moveEvent.pointerId !== pointerId) return;
        item.style.pointerEvents = "none";
        var target = document.elementFromPoint(moveEvent.clientX, moveEvent.clientY);
        item.style.pointerEvents = "";
        var over = target && target.closest("[data-id]");
        if (!over || over === item || over.parentNode !== list) return;
        var rect = over.getBoundingClientRect();
        var horizontal = list.classList.contains("photo-grid");
        var after = horizontal ? moveEvent.clientX > rect.left + rect.width / 2 : moveEvent.clientY > rect.top + rect.height / 2;
        list.insertBefore(item, after ? over.nextSibling : over);
      }
      function onUp(upEvent) {
        if (upEvent.pointerId !== pointerId) return;
        document.removeEventListener("pointermove", onMove);
        document.removeEventListener("pointerup", onUp);
        document.removeEventListener("pointercancel", onUp);
        item.classList.remove("is-dragging");
        saveOrder(list, before);
      }
      document.addEventListener("pointermove", onMove);
      document.addEventListener("pointerup", onUp);
      document.addEventListener("pointercancel", onUp);
    });

    // Up/down buttons of the featured list move rows in place (the hidden input is saved with the form).
    if (list.dataset.orderInput) {
      list.addEventListener("click", function (event) {
        var button = event.target.closest("[data-move]");
        if (!button) return;
        event.preventDefault();
        var item = button.closest("[data-id]");
        var before = ids(list);
        if (button.dataset.move === "-1" && item.previousElementSibling) list.insertBefore(item, item.previousElementSibling);
        if (button.dataset.move === "1" && item.nextElementSibling) list.insertBefore(item.nextElementSibling, item);
        saveOrder(list, before);
        button.focus();
      });
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll(".sortable"), makeSortable);

  // -- photo text: save without reloading --------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".photo-text");
    if (!form) return;
    event.preventDefault();
    var state = form.querySelector(".save-state");
    state.textContent = "Saving…";
    postForm(form)
      .then(function (data) {
        state.textContent = "Saved";
        var needed = form.querySelector("label .error-text");
        if (needed && data.alt_text) needed.remove();
        var card = form.closest(".photo-card");
        if (card) {
          card.toggleAttribute("data-needs-alt", card.dataset.status === "ready" && !data.alt_text.trim());
          recountMissingAlt();
        }
      })
      .catch(function (error) { state.textContent = "Not saved: " + error.message; });
  });

  // The banner above the photos counts the ready photos of the grid that have no alt text yet.
  function recountMissingAlt() {
    var banner = document.querySelector("[data-missing-alt]");
    if (!banner) return;
    var count = document.querySelectorAll(".photo-grid > [data-needs-alt]").length;
    banner.hidden = count === 0;
    var many = count !== 1;
    banner.textContent = count + " photo" + (many ? "s" : "") + " still need" + (many ? "" : "s") + " alt text" +
      (banner.dataset.published === "true"
        ? ": visitors do not see " + (many ? "them until they have" : "it until it has") + " one"
        : " before this project can be published") +
      ". Describe what is in each picture for people who cannot see it.";
  }
  window.sgoodieAdmin.recountMissingAlt = recountMissingAlt;

  // -- describe photos: one Save sends the changed photos as JSON, the answer is shown in place ---
  var describeForm = document.querySelector("form[data-describe]");
  if (describeForm) setUpDescribe(describeForm);

  function setUpDescribe(form) {
    var state = form.querySelector("[data-describe-state]");
    var button = form.querySelector("button[type=submit]");
    var count = document.querySelector("[data-describe-count]");
    function field(row, name) { return row.querySelector('[name="' + row.dataset.id + "-" + name + '"]'); }
    function changed(row) {
      return ["alt_text", "caption"].some(function (name) { var input = field(row, name); return input.value !== input.defaultValue; });
    }
    function rows() { return Array.prototype.slice.call(form.querySelectorAll("[data-describe-row]")); }
    function showErrors(row, errors) {
      row.classList.toggle("describe-row--error", !!errors);
      Array.prototype.forEach.call(row.querySelectorAll("[data-error]"), function (box) {
        var message = errors && errors[box.dataset.error];
        box.textContent = message || "";
        box.hidden = !message;
        var input = field(row, box.dataset.error);
        if (input) { input.closest(".field").classList.toggle("field--error", !!message); input.toggleAttribute("aria-invalid", !!message); }
      });
    }
    function keep(row, saved) {
      ["alt_text", "caption"].forEach(function (name) { var input = field(row, name); input.value = input.defaultValue = saved[name]; });
      showErrors(row, null);
    }
    function show(data) {
      rows().forEach(function (row) {
        var id = row.dataset.id;
        if (data.shown && data.shown[id]) field(row, "shown").value = data.shown[id];
        if (data.needs_alt && id in data.needs_alt) {
          row.toggleAttribute("data-needs-alt", data.needs_alt[id]);
          row.querySelector("[data-needed-badge]").hidden = !data.needs_alt[id];
        }
        if (data.saved && data.saved[id]) keep(row, data.saved[id]);
        else if (data.errors && data.errors[id]) showErrors(row, data.errors[id]);
      });
      count.textContent = data.missing_alt_message;
      count.className = (data.missing_alt ? "notice" : "flash flash--success") + " describe-count";
      state.textContent = data.message;
      var refused = form.querySelector(".describe-row--error input:not([type=hidden])");
      if (refused) refused.focus();
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var photos = rows().filter(changed).map(function (row) {
        return { id: row.dataset.id, alt_text: field(row, "alt_text").value, caption: field(row, "caption").value, shown: field(row, "shown").value };
      });
      if (!photos.length) { state.textContent = "No changes to save."; return; }
      state.textContent = "Saving " + photos.length + " photo" + (photos.length === 1 ? "" : "s") + "…";
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ photos: photos }),
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!data.message) throw new Error((data.error && data.error.message) || "The server said " + response.status + ".");
            show(data);
          });
        })
        .catch(function (error) { state.textContent = "Not saved: " + error.message; })
        .finally(function () { button.disabled = false; });
    });
    // Leaving with unsaved text asks first (the browser's own wording).
    window.addEventListener("beforeunload", function (event) {
      if (rows().some(changed)) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  // -- forms that ask first (no JS: they submit straight away, and each is undoable or says so) --
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm-submit]");
    if (form && !window.confirm(form.dataset.confirmSubmit)) event.preventDefault();
  });

  // -- delete with confirmation, in place --------------------------------------------------------
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-delete-url]");
    if (!link) return;
    event.preventDefault();
    if (!window.confirm(link.dataset.confirm || "Delete?")) return;
    var body = new FormData();
    body.append("csrf_token", csrfToken);
    fetch(link.dataset.deleteUrl, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("the server said " + response.status);
        return response.json();
      })
      .then(function (answer) {
        var card = link.closest("[data-id]");
        var list = card.parentNode;
        card.remove();
        refreshMoveButtons(list);
        recountMissingAlt();
        flash(answer.message, "success");
      })
      .catch(function (error) { flash("The photo was not deleted: " + error.message, "error"); });
  });

  // -- focal points: click where the subject is; the marker and crop previews follow ------------
  function setUpFocal(editor) {
    var target = editor.querySelector("[data-focal-target]");
    var img = target.querySelector("img");
    var inputX = editor.querySelector("[data-focal-x]");
    var inputY = editor.querySelector("[data-focal-y]");
    var state = editor.querySelector("[data-focal-state]");
    function show(x, y) {
      editor.style.setProperty("--fx", x);
      editor.style.setProperty("--fy", y);
    }
    function clamp(value) { return Math.min(1, Math.max(0, value)); }
    target.addEventListener("click", function (event) {
      // The photo is drawn whole (object-fit: contain): find its rectangle inside the box.
      var box = target.getBoundingClientRect();
      var ratio = img.naturalWidth && img.naturalHeight ? img.naturalWidth / img.naturalHeight : box.width / box.height;
      var width = Math.min(box.width, box.height * ratio);
      var height = width / ratio;
      var x = clamp((event.clientX - box.left - (box.width - width) / 2) / width);
      var y = clamp((event.clientY - box.top - (box.height - height) / 2) / height);
      inputX.value = Math.round(x * 1000) / 10;
      inputY.value = Math.round(y * 1000) / 10;
      show(x, y);
      if (editor.classList.contains("focal--autosave")) save();
      else if (state) state.textContent = "Save the page to keep it.";
    });
    [inputX, inputY].forEach(function (input) {
      input.addEventListener("input", function () {
        show(clamp((parseFloat(inputX.value) || 0) / 100), clamp((parseFloat(inputY.value) || 0) / 100));
      });
    });
    function save() {
      var form = editor.closest("form");
      state.textContent = "Saving…";
      postForm(form)
        .then(function () { state.textContent = "Saved"; })
        .catch(function (error) { state.textContent = "Not saved: " + error.message; });
    }
    if (editor.classList.contains("focal--autosave")) {
      editor.closest("form").addEventListener("submit", function (event) { event.preventDefault(); save(); });
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-focal]"), setUpFocal);
  window.sgoodieAdmin.setUpFocal = setUpFocal;

  // -- page photos being prepared: follow the job, then show the result --------------------------
  var editedSinceLoad = false;
  document.addEventListener("input", function () { editedSinceLoad = true; });
  var labels = { queued: "Queued", processing: "Processing", ready: "Ready", failed: "Failed" };
  // The page form's photo picker: browsing the portfolio (category tabs, project pages, search)
  // swaps the picker in place instead of reloading, so the text typed in the form stays.
  Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), function (box) {
    if (!window.fetch || !window.DOMParser) return;
    function load(url) {
      box.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-picker]");
          if (fresh) box.innerHTML = fresh.innerHTML;
          box.removeAttribute("aria-busy");
        })
        .catch(function () { window.location.href = url; });
    }
    box.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-picker-nav]");
      if (!link) return;
      event.preventDefault();
      load(link.href);
    });
    var search = document.getElementById("picker-search");
    if (search) {
      search.addEventListener("submit", function (event) {
        event.preventDefault();
        load(search.action + "?" + new URLSearchParams(new FormData(search)).toString());
      });
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-page-photo]"), function (box) {
    var badge = box.querySelector("[data-status]");
    if (badge.textContent === labels.failed) return;
    function poll() {
      fetch(box.dataset.pagePhoto, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (data) {
          badge.textContent = labels[data.status] || data.status;
          badge.className = "status status--" + data.status;
          if (data.status !== "ready" && data.status !== "failed") { setTimeout(poll, 2000); return; }
          // Show the finished photo (or the retry button) unless that would lose typing.
          if (!editedSinceLoad) { window.location.reload(); return; }
          box.querySelector("[data-message]").textContent = data.status === "ready"
            ? "Ready: visitors see it now. Save or reload to see it here."
            : data.error + " Save or reload to retry.";
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1500);
  });
  // -- settings: what each quality preset weighs ---------------------------------------------------
  var sizesBox = document.querySelector("[data-quality-sizes]");
  if (sizesBox) {
    var sizesState = sizesBox.querySelector("[data-quality-sizes-state]");
    var presetNames = { balanced: "Balanced", high: "High", custom: "Custom (saved)" };
    sizesState.textContent = "Measuring each choice on a photo of your site…";
    var askedAt = Date.now();
    var askSizes = function () {
      fetch(sizesBox.dataset.qualitySizes, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error("The server said " + response.status + "."); } return response.json(); })
        .then(showSizes)
        .catch(function (error) { sizesState.textContent = "Could not measure the choices: " + error.message; });
    };
    var showSizes = function (data) {
        if (!data.photo) { sizesState.textContent = "Upload a hero photo or feature a project to compare the choices on one of your photos."; return; }
        if (data.measuring) {  // encoded in the background: ask again until it is there (a few seconds)
          sizesState.textContent = "Measuring each choice on " + data.photo + "…";
          if (Date.now() - askedAt < 180000) { setTimeout(askSizes, 2000); } else { sizesState.textContent = "Still measuring: open this page again in a minute."; }
          return;
        }
        var names = Object.keys(data.sizes);
        if (!names.length) { sizesState.textContent = "Could not measure the choices on " + data.photo + " (its original could not be read)."; return; }
        var widths = Object.keys(data.sizes[names[0]].jpeg);
        var table = document.createElement("table");
        table.className = "table quality-sizes__table";
        var head = "<caption>File size of " + escapeHtml(data.photo) + "</caption><thead><tr><th scope=\"col\">File</th>";
        names.forEach(function (name) { head += "<th scope=\"col\">" + escapeHtml(presetNames[name] || name) + "</th>"; });
        var body = "";
        ["avif", "webp", "jpeg"].forEach(function (fmt) {
          widths.forEach(function (w) {
            body += "<tr><th scope=\"row\">" + fmt.toUpperCase() + " " + w + " px</th>";
            names.forEach(function (name) {
              body += "<td data-preset=\"" + escapeHtml(name) + "\" data-bytes=\"" + data.sizes[name][fmt][w] + "\">" + kilobytes(data.sizes[name][fmt][w]) + "</td>";
            });
            body += "</tr>";
          });
        });
        table.innerHTML = head + "</tr></thead><tbody>" + body + "</tbody>";
        sizesState.replaceWith(table);
    };
    askSizes();
  }
  function kilobytes(bytes) { return (bytes / 1024).toFixed(0) + " KB"; }
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  // The four custom values matter only with "Custom": shown then, hidden otherwise.
  var presetInputs = document.querySelectorAll('input[name="quality_preset"]');
  function showCustom() {
    var custom = document.querySelector('input[name="quality_preset"]:checked');
    Array.prototype.forEach.call(document.querySelectorAll("[data-custom-quality]"), function (row) {
      row.hidden = !(custom && custom.value === "custom");
    });
  }
  Array.prototype.forEach.call(presetInputs, function (input) { input.addEventListener("change", showCustom); });
  if (presetInputs.length) { showCustom(); }

  // The time zone question: select the browser's zone when the list has it (a renamed city some
  // browsers report, "Asia/Calcutta", by its listed name).
  var zonePicker = document.querySelector("[data-browser-zone]");
  if (zonePicker) {
    var aliases = JSON.parse(zonePicker.dataset.zoneAliases || "{}");
    var reported = "";
    try { reported = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { reported = ""; }
    var browserZone = aliases[reported] || reported;
    var listed = Array.prototype.some.call(zonePicker.options, function (option) { return option.value === browserZone; });
    if (listed) {
      zonePicker.value = browserZone;
      var note = document.querySelector("[data-browser-zone-note]");
      if (note) { note.hidden = false; }
    }
  }

  // Copy buttons: `data-copy` names the field whose value goes to the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var label = button.textContent;
    button.addEventListener("click", function () {
      source.select();
      var copied = navigator.clipboard ? navigator.clipboard.writeText(source.value) : Promise.reject();
      copied.catch(function () { return document.execCommand("copy") ? null : Promise.reject(); }).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        button.textContent = "Press Ctrl+C";
      });
    });
  });
})();
