// The inquiry form may come from a cached page: fetch a fresh "form shown at" stamp when the
// visitor starts typing, so the minimum fill time counts from now.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".inquiry-form[data-token-url]"), function (form) {
    var fetched = false;
    form.addEventListener("focusin", function () {
      if (fetched) return;
      fetched = true;
      fetch(form.dataset.tokenUrl, { credentials: "omit", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && data.token) form.querySelector('input[name="started"]').value = data.token; })
        .catch(function () { /* keep the stamp from the page */ });
    });
  });
})();
