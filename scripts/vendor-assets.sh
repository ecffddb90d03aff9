#!/bin/sh
# Fetch the JavaScript, CSS and fonts that folium, its plugins, branca and
# streamlit-folium would otherwise load from CDNs, so that maps work with no
# internet connection. The files are committed under dashboard/static/vendor/;
# the app never runs npm. Re-run this script only to change a version.
#
#   sh scripts/vendor-assets.sh
#
# Versions are the ones folium 0.20 / branca / streamlit-folium 0.27 reference
# (folium.folium._default_js, folium.plugins.*.default_js, branca.colormap,
# streamlit_folium.st_folium). Where the CDN file is not on the npm registry
# the nearest published version is used (noted below). Only the files a
# browser needs are extracted; fonts are woff2 only.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/dashboard/static/vendor"
python=${PYTHON:-"$repo/.venv/bin/python"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pack NAME@VERSION: download the registry tarball and unpack it to $work/NAME@VERSION
pack() {
    dir="$work/$(echo "$1" | tr '/' '_')"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
    echo "$dir/package"
}

# put SRC DEST: copy one file, creating the folder
put() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
}

rm -rf "$dest"
mkdir -p "$dest"

p=$(pack leaflet@1.9.3)
d="$dest/leaflet@1.9.3"
put "$p/dist/leaflet.js" "$d/leaflet.js"
put "$p/dist/leaflet.css" "$d/leaflet.css"
for f in layers.png layers-2x.png marker-icon.png marker-icon-2x.png marker-shadow.png; do
    put "$p/dist/images/$f" "$d/images/$f"
done
put "$p/LICENSE" "$d/LICENSE"

p=$(pack jquery@3.7.1)
put "$p/dist/jquery.min.js" "$dest/jquery@3.7.1/jquery.min.js"
put "$p/LICENSE.txt" "$dest/jquery@3.7.1/LICENSE.txt"

p=$(pack bootstrap@5.2.2)
d="$dest/bootstrap@5.2.2"
put "$p/dist/js/bootstrap.bundle.min.js" "$d/bootstrap.bundle.min.js"
put "$p/dist/css/bootstrap.min.css" "$d/bootstrap.min.css"
put "$p/LICENSE" "$d/LICENSE"

# folium references netdna's bootstrap-glyphicons.css (Bootstrap 3.0.0), which
# is not on npm; take the Glyphicons rules and font from Bootstrap 3.4.1.
p=$(pack bootstrap@3.4.1)
d="$dest/bootstrap-glyphicons@3.4.1"
put "$p/fonts/glyphicons-halflings-regular.woff2" "$d/fonts/glyphicons-halflings-regular.woff2"
put "$p/LICENSE" "$d/LICENSE"
node - "$p/dist/css/bootstrap.css" "$d/bootstrap-glyphicons.css" <<'EOF'
const fs = require("fs");
const [src, out] = process.argv.slice(2);
const css = fs.readFileSync(src, "utf8");
const rules = css.match(/^\.glyphicon[^{]*\{[^}]*\}/gm) || [];
const face = '@font-face{font-family:"Glyphicons Halflings";' +
  'src:url("fonts/glyphicons-halflings-regular.woff2") format("woff2")}\n';
fs.writeFileSync(out, "/* Glyphicons rules from Bootstrap 3.4.1 (MIT) */\n" + face + rules.join("\n") + "\n");
if (rules.length < 200) { console.error("too few glyphicon rules: " + rules.length); process.exit(1); }
EOF

p=$(pack @fortawesome/fontawesome-free@6.2.0)
d="$dest/fontawesome-free@6.2.0"
put "$p/css/all.min.css" "$d/css/all.min.css"
for f in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
    put "$p/webfonts/$f.woff2" "$d/webfonts/$f.woff2"
done
put "$p/LICENSE.txt" "$d/LICENSE.txt"

# folium references 2.0.2 on cdnjs; npm has 2.0.4/2.0.5 with the same code
# (the file still says version 2.0.1).
p=$(pack leaflet.awesome-markers@2.0.5)
d="$dest/leaflet.awesome-markers@2.0.5"
put "$p/dist/leaflet.awesome-markers.js" "$d/leaflet.awesome-markers.js"
put "$p/dist/leaflet.awesome-markers.css" "$d/leaflet.awesome-markers.css"
for f in markers-soft.png markers-soft@2x.png markers-shadow.png markers-shadow@2x.png; do
    put "$p/dist/images/$f" "$d/images/$f"
