// A client gallery's choices saved in the background: a heart (a list's toggle) or a note is
// posted with fetch to the same routes the plain forms use, which answer JSON when asked
// (Accept: application/json), so the page does not reload. The choice shows at once; the counts
// per list follow the answer; a failure says why, keeps the choice on screen and offers a retry.
// Without JavaScript the forms post as before; the viewer (static/viewer.js) shows these same controls.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.Promise) return;

  function token(form) {
    var input = form.querySelector('input[name="csrf_token"]') || document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function send(url, body, csrf) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf }
    }).then(
      function (response) {
        if ((response.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
          // The gallery's grant ended (a new password, an expiry): the route sent the password page.
          throw new Error("the gallery asks for its password again. Reload the page.");
        }
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error((answer.error && answer.error.message) || "the site refused it.");
          return answer;
        });
      },
      function () {
        throw new Error("the site could not be reached. Check the connection.");
      }
    );
  }

  function showChosen(form, chosen) {
    var button = form.querySelector("button");
    form.elements.action.value = chosen ? "remove" : "add";
    button.classList.toggle("is-chosen", chosen);
    button.setAttribute("aria-pressed", String(chosen));
    button.setAttribute("aria-label", button.getAttribute("data-label") + (chosen ? " (chosen; press to remove)" : ""));
    button.querySelector("[aria-hidden]").textContent = chosen ? "♥" : "♡";
  }

  function showNote(controls, note) {
    var text = controls.querySelector("[data-proofing-note-text]");
    text.textContent = note;
    text.parentNode.hidden = !note;
    controls.querySelector("[data-proofing-note]").textContent = note ? "Edit note" : "Add a note";
  }

  function showCounts(counts) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-list-count]"), function (element) {
      var name = element.getAttribute("data-list-count");
      if (name in counts) element.textContent = counts[name];
    });
  }

  function message(controls, className, role) {
    var element = controls.querySelector("." + className);
    if (!element) {
      element = document.createElement("p");
      element.className = className;
      element.setAttribute("role", role);
      controls.appendChild(element);
    }
    return element;
  }

  function clearError(controls) {
    var error = controls.querySelector(".proofing-error");
    if (error) error.remove();
  }

  function saved(controls, answer) {
    clearError(controls);
    showCounts(answer.counts);
    if (!controls.pending) {
      Array.prototype.forEach.call(controls.querySelectorAll("form[data-proofing-mark]"), function (form) {
        showChosen(form, answer.lists.indexOf(form.elements.list.value) !== -1);
      });
      showNote(controls, answer.note);
    }
    var status = message(controls, "proofing-saved", "status");
    // The lists in the gallery's order (the header's), whatever order the answer's keys have.
    var names = Array.prototype.map.call(document.querySelectorAll("[data-list-count]"), function (element) {
      return element.getAttribute("data-list-count");
    }).filter(function (name) { return name in answer.counts; });
    status.textContent = "Saved. " + (names.length ? names : Object.keys(answer.counts)).map(function (name) {
      return name + ": " + answer.counts[name];
    }).join(" · ");
  }

  function failed(controls, error, retry) {
    var status = controls.querySelector(".proofing-saved");
    if (status) status.textContent = "";
    var alert = message(controls, "proofing-error", "alert");
    alert.textContent = "Not saved: " + error.message + " ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "proofing-retry";
    again.textContent = "Retry";
    again.addEventListener("click", function () {
      clearError(controls);
      retry();
    });
    alert.appendChild(again);
  }

  // Save `body` to `url` for the photo's controls: one change at a time in the whole gallery, in
  // the order made (each answer then counts every change before it); a photo's controls show the
  // server's state once nothing more of theirs is on its way (a later answer does not undo a
  // newer click). `done` runs after a saved answer.
  var queue = Promise.resolve();

  function save(controls, url, body, csrf, done) {
    clearError(controls);
    controls.pending = (controls.pending || 0) + 1;
    queue = queue
      .then(function () { return send(url, body, csrf); })
      .then(
        function (answer) {
          controls.pending -= 1;
          saved(controls, answer);
          if (done) done(answer);
        },
        function (error) {
          controls.pending -= 1;
          failed(controls, error, function () { save(controls, url, body, csrf, done); });
        }
      )
      .catch(function () {});
  }

  function toggle(form) {
    var controls = form.closest("[data-proofing-photo]");
    var body = new FormData(form); // the change asked for, before the button shows it
    showChosen(form, form.elements.action.value === "add");
    // getAttribute: the form's own field named "action" hides the property of that name.
    save(controls, form.getAttribute("action"), body, token(form));
  }

  // The note, edited in place instead of on its own page.
  function openNote(link) {
    var controls = link.closest("[data-proofing-photo]");
    var editor = controls.querySelector("form[data-proofing-note-form]");
    if (!editor) {
      var id = "proofing-note-" + Math.random().toString(36).slice(2);
      editor = document.createElement("form");
      editor.className = "proofing-note-form";
      editor.method = "post";
      editor.setAttribute("action", link.href);
      editor.setAttribute("data-proofing-note-form", "");
      editor.innerHTML =
        '<label for="' + id + '">Your note (a crop, a retouch, where it will be used…)</label>' +
        '<textarea id="' + id + '" name="note" rows="3" maxlength="1000"></textarea>' +
        '<span class="proofing-note-form__actions"><button class="proofing-toggle" type="submit">Save the note</button>' +
        '<button class="proofing-link" type="button" data-proofing-note-cancel>Cancel</button></span>';
      link.after(editor);
    }
    editor.hidden = false;
    link.hidden = true;
    var textarea = editor.querySelector("textarea");
    textarea.value = controls.querySelector("[data-proofing-note-text]").textContent;
    textarea.focus();
  }

  function closeNote(editor) {
    var link = editor.closest("[data-proofing-photo]").querySelector("[data-proofing-note]");
    editor.hidden = true;
    link.hidden = false;
    link.focus();
  }

  function saveNote(editor) {
    var controls = editor.closest("[data-proofing-photo]");
    var body = new FormData(editor);
    showNote(controls, String(body.get("note")).trim());
    save(controls, editor.getAttribute("action"), body, token(controls), function () {
      if (!editor.hidden) closeNote(editor);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-proofing-mark]")) {
      event.preventDefault();
      toggle(form);
    } else if (form.matches("form[data-proofing-note-form]")) {
      event.preventDefault();
      saveNote(form);
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-proofing-note], [data-proofing-note-cancel]");
    if (!target || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (target.hasAttribute("data-proofing-note")) openNote(target);
    else closeNote(target.closest("form"));
  });
})();
