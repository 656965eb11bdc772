// The dashboard shares the report's words with the CLI (src/audit/render-table.ts, render-csv.ts). Their `Lang`
// type sits beside the CLI's locale detection, whose signature names Node's `process.env`: the compiler needs
// Node's types to read it, while the bundle takes nothing of Node (a type import leaves no code).
/// <reference types="node" />
