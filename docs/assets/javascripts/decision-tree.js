/*
 * Decision-tree widget.
 *
 * The build renders each tree as nested blocks (see massgen_guide/site/decision_trees.py):
 *   .guide-dt[data-tree]                      one tree
 *     .guide-dt-node.guide-dt-question[data-node]
 *       .guide-dt-prompt                      the question
 *       .guide-dt-answer[data-index]          one answer ...
 *         .guide-dt-label                     ... its text
 *         .guide-dt-node ...                  ... and where it leads
 *     .guide-dt-node.guide-dt-leaf[data-node]
 *       .guide-dt-title / .guide-dt-rec / .guide-dt-links
 *     .guide-dt-diagram                       the same tree as a mermaid diagram (optional)
 * Without JavaScript that nesting is the readable tree. This script adds a panel that asks one question at a
 * time, with Back and Start over, and ends at the recommendation (its links are the page's own, already
 * resolved by MkDocs). It runs on every page load, including Material's instant navigation (document$).
 * The tree is shown once: the stepper, or, on request, one of two whole-tree views ("Show all paths": the
 * nested text; "Show diagram": the diagram). Opening one view closes the other.
 */
(function () {
  "use strict";

  function child(element, className) {
    for (const node of element.children) {
      if (node.classList.contains(className)) return node;
    }
    return null;
  }

  function children(element, className) {
    return Array.from(element.children).filter((node) => node.classList.contains(className));
  }

  function make(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function copyContent(source, target) {
    for (const node of source.childNodes) target.appendChild(node.cloneNode(true));
    if (target.tagName === "BUTTON") {
      // A button holds no links (nested controls confuse screen readers and keyboards): keep their text only.
      for (const link of target.querySelectorAll("a")) {
        const text = make("span", "guide-dt-link-text");
        while (link.firstChild) text.appendChild(link.firstChild);
        link.replaceWith(text);
      }
    }
    return target;
  }

  function setUp(container) {
    if (container.dataset.guideDtReady === "1") return;
    const root = child(container, "guide-dt-node");
    if (!root) return;
    container.dataset.guideDtReady = "1";
    container.classList.add("guide-dt--js");

    const panel = make("div", "guide-dt-panel");
    panel.setAttribute("aria-live", "polite");
    const trail = make("ol", "guide-dt-trail");
    const body = make("div", "guide-dt-body");
    const controls = make("div", "guide-dt-controls");
    const back = make("button", "md-button guide-dt-back", "Back");
    const restart = make("button", "md-button guide-dt-restart", "Start over");
    const expand = make("button", "md-button guide-dt-expand", "Show all paths");
    const diagram = child(container, "guide-dt-diagram");
    const showDiagram = diagram ? make("button", "md-button guide-dt-diagram-toggle", "Show diagram") : null;
    for (const button of [back, restart, expand, showDiagram]) {
      if (!button) continue;
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      controls.appendChild(button);
    }
    panel.append(trail, body, controls);
    container.insertBefore(panel, container.firstChild);

    // Each step: the question node shown and, once answered, the answer taken.
    let steps = [];

    function render() {
      const current = steps[steps.length - 1].node;
      trail.replaceChildren();
      for (const step of steps.slice(0, -1)) {
        const item = make("li", "guide-dt-step");
        copyContent(child(step.node, "guide-dt-prompt"), item.appendChild(make("span", "guide-dt-step-q")));
        const answerLabel = child(step.answer, "guide-dt-label");
        copyContent(answerLabel, item.appendChild(make("span", "guide-dt-step-a")));
        trail.appendChild(item);
      }
      trail.hidden = steps.length < 2;
      body.replaceChildren();
      panel.dataset.node = current.dataset.node;
      if (current.classList.contains("guide-dt-leaf")) {
        panel.dataset.kind = "leaf";
        const result = make("div", "guide-dt-result");
        result.appendChild(make("p", "guide-dt-result-kicker", "Recommendation"));
        copyContent(child(current, "guide-dt-title"), result.appendChild(make("p", "guide-dt-result-title")));
        copyContent(child(current, "guide-dt-rec"), result.appendChild(make("div", "guide-dt-result-rec")));
        const links = child(current, "guide-dt-links");
        if (links) {
          result.appendChild(make("p", "guide-dt-result-read", "Read next:"));
          copyContent(links, result.appendChild(make("div", "guide-dt-result-links")));
        }
        body.appendChild(result);
      } else {
        panel.dataset.kind = "question";
        const question = copyContent(child(current, "guide-dt-prompt"), make("p", "guide-dt-question-text"));
        body.appendChild(question);
        const choices = make("div", "guide-dt-choices");
        choices.setAttribute("role", "group");
        for (const answer of children(current, "guide-dt-answer")) {
          const button = make("button", "guide-dt-choice");
          button.type = "button";
          button.dataset.index = answer.dataset.index;
          button.dataset.next = answer.dataset.next;
          copyContent(child(answer, "guide-dt-label"), button);
          button.addEventListener("click", () => {
            steps[steps.length - 1].answer = answer;
            steps.push({ node: child(answer, "guide-dt-node"), answer: null });
            render();
            focusFirst();
          });
          choices.appendChild(button);
        }
        body.appendChild(choices);
      }
      back.disabled = steps.length < 2;
      restart.disabled = steps.length < 2;
    }

    function focusFirst() {
      const target = body.querySelector(".guide-dt-choice, a");
      if (target) target.focus({ preventScroll: true });
    }

    back.addEventListener("click", () => {
      if (steps.length > 1) {
        steps.pop();
        steps[steps.length - 1].answer = null;
        render();
        focusFirst();
      }
    });
    restart.addEventListener("click", () => {
      steps = [{ node: root, answer: null }];
      render();
      focusFirst();
    });
    back.removeAttribute("aria-expanded");
    restart.removeAttribute("aria-expanded");

    // The two whole-tree views; at most one is open.
    const views = [[expand, "guide-dt--expanded", "all paths"]];
    if (showDiagram) views.push([showDiagram, "guide-dt--diagram", "diagram"]);
    function setView(openClass) {
      for (const [button, className, name] of views) {
        const open = className === openClass;
        container.classList.toggle(className, open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.textContent = (open ? "Hide " : "Show ") + name;
      }
    }
    for (const [button, className] of views) {
      button.addEventListener("click", () => {
        setView(container.classList.contains(className) ? null : className);
      });
    }

    steps = [{ node: root, answer: null }];
    render();
  }

  function setUpAll() {
    document.querySelectorAll(".guide-dt").forEach(setUp);
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(setUpAll);  // Material: every page load, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
