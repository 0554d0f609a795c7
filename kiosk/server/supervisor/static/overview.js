// 大厅概况: fetch the live part every few seconds and swap it in; say so when it cannot.
(function () {
  "use strict";
  var box = document.getElementById("live");
  var status = document.getElementById("live-status");
  if (!box) { return; }
  var every = (parseInt(box.getAttribute("data-refresh"), 10) || 5) * 1000;
  var src = box.getAttribute("data-src");

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function refresh() {
    fetch(src, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (response.status === 401) {
        say("登录已过期，请重新登录后查看实时数据。");
        window.location.href = "/supervisor/login?next=%2Fsupervisor%2Foverview";
        return null;
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      if (html === null) { return; }
      box.innerHTML = html;  // built and escaped by the server
      say("");
      window.setTimeout(refresh, every);
    }).catch(function () {
      say("暂时连不上服务器，显示的是上一次的数据；正在重试……");
      window.setTimeout(refresh, every * 2);
    });
  }
  window.setTimeout(refresh, every);
}());
