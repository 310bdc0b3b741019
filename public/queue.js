// Keyboard shortcuts for the moderation queue on a PC: j/k move between items, a approves,
// r focuses the reason list (choose a reason, then press Enter on "Từ chối").
// The queue works fully without this file.
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) return;
  var current = 0;
  function focus(i) {
    current = Math.max(0, Math.min(items.length - 1, i));
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || e.ctrlKey || e.metaKey || e.altKey) return;
    var item = items[current];
    if (e.key === "j") { focus(current + 1); e.preventDefault(); }
    else if (e.key === "k") { focus(current - 1); e.preventDefault(); }
    else if (e.key === "a") { item.querySelector('[data-key="approve"]').click(); e.preventDefault(); }
    else if (e.key === "r") { item.querySelector("select").focus(); e.preventDefault(); }
  });
  focus(0);
})();