done
put "$p/LICENSE" "$d/LICENSE"

# folium's leaflet.awesome.rotate.min.css: one class per degree.
d="$dest/folium"
mkdir -p "$d"
i=0
while [ $i -le 360 ]; do
    printf '.fa-rotate-%s{-ms-transform:rotate(%sdeg);-webkit-transform:rotate(%sdeg);transform:rotate(%sdeg)}\n' \
        $i $i $i $i
    i=$((i + 1))
done > "$d/leaflet.awesome.rotate.min.css"

# HeatMap's script ships inside the folium package (folium/templates/).
"$python" - "$d" <<'EOF'
import pathlib, shutil, sys
import folium
src = pathlib.Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"
shutil.copy(src, pathlib.Path(sys.argv[1]) / "leaflet_heat.min.js")
EOF

# Leaflet 1.9.3 guesses the default marker icon folder from leaflet.css; when
# the stylesheet has not loaded yet (streamlit-folium adds it after the
# scripts) the guess drops "/images/". Set it from this script's own URL.
mkdir -p "$dest/samsyn"
cat > "$dest/samsyn/leaflet-icon-path.js" <<'JS'
/* Samsyn: where Leaflet's default marker icons are (see scripts/vendor-assets.sh). */
(function () {
    var script = document.currentScript;
    if (window.L && script) {
        L.Icon.Default.imagePath = new URL("../leaflet@1.9.3/images/", script.src).href;
    }
})();
JS

p=$(pack leaflet.markercluster@1.1.0)
d="$dest/leaflet.markercluster@1.1.0"
put "$p/dist/leaflet.markercluster.js" "$d/leaflet.markercluster.js"
put "$p/dist/MarkerCluster.css" "$d/MarkerCluster.css"
put "$p/dist/MarkerCluster.Default.css" "$d/MarkerCluster.Default.css"
put "$p/MIT-LICENCE.txt" "$d/MIT-LICENCE.txt"

p=$(pack leaflet-draw@1.0.2)
d="$dest/leaflet-draw@1.0.2"
put "$p/dist/leaflet.draw.js" "$d/leaflet.draw.js"
put "$p/dist/leaflet.draw.css" "$d/leaflet.draw.css"
for f in spritesheet.png spritesheet-2x.png spritesheet.svg; do
    put "$p/dist/images/$f" "$d/images/$f"
done

# npm has no minified build of 3.0.0; the plain file is small.
p=$(pack leaflet.fullscreen@3.0.0)
d="$dest/leaflet.fullscreen@3.0.0"
put "$p/Control.FullScreen.js" "$d/Control.FullScreen.js"
put "$p/Control.FullScreen.css" "$d/Control.FullScreen.css"
put "$p/icon-fullscreen.svg" "$d/icon-fullscreen.svg"
put "$p/LICENSE" "$d/LICENSE"

p=$(pack leaflet-minimap@3.6.1)
d="$dest/leaflet-minimap@3.6.1"
put "$p/dist/Control.MiniMap.min.js" "$d/Control.MiniMap.min.js"
put "$p/dist/Control.MiniMap.min.css" "$d/Control.MiniMap.min.css"
put "$p/dist/images/toggle.png" "$d/images/toggle.png"
put "$p/dist/images/toggle.svg" "$d/images/toggle.svg"
put "$p/LICENSE.txt" "$d/LICENSE.txt"

# branca's colormap legend uses d3 3.5.5; streamlit-folium also adds
# d3js.org/d3.v4.min.js (the last v4 release is 4.13.0).
p=$(pack d3@3.5.5)
put "$p/d3.min.js" "$dest/d3@3.5.5/d3.min.js"
put "$p/LICENSE" "$dest/d3@3.5.5/LICENSE"
p=$(pack d3@4.13.0)
put "$p/build/d3.min.js" "$dest/d3@4.13.0/d3.min.js"
put "$p/LICENSE" "$dest/d3@4.13.0/LICENSE"

du -sh "$dest"
