// Filter a list as you type: <input data-filter-list="ID"> hides items of #ID whose
// data-search text does not contain what was typed. The GET form still works without it.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) { return; }
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      list.querySelectorAll("[data-search]").forEach(function (item) {
        item.hidden = needle !== "" && item.getAttribute("data-search").indexOf(needle) === -1;
      });
    });
  });
})();
