// Compile and render each D2 file with D2's own WASM build; print one line per file, exit 1 on any failure.
import { D2 } from "@terrastruct/d2";
import { readFileSync } from "node:fs";

const d2 = new D2();
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await d2.compile(readFileSync(file, "utf8"));
    const svg = await d2.render(result.diagram, result.renderOptions ?? {});
    console.log(`${file}: ok, ${svg.length} bytes of SVG`);
  } catch (error) {
    failed += 1;
    console.log(`${file}: ${String(error?.message ?? error).split("\n")[0]}`);
  }
}
process.exit(failed ? 1 : 0);
