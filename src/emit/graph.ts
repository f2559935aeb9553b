/** `flatlab graph` formats: DOT, Mermaid, and SVG drawn by flatlab itself. */
import type { Lab } from '../topology/lab.js';
import { graphSvg } from './graph-svg.js';
import { graphDot, graphMermaid } from './graph-text.js';

export const graphFormats = ['dot', 'mermaid', 'svg'] as const;
export type GraphFormat = (typeof graphFormats)[number];

const renderers: Record<GraphFormat, (lab: Lab) => string> = { dot: graphDot, mermaid: graphMermaid, svg: graphSvg };

export function renderGraph(lab: Lab, format: GraphFormat): string {
  return renderers[format](lab);
}
