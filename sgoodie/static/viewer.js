// sgoodie's full-screen photo viewer, on the pages with a gallery of photos (project pages,
// client galleries): see templates/macros/viewer.html. Without JavaScript the gallery's links open
// the full-size files and a photo's address (#photo-<id>) scrolls to it.
(function () {
  "use strict";

  // PhotoSwipe (vendored, static/vendor/photoswipe) over a gallery marked by
  // templates/macros/viewer.html: <li id="photo-<id>"> items, each with a link to its full-size
  // file, an optional <figcaption> and an optional [data-viewer-extra] (a client gallery's heart,
  // lists, note and download) that moves into the viewer while its photo is shown, so the same
  // controls, with their state, serve the grid and the viewer. Its script and styles load when a
  // photo is first pointed at or opened. Each open photo has its own address (#photo-<id>, the
  // item's id: without JavaScript it scrolls there); opening adds one history entry, so Back
  // closes the viewer, and a shared address opens its photo.
  var VIEWER_STATE = "sgoodieViewer";
  var SLIDESHOW_SECONDS = [3, 5, 8];
  var galleries = [];
  var viewerAssets = null;
  var viewer = null;
  var opening = false;

  function loadViewer(gallery) {
    if (viewerAssets) return viewerAssets;
    var loads = (gallery.getAttribute("data-viewer-styles") || "").split(" ").filter(Boolean).map(function (href) {
      return new Promise(function (resolve, reject) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = href;
        link.onload = resolve;
        link.onerror = reject;
        document.head.appendChild(link);
      });
    });
    loads.push(new Promise(function (resolve, reject) {
      if (window.PhotoSwipe) return resolve();
      var script = document.createElement("script");
      script.src = gallery.getAttribute("data-viewer-script");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    }));
    viewerAssets = Promise.all(loads).catch(function (error) {
      viewerAssets = null;
      throw error;
    });
    return viewerAssets;
  }

  function linkOf(item) {
    return item.querySelector("figure a[href]");
  }

  function srcsetUrls(srcset) {
    return (srcset || "").split(/,\s+/).map(function (candidate) {
      return new URL(candidate.trim().split(/\s+/)[0], document.baseURI).href;
    });
  }

  // The format the browser chose for the thumbnails (the <source> holding a loaded thumbnail's
  // file; "" for the JPEG fallback): it reads that one, so the viewer asks for the same.
  function preferredType(gallery) {
    var images = gallery.querySelectorAll("picture img");
    for (var i = 0; i < images.length; i++) {
      var chosen = images[i].currentSrc;
      if (!chosen) continue;
      var sources = images[i].parentNode.querySelectorAll("source[type]");
      for (var j = 0; j < sources.length; j++) {
        if (srcsetUrls(sources[j].getAttribute("srcset")).indexOf(chosen) !== -1) return sources[j].type;
      }
      return "";
    }
    return "image/webp";
  }

  // One slide: the srcset lists every width the photo was rendered at; PhotoSwipe sets `sizes`
  // to the width it draws the photo at, so the browser fetches the file this screen needs at its
  // pixel ratio, for the open photo and the neighbours it preloads.
  function slideOf(item, type) {
    var link = linkOf(item);
    var img = link.querySelector("img");
    var source = type && link.querySelector('source[type="' + type + '"]:not([media])');
    var caption = item.querySelector("figcaption");
    return {
      id: item.id.replace(/^photo-/, ""),
      item: item,
      link: link,
      element: link,
      src: link.href,
      srcset: (source || img).getAttribute("srcset") || "",
      width: Number(link.getAttribute("data-full-width")) || img.width,
      height: Number(link.getAttribute("data-full-height")) || img.height,
      alt: img.alt,
      msrc: img.currentSrc || "",
      caption: caption ? caption.textContent.replace(/\s+/g, " ").trim() : "",
      extra: item.querySelector("[data-viewer-extra]")
    };
  }

  function findPhoto(hash) {
    var match = /^#photo-([\w-]+)$/.exec(hash || "");
    if (!match) return null;
    for (var g = 0; g < galleries.length; g++) {
      for (var i = 0; i < galleries[g].items.length; i++) {
        if (galleries[g].items[i].id === "photo-" + match[1]) return { gallery: galleries[g], index: i };
      }
    }
    return null;
  }

  function viewerState() {
    var state = {};
    state[VIEWER_STATE] = true;
    return state;
  }

  function isOurs(state) {
    return Boolean(state && state[VIEWER_STATE]);
  }

  // `clicked`: when the viewer cannot load, the link does what it does without JavaScript.
  function openViewer(found, entryExists, clicked) {
    if (viewer || opening) return;
    opening = true;
    loadViewer(found.gallery.element).then(
      function () {
        opening = false;
        showViewer(found.gallery, found.index, entryExists);
      },
      function () {
        opening = false;
        if (clicked) window.location.href = linkOf(found.gallery.items[found.index]).href;
      }
    );
  }

  var ICONS = {
    slideshow: '<path class="viewer__play" d="M12 9v14l11-7z"/><path class="viewer__pause" d="M11 9h4v14h-4zM18 9h4v14h-4z"/>',
    fullscreen: '<path d="M8 8h6v2.5h-3.5V14H8zM18 8h6v6h-2.5v-3.5H18zM8 18h2.5v3.5H14V24H8zM21.5 18H24v6h-6v-2.5h3.5z"/>'
  };

  function button(name, order, label, onClick) {
    return {
      name: name, order: order, isButton: true, title: label, ariaLabel: label, onClick: onClick,
      html: '<svg aria-hidden="true" class="pswp__icn" viewBox="0 0 32 32" width="32" height="32">' + ICONS[name] + "</svg>"
    };
  }

  function showViewer(gallery, index, entryExists) {
    var type = preferredType(gallery.element);
    var slides = gallery.items.map(function (item) { return slideOf(item, type); });
    var state = { fromHistory: false, moved: null, playing: false, seconds: 5, timer: 0 };
    var panel, caption, extraBox, announcer, playButton, fullscreenButton;
    var wide = window.matchMedia("(min-width: 700px)");
    var pswp = new window.PhotoSwipe({
      dataSource: slides,
      index: index,
      bgOpacity: 1,
      preload: [1, 2],
      returnFocus: false,
      closeTitle: "Close (Esc)",
      zoomTitle: "Zoom (Z)",
      arrowPrevTitle: "Previous photo (←)",
      arrowNextTitle: "Next photo (→)",
      errorMsg: "This photo could not be loaded.",
      paddingFn: function () {
        var side = wide.matches ? 72 : 0;
        return { top: 60, bottom: panel ? panel.offsetHeight : 0, left: side, right: side };
      }
    });
    viewer = { pswp: pswp, state: state };

    // Closing onto a thumbnail: where the photo is drawn inside its box (object-fit: contain),
    // or nothing (a fade) when it is off screen.
    pswp.addFilter("thumbBounds", function (bounds, data) {
      var img = data.link && data.link.querySelector("img");
      var rect = img && img.getBoundingClientRect();
      if (!rect || !rect.width || rect.bottom < 0 || rect.top > window.innerHeight) return undefined;
      var scale = Math.min(rect.width / data.width, rect.height / data.height);
      return {
        x: rect.left + (rect.width - data.width * scale) / 2,
        y: rect.top + (rect.height - data.height * scale) / 2,
        w: data.width * scale
      };
    });

    // Typing in the viewer (a note, the slideshow's speed) is not navigating; Tab goes round the
    // viewer's controls (PhotoSwipe only brings back focus that already left the page).
    pswp.on("keydown", function (event) {
      var key = event.originalEvent;
      if (key.key === "Tab") {
        var controls = Array.prototype.filter.call(
          pswp.element.querySelectorAll("a[href], button, select, textarea, input"),
          function (element) { return !element.disabled && element.getClientRects().length; }
        );
        var first = controls[0], last = controls[controls.length - 1];
        var active = document.activeElement;
        if (!first) return;
        if (key.shiftKey ? active === first || active === pswp.element : active === last) {
          key.preventDefault();
          (key.shiftKey ? last : first).focus();
        }
      } else if (key.key !== "Escape" && key.target.closest && key.target.closest("input, textarea, select")) {
        event.preventDefault();
      }
    });

    function schedule() {
      clearTimeout(state.timer);
      if (!state.playing) return;
      state.timer = setTimeout(function () {
        if (pswp.currIndex === pswp.getNumItems() - 1 && !pswp.canLoop()) pswp.goTo(0);
        else pswp.next();
      }, state.seconds * 1000);
    }

    function setPlaying(on) {
      state.playing = on;
      var label = on ? "Pause slideshow" : "Play slideshow";
      playButton.setAttribute("aria-pressed", String(on));
      playButton.setAttribute("aria-label", label);
      playButton.title = label;
      playButton.classList.toggle("is-playing", on);
      schedule();
    }

    function showFullscreenState() {
      var on = document.fullscreenElement === pswp.element;
      var label = on ? "Leave full screen" : "Full screen";
      fullscreenButton.setAttribute("aria-pressed", String(on));
      fullscreenButton.setAttribute("aria-label", label);
      fullscreenButton.title = label;
    }

    pswp.on("uiRegister", function () {
      pswp.ui.registerElement({
        name: "slideshow-speed",
        order: 8,
        onInit: function (element) {
          element.innerHTML =
            '<label class="visually-hidden" for="viewer-speed">Seconds per photo in the slideshow</label>' +
            '<select id="viewer-speed">' +
            SLIDESHOW_SECONDS.map(function (seconds) {
              return '<option value="' + seconds + '"' + (seconds === state.seconds ? " selected" : "") + ">" + seconds + " s</option>";
            }).join("") +
            "</select>";
          element.querySelector("select").addEventListener("change", function (event) {
            state.seconds = Number(event.target.value);
            schedule();
          });
        }
      });
      pswp.ui.registerElement(button("slideshow", 9, "Play slideshow", function () { setPlaying(!state.playing); }));
      if (document.fullscreenEnabled && pswp.element && pswp.element.requestFullscreen) {
        pswp.ui.registerElement(button("fullscreen", 9.5, "Full screen", function () {
          if (document.fullscreenElement) document.exitFullscreen();
          else pswp.element.requestFullscreen().catch(function () {});
        }));
      }
      pswp.ui.registerElement({
        name: "viewer-panel",
        appendTo: "root",
        order: 30,
        onInit: function (element) {
          element.innerHTML = '<p class="viewer__caption"></p><div class="viewer__extra" hidden></div>';
          panel = element;
          caption = element.querySelector(".viewer__caption");
          extraBox = element.querySelector(".viewer__extra");
          // Choosing or writing a note pauses the slideshow: the photo must not move away.
          element.addEventListener("focusin", function () { if (state.playing) setPlaying(false); });
        }
      });
      pswp.ui.registerElement({
        name: "viewer-position",
        appendTo: "root",
        onInit: function (element) {
          element.className = "visually-hidden";
          element.setAttribute("aria-live", "polite");
          element.setAttribute("aria-atomic", "true");
          announcer = element;
        }
      });
    });

    // The client's controls of the photo shown move into the viewer (a placeholder keeps the
    // grid's layout) and go back when another photo is shown or the viewer closes.
    function putBackExtra() {
      if (!state.moved) return;
      state.moved.placeholder.replaceWith(state.moved.node);
      state.moved = null;
    }

    function moveExtra(slide) {
      var hadFocus = state.moved && state.moved.node.contains(document.activeElement);
      putBackExtra();
      extraBox.hidden = !slide.extra;
      if (slide.extra) {
        var placeholder = document.createElement("div");
        placeholder.style.height = slide.extra.offsetHeight + "px";
        slide.extra.replaceWith(placeholder);
        extraBox.appendChild(slide.extra);
        state.moved = { node: slide.extra, placeholder: placeholder };
      }
      if (hadFocus) pswp.element.focus();
    }

    pswp.on("change", function () {
      var slide = slides[pswp.currIndex];
      caption.textContent = slide.caption;
      caption.hidden = !slide.caption;
      moveExtra(slide);
      panel.hidden = !slide.caption && !slide.extra;
      announcer.textContent =
        "Photo " + (pswp.currIndex + 1) + " of " + slides.length + (slide.caption ? ": " + slide.caption : "");
      history.replaceState(viewerState(), "", "#photo-" + slide.id);
      schedule();
      // For whoever counts what is seen (a client gallery's activity: proofing's activity.js).
      document.dispatchEvent(new CustomEvent("sgoodie:photo-shown", { detail: { id: slide.id } }));
    });

    pswp.on("afterInit", function () {
      pswp.element.setAttribute("aria-label", "Photo viewer");
      pswp.element.setAttribute("aria-modal", "true");
      pswp.scrollWrap.setAttribute("aria-label", "Photos");
      playButton = pswp.element.querySelector(".pswp__button--slideshow");
      fullscreenButton = pswp.element.querySelector(".pswp__button--fullscreen");
      playButton.setAttribute("aria-pressed", "false");
      if (fullscreenButton) {
        showFullscreenState();
        document.addEventListener("fullscreenchange", showFullscreenState);
      }
      // The photo keeps clear of the panel under it, whatever changes its height (another
      // photo's caption or controls, a note being written, a message).
      var panelHeight = -1;
      state.resizes = new ResizeObserver(function () {
        if (panel.offsetHeight === panelHeight) return;
        panelHeight = panel.offsetHeight;
        pswp.updateSize(true);
      });
      state.resizes.observe(panel);
    });

    // Focus moves into the viewer once it shows (PhotoSwipe tries while it is still hidden).
    pswp.on("openingAnimationEnd", function () {
      if (state.closeWhenOpen) pswp.close();
      else if (!pswp.element.contains(document.activeElement)) pswp.element.focus();
    });

    pswp.on("close", function () {
      state.resizes.disconnect();
      state.playing = false;
      clearTimeout(state.timer);
      if (fullscreenButton) document.removeEventListener("fullscreenchange", showFullscreenState);
      if (document.fullscreenElement) document.exitFullscreen().catch(function () {});
      putBackExtra();
      // Close onto the photo shown: bring it into view in the page behind.
      var item = slides[pswp.currIndex].item;
      var rect = item.getBoundingClientRect();
      if (rect.bottom < 0 || rect.top > window.innerHeight) item.scrollIntoView({ block: "center" });
      if (!state.fromHistory && isOurs(history.state)) history.back();
    });

    pswp.on("destroy", function () {
      linkOf(slides[pswp.currIndex].item).focus({ preventScroll: true });
      viewer = null;
    });

    if (!entryExists) {
      // Back returns to the page as it is when the viewer closes (scrolled to the photo last
      // shown), not to where it was when the viewer opened.
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      history.pushState(viewerState(), "", "#photo-" + slides[index].id);
    }
    pswp.init();
  }

  function setUpGallery(element) {
    var items = Array.prototype.filter.call(element.children, function (item) {
      return /^photo-/.test(item.id) && linkOf(item) && linkOf(item).querySelector("img");
    });
    if (!items.length || !window.Promise || !window.URL || !window.ResizeObserver) return;
    var gallery = { element: element, items: items };
    galleries.push(gallery);
    var warm = function () { loadViewer(element).catch(function () {}); };
    items.forEach(function (item, index) {
      var link = linkOf(item);
      link.addEventListener("pointerenter", warm, { once: true });
      link.addEventListener("focus", warm, { once: true });
      link.addEventListener("touchstart", warm, { once: true, passive: true });
      link.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
        event.preventDefault();
        openViewer({ gallery: gallery, index: index }, false, true);
      });
    });
  }

  function setUpViewer() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), setUpGallery);
    if (!galleries.length) return;
    window.addEventListener("popstate", function (event) {
      var found = findPhoto(window.location.hash);
      if (isOurs(event.state)) {
        if (!viewer && found) openViewer(found, true); // Forward, back into the viewer
        return;
      }
      if ("scrollRestoration" in history) history.scrollRestoration = "auto";
      if (viewer) {
        viewer.state.fromHistory = true;
        // PhotoSwipe ignores a close while it is still opening: close once it is open.
        if (viewer.pswp.opener.isOpen) viewer.pswp.close();
        else viewer.state.closeWhenOpen = true;
      } else if (found) {
        // A photo's address opened from this page (a link, the address bar): its entry is new.
        history.replaceState(viewerState(), "", window.location.href);
        openViewer(found, true);
      }
    });
    // A shared address: the page underneath becomes its own history entry, so Back closes the
    // viewer and stays on the gallery.
    var found = findPhoto(window.location.hash);
    if (found) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
      openViewer(found, false);
    }
  }

  setUpViewer();
})();
