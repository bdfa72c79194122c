/* Cascading unit choice. The page works without this file (a "Chọn tiếp cấp dưới" button
 * reloads the form with the next level); with it, the next level appears in place.
 *
 * Keyboard-safe: on a closed drop-down the arrow keys (and typing a letter) change the value
 * and fire "change" at once, so a choice made that way is only *pending*; it is committed
 * (the levels below dropped, the next level fetched) when the person confirms it: Enter, Tab
 * (the focus then goes to the new level), or leaving the list. A choice picked from the opened
 * list with the mouse, a finger or Enter is committed at once. */
(function () {
  "use strict";

  var BROWSE_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End",
    "PageUp", "PageDown"];

  function childrenUrl(fieldset, id) {
    return fieldset.dataset.childrenUrl.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function say(fieldset, text) {
    var status = fieldset.querySelector("[data-cascade-status]");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function dropBelow(fieldset, level) {
    fieldset.querySelectorAll("[data-level-wrap]").forEach(function (wrap) {
      if (Number(wrap.dataset.levelWrap) > level) wrap.remove();
    });
  }

  function levelLabel(fieldset, level, parentName) {
    return (fieldset.dataset.levelLabel || "{n}: {parent}")
      .replace("{n}", String(level + 1)).replace("{parent}", parentName);
  }

  function addLevel(fieldset, level, children, after, parentName) {
    var prefix = fieldset.dataset.unitCascade;
    var wrap = document.createElement("div");
    wrap.className = "unit-level";
    wrap.dataset.levelWrap = String(level);
    var label = document.createElement("label");
    label.className = "form-label unit-level-label mb-1";
    label.htmlFor = prefix + "_" + level;
    label.textContent = levelLabel(fieldset, level, parentName);
    var select = document.createElement("select");
    select.name = prefix + "_" + level;
    select.id = prefix + "_" + level;
    select.className = "form-select mb-2";
    select.dataset.level = String(level);
    select.dataset.committed = "";
    var blank = document.createElement("option");
    blank.value = "";
    // The label comes from the page, translated by the server.
    blank.textContent = fieldset.dataset.blankLabel || "—";
    select.appendChild(blank);
    children.forEach(function (child) {
      var option = document.createElement("option");
      option.value = String(child.id);
      option.textContent = child.name;
      select.appendChild(option);
    });
    wrap.appendChild(label);
    wrap.appendChild(select);
    after.closest("[data-level-wrap]").insertAdjacentElement("afterend", wrap);
    return select;
  }

  // The next focusable control after `element` in its form (where Tab would have gone).
  function focusNextAfter(element) {
    var form = element.form || document;
    var controls = Array.prototype.filter.call(
      form.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"),
      function (el) {
        return !el.disabled && !el.hidden && el.tabIndex >= 0 && el.type !== "hidden" &&
          el.offsetParent !== null;
      });
    var at = controls.indexOf(element);
    if (at >= 0 && at + 1 < controls.length) controls[at + 1].focus();
  }

  function commit(select, moveFocus) {
    var fieldset = select.closest("[data-unit-cascade]");
    delete select.dataset.pending;
    if (select.value === select.dataset.committed) {
      if (moveFocus) focusNextAfter(select);
      return;
    }
    select.dataset.committed = select.value;
    var level = Number(select.dataset.level);
    dropBelow(fieldset, level);
    if (!select.value) {
      if (moveFocus) focusNextAfter(select);
      return;
    }
    var parentName = select.options[select.selectedIndex].textContent;
    fetch(childrenUrl(fieldset, select.value), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (select.dataset.committed !== String(select.value)) return;  // changed meanwhile
        if (data.children && data.children.length) {
          var added = addLevel(fieldset, level + 1, data.children, select, parentName);
          if (moveFocus) {
            added.focus();
          } else {
            say(fieldset, levelLabel(fieldset, level + 1, parentName));
          }
        } else if (moveFocus) {
          focusNextAfter(select);
        }
      })
      .catch(function () {
        // Network trouble: show the button again so the no-JavaScript path still works.
        var step = fieldset.querySelector(".js-cascade-step");
        if (step) step.hidden = false;
        if (moveFocus) focusNextAfter(select);
      });
  }

  function isLevel(target) {
    return target instanceof HTMLSelectElement && target.matches("select[data-level]");
  }

  function onKeydown(event) {
    var select = event.target;
    if (!isLevel(select)) return;
    if (BROWSE_KEYS.indexOf(event.key) >= 0 && !event.altKey) {
      select.dataset.keyed = "1";
    } else if (event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey) {
      select.dataset.keyed = "1";  // type-ahead: jumps to a name, as an arrow key does
    } else if (event.key === "Enter" && select.dataset.pending) {
      event.preventDefault();
      commit(select, true);
    } else if (event.key === "Tab" && !event.shiftKey && select.dataset.pending) {
      event.preventDefault();
      commit(select, true);
    }
  }

  function onChange(event) {
    var select = event.target;
    if (!isLevel(select)) return;
    var keyed = select.dataset.keyed === "1";
    delete select.dataset.keyed;
    if (keyed) {
      select.dataset.pending = "1";  // browsing with the keyboard: wait for a confirmation
    } else {
      commit(select, false);
    }
  }

  function onFocusout(event) {
    var select = event.target;
    if (isLevel(select) && select.dataset.pending) commit(select, false);
  }

  document.querySelectorAll("[data-unit-cascade]").forEach(function (fieldset) {
    var step = fieldset.querySelector(".js-cascade-step");
    if (step) step.hidden = true;
    fieldset.querySelectorAll("select[data-level]").forEach(function (select) {
      select.dataset.committed = select.value;
    });
    fieldset.addEventListener("keydown", onKeydown);
    fieldset.addEventListener("change", onChange);
    fieldset.addEventListener("focusout", onFocusout);
    // A mouse or a finger opens the list: what is picked there is a confirmed choice.
    fieldset.addEventListener("pointerdown", function (event) {
      if (isLevel(event.target)) delete event.target.dataset.keyed;
    });
  });
})();
