// A team sheet (people × items) typed from the keyboard: ↑ and ↓ (or Enter) move to
// the same column of the row above or below, ← and → at the start or end of a box
// to the box beside it; Tab goes on as usual.
(function () {
  function boxes(row) {
    return Array.prototype.slice.call(row.querySelectorAll("input:not([type=hidden]), select"));
  }
  function move(input, rows, down) {
    var row = input.closest("tr");
    var index = boxes(row).indexOf(input);
    var at = rows.indexOf(row) + (down ? 1 : -1);
    if (at < 0 || at >= rows.length) return false;
    var target = boxes(rows[at])[index];
    if (!target) return false;
    target.focus();
    if (target.select) target.select();
    return true;
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.closest || !input.closest("table.sheet tbody")) return;
    var table = input.closest("table.sheet");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var key = event.key;
    var handled = false;
    if (key === "ArrowDown" || (key === "Enter" && !event.shiftKey)) {
      handled = move(input, rows, true) || key === "Enter";
    } else if (key === "ArrowUp" || (key === "Enter" && event.shiftKey)) {
      handled = move(input, rows, false) || key === "Enter";
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      var text = input.value || "";
      var edge = key === "ArrowRight" ? input.selectionStart === text.length : input.selectionStart === 0;
      if (edge || input.selectionStart === null) {
        var all = boxes(input.closest("tr"));
        var next = all[all.indexOf(input) + (key === "ArrowRight" ? 1 : -1)];
        if (next) { next.focus(); handled = true; }
      }
    }
    if (handled) event.preventDefault();
  });
})();
