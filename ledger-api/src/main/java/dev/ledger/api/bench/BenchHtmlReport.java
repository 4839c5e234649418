package dev.ledger.api.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link BenchReport} as one self-contained HTML page: the tables of the text report, and, when the run had
 * a scale section, plots of throughput and of latency against events stored, drawn as inline SVG. Nothing is
 * loaded from anywhere: the page opens offline.
 */
public final class BenchHtmlReport {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 320;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    private BenchHtmlReport() {
    }

    /** The page for {@code report}. */
    public static String render(BenchReport report) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ledger bench</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append("svg{background:#fff;border:1px solid #ddd;margin:0.5em 0 1.5em}.note{color:#555}")
                .append("</style></head><body>\n");
        html.append("<h1>ledger bench</h1>\n<p>").append(escape(report.store())).append("<br><span class=\"note\">")
                .append(escape(report.conditions())).append("</span><br><span class=\"note\">written ")
                .append(Instant.now()).append("; figures are measurements of one run on a possibly shared machine: read ")
                .append("them as ratios to the raw limits measured in the same run</span></p>\n");

        html.append("<h2>Write side</h2>\n");
        List<List<String>> write = new ArrayList<>();
        write.add(raw("raw insert, 1 row per commit", report.rawOneRowPerCommit()));
        for (BenchReport.RawInsertRun run : report.rawBatchSizes()) {
            write.add(raw("raw insert, " + run.rowsPerCommit() + " rows per commit"
                    + (run.equals(report.rawBatched()) ? " (fastest: the baseline)" : ""), run));
        }
        write.add(ledger(report.ledgerOneCaller()));
        write.add(ledger(report.ledgerConcurrentCallers()));
        write.add(ledger(report.ledgerCallersWithOutcomesInFlight()));
        BenchReport.NaiveAxonRun naive = report.naiveAxon();
        if (naive != null) {
            write.add(List.of("naive Axon, " + naive.callers() + " callers", count(naive.transfers()), count(naive.events()),
                    rate(naive.eventsPerSecond()), ratio(naive.eventsPerSecond() / report.rawBatched().rowsPerSecond())));
        }
        table(html, List.of("run", "rows or transfers", "events", "rows or events/s", "vs raw batched"), write);
        if (naive != null) {
            html.append("<p class=\"note\">The ledger with ").append(naive.callers()).append(" callers does ")
                    .append(ratio(naive.ledgerTimes())).append(" times the events per second of a naive Axon ")
                    .append("configuration (JdbcEventStorageEngine, one command per transaction, no cache).</p>\n");
        }

        html.append("<h2>Read side</h2>\n");
        List<List<String>> read = new ArrayList<>();
        BenchReport.RawReadRun rawRead = report.rawRead();
        for (BenchReport.RawReadMethod method : rawRead.methods()) {
            read.add(List.of("raw read, " + method.method() + (method.method().equals(rawRead.method())
                    ? " (fastest: the baseline)" : ""), count(rawRead.rows()), rate(method.rowsPerSecond()), "-"));
        }
        for (BenchReport.ReadModelRebuild one : report.rebuild().perReadModel()) {
            read.add(List.of("rebuild " + one.readModel() + " alone", count(one.events()), rate(one.eventsPerSecond()),
                    ratio(one.vsRawRead())));
        }
        BenchReport.RebuildRun rebuild = report.rebuild();
        read.add(List.of("rebuild, all " + rebuild.readModels() + " read models in one pass", count(rebuild.eventsReplayed()),
                rate(rebuild.eventsPerSecond()), ratio(rebuild.rebuildVsRawRead())));
        table(html, List.of("run", "rows or events", "rows or events/s", "vs raw read"), read);

        BenchReport.MarkTickRun ticks = report.markTicks();
        html.append("<h2>Mark-price ticks</h2>\n");
        table(html, List.of("symbol", "open positions", "µs per durable tick", "vs symbol with none"), List.of(
                List.of("with open positions", count(ticks.openPositions()), fixed(ticks.busySymbolTickMicros(), 0),
                        ratio(ticks.busyVsQuiet())),
                List.of("with none", "0", fixed(ticks.quietSymbolTickMicros(), 0), "1")));

