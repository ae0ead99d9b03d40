(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var tr = document.getElementById("transcript");
  if (!tr) { return; }
  var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var count = document.getElementById("shown-count");
  var total = tr.querySelectorAll(".u").length;
  var selectors = { all: ".u", questions: ".u.is-q", defensive: ".u.is-def", reflections: ".u.is-ref" };
  function show(filter) {
    tr.setAttribute("data-show", filter);
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-filter") === filter ? "true" : "false"); });
    if (count) { count.textContent = tr.querySelectorAll(selectors[filter] || ".u").length + " / " + total; }
  }
  buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.getAttribute("data-filter")); }); });
  show("all");
  var audio = document.getElementById("player");
  if (audio) {
    tr.addEventListener("click", function (ev) {
      var b = ev.target.closest ? ev.target.closest("button.play") : null;
      if (!b) { return; }
      var t = parseFloat(b.getAttribute("data-t"));
      audio.currentTime = isFinite(t) ? t : 0;
      var p = audio.play();
      if (p && p.catch) { p.catch(function () { /* file missing or autoplay refused: the player stays */ }); }
    });
  }
}());
