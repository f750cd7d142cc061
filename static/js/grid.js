/* A grid of inputs (table[data-grid]) that works like a spreadsheet's cells:
   Enter or ↓ goes to the cell below, ↑ to the cell above;
   pasting a block copied from Excel or LibreOffice (rows by line, columns by tab) fills the
   cells from the one pasted into, down and to the right, and says how many rows it filled.
   And a list's "tick all" box: input[data-tick-all=NAME] ticks every checkbox named NAME. */
(function () {
  "use strict";

  function cells(table) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return Array.prototype.slice.call(row.querySelectorAll("input, select"));
    });
  }

  function position(grid, input) {
    for (var r = 0; r < grid.length; r++) {
      var c = grid[r].indexOf(input);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  function say(table, text) {
    var status = table.parentNode.querySelector(".grid-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "grid-status muted";
      status.setAttribute("role", "status");
      table.parentNode.insertBefore(status, table);
    }
    status.textContent = text;
  }

  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-tick-all");
    if (!name) return;
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  document.addEventListener("keydown", function (event) {
    var table = event.target.closest && event.target.closest("table[data-grid]");
    if (!table) return;
    var step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!step) return;
    var grid = cells(table);
    var at = position(grid, event.target);
    if (!at) return;
    var next = grid[at[0] + step];
    event.preventDefault(); // Enter moves down, as in a spreadsheet; it does not submit
    if (next && next[at[1]]) {
      next[at[1]].focus();
      if (next[at[1]].select) next[at[1]].select();
    }
  });

  document.addEventListener("paste", function (event) {
    var table = event.target.closest && event.target.closest("table[data-grid]");
    if (!table || !event.clipboardData) return;
    var text = event.clipboardData.getData("text/plain");
    if (text.indexOf("\n") < 0 && text.indexOf("\t") < 0) return; // one value: as usual
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    var grid = cells(table);
    var at = position(grid, event.target);
    if (!at) return;
    var filled = 0;
    lines.forEach(function (line, i) {
      var row = grid[at[0] + i];
      if (!row) return;
      line.split("\t").forEach(function (value, j) {
        var input = row[at[1] + j];
        if (input) input.value = value.trim();
      });
      filled++;
    });
    var left = lines.length - filled;
    say(
      table,
      (table.getAttribute("data-pasted") || "Rows pasted: {n}.").replace("{n}", filled) +
        (left > 0 ? " " + (table.getAttribute("data-overflow") || "Left over: {n}.").replace("{n}", left) : "")
    );
  });
})();
