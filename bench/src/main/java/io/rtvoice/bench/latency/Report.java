package io.rtvoice.bench.latency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogWriter;

/** The latency run's results: a table, a JSON summary, the raw histograms and a self-contained HTML page. */
final class Report {

    private static final double[] PERCENTILES = {50, 90, 99};

    private final Measurements measurements;
    private final ObjectNode settings;

    Report(Measurements measurements, ObjectNode settings) {
        this.measurements = measurements;
        this.settings = settings;
    }

    void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "%-34s %7s %9s %9s %9s %9s%n", "stage (ms)", "count", "p50", "p90", "p99", "max");
        for (Stage stage : Stage.values()) {
            Histogram h = measurements.histogram(stage);
            if (h.getTotalCount() == 0) {
                out.printf(Locale.ROOT, "%-34s %7d %9s %9s %9s %9s%n", stage.label, 0, "-", "-", "-", "-");
                continue;
            }
            out.printf(Locale.ROOT, "%-34s %7d %9.1f %9.1f %9.1f %9.1f%n", stage.label, h.getTotalCount(),
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getMaxValue()));
        }
        out.printf(Locale.ROOT, "turns: %d done, %d failed; audio deltas: %d; playout underruns: %d in %d turns%n",
                measurements.turnsDone.get(), measurements.turnsFailed.get(), measurements.audioDeltas.get(),
                measurements.underruns.get(), measurements.turnsWithUnderrun.get());
        measurements.failures.forEach((what, count) -> out.printf("  failed %d x: %s%n", count.get(), what));
    }

    ObjectNode summary() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("settings", settings);
        root.put("turns_done", measurements.turnsDone.get());
        root.put("turns_failed", measurements.turnsFailed.get());
        root.put("audio_deltas", measurements.audioDeltas.get());
        root.put("underruns", measurements.underruns.get());
        root.put("turns_with_underrun", measurements.turnsWithUnderrun.get());
        ObjectNode failures = root.putObject("failures");
        measurements.failures.forEach((what, count) -> failures.put(what, count.get()));
        ObjectNode stages = root.putObject("stages_ms");
        for (Stage stage : Stage.values()) {
            Histogram h = measurements.histogram(stage);
            ObjectNode s = stages.putObject(stage.key());
            s.put("label", stage.label);
            s.put("count", h.getTotalCount());
            if (h.getTotalCount() > 0) {
                s.put("min", ms(h.getMinValue()));
                s.put("mean", Math.round(h.getMean()) / 1000.0);
                for (double p : PERCENTILES) {
                    s.put("p" + (int) p, ms(h.getValueAtPercentile(p)));
                }
                s.put("max", ms(h.getMaxValue()));
            }
        }
        return root;
    }

    /** Writes {@code summary.json}, {@code latency.hlog} (HdrHistogram log, one tagged histogram per stage) and {@code latency.html}. */
    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        ObjectNode summary = summary();
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("summary.json").toFile(), summary);
        try (PrintStream log = new PrintStream(Files.newOutputStream(directory.resolve("latency.hlog")), true, StandardCharsets.UTF_8)) {
            HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputComment("rtvoice latency: one histogram per stage, values in microseconds");
            writer.outputLogFormatVersion();
            writer.outputLegend();
            for (Stage stage : Stage.values()) {
                writer.outputIntervalHistogram(measurements.histogram(stage));
            }
        }
        Files.writeString(directory.resolve("latency.html"), html(summary), StandardCharsets.UTF_8);
    }

    /** One SVG bar chart of the distribution per stage, with its percentiles; no script, no external file. */
    private String html(ObjectNode summary) {
        StringBuilder page = new StringBuilder(16_384);
        page.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>rtvoice latency</title><style>")
                .append("body{font:14px sans-serif;margin:2em;max-width:960px}h2{font-size:16px;margin:1.5em 0 .2em}")
                .append("p{margin:.2em 0;color:#555}rect{fill:#3b7dd8}line{stroke:#c00;stroke-width:1.5}")
                .append("text{font:11px sans-serif}pre{background:#f4f4f4;padding:1em}</style></head><body>")
                .append("<h1>rtvoice latency</h1><pre>").append(escape(summary.get("settings").toPrettyString())).append("</pre>")
                .append(String.format(Locale.ROOT, "<p>%d turns done, %d failed; %d playout underruns in %d turns.</p>",
                        measurements.turnsDone.get(), measurements.turnsFailed.get(), measurements.underruns.get(),
                        measurements.turnsWithUnderrun.get()));
        for (Stage stage : Stage.values()) {
            Histogram h = measurements.histogram(stage);
            page.append("<h2>").append(escape(stage.label)).append("</h2><p>").append(escape(stage.meaning)).append("</p>");
            if (h.getTotalCount() == 0) {
                page.append("<p>no samples</p>");
                continue;
            }
            page.append(String.format(Locale.ROOT, "<p>n=%d &nbsp; p50 %.1f ms &nbsp; p90 %.1f ms &nbsp; p99 %.1f ms &nbsp; max %.1f ms</p>",
                    h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue())));
            page.append(chart(h));
        }
        return page.append("</body></html>\n").toString();
    }

    private static String chart(Histogram h) {
        int width = 900;
        int height = 140;
        int bins = 60;
        long low = h.getMinValue();
        long high = Math.max(low + 1, h.getMaxValue());
        double binWidth = (double) (high - low + 1) / bins;
        long[] counts = new long[bins];
        for (HistogramIterationValue v : h.recordedValues()) {
            int bin = (int) Math.min(bins - 1, (v.getValueIteratedTo() - low) / binWidth);
            counts[Math.max(0, bin)] += v.getCountAtValueIteratedTo();
        }
        long most = java.util.Arrays.stream(counts).max().orElse(1);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", width, height + 20, width, height + 20));
        double barWidth = (double) width / bins;
        for (int i = 0; i < bins; i++) {
            double barHeight = counts[i] == 0 ? 0 : Math.max(1, (double) counts[i] / most * height);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%.1f-%.1f ms: %d</title></rect>",
                    i * barWidth, height - barHeight, Math.max(1, barWidth - 1), barHeight,
                    ms((long) (low + i * binWidth)), ms((long) (low + (i + 1) * binWidth)), counts[i]));
        }
        for (double p : PERCENTILES) {
            double x = (h.getValueAtPercentile(p) - low) / binWidth * barWidth;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\"/><text x=\"%.1f\" y=\"10\">p%d</text>",
                    x, x, height, x + 2, (int) p));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%.1f ms</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f ms</text></svg>",
                height + 15, ms(low), width, height + 15, ms(high)));
        return svg.toString();
    }

    private static double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
