// Conveniences for the storyweave form. Without this script the form still works:
// "Add" and "Remove" then go to the server, and the page simply waits for the briefing.
"use strict";

(function () {
  const form = document.getElementById("brief-form");
  if (!form) {
    return;
  }
  const fieldset = document.getElementById("articles");
  const addButton = document.getElementById("add-box");

  function boxes() {
    return Array.from(fieldset.querySelectorAll("[data-box]"));
  }

  // Keep labels, ids and button values in step with the boxes' order.
  function renumber() {
    const all = boxes();
    all.forEach(function (box, i) {
      const label = box.querySelector(".box-label");
      const text = box.querySelector("textarea");
      label.textContent = "Article " + (i + 1);
      text.id = "text-" + i;
      label.htmlFor = text.id;
      let remove = box.querySelector("button.remove");
      if (!remove) {
        remove = document.createElement("button");
        remove.type = "submit";
        remove.name = "action";
        remove.className = "remove secondary";
        remove.formNoValidate = true;
        remove.textContent = "Remove";
        box.querySelector(".box-head").appendChild(remove);
      }
      remove.value = "remove:" + i;
      remove.setAttribute("aria-label", "Remove article " + (i + 1));
      remove.hidden = all.length < 2;
    });
  }

  function addBox() {
    const last = boxes()[boxes().length - 1];
    const box = last.cloneNode(true);
    box.classList.remove("has-error");
    box.querySelectorAll("textarea, input").forEach(function (field) {
      field.value = "";
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
    box.querySelectorAll("ul.error").forEach(function (list) {
      list.remove();
    });
    fieldset.insertBefore(box, addButton);
    renumber();
    box.querySelector("textarea").focus();
  }

  function removeBox(index) {
    const all = boxes();
    if (all.length < 2) {
      return;
    }
    all[index].remove();
    renumber();
    const next = boxes()[Math.min(index, boxes().length - 1)];
    next.querySelector("textarea").focus();
  }

  form.addEventListener("click", function (event) {
    const button = event.target.closest("button[name=action]");
    if (!button) {
      return;
    }
    if (button.value === "add") {
      event.preventDefault();
      addBox();
    } else if (button.value.indexOf("remove:") === 0) {
      event.preventDefault();
      removeBox(parseInt(button.value.slice(7), 10));
    }
  });

  // Long work shows progress: a spinner and the seconds waited, announced politely.
  form.addEventListener("submit", function (event) {
    const submitter = event.submitter;
    if (submitter && submitter.value !== "brief") {
      return;
    }
    const progress = document.getElementById("progress");
    const button = document.getElementById("brief-button");
    const texts = boxes().filter(function (box) {
      return box.querySelector("textarea").value.trim() !== "";
    }).length;
    const files = document.getElementById("files").files.length;
    const urls = document.getElementById("urls").value.split("\n").filter(function (line) {
      return line.trim() !== "";
    }).length;
    const what = texts + files + urls;
    const fetching = urls ? " — fetching " + urls + " URL" + (urls > 1 ? "s" : "") + " first" : "";
    const started = Date.now();
    function show() {
      const seconds = Math.round((Date.now() - started) / 1000);
      progress.textContent =
        "Briefing " + what + " input" + (what === 1 ? "" : "s") + fetching + "… " + seconds + " s";
    }
    progress.classList.add("busy");
    form.setAttribute("aria-busy", "true");
    show();
    window.setInterval(show, 1000);
    // Disabled after the browser has taken the submitter's value into the form data.
    window.setTimeout(function () {
      button.disabled = true;
    }, 0);
  });

  renumber();
})();
