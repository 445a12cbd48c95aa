/*
 * Checklist ticks kept in the browser.
 *
 * On a page with a task list (pymdownx.tasklist, clickable), each tick is saved in localStorage under the
 * page's path and the item's own text (so a reordered checklist keeps its ticks), restored on every page
 * load (instant navigation included), and a "Reset ticks" button before the first list clears them.
 */
(function () {
  "use strict";

  const PREFIX = "massgen-guide:ticks:";

  function storageKey() {
    return PREFIX + window.location.pathname;
  }

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey()) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function write(ticks) {
    try {
      if (Object.keys(ticks).length) window.localStorage.setItem(storageKey(), JSON.stringify(ticks));
      else window.localStorage.removeItem(storageKey());
    } catch (error) {
      /* storage unavailable (private mode): ticks last for this page view only */
    }
  }

  function itemKey(box) {
    const item = box.closest("li");
    return item ? item.textContent.replace(/\s+/g, " ").trim().slice(0, 160) : "";
  }

  function setUp() {
    const boxes = Array.from(document.querySelectorAll("article .task-list-control input[type=checkbox]"));
    if (!boxes.length) return;
    const ticks = read();
    for (const box of boxes) {
      if (box.dataset.guideTicks === "1") continue;
      box.dataset.guideTicks = "1";
      box.disabled = false;
      const title = box.closest("li") && box.closest("li").querySelector("strong");
      box.setAttribute("aria-label", "Done: " + (title ? title.textContent : itemKey(box)).trim());
      box.checked = Boolean(ticks[itemKey(box)]);
      box.addEventListener("change", function () {
        const current = read();
        if (box.checked) current[itemKey(box)] = 1;
        else delete current[itemKey(box)];
        write(current);
      });
    }
    const first = boxes[0].closest("ul");
    if (first && !document.querySelector(".guide-checklist-reset")) {
      const tools = document.createElement("p");
      tools.className = "guide-checklist-tools";
      const reset = document.createElement("button");
      reset.type = "button";
      reset.className = "md-button guide-checklist-reset";
      reset.textContent = "Reset ticks";
      const note = document.createElement("span");
      note.textContent = "Your ticks are kept in this browser.";
      reset.addEventListener("click", function () {
        write({});
        for (const box of boxes) box.checked = false;
      });
      tools.append(reset, note);
      first.parentNode.insertBefore(tools, first);
    }
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
