// The review page's only script: keyboard judgements on the cross-reference pairs, as
// OpenSanctions' dedupe tool has them (x: same, n: different, u: unsure). Everything works
// without it, with the buttons.
"use strict";
(function () {
  var keys = { x: "same", n: "different", u: "unsure" };
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var judgement = keys[event.key];
    if (!judgement) return;
    var active = document.activeElement;
    var pair = active && active.closest ? active.closest("[data-pair]") : null;
    if (!pair) {
      // no pair has the focus: the first pair still to judge (never the form typed by hand)
      pair = document.querySelector("[data-pair]:not([data-pair=manual])");
    }
    if (!pair) return;
    var button = pair.querySelector('button[data-judgement="' + judgement + '"]');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
