package dev.ledger.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table for people: a header row, columns padded to their widest cell, numbers right-aligned. */
final class TextTable {

    enum Align { LEFT, RIGHT }

    private static final String GAP = "  ";

    private final String[] headers;
    private final Align[] aligns;
    private final List<String[]> rows = new ArrayList<>();
    private final boolean headerShown;

    private TextTable(String[] headers, Align[] aligns, boolean headerShown) {
        this.headers = headers;
        this.aligns = aligns;
        this.headerShown = headerShown;
    }

    private TextTable(String[] headers, Align[] aligns) {
        this(headers, aligns, true);
    }

    /** Named figures, one per row: the name left, the value right-aligned, no header row. */
    static TextTable figures() {
        return new TextTable(new String[]{"", ""}, new Align[]{Align.LEFT, Align.RIGHT}, false);
    }

    /** A table whose first column is text (left-aligned) and the rest figures (right-aligned). */
    static TextTable withLabelColumn(String... headers) {
        Align[] aligns = new Align[headers.length];
        Arrays.fill(aligns, Align.RIGHT);
        aligns[0] = Align.LEFT;
        return new TextTable(headers, aligns);
    }

    /** A table of text columns, all left-aligned. */
    static TextTable ofText(String... headers) {
        Align[] aligns = new Align[headers.length];
        Arrays.fill(aligns, Align.LEFT);
        return new TextTable(headers, aligns);
    }

    TextTable row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.length + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    void print(PrintWriter out, String indent) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headerShown ? headers[c].length() : 0;
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        if (headerShown) {
            printRow(out, indent, headers, widths);
        }
        for (String[] row : rows) {
            printRow(out, indent, row, widths);
        }
    }

    private void printRow(PrintWriter out, String indent, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                line.append(GAP);
            }
            String padding = " ".repeat(widths[c] - cells[c].length());
            line.append(aligns[c] == Align.RIGHT ? padding + cells[c] : cells[c] + padding);
        }
        out.println(line.toString().stripTrailing());
    }
}
