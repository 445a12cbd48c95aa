/*
 * Names for controls Material for MkDocs draws without one: the markers of code annotations (links whose only
 * content is an empty span numbered by CSS), added after the page loads, so they are named as they appear;
 * and keyboard access to the boxes tables scroll in. tests/test_browser.py runs axe-core on every page.
 */
(function () {
  "use strict";

  function name(root) {
    // Tables that scroll sideways are reachable by keyboard (Tab, then the arrow keys).
    for (const wrap of root.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table (scrolls sideways when wider than the page)");
    }
    for (const marker of root.querySelectorAll(".md-annotation__index:not([aria-label])")) {
      const id = marker.querySelector("[data-md-annotation-id]");
      marker.setAttribute("aria-label", "Code annotation " + (id ? id.dataset.mdAnnotationId : ""));
    }
  }

  function watch() {
    const article = document.querySelector("article") || document.body;
    name(article);
    new MutationObserver(function () { name(article); }).observe(article, { childList: true, subtree: true });
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(watch);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
