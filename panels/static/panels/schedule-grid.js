// Drag and drop on the organizer's schedule grid, on top of the forms that work without it.
// Dropping a panel on a cell (a room at a five-minute time of a day) fills that panel's own
// schedule or move form with the cell's day, room and start, and an end that keeps the panel's
// length, then sends the form as if the organizer had pressed its button. The server decides:
// a refused slot comes back with its reasons beside the panel, exactly as for the form.
// The cells are laid out here from the rows' times and the rooms' columns the page carries
// (panels.selectors.grid), so that pages without JavaScript do not carry thousands of them.
(function () {
  "use strict";

  var dragged = null; // {source, card} while a panel is being dragged
  var target = null; // the highlighted cell

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // "HH:MM" plus minutes, on a clock: an end past midnight wraps round, and the server refuses
  // that slot with its reason like any other it does not accept.
  function later(clock, minutes) {
    var parts = clock.split(":");
    var total = (Number(parts[0]) * 60 + Number(parts[1]) + minutes) % (24 * 60);
    return pad(Math.floor(total / 60)) + ":" + pad(total % 60);
  }

  function cardOf(element) {
    return document.getElementById("panel-" + element.dataset.panel);
  }

  function formOf(card) {
    return card ? card.querySelector("form.slot-form") : null;
  }

  function highlight(cell) {
    if (target === cell) return;
    if (target) target.classList.remove("is-target");
    target = cell;
    if (target) target.classList.add("is-target");
  }

  function finish() {
    if (dragged) dragged.source.classList.remove("is-dragged");
    document.body.classList.remove("is-placing");
    highlight(null);
    dragged = null;
  }

  function place(card, cell) {
    var form = formOf(card);
    var prefix = "p" + card.dataset.panel + "-";
    var set = function (name, value) {
      form.elements[prefix + name].value = value;
    };
    set("day", cell.closest(".day-grid").dataset.day);
    set("room", cell.dataset.room);
    set("start", cell.dataset.time);
    set("end", later(cell.dataset.time, Number(card.dataset.minutes)));
    var button = form.querySelector("button[type=submit]");
    if (form.requestSubmit) {
      form.requestSubmit(button);
    } else {
      form.submit();
    }
  }

  function draggable(source, card) {
    source.draggable = true;
    source.setAttribute("aria-describedby", "schedule-drag-help");
    if (source === card) {
      // The card holds form fields and buttons: pressing on them edits, not drags.
      source.addEventListener("pointerdown", function (event) {
        source.draggable = !event.target.closest("input, select, textarea, button, a, label");
      });
    }
    source.addEventListener("dragstart", function (event) {
      if (event.target !== source) return;
      dragged = { source: source, card: card };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("application/x-forum-panel", card.dataset.panel);
      source.classList.add("is-dragged");
      // After the drag has begun: changing what lies under the pointer at once can cancel it.
      window.setTimeout(function () {
        if (dragged) document.body.classList.add("is-placing");
      }, 0);
    });
    source.addEventListener("dragend", finish);
  }

  function dropTarget(grid) {
    grid.addEventListener("dragover", function (event) {
      var cell = dragged && event.target.closest(".grid-cell");
      highlight(cell || null);
      if (!cell) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    });
    grid.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget || !grid.contains(event.relatedTarget)) highlight(null);
    });
    grid.addEventListener("drop", function (event) {
      var cell = dragged && event.target.closest(".grid-cell");
      if (!cell) return;
      event.preventDefault();
      var card = dragged.card;
      finish();
      place(card, cell);
    });
  }

  function layOutCells(grid, times, firstRow) {
    var cells = document.createDocumentFragment();
    Array.prototype.forEach.call(grid.querySelectorAll(".grid-room[data-room]"), function (room) {
      times.forEach(function (time, index) {
        var cell = document.createElement("div");
        cell.className = "grid-cell";
        cell.dataset.room = room.dataset.room;
        cell.dataset.time = time;
        cell.style.gridArea = firstRow + index + " / " + room.dataset.column;
        cells.appendChild(cell);
      });
    });
    grid.appendChild(cells);
  }

  function init() {
    var days = document.querySelector(".schedule-days[data-times]");
    var grids = document.querySelectorAll(".day-grid[data-day]");
    if (!days || !grids.length) return;
    var times = days.dataset.times.split(" ");
    var firstRow = Number(days.dataset.firstRow);
    Array.prototype.forEach.call(grids, function (grid) {
      layOutCells(grid, times, firstRow);
    });
    Array.prototype.forEach.call(document.querySelectorAll("article.org-panel[data-panel]"), function (card) {
      if (formOf(card)) draggable(card, card);
    });
    Array.prototype.forEach.call(document.querySelectorAll("a.grid-panel[data-panel]"), function (block) {
      var card = cardOf(block);
      if (formOf(card)) draggable(block, card);
    });
    Array.prototype.forEach.call(grids, dropTarget);
    var help = document.getElementById("schedule-drag-help");
    if (help) help.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", init);
})();
