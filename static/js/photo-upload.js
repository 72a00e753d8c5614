// Shrinks photos of <input type=file data-shrink>, previews them ([data-photo-preview]),
// shows progress ([data-upload-progress]). Without it the plain form still works.
(() => {
  'use strict';
  if (!window.createImageBitmap || !window.DataTransfer) return;
  const each = (list, fn) => Array.prototype.forEach.call(list, fn);

  function shrink(file) {
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then((bmp) => {
      const scale = Math.min(1, 2048 / Math.max(bmp.width, bmp.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff'; // transparency on white, like the server
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bmp, 0, 0, canvas.width, canvas.height);
      bmp.close();
      return new Promise((resolve) => canvas.toBlob((blob) => {
        if (!blob || blob.size >= file.size) return resolve(file);
        const name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
        resolve(new File([blob], name, { type: 'image/jpeg' }));
      }, 'image/jpeg', 0.85));
    }).catch(() => file); // e.g. HEIC on Android: sent as is
  }

  function preview(form, files) {
    const box = form.querySelector('[data-photo-preview]');
    if (!box) return;
    each(box.children, (img) => URL.revokeObjectURL(img.src));
    box.textContent = '';
    files.forEach((file) => {
      if (!/^image\//.test(file.type)) return;
      const img = box.appendChild(new Image());
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.width = 96;
    });
  }

  function watch(input) {
    const form = input.form;
    input.addEventListener('change', () => {
      input.pending = Promise.all(Array.prototype.map.call(input.files, shrink)).then((files) => {
        const dt = new DataTransfer();
        files.forEach((f) => dt.items.add(f));
        input.files = dt.files;
        preview(form, files);
      }); // if this fails, upload() falls back
    });
    if (form && !form.photoUpload) {
      form.photoUpload = true;
      form.addEventListener('submit', (event) => upload(form, event));
    }
  }

  function upload(form, event) {
    if (form.plain) return;
    event.preventDefault();
    // Enter pressed again while sending: one upload (the form's submission key guards the server).
    if (form.sending) return;
    form.sending = true;
    const submitter = event.submitter;
    const buttons = form.querySelectorAll('button, input[type=submit]');
    const box = form.querySelector('[data-upload-progress]');
    const bar = box && (box.querySelector('progress') || box);
    const fallback = () => {
      form.plain = true;
      form.sending = false;
      each(buttons, (b) => { b.disabled = false; });
      if (form.requestSubmit) form.requestSubmit(submitter);
      else HTMLFormElement.prototype.submit.call(form);
    };
    const pending = [];
    each(form.querySelectorAll('[data-shrink]'), (i) => pending.push(i.pending));
    each(buttons, (b) => { b.disabled = true; });
    Promise.all(pending).then(() => {
      const data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      // A field named "action" would hide form.action.
      const action = form.getAttribute('action') || location.href;
      const xhr = new XMLHttpRequest();
      xhr.open('POST', action);
      xhr.upload.onprogress = (e) => {
        if (bar && e.lengthComputable) bar.value = bar.textContent = Math.round(100 * e.loaded / e.total);
      };
      xhr.onload = () => {
        const url = xhr.responseURL || action;
        if (!/^text\/html/.test(xhr.getResponseHeader('Content-Type'))) return location.assign(url);
        // The server's page (after any redirect), as a submit shows.
        history.replaceState(null, '', url);
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = fallback;
      if (box) box.hidden = false;
      xhr.send(data);
    }).catch(fallback);
  }

  each(document.querySelectorAll('input[type=file][data-shrink]'), watch);
})();