        if (!report.fanOuts().isEmpty()) {
            html.append("<h2>Copy trading: one lead fill mirrored to N copiers, durable</h2>\n");
            List<List<String>> fan = new ArrayList<>();
            for (BenchReport.FanOutRun run : report.fanOuts()) {
                fan.add(List.of(count(run.copiers()), fixed(run.medianMillis(), 0), fixed(run.fastestMillis(), 0),
                        rate(run.mirroredEventsPerSecond()), fixed(run.microsPerCopier(), 1), ratio(run.vsRawInsert())));
            }
            table(html, List.of("copiers", "median ms", "fastest ms", "mirrored events/s", "µs per copier",
                    "vs raw insert"), fan);
            if (!report.followQueries().isEmpty()) {
                List<List<String>> queries = new ArrayList<>();
                for (BenchReport.FollowQueryRun run : report.followQueries()) {
                    queries.add(List.of(count(run.followers()), fixed(run.followersQueryMillis(), 1),
                            fixed(run.followsQueryMillis(), 1)));
                }
                table(html, List.of("followers", "query followers ms", "query follows ms"), queries);
            }
        }

        BenchReport.ScaleRun scale = report.scale();
        html.append("<h2>Scale</h2>\n");
        if (scale == null || scale.steps().isEmpty()) {
            html.append("<p class=\"note\">No scale section in this run: <code>ledger bench --events N</code> fills the ")
                    .append("store step by step and plots throughput and latency against events stored.</p>\n");
        } else {
            scale(html, scale, report.rawBatched());
        }
        BenchReport.WritersSection writers = report.writers();
        if (writers != null) {
            html.append("<h2>Several writer processes on one PostgreSQL</h2>\n");
            if (writers.note() != null) {
                html.append("<p class=\"note\">Not measured: ").append(escape(writers.note())).append(".</p>\n");
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (BenchReport.WritersRun run : writers.runs()) {
                    rows.add(List.of(Integer.toString(run.writers()), run.users(), Integer.toString(run.callersPerWriter()),
                            count(run.transfers()), count(run.events()), rate(run.eventsPerSecond()),
                            ratio(run.vsOneWriter()), ratio(run.vsRawBatched())));
                }
                table(html, List.of("writers", "users", "callers each", "transfers", "events", "events/s", "vs 1 writer",
                        "vs raw batched"), rows);
                html.append("<p class=\"note\">Child JVMs, each a ledger with its own callers, every transfer awaited ")
                        .append("until durable; writers lock per aggregate, and a group that collided is retried holding the locks of what it touched.</p>\n");
            }
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    private static void scale(StringBuilder html, BenchReport.ScaleRun scale, BenchReport.RawInsertRun rawBatched) {
        List<double[]> throughput = new ArrayList<>();
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (BenchReport.ScaleStep step : scale.steps()) {
            throughput.add(new double[]{step.eventsStored(), step.eventsPerSecond()});
            p50.add(new double[]{step.eventsStored(), step.p50Millis()});
            p99.add(new double[]{step.eventsStored(), step.p99Millis()});
            rows.add(List.of(count(step.eventsStored()), count(step.commands()), rate(step.eventsPerSecond()),
                    ratio(step.eventsPerSecond() / rawBatched.rowsPerSecond()), fixed(step.p50Millis(), 2),
                    fixed(step.p99Millis(), 2), fixed(step.maxMillis(), 1), count(step.heapUsedBytes() >> 20)));
        }
        html.append("<p>The store filled with ").append(count(scale.targetEvents())).append(" more events by ")
                .append(scale.callers()).append(" callers; latency is submit to durable outcome.</p>\n");
        html.append("<h3>Durable events per second against events stored</h3>\n");
        chart(html, "events stored", "events/s", List.of(new Series("ledger, " + scale.callers() + " callers", "#1f77b4",
                throughput, false), new Series("raw batched insert (same run)", "#999", List.of(
                new double[]{0, rawBatched.rowsPerSecond()},
                new double[]{throughput.get(throughput.size() - 1)[0], rawBatched.rowsPerSecond()}), true)));
        html.append("<h3>Command latency against events stored</h3>\n");
        chart(html, "events stored", "ms", List.of(new Series("p50", "#2ca02c", p50, false),
                new Series("p99", "#d62728", p99, false)));
        table(html, List.of("events stored", "commands", "events/s", "vs raw batched", "p50 ms", "p99 ms", "max ms",
                "heap used MiB"), rows);
        BenchReport.PointInTimeRun pit = scale.pointInTime();
        html.append("<p>Point-in-time balance of ").append(escape(pit.account())).append(" (")
                .append(count(pit.accountEvents())).append(" events): ").append(fixed(pit.halfwayMillis(), 0))
                .append(" ms halfway through the fill, ").append(fixed(pit.endMillis(), 0)).append(" ms at its end.</p>\n");
        BenchReport.HeapBoundRebuild rebuild = scale.rebuildInSmallHeap();
        if (rebuild != null) {
            html.append("<p>Rebuild of every read model in a JVM with <code>-Xmx").append(rebuild.heapMiB()).append("m</code>: ")
                    .append(rebuild.completed() ? count(rebuild.events()) + " events in " + fixed(rebuild.seconds(), 1)
                            + " s (" + rate(rebuild.eventsPerSecond()) + " events/s), heap pools' peaks summed "
                            + (rebuild.peakHeapBytes() >> 20) + " MiB" : "failed: " + escape(rebuild.failure()))
                    .append(".</p>\n");
        }
    }

    private record Series(String name, String colour, List<double[]> points, boolean dashed) {
    }

    /** A line chart of the series, axes from zero to a little above the largest value. */
    private static void chart(StringBuilder svg, String xLabel, String yLabel, List<Series> series) {
        double maxX = 0;
        double maxY = 0;
        for (Series one : series) {
            for (double[] point : one.points()) {
                maxX = Math.max(maxX, point[0]);
                maxY = Math.max(maxY, point[1]);
            }
        }
        maxX = niceCeiling(maxX);
        maxY = niceCeiling(maxY * 1.05);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" font-size=\"11\">\n");
        for (int tick = 0; tick <= 5; tick++) {
            double y = TOP + plotHeight - plotHeight * tick / 5.0;
            double x = LEFT + plotWidth * tick / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4,
                    axisNumber(maxY * tick / 5.0)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                    TOP + plotHeight + 16, axisNumber(maxX * tick / 5.0)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT,
                TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n", LEFT, TOP,
                LEFT, TOP + plotHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", LEFT + plotWidth / 2,
                HEIGHT - 8, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
                TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel)));
        int legendY = TOP + 12;
        for (Series one : series) {
            StringBuilder points = new StringBuilder();
            for (double[] point : one.points()) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotWidth * point[0] / maxX,
                        TOP + plotHeight - plotHeight * point[1] / maxY));
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(one.colour()).append("\" stroke-width=\"2\"")
                    .append(one.dashed() ? " stroke-dasharray=\"6 4\"" : "").append(" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
            if (!one.dashed()) {
                for (double[] point : one.points()) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                            LEFT + plotWidth * point[0] / maxX, TOP + plotHeight - plotHeight * point[1] / maxY, one.colour()));
                }
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>\n", LEFT + 12, legendY - 4, one.colour(), LEFT + 32, legendY,
                    escape(one.name())));
            legendY += 16;
        }
        svg.append("</svg>\n");
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value} (1 for nothing to show). */
    static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[]{1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String axisNumber(double value) {
        if (value >= 1_000_000) {
            return trim(value / 1_000_000) + "M";
        }
        if (value >= 1_000) {
            return trim(value / 1_000) + "k";
        }
        return trim(value);
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value);
        return text.replaceAll("\\.?0+$", "");
    }

    private static void table(StringBuilder html, List<String> header, List<List<String>> rows) {
        html.append("<table><tr>");
        for (String cell : header) {
            html.append("<th>").append(escape(cell)).append("</th>");
        }
        html.append("</tr>\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (String cell : row) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static List<String> raw(String label, BenchReport.RawInsertRun run) {
        return List.of(label, count(run.rows()), "-", rate(run.rowsPerSecond()), "-");
    }

    private static List<String> ledger(BenchReport.TransferRun run) {
        return List.of(run.label(), count(run.transfers()),
                count(run.events()), rate(run.eventsPerSecond()), ratio(run.eventsVsRawBatched()));
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String rate(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
