package io.github.bufdsl.cli;

import io.github.bufdsl.api.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code usage --plot FILE}: each buffer's level over the script's statements as a step line, the
 * peak marked with its statement's line, as SVG or PNG (by the file's extension), drawn with XChart.
 */
final class Plot {
    private Plot() {
    }

    static void write(Usage usage, Path file, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title)
                .xAxisTitle("statements that change a buffer, in the order they run")
                .yAxisTitle("elements in use").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        chart.getStyler().setMarkerSize(6);
        int offset = 0;
        for (Usage.Block block : usage.blocks()) {
            Map<String, List<Double>> xs = new LinkedHashMap<>();
            Map<String, List<Double>> ys = new LinkedHashMap<>();
            Map<String, int[]> peakAt = new LinkedHashMap<>(); // buffer -> {event, line}
            Map<String, Long> peak = new LinkedHashMap<>();
            final int start = offset;
            int event = 0;
            java.util.Set<String> inEvent = new java.util.HashSet<>();
            for (Usage.Step s : block.trace().steps()) {
                if (!inEvent.add(s.buffer())) {
                    // a statement records every buffer once: a buffer seen again starts the next statement
                    event++;
                    inEvent.clear();
                    inEvent.add(s.buffer());
                }
                xs.computeIfAbsent(s.buffer(), x -> new ArrayList<>(List.of((double) start)));
                ys.computeIfAbsent(s.buffer(), x -> new ArrayList<>(List.of(0.0)));
                xs.get(s.buffer()).add((double) (start + event + 1));
                ys.get(s.buffer()).add((double) s.level());
                if (s.level() > peak.getOrDefault(s.buffer(), -1L)) {
                    peak.put(s.buffer(), s.level());
                    peakAt.put(s.buffer(), new int[] {start + event + 1, s.line()});
                }
            }
            String suffix = usage.blocks().size() > 1 ? " (block " + (usage.blocks().indexOf(block) + 1) + ")" : "";
            String path = block.trace().path().isEmpty() ? "" : " when " + block.trace().path();
            for (String b : xs.keySet()) {
                XYSeries line = chart.addSeries(b + suffix + path, xs.get(b), ys.get(b));
                line.setMarker(SeriesMarkers.NONE);
                XYSeries top = chart.addSeries("peak " + b + suffix + " = " + peak.get(b) + " at line "
                        + peakAt.get(b)[1], new double[] {peakAt.get(b)[0]}, new double[] {peak.get(b)});
                top.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                top.setMarker(SeriesMarkers.DIAMOND);
            }
            offset += event + 2;
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no buffer changes", new double[] {0}, new double[] {0});
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".png")) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }
    }
}
