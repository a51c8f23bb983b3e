/* Keyboard access to blocks that scroll sideways (axe: scrollable-region-focusable).
 *
 * A wide listing or output scrolls sideways; a keyboard reaches it only if it can take
 * focus.  Each block that really scrolls gets tabindex="0" (so arrow keys scroll it),
 * and loses it again when it no longer scrolls: the Tab key does not stop at every
 * listing.  Checked again when the width changes, fonts arrive or a <details> opens.
 * See reader/accessible.py.
 */
(function () {
  "use strict";
  var SELECTOR = "article pre, article .table-wrapper";
  var MARK = "data-reader-scrolls";

  function scrolls(el) {
    if (el.scrollWidth <= el.clientWidth + 1) return false;
    var overflow = getComputedStyle(el).overflowX;
    return overflow === "auto" || overflow === "scroll";
  }

  function update() {
    var blocks = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < blocks.length; i++) {
      var el = blocks[i];
      if (scrolls(el)) {
        if (!el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute(MARK, "");
        }
      } else if (el.hasAttribute(MARK)) {
        el.removeAttribute("tabindex");
        el.removeAttribute(MARK);
      }
    }
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      update();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("load", update);
  window.addEventListener("resize", soon);
  document.addEventListener("toggle", soon, true);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(update);
})();
