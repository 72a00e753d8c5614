// Passkeys (WebAuthn): create one on the passkeys page, sign in with one on the sign-in page.
// The passkey parts of both pages stay hidden unless this browser can use passkeys; without
// this script they are plain pages and the password works as always.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  if (!csrfMeta) return;

  // --- base64url <-> bytes: the JSON form of WebAuthn's binary fields ----------------------
  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return { type: c.type, id: toBytes(c.id), transports: c.transports }; });
  }
  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }
  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }
  function credentialJSON(cred) {
    var r = cred.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      if (r.userHandle) response.userHandle = toText(r.userHandle);
    }
    return {
      id: cred.id, rawId: toText(cred.rawId), type: cred.type, response: response,
      authenticatorAttachment: cred.authenticatorAttachment || null,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
    };
  }

  // --- talking to the server ----------------------------------------------------------------
  // Resolves with the JSON answer; rejects with the server's message, in the person's language.
  function post(url, body, failed) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfMeta.content },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw { said: (data.error && data.error.message) || failed };
        return data;
      });
    }, function () { throw { said: failed }; });
  }

  // What to tell the person when a ceremony stops: the server's words, or the browser's reason.
  function explain(error, d) {
    if (error && error.said) return error.said;
    var name = error && error.name;
    // They closed the phone's prompt, or it timed out: nothing went wrong.
    if (name === "NotAllowedError" || name === "AbortError") return d.msgCancelled;
    // Creating: this device already holds a passkey for this account.
    if (name === "InvalidStateError" && d.msgExists) return d.msgExists;
    return d.msgUnavailable;
  }

  // One ceremony: options from the server, the browser asks the person, the answer goes back.
  function ceremony(box, button, run) {
    var d = box.dataset;
    var status = box.querySelector(".passkey-status");
    var busy = false;
    return function (event) {
      if (event) event.preventDefault();
      if (busy) return;  // a second tap while the phone is asking
      busy = true;
      button.disabled = true;
      status.textContent = d.msgWaiting;
      run(d).then(function (answer) {
        window.location.assign(answer.redirect);
      }).catch(function (error) {
        status.textContent = explain(error, d);
        busy = false;
        button.disabled = false;
      });
    };
  }

  // --- the passkeys page: create one ---------------------------------------------------------
  var addForm = document.getElementById("passkey-add");
  if (addForm) {
    var unsupported = document.getElementById("passkey-unsupported");
    if (unsupported) unsupported.hidden = true;
    addForm.hidden = false;
    var nameInput = addForm.querySelector("input[name=name]");
    addForm.addEventListener("submit", ceremony(addForm, addForm.querySelector("button"), function (d) {
      return post(d.optionsUrl, {}, d.msgFailed).then(function (options) {
        return navigator.credentials.create({ publicKey: creationOptions(options) });
      }).then(function (cred) {
        return post(d.url, { name: nameInput.value, credential: credentialJSON(cred) }, d.msgFailed);
      });
    }));
  }

  // --- the sign-in page: sign in with one ----------------------------------------------------
  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.hidden = false;
    var remember = document.querySelector("input[name=remember]");
    var signInButton = signIn.querySelector("button");
    signInButton.addEventListener("click", ceremony(signIn, signInButton, function (d) {
      return post(d.optionsUrl, {}, d.msgFailed).then(function (options) {
        return navigator.credentials.get({ publicKey: requestOptions(options) });
      }).then(function (cred) {
        return post(d.url, {
          credential: credentialJSON(cred), next: d.next, remember: !!(remember && remember.checked)
        }, d.msgFailed);
      });
    }));
  }
})();
