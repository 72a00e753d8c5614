// The sales screen without a connection: each sale goes into a queue on the phone (IndexedDB)
// and is sent to the server when it can be. Each sale carries its own key, so sending it twice
// records it once. Without this script the form still posts to the server as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("sale-form");
  if (!form || !window.indexedDB || !window.fetch || !window.crypto || !crypto.randomUUID) return;
  var d = form.dataset;
  var pendingEl = document.getElementById("sale-pending");
  var statusEl = document.getElementById("sale-status");
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var button = form.querySelector("button.sale-submit");
  var sending = false;
  var again = false;
  // One sale at a time from the form: set on the tap, cleared when that sale is sent or queued.
  var recording = false;
  // A finger's double tap lands up to ~300 ms apart; the button stays off at least this long.
  var LOCK_MS = 1000;
  // On a weak signal the sale is safe in the queue: free the form after this, sending goes on.
  var WAIT_MS = 5000;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(d.sw, { scope: d.scope }).catch(function () {});
  }

  // --- the queue -------------------------------------------------------------------------
  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("mercado-ventas", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("queue", { keyPath: "client_key" });
      };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var tx = open.result.transaction("queue", mode);
        var req = work(tx.objectStore("queue"));
        tx.oncomplete = function () { resolve(req && req.result); };
        tx.onerror = function () { reject(tx.error); };
      };
    });
  }
  var queue = {
    add: function (sale) { return store("readwrite", function (s) { return s.put(sale); }); },
    all: function () { return store("readonly", function (s) { return s.getAll(); }); },
    remove: function (key) { return store("readwrite", function (s) { return s.delete(key); }); }
  };

  function showPending() {
    return queue.all().then(function (sales) {
      pendingEl.hidden = sales.length === 0;
      pendingEl.textContent = pendingEl.dataset.label.replace("{n}", sales.length);
      return sales;
    });
  }

  function say(text, refused) {
    statusEl.textContent = text;
    statusEl.classList.toggle("refused", !!refused);
  }

  // --- sending ---------------------------------------------------------------------------
  function post(sale) {
    return fetch(d.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(sale)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        return { status: r.status, body: body };
      });
    });
  }

  function refreshToken() {
    return fetch(d.products, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (body) { if (body.csrf_token) csrf = body.csrf_token; });
  }

  // Send one sale; true when it left the queue, false to stop and try again later.
  function sendOne(sale, retried) {
    return post(sale).then(function (res) {
      var code = res.body.error && res.body.error.code;
      if (res.status === 200 || res.status === 201) return queue.remove(sale.client_key).then(function () { return true; });
      if (code === "csrf_failed" && !retried) return refreshToken().then(function () { return sendOne(sale, true); });
      if (res.status === 401 || code === "csrf_failed" || res.status >= 500 || res.status === 429) {
        if (res.status < 500 && res.status !== 429) say(d.msgSignin, true);
        return false;
      }
      // Refused for good (bad data): tell the seller and drop it, or it would block the queue.
      say(d.msgRefused + " " + sale.description_shown + " — " + (res.body.error ? res.body.error.message : res.status), true);
      return queue.remove(sale.client_key).then(function () { return true; });
    });
  }

  function flush() {
    if (sending) again = true; // a sale added mid-send goes out right after, not in 30 s
    if (sending || !navigator.onLine) return showPending();
    sending = true;
    again = false;
    var sent = 0;
    return queue.all().then(function (sales) {
      return sales.reduce(function (chain, sale) {
        return chain.then(function (go) {
          if (!go) return false;
          return sendOne(sale).then(function (ok) { if (ok) sent++; return ok; });
        });
      }, Promise.resolve(true));
    }).catch(function () { /* offline or flaky: the queue waits */ })
      .then(function () {
        sending = false;
        if (sent) refreshToday();
        return again ? flush() : showPending();
      });
  }

  function refreshToday() {
    fetch(d.today, { credentials: "same-origin" }).then(function (r) {
      if (r.ok) return r.text().then(function (html) { document.getElementById("sales-today").innerHTML = html; });
    }).catch(function () {});
  }

  // --- the form --------------------------------------------------------------------------
  // One key per intended sale, made when the form is shown and again only once that sale is
  // queued, so any repeat of it (a retry, a second send) is the same sale to the server. The
  // page may come from the service worker's cache with a key already used: never reuse it.
  function newSale() {
    form.elements.client_key.value = crypto.randomUUID();
  }

  function later(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function centavos(text) {
    var m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/,/g, "").replace("L", ""));
    return m ? parseInt(m[1], 10) * 100 + parseInt((m[2] || "0").padEnd(2, "0"), 10) : null;
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "product" && e.target.dataset.price) {
      form.elements.price.value = (parseInt(e.target.dataset.price, 10) / 100).toFixed(2);
      form.elements.quantity.value = 1;
    }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (recording) return; // a second tap while this sale is on its way
    var f = form.elements;
    var chosen = form.querySelector("input[name=product]:checked");
    var productId = chosen && chosen.value ? parseInt(chosen.value, 10) : null;
    var price = f.price.value ? centavos(f.price.value) : (chosen && chosen.dataset.price ? parseInt(chosen.dataset.price, 10) : null);
    if (price === null) { say(d.msgPrice, true); f.price.focus(); return; }
    var sale = {
      client_key: f.client_key.value,
      product_id: productId,
      description: productId ? "" : f.description.value.trim(),
      quantity: parseInt(f.quantity.value, 10) || 0,
      unit_price: price,
      payment_method: (form.querySelector("input[name=payment_method]:checked") || {}).value,
      recorded_at: new Date().toISOString()
    };
    sale.description_shown = productId ? chosen.parentNode.querySelector(".tile-name").textContent : sale.description;
    recording = true;
    button.disabled = true;
    var tapped = Date.now();
    var queued = false;
    say("");
    // Keyed by client_key: this sale is one entry in the queue however often it is put there.
    queue.add(sale).then(function () {
      queued = true;
      f.description.value = "";
      f.quantity.value = 1;
      newSale();
      return Promise.race([flush(), later(WAIT_MS).then(showPending)]);
    }).then(function (left) {
      var waiting = left.some(function (s) { return s.client_key === sale.client_key; });
      if (waiting) say(d.msgSaved);
      else if (!statusEl.classList.contains("refused")) say(d.msgSent);
    }, function () {
      // Not queued (the phone's storage failed): the form keeps this sale and its key, so
      // tapping again is the same sale. Queued but not readable back: it is still saved.
      say(queued ? d.msgSaved : d.msgUnsaved, !queued);
    }).then(function () {
      return later(LOCK_MS - (Date.now() - tapped));
    }).then(function () {
      recording = false;
      button.disabled = false;
    });
  });

  newSale();
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  flush();
})();
