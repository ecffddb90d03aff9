/* Samsyn: where Leaflet's default marker icons are (see scripts/vendor-assets.sh). */
(function () {
    var script = document.currentScript;
    if (window.L && script) {
        L.Icon.Default.imagePath = new URL("../leaflet@1.9.3/images/", script.src).href;
    }
})();
