// Small helps for a resident's phone. Every page is complete without this file (old phones,
// data savers and proxy browsers run no script), so each help only adds to what the server
// sent, and the texts it shows come from the page, in the page's language.
//
//  - An opinion being written is kept on the phone while it is typed (the network on 3G
//    drops), offered again when the form is opened again, and forgotten once the server has
//    acknowledged it with a receipt.
//  - Each article gets a button that reads it aloud in Vietnamese, where the browser can.
//  - The tracking code on the receipt gets a copy button.
(function () {
  "use strict";

  var DRAFT = "gopy.draft.";
  // A draft nobody came back to for a month is stale: the consultation has likely closed.
  var DRAFT_DAYS = 30;

  function storage() {
    // Private modes and full storage throw; the form then simply works as without script.
    try {
      var s = window.localStorage, k = DRAFT + "probe";
      s.setItem(k, k);
      s.removeItem(k);
      return s;
    } catch (e) {
      return null;
    }
  }

  function readDraft(ls, key) {
    try {
      var d = JSON.parse(ls.getItem(key));
      if (d && typeof d.body === "string" && Date.now() - d.at < DRAFT_DAYS * 864e5) return d;
    } catch (e) { /* not ours or damaged: ignore it */ }
    return null;
  }

  function pruneDrafts(ls) {
    for (var i = ls.length - 1; i >= 0; i--) {
      var k = ls.key(i);
      if (k && k.indexOf(DRAFT) === 0 && !readDraft(ls, k)) ls.removeItem(k);
    }
  }

  // keepDraft saves the stance and text of the opinion form on every change. The name and
  // contact are not kept: a phone is often shared in a family.
  function keepDraft(ls) {
    var form = document.querySelector("form[data-draft]");
    if (!form) return;
    var key = DRAFT + form.getAttribute("data-draft");
    var body = form.querySelector("textarea[name=body]");
    if (!body) return;
    var stances = form.querySelectorAll("input[name=stance]");
    var saved = readDraft(ls, key);
    // A form the server sent back with the resident's text (after an error) wins.
    if (saved && !body.value) {
      body.value = saved.body;
      var chosen = false;
      for (var i = 0; i < stances.length; i++) chosen = chosen || stances[i].checked;
      for (var j = 0; j < stances.length && !chosen; j++) {
        if (stances[j].value === saved.stance) stances[j].checked = true;
      }
      var note = document.getElementById("draft-restored");
      if (note) note.hidden = false;
    }
    function save() {
      if (!body.value.replace(/\s+/g, "")) {
        ls.removeItem(key);
        return;
      }
      var stance = "";
      for (var i = 0; i < stances.length; i++) if (stances[i].checked) stance = stances[i].value;
      try {
        ls.setItem(key, JSON.stringify({ body: body.value, stance: stance, at: Date.now() }));
      } catch (e) { /* storage full: the form still sends */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  // forgetDraft runs on the receipt: the server has committed the opinion.
  function forgetDraft(ls) {
    var sent = document.querySelector("[data-draft-sent]");
    if (sent) ls.removeItem(DRAFT + sent.getAttribute("data-draft-sent"));
  }

  function textOf(section) {
    var parts = [];
    for (var i = 0; i < section.children.length; i++) {
      var e = section.children[i];
      if (/^H[1-6]$/.test(e.tagName) || / body( |$)/.test(" " + e.className)) parts.push(e.textContent.replace(/\s+/g, " ").trim());
    }
    return parts.join(". ");
  }

  // readAloud adds a button to each article of a draft. The draft is Vietnamese whatever the
  // page's language, so it is always read in Vietnamese.
  function readAloud() {
    var root = document.querySelector("[data-read]");
    if (!root || !window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") return;
    var label = root.getAttribute("data-read"), stopLabel = root.getAttribute("data-read-stop");
    var speaking = null;
    function reset() {
      if (speaking) speaking.textContent = label;
      speaking = null;
    }
    function voice() {
      var vs = window.speechSynthesis.getVoices() || [];
      for (var i = 0; i < vs.length; i++) if (/^vi\b/i.test(vs[i].lang)) return vs[i];
      return null;
    }
    var sections = root.querySelectorAll("section.section");
    for (var i = 0; i < sections.length; i++) {
      var section = sections[i], heading = section.querySelector("h2, h3");
      if (!heading || !section.querySelector(".body")) continue;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small secondary read-aloud";
      button.textContent = label;
      if (heading.id) button.setAttribute("aria-describedby", heading.id);
      heading.parentNode.insertBefore(button, heading.nextSibling);
      button.addEventListener("click", (function (button, section) {
        return function () {
          var synth = window.speechSynthesis, again = speaking === button;
          synth.cancel();
          reset();
          if (again) return;
          var u = new window.SpeechSynthesisUtterance(textOf(section));
          u.lang = "vi-VN";
          var v = voice();
          if (v) u.voice = v;
          u.onend = u.onerror = function () { if (speaking === button) reset(); };
          speaking = button;
          button.textContent = stopLabel;
          synth.speak(u);
        };
      })(button, section));
    }
  }

  function select(el) {
    var r = document.createRange();
    r.selectNodeContents(el);
    var s = window.getSelection();
    s.removeAllRanges();
    s.addRange(r);
  }

  // copyCode adds a copy button under the tracking code. Without the Clipboard API (an old
  // browser, or a page not served over HTTPS) it selects the code and asks the browser to
  // copy; if even that fails the code stays selected and the resident is told to copy it.
  function copyCode() {
    var code = document.querySelector("[data-copy]");
    if (!code) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary copy-code";
    button.textContent = code.getAttribute("data-copy");
    var status = document.createElement("p");
    status.className = "hint copy-status";
    status.setAttribute("role", "status");
    code.parentNode.insertBefore(status, code.nextSibling);
    code.parentNode.insertBefore(button, status);
    function done(ok) {
      if (!ok) select(code);
      status.textContent = code.getAttribute(ok ? "data-copied" : "data-copy-manual");
    }
    function fallback() {
      select(code);
      try {
        return document.execCommand("copy");
      } catch (e) {
        return false;
      }
    }
    button.addEventListener("click", function () {
      var text = code.textContent.replace(/\s+/g, "");
      var clip = navigator.clipboard;
      if (clip && typeof clip.writeText === "function") {
        clip.writeText(text).then(function () { done(true); }, function () { done(fallback()); });
      } else {
        done(fallback());
      }
    });
  }

  var ls = storage();
  if (ls) {
    forgetDraft(ls);
    pruneDrafts(ls);
    keepDraft(ls);
  }
  readAloud();
  copyCode();
  unitFollowsKind();

  // unitFollowsKind: on the new consultation form, a hương ước or quy ước belongs to a
  // village and other kinds to the commune, so changing the kind moves the unit to the
  // first unit of the right level, unless the official already chose one of that level.
  function unitFollowsKind() {
    var kind = document.getElementById('f-kind');
    var unit = document.getElementById('f-unit_code');
    if (!kind || !unit) return;
    kind.addEventListener('change', function () {
      var village = kind.value === 'huong_uoc' || kind.value === 'quy_uoc';
      var current = unit.options[unit.selectedIndex];
      if (current && (current.dataset.kind === 'village') === village) return;
      for (var i = 0; i < unit.options.length; i++) {
        if ((unit.options[i].dataset.kind === 'village') === village) {
          unit.selectedIndex = i;
          return;
        }
      }
    });
  }
})();
