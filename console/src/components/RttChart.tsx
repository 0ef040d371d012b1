import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { RttSeries } from "../station";

const WIDTH = 110;
const HEIGHT = 40;

/**
 * A small chart of a link's recent round trips (uPlot: a few kB, canvas). The numbers beside it
 * are the accessible version; the chart itself is decoration for sighted readers.
 */
export function RttChart({ series, label }: { series: RttSeries | undefined; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const chart = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        padding: [4, 2, 2, 2],
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.25)] },
        },
        series: [
          {},
          // uPlot shows the points only while they are few (one test is no line yet).
          { stroke: "#79c0ff", width: 1.5, fill: "rgba(121, 192, 255, 0.15)" },
        ],
      },
      [[], []],
      element,
    );
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([series?.x ?? [], series?.y ?? []]);
  }, [series]);

  return <div ref={holder} className="rtt-chart" role="img" aria-label={label} />;
}
