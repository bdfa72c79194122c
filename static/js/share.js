// Share box (templates/partials/share_buttons.html). Without this file the Zalo and Facebook
// links still work and the address sits in a read-only box to copy by hand; with it, a
// "Sao chép liên kết" button copies it, and phones get their own share sheet (Zalo included).
(function () {
  "use strict";

  document.querySelectorAll(".js-share-copy").forEach(function (button) {
    var input = button.closest(".input-group").querySelector(".js-share-url");
    if (!navigator.clipboard || !input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.dataset.copiedLabel;
      }, function () {
        input.select();
      });
    });
  });

  document.querySelectorAll(".js-share-url").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  document.querySelectorAll(".js-share-native").forEach(function (button) {
    if (!navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl }).catch(function () {});
    });
  });
})();
