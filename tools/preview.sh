#!/usr/bin/env bash
# Look at the outputs as a reader will: the 工作台账 and the Word reports → PDF (LibreOffice,
# headless) → one PNG per page (pdftoppm).
#
#   tools/preview.sh [-o DIR] [-r DPI] [FILE.xlsx|FILE.docx …]
#
# Without files it first builds a demo database from the sample plan (tools/preview_sample.py)
# and exports the ledger, the half-year and the annual report, one fill-in form, the pilots'
# overview and two pilot reports (试点建设进展情况报告) into DIR.
# Default DIR: ./preview (created). Needs: apt-get install libreoffice-writer-nogui
# libreoffice-calc-nogui poppler-utils fonts-noto-cjk.
#
# Debian has none of the fonts an official document names (仿宋_GB2312, 楷体, 黑体, 方正小标宋简体,
# 宋体); a private fontconfig file maps them to Noto CJK for the preview only. The files
# themselves keep the real font names, which Word on an office PC has.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$PWD/preview"
DPI=70
while getopts "o:r:h" option; do
    case "$option" in
        o) OUT="$OPTARG" ;;
        r) DPI="$OPTARG" ;;
        *)
            sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 2
            ;;
    esac
done
shift $((OPTIND - 1))

for tool in soffice pdftoppm; do
    if ! command -v "$tool" >/dev/null; then
        echo "tools/preview.sh: $tool is missing. Install it with:" >&2
        echo "  apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk" >&2
        exit 1
    fi
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
    PYTHON="$ROOT/.venv/bin/python"
    [[ -x "$PYTHON" ]] || PYTHON=python3
    "$PYTHON" "$ROOT/tools/preview_sample.py" "$OUT" >"$OUT/files.txt"
    mapfile -t files <"$OUT/files.txt"
fi

# Font aliases for the preview: serif for the 宋/仿宋/楷 families, sans for 黑体, bold serif
# for the title font.
cat >"$OUT/fonts.conf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="pattern">
    <test name="family" qual="any"><string>方正小标宋简体</string></test>
    <edit name="family" mode="assign" binding="strong"><string>Noto Serif CJK SC</string></edit>
    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>
  </match>
  <match target="pattern">
    <test name="family" qual="any"><string>小标宋</string></test>
    <edit name="family" mode="assign" binding="strong"><string>Noto Serif CJK SC</string></edit>
    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>
  </match>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>楷体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>楷体_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
EOF
export FONTCONFIG_FILE="$OUT/fonts.conf"

# A private LibreOffice profile: no clash with another LibreOffice running on the machine.
profile="file://$OUT/.lo-profile"
for file in "${files[@]}"; do
    name="$(basename "${file%.*}")"
    echo "==> $file" >&2
    soffice --headless "-env:UserInstallation=$profile" --convert-to pdf --outdir "$OUT" \
        "$file" >/dev/null
    rm -f "$OUT/$name"-*.png
    pdftoppm -png -r "$DPI" "$OUT/$name.pdf" "$OUT/$name"
    ls "$OUT/$name"-*.png
done
