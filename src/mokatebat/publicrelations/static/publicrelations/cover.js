// Cover regions of a citizen's file before it goes to a unit: drag a rectangle on a page preview and
// a line "page: x y width height" (percent of the page) is added to the file's regions box; the box
// is the source of truth (it can be typed in too) and every line is drawn back on its page.
(function () {
  "use strict";
  var LINE = /^\s*(?:(\d+)\s*:\s*)?(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)\s*$/;
  var DIGITS = { "۰": 0, "۱": 1, "۲": 2, "۳": 3, "۴": 4, "۵": 5, "۶": 6, "۷": 7, "۸": 8, "۹": 9 };

  function ascii(text) {
    return text.replace(/[۰-۹]/g, function (d) { return String(DIGITS[d]); }).replace(/،/g, ",");
  }

  function round(value) { return Math.round(value * 10) / 10; }

  function box(figure, id) {
    return document.querySelector('textarea[data-cover-regions="' + id + '"]');
  }

  function redraw(id) {
    var textarea = box(null, id);
    var figures = document.querySelectorAll('figure[data-cover-for="' + id + '"]');
    figures.forEach(function (figure) {
      figure.querySelectorAll(".cover-rect").forEach(function (el) { el.remove(); });
    });
    if (!textarea) { return; }
    ascii(textarea.value).split("\n").forEach(function (line) {
      var m = LINE.exec(line);
      if (!m) { return; }
      var page = m[1] || "1";
      var figure = document.querySelector('figure[data-cover-for="' + id + '"][data-page="' + page + '"]');
      if (!figure) { return; }
      var rect = document.createElement("div");
      rect.className = "cover-rect";
      rect.style.left = m[2] + "%";
      rect.style.top = m[3] + "%";
      rect.style.width = m[4] + "%";
      rect.style.height = m[5] + "%";
      figure.querySelector(".cover-frame").appendChild(rect);
    });
  }

  function setUp(figure) {
    var id = figure.dataset.coverFor;
    var img = figure.querySelector("img");
    var frame = document.createElement("div");
    frame.className = "cover-frame";
    img.parentNode.insertBefore(frame, img);
    frame.appendChild(img);
    var start = null;
    var ghost = null;

    function point(event) {
      var r = img.getBoundingClientRect();
      return {
        x: Math.min(Math.max((event.clientX - r.left) / r.width * 100, 0), 100),
        y: Math.min(Math.max((event.clientY - r.top) / r.height * 100, 0), 100)
      };
    }

    frame.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      frame.setPointerCapture(event.pointerId);
      start = point(event);
      ghost = document.createElement("div");
      ghost.className = "cover-rect cover-ghost";
      frame.appendChild(ghost);
    });
    frame.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      var p = point(event);
      ghost.style.left = Math.min(start.x, p.x) + "%";
      ghost.style.top = Math.min(start.y, p.y) + "%";
      ghost.style.width = Math.abs(p.x - start.x) + "%";
      ghost.style.height = Math.abs(p.y - start.y) + "%";
    });
    frame.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var p = point(event);
      var x = Math.min(start.x, p.x), y = Math.min(start.y, p.y);
      var w = Math.abs(p.x - start.x), h = Math.abs(p.y - start.y);
      start = null;
      ghost.remove();
      if (w < 1 || h < 1) { return; }
      var textarea = box(figure, id);
      var line = figure.dataset.page + ": " + [round(x), round(y), round(w), round(h)].join(" ");
      textarea.value = (textarea.value.trim() ? textarea.value.trim() + "\n" : "") + line;
      redraw(id);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var ids = {};
    document.querySelectorAll("figure[data-cover-for]").forEach(function (figure) {
      setUp(figure);
      ids[figure.dataset.coverFor] = true;
    });
    Object.keys(ids).forEach(function (id) {
      redraw(id);
      var textarea = box(null, id);
      if (textarea) { textarea.addEventListener("input", function () { redraw(id); }); }
    });
  });
})();
