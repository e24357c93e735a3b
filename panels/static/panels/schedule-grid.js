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
      stopMoving(false);
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

  // The keyboard's way to do the same (WCAG 2.1.1, 2.5.7): a panel's "Move…" button puts a cursor
  // cell on the grid, at the panel's slot or the first free cell of the first day. Arrow keys move
  // it by room and by row, Page Up and Page Down by an hour, Home and End to the day's first and
  // last row, [ and ] (or Ctrl with Up and Down) to the previous and next day; a live region reads
  // out where it is. Enter sends the panel's form as a drop on that cell would; Escape cancels and
  // gives the focus back to the button. The words come from the page, in the organizer's language.
  var HOUR_ROWS = 12; // five-minute rows
  var moving = null; // {card, button, grid, room, row, cursor} while a panel is moved by keyboard
  var layout = null; // {container, grids, times, firstRow}

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function roomsOf(grid) {
    return grid.querySelectorAll(".grid-room[data-room]");
  }

  function rowOf(clock) {
    var index = layout.times.indexOf(clock);
    return index < 0 ? layout.times.length : index;
  }

  // The first cell of the first day that no panel's block covers, rows before rooms.
  function firstFree(grid) {
    var rooms = roomsOf(grid);
    var taken = {};
    Array.prototype.forEach.call(grid.querySelectorAll("a.grid-panel[data-room]"), function (block) {
      for (var row = rowOf(block.dataset.start); row < rowOf(block.dataset.end); row++) {
        taken[block.dataset.room + " " + row] = true;
      }
    });
    for (var row = 0; row < layout.times.length; row++) {
      for (var room = 0; room < rooms.length; room++) {
        if (!taken[rooms[room].dataset.room + " " + row]) return { grid: grid, room: room, row: row };
      }
    }
    return { grid: grid, room: 0, row: 0 };
  }

  function startingCell(card) {
    var block = document.querySelector('a.grid-panel[data-panel="' + card.dataset.panel + '"]');
    var grid = block && block.closest(".day-grid[data-day]");
    if (grid) {
      var rooms = Array.prototype.map.call(roomsOf(grid), function (room) {
        return room.dataset.room;
      });
      var room = rooms.indexOf(block.dataset.room);
      var row = layout.times.indexOf(block.dataset.start);
      if (room >= 0 && row >= 0) return { grid: grid, room: room, row: row };
    }
    return firstFree(layout.grids[0]);
  }

  function announce(text) {
    var status = document.getElementById("schedule-move-status");
    if (status) status.textContent = text;
  }

  function showMoveBar(shown) {
    var bar = document.getElementById("schedule-move");
    if (bar) bar.classList.toggle("visually-hidden", !shown);
  }

  // Puts the cursor where ``moving`` says, in its day's grid, and reads the place out.
  function showCursor() {
    var grid = moving.grid;
    var room = roomsOf(grid)[moving.room];
    var time = layout.times[moving.row];
    var cursor = moving.cursor;
    if (!cursor || cursor.parentNode !== grid) {
      cursor = document.createElement("div");
      cursor.className = "grid-cell grid-cursor is-target";
      cursor.tabIndex = 0;
      cursor.setAttribute("role", "application");
      cursor.setAttribute("aria-label", fill(layout.container.dataset.moveLabel, { title: moving.card.dataset.title }));
      cursor.setAttribute("aria-describedby", "schedule-move-keys");
      cursor.addEventListener("keydown", onMoveKey);
      cursor.addEventListener("blur", onCursorBlur);
      grid.appendChild(cursor);
      var old = moving.cursor;
      moving.cursor = cursor; // before the focus moves, so that the old cursor's blur is ignored
      cursor.focus();
      if (old) old.remove();
    }
    cursor.dataset.room = room.dataset.room;
    cursor.dataset.time = time;
    cursor.style.gridArea = layout.firstRow + moving.row + " / " + room.dataset.column;
    cursor.scrollIntoView({ block: "nearest", inline: "nearest" });
    var heading = grid.closest(".grid-day").querySelector("h2");
    announce(
      fill(layout.container.dataset.movePosition, {
        room: room.dataset.name,
        day: heading ? heading.textContent.trim() : grid.dataset.day,
        start: time,
        end: later(time, Number(moving.card.dataset.minutes)),
      })
    );
  }

  function stopMoving(restoreFocus) {
    if (!moving) return;
    var state = moving;
    moving = null;
    showMoveBar(false);
    if (state.cursor) state.cursor.remove();
    if (restoreFocus) state.button.focus();
  }

  function onCursorBlur(event) {
    // Focus gone elsewhere (Tab, a click, a field the browser finds wrong): the move is dropped
    // quietly.
    if (moving && event.target === moving.cursor) stopMoving(false);
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  function onMoveKey(event) {
    if (!moving || event.target !== moving.cursor || event.altKey || event.metaKey) return;
    var lastRow = layout.times.length - 1;
    var lastRoom = roomsOf(moving.grid).length - 1;
    var day = Array.prototype.indexOf.call(layout.grids, moving.grid);
    var key = event.key;
    var dayStep = 0;
    if (key === "[" || event.code === "BracketLeft" || (event.ctrlKey && key === "ArrowUp")) dayStep = -1;
    else if (key === "]" || event.code === "BracketRight" || (event.ctrlKey && key === "ArrowDown")) dayStep = 1;
    if (moving.sent) {
      event.preventDefault();
      return;
    }
    if (dayStep) {
      var next = layout.grids[clamp(day + dayStep, 0, layout.grids.length - 1)];
      moving.grid = next;
      moving.room = clamp(moving.room, 0, roomsOf(next).length - 1);
    } else if (event.ctrlKey) {
      return;
    } else if (key === "ArrowLeft") moving.room = clamp(moving.room - 1, 0, lastRoom);
    else if (key === "ArrowRight") moving.room = clamp(moving.room + 1, 0, lastRoom);
    else if (key === "ArrowUp") moving.row = clamp(moving.row - 1, 0, lastRow);
    else if (key === "ArrowDown") moving.row = clamp(moving.row + 1, 0, lastRow);
    else if (key === "PageUp") moving.row = clamp(moving.row - HOUR_ROWS, 0, lastRow);
    else if (key === "PageDown") moving.row = clamp(moving.row + HOUR_ROWS, 0, lastRow);
    else if (key === "Home") moving.row = 0;
    else if (key === "End") moving.row = lastRow;
    else if (key === "Escape") {
      event.preventDefault();
      announce(layout.container.dataset.moveCancelled);
      stopMoving(true);
      return;
    } else if (key === "Enter") {
      event.preventDefault();
      moving.sent = true;
      place(moving.card, moving.cursor);
      return;
    } else return;
    event.preventDefault();
    showCursor();
  }

  function startMoving(card, button) {
    stopMoving(false);
    finish();
    var start = startingCell(card);
    moving = { card: card, button: button, grid: start.grid, room: start.room, row: start.row, cursor: null };
    showMoveBar(true);
    showCursor();
  }

  function moveButton(card) {
    var button = card.querySelector("button.move-start");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      startMoving(card, button);
    });
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
    layout = { container: days, grids: grids, times: times, firstRow: firstRow };
    Array.prototype.forEach.call(document.querySelectorAll("article.org-panel[data-panel]"), function (card) {
      if (!formOf(card)) return;
      draggable(card, card);
      moveButton(card);
    });
    Array.prototype.forEach.call(document.querySelectorAll("a.grid-panel[data-panel]"), function (block) {
      var card = cardOf(block);
      if (formOf(card)) draggable(block, card);
    });
    Array.prototype.forEach.call(grids, dropTarget);
    var help = document.getElementById("schedule-drag-help");
    if (help) help.hidden = false;
    var keys = document.getElementById("schedule-move-keys");
    if (keys) keys.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", init);
})();
