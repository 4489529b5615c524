#!/usr/bin/env python3
"""Makes pwa/fonts/vazirmatn-nl.woff2, the Persian font Rabet ships, from the npm package's.

The package's Non-Latin web font names its weight axis and named weights by name ids 257-266
(in `fvar` and `STAT`) that its `name` table does not have: Firefox's font checker (OTS) then
logs "downloadable font: STAT: Invalid nameID: 257" and throws the STAT table away. This adds
the missing names, so every engine accepts the file whole; the outlines are untouched.

Run once after changing the vazirmatn version in package.json (needs fonttools and brotli
from PyPI):  python3 scripts/vazirmatn.py
"""

from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules/vazirmatn/misc/Non-Latin/fonts/webfonts/Vazirmatn-NL[wght].woff2"
TARGET = ROOT / "pwa/fonts/vazirmatn-nl.woff2"

# OpenType's usual names of the weight axis's values.
WEIGHT_NAMES = {
    100: "Thin",
    200: "ExtraLight",
    300: "Light",
    400: "Regular",
    500: "Medium",
    600: "SemiBold",
    700: "Bold",
    800: "ExtraBold",
    900: "Black",
}


def main() -> None:
    font = TTFont(SOURCE)
    names = font["name"]
    present = {record.nameID for record in names.names}

    def name(name_id: int, text: str) -> None:
        if name_id not in present:
            names.setName(text, name_id, 3, 1, 0x409)
            present.add(name_id)

    fvar = font["fvar"]
    for axis in fvar.axes:
        name(axis.axisNameID, "Weight")
    for instance in fvar.instances:
        name(instance.subfamilyNameID, WEIGHT_NAMES[round(instance.coordinates["wght"])])
    stat = font["STAT"].table
    for axis in stat.DesignAxisRecord.Axis:
        name(axis.AxisNameID, "Weight")
    for value in stat.AxisValueArray.AxisValue:
        name(value.ValueNameID, WEIGHT_NAMES[round(value.Value)])

    font.flavor = "woff2"
    font.save(TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
