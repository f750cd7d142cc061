/* A quiz lesson exported as SCORM 1.2: draws the course's number of questions from the bank
   shipped in the page, shuffles their answers, marks the answers given in the browser (a
   question counts when exactly its right answers are given) and reports the score and
   passed / failed to the LMS through scorm12.js. The answers travel in the package: a
   SCORM 1.2 package has no server of its own to mark them. */
(function () {
  "use strict";

  function shuffle(items) {
    for (var i = items.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = items[i]; items[i] = items[j]; items[j] = t;
    }
    return items;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; } // never innerHTML: the bank is data
    return node;
  }

  function build(form, data) {
    var drawn = shuffle(data.questions.slice()).slice(0, data.draw);
    while (form.firstChild) { form.removeChild(form.firstChild); }
    drawn.forEach(function (question, q) {
      var box = el("fieldset", { "class": "question", "data-question": String(q) });
      box.appendChild(el("legend", {}, (q + 1) + ". " + question.text));
      shuffle(question.choices.map(function (c, i) { return i; })).forEach(function (i) {
        var label = el("label");
        var input = el("input", { type: question.multiple ? "checkbox" : "radio",
          name: "q" + q, value: String(i) });
        label.appendChild(input);
        label.appendChild(el("span", {}, " " + question.choices[i].text));
        box.appendChild(label);
      });
      form.appendChild(box);
    });
    form.appendChild(el("button", { type: "submit", id: "quiz-submit" }, form.getAttribute("data-submit")));
    return drawn;
  }

  function mark(form, drawn) {
    var right = 0;
    drawn.forEach(function (question, q) {
      var given = Array.prototype.map.call(
        form.querySelectorAll('input[name="q' + q + '"]:checked'),
        function (input) { return Number(input.value); }).sort();
      var wanted = question.choices.map(function (c, i) { return c.correct ? i : -1; })
        .filter(function (i) { return i >= 0; }).sort();
      if (given.join(",") === wanted.join(",")) { right += 1; }
    });
    return drawn.length ? Math.round((100 * right) / drawn.length) : 0;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("quiz");
    var source = document.getElementById("quiz-data");
    if (!form || !source) { return; }
    var data = JSON.parse(source.textContent);
    var result = document.getElementById("quiz-result");
    var drawn = build(form, data);
    var timer = null;
    var submitted = false;

    function submit() {
      if (submitted) { return; }
      submitted = true;
      if (timer) { clearInterval(timer); }
      var percent = mark(form, drawn);
      var passed = percent >= data.pass_percent;
      Array.prototype.forEach.call(form.elements, function (input) { input.disabled = true; });
      result.textContent = form.getAttribute("data-score") + ": " + percent + "% — " +
        form.getAttribute(passed ? "data-passed" : "data-failed");
      result.setAttribute("data-score", String(percent));
      result.setAttribute("data-passed", passed ? "true" : "false");
      if (window.scorm12) { window.scorm12.score(percent, passed); }
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    if (data.minutes) {
      var ends = new Date().getTime() + data.minutes * 60000;
      var clock = el("p", { id: "quiz-clock", "class": "muted" });
      form.parentNode.insertBefore(clock, form);
      timer = setInterval(function () {
        var left = Math.max(0, Math.round((ends - new Date().getTime()) / 1000));
        clock.textContent = form.getAttribute("data-left") + ": " + Math.floor(left / 60) + ":" +
          ("0" + (left % 60)).slice(-2);
        if (left === 0) { submit(); }
      }, 1000);
    }
  });
}());
