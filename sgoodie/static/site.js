// sgoodie public site: the phone menu and the gallery lightbox.
// Both enhance plain HTML: without JavaScript the menu links wrap and gallery links open the
// full-size photo.
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

  setUpMenu();
  Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), setUpGallery);
})();
