// Lay a D2 file out with D2's own WASM build (dagre or elk); write each connection's route as JSON.
import { D2 } from "@terrastruct/d2";
import { readFileSync, writeFileSync } from "node:fs";

const [file, layout, out] = process.argv.slice(2);
const d2 = new D2();
const result = await d2.compile(readFileSync(file, "utf8"), { layout });
const routes = result.diagram.connections.map((c) => ({ src: c.src, dst: c.dst, route: c.route }));
writeFileSync(out, JSON.stringify(routes));
process.exit(0); // the WASM worker would keep node running
