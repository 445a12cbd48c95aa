/*
 * Mermaid, loaded only by pages that draw a diagram.
 *
 * Material for MkDocs draws ```mermaid fences with the global `mermaid` when one exists and otherwise fetches
 * mermaid from unpkg.com. This guide vendors mermaid (docs/assets/vendor/mermaid/), but the file is 2.7 MB:
 * listing it in `extra_javascript` would make every page download and parse it. Instead this small script
 * defines a stand-in `mermaid` with the two calls Material makes (`initialize(config)`, then
 * `render(id, text)`); the first `render` loads the vendored file, hands it the stored configuration, and
 * forwards every call from then on. Pages without a diagram never call `render`, so they never load it; this
 * also holds for pages reached by instant navigation.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const source = new URL("../vendor/mermaid/mermaid.min.js", script.src).href;
  let config = null;
  let loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const standIn = window.mermaid;
        const tag = document.createElement("script");
        tag.src = source;
        tag.onload = function () {
          const real = window.mermaid;
          window.mermaid = standIn; // Material keeps calling the stand-in; it forwards to `real`
          if (config) real.initialize(config);
          resolve(real);
        };
        tag.onerror = function () {
          reject(new Error("could not load the vendored mermaid from " + source));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  // Diagrams keep their natural size (useMaxWidth: false) and scroll sideways in their box when wider than the
  // column (docs/assets/stylesheets/guide.css), instead of shrinking their labels to an unreadable size.
  function naturalSize(settings) {
    const result = Object.assign({}, settings);
    for (const kind of ["flowchart", "sequence", "class", "state", "er", "gantt", "journey", "pie"]) {
      result[kind] = Object.assign({}, settings && settings[kind], { useMaxWidth: false });
    }
    return result;
  }

  window.mermaid = {
    initialize: function (settings) {
      settings = naturalSize(settings);
      config = settings;
      if (loading) loading.then(function (real) { real.initialize(settings); });
    },
    render: function (id, text) {
      return load().then(function (real) { return real.render(id, text); });
    },
  };
})();
