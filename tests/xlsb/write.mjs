// Write an Excel binary workbook (.xlsb, BIFF12 records in a zip) with SheetJS, as Excel saves one:
// typed cells (numbers, text, dates as serial numbers with a date format), several sheets, hidden ones.
//
//   node write.mjs OUT.xlsb < spec.json
//
// spec.json: {"sheets": [{"name": "Brott", "hidden": false, "rows": [[cell, ...], ...]}]}; a cell is
// null (empty), a string, a number, or a SheetJS cell object such as {"t": "n", "v": 45356.6, "z": "yyyy-mm-dd hh:mm"}.
import { readFileSync, writeFileSync } from "node:fs";
import * as XLSX from "xlsx/xlsx.mjs";

const [out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node write.mjs OUT.xlsb < spec.json");
  process.exit(2);
}
const spec = JSON.parse(readFileSync(0, "utf8"));
const workbook = XLSX.utils.book_new();
for (const sheet of spec.sheets) {
  const cells = {};
  let lastRow = 0;
  let lastCol = 0;
  sheet.rows.forEach((row, r) => {
    row.forEach((value, c) => {
      if (value === null || value === undefined) return;
      const cell = typeof value === "object" ? { ...value }
        : { t: typeof value === "number" ? "n" : "s", v: value };
      cells[XLSX.utils.encode_cell({ r, c })] = cell;
      lastRow = Math.max(lastRow, r);
      lastCol = Math.max(lastCol, c);
    });
  });
  cells["!ref"] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: lastRow, c: lastCol } });
  XLSX.utils.book_append_sheet(workbook, cells, sheet.name);
}
workbook.Workbook = { Sheets: spec.sheets.map((s) => ({ name: s.name, Hidden: s.hidden ? 1 : 0 })) };
writeFileSync(out, XLSX.write(workbook, { type: "buffer", bookType: "xlsb" }));
