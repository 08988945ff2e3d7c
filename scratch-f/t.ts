import * as ACData from "adaptivecards-templating";
const t = new ACData.Template({ type: "AdaptiveCard", body: [{ "$when": "${chart != null}", type: "${chart.type}", data: "${chart.data}", fallback: { type: "Table", rows: [{ "$data": "${rows}", type: "TableRow", cells: [{ "$data": "${cells}", type: "TableCell", items: [{ type: "TextBlock", text: "${$data}" }] }] }] } }] });
console.log(JSON.stringify(t.expand({ $root: { chart: { type: "Chart.Donut", data: [{ legend: "a", value: 3 }] }, rows: [{ cells: ["a", "3"] }, { cells: ["b", "4"] }] } })));
console.log(JSON.stringify(t.expand({ $root: { rows: [] } })));
