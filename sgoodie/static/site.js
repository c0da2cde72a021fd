// sgoodie public site: the phone menu and "More projects" (the photo viewer is viewer.js, on
// the pages with photos). Both enhance plain HTML: without JavaScript the menu links wrap and
// "More projects" opens the next page.
(function () {
  "use strict";

  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  // "More projects": the next page's cards appended in place, and its own "more" link taken over.
  function setUpMore(link) {
    link.addEventListener("click", function (event) {
      var list = document.querySelector(link.getAttribute("data-more"));
      if (!list || !window.fetch || !window.DOMParser) return;
      event.preventDefault();
      link.setAttribute("aria-busy", "true");
      fetch(link.href, { headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html");
          var cards = next.querySelectorAll(link.getAttribute("data-more") + " > li");
          var first = null;
          Array.prototype.forEach.call(cards, function (card) {
            var added = document.importNode(card, true);
            list.appendChild(added);
            first = first || added;
          });
          var nextLink = next.querySelector("[data-more]");
          if (nextLink) {
            link.href = nextLink.getAttribute("href");
            link.removeAttribute("aria-busy");
          } else {
            link.parentNode.remove();
          }
          var focusable = first && first.querySelector("a");
          if (focusable) focusable.focus({ preventScroll: true });
        })
        .catch(function () { window.location.href = link.href; });
    });
  }

  setUpMenu();
  Array.prototype.forEach.call(document.querySelectorAll("[data-more]"), setUpMore);
})();
