// Cascading unit choice: the page works without this file (a "Chọn tiếp cấp dưới" button
// reloads the form with the next level); with it, the next level appears in place.
(function () {
  "use strict";

  function childrenUrl(fieldset, id) {
    return fieldset.dataset.childrenUrl.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function dropBelow(fieldset, level) {
    fieldset.querySelectorAll("select[data-level]").forEach(function (select) {
      if (Number(select.dataset.level) > level) select.remove();
    });
  }

  function addLevel(fieldset, level, children, after) {
    var prefix = fieldset.dataset.unitCascade;
    var select = document.createElement("select");
    select.name = prefix + "_" + level;
    select.className = "form-select mb-2";
    select.dataset.level = String(level);
    var label = fieldset.querySelector("legend");
    select.setAttribute("aria-label", (label ? label.textContent : "") + " " + (level + 1));
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
    after.insertAdjacentElement("afterend", select);
    select.focus();
  }

  function onChange(event) {
    var select = event.target;
    if (!select.matches("select[data-level]")) return;
    var fieldset = select.closest("[data-unit-cascade]");
    var level = Number(select.dataset.level);
    dropBelow(fieldset, level);
    if (!select.value) return;
    fetch(childrenUrl(fieldset, select.value), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.children && data.children.length) addLevel(fieldset, level + 1, data.children, select);
      })
      .catch(function () {
        // Network trouble: show the button again so the no-JavaScript path still works.
        var step = fieldset.querySelector(".js-cascade-step");
        if (step) step.hidden = false;
      });
  }

  document.querySelectorAll("[data-unit-cascade]").forEach(function (fieldset) {
    var step = fieldset.querySelector(".js-cascade-step");
    if (step) step.hidden = true;
    fieldset.addEventListener("change", onChange);
  });
})();
