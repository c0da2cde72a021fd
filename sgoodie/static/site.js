// sgoodie public site: the phone menu, the gallery lightbox and "More projects".
// All enhance plain HTML: without JavaScript the menu links wrap, gallery links open the
// full-size photo and "More projects" opens the next page.
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

  function setUpGallery(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll(".gallery__link"));
    if (!links.length || typeof HTMLDialogElement !== "function") return;
    var index = 0;
    var opener = null;

    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Photo viewer");
    dialog.innerHTML =
      '<p class="lightbox__count" aria-live="polite"></p>' +
      '<div class="lightbox__stage"></div>' +
      '<p class="lightbox__caption"></p>' +
      '<button type="button" class="lightbox__button lightbox__close" aria-label="Close">×</button>' +
      '<button type="button" class="lightbox__button lightbox__prev" aria-label="Previous photo">‹</button>' +
      '<button type="button" class="lightbox__button lightbox__next" aria-label="Next photo">›</button>';
    document.body.appendChild(dialog);
    var stage = dialog.querySelector(".lightbox__stage");
    var caption = dialog.querySelector(".lightbox__caption");
    var count = dialog.querySelector(".lightbox__count");

    function show(i) {
      index = (i + links.length) % links.length;
      var picture = links[index].querySelector("picture").cloneNode(true);
      picture.className = "";
      Array.prototype.forEach.call(picture.querySelectorAll("source, img"), function (el) {
        el.setAttribute("sizes", "100vw");
      });
      var img = picture.querySelector("img");
      img.loading = "eager";
      img.removeAttribute("fetchpriority");
      stage.replaceChildren(picture);
      var figcaption = links[index].parentNode.querySelector("figcaption");
      caption.textContent = figcaption ? figcaption.textContent : img.alt;
      count.textContent = index + 1 + " / " + links.length;
    }

    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        opener = link;
        show(i);
        dialog.showModal();
      });
    });
    dialog.querySelector(".lightbox__close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".lightbox__prev").addEventListener("click", function () { show(index - 1); });
    dialog.querySelector(".lightbox__next").addEventListener("click", function () { show(index + 1); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(index - 1);
      if (event.key === "ArrowRight") show(index + 1);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target === stage) dialog.close();
    });
    dialog.addEventListener("close", function () {
      stage.replaceChildren();
      if (opener) opener.focus();
    });
    var touchX = null;
    dialog.addEventListener("touchstart", function (event) { touchX = event.touches[0].clientX; }, { passive: true });
    dialog.addEventListener("touchend", function (event) {
      if (touchX === null) return;
      var dx = event.changedTouches[0].clientX - touchX;
      if (Math.abs(dx) > 50) show(dx < 0 ? index + 1 : index - 1);
      touchX = null;
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
  Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), setUpGallery);
})();
