// Reports: a live fair's figures refresh themselves, and print buttons print the page.
(function () {
  "use strict";

  var box = document.querySelector("[data-refresh-url]");
  if (box) {
    var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30;
    window.setInterval(function () {
      fetch(box.getAttribute("data-refresh-url"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) { box.innerHTML = html; })
        // Weak signal at the fair: keep the last figures and try again next time.
        .catch(function () {});
    }, seconds * 1000);
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
